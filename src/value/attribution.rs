//! Influence attribution: how much of each customer's influenced value goes to the customers
//! who influenced them, along short exposure walks (a truncated Katz/Hubbell series).

use crate::control::Control;
use crate::error::{CoreError, CoreResult};
use crate::graph::{EdgeWeight, Graph};
use crate::parallel::WORK_CHUNKS;
use rayon::prelude::*;

/// Default longest exposure walk, in hops.
pub const DEFAULT_MAX_HOPS: usize = 2;
/// Default factor by which each further hop counts less.
pub const DEFAULT_DECAY: f64 = 0.5;
/// Largest accepted `max_hops` (walk enumeration grows as the degree to this power).
pub const MAX_HOPS_LIMIT: usize = 6;

/// Parameters of [`influence_attribution`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AttributionConfig {
    /// Longest exposure walk `K` (>= 1).
    pub max_hops: usize,
    /// Weight `delta` of a walk of `k` hops is `delta^(k-1)`, in `[0, 1]`.
    pub decay: f64,
    /// Edge weight read.
    pub weight: EdgeWeight,
}

impl Default for AttributionConfig {
    fn default() -> Self {
        Self {
            max_hops: DEFAULT_MAX_HOPS,
            decay: DEFAULT_DECAY,
            weight: EdgeWeight::Summed,
        }
    }
}

/// Result of [`influence_attribution`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Attribution {
    /// Value attributed to each customer: `sum_{j != i} a_ij`.
    pub attributed: Vec<f64>,
    /// Total exposure `E_j` of each customer (0 when nobody reaches them).
    pub exposure: Vec<f64>,
}

/// Attributes each customer's value `x_j` to the customers whose influence reached them.
///
/// With `b_uv = w_uv / sum_{x != v} w_xv` the share of `v`'s exposure coming from `u` (self-loops
/// ignored) and walk weights `W_ij = sum_{k=1..K} delta^(k-1) (B^k)_ij`, customer `i` receives
///
/// `a_ij = x_j W_ij / E_j`, with `E_j = sum_{i != j} W_ij`,
///
/// so `sum_{i != j} a_ij = x_j` whenever `E_j > 0` (nothing is counted twice, and nobody is
/// credited with their own value); `a_ij = 0` when `E_j = 0`.
///
/// # Arguments
/// * `g` - the interaction graph; an edge `u -> v` exposes `v` to `u` (undirected: both ways).
/// * `value` - `x_j >= 0` per node.
/// * `cfg` - walk length, decay and weight.
/// * `ctl` - cancellation and progress (two phases of `n` nodes).
///
/// # Returns
/// [`Attribution`] with `attributed_i = sum_{j != i} a_ij` and `E_j`.
///
/// # Errors
/// [`CoreError::LengthMismatch`] if `value` is not one per node; [`CoreError::BadValue`] for a
/// negative or non-finite value; [`CoreError::BadParameter`] for `max_hops` outside
/// `1..=6`, `decay` outside `[0, 1]` or an unavailable weight; [`CoreError::Cancelled`].
///
/// # Complexity
/// `O(sum_v |walks of length <= K from v|)` time (about `sum_v deg(v)^2` for `K = 2`),
/// `O(|V|)` extra space per thread; parallel over nodes, each result computed by one task, so
/// results do not depend on the thread count.
///
/// # Examples
/// ```
/// use socialcrm::control::Control;
/// use socialcrm::graph::{BuildConfig, Events, build};
/// use socialcrm::value::{AttributionConfig, influence_attribution};
///
/// // Star: hub 0 reaches 1 and 2.
/// let (s, t) = ([0u32, 0], [1u32, 2]);
/// let ev = Events { source: &s, target: &t, weight: None, time: None, kind: None };
/// let (g, _) = build(&ev, &BuildConfig { n_nodes: 3, ..Default::default() }, &Control::new())
///     .unwrap();
/// let r = influence_attribution(&g, &[5.0, 10.0, 20.0], &AttributionConfig::default(),
///     &Control::new()).unwrap();
/// assert_eq!(r.attributed, vec![30.0, 0.0, 0.0]);
/// ```
pub fn influence_attribution(
    g: &Graph,
    value: &[f64],
    cfg: &AttributionConfig,
    ctl: &Control,
) -> CoreResult<Attribution> {
    let n = g.n_nodes();
    check(n, value, cfg)?;
    let w = g.edge_weights(cfg.weight)?;
    let weight_of = |slot: usize| w.map_or(1.0, |w| w[slot]);
    // in-strength without self-loops: the normaliser of b_uv.
    let strength: Vec<f64> = (0..n)
        .into_par_iter()
        .map(|v| {
            let (src, slots) = g.in_neighbors(v);
            (0..src.len())
                .filter(|&i| src[i] as usize != v)
                .fold(0.0, |acc, i| acc + weight_of(slots.get(i)))
        })
        .collect();
    let share = |slot: usize, v: usize| {
        let s = strength[v];
        if s > 0.0 { weight_of(slot) / s } else { 0.0 }
    };
    ctl.start(2 * n as u64);
    // Phase 1: E_j by walking backwards from j along in-edges.
    let exposure = per_node(n, ctl, |sc, j| {
        sc.walk(j, cfg, |x, visit| {
            let (src, slots) = g.in_neighbors(x);
            for (i, &u) in src.iter().enumerate() {
                if u as usize != x {
                    visit(u as usize, share(slots.get(i), x));
                }
            }
        })
    })?;
    let y: Vec<f64> = value
        .iter()
        .zip(&exposure)
        .map(|(&x, &e)| if e > 0.0 { x / e } else { 0.0 })
        .collect();
    // Phase 2: attributed_i by walking forwards from i, collecting y_j at each end node.
    let attributed = per_node(n, ctl, |sc, i| {
        sc.walk_valued(i, cfg, &y, |x, visit| {
            let r = g.out_range(x);
            for (slot, &v) in r.clone().zip(g.out_neighbors(x)) {
                if v as usize != x {
                    visit(v as usize, share(slot, v as usize));
                }
            }
        })
    })?;
    Ok(Attribution {
        attributed,
        exposure,
    })
}

