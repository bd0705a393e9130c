//! Betweenness estimated from random shortest paths with a guaranteed error: Riondato and
//! Kornaropoulos (2016), "Fast approximation of betweenness centrality through sampling",
//! Data Min. Knowl. Disc. 30(2).

mod bidirectional;

use super::betweenness::{BetweennessConfig, betweenness, rescale};
use super::shortest_paths::{Adj, Network, check_size, par_chunks, vertex_diameter_bound};
use crate::control::Control;
use crate::error::{CoreError, CoreResult};
use crate::graph::{EdgeWeight, Graph};
use crate::rng::stream;
use bidirectional::{BiBfs, BiDijkstra};
use rand::Rng as _;

/// Default of [`SampledConfig::delta`].
pub const DEFAULT_DELTA: f64 = 0.1;
/// Default of [`SampledConfig::seed`].
pub const DEFAULT_SEED: u64 = 0;
/// The constant `c` of the sample size (Löffler and Phillips 2009 estimate it at 0.5, the value
/// Riondato and Kornaropoulos use).
pub const SAMPLE_CONSTANT: f64 = 0.5;

/// Samples drawn per chunk of work (one cancellation check and progress report each).
const SAMPLES_PER_CHUNK: usize = 64;

/// Samples drawn before deciding whether the exact computation would be cheaper: enough for
/// a stable mean search cost, few enough to cost about one exact pass on a tiny graph.
pub const PILOT_SAMPLES: usize = 128;

/// Cost of one arc of one source in Brandes' algorithm relative to one arc scanned by a
/// sample's search. Brandes visits each arc twice (the search, then the dependency sums) but in
/// the breadth-first memory order of the network, while a sample's two searches jump around
/// it and start afresh each time; measured on the real graphs and LFR graphs of 10^4 nodes,
/// unweighted and weighted, the ratio was 0.3 to 0.5.
const EXACT_ARC_COST: f64 = 0.4;

/// Options of [`sampled_betweenness`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SampledConfig {
    /// Largest error allowed on the `1 / (n (n - 1))` scale, in `(0, 1)`.
    pub epsilon: f64,
    /// Probability allowed for the error to exceed `epsilon` anywhere, in `(0, 1)`.
    pub delta: f64,
    /// Seed of the random streams (sample `i` uses stream `i`).
    pub seed: u64,
    /// Edge weight read as tie strength; shortest paths use the length `1 / w`.
    pub weight: EdgeWeight,
    /// Output scale, as in [`super::betweenness::BetweennessConfig::normalized`].
    pub normalized: bool,
    /// Count the endpoints of each path as on it.
    pub endpoints: bool,
    /// Compute the exact values instead when that costs less than drawing the samples.
    pub exact_if_cheaper: bool,
}

impl Default for SampledConfig {
    fn default() -> Self {
        Self {
            epsilon: 0.02,
            delta: DEFAULT_DELTA,
            seed: DEFAULT_SEED,
            weight: EdgeWeight::Unit,
            normalized: super::betweenness::DEFAULT_NORMALIZED,
            endpoints: super::betweenness::DEFAULT_ENDPOINTS,
            exact_if_cheaper: true,
        }
    }
}

/// Estimated betweenness with the sampling diagnostics.
#[derive(Debug, Clone, PartialEq)]
pub struct SampledBetweenness {
    /// One estimate per node, on the scale of [`super::betweenness::betweenness`].
    pub scores: Vec<f64>,
    /// The sample size `r` of the guarantee (drawn unless `exact`).
    pub samples: u64,
    /// The upper bound on the vertex diameter used for `r`.
    pub vertex_diameter: u64,
    /// The scores are exact: Brandes' algorithm cost less than `r` samples.
    pub exact: bool,
}

