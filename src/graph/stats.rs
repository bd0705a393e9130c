//! Whole-graph figures, computed over the CSR without listing the edges.

use super::Graph;
use crate::parallel::WORK_CHUNKS;
use rayon::prelude::*;

/// Key figures of a graph; for an undirected graph each edge is counted once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GraphStats {
    /// Number of interaction events.
    pub interactions: u64,
    /// Summed event weight.
    pub total_weight: f64,
    /// Nodes with no edge at all.
    pub isolated: usize,
    /// Directed only: edges (self-loops aside) whose reverse edge exists.
    pub reciprocated: usize,
    /// Edges that are not self-loops.
    pub proper_edges: usize,
    /// Earliest event time, when events carry times.
    pub first_seen: Option<i64>,
    /// Latest event time, when events carry times.
    pub last_seen: Option<i64>,
}

#[derive(Default)]
struct Partial {
    interactions: u64,
    weight: f64,
    isolated: usize,
    reciprocated: usize,
    proper: usize,
    first: Option<i64>,
    last: Option<i64>,
}

/// Computes [`GraphStats`] in parallel over fixed node chunks; the weight total is summed in
/// chunk order, so the figures do not depend on the number of threads.
pub fn graph_stats(g: &Graph) -> GraphStats {
    let n = g.n_nodes();
    let step = n.div_ceil(WORK_CHUNKS).max(1);
    let a = g.attrs();
    let in_degree_zero = |u: usize| !g.is_directed() || g.in_neighbors(u).0.is_empty();
    let parts: Vec<Partial> = (0..n)
        .step_by(step)
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|start| {
            let mut p = Partial::default();
            for u in start..(start + step).min(n) {
                let range = g.out_range(u);
                if range.is_empty() && in_degree_zero(u) {
                    p.isolated += 1;
                }
                for e in range {
                    let v = g.targets()[e] as usize;
                    if !g.is_directed() && v < u {
                        continue;
                    }
                    p.interactions += u64::from(a.count[e]);
                    p.weight += a.weight[e];
                    if v != u {
                        p.proper += 1;
                        if g.is_directed() && g.out_neighbors(v).binary_search(&(u as u32)).is_ok()
                        {
                            p.reciprocated += 1;
                        }
                    }
                    if let Some(f) = &a.first_seen {
                        p.first = Some(p.first.map_or(f[e], |x| x.min(f[e])));
                    }
                    if let Some(l) = &a.last_seen {
                        p.last = Some(p.last.map_or(l[e], |x| x.max(l[e])));
                    }
                }
            }
            p
        })
        .collect();
    let mut s = GraphStats::default();
    for p in parts {
        s.interactions += p.interactions;
        s.total_weight += p.weight;
        s.isolated += p.isolated;
        s.reciprocated += p.reciprocated;
        s.proper_edges += p.proper;
        s.first_seen = combine(s.first_seen, p.first, i64::min);
        s.last_seen = combine(s.last_seen, p.last, i64::max);
    }
    s
}

fn combine(a: Option<i64>, b: Option<i64>, pick: fn(i64, i64) -> i64) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(pick(x, y)),
        (x, None) => x,
        (None, y) => y,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::test_graph;

    #[test]
    fn directed_figures_by_hand() {
        // 0->1, 1->0, 1->2, 2->2 (loop), node 3 isolated.
        let g = test_graph(
            &[0, 1, 1, 2, 0],
            &[1, 0, 2, 2, 1],
            Some(&[1.0, 2.0, 3.0, 4.0, 0.5]),
            4,
            true,
        );
        let s = graph_stats(&g);
        assert_eq!(s.interactions, 5);
        assert_eq!(s.total_weight, 10.5);
        assert_eq!(s.isolated, 1);
        assert_eq!(s.proper_edges, 3);
        assert_eq!(s.reciprocated, 2);
        assert_eq!(s.first_seen, None);
    }

    #[test]
    fn undirected_edges_count_once() {
        let g = test_graph(&[0, 1, 2], &[1, 0, 2], Some(&[1.0, 2.0, 5.0]), 4, false);
        let s = graph_stats(&g);
        assert_eq!((s.interactions, s.total_weight), (3, 8.0));
        assert_eq!((s.proper_edges, s.isolated, s.reciprocated), (1, 1, 0));
    }
}