fn check(n: usize, value: &[f64], cfg: &AttributionConfig) -> CoreResult<()> {
    if value.len() != n {
        return Err(CoreError::LengthMismatch {
            name: "value",
            expected: n,
            got: value.len(),
        });
    }
    if let Some(row) = value.iter().position(|x| !x.is_finite() || *x < 0.0) {
        return Err(CoreError::BadValue {
            name: "value",
            row,
            expected: "finite and >= 0",
            got: value[row],
        });
    }
    if !(1..=MAX_HOPS_LIMIT).contains(&cfg.max_hops) {
        return Err(CoreError::BadParameter {
            name: "max_hops",
            expected: "an integer in 1..=6",
            got: cfg.max_hops as f64,
        });
    }
    if !(0.0..=1.0).contains(&cfg.decay) {
        return Err(CoreError::BadParameter {
            name: "decay",
            expected: "in [0, 1]",
            got: cfg.decay,
        });
    }
    Ok(())
}

/// Runs `f` for every node in fixed chunks (one scratch per task), checking for cancellation
/// once per chunk. Each output is computed by one call, so the result is thread-independent.
fn per_node(
    n: usize,
    ctl: &Control,
    f: impl Fn(&mut Scratch, usize) -> f64 + Sync,
) -> CoreResult<Vec<f64>> {
    let chunk = n.div_ceil(WORK_CHUNKS).max(1);
    let parts: Vec<CoreResult<Vec<f64>>> = (0..n.div_ceil(chunk))
        .into_par_iter()
        .map_init(
            || Scratch::new(n),
            |sc, c| {
                ctl.checkpoint()?;
                let range = c * chunk..((c + 1) * chunk).min(n);
                let out: Vec<f64> = range.clone().map(|v| f(sc, v)).collect();
                ctl.advance(range.len() as u64);
                Ok(out)
            },
        )
        .collect();
    let mut out = Vec::with_capacity(n);
    for p in parts {
        out.extend(p?);
    }
    Ok(out)
}

