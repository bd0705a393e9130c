//! Exact betweenness centrality: Brandes' algorithm, in parallel over sources.

use super::shortest_paths::{
    Bfs, Dijkstra, FIXED_ONE, Network, check_size, par_chunks, sum_fixed, to_fixed,
};
use crate::control::Control;
use crate::error::CoreResult;
use crate::graph::{EdgeWeight, Graph};

/// Default of [`BetweennessConfig::normalized`].
pub const DEFAULT_NORMALIZED: bool = true;
/// Default of [`BetweennessConfig::endpoints`].
pub const DEFAULT_ENDPOINTS: bool = false;

/// Sources handled per chunk of work (one cancellation check and progress report each).
const SOURCES_PER_CHUNK: usize = 16;

/// Options of [`betweenness`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BetweennessConfig {
    /// Edge weight read as tie strength; shortest paths use the length `1 / w`.
    pub weight: EdgeWeight,
    /// Divide by the number of ordered pairs that can have `v` inside (see [`rescale`]).
    pub normalized: bool,
    /// Count the endpoints of each path as on it.
    pub endpoints: bool,
}

impl Default for BetweennessConfig {
    fn default() -> Self {
        Self {
            weight: EdgeWeight::Unit,
            normalized: DEFAULT_NORMALIZED,
            endpoints: DEFAULT_ENDPOINTS,
        }
    }
}

/// Betweenness centrality (Brandes 2001, "A faster algorithm for betweenness centrality",
/// J. Math. Sociol. 25(2)), with the semantics of `networkx.betweenness_centrality`:
///
/// `B(v) = sum_{s != v != t} sigma_st(v) / sigma_st` over ordered pairs `(s, t)`, where
/// `sigma_st` counts the shortest `s`-`t` paths and `sigma_st(v)` those through `v`; then
/// rescaled by [`rescale`] (an undirected graph counts each unordered pair once).
///
/// Unweighted graphs use breadth-first search. Weighted ones use Dijkstra with the length
/// `1 / w` per edge (strong ties are short; an edge of weight 0 is never used), lengths tied
/// within [`super::shortest_paths::TIE_TOLERANCE`] relative counting as equal. Self-loops lie
/// on no shortest path.
///
/// Sources are processed in parallel; each source's dependencies are added in fixed point
/// (60 fractional bits, integer sums), so the result is bit-identical on any thread count.
///
/// # Arguments
/// * `g` - the graph.
/// * `cfg` - weight, normalization and endpoints.
/// * `ctl` - cancellation and progress (in sources).
///
/// # Returns
/// One score per node.
///
/// # Errors
/// [`crate::error::CoreError::BadParameter`] for a decayed weight on a graph without decay,
/// [`crate::error::CoreError::TooLarge`] at `2^32 - 1` nodes or more, and
/// [`crate::error::CoreError::Cancelled`].
///
/// # Complexity
/// `O(|V| |E|)` time unweighted, `O(|V| |E| log |V|)` weighted; `O(|V|)` extra space per thread
/// (plus a copy of the in-adjacency of a weighted directed graph).
///
/// # Examples
/// ```
/// use socialcrm::control::Control;
/// use socialcrm::graph::{BuildConfig, Events, build};
/// use socialcrm::influence::{BetweennessConfig, betweenness};
///
/// // The undirected path 0 - 1 - 2: only 1 lies between two others.
/// let (s, t) = ([0u32, 1], [1u32, 2]);
/// let ev = Events { source: &s, target: &t, weight: None, time: None, kind: None };
/// let cfg = BuildConfig { n_nodes: 3, directed: false, ..Default::default() };
/// let (g, _) = build(&ev, &cfg, &Control::new()).unwrap();
/// let b = betweenness(&g, &BetweennessConfig::default(), &Control::new()).unwrap();
/// assert_eq!(b, vec![0.0, 1.0, 0.0]);
/// ```
pub fn betweenness(g: &Graph, cfg: &BetweennessConfig, ctl: &Control) -> CoreResult<Vec<f64>> {
    let n = g.n_nodes();
    check_size(n)?;
    let mut net = Network::new(g, cfg.weight, false)?;
    if net.weighted() {
        net.add_in();
    }
    ctl.start(n as u64);
    let endpoints = cfg.endpoints;
    let accs: Vec<Vec<u128>> = if net.weighted() {
        let (out, inn) = (net.out(), net.inn());
        par_chunks(
            n,
            SOURCES_PER_CHUNK,
            ctl,
            || (vec![0u128; n], Dijkstra::new(n), vec![0.0; n]),
            |(acc, dj, delta), sources| {
                for s in sources {
                    if out.degree(s) > 0 {
                        dj.run(&out, Some(&inn), s as u32, None);
                        accumulate_dijkstra(dj, delta, s as u32, endpoints, acc);
                        dj.reset();
                    }
                }
            },
        )?
        .into_iter()
        .map(|(acc, _, _)| acc)
        .collect()
    } else {
        let out = net.out();
        par_chunks(
            n,
            SOURCES_PER_CHUNK,
            ctl,
            || (vec![0u128; n], Bfs::new(n)),
            |(acc, bfs), sources| {
                for s in sources {
                    if out.degree(s) > 0 {
                        bfs.count_paths(&out, s as u32);
                        accumulate_bfs(bfs, s as u32, endpoints, acc);
                        bfs.reset();
                    }
                }
            },
        )?
        .into_iter()
        .map(|(acc, _)| acc)
        .collect()
    };
    let mut scores = net.to_original(&sum_fixed(n, &accs));
    rescale(
        &mut scores,
        n,
        g.is_directed(),
        cfg.normalized,
        cfg.endpoints,
    );
    Ok(scores)
}