/// Number of samples `r = ceil((c / epsilon^2) (floor(log2(VD - 2)) + 1 + ln(1 / delta)))`
/// (Riondato and Kornaropoulos 2016, Theorem 2), with `c` = [`SAMPLE_CONSTANT`] and `VD` an
/// upper bound on the vertex diameter. `floor(log2(VD - 2)) + 1` bounds the VC dimension of the
/// paths through a node as an inner node; when endpoints count, a node may be any of the `VD`
/// nodes of a path and `VD` replaces `VD - 2`. The argument of the logarithm is at least 1.
pub fn sample_size(epsilon: f64, delta: f64, vertex_diameter: u64, endpoints: bool) -> u64 {
    let on_path = if endpoints {
        vertex_diameter
    } else {
        vertex_diameter.saturating_sub(2)
    };
    let vc = (on_path.max(1) as f64).log2().floor() + 1.0;
    let r = (SAMPLE_CONSTANT / (epsilon * epsilon)) * (vc + (1.0 / delta).ln());
    r.ceil() as u64
}

/// Betweenness estimated from `r` ([`sample_size`]) random shortest paths.
///
/// Each sample draws an ordered pair `(u, v)`, `u != v`, uniformly, and if `v` is reachable a
/// shortest `u`-`v` path uniformly among all of them; every inner node of the path (and its
/// endpoints when counted) gains `1 / r`. With probability at least `1 - delta`, every node's
/// estimate `b~(w)` is then within `epsilon` of `B(w) / (n (n - 1))`, where `B(w)` sums
/// `sigma_st(w) / sigma_st` over the ordered pairs `(s, t)` (Riondato and Kornaropoulos 2016).
/// The estimate is returned as `b~(w) n (n - 1)` rescaled by
/// [`super::betweenness::rescale`], so it estimates exactly what
/// [`super::betweenness::betweenness`] returns: normalized without endpoints, the error bound
/// becomes `epsilon n / (n - 2)`.
///
/// Unweighted paths come from a balanced bidirectional breadth-first search (the side whose
/// frontier has fewer edges grows one level at a time, as in KADABRA), weighted ones from a
/// bidirectional Dijkstra search (length `1 / w`). The vertex-diameter bound is that of
/// [`super::shortest_paths`]: per strongly connected component the eccentricities in and out
/// of one node, chained along the condensation.
///
/// Sample `i` uses the random stream `(seed, i)` and node counts are integers, so the result
/// is identical on any number of threads.
///
/// With [`SampledConfig::exact_if_cheaper`], the first [`PILOT_SAMPLES`] samples (drawn on the
/// calling thread) measure the mean number of arcs `a` a search scans; when Brandes' algorithm
/// would cost less, `EXACT_ARC_COST * n * m < r * a` with `m` arcs, the exact values are
/// returned instead (error 0, so the guarantee holds with certainty). The decision depends on
/// the seed and the graph only.
///
/// # Arguments
/// * `g` - the graph.
/// * `cfg` - accuracy, seed, weight and output scale.
/// * `ctl` - cancellation and progress (in samples).
///
/// # Returns
/// The estimates (or exact values), the sample size `r` and the vertex-diameter bound.
///
/// # Errors
/// [`CoreError::BadParameter`] for `epsilon` or `delta` outside `(0, 1)` or a decayed weight on
/// a graph without decay; [`CoreError::TooLarge`] and [`CoreError::Cancelled`].
///
/// # Complexity
/// `O(r |E|)` time in the worst case (`O(r |E| log |V|)` weighted), typically far less thanks
/// to the bidirectional search; `O(|V| + |E|)` for the bound; `O(|V|)` extra space per thread.
///
/// # Examples
/// ```
/// use socialcrm::control::Control;
/// use socialcrm::graph::{BuildConfig, Events, build};
/// use socialcrm::influence::{SampledConfig, sampled_betweenness};
///
/// // A directed path 0 -> 1 -> 2 -> 3.
/// let (s, t) = ([0u32, 1, 2], [1u32, 2, 3]);
/// let ev = Events { source: &s, target: &t, weight: None, time: None, kind: None };
/// let (g, _) = build(&ev, &BuildConfig { n_nodes: 4, ..Default::default() }, &Control::new())
///     .unwrap();
/// let cfg = SampledConfig { epsilon: 0.1, ..Default::default() };
/// let est = sampled_betweenness(&g, &cfg, &Control::new()).unwrap();
/// assert_eq!(est.vertex_diameter, 4);
/// // Exact normalized values are [0, 1/3, 1/3, 0].
/// assert!((est.scores[1] - 1.0 / 3.0).abs() <= 0.1 * 4.0 / 2.0);
/// assert_eq!((est.scores[0], est.scores[3]), (0.0, 0.0));
/// ```
pub fn sampled_betweenness(
    g: &Graph,
    cfg: &SampledConfig,
    ctl: &Control,
) -> CoreResult<SampledBetweenness> {
    check_unit_interval("epsilon", cfg.epsilon)?;
    check_unit_interval("delta", cfg.delta)?;
    let n = g.n_nodes();
    check_size(n)?;
    let net = Network::new(g, cfg.weight, true)?;
    let vertex_diameter = vertex_diameter_bound(&net, ctl)?;
    let samples = sample_size(cfg.epsilon, cfg.delta, vertex_diameter, cfg.endpoints);
    let mut scores = vec![0.0; n];
    if n < 2 {
        return Ok(SampledBetweenness {
            scores,
            samples,
            vertex_diameter,
            exact: false,
        });
    }
    ctl.start(samples);
    let (out, inn) = (net.out(), net.inn());
    let weighted = net.weighted();
    let total = usize::try_from(samples).map_err(|_| CoreError::TooLarge {
        what: "samples",
        got: samples,
        limit: usize::MAX as u64,
    })?;
    let draw = |from: usize, count: usize| {
        par_chunks(
            count,
            SAMPLES_PER_CHUNK,
            ctl,
            || Sampler::new(n, weighted),
            |sm, items| {
                for i in items {
                    let i = (from + i) as u64;
                    sm.sample(&out, &inn, n as u32, cfg.seed, i, cfg.endpoints);
                }
            },
        )
    };
    // The pilot runs on the calling thread: on a graph small enough for the exact values to
    // win, waking the pool would cost more than the samples.
    let pilot = total.min(PILOT_SAMPLES);
    let mut first = Sampler::new(n, weighted);
    for i in 0..pilot {
        if i % SAMPLES_PER_CHUNK == 0 {
            ctl.checkpoint()?;
        }
        first.sample(&out, &inn, n as u32, cfg.seed, i as u64, cfg.endpoints);
    }
    ctl.advance(pilot as u64);
    let scanned = first.arcs;
    let mut parts = vec![first];
    if pilot < total {
        let sampling = scanned as f64 / pilot as f64 * total as f64;
        let brandes = EXACT_ARC_COST * n as f64 * out.targets.len().max(n) as f64;
        if cfg.exact_if_cheaper && brandes < sampling {
            drop(parts);
            let exact = BetweennessConfig {
                weight: cfg.weight,
                normalized: cfg.normalized,
                endpoints: cfg.endpoints,
            };
            return Ok(SampledBetweenness {
                scores: betweenness(g, &exact, ctl)?,
                samples,
                vertex_diameter,
                exact: true,
            });
        }
        parts.extend(draw(pilot, total - pilot)?);
    }
    let per_pair = (n as f64) * ((n - 1) as f64) / samples as f64;
    let hits: Vec<u64> = (0..n)
        .map(|v| parts.iter().map(|p| p.hits[v]).sum())
        .collect();
    for (x, h) in scores.iter_mut().zip(net.to_original(&hits)) {
        *x = h as f64 * per_pair;
    }
    rescale(
        &mut scores,
        n,
        g.is_directed(),
        cfg.normalized,
        cfg.endpoints,
    );
    Ok(SampledBetweenness {
        scores,
        samples,
        vertex_diameter,
        exact: false,
    })
}

