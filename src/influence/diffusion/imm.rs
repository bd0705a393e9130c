//! Influence maximization by IMM (Tang, Shi & Xiao 2015) on reverse-reachable sets.

use super::probabilities::{Adjacency, EdgeProbability, Model, forward_values};
use super::rr_sets::{Roots, RrSets, Sampler, max_coverage};
use super::simulate::check_values;
use crate::control::Control;
use crate::error::{CoreError, CoreResult};
use crate::graph::{EdgeWeight, Graph};

/// Default accuracy `epsilon` of [`maximize`].
pub const DEFAULT_EPSILON: f64 = 0.1;
/// Default confidence exponent `ell` of [`maximize`] (success probability `1 - 1/n^ell`).
pub const DEFAULT_ELL: f64 = 1.0;
/// Stream offset of the node-selection RR sets, keeping them independent of the sampling ones.
const SELECTION_STREAMS: u64 = 1 << 40;

/// Settings of [`maximize`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImmConfig<'a> {
    /// Diffusion model.
    pub model: Model,
    /// IC edge probabilities (LT: only the default, normalised in-weights).
    pub probability: EdgeProbability<'a>,
    /// Edge weight read by the weighted cascade and by LT.
    pub weight: EdgeWeight,
    /// Approximation slack: the result is within `1 - 1/e - epsilon` of optimal, in `(0, 1)`.
    pub epsilon: f64,
    /// Confidence: the guarantee holds with probability at least `1 - 1/n^ell`; `> 0`.
    pub ell: f64,
    /// Seed of the random streams.
    pub seed: u64,
}

impl Default for ImmConfig<'_> {
    fn default() -> Self {
        ImmConfig {
            model: Model::default(),
            probability: EdgeProbability::default(),
            weight: EdgeWeight::Summed,
            epsilon: DEFAULT_EPSILON,
            ell: DEFAULT_ELL,
            seed: 0,
        }
    }
}

/// Result of [`maximize`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImmResult {
    /// Chosen seeds, in the order chosen.
    pub seeds: Vec<u32>,
    /// Estimated reach (or value reached) added by each seed: `Gamma * newly covered / theta`.
    pub marginal_gain: Vec<f64>,
    /// RR sets of the node-selection phase (`theta`, rounded up to whole blocks).
    pub rr_sets: usize,
    /// RR sets drawn in the sampling phase.
    pub sampling_rr_sets: usize,
    /// Summed size of the node-selection RR sets.
    pub rr_total_size: usize,
    /// Lower bound `LB` of the optimal reach found by the sampling phase.
    pub lower_bound: f64,
    /// `ell` after the adjustment `ell * (1 + ln 2 / ln n)`.
    pub ell_adjusted: f64,
    /// Peak bytes held by RR sets, their inverted index and the in-edge probabilities.
    pub memory_bytes: usize,
    /// Seed used.
    pub seed: u64,
}

/// `ln C(n, k)`.
fn ln_choose(n: usize, k: usize) -> f64 {
    (0..k).fold(0.0, |acc, i| acc + ((n - i) as f64 / (i + 1) as f64).ln())
}

