//! Influence attribution: how much of each customer's influenced value goes to the customers
//! who influenced them, along short exposure walks (a truncated Katz/Hubbell series).

use crate::control::Control;
use crate::error::{CoreError, CoreResult};
use crate::graph::{EdgeWeight, Graph};
use crate::parallel::WORK_CHUNKS;
use crate::value::closed_walks::{Shares, returning_walks};
use rayon::prelude::*;

/// Default longest exposure walk, in hops.
pub const DEFAULT_MAX_HOPS: usize = 2;
/// Default factor by which each further hop counts less.
pub const DEFAULT_DECAY: f64 = 0.5;
/// Largest accepted `max_hops` (the closed-walk correction grows as the degree to half this
/// power).
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
/// * `ctl` - cancellation and progress (`2K + 1` passes over the `n` nodes).
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
/// The sums are sparse matrix-vector products over the CSR: `E = sum_k delta^(k-1)
/// (1^T B^k - diag B^k)` by `K` passes along in-edges and the attributions
/// `sum_k delta^(k-1) (B^k y - diag(B^k) y)`, `y_j = x_j / E_j`, by `K` passes along out-edges,
/// `O(K |E|)`. The closed walks `diag(B^k)` cost `O(|E|)` for `K <= 2` (reciprocal edges) and
/// the walks of `ceil(K/2)` hops from every node beyond. Extra space `O(K |V|)` (plus
/// `O(|V|)` per thread for `K > 2`). Parallel over nodes, each output computed by one task, so
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
    let sh = Shares::new(g, g.edge_weights(cfg.weight)?);
    let hops = hops_used(cfg);
    ctl.start(((2 * hops + 1) * n) as u64);
    // D_k(j) = (B^k)_jj: the walks that return to their start, left out of both sums.
    let closed = returning_walks(&sh, hops, ctl)?;
    let diag = |j: usize, k: usize| closed[j * hops + k - 1];
    // Exposure: r_k = r_{k-1} B (r_0 = 1) gives the column sums of B^k; E_j sums
    // delta^(k-1) (r_k(j) - D_k(j)).
    let mut r = vec![1.0; n];
    let mut exposure = vec![0.0; n];
    let mut factor = 1.0;
    for k in 1..=hops {
        r = pull(n, ctl, |v| {
            let mut t = 0.0;
            sh.toward(v, |u, b| t += b * r[u]);
            t
        })?;
        for (j, e) in exposure.iter_mut().enumerate() {
            *e += factor * (r[j] - diag(j, k));
        }
        factor *= cfg.decay;
    }
    // Nobody reaches j exactly when j has no weighted in-edge; otherwise E_j >= 1 (its one-hop
    // shares sum to 1), so rounding in the differences above cannot fake a reach.
    for (e, &s) in exposure.iter_mut().zip(&sh.strength) {
        *e = if s > 0.0 { e.max(0.0) } else { 0.0 };
    }
    let y: Vec<f64> = value
        .iter()
        .zip(&exposure)
        .map(|(&x, &e)| if e > 0.0 { x / e } else { 0.0 })
        .collect();
    // Attributed: c_k = B c_{k-1} (c_0 = y); civ_i sums delta^(k-1) (c_k(i) - D_k(i) y_i).
    let mut c = y.clone();
    let mut attributed = vec![0.0; n];
    let mut factor = 1.0;
    for k in 1..=hops {
        // b_uv c_v = w_uv (c_v / s_v): one random read per edge instead of two.
        let z: Vec<f64> = c
            .iter()
            .zip(&sh.strength)
            .map(|(&c, &s)| if s > 0.0 { c / s } else { 0.0 })
            .collect();
        c = pull(n, ctl, |u| {
            let mut t = 0.0;
            sh.out_weights(u, |v, w| t += w * z[v]);
            t
        })?;
        for (i, a) in attributed.iter_mut().enumerate() {
            *a += factor * (c[i] - diag(i, k) * y[i]);
        }
        factor *= cfg.decay;
    }
    for a in &mut attributed {
        // True values are >= 0; only rounding of the closed-walk correction can go below.
        *a = a.max(0.0);
    }
    Ok(Attribution {
        attributed,
        exposure,
    })
}

/// Hops that can contribute: with `decay = 0` only direct contacts count.
fn hops_used(cfg: &AttributionConfig) -> usize {
    if cfg.decay == 0.0 { 1 } else { cfg.max_hops }
}

