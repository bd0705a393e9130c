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
/// [`CoreError::BadValue`] for a repeated code, [`CoreError::TooLarge`] past `u32::MAX`
/// adjacency slots, [`CoreError::Cancelled`].
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
/// [`CoreError::TooLarge`] past `u32::MAX` adjacency slots, [`CoreError::Cancelled`].
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::build::{BuildConfig, Decay, Events, SelfLoops, build};

    struct Cols {
        s: Vec<u32>,
        t: Vec<u32>,
        w: Vec<f64>,
        time: Vec<i64>,
        kind: Vec<u8>,
    }

    /// Directed events on 5 nodes with every attribute; node 4 is isolated.
    fn cols() -> Cols {
        Cols {
            s: vec![0, 1, 0, 2, 3, 1, 3, 0, 2],
            t: vec![1, 0, 1, 3, 2, 2, 3, 3, 2],
            w: vec![1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 0.5, 128.0],
            time: vec![-10, -40, -30, -20, -50, -60, 0, -70, -5],
            kind: vec![0, 1, 2, 3, 4, 5, 6, 7, 8],
        }
    }

    fn graph(c: &Cols, directed: bool) -> Graph {
        let ev = Events {
            source: &c.s,
            target: &c.t,
            weight: Some(&c.w),
            time: Some(&c.time),
            kind: Some(&c.kind),
        };
        let cfg = BuildConfig {
            n_nodes: 5,
            directed,
            self_loops: SelfLoops::Keep,
            decay: Some(Decay {
                as_of: 0,
                half_life: 10.0,
            }),
        };
        build(&ev, &cfg, &Control::new()).unwrap().0
    }

    fn plain(s: &[u32], t: &[u32], n_nodes: usize, directed: bool) -> Graph {
        crate::graph::test_graph(s, t, None, n_nodes, directed)
    }

    #[test]
    fn induced_subgraph_renumbers_kept_nodes_in_increasing_code_order() {
        let g = plain(&[0, 1, 2, 3, 3], &[1, 2, 3, 0, 1], 4, true);
        let sub = induced_subgraph(&g, &[3, 1, 0], &Control::new()).unwrap();
        // Old 0, 1, 3 -> new 0, 1, 2; kept edges 0->1, 3->0, 3->1.
        assert_eq!(sub.n_nodes(), 3);
        assert_eq!(sub.offsets(), &[0, 1, 1, 3]);
        assert_eq!(sub.targets(), &[1, 0, 1]);
        assert_eq!(sub.in_neighbors(1).0, &[0, 2]);
        assert!(sub.is_directed());
    }

    #[test]
    fn induced_subgraph_carries_edge_attributes() {
        let c = cols();
        let g = graph(&c, true);
        let sub = induced_subgraph(&g, &[3, 2], &Control::new()).unwrap();
        // Old 2 -> new 0, old 3 -> new 1: edges 2->2 (w 128), 2->3 (w 8), 3->2 (w 16), 3->3 (64).
        assert_eq!(sub.offsets(), &[0, 2, 4]);
        assert_eq!(sub.targets(), &[0, 1, 0, 1]);
        let a = sub.attrs();
        assert_eq!(a.weight, vec![128.0, 8.0, 16.0, 64.0]);
        assert_eq!(a.count, vec![1; 4]);
        assert_eq!(a.first_seen, Some(vec![-5, -20, -50, 0]));
        assert_eq!(a.last_seen, a.first_seen);
        assert_eq!(a.kinds, Some(vec![1 << 8, 1 << 3, 1 << 4, 1 << 6]));
        let decayed = vec![128.0 * 0.5f64.powf(0.5), 2.0, 16.0 * 0.5f64.powi(5), 64.0];
        assert_eq!(a.decayed, Some(decayed));
        assert_eq!(sub.n_self_loops(), 2);
    }

    #[test]
    fn induced_subgraph_of_an_undirected_graph_stays_symmetric() {
        let g = plain(&[0, 1, 2, 2, 3], &[1, 2, 0, 2, 1], 4, false);
        let sub = induced_subgraph(&g, &[1, 2], &Control::new()).unwrap();
        assert!(!sub.is_directed());
        assert_eq!(sub.out_neighbors(0), &[1]);
        assert_eq!(sub.out_neighbors(1), &[0, 1]);
        assert_eq!((sub.n_edges(), sub.n_self_loops()), (2, 1));
    }

    #[test]
    fn induced_subgraph_of_all_nodes_is_the_graph() {
        let c = cols();
        for directed in [true, false] {
            let g = graph(&c, directed);
            let sub = induced_subgraph(&g, &[4, 3, 2, 1, 0], &Control::new()).unwrap();
            assert_eq!(sub, g);
        }
    }

    #[test]
    fn induced_subgraph_of_no_nodes_is_empty() {
        let g = graph(&cols(), true);
        let sub = induced_subgraph(&g, &[], &Control::new()).unwrap();
        assert_eq!((sub.n_nodes(), sub.n_edges()), (0, 0));
    }

    #[test]
    fn induced_subgraph_keeps_isolated_nodes() {
        let g = graph(&cols(), true);
        let sub = induced_subgraph(&g, &[4, 0], &Control::new()).unwrap();
        assert_eq!(sub.n_nodes(), 2);
        assert_eq!(sub.n_edges(), 0);
    }

    #[test]
    fn keeping_an_unknown_code_is_out_of_range() {
        let g = plain(&[0], &[1], 3, true);
        let e = induced_subgraph(&g, &[1, 0, 3], &Control::new()).unwrap_err();
        let want = CoreError::NodeOutOfRange {
            row: 2,
            code: 3,
            n_nodes: 3,
        };
        assert_eq!(e, want);
    }

    #[test]
    fn keeping_a_code_twice_is_a_bad_value() {
        let g = plain(&[0], &[1], 3, true);
        let e = induced_subgraph(&g, &[2, 0, 1, 0], &Control::new()).unwrap_err();
        let want = CoreError::BadValue {
            name: "keep",
            row: 3,
            expected: "distinct node codes",
            got: 0.0,
        };
        assert_eq!(e, want);
    }

    #[test]
    fn cancelled_control_stops_induced_subgraph() {
        let g = plain(&[0], &[1], 2, true);
        let ctl = Control::new();
        ctl.cancel();
        assert_eq!(
            induced_subgraph(&g, &[0, 1], &ctl),
            Err(CoreError::Cancelled)
        );
        assert_eq!(induced_subgraph(&g, &[], &ctl), Err(CoreError::Cancelled));
    }

    #[test]
    fn to_undirected_sums_both_directions() {
        let c = cols();
        let g = graph(&c, true);
        let u = to_undirected(&g, Merge::Sum, &Control::new()).unwrap();
        assert!(!u.is_directed());
        assert_eq!(u.n_nodes(), 5);
        // Pairs: {0,1} (3 events), {0,3}, {1,2}, {2,2}, {2,3} (2 events), {3,3}.
        assert_eq!((u.n_edges(), u.n_self_loops(), u.n_slots()), (6, 2, 10));
        assert_eq!(u.offsets(), &[0, 2, 4, 7, 10, 10]);
        assert_eq!(u.targets(), &[1, 3, 0, 2, 1, 2, 3, 0, 2, 3]);
        let a = u.attrs();
        assert_eq!(a.count, vec![3, 1, 3, 1, 1, 1, 2, 1, 2, 1]);
        assert_eq!(a.weight[0], 7.0);
        assert_eq!(a.weight[6], 24.0);
        assert_eq!(a.weight[8], 24.0);
        let first = a.first_seen.as_ref().unwrap();
        let last = a.last_seen.as_ref().unwrap();
        assert_eq!((first[0], last[0]), (-40, -10));
        assert_eq!((first[6], last[6]), (-50, -20));
        let kinds = a.kinds.as_ref().unwrap();
        assert_eq!(kinds[0], 0b111);
        assert_eq!(kinds[6], (1 << 3) | (1 << 4));
        let d = a.decayed.as_ref().unwrap();
        assert_eq!(d[6], 8.0 * 0.25 + 16.0 * 0.5f64.powi(5));
    }

    #[test]
    fn to_undirected_max_keeps_the_heavier_direction() {
        let c = cols();
        let g = graph(&c, true);
        let u = to_undirected(&g, Merge::Max, &Control::new()).unwrap();
        let a = u.attrs();
        assert_eq!(a.count[0], 3);
        assert_eq!(a.weight[0], 5.0);
        assert_eq!(a.weight[6], 16.0);
        let d = a.decayed.as_ref().unwrap();
        // {2,3}: decayed 8 * 0.25 = 2 beats 16 * 2^-5 = 0.5.
        assert_eq!(d[6], 2.0);
        assert_eq!(a.kinds.as_ref().unwrap()[0], 0b111);
    }

    #[test]
    fn to_undirected_of_an_undirected_graph_is_a_copy() {
        let c = cols();
        let g = graph(&c, false);
        for how in [Merge::Sum, Merge::Max] {
            assert_eq!(to_undirected(&g, how, &Control::new()).unwrap(), g);
        }
    }

    #[test]
    fn to_undirected_matches_building_undirected_on_integer_weights() {
        let c = cols();
        let direct = graph(&c, false);
        let via = to_undirected(&graph(&c, true), Merge::Sum, &Control::new()).unwrap();
        assert_eq!(via.targets(), direct.targets());
        assert_eq!(via.attrs().count, direct.attrs().count);
        assert_eq!(via.attrs().weight, direct.attrs().weight);
        assert_eq!(via.attrs().kinds, direct.attrs().kinds);
        assert_eq!(via.attrs().first_seen, direct.attrs().first_seen);
        assert_eq!(via.attrs().last_seen, direct.attrs().last_seen);
    }

    #[test]
    fn to_undirected_of_an_edgeless_graph_is_edgeless() {
        let g = plain(&[], &[], 3, true);
        let u = to_undirected(&g, Merge::Sum, &Control::new()).unwrap();
        assert_eq!((u.n_nodes(), u.n_edges(), u.offsets()), (3, 0, &[0; 4][..]));
    }

    #[test]
    fn cancelled_control_stops_to_undirected() {
        let g = plain(&[0], &[1], 2, true);
        let ctl = Control::new();
        ctl.cancel();
        assert_eq!(
            to_undirected(&g, Merge::Sum, &ctl),
            Err(CoreError::Cancelled)
        );
    }
}
