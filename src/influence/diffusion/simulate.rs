//! Monte Carlo estimate of the expected reach of a seed set.

use super::cascade::{self, Frontier};
use super::pool::{Bits, CountingEpochs, chunked};
use super::probabilities::{Adjacency, EdgeProbability, Model, forward_values};
use super::threshold::{self, Thresholds};
use crate::control::Control;
use crate::error::{CoreError, CoreResult};
use crate::graph::{EdgeWeight, Graph};
use crate::rng::stream;
use rayon::prelude::*;

/// Default number of simulations of [`spread`].
pub const DEFAULT_SIMULATIONS: usize = 10_000;
/// Simulations per parallel work item (also the cancellation and progress granularity).
const CHUNK: usize = 32;

/// Settings of [`spread`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpreadConfig<'a> {
    /// Diffusion model.
    pub model: Model,
    /// IC edge probabilities (LT: only the default, normalised in-weights).
    pub probability: EdgeProbability<'a>,
    /// Edge weight read by the weighted cascade and by LT.
    pub weight: EdgeWeight,
    /// Number of simulations (at least 1).
    pub simulations: usize,
    /// Seed of the random streams: simulation `i` uses `rng::stream(seed, i)`.
    pub seed: u64,
}

impl Default for SpreadConfig<'_> {
    fn default() -> Self {
        SpreadConfig {
            model: Model::default(),
            probability: EdgeProbability::default(),
            weight: EdgeWeight::Summed,
            simulations: DEFAULT_SIMULATIONS,
            seed: 0,
        }
    }
}

/// Result of [`spread`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SpreadStats {
    /// Simulations run.
    pub simulations: usize,
    /// Mean number of active nodes at the end (seeds included).
    pub mean: f64,
    /// Standard error of `mean` (sample standard deviation / sqrt(simulations); NaN for one).
    pub std_error: f64,
    /// Mean summed value of the active nodes, when values were given.
    pub value_mean: Option<f64>,
    /// Standard error of `value_mean`.
    pub value_std_error: Option<f64>,
    /// Share of simulations in which each node ended active.
    pub activation: Vec<f64>,
    /// Seed used.
    pub seed: u64,
}

/// Per-worker scratch; each also counts, per node, the simulations it ran that ended with the
/// node active.
enum Scratch {
    Ic(Frontier<CountingEpochs>),
    Lt(Thresholds),
}

impl Scratch {
    fn count(&self, v: usize) -> u32 {
        match self {
            Scratch::Ic(fr) => fr.seen.count(v),
            Scratch::Lt(th) => th.count(v),
        }
    }
}