/// `f(v)` for every node, in fixed chunks (checking for cancellation once per chunk); each
/// output is computed by one call, so the result does not depend on the thread count.
fn pull(n: usize, ctl: &Control, f: impl Fn(usize) -> f64 + Sync) -> CoreResult<Vec<f64>> {
    let mut out = vec![0.0; n];
    let chunk = n.div_ceil(WORK_CHUNKS).max(1);
    out.par_chunks_mut(chunk)
        .enumerate()
        .map(|(c, part)| {
            ctl.checkpoint()?;
            for (i, o) in part.iter_mut().enumerate() {
                *o = f(c * chunk + i);
            }
            ctl.advance(part.len() as u64);
            Ok(())
        })
        .collect::<CoreResult<()>>()?;
    Ok(out)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::test_graph;
    use crate::value::closed_walks::{Shares, returning_walks};

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

    /// Dense oracle: `W = sum_k delta^(k-1) B^k` with the diagonal removed, from the raw edges.
    #[allow(clippy::too_many_arguments)] // a test oracle mirroring the public parameters
    fn dense(
        s: &[u32],
        t: &[u32],
        w: &[f64],
        n: usize,
        directed: bool,
        x: &[f64],
        hops: usize,
        decay: f64,
    ) -> Attribution {
        let mut m = vec![vec![0.0; n]; n];
        for ((&a, &b), &ww) in s.iter().zip(t).zip(w) {
            let (a, b) = (a as usize, b as usize);
            if a != b {
                m[a][b] += ww;
                if !directed {
                    m[b][a] += ww;
                }
            }
        }
        let col: Vec<f64> = (0..n).map(|v| (0..n).map(|u| m[u][v]).sum()).collect();
        let b: Vec<Vec<f64>> = (0..n)
            .map(|u| {
                (0..n)
                    .map(|v| if col[v] > 0.0 { m[u][v] / col[v] } else { 0.0 })
                    .collect()
            })
            .collect();
        let mut p: Vec<Vec<f64>> = (0..n)
            .map(|i| (0..n).map(|j| f64::from(i == j)).collect())
            .collect();
        let mut walk = vec![vec![0.0; n]; n];
        for k in 1..=hops {
            p = (0..n)
                .map(|i| {
                    (0..n)
                        .map(|j| (0..n).map(|l| p[i][l] * b[l][j]).sum())
                        .collect()
                })
                .collect();
            for i in 0..n {
                for j in 0..n {
                    if i != j {
                        walk[i][j] += decay.powi(k as i32 - 1) * p[i][j];
                    }
                }
            }
        }
        let exposure: Vec<f64> = (0..n).map(|j| (0..n).map(|i| walk[i][j]).sum()).collect();
        let attributed = (0..n)
            .map(|i| {
                (0..n)
                    .filter(|&j| exposure[j] > 0.0)
                    .map(|j| x[j] * walk[i][j] / exposure[j])
                    .sum()
            })
            .collect();
        Attribution {
            attributed,
            exposure,
        }
    }

    fn lcg(state: &mut u64) -> u64 {
        *state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        *state >> 33
    }

    #[test]
    fn matches_dense_matrix_oracle_on_random_graphs() {
        for seed in 0..60u64 {
            let mut st = seed + 1;
            let n = 2 + (lcg(&mut st) % 25) as usize;
            let m = (lcg(&mut st) % (4 * n as u64)) as usize;
            let s: Vec<u32> = (0..m).map(|_| (lcg(&mut st) % n as u64) as u32).collect();
            let t: Vec<u32> = (0..m).map(|_| (lcg(&mut st) % n as u64) as u32).collect();
            let w: Vec<f64> = (0..m)
                .map(|_| 0.1 + (lcg(&mut st) % 1000) as f64 / 100.0)
                .collect();
            let x: Vec<f64> = (0..n).map(|_| (lcg(&mut st) % 100) as f64).collect();
            let directed = seed % 3 != 0;
            let hops = 1 + (seed as usize % MAX_HOPS_LIMIT);
            let decay = [0.5, 1.0, 0.0, 0.3][seed as usize % 4];
            let g = test_graph(&s, &t, Some(&w), n, directed);
            let got = run(&g, &x, hops, decay);
            let want = dense(&s, &t, &w, n, directed, &x, hops, decay);
            for i in 0..n {
                let (a, b) = (got.attributed[i], want.attributed[i]);
                assert!(
                    (a - b).abs() <= 1e-9 * (1.0 + b.abs()),
                    "seed {seed} civ {i}: {a} {b}"
                );
                let (a, b) = (got.exposure[i], want.exposure[i]);
                assert!(
                    (a - b).abs() <= 1e-12 * (1.0 + b.abs()),
                    "seed {seed} E {i}: {a} {b}"
                );
            }
        }
    }

    #[test]
    fn reciprocal_merge_equals_meeting_walks() {
        let mut st = 7;
        let s: Vec<u32> = (0..900).map(|_| (lcg(&mut st) % 120) as u32).collect();
        let t: Vec<u32> = (0..900).map(|_| (lcg(&mut st) % 120) as u32).collect();
        for directed in [true, false] {
            let g = test_graph(&s, &t, None, 120, directed);
            let sh = Shares::new(&g, None);
            let fast = returning_walks(&sh, 2, &Control::new()).unwrap();
            let slow = returning_walks(&sh, 3, &Control::new()).unwrap();
            assert!(fast.iter().any(|&d| d > 0.0));
            for j in 0..120 {
                assert_eq!(fast[2 * j], 0.0);
                assert!((fast[2 * j + 1] - slow[3 * j + 1]).abs() < 1e-15);
            }
        }
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