/// Chooses `k` seeds maximizing the expected reach under IC or LT, by IMM (Tang, Shi & Xiao,
/// "Influence Maximization in Near-Linear Time: A Martingale Approach", SIGMOD 2015), with the
/// node-selection RR sets drawn afresh, independent of the sampling phase (Chen 2018, "An issue
/// in the martingale analysis of the influence maximization algorithm IMM").
///
/// With `Gamma = n` (or the total value, when roots are drawn in proportion to `value`),
/// `eps' = sqrt(2) eps`, `l` adjusted to `l (1 + ln 2 / ln n)`:
///
/// * sampling: for `x = Gamma / 2^i`, `i = 1, 2, ...`, draw `lambda' / x` RR sets with
///   `lambda' = (2 + 2 eps' / 3) (ln C(n, k) + l ln n + ln log2(Gamma / LB0)) Gamma / eps'^2`,
///   greedily cover them; stop once `Gamma F_R(S) >= (1 + eps') x` with
///   `LB = Gamma F_R(S) / (1 + eps')` (else `LB = LB0`, the value of the `k` largest nodes:
///   the seeds themselves);
/// * selection: draw `theta = lambda* / LB` fresh sets, `lambda* = 2 Gamma ((1 - 1/e) alpha +
///   beta)^2 / eps^2`, `alpha = sqrt(l ln n + ln 2)`, `beta = sqrt((1 - 1/e) (ln C(n, k) +
///   l ln n + ln 2))`, and return the greedy cover. Its expected reach is at least
///   `(1 - 1/e - eps) OPT` with probability at least `1 - 1/n^l`.
///
/// # Arguments
/// * `g` - the graph; an undirected edge spreads both ways.
/// * `k` - number of seeds, at most `n`.
/// * `value` - optional non-negative node values: RR roots are drawn in proportion to them, so
///   coverage estimates the value reached.
/// * `cfg` - model, probabilities, `epsilon`, `ell`, seed.
/// * `ctl` - cancellation and progress (in RR sets of the current round).
///
/// # Errors
/// [`CoreError::BadParameter`] for `k > n`, `epsilon` outside `(0, 1)`, `ell <= 0`, values
/// summing to 0, or bad probabilities; [`CoreError::BadValue`] / [`CoreError::LengthMismatch`]
/// for bad values; [`CoreError::TooLarge`] past `u32::MAX` RR sets; [`CoreError::Cancelled`].
///
/// # Complexity
/// Expected `O((k + l) (|V| + |E|) log |V| / eps^2)` time (Tang et al., Theorem 3); space for
/// the RR sets and their inverted index, `O(theta * mean RR set size)`, plus `O(|V| + |E|)`.
///
/// # Examples
/// ```
/// use socialcrm::control::Control;
/// use socialcrm::graph::{BuildConfig, Events, build};
/// use socialcrm::influence::diffusion::{ImmConfig, maximize};
///
/// // A star 0 -> 1..=5 and a lone edge 6 -> 7: the hub is the best single seed.
/// let (s, t) = ([0u32, 0, 0, 0, 0, 6], [1u32, 2, 3, 4, 5, 7]);
/// let ev = Events { source: &s, target: &t, weight: None, time: None, kind: None };
/// let (g, _) = build(&ev, &BuildConfig { n_nodes: 8, ..Default::default() }, &Control::new())
///     .unwrap();
/// let r = maximize(&g, 1, None, &ImmConfig::default(), &Control::new()).unwrap();
/// assert_eq!(r.seeds, vec![0]);
/// ```
pub fn maximize(
    g: &Graph,
    k: usize,
    value: Option<&[f64]>,
    cfg: &ImmConfig<'_>,
    ctl: &Control,
) -> CoreResult<ImmResult> {
    let n = g.n_nodes();
    check_params(n, k, cfg)?;
    let (roots, gamma, lb0) = roots_and_scale(n, k, value)?;
    let out = forward_values(g, cfg.model, cfg.probability, cfg.weight)?;
    let inv = match cfg.model {
        Model::IndependentCascade => Adjacency::cascade_reverse(g, &out),
        Model::LinearThreshold => Adjacency::threshold_in(g, &out),
    };
    drop(out);
    let mut result = ImmResult {
        seed: cfg.seed,
        ..Default::default()
    };
    if k == 0 {
        return Ok(result);
    }
    let ln_n = (n.max(2) as f64).ln();
    let ell = cfg.ell * (1.0 + std::f64::consts::LN_2 / ln_n);
    let lcnk = ln_choose(n, k);
    let mut sampler = Sampler {
        g,
        model: cfg.model,
        inv,
        roots,
        seed: cfg.seed,
        stream_base: 0,
    };
    let (lb, sampling_sets, sampling_bytes) =
        lower_bound(&sampler, n, k, gamma, lb0, cfg, ell, ctl)?;
    // lambda* of Tang et al. (Eq. 6 with the adjusted ell).
    let e1 = 1.0 - (-1.0f64).exp();
    let alpha = (ell * ln_n + std::f64::consts::LN_2).sqrt();
    let beta = (e1 * (lcnk + ell * ln_n + std::f64::consts::LN_2)).sqrt();
    let lambda_star = 2.0 * gamma * (e1 * alpha + beta).powi(2) / (cfg.epsilon * cfg.epsilon);
    let theta = sets_needed(lambda_star / lb)?;
    sampler.stream_base = SELECTION_STREAMS;
    let mut rr = RrSets::default();
    ctl.start(theta as u64);
    rr.extend_to(theta, &sampler, ctl)?;
    let cover = max_coverage(&rr, n, k, ctl)?;
    let scale = gamma / rr.len() as f64;
    result.seeds = cover.seeds;
    result.marginal_gain = cover.gains.iter().map(|&c| c as f64 * scale).collect();
    result.rr_sets = rr.len();
    result.sampling_rr_sets = sampling_sets;
    result.rr_total_size = rr.total_size();
    result.lower_bound = lb;
    result.ell_adjusted = ell;
    result.memory_bytes =
        sampler.inv.memory_bytes() + sampling_bytes.max(rr.memory_bytes() + cover.memory_bytes);
    Ok(result)
}