/// Expected reach `sigma(S) = E[|A_inf|]` of seed set `S` under IC or LT (Kempe, Kleinberg &
/// Tardos 2003), estimated by `simulations` independent runs, with each node's activation
/// probability and, given per-node `value`s, the expected value reached `E[sum_{v in A} x_v]`.
///
/// # Arguments
/// * `g` - the graph; an undirected edge spreads both ways.
/// * `seeds` - node codes of the seed set (duplicates count once; may be empty).
/// * `value` - optional non-negative value per node.
/// * `cfg` - model, probabilities, simulations and seed.
/// * `ctl` - cancellation and progress (in simulations).
///
/// # Returns
/// A [`SpreadStats`]; bit-identical for a given seed on any number of threads, because
/// simulation `i` uses stream `i` and counts are integers.
///
/// # Errors
/// [`CoreError::NodeOutOfRange`] for a bad seed, [`CoreError::LengthMismatch`] or
/// [`CoreError::BadValue`] for bad values, [`CoreError::BadParameter`] for zero simulations or
/// bad probabilities, [`CoreError::Cancelled`].
///
/// # Complexity
/// `O(R * (|V_r| + |E_r|))` time for `R` simulations touching `|V_r|` nodes and `|E_r|` edges
/// each; `O(|V| + |E|)` extra space plus `O(|V|)` per worker thread.
///
/// # Examples
/// ```
/// use socialcrm::control::Control;
/// use socialcrm::graph::{BuildConfig, Events, build};
/// use socialcrm::influence::diffusion::{EdgeProbability, SpreadConfig, spread};
///
/// let (s, t) = ([0u32, 1], [1u32, 2]);
/// let ev = Events { source: &s, target: &t, weight: None, time: None, kind: None };
/// let (g, _) = build(&ev, &BuildConfig { n_nodes: 3, ..Default::default() }, &Control::new())
///     .unwrap();
/// let cfg = SpreadConfig { probability: EdgeProbability::Constant(1.0), ..Default::default() };
/// let r = spread(&g, &[0], None, &cfg, &Control::new()).unwrap();
/// assert_eq!(r.mean, 3.0);
/// ```
pub fn spread(
    g: &Graph,
    seeds: &[u32],
    value: Option<&[f64]>,
    cfg: &SpreadConfig<'_>,
    ctl: &Control,
) -> CoreResult<SpreadStats> {
    let n = g.n_nodes();
    check_inputs(n, seeds, value, cfg.simulations)?;
    // IC walks an adjacency of probabilities; LT adds per-slot weights along the graph's own.
    let (adj, b) = match cfg.model {
        Model::IndependentCascade => (
            Adjacency::cascade_forward(g, cfg.probability, cfg.weight)?,
            Vec::new(),
        ),
        Model::LinearThreshold => (
            Adjacency::default(),
            forward_values(g, cfg.model, cfg.probability, cfg.weight)?,
        ),
    };
    ctl.start(cfg.simulations as u64);
    let make = || match cfg.model {
        Model::IndependentCascade => Scratch::Ic(Frontier::with(CountingEpochs::new(n))),
        Model::LinearThreshold => Scratch::Lt(Thresholds::new(n)),
    };
    let (chunks, states) = chunked(cfg.simulations, CHUNK, ctl, make, |scratch, items| {
        let mut reach = Vec::with_capacity(items.len());
        let mut values = Vec::with_capacity(if value.is_some() { items.len() } else { 0 });
        for i in items {
            if ctl.is_cancelled() {
                break; // one simulation can be long: stop mid-chunk, error below
            }
            let mut bits = Bits::new(stream(cfg.seed, i as u64));
            let active = match scratch {
                Scratch::Ic(fr) => {
                    cascade::spread_from(&adj, seeds, fr, &mut bits);
                    &fr.queue
                }
                Scratch::Lt(th) => {
                    threshold::simulate(g, &b, seeds, th, &mut bits);
                    &th.queue
                }
            };
            reach.push(active.len() as u32);
            if let Some(x) = value {
                values.push(active.iter().fold(0.0, |a, &v| a + x[v as usize]));
            }
        }
        (reach, values)
    })?;
    ctl.checkpoint()?;
    let (reach, values): (Vec<Vec<u32>>, Vec<Vec<f64>>) = chunks.into_iter().unzip();
    let reach: Vec<u32> = reach.concat();
    let values: Vec<f64> = values.concat();
    let (mean, std_error) = count_stats(&reach);
    let (value_mean, value_std_error) = match value {
        Some(_) => {
            let (m, se) = float_stats(&values);
            (Some(m), Some(se))
        }
        None => (None, None),
    };
    let r = cfg.simulations as f64;
    let activation = (0..n)
        .into_par_iter()
        .map(|v| states.iter().map(|s| u64::from(s.count(v))).sum::<u64>() as f64 / r)
        .collect();
    Ok(SpreadStats {
        simulations: cfg.simulations,
        mean,
        std_error,
        value_mean,
        value_std_error,
        activation,
        seed: cfg.seed,
    })
}

fn check_inputs(n: usize, seeds: &[u32], value: Option<&[f64]>, sims: usize) -> CoreResult<()> {
    if sims == 0 || sims > u32::MAX as usize {
        return Err(CoreError::BadParameter {
            name: "simulations",
            expected: "an integer in 1..=4294967295",
            got: sims as f64,
        });
    }
    if let Some((row, &code)) = seeds.iter().enumerate().find(|&(_, &s)| s as usize >= n) {
        return Err(CoreError::NodeOutOfRange {
            row,
            code,
            n_nodes: n,
        });
    }
    if let Some(x) = value {
        check_values(x, n)?;
    }
    Ok(())
}

/// Node values must be one per node, finite and non-negative.
pub(crate) fn check_values(x: &[f64], n: usize) -> CoreResult<()> {
    if x.len() != n {
        return Err(CoreError::LengthMismatch {
            name: "value",
            expected: n,
            got: x.len(),
        });
    }
    match x.iter().position(|v| !(v.is_finite() && *v >= 0.0)) {
        Some(row) => Err(CoreError::BadValue {
            name: "value",
            row,
            expected: "finite and non-negative",
            got: x[row],
        }),
        None => Ok(()),
    }
}

/// Mean and standard error of integer samples, from exact integer sums.
fn count_stats(xs: &[u32]) -> (f64, f64) {
    let r = xs.len() as u128;
    let (s, sq) = xs.iter().fold((0u128, 0u128), |(s, sq), &x| {
        let x = u128::from(x);
        (s + x, sq + x * x)
    });
    let mean = s as f64 / r as f64;
    if r < 2 {
        return (mean, f64::NAN);
    }
    // Sample variance (r * sum x^2 - (sum x)^2) / (r (r - 1)), exact up to the final division.
    let var = (r * sq - s * s) as f64 / (r * (r - 1)) as f64;
    (mean, (var / r as f64).sqrt())
}

