//! The edge list of a graph, one row per edge.

use super::Graph;

/// One row per edge: per ordered pair for a directed graph, per unordered pair (`source <=
/// target`) for an undirected one; in increasing `(source, target)` order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EdgeList {
    /// Source node code.
    pub source: Vec<u32>,
    /// Target node code.
    pub target: Vec<u32>,
    /// Out-slot of each edge, to look up its attributes in [`Graph::attrs`].
    pub slot: Vec<usize>,
}

/// Lists the edges of `g`.
///
/// # Complexity
/// `O(|V| + |E|)` time and space.
///
/// # Examples
/// ```
/// use socialcrm::control::Control;
/// use socialcrm::graph::{BuildConfig, Events, build, edge_list};
///
/// let (s, t) = ([1u32, 0], [0u32, 1]);
/// let ev = Events { source: &s, target: &t, weight: None, time: None, kind: None };
/// let cfg = BuildConfig { n_nodes: 2, directed: false, ..Default::default() };
/// let (g, _) = build(&ev, &cfg, &Control::new()).unwrap();
/// let e = edge_list(&g);
/// assert_eq!((e.source, e.target), (vec![0], vec![1]));
/// ```
pub fn edge_list(g: &Graph) -> EdgeList {
    let mut out = EdgeList::default();
    for (slot, (u, &v)) in g.slot_sources().into_iter().zip(g.targets()).enumerate() {
        if g.is_directed() || u <= v {
            out.source.push(u);
            out.target.push(v);
            out.slot.push(slot);
        }
    }
    out
}