/// Brandes' backward pass after a BFS from `s`: in reverse visit order, each node pulls the
/// coefficients `(1 + delta_x) / sigma_x` of its recorded successors `x`, so
/// `delta_w = sigma_w * sum_x coef_x`, then stores its own coefficient in place of its path count.
fn accumulate_bfs(bfs: &mut Bfs, s: u32, endpoints: bool, acc: &mut [u128]) {
    for i in (0..bfs.order.len()).rev() {
        let w = bfs.order[i] as usize;
        let sum = bfs
            .successors(i)
            .iter()
            .fold(0.0, |a, &x| a + bfs.val[x as usize]);
        let sigma = bfs.val[w];
        let delta = sigma * sum;
        bfs.val[w] = (1.0 + delta) / sigma;
        if i > 0 {
            add_dependency(acc, w, delta, endpoints);
        }
    }
    if endpoints {
        acc[s as usize] += (bfs.order.len() as u128 - 1) * FIXED_ONE;
    }
}

/// The backward pass after Dijkstra from `s`, pushing along the recorded predecessors:
/// `delta_v += sigma_v (1 + delta_w) / sigma_w` (`delta` is all zero before and after).
fn accumulate_dijkstra(
    dj: &mut Dijkstra,
    delta: &mut [f64],
    s: u32,
    endpoints: bool,
    acc: &mut [u128],
) {
    for i in (0..dj.order.len()).rev() {
        let w = dj.order[i] as usize;
        let dw = delta[w];
        delta[w] = 0.0;
        let coef = (1.0 + dw) / dj.val[w];
        for &v in dj.predecessors(i) {
            delta[v as usize] += dj.val[v as usize] * coef;
        }
        if i > 0 {
            add_dependency(acc, w, dw, endpoints);
        }
    }
    if endpoints {
        acc[s as usize] += (dj.order.len() as u128 - 1) * FIXED_ONE;
    }
}

#[inline]
fn add_dependency(acc: &mut [u128], w: usize, delta: f64, endpoints: bool) {
    if endpoints {
        acc[w] += to_fixed(delta) + FIXED_ONE;
    } else if delta > 0.0 {
        acc[w] += to_fixed(delta);
    }
}