fn check_unit_interval(name: &'static str, x: f64) -> CoreResult<()> {
    if x > 0.0 && x < 1.0 {
        Ok(())
    } else {
        Err(CoreError::BadParameter {
            name,
            expected: "a number strictly between 0 and 1",
            got: x,
        })
    }
}

/// Per-thread sampling state: node hit counts, a search workspace and the current path.
struct Sampler {
    hits: Vec<u64>,
    /// Arcs scanned by the searches so far.
    arcs: u64,
    bfs: Option<BiBfs>,
    dijkstra: Option<BiDijkstra>,
    path: Vec<u32>,
}

impl Sampler {
    fn new(n: usize, weighted: bool) -> Self {
        Self {
            hits: vec![0; n],
            arcs: 0,
            bfs: (!weighted).then(|| BiBfs::new(n)),
            dijkstra: weighted.then(|| BiDijkstra::new(n)),
            path: Vec::new(),
        }
    }

    fn sample(&mut self, out: &Adj<'_>, inn: &Adj<'_>, n: u32, seed: u64, i: u64, ends: bool) {
        let mut rng = stream(seed, i);
        let u = rng.random_range(0..n);
        let mut v = rng.random_range(0..n - 1);
        if v >= u {
            v += 1;
        }
        self.path.clear();
        if let Some(bfs) = &mut self.bfs {
            self.arcs += bfs.sample_path(out, inn, u, v, &mut rng, &mut self.path);
        } else if let Some(dj) = &mut self.dijkstra {
            self.arcs += dj.sample_path(out, inn, u, v, &mut rng, &mut self.path);
        }
        for &w in &self.path {
            if ends || (w != u && w != v) {
                self.hits[w as usize] += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::test_graph;
    use crate::influence::betweenness::{BetweennessConfig, betweenness};

    fn cfg(epsilon: f64, weight: EdgeWeight, seed: u64) -> SampledConfig {
        SampledConfig {
            epsilon,
            seed,
            weight,
            normalized: false,
            exact_if_cheaper: false,
            ..Default::default()
        }
    }

    /// A directed graph with several components, ties and a self-loop.
    fn sample_graph(directed: bool) -> Graph {
        let n = 40u32;
        let s: Vec<u32> = (0..150).map(|i| (i * 7 + i / 5) % 30).collect();
        let t: Vec<u32> = (0..150).map(|i| (i * 13 + 3 * (i / 7)) % 30).collect();
        let mut s2 = s.clone();
        let mut t2 = t.clone();
        s2.extend([31, 32, 33, 35]);
        t2.extend([32, 33, 31, 35]);
        let w: Vec<f64> = (0..s2.len()).map(|i| [1.0, 2.0, 4.0][i % 3]).collect();
        test_graph(&s2, &t2, Some(&w), n as usize, directed)
    }

    #[test]
    fn sample_size_follows_the_formula() {
        // VD = 10: floor(log2 8) + 1 = 4; c / eps^2 = 50.
        let r = sample_size(0.1, 0.1, 10, false);
        assert_eq!(r, (50.0 * (4.0 + 10f64.ln())).ceil() as u64);
        assert_eq!(
            sample_size(0.1, 0.1, 10, true),
            (50.0 * (4.0 + 10f64.ln())).ceil() as u64
        );
        assert_eq!(
            sample_size(0.1, 0.1, 2, false),
            (50.0 * (1.0 + 10f64.ln())).ceil() as u64
        );
    }

    #[test]
    fn estimates_are_within_epsilon_of_exact() {
        for directed in [true, false] {
            let g = sample_graph(directed);
            let n = g.n_nodes() as f64;
            for weight in [EdgeWeight::Unit, EdgeWeight::Summed] {
                let exact = betweenness(
                    &g,
                    &BetweennessConfig {
                        weight,
                        normalized: false,
                        endpoints: false,
                    },
                    &Control::new(),
                )
                .unwrap();
                let est = sampled_betweenness(&g, &cfg(0.03, weight, 5), &Control::new()).unwrap();
                // Back to the n (n - 1) scale: undirected unnormalized values are halved.
                let k = if directed { 1.0 } else { 2.0 } / (n * (n - 1.0));
                let worst = exact
                    .iter()
                    .zip(&est.scores)
                    .map(|(e, s)| ((e - s) * k).abs())
                    .fold(0.0, f64::max);
                assert!(worst <= 0.03, "directed {directed} {weight:?}: {worst}");
                assert!(est.scores.iter().any(|&x| x > 0.0));
                assert_eq!(est.scores[34], 0.0);
            }
        }
    }

    #[test]
    fn identical_on_one_and_three_threads() {
        let g = sample_graph(true);
        for weight in [EdgeWeight::Unit, EdgeWeight::Summed] {
            let go = |k| {
                crate::parallel::with_threads(Some(k), || {
                    sampled_betweenness(&g, &cfg(0.05, weight, 11), &Control::new())
                })
                .unwrap()
            };
            assert_eq!(go(1), go(3));
        }
    }

    #[test]
    fn a_directed_path_is_estimated_closely() {
        // Directed path 0 -> 1 -> 2 -> 3 -> 4: B = [0, 3, 4, 3, 0] over 20 ordered pairs.
        let g = test_graph(&[0, 1, 2, 3], &[1, 2, 3, 4], None, 5, true);
        let est =
            sampled_betweenness(&g, &cfg(0.01, EdgeWeight::Unit, 1), &Control::new()).unwrap();
        assert_eq!(est.vertex_diameter, 5);
        for (e, x) in [0.0, 3.0, 4.0, 3.0, 0.0].iter().zip(&est.scores) {
            assert!((e - x).abs() <= 0.01 * 20.0, "{:?}", est.scores);
        }
        assert_eq!((est.scores[0], est.scores[4]), (0.0, 0.0));
    }

    #[test]
    fn bad_epsilon_and_delta_are_rejected() {
        let g = test_graph(&[0], &[1], None, 2, true);
        for (eps, delta) in [
            (0.0, 0.1),
            (1.0, 0.1),
            (f64::NAN, 0.1),
            (0.1, 0.0),
            (0.1, 1.5),
        ] {
            let c = SampledConfig {
                epsilon: eps,
                delta,
                ..Default::default()
            };
            let err = sampled_betweenness(&g, &c, &Control::new()).unwrap_err();
            assert!(matches!(err, CoreError::BadParameter { .. }));
        }
    }

    #[test]
    fn small_graphs_get_the_exact_values_when_they_cost_less() {
        for directed in [true, false] {
            let g = sample_graph(directed);
            for weight in [EdgeWeight::Unit, EdgeWeight::Summed] {
                for endpoints in [false, true] {
                    let exact = betweenness(
                        &g,
                        &BetweennessConfig {
                            weight,
                            normalized: true,
                            endpoints,
                        },
                        &Control::new(),
                    )
                    .unwrap();
                    let c = SampledConfig {
                        epsilon: 0.02,
                        weight,
                        endpoints,
                        ..Default::default()
                    };
                    let est = sampled_betweenness(&g, &c, &Control::new()).unwrap();
                    assert!(est.exact);
                    assert_eq!(est.scores, exact);
                    assert_eq!(
                        est.samples,
                        sample_size(0.02, 0.1, est.vertex_diameter, endpoints)
                    );
                }
            }
        }
    }

    #[test]
    fn large_sparse_graphs_are_sampled() {
        // A ring of 4,000 nodes with chords: Brandes would scan 2 * 4,000 * 16,000 arcs, a
        // bidirectional search a few hundred per sample.
        let n = 4000u32;
        let s: Vec<u32> = (0..2 * n).map(|i| i % n).collect();
        let t: Vec<u32> = (0..2 * n)
            .map(|i| {
                if i < n {
                    (i + 1) % n
                } else {
                    (i * 7919 + 13) % n
                }
            })
            .collect();
        let g = test_graph(&s, &t, None, n as usize, false);
        let c = SampledConfig {
            epsilon: 0.05,
            ..Default::default()
        };
        let est = sampled_betweenness(&g, &c, &Control::new()).unwrap();
        assert!(!est.exact);
        let forced = SampledConfig {
            exact_if_cheaper: false,
            ..c
        };
        assert_eq!(
            sampled_betweenness(&g, &forced, &Control::new()).unwrap(),
            est
        );
    }

    #[test]
    fn graphs_below_two_nodes_give_zeros() {
        let g = test_graph(&[], &[], None, 1, false);
        let est = sampled_betweenness(&g, &SampledConfig::default(), &Control::new()).unwrap();
        assert_eq!(est.scores, vec![0.0]);
    }
}
