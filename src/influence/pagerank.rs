//! PageRank, optionally personalized.

use super::pull::{Rows, locality_order, sum};
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
/// On graphs of `2^17` nodes or more, when the residuals so far predict at least 32 more
/// iterations (or `max_iter` leaves that many), the remaining iterations run with the nodes
/// renumbered by decreasing out-degree, which keeps the most-read scores in the cache; the
/// decision depends only on the computed residuals, so it too is the same on any number of
/// threads. The renumbered iterations add the same terms in another order, so the scores agree
/// with the plain iteration to rounding (about `1e-15` relative).
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
/// directed graphs, renumbered in long runs), in parallel over nodes.
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
    run(g, personalization, cfg, ctl, MIN_ORDERED_NODES)
}

/// [`pagerank`], renumbering the nodes (when worth it) only on graphs of at least
/// `min_ordered_nodes` nodes.
fn run(
    g: &Graph,
    personalization: Option<&[f64]>,
    cfg: &PageRankConfig,
    ctl: &Control,
    min_ordered_nodes: usize,
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
    let mut state = State::start(&inv_out);
    let switch = |st: &State| n >= min_ordered_nodes && worth_ordering(st, cfg, n);
    let rows = Rows::incoming(g, cfg.weight)?;
    if let Some(done) = iterate(&rows, &inv_out, p.as_deref(), &mut state, cfg, ctl, switch)? {
        return Ok(done);
    }
    // Not converging soon on a large graph: continue in a locality order (see `pull::order`).
    drop(rows);
    let o = locality_order(g);
    let rows = Rows::incoming_ordered(g, cfg.weight, &o)?;
    let inv_out = o.gather(&inv_out);
    let p = p.map(|p| o.gather(&p));
    state.x = o.gather(&state.x);
    state.y = o.gather(&state.y);
    match iterate(&rows, &inv_out, p.as_deref(), &mut state, cfg, ctl, |_| {
        false
    })? {
        Some(mut done) => {
            done.scores = o.scatter(&done.scores);
            Ok(done)
        }
        None => Err(CoreError::NotConverged {
            iterations: cfg.max_iter,
            residual: state.residual,
        }),
    }
}

/// Nodes from which a graph may be renumbered into a locality order: below, the scores fit in
/// the core's cache anyway.
const MIN_ORDERED_NODES: usize = 1 << 17;

/// Iterations the locality order must still be used for to pay for itself. On the directed
/// 10^6-node LFR graph of the benchmark (6.6 * 10^6 arcs) renumbering and copying the rows cost
/// about 0.2 s on one thread and 0.12 s on two; an iteration takes 27-31 ms before and 20-23 ms
/// after on one thread, 13-17 ms and 8-11 ms on two: it pays off after 20 to 35 iterations.
#[cfg(not(test))]
const MIN_ORDERED_ITERATIONS: f64 = 32.0;
#[cfg(test)]
const MIN_ORDERED_ITERATIONS: f64 = 3.0;

/// Whether the iterations still to come (predicted from the last contraction of the residual,
/// capped by `max_iter`) are enough for the locality order to pay off. Decided from the
/// computed residuals only, so the same on any number of threads.
fn worth_ordering(st: &State, cfg: &PageRankConfig, n: usize) -> bool {
    let left = cfg.max_iter.saturating_sub(st.iteration) as f64;
    if st.iteration < 2 || left < MIN_ORDERED_ITERATIONS {
        return false;
    }
    let goal = n as f64 * cfg.tol;
    let rate = st.residual / st.previous_residual;
    let predicted = if rate.is_nan() || rate >= 1.0 || goal <= 0.0 {
        f64::INFINITY
    } else if rate <= 0.0 || st.residual <= goal {
        0.0
    } else {
        (goal / st.residual).ln() / rate.ln()
    };
    predicted.min(left) >= MIN_ORDERED_ITERATIONS
}

/// Iteration state: scores `x`, `y = x / s_out`, the dangling mass and the residuals.
struct State {
    x: Vec<f64>,
    y: Vec<f64>,
    dangling_mass: f64,
    residual: f64,
    previous_residual: f64,
    iteration: usize,
}

impl State {
    fn start(inv_out: &[f64]) -> Self {
        let n = inv_out.len();
        let uniform = 1.0 / n as f64;
        let dangling: Vec<f64> = inv_out
            .iter()
            .map(|&s| if s == 0.0 { uniform } else { 0.0 })
            .collect();
        Self {
            x: vec![uniform; n],
            y: inv_out.iter().map(|s| uniform * s).collect(),
            dangling_mass: sum(&dangling),
            residual: f64::INFINITY,
            previous_residual: f64::INFINITY,
            iteration: 0,
        }
    }
}

