//! Core numbers (k-core decomposition).

use super::pull::map_items;
use crate::control::Control;
use crate::error::CoreResult;
use crate::graph::Graph;

/// Nodes processed between two cancellation checks.
const CHECK_EVERY: usize = 1 << 16;

/// Core number of every node: the largest `k` such that the node belongs to a subgraph in which
/// every node has degree at least `k` (Seidman 1983), by the `O(|V| + |E|)` bucket algorithm of
/// Batagelj & Zaversnik (2003), with the semantics of networkx's `core_number`.
///
/// Self-loops are ignored (networkx refuses graphs that have them). On a directed graph the
/// degree is in-degree plus out-degree, so a reciprocated pair `u <-> v` counts twice, as in
/// networkx. Edge weights play no role. Core numbers are unique, so the result does not depend
/// on the processing order.
///
/// # Arguments
/// * `g` - the graph.
/// * `ctl` - cancellation, progress (one unit per node removed).
///
/// # Returns
/// The core number of every node.
///
/// # Errors
/// [`crate::error::CoreError::Cancelled`].
///
/// # Complexity
/// `O(|V| + |E|)` time, `O(|V|)` extra space.
///
/// # Examples
/// ```
/// use socialcrm::control::Control;
/// use socialcrm::graph::{BuildConfig, Events, build};
/// use socialcrm::influence::kcore;
///
/// // A triangle 0-1-2 with a pendant node 3 on node 2.
/// let (s, t) = ([0u32, 1, 2, 2], [1u32, 2, 0, 3]);
/// let ev = Events { source: &s, target: &t, weight: None, time: None, kind: None };
/// let cfg = BuildConfig { n_nodes: 4, directed: false, ..Default::default() };
/// let (g, _) = build(&ev, &cfg, &Control::new()).unwrap();
/// assert_eq!(kcore(&g, &Control::new()).unwrap(), vec![2, 2, 2, 1]);
/// ```
pub fn kcore(g: &Graph, ctl: &Control) -> CoreResult<Vec<u32>> {
    let n = g.n_nodes();
    ctl.start(n as u64);
    // Neighbour lists without self-loops: out-neighbours, then (directed) in-neighbours.
    let for_each_nbr = |v: usize, f: &mut dyn FnMut(usize)| {
        for &u in g.out_neighbors(v) {
            if u as usize != v {
                f(u as usize);
            }
        }
        if g.is_directed() {
            for &u in g.in_neighbors(v).0 {
                if u as usize != v {
                    f(u as usize);
                }
            }
        }
    };
    let degree = |v: usize| {
        let mut d = 0;
        for_each_nbr(v, &mut |_| d += 1);
        d
    };
    let starts: Vec<usize> = (0..n).step_by(CHECK_EVERY).collect();
    let mut deg: Vec<usize> = map_items(starts, |_, s| {
        (s..(s + CHECK_EVERY).min(n))
            .map(degree)
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect();
    let max_deg = deg.iter().copied().max().unwrap_or(0);
    // bin[d]: first position in `order` of the nodes of current degree d.
    let mut bin = vec![0usize; max_deg + 2];
    for &d in &deg {
        bin[d + 1] += 1;
    }
    for d in 0..=max_deg {
        bin[d + 1] += bin[d];
    }
    let mut pos = vec![0usize; n];
    let mut order = vec![0usize; n];
    let mut fill = bin.clone();
    for v in 0..n {
        pos[v] = fill[deg[v]];
        order[pos[v]] = v;
        fill[deg[v]] += 1;
    }
    for i in 0..n {
        if i % CHECK_EVERY == 0 {
            ctl.checkpoint()?;
            if i > 0 {
                ctl.advance(CHECK_EVERY as u64);
            }
        }
        let v = order[i];
        let dv = deg[v];
        for_each_nbr(v, &mut |u| {
            let du = deg[u];
            if du > dv {
                // Move u to the front of its bin, then shrink the bin past it.
                let (pu, pw) = (pos[u], bin[du]);
                let w = order[pw];
                if u != w {
                    order.swap(pu, pw);
                    pos[u] = pw;
                    pos[w] = pu;
                }
                bin[du] += 1;
                deg[u] = du - 1;
            }
        });
    }
    ctl.advance((n - n.saturating_sub(1) / CHECK_EVERY * CHECK_EVERY) as u64);
    Ok(deg.into_iter().map(|d| d as u32).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::test_graph;

    fn cores(s: &[u32], t: &[u32], n: usize, directed: bool) -> Vec<u32> {
        kcore(&test_graph(s, t, None, n, directed), &Control::new()).unwrap()
    }

    #[test]
    fn clique_with_tail_and_isolated_node() {
        // K4 on 0..4, path 3 - 4 - 5, node 6 isolated.
        let s = [0u32, 0, 0, 1, 1, 2, 3, 4];
        let t = [1u32, 2, 3, 2, 3, 3, 4, 5];
        assert_eq!(cores(&s, &t, 7, false), vec![3, 3, 3, 3, 1, 1, 0]);
    }

    #[test]
    fn self_loops_are_ignored() {
        let (s, t) = ([0u32, 0, 1, 1], [0u32, 1, 1, 2]);
        assert_eq!(cores(&s, &t, 3, false), vec![1, 1, 1]);
        assert_eq!(cores(&s, &t, 3, true), vec![1, 1, 1]);
    }

    #[test]
    fn directed_reciprocal_pairs_count_twice() {
        // 0 <-> 1: each has degree 2 in the networkx sense, so both are in the 2-core.
        assert_eq!(cores(&[0, 1], &[1, 0], 2, true), vec![2, 2]);
        // A directed triangle: degree 2 each.
        assert_eq!(cores(&[0, 1, 2], &[1, 2, 0], 3, true), vec![2, 2, 2]);
        assert!(cores(&[], &[], 0, true).is_empty());
    }

    #[test]
    fn cancellation_is_honoured() {
        let g = test_graph(&[0], &[1], None, 2, false);
        let ctl = Control::new();
        ctl.cancel();
        assert!(kcore(&g, &ctl).is_err());
    }
}
