//! Harmonic closeness: the sum of inverse distances from everyone else.

use super::shortest_paths::{Adj, Dijkstra, Network, check_size, par_chunks};
use crate::control::Control;
use crate::error::CoreResult;
use crate::graph::{EdgeWeight, Graph};

/// Default of [`HarmonicConfig::normalized`].
pub const DEFAULT_NORMALIZED: bool = false;

/// Nodes per chunk of work: one 64-bit word of the multi-source search.
const NODES_PER_CHUNK: usize = 64;

/// Options of [`harmonic`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HarmonicConfig {
    /// Edge weight read as tie strength; distances use the length `1 / w`.
    pub weight: EdgeWeight,
    /// Divide by `n - 1`, the largest possible value (every other node one hop away).
    pub normalized: bool,
}

impl Default for HarmonicConfig {
    fn default() -> Self {
        Self {
            weight: EdgeWeight::Unit,
            normalized: DEFAULT_NORMALIZED,
        }
    }
}

/// Harmonic closeness (Marchiori and Latora 2000, "Harmony in the small-world", Physica A 285;
/// Boldi and Vigna 2014, "Axioms for centrality", Internet Math. 10):
/// `H(u) = sum_{v != u} 1 / d(v, u)`, with `1 / inf = 0`, as `networkx.harmonic_centrality`:
/// on a directed graph the distances run from the others *to* `u` (how easily `u` is reached).
///
/// Unweighted graphs use a multi-source breadth-first search over the in-edges (Then et al.
/// 2015, "The more the merrier", VLDB 8(4)): 64 nodes share each traversal, one bit each.
/// Weighted ones use Dijkstra with the length `1 / w` per edge (an edge of weight 0 is never
/// used). Each node's sum is computed by one task in a fixed order, so the result does not
/// depend on the thread count.
///
/// # Arguments
/// * `g` - the graph.
/// * `cfg` - weight and normalization.
/// * `ctl` - cancellation and progress (in nodes).
///
/// # Returns
/// One score per node; divided by `n - 1` when normalized (and 0 when `n < 2`).
///
/// # Errors
/// [`crate::error::CoreError::BadParameter`] for a decayed weight on a graph without decay,
/// [`crate::error::CoreError::TooLarge`] and [`crate::error::CoreError::Cancelled`].
///
/// # Complexity
/// `O(|V| |E| / 64 + |V|^2)` bit operations unweighted, `O(|V| |E| log |V|)` weighted;
/// `O(|V|)` extra space per thread (plus a copy of a directed graph's in-adjacency).
///
/// # Examples
/// ```
/// use socialcrm::control::Control;
/// use socialcrm::graph::{BuildConfig, Events, build};
/// use socialcrm::influence::{HarmonicConfig, harmonic};
///
/// // 0 -> 1 -> 2: node 2 is reached from 1 (1 hop) and 0 (2 hops).
/// let (s, t) = ([0u32, 1], [1u32, 2]);
/// let ev = Events { source: &s, target: &t, weight: None, time: None, kind: None };
/// let (g, _) = build(&ev, &BuildConfig { n_nodes: 3, ..Default::default() }, &Control::new())
///     .unwrap();
/// let h = harmonic(&g, &HarmonicConfig::default(), &Control::new()).unwrap();
/// assert_eq!(h, vec![0.0, 1.0, 1.5]);
/// ```
pub fn harmonic(g: &Graph, cfg: &HarmonicConfig, ctl: &Control) -> CoreResult<Vec<f64>> {
    let n = g.n_nodes();
    check_size(n)?;
    let net = Network::new(g, cfg.weight, true)?;
    let inn = net.inn();
    ctl.start(n as u64);
    let parts = if net.weighted() {
        par_chunks(
            n,
            NODES_PER_CHUNK,
            ctl,
            || (Vec::new(), Dijkstra::new(n)),
            |(done, dj): &mut (Vec<(usize, Vec<f64>)>, Dijkstra), nodes| {
                let sums = nodes
                    .clone()
                    .map(|u| {
                        dj.run(&inn, None, u as u32, None);
                        let h = dj.order[1..].iter().fold(0.0, |a, &v| a + 1.0 / dj.dist(v));
                        dj.reset();
                        h
                    })
                    .collect();
                done.push((nodes.start, sums));
            },
        )?
        .into_iter()
        .flat_map(|(done, _)| done)
        .collect::<Vec<_>>()
    } else {
        par_chunks(
            n,
            NODES_PER_CHUNK,
            ctl,
            || (Vec::new(), MultiBfs::new(n)),
            |(done, ms): &mut (Vec<(usize, Vec<f64>)>, MultiBfs), nodes| {
                done.push((nodes.start, ms.run(&inn, nodes)));
            },
        )?
        .into_iter()
        .flat_map(|(done, _)| done)
        .collect::<Vec<_>>()
    };
    let mut by_code = vec![0.0; n];
    for (start, sums) in parts {
        by_code[start..start + sums.len()].copy_from_slice(&sums);
    }
    let mut scores = net.to_original(&by_code);
    // Uniform lengths were dropped in favour of hops: d = L * hops.
    let scale = if cfg.normalized && n > 1 {
        1.0 / (n - 1) as f64
    } else {
        1.0
    };
    let unit = net.unit_length;
    for x in &mut scores {
        if unit != 1.0 {
            *x /= unit;
        }
        *x *= scale;
    }
    Ok(scores)
}