/// Sparse walk vectors over `0..n`: dense masses plus the list of touched nodes.
struct Scratch {
    cur: Vec<f64>,
    next: Vec<f64>,
    cur_list: Vec<usize>,
    next_list: Vec<usize>,
    /// Step at which a node was last listed in `next_list` (so each is listed once per step).
    stamp: Vec<u64>,
    step: u64,
}

impl Scratch {
    fn new(n: usize) -> Self {
        Self {
            cur: vec![0.0; n],
            next: vec![0.0; n],
            cur_list: Vec::new(),
            next_list: Vec::new(),
            stamp: vec![0; n],
            step: 0,
        }
    }

    /// `sum_{k=1..K} delta^(k-1) sum_{x != start} (walk mass at x after k steps)`.
    fn walk(
        &mut self,
        start: usize,
        cfg: &AttributionConfig,
        step: impl Fn(usize, &mut dyn FnMut(usize, f64)),
    ) -> f64 {
        self.walk_with(start, cfg, |_| 1.0, step)
    }

    /// As [`Scratch::walk`], each end node `x` weighted by `y[x]`.
    fn walk_valued(
        &mut self,
        start: usize,
        cfg: &AttributionConfig,
        y: &[f64],
        step: impl Fn(usize, &mut dyn FnMut(usize, f64)),
    ) -> f64 {
        self.walk_with(start, cfg, |x| y[x], step)
    }