fn check_params(n: usize, k: usize, cfg: &ImmConfig<'_>) -> CoreResult<()> {
    let bad = |name, expected, got| {
        Err(CoreError::BadParameter {
            name,
            expected,
            got,
        })
    };
    if k > n {
        return bad("k", "at most the number of nodes", k as f64);
    }
    if !(cfg.epsilon > 0.0 && cfg.epsilon < 1.0) {
        return bad("epsilon", "in (0, 1)", cfg.epsilon);
    }
    if !(cfg.ell > 0.0 && cfg.ell.is_finite()) {
        return bad("ell", "positive and finite", cfg.ell);
    }
    Ok(())
}

/// Root distribution, scale `Gamma` (reach or value of everyone) and the trivial lower bound
/// `LB0` of the optimum (the value of the `k` largest nodes; `k` without values).
fn roots_and_scale(n: usize, k: usize, value: Option<&[f64]>) -> CoreResult<(Roots, f64, f64)> {
    let Some(x) = value else {
        return Ok((Roots::Uniform(n.max(1) as u64), n as f64, k.max(1) as f64));
    };
    check_values(x, n)?;
    let total = x.iter().fold(0.0, |a, v| a + v);
    if !(total > 0.0 && total.is_finite()) {
        return Err(CoreError::BadParameter {
            name: "value",
            expected: "a positive, finite total",
            got: total,
        });
    }
    let mut sorted = x.to_vec();
    sorted.sort_unstable_by(|a, b| b.total_cmp(a));
    let top = sorted[..k.max(1).min(n)].iter().fold(0.0, |a, v| a + v);
    Ok((Roots::weighted(x), total, top))
}

fn sets_needed(theta: f64) -> CoreResult<usize> {
    if !(theta.is_finite() && theta < u32::MAX as f64) {
        return Err(CoreError::TooLarge {
            what: "reverse-reachable sets",
            got: if theta.is_finite() {
                theta as u64
            } else {
                u64::MAX
            },
            limit: u64::from(u32::MAX),
        });
    }
    Ok(theta.ceil().max(1.0) as usize)
}