/// Multi-source BFS over up to 64 sources: bit `i` of a node's words stands for source `i`.
/// Only the current frontier is scanned, so long paths cost no more than short ones.
struct MultiBfs {
    seen: Vec<u64>,
    visit: Vec<u64>,
    next: Vec<u64>,
    front: Vec<u32>,
    front_next: Vec<u32>,
}

impl MultiBfs {
    fn new(n: usize) -> Self {
        Self {
            seen: vec![0; n],
            visit: vec![0; n],
            next: vec![0; n],
            front: Vec::new(),
            front_next: Vec::new(),
        }
    }

    /// `sum_d count_d / d` for each source in `sources` (at most 64), where `count_d` is the
    /// number of nodes first reached at `d` hops over `adj`; sums run in increasing `d`.
    fn run(&mut self, adj: &Adj<'_>, sources: std::ops::Range<usize>) -> Vec<f64> {
        let k = sources.len();
        for (i, s) in sources.clone().enumerate() {
            self.seen[s] = 1 << i;
            self.visit[s] = 1 << i;
            self.front.push(s as u32);
        }
        let mut sums = vec![0.0; k];
        let mut level = 0u32;
        while !self.front.is_empty() {
            level += 1;
            for &v in &self.front {
                let bits = self.visit[v as usize];
                for &x in adj.nbrs(v as usize) {
                    let nx = &mut self.next[x as usize];
                    if *nx == 0 {
                        self.front_next.push(x);
                    }
                    *nx |= bits;
                }
            }
            for &v in &self.front {
                self.visit[v as usize] = 0;
            }
            // 64 counters of newly reached nodes, bit-sliced: plane j holds bit j of each.
            let mut planes = [0u64; 34];
            let mut kept = 0;
            for i in 0..self.front_next.len() {
                let x = self.front_next[i] as usize;
                let fresh = self.next[x] & !self.seen[x];
                self.next[x] = 0;
                if fresh != 0 {
                    self.seen[x] |= fresh;
                    self.visit[x] = fresh;
                    self.front_next[kept] = x as u32;
                    kept += 1;
                    let mut carry = fresh;
                    for p in &mut planes {
                        let c = *p & carry;
                        *p ^= carry;
                        carry = c;
                        if carry == 0 {
                            break;
                        }
                    }
                }
            }
            self.front_next.truncate(kept);
            std::mem::swap(&mut self.front, &mut self.front_next);
            self.front_next.clear();
            for (i, sum) in sums.iter_mut().enumerate() {
                let count = planes
                    .iter()
                    .enumerate()
                    .fold(0u64, |c, (j, p)| c | (((p >> i) & 1) << j));
                if count > 0 {
                    *sum += count as f64 / f64::from(level);
                }
            }
        }
        // Every node reached was marked in `seen`; clear it for the next batch.
        self.seen.fill(0);
        sums
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::test_graph;

    fn run(g: &Graph, weight: EdgeWeight, normalized: bool) -> Vec<f64> {
        harmonic(g, &HarmonicConfig { weight, normalized }, &Control::new()).unwrap()
    }

    #[test]
    fn directed_harmonic_counts_distances_to_the_node() {
        // 0 -> 1 -> 2 -> 0 cycle plus 3 -> 0; node 4 isolated.
        let g = test_graph(&[0, 1, 2, 3], &[1, 2, 0, 0], None, 5, true);
        let h = run(&g, EdgeWeight::Unit, false);
        // To 0: from 2 (1), 1 (2), 3 (1). To 1: 0 (1), 2 (2), 3 (2). To 2: 1, 0 (2), 3 (3).
        assert_eq!(h, vec![2.5, 2.0, 1.0 + 0.5 + 1.0 / 3.0, 0.0, 0.0]);
        let hn = run(&g, EdgeWeight::Unit, true);
        assert_eq!(hn[0], 2.5 / 4.0);
    }

    #[test]
    fn weighted_distances_are_inverse_weights() {
        // Undirected 0 -(2)- 1 -(4)- 2: lengths 0.5 and 0.25.
        let g = test_graph(&[0, 1], &[1, 2], Some(&[2.0, 4.0]), 3, false);
        let h = run(&g, EdgeWeight::Summed, false);
        assert_eq!(h, vec![2.0 + 1.0 / 0.75, 2.0 + 4.0, 4.0 + 1.0 / 0.75]);
        // Uniform weights 2 (lengths 0.5): hop distances halved.
        let g = test_graph(&[0, 1], &[1, 2], Some(&[2.0, 2.0]), 3, false);
        assert_eq!(run(&g, EdgeWeight::Summed, false), vec![3.0, 4.0, 3.0]);
    }

    #[test]
    fn multi_source_search_matches_single_sources_beyond_one_word() {
        // A directed graph of 150 nodes (three words) with long paths and a self-loop.
        let n = 150u32;
        let mut s: Vec<u32> = (0..n - 1).collect();
        let mut t: Vec<u32> = (1..n).collect();
        s.extend([10, 70, 149, 5]);
        t.extend([3, 20, 0, 5]);
        let g = test_graph(&s, &t, None, n as usize, true);
        let fast = run(&g, EdgeWeight::Unit, false);
        // Reference: Dijkstra with unit lengths on the same in-adjacency.
        let nw = Network::build(&g, EdgeWeight::Unit, true, false).unwrap();
        let mut dj = Dijkstra::new(n as usize);
        for u in 0..n {
            dj.run(&nw.inn(), None, u, None);
            let mut by_level = std::collections::BTreeMap::new();
            for &v in &dj.order[1..] {
                *by_level.entry(dj.dist(v) as u64).or_insert(0u64) += 1;
            }
            let want = by_level
                .iter()
                .fold(0.0, |a, (d, c)| a + *c as f64 / *d as f64);
            assert_eq!(fast[u as usize], want, "node {u}");
            dj.reset();
        }
    }

    #[test]
    fn identical_on_one_and_three_threads() {
        let s: Vec<u32> = (0..500).map(|i| (i * 7 + i / 5) % 200).collect();
        let t: Vec<u32> = (0..500).map(|i| (i * 13 + 3 * (i / 7)) % 200).collect();
        let w: Vec<f64> = (0..500).map(|i| f64::from(1 + i % 7)).collect();
        let g = test_graph(&s, &t, Some(&w), 210, true);
        for weight in [EdgeWeight::Unit, EdgeWeight::Summed] {
            let cfg = HarmonicConfig {
                weight,
                normalized: true,
            };
            let go = |k| {
                crate::parallel::with_threads(Some(k), || harmonic(&g, &cfg, &Control::new()))
                    .unwrap()
            };
            assert_eq!(go(1), go(3));
        }
    }

    #[test]
    fn tiny_graphs() {
        let g = test_graph(&[], &[], None, 1, true);
        assert_eq!(run(&g, EdgeWeight::Unit, true), vec![0.0]);
        let g = test_graph(&[], &[], None, 0, true);
        assert!(run(&g, EdgeWeight::Unit, true).is_empty());
    }
}
