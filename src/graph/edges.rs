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

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(s: &[u32], t: &[u32], n_nodes: usize, directed: bool) -> Graph {
        crate::graph::test_graph(s, t, None, n_nodes, directed)
    }

    #[test]
    fn directed_edges_are_listed_once_per_ordered_pair() {
        let g = graph(&[2, 0, 1, 0, 2, 0], &[0, 2, 0, 2, 2, 1], 3, true);
        let e = edge_list(&g);
        assert_eq!(e.source, vec![0, 0, 1, 2, 2]);
        assert_eq!(e.target, vec![1, 2, 0, 0, 2]);
        assert_eq!(e.slot, vec![0, 1, 2, 3, 4]);
        assert_eq!(g.attrs().count[e.slot[1]], 2);
    }

    #[test]
    fn undirected_edges_are_listed_once_with_source_at_most_target() {
        // Slots: 0:0-1 1:0-2 2:1-0 3:1-1 4:2-0
        let g = graph(&[1, 2, 0, 1], &[0, 0, 1, 1], 3, false);
        let e = edge_list(&g);
        assert_eq!(e.source, vec![0, 0, 1]);
        assert_eq!(e.target, vec![1, 2, 1]);
        assert_eq!(e.slot, vec![0, 1, 3]);
        assert_eq!(e.source.len(), g.n_edges());
        assert_eq!(g.attrs().count[e.slot[0]], 2);
    }

    #[test]
    fn edgeless_graph_has_an_empty_edge_list() {
        for directed in [true, false] {
            assert_eq!(
                edge_list(&graph(&[], &[], 4, directed)),
                EdgeList::default()
            );
            assert_eq!(
                edge_list(&graph(&[], &[], 0, directed)),
                EdgeList::default()
            );
        }
    }
}