/// Rescales raw ordered-pair sums as networkx does. With `N = n - 1` (or `n` when counting
/// endpoints) and `N >= 2`: normalized scores are divided by `N (N - 1)`, the number of ordered
/// pairs that can have `v` on their paths; unnormalized scores of an undirected graph are
/// halved (each unordered pair was counted both ways). Smaller graphs are left as they are
/// (all zero).
pub fn rescale(raw: &mut [f64], n: usize, directed: bool, normalized: bool, endpoints: bool) {
    let big_n = if endpoints { n } else { n.saturating_sub(1) };
    if big_n < 2 {
        return;
    }
    let scale = if normalized {
        1.0 / (big_n as f64 * (big_n - 1) as f64)
    } else if directed {
        return;
    } else {
        0.5
    };
    for x in raw {
        *x *= scale;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::test_graph;

    fn run(g: &Graph, weight: EdgeWeight, normalized: bool, endpoints: bool) -> Vec<f64> {
        let cfg = BetweennessConfig {
            weight,
            normalized,
            endpoints,
        };
        betweenness(g, &cfg, &Control::new()).unwrap()
    }

    #[test]
    fn path_of_three_matches_networkx_examples() {
        let u = test_graph(&[0, 1], &[1, 2], None, 3, false);
        let d = test_graph(&[0, 1], &[1, 2], None, 3, true);
        let unit = EdgeWeight::Unit;
        assert_eq!(run(&u, unit, false, false), vec![0.0, 1.0, 0.0]);
        assert_eq!(run(&u, unit, false, true), vec![2.0, 3.0, 2.0]);
        assert_eq!(run(&u, unit, true, false), vec![0.0, 1.0, 0.0]);
        let third = 2.0 / 3.0;
        assert_eq!(run(&u, unit, true, true), vec![third, 1.0, third]);
        assert_eq!(run(&d, unit, false, false), vec![0.0, 1.0, 0.0]);
        assert_eq!(run(&d, unit, false, true), vec![2.0, 3.0, 2.0]);
        assert_eq!(run(&d, unit, true, false), vec![0.0, 0.5, 0.0]);
        assert_eq!(run(&d, unit, true, true), vec![1.0 / 3.0, 0.5, 1.0 / 3.0]);
    }

    #[test]
    fn diamond_splits_paths_evenly() {
        // 0 -> {1, 2} -> 3: the pair (0, 3) has two shortest paths, one through each middle node.
        let g = test_graph(&[0, 0, 1, 2], &[1, 2, 3, 3], None, 4, true);
        assert_eq!(
            run(&g, EdgeWeight::Unit, false, false),
            vec![0.0, 0.5, 0.5, 0.0]
        );
    }

    #[test]
    fn star_centre_lies_between_every_pair_of_leaves() {
        // Undirected star with 4 leaves and a self-loop at the centre: C(4, 2) = 6 pairs.
        let g = test_graph(&[0, 0, 0, 0, 0], &[1, 2, 3, 4, 0], None, 5, false);
        let b = run(&g, EdgeWeight::Unit, false, false);
        assert_eq!(b, vec![6.0, 0.0, 0.0, 0.0, 0.0]);
        assert_eq!(run(&g, EdgeWeight::Unit, true, false)[0], 1.0);
    }

    #[test]
    fn strong_ties_are_short() {
        // Triangle 0-1-2 plus 0-2 weak: with weights, 0 -> 2 goes through 1 (1/4 + 1/4 < 1).
        let (s, t, w) = ([0u32, 1, 0], [1u32, 2, 2], [4.0, 4.0, 1.0]);
        let g = test_graph(&s, &t, Some(&w), 3, false);
        assert_eq!(run(&g, EdgeWeight::Unit, false, false), vec![0.0; 3]);
        assert_eq!(
            run(&g, EdgeWeight::Summed, false, false),
            vec![0.0, 1.0, 0.0]
        );
        // Equal lengths (1/2 + 1/2 = 1) tie: the pair (0, 2) splits its path.
        let w = [2.0, 2.0, 1.0];
        let g = test_graph(&s, &t, Some(&w), 3, false);
        assert_eq!(
            run(&g, EdgeWeight::Summed, false, false),
            vec![0.0, 0.5, 0.0]
        );
    }

    #[test]
    fn zero_weight_edges_are_unusable() {
        // 0 - 1 - 2 with weight 0 on 1 - 2: nothing lies between anything.
        let g = test_graph(&[0, 1], &[1, 2], Some(&[1.0, 0.0]), 3, false);
        assert_eq!(
            run(&g, EdgeWeight::Summed, false, true),
            vec![1.0, 1.0, 0.0]
        );
    }

    #[test]
    fn identical_on_one_and_three_threads() {
        let n = 60u32;
        let s: Vec<u32> = (0..400).map(|i| (i * 7 + i / 5) % n).collect();
        let t: Vec<u32> = (0..400).map(|i| (i * 13 + 3 * (i / 7)) % n).collect();
        let w: Vec<f64> = (0..400).map(|i| f64::from(1 + i % 5)).collect();
        let g = test_graph(&s, &t, Some(&w), n as usize, true);
        for weight in [EdgeWeight::Unit, EdgeWeight::Summed] {
            let cfg = BetweennessConfig {
                weight,
                ..Default::default()
            };
            let go = |k| {
                crate::parallel::with_threads(Some(k), || betweenness(&g, &cfg, &Control::new()))
                    .unwrap()
            };
            let (a, b) = (go(1), go(3));
            assert!(a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()));
            assert!(a.iter().any(|&x| x > 0.0));
        }
    }

    #[test]
    fn tiny_graphs_are_all_zero() {
        for n in 0..3 {
            let g = test_graph(&[], &[], None, n, false);
            assert_eq!(run(&g, EdgeWeight::Unit, true, false), vec![0.0; n]);
        }
        let g = test_graph(&[0], &[1], None, 2, false);
        assert_eq!(run(&g, EdgeWeight::Unit, true, true), vec![1.0, 1.0]);
        assert_eq!(run(&g, EdgeWeight::Unit, false, true), vec![1.0, 1.0]);
    }

    #[test]
    fn decayed_weight_needs_a_half_life() {
        let g = test_graph(&[0], &[1], None, 2, false);
        let cfg = BetweennessConfig {
            weight: EdgeWeight::Decayed,
            ..Default::default()
        };
        assert!(betweenness(&g, &cfg, &Control::new()).is_err());
    }
}
