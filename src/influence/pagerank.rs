//! PageRank, optionally personalized.

use super::pull::{Rows, sum};
use crate::control::Control;
use crate::error::{CoreError, CoreResult};
use crate::graph::{EdgeWeight, Graph};

/// Options of [`pagerank`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageRankConfig {
    /// Probability `d` of following an edge rather than teleporting, in `[0, 1)`.
    pub damping: f64,
    /// Convergence when `sum_v |x_v - x'_v| < n * tol`.
    pub tol: f64,
    /// Iterations before giving up with [`CoreError::NotConverged`].
    pub max_iter: usize,
    /// Edge weight used for the transition probabilities.
    pub weight: EdgeWeight,
}

impl PageRankConfig {
    /// Default damping (Brin & Page).
    pub const DEFAULT_DAMPING: f64 = 0.85;
    /// Default tolerance per node.
    pub const DEFAULT_TOL: f64 = 1e-6;
    /// Default iteration limit.
    pub const DEFAULT_MAX_ITER: usize = 100;
}

impl Default for PageRankConfig {
    fn default() -> Self {
        Self {
            damping: Self::DEFAULT_DAMPING,
            tol: Self::DEFAULT_TOL,
            max_iter: Self::DEFAULT_MAX_ITER,
            weight: EdgeWeight::Summed,
        }
    }
}

/// PageRank scores with convergence diagnostics.
#[derive(Debug, Clone, PartialEq)]
pub struct PageRank {
    /// Score of every node; they sum to 1.
    pub scores: Vec<f64>,
    /// Iterations run.
    pub iterations: usize,
    /// L1 change of the last iteration.
    pub residual: f64,
}

/// PageRank by power iteration, with the semantics of networkx's `pagerank`.
///
/// With transition probabilities `P_uv = w_uv / s_u` (`s_u` the out-strength of `u`), the
/// personalization `p` (normalized to sum 1; uniform when `None`) and the damping `d`:
///
/// `x'_v = d * (sum_{u -> v} x_u P_uv + p_v * sum_{u dangling} x_u) + (1 - d) * p_v`
///
/// where dangling nodes are those with `s_u = 0`, whose mass is spread like the teleport (Page,
/// Brin, Motwani & Winograd 1999; Langville & Meyer 2004). The iteration starts from the uniform
/// vector and stops when the L1 change is below `n * tol`. Undirected edges count both ways, a
/// self-loop once. Each node pulls from its in-neighbours in a fixed order and sums are folded in
/// fixed chunks, so the scores are bit-identical on any number of threads.
///
/// # Arguments
/// * `g` - the graph.
/// * `personalization` - non-negative teleport weight per node (length `n`, not all zero).
/// * `cfg` - damping, tolerance, iteration limit and edge weight.
/// * `ctl` - cancellation, progress (one unit per iteration).
///
/// # Returns
/// A [`PageRank`]; an empty graph gives empty scores.
///
/// # Errors
/// [`CoreError::BadParameter`] for a damping outside `[0, 1)`, a negative or non-finite tol, a
/// personalization that is all zero; [`CoreError::LengthMismatch`] / [`CoreError::BadValue`]
/// for a personalization of the wrong length or with negative or non-finite values;
/// [`CoreError::NotConverged`] after `max_iter` iterations; [`CoreError::Cancelled`].
///
/// # Complexity
/// `O(|V| + |E|)` time per iteration, `O(|V|)` extra space (plus a copy of the in-adjacency for
/// directed graphs), in parallel over nodes.
///
/// # Examples
/// ```
/// use socialcrm::control::Control;
/// use socialcrm::graph::{BuildConfig, Events, build};
/// use socialcrm::influence::{PageRankConfig, pagerank};
///
/// let (s, t) = ([0u32, 1, 2], [1u32, 2, 0]);
/// let ev = Events { source: &s, target: &t, weight: None, time: None, kind: None };
/// let (g, _) = build(&ev, &BuildConfig { n_nodes: 3, ..Default::default() }, &Control::new())
///     .unwrap();
/// let pr = pagerank(&g, None, &PageRankConfig::default(), &Control::new()).unwrap();
/// assert!(pr.scores.iter().all(|x| (x - 1.0 / 3.0).abs() < 1e-12));
/// ```
pub fn pagerank(
    g: &Graph,
    personalization: Option<&[f64]>,
    cfg: &PageRankConfig,
    ctl: &Control,
) -> CoreResult<PageRank> {
    check_config(cfg)?;
    ctl.start(cfg.max_iter as u64);
    let n = g.n_nodes();
    let p = personalization
        .map(|p| normalized_weights(p, n, "personalization"))
        .transpose()?;
    if n == 0 {
        return Ok(PageRank {
            scores: Vec::new(),
            iterations: 0,
            residual: 0.0,
        });
    }
    let inv_out: Vec<f64> = Rows::outgoing(g, cfg.weight)?
        .row_sums()
        .into_iter()
        .map(|s| if s > 0.0 { 1.0 / s } else { 0.0 })
        .collect();
    let rows = Rows::incoming(g, cfg.weight)?;
    iterate(&rows, &inv_out, p.as_deref(), cfg, ctl)
}