/// Runs iterations from `st` until convergence (`Some`), until `pause(st)` says to stop after
/// an iteration (`None`), or up to `max_iter` ([`CoreError::NotConverged`]).
fn iterate(
    rows: &Rows<'_>,
    inv_out: &[f64],
    p: Option<&[f64]>,
    st: &mut State,
    cfg: &PageRankConfig,
    ctl: &Control,
    pause: impl Fn(&State) -> bool,
) -> CoreResult<Option<PageRank>> {
    let n = rows.n();
    let d = cfg.damping;
    let uniform = 1.0 / n as f64;
    let teleport = |v: usize| p.map_or(uniform, |p| p[v]);
    let (mut x_next, mut y_next) = (vec![0.0; n], vec![0.0; n]);
    while st.iteration < cfg.max_iter {
        ctl.checkpoint()?;
        let base = d * st.dangling_mass + (1.0 - d);
        let x_old = &st.x;
        let (err, mass) = rows.sweep(
            &st.y,
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
        std::mem::swap(&mut st.x, &mut x_next);
        std::mem::swap(&mut st.y, &mut y_next);
        st.dangling_mass = mass;
        st.previous_residual = st.residual;
        st.residual = err;
        st.iteration += 1;
        ctl.advance(1);
        if err < n as f64 * cfg.tol {
            return Ok(Some(PageRank {
                scores: std::mem::take(&mut st.x),
                iterations: st.iteration,
                residual: err,
            }));
        }
        if pause(st) {
            return Ok(None);
        }
    }
    Err(CoreError::NotConverged {
        iterations: cfg.max_iter,
        residual: st.residual,
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

    /// PageRank with the renumbering allowed on any graph (and, in unit tests, after 3
    /// predicted iterations), so that the hand-worked cases check that path too.
    fn run(g: &Graph, p: Option<&[f64]>, cfg: &PageRankConfig) -> CoreResult<PageRank> {
        super::run(g, p, cfg, &Control::new(), 0)
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

    /// A random graph on `n` nodes with `m` edge draws (duplicates merge, self-loops kept),
    /// leaving the last nodes isolated.
    fn random_graph(n: u32, m: usize, seed: u64, weighted: bool, directed: bool) -> Graph {
        let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut next = |k: u32| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % u64::from(k)) as u32
        };
        let live = n - n / 10;
        let s: Vec<u32> = (0..m).map(|_| next(live)).collect();
        let t: Vec<u32> = (0..m).map(|_| next(live)).collect();
        let w: Vec<f64> = (0..m).map(|_| 0.5 + f64::from(next(100))).collect();
        test_graph(&s, &t, weighted.then_some(&w[..]), n as usize, directed)
    }

    #[test]
    fn renumbered_iterations_agree_with_plain_ones() {
        for seed in 0..24u64 {
            let (weighted, directed) = (seed % 2 == 0, seed % 4 < 2);
            let n = 50 + 37 * (seed as u32 % 5);
            let g = random_graph(n, 2 * n as usize, seed, weighted, directed);
            let p: Vec<f64> = (0..n).map(|v| f64::from(v % 7)).collect();
            let p = (seed % 3 == 0).then_some(&p[..]);
            let weight = if weighted {
                EdgeWeight::Summed
            } else {
                EdgeWeight::Unit
            };
            let cfg = PageRankConfig { weight, ..tight() };
            let plain = super::run(&g, p, &cfg, &Control::new(), usize::MAX).unwrap();
            let ordered = run(&g, p, &cfg).unwrap();
            assert!(
                ordered.iterations > 3,
                "seed {seed}: the renumbering never ran"
            );
            for (a, b) in plain.scores.iter().zip(&ordered.scores) {
                assert!(
                    (a - b).abs() <= 1e-12 * a.abs().max(1e-3),
                    "seed {seed}: {a} {b}"
                );
            }
            let sum: f64 = ordered.scores.iter().sum();
            assert!((sum - 1.0).abs() < 1e-12);
        }
    }

    #[test]
    fn renumbered_iterations_are_identical_on_one_and_four_threads() {
        let g = random_graph(3000, 12_000, 7, true, true);
        let cfg = tight();
        let go = |threads| {
            crate::parallel::with_threads(Some(threads), || {
                super::run(&g, None, &cfg, &Control::new(), 0)
            })
            .unwrap()
        };
        let (a, b) = (go(1), go(4));
        assert_eq!(a.iterations, b.iterations);
        assert!(
            a.scores
                .iter()
                .zip(&b.scores)
                .all(|(x, y)| x.to_bits() == y.to_bits())
        );
    }

    #[test]
    fn the_switch_needs_enough_predicted_iterations() {
        let cfg = PageRankConfig {
            tol: 1e-6,
            max_iter: 100,
            ..Default::default()
        };
        let mut st = State::start(&[1.0; 4]);
        (st.iteration, st.previous_residual, st.residual) = (2, 1.0, 0.5);
        // n tol = 1e-2: ln(0.02) / ln(0.5) = 5.6 more iterations, above the (unit-test) 3.
        assert!(worth_ordering(&st, &cfg, 10_000));
        // n tol = 0.4: under one more iteration.
        assert!(!worth_ordering(&st, &cfg, 400_000));
        // Only 2 iterations left.
        assert!(!worth_ordering(
            &st,
            &PageRankConfig { max_iter: 4, ..cfg },
            10_000
        ));
        // Not contracting: as many as max_iter allows.
        (st.previous_residual, st.residual) = (0.5, 0.5);
        assert!(worth_ordering(&st, &cfg, 10));
        // Nothing to predict from after one iteration.
        st.iteration = 1;
        assert!(!worth_ordering(&st, &cfg, 10));
    }
}