    fn walk_with(
        &mut self,
        start: usize,
        cfg: &AttributionConfig,
        end_value: impl Fn(usize) -> f64,
        step: impl Fn(usize, &mut dyn FnMut(usize, f64)),
    ) -> f64 {
        self.cur[start] = 1.0;
        self.cur_list.push(start);
        let mut total = 0.0;
        let mut factor = 1.0;
        for _ in 0..cfg.max_hops {
            self.step += 1;
            let epoch = self.step;
            for idx in 0..self.cur_list.len() {
                let x = self.cur_list[idx];
                let m = self.cur[x];
                let (next, next_list, stamp) =
                    (&mut self.next, &mut self.next_list, &mut self.stamp);
                step(x, &mut |u, b| {
                    if stamp[u] != epoch {
                        stamp[u] = epoch;
                        next_list.push(u);
                    }
                    next[u] += m * b;
                });
            }
            let mut level = 0.0;
            for &x in &self.cur_list {
                self.cur[x] = 0.0;
            }
            self.cur_list.clear();
            for &x in &self.next_list {
                if x != start {
                    level += self.next[x] * end_value(x);
                }
            }
            total += factor * level;
            factor *= cfg.decay;
            std::mem::swap(&mut self.cur, &mut self.next);
            std::mem::swap(&mut self.cur_list, &mut self.next_list);
            if self.cur_list.is_empty() || factor == 0.0 {
                break;
            }
        }
        for &x in &self.cur_list {
            self.cur[x] = 0.0;
        }
        self.cur_list.clear();
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::test_graph;

    fn run(g: &Graph, x: &[f64], max_hops: usize, decay: f64) -> Attribution {
        let cfg = AttributionConfig {
            max_hops,
            decay,
            weight: EdgeWeight::Summed,
        };
        influence_attribution(g, x, &cfg, &Control::new()).unwrap()
    }

    #[test]
    fn star_hub_gets_all_leaf_value() {
        let g = test_graph(&[0, 0, 0], &[1, 2, 3], None, 4, true);
        let r = run(&g, &[100.0, 1.0, 2.0, 4.0], 2, 0.5);
        assert_eq!(r.attributed, vec![7.0, 0.0, 0.0, 0.0]);
        assert_eq!(r.exposure, vec![0.0, 1.0, 1.0, 1.0]);
    }

    #[test]
    fn chain_splits_by_decay() {
        // 0 -> 1 -> 2: node 2 is exposed to 1 (weight 1) and to 0 at two hops (0.5).
        let g = test_graph(&[0, 1], &[1, 2], None, 3, true);
        let r = run(&g, &[0.0, 0.0, 3.0], 2, 0.5);
        assert!((r.attributed[1] - 2.0).abs() < 1e-12);
        assert!((r.attributed[0] - 1.0).abs() < 1e-12);
        assert!((r.exposure[2] - 1.5).abs() < 1e-12);
    }

    #[test]
    fn weights_split_direct_exposure() {
        let g = test_graph(&[0, 1], &[2, 2], Some(&[3.0, 1.0]), 3, true);
        let r = run(&g, &[0.0, 0.0, 8.0], 1, 0.5);
        assert_eq!(r.attributed, vec![6.0, 2.0, 0.0]);
    }

    #[test]
    fn cycles_never_credit_own_value_and_totals_are_conserved() {
        // 0 <-> 1 (a cycle) plus 2 -> 0, self-loop on 1.
        let g = test_graph(&[0, 1, 2, 1], &[1, 0, 0, 1], None, 3, true);
        let x = [1.0, 2.0, 4.0];
        let r = run(&g, &x, 4, 0.7);
        // Node 2 is reached by nobody: its value is not attributed; 0 and 1 have influencers.
        let total: f64 = r.attributed.iter().sum();
        assert!((total - 3.0).abs() < 1e-12);
        // Node 1's value: only node 0 (direct) and node 2 (two hops) can get it.
        assert!(r.attributed[2] > 0.0);
    }

    #[test]
    fn undirected_edges_expose_both_ways() {
        let g = test_graph(&[0], &[1], None, 2, false);
        let r = run(&g, &[3.0, 5.0], 3, 1.0);
        assert_eq!(r.attributed, vec![5.0, 3.0]);
    }

    #[test]
    fn bad_parameters_are_errors() {
        let g = test_graph(&[0], &[1], None, 2, true);
        let ctl = Control::new();
        let cfg = AttributionConfig::default();
        assert!(matches!(
            influence_attribution(&g, &[1.0], &cfg, &ctl),
            Err(CoreError::LengthMismatch { .. })
        ));
        assert!(matches!(
            influence_attribution(&g, &[1.0, -1.0], &cfg, &ctl),
            Err(CoreError::BadValue { row: 1, .. })
        ));
        let bad = AttributionConfig { max_hops: 0, ..cfg };
        assert!(matches!(
            influence_attribution(&g, &[1.0, 1.0], &bad, &ctl),
            Err(CoreError::BadParameter {
                name: "max_hops",
                ..
            })
        ));
        let bad = AttributionConfig { decay: 1.5, ..cfg };
        assert!(matches!(
            influence_attribution(&g, &[1.0, 1.0], &bad, &ctl),
            Err(CoreError::BadParameter { name: "decay", .. })
        ));
        ctl.cancel();
        assert_eq!(
            influence_attribution(&g, &[1.0, 1.0], &cfg, &ctl),
            Err(CoreError::Cancelled)
        );
    }

    #[test]
    fn identical_on_one_and_four_threads() {
        let s: Vec<u32> = (0..500u32).map(|i| (i * 7919) % 200).collect();
        let t: Vec<u32> = (0..500u32).map(|i| (i * 104_729 + 13) % 200).collect();
        let g = test_graph(&s, &t, None, 200, true);
        let x: Vec<f64> = (0..200).map(|i| 1.0 / (1.0 + f64::from(i))).collect();
        let cfg = AttributionConfig {
            max_hops: 3,
            ..Default::default()
        };
        let one = crate::parallel::with_threads(Some(1), || {
            influence_attribution(&g, &x, &cfg, &Control::new())
        })
        .unwrap();
        let four = crate::parallel::with_threads(Some(4), || {
            influence_attribution(&g, &x, &cfg, &Control::new())
        })
        .unwrap();
        assert_eq!(one, four);
    }
}