/// The sampling phase (Tang et al., Algorithm 2): a lower bound of the optimum, the number of
/// sets it drew and the peak bytes it held.
#[allow(clippy::too_many_arguments)]
fn lower_bound(
    sampler: &Sampler<'_>,
    n: usize,
    k: usize,
    gamma: f64,
    lb0: f64,
    cfg: &ImmConfig<'_>,
    ell: f64,
    ctl: &Control,
) -> CoreResult<(f64, usize, usize)> {
    let ln_n = (n.max(2) as f64).ln();
    let eps1 = std::f64::consts::SQRT_2 * cfg.epsilon;
    let rounds = (gamma / lb0).log2().max(1.0);
    let lambda1 = (2.0 + 2.0 * eps1 / 3.0) * (ln_choose(n, k) + ell * ln_n + rounds.ln()) * gamma
        / (eps1 * eps1);
    let mut rr = RrSets::default();
    let mut peak = 0;
    let mut x = gamma / 2.0;
    while x > lb0 {
        let theta = sets_needed(lambda1 / x)?;
        ctl.start(theta as u64);
        ctl.advance(rr.len() as u64);
        rr.extend_to(theta, sampler, ctl)?;
        let cover = max_coverage(&rr, n, k, ctl)?;
        peak = peak.max(rr.memory_bytes() + cover.memory_bytes);
        let covered: u64 = cover.gains.iter().sum();
        let estimate = gamma * covered as f64 / rr.len() as f64;
        if estimate >= (1.0 + eps1) * x {
            return Ok(((estimate / (1.0 + eps1)).max(lb0), rr.len(), peak));
        }
        x /= 2.0;
    }
    Ok((lb0, rr.len(), peak))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::test_graph;
    use crate::parallel::with_threads;

    #[test]
    fn ln_choose_matches_small_cases() {
        assert!((ln_choose(5, 2) - 10f64.ln()).abs() < 1e-12);
        assert_eq!(ln_choose(7, 0), 0.0);
        assert!((ln_choose(6, 6)).abs() < 1e-12);
    }

    #[test]
    fn two_stars_give_their_hubs() {
        // Hubs 0 (6 leaves) and 10 (4 leaves), certain edges: the best pair is {0, 10}.
        let mut s = vec![0u32; 6];
        let mut t: Vec<u32> = (1..7).collect();
        s.extend([10u32; 4]);
        t.extend(11..15);
        let g = test_graph(&s, &t, None, 15, true);
        let cfg = ImmConfig {
            probability: EdgeProbability::Constant(1.0),
            ..Default::default()
        };
        let r = maximize(&g, 2, None, &cfg, &Control::new()).unwrap();
        assert_eq!(r.seeds, vec![0, 10]);
        let reach: f64 = r.marginal_gain.iter().sum();
        assert!((reach - 12.0).abs() < 0.5, "{r:?}");
        assert!(r.rr_sets > 0 && r.lower_bound >= 2.0);
    }

    #[test]
    fn values_steer_the_choice_and_threads_do_not_matter() {
        // Two disjoint certain chains 0->1->2 and 3->4; only 4 has value.
        let g = test_graph(&[0, 1, 3], &[1, 2, 4], None, 5, true);
        let cfg = ImmConfig {
            probability: EdgeProbability::Constant(1.0),
            ..Default::default()
        };
        let value = [0.0, 0.0, 0.0, 0.0, 5.0];
        let run = |t| {
            with_threads(Some(t), || {
                maximize(&g, 1, Some(&value), &cfg, &Control::new())
            })
            .unwrap()
        };
        let one = run(1);
        assert_eq!(one.seeds, vec![3]);
        assert!((one.marginal_gain[0] - 5.0).abs() < 1e-9);
        assert_eq!(one, run(3));
        let lt = ImmConfig {
            model: Model::LinearThreshold,
            ..Default::default()
        };
        let a = with_threads(Some(1), || maximize(&g, 2, None, &lt, &Control::new())).unwrap();
        let b = with_threads(Some(2), || maximize(&g, 2, None, &lt, &Control::new())).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn bad_parameters_are_rejected() {
        let g = test_graph(&[0], &[1], None, 2, true);
        let ctl = Control::new();
        let d = ImmConfig::default();
        assert!(maximize(&g, 3, None, &d, &ctl).is_err());
        let eps = ImmConfig { epsilon: 1.0, ..d };
        assert!(maximize(&g, 1, None, &eps, &ctl).is_err());
        let ell = ImmConfig { ell: 0.0, ..d };
        assert!(maximize(&g, 1, None, &ell, &ctl).is_err());
        assert!(maximize(&g, 1, Some(&[0.0, 0.0]), &d, &ctl).is_err());
        assert_eq!(
            maximize(&g, 0, None, &d, &ctl).unwrap().seeds,
            Vec::<u32>::new()
        );
        ctl.cancel();
        assert_eq!(maximize(&g, 1, None, &d, &ctl), Err(CoreError::Cancelled));
    }
}