fn iterate(
    rows: &Rows<'_>,
    inv_out: &[f64],
    p: Option<&[f64]>,
    cfg: &PageRankConfig,
    ctl: &Control,
) -> CoreResult<PageRank> {
    let n = rows.n();
    let d = cfg.damping;
    let uniform = 1.0 / n as f64;
    let teleport = |v: usize| p.map_or(uniform, |p| p[v]);
    // x: current scores; y = x / s_out, what each node passes along each unit of out-weight.
    let mut x = vec![uniform; n];
    let mut y: Vec<f64> = inv_out.iter().map(|s| uniform * s).collect();
    let (mut x_next, mut y_next) = (vec![0.0; n], vec![0.0; n]);
    let dangling: Vec<f64> = inv_out
        .iter()
        .map(|&s| if s == 0.0 { uniform } else { 0.0 })
        .collect();
    let mut dangling_mass = sum(&dangling);
    drop(dangling);
    let mut residual = f64::INFINITY;
    for iteration in 1..=cfg.max_iter {
        ctl.checkpoint()?;
        let base = d * dangling_mass + (1.0 - d);
        let x_old = &x;
        let (err, mass) = rows.sweep(
            &y,
            [&mut x_next, &mut y_next],
            (0.0, 0.0),
            |a, b| (a.0 + b.0, a.1 + b.1),
            |v, pulled| {
                let xv = d * pulled + base * teleport(v);
                let sv = inv_out[v];
                let lost = if sv == 0.0 { xv } else { 0.0 };
                ([xv, xv * sv], ((xv - x_old[v]).abs(), lost))
            },
        );
        std::mem::swap(&mut x, &mut x_next);
        std::mem::swap(&mut y, &mut y_next);
        dangling_mass = mass;
        residual = err;
        ctl.advance(1);
        if err < n as f64 * cfg.tol {
            return Ok(PageRank {
                scores: x,
                iterations: iteration,
                residual,
            });
        }
    }
    Err(CoreError::NotConverged {
        iterations: cfg.max_iter,
        residual,
    })
}

fn check_config(cfg: &PageRankConfig) -> CoreResult<()> {
    if !(0.0..1.0).contains(&cfg.damping) {
        return Err(CoreError::BadParameter {
            name: "damping",
            expected: "in [0, 1)",
            got: cfg.damping,
        });
    }
    check_tol(cfg.tol)
}

/// `tol` must be finite and non-negative.
pub(crate) fn check_tol(tol: f64) -> CoreResult<()> {
    if tol.is_finite() && tol >= 0.0 {
        Ok(())
    } else {
        Err(CoreError::BadParameter {
            name: "tol",
            expected: "a finite number >= 0",
            got: tol,
        })
    }
}