/// Mean and standard error of float samples, summed in index order (two passes).
fn float_stats(xs: &[f64]) -> (f64, f64) {
    let r = xs.len() as f64;
    let mean = xs.iter().fold(0.0, |a, x| a + x) / r;
    if xs.len() < 2 {
        return (mean, f64::NAN);
    }
    let ss = xs.iter().fold(0.0, |a, x| a + (x - mean) * (x - mean));
    (mean, (ss / (r - 1.0) / r).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::test_graph;
    use crate::parallel::with_threads;

    fn cfg(model: Model, p: EdgeProbability<'_>, sims: usize) -> SpreadConfig<'_> {
        SpreadConfig {
            model,
            probability: p,
            weight: EdgeWeight::Unit,
            simulations: sims,
            seed: 3,
        }
    }

    #[test]
    fn single_edge_of_probability_half_has_expected_reach_one_and_a_half() {
        let g = test_graph(&[0], &[1], None, 2, true);
        let c = cfg(
            Model::IndependentCascade,
            EdgeProbability::Constant(0.5),
            40_000,
        );
        let r = spread(&g, &[0], Some(&[2.0, 10.0]), &c, &Control::new()).unwrap();
        assert!((r.mean - 1.5).abs() < 4.0 * r.std_error, "{r:?}");
        assert!((r.std_error - 0.5 / 200.0).abs() < 1e-4);
        assert_eq!(r.activation[0], 1.0);
        assert!((r.activation[1] - (r.mean - 1.0)).abs() < 1e-12);
        let vm = r.value_mean.unwrap();
        assert!((vm - (2.0 + 10.0 * r.activation[1])).abs() < 1e-9);
    }

    #[test]
    fn lt_chain_with_full_weights_reaches_everything_downstream() {
        let g = test_graph(&[0, 1, 2], &[1, 2, 3], None, 5, true);
        let c = cfg(
            Model::LinearThreshold,
            EdgeProbability::WeightedCascade,
            100,
        );
        let r = spread(&g, &[1], None, &c, &Control::new()).unwrap();
        assert_eq!((r.mean, r.std_error), (3.0, 0.0));
        assert_eq!(r.activation, vec![0.0, 1.0, 1.0, 1.0, 0.0]);
        let empty = spread(&g, &[], None, &c, &Control::new()).unwrap();
        assert_eq!(empty.mean, 0.0);
    }

    #[test]
    fn results_are_identical_on_one_and_four_threads() {
        let s: Vec<u32> = (0..60).map(|i| i % 20).collect();
        let t: Vec<u32> = (0..60).map(|i| (i * 7 + 3) % 20).collect();
        let g = test_graph(&s, &t, None, 20, true);
        let vals: Vec<f64> = (0..20).map(|i| f64::from(i) * 0.1).collect();
        for model in [Model::IndependentCascade, Model::LinearThreshold] {
            let c = cfg(model, EdgeProbability::WeightedCascade, 5_000);
            let run = |k| {
                with_threads(Some(k), || {
                    spread(&g, &[0, 5], Some(&vals), &c, &Control::new())
                })
                .unwrap()
            };
            assert_eq!(run(1), run(4));
        }
    }

    #[test]
    fn bad_inputs_are_reported() {
        let g = test_graph(&[0], &[1], None, 2, true);
        let c = cfg(
            Model::IndependentCascade,
            EdgeProbability::WeightedCascade,
            10,
        );
        let ctl = Control::new();
        assert!(matches!(
            spread(&g, &[2], None, &c, &ctl),
            Err(CoreError::NodeOutOfRange { code: 2, .. })
        ));
        assert!(matches!(
            spread(&g, &[0], Some(&[1.0, -1.0]), &c, &ctl),
            Err(CoreError::BadValue { row: 1, .. })
        ));
        assert!(matches!(
            spread(&g, &[0], Some(&[1.0]), &c, &ctl),
            Err(CoreError::LengthMismatch { .. })
        ));
        let zero = SpreadConfig {
            simulations: 0,
            ..c
        };
        assert!(matches!(
            spread(&g, &[0], None, &zero, &ctl),
            Err(CoreError::BadParameter {
                name: "simulations",
                ..
            })
        ));
        ctl.cancel();
        assert_eq!(spread(&g, &[0], None, &c, &ctl), Err(CoreError::Cancelled));
    }

    #[test]
    fn one_simulation_has_no_standard_error() {
        assert!(count_stats(&[3]).1.is_nan());
        assert_eq!(count_stats(&[1, 3]), (2.0, 1.0));
        assert!(float_stats(&[2.0]).1.is_nan());
        assert_eq!(float_stats(&[1.0, 3.0]), (2.0, 1.0));
    }
}
