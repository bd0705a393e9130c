//! Graphs derived from a graph: induced subgraphs and undirected views.

use super::Graph;
use super::aggregate::aggregate;
use super::records::EdgeRecords;
use crate::control::Control;
use crate::error::{CoreError, CoreResult};

/// How the weights of edges that become one are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Merge {
    /// Add them (event counts always add).
    #[default]
    Sum,
    /// Keep the largest.
    Max,
}

/// The subgraph induced by the nodes `keep`: those nodes, renumbered `0..k` in increasing order
/// of their old codes, and every edge between two of them with its attributes.
///
/// # Arguments
/// * `g` - the graph.
/// * `keep` - node codes to keep, distinct, in any order.
/// * `ctl` - cancellation and progress.
///
/// # Returns
/// The induced subgraph; node `i` of it is the `i`-th smallest code of `keep`.
///
/// # Errors
/// [`CoreError::NodeOutOfRange`] for a code `>= g.n_nodes()` (`row` is its position in `keep`),
/// [`CoreError::BadValue`] for a repeated code, [`CoreError::Cancelled`].
///
/// # Complexity
/// `O(|V| + |E| log d)` time, `O(|V| + |E|)` extra space.
///
/// # Examples
/// ```
/// use socialcrm::control::Control;
/// use socialcrm::graph::{BuildConfig, Events, build, induced_subgraph};
///
/// let (s, t) = ([0u32, 1, 2], [1u32, 2, 0]);
/// let ev = Events { source: &s, target: &t, weight: None, time: None, kind: None };
/// let (g, _) = build(&ev, &BuildConfig { n_nodes: 3, ..Default::default() }, &Control::new())
///     .unwrap();
/// let sub = induced_subgraph(&g, &[2, 1], &Control::new()).unwrap();
/// assert_eq!((sub.n_nodes(), sub.n_edges()), (2, 1)); // only 1 -> 2, now 0 -> 1
/// assert_eq!(sub.out_neighbors(0), &[1]);
/// ```
pub fn induced_subgraph(g: &Graph, keep: &[u32], ctl: &Control) -> CoreResult<Graph> {
    let mut remap = vec![u32::MAX; g.n_nodes()];
    for (row, &code) in keep.iter().enumerate() {
        let slot = remap
            .get_mut(code as usize)
            .ok_or(CoreError::NodeOutOfRange {
                row,
                code,
                n_nodes: g.n_nodes(),
            })?;
        if *slot != u32::MAX {
            let expected = "distinct node codes";
            return Err(CoreError::BadValue {
                name: "keep",
                row,
                expected,
                got: f64::from(code),
            });
        }
        *slot = 0;
    }
    // Codes fit in u32 because keep.len() <= n_nodes <= u32::MAX.
    for (next, slot) in remap.iter_mut().filter(|s| **s != u32::MAX).enumerate() {
        *slot = next as u32;
    }
    let records = EdgeRecords::new(g, Some(&remap));
    aggregate(&records, keep.len(), g.is_directed(), Merge::Sum, ctl)
}

/// The undirected graph with an edge `{u, v}` wherever `u -> v` or `v -> u` exists. Event counts
/// add; weights and decayed weights add or take the maximum (`how`); first and last times take
/// the earliest and latest; kinds unite. An undirected graph is returned as a copy.
///
/// # Errors
/// [`CoreError::Cancelled`].
///
/// # Complexity
/// `O(|V| + |E| log d)` time, `O(|V| + |E|)` extra space.
///
/// # Examples
/// ```
/// use socialcrm::control::Control;
/// use socialcrm::graph::{BuildConfig, Events, Merge, build, to_undirected};
///
/// let (s, t, w) = ([0u32, 1], [1u32, 0], [2.0, 5.0]);
/// let ev = Events { source: &s, target: &t, weight: Some(&w), time: None, kind: None };
/// let (g, _) = build(&ev, &BuildConfig { n_nodes: 2, ..Default::default() }, &Control::new())
///     .unwrap();
/// let u = to_undirected(&g, Merge::Max, &Control::new()).unwrap();
/// assert_eq!(u.n_edges(), 1);
/// assert_eq!(u.attrs().weight, vec![5.0, 5.0]); // one slot per endpoint
/// ```
pub fn to_undirected(g: &Graph, how: Merge, ctl: &Control) -> CoreResult<Graph> {
    let records = EdgeRecords::new(g, None);
    aggregate(&records, g.n_nodes(), false, how, ctl)
}