/// `w` divided by its sum, after checking its length and that it is finite, non-negative and
/// not all zero.
fn normalized_weights(w: &[f64], n: usize, name: &'static str) -> CoreResult<Vec<f64>> {
    if w.len() != n {
        return Err(CoreError::LengthMismatch {
            name,
            expected: n,
            got: w.len(),
        });
    }
    if let Some(row) = w.iter().position(|x| !(x.is_finite() && *x >= 0.0)) {
        return Err(CoreError::BadValue {
            name,
            row,
            expected: "finite and >= 0",
            got: w[row],
        });
    }
    let total = sum(w);
    if !(total > 0.0 && total.is_finite()) {
        return Err(CoreError::BadParameter {
            name,
            expected: "weights with a positive, finite sum",
            got: total,
        });
    }
    Ok(w.iter().map(|x| x / total).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::test_graph;

    fn run(g: &Graph, p: Option<&[f64]>, cfg: &PageRankConfig) -> CoreResult<PageRank> {
        pagerank(g, p, cfg, &Control::new())
    }

    fn tight() -> PageRankConfig {
        PageRankConfig {
            tol: 1e-15,
            max_iter: 1000,
            ..Default::default()
        }
    }

    #[test]
    fn two_node_chain_with_dangling_target() {
        // 0 -> 1; node 1 is dangling. With d = 0.85 the fixed point solves
        // x0 = d * x1 / 2 + (1 - d) / 2, x1 = d * (x0 + x1 / 2) + (1 - d) / 2.
        let g = test_graph(&[0], &[1], None, 2, true);
        let pr = run(&g, None, &tight()).unwrap();
        // With x1 = 1 - x0 this gives x0 = 1 / (2 + d).
        let d = 0.85;
        let expect0 = 1.0 / (2.0 + d);
        assert!((pr.scores[0] - expect0).abs() < 1e-12);
        assert!((pr.scores[1] - (1.0 - expect0)).abs() < 1e-12);
    }

    #[test]
    fn weights_split_the_outflow() {
        // 0 -> 1 (3), 0 -> 2 (1), 1 -> 0, 2 -> 0: node 1 gets three times node 2's share.
        let (s, t, w) = ([0u32, 0, 1, 2], [1u32, 2, 0, 0], [3.0, 1.0, 1.0, 1.0]);
        let g = test_graph(&s, &t, Some(&w), 3, true);
        let pr = run(&g, None, &tight()).unwrap();
        let d = 0.85;
        // x1 = d * 3/4 * x0 + (1-d)/3, x2 = d * 1/4 * x0 + (1-d)/3, x0 = d (x1 + x2) + (1-d)/3,
        // so with x1 + x2 = 1 - x0: x0 = (1 + 2d) / (3 (1 + d)).
        let expect0 = (1.0 + 2.0 * d) / (3.0 * (1.0 + d));
        assert!((pr.scores[0] - expect0).abs() < 1e-12);
        let x1 = d * 0.75 * expect0 + (1.0 - d) / 3.0;
        assert!((pr.scores[1] - x1).abs() < 1e-12);
        let unit = run(
            &g,
            None,
            &PageRankConfig {
                weight: EdgeWeight::Unit,
                ..tight()
            },
        )
        .unwrap();
        assert!((unit.scores[1] - unit.scores[2]).abs() < 1e-15);
    }

    #[test]
    fn personalization_teleports_and_absorbs_dangling_mass() {
        // Node 2 isolated: it only gets mass through teleport, so p_2 = 0 gives it 0.
        let g = test_graph(&[0, 1], &[1, 0], None, 3, true);
        let pr = run(&g, Some(&[1.0, 0.0, 0.0]), &tight()).unwrap();
        assert_eq!(pr.scores[2], 0.0);
        assert!((pr.scores.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(pr.scores[0] > pr.scores[1]);
    }

    #[test]
    fn undirected_edges_count_both_ways() {
        // Star 0-1, 0-2, 0-3: x0 = d * (3 * x_leaf) + (1-d)/4, x_leaf = d * x0 / 3 + (1-d)/4.
        let g = test_graph(&[0, 0, 0], &[1, 2, 3], None, 4, false);
        let pr = run(&g, None, &tight()).unwrap();
        let d = 0.85;
        let leaf = (d / 3.0 + (1.0 - d) / 4.0) / (1.0 + d);
        assert!((pr.scores[1] - leaf).abs() < 1e-12);
        assert!((pr.scores[0] - (1.0 - 3.0 * leaf)).abs() < 1e-12);
    }

    #[test]
    fn bad_parameters_and_non_convergence() {
        let g = test_graph(&[0], &[1], None, 2, true);
        let bad = |cfg: PageRankConfig, p: Option<&[f64]>| run(&g, p, &cfg).unwrap_err();
        let d = PageRankConfig::default();
        assert!(matches!(
            bad(PageRankConfig { damping: 1.0, ..d }, None),
            CoreError::BadParameter {
                name: "damping",
                ..
            }
        ));
        assert!(matches!(
            bad(PageRankConfig { tol: f64::NAN, ..d }, None),
            CoreError::BadParameter { name: "tol", .. }
        ));
        assert!(matches!(
            bad(d, Some(&[1.0])),
            CoreError::LengthMismatch { expected: 2, .. }
        ));
        assert!(matches!(
            bad(d, Some(&[1.0, -1.0])),
            CoreError::BadValue { row: 1, .. }
        ));
        assert!(matches!(
            bad(d, Some(&[0.0, 0.0])),
            CoreError::BadParameter { .. }
        ));
        let once = PageRankConfig {
            max_iter: 1,
            tol: 0.0,
            ..d
        };
        assert!(matches!(
            bad(once, None),
            CoreError::NotConverged { iterations: 1, .. }
        ));
        let ctl = Control::new();
        ctl.cancel();
        assert_eq!(
            pagerank(&g, None, &d, &ctl).unwrap_err(),
            CoreError::Cancelled
        );
    }

    #[test]
    fn empty_and_edgeless_graphs() {
        let empty = test_graph(&[], &[], None, 0, true);
        assert!(run(&empty, None, &tight()).unwrap().scores.is_empty());
        let edgeless = test_graph(&[], &[], None, 4, true);
        let pr = run(&edgeless, Some(&[1.0, 1.0, 2.0, 0.0]), &tight()).unwrap();
        assert_eq!(pr.scores, vec![0.25, 0.25, 0.5, 0.0]);
    }
}
