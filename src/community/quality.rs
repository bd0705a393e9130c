//! Quality of a partition (modularity, CPM) and the per-community sums behind conductance and
//! coverage, computed in parallel with results that do not depend on the thread count.

use super::aggregate::{WorkGraph, from_graph};
use crate::control::Control;
use crate::error::{CoreError, CoreResult};
use crate::graph::{EdgeWeight, Graph};
use rayon::prelude::*;

/// The function a partition is scored and optimised by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Objective {
    /// Newman's modularity with a resolution (Leicht–Newman on directed graphs).
    #[default]
    Modularity,
    /// The Constant Potts Model, `sum_c (e_c - gamma * n_c (n_c - 1) / 2)` (ordered pairs,
    /// `n_c (n_c - 1)`, on a directed graph).
    Cpm,
}

/// How a quality is measured: objective, resolution `gamma`, edge weight, directedness.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QualityConfig {
    /// Objective.
    pub objective: Objective,
    /// Resolution `gamma >= 0`.
    pub resolution: f64,
    /// Edge weight read.
    pub weight: EdgeWeight,
    /// Use the directed form (only on a directed graph; otherwise the undirected view, in
    /// which the weights of `u -> v` and `v -> u` add).
    pub directed: bool,
}

impl Default for QualityConfig {
    fn default() -> Self {
        Self {
            objective: Objective::Modularity,
            resolution: 1.0,
            weight: EdgeWeight::Summed,
            directed: true,
        }
    }
}

/// Checks the resolution.
pub(crate) fn check_resolution(resolution: f64) -> CoreResult<()> {
    if resolution.is_finite() && resolution >= 0.0 {
        Ok(())
    } else {
        Err(CoreError::BadParameter {
            name: "resolution",
            expected: "a finite number >= 0",
            got: resolution,
        })
    }
}

/// Checks a membership vector: one community code per node.
pub(crate) fn check_membership(membership: &[u32], n: usize) -> CoreResult<usize> {
    if membership.len() != n {
        return Err(CoreError::LengthMismatch {
            name: "membership",
            expected: n,
            got: membership.len(),
        });
    }
    let k = membership
        .iter()
        .map(|&c| c as usize + 1)
        .max()
        .unwrap_or(0);
    if k > n.max(1) {
        return Err(CoreError::BadParameter {
            name: "membership",
            expected: "community codes below the number of nodes",
            got: (k - 1) as f64,
        });
    }
    Ok(k)
}

/// The penalty scale `s` of `H = sum_c (E_c - s A_c B_c)` on a working graph of total weight
/// `m`, and the unit of the objective (`H / unit` is the quality).
pub(crate) fn scale_and_unit(cfg: &QualityConfig, m: f64, directed: bool) -> (f64, f64) {
    match cfg.objective {
        Objective::Modularity => (cfg.resolution / m, m),
        // Undirected: gamma n_c^2 / 2 = (gamma / 2) A_c B_c with a = b = 1; directed: pairs
        // are ordered, gamma n_c^2.
        Objective::Cpm if directed => (cfg.resolution, 1.0),
        Objective::Cpm => (cfg.resolution * 0.5, 1.0),
    }
}

/// Per-community sums: inside weight `E_c`, `A_c`, `B_c`, in community order.
pub(crate) fn community_sums(wg: &WorkGraph, comm: &[u32], k: usize) -> [Vec<f64>; 3] {
    // Per node, independently: the weight to same-community nodes of higher code (each pair
    // once) plus its own self weight; then folded into communities in node order.
    let inside: Vec<f64> = (0..wg.n())
        .into_par_iter()
        .with_min_len(1024)
        .map(|u| {
            let (t, w) = wg.row(u);
            let c = comm[u];
            let mut s = wg.self_w[u];
            for (&v, &x) in t.iter().zip(w) {
                if (v as usize) > u && comm[v as usize] == c {
                    s += x;
                }
            }
            s
        })
        .collect();
    let mut e = vec![0.0; k];
    let mut a = vec![0.0; k];
    let mut b = vec![0.0; k];
    for (u, &c) in comm.iter().enumerate() {
        let c = c as usize;
        e[c] += inside[u];
        a[c] += wg.a[u];
        b[c] += wg.b[u];
    }
    [e, a, b]
}

/// Quality of `membership` on `g`.
///
/// Modularity (Newman 2006; Leicht & Newman 2008 when directed), with `m` the total weight:
/// undirected `Q = sum_c [E_c / m - gamma (K_c / 2m)^2]`, directed
/// `Q = sum_c [E_c / m - gamma K_c^out K_c^in / m^2]`; self-loops count once in `E_c` and twice
/// in the undirected degree, as in networkx. CPM (Traag, Van Dooren & Nesterov 2011):
/// `sum_c (E_c - gamma n_c (n_c - 1) / 2)`, ordered pairs `n_c (n_c - 1)` when directed.
///
/// # Arguments
/// * `g` - the graph; `membership` - community code of every node, codes `< n`.
/// * `cfg` - objective, resolution, weight and directedness.
///
/// # Returns
/// The quality; NaN for modularity on a graph without edge weight.
///
/// # Errors
/// [`CoreError::LengthMismatch`] / [`CoreError::BadParameter`] for a bad membership or
/// resolution; [`CoreError::Cancelled`].
///
/// # Complexity
/// `O(|V| + |E|)` time, `O(|V| + |E|)` extra space (the working graph).
///
/// # Examples
/// ```
/// use socialcrm::community::{QualityConfig, quality};
/// use socialcrm::control::Control;
/// use socialcrm::graph::{BuildConfig, Events, build};
///
/// // Two triangles joined by one edge.
/// let (s, t) = ([0u32, 1, 2, 3, 4, 5, 2], [1u32, 2, 0, 4, 5, 3, 3]);
/// let ev = Events { source: &s, target: &t, weight: None, time: None, kind: None };
/// let cfg = BuildConfig { n_nodes: 6, directed: false, ..Default::default() };
/// let (g, _) = build(&ev, &cfg, &Control::new()).unwrap();
/// let q = quality(&g, &[0, 0, 0, 1, 1, 1], &QualityConfig::default(), &Control::new()).unwrap();
/// assert!((q - 5.0 / 14.0).abs() < 1e-12);
/// ```
pub fn quality(
    g: &Graph,
    membership: &[u32],
    cfg: &QualityConfig,
    ctl: &Control,
) -> CoreResult<f64> {
    check_resolution(cfg.resolution)?;
    let k = check_membership(membership, g.n_nodes())?;
    let directed = cfg.directed && g.is_directed();
    let wg = from_graph(g, cfg.weight, directed, cfg.objective, ctl)?;
    ctl.checkpoint()?;
    Ok(quality_of(&wg, membership, k, cfg, directed))
}

/// Quality of `comm` on a working graph built for `cfg`.
pub(crate) fn quality_of(
    wg: &WorkGraph,
    comm: &[u32],
    k: usize,
    cfg: &QualityConfig,
    directed: bool,
) -> f64 {
    let m = wg.total_weight();
    let [e, a, b] = community_sums(wg, comm, k);
    let (scale, _) = scale_and_unit(cfg, m, directed);
    let mut h = 0.0;
    for c in 0..k {
        h += e[c] - scale * a[c] * b[c];
    }
    quality_from_h(h, wg.n(), m, cfg, directed)
}

/// The quality from `H = sum_c (E_c - scale A_c B_c)` of a partition of `n` nodes, total weight
/// `m`: `H / m` for modularity (NaN without edges), `H` plus the diagonal pairs for CPM.
pub(crate) fn quality_from_h(h: f64, n: usize, m: f64, cfg: &QualityConfig, directed: bool) -> f64 {
    let (scale, unit) = scale_and_unit(cfg, m, directed);
    match cfg.objective {
        Objective::Modularity if m <= 0.0 => f64::NAN,
        Objective::Modularity => h / unit,
        // Back from n_c^2 to pairs: add gamma n / 2 (gamma n when directed).
        Objective::Cpm => (h + scale * n as f64) / unit,
    }
}

/// Per-community weight inside, volume (summed degree in the undirected view, self-loops twice)
/// and the total weight `m`, for conductance and coverage.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CommunityStats {
    /// Weight of the edges inside each community (self-loops once).
    pub inside: Vec<f64>,
    /// Summed degree of each community's members.
    pub volume: Vec<f64>,
    /// Total edge weight.
    pub total: f64,
}

/// Inside weight, volume and total weight per community of `membership`, in the undirected
/// view (the weights of `u -> v` and `v -> u` add). Cut weight is `volume - 2 inside`.
///
/// # Errors
/// As [`quality`].
///
/// # Complexity
/// `O(|V| + |E|)` time and extra space.
///
/// # Examples
/// ```
/// use socialcrm::community::community_stats;
/// use socialcrm::control::Control;
/// use socialcrm::graph::{BuildConfig, EdgeWeight, Events, build};
///
/// let (s, t) = ([0u32, 1, 2], [1u32, 2, 3]);
/// let ev = Events { source: &s, target: &t, weight: None, time: None, kind: None };
/// let cfg = BuildConfig { n_nodes: 4, directed: false, ..Default::default() };
/// let (g, _) = build(&ev, &cfg, &Control::new()).unwrap();
/// let st = community_stats(&g, &[0, 0, 1, 1], EdgeWeight::Unit, &Control::new()).unwrap();
/// assert_eq!((st.inside, st.volume, st.total), (vec![1.0, 1.0], vec![3.0, 3.0], 3.0));
/// ```
pub fn community_stats(
    g: &Graph,
    membership: &[u32],
    weight: EdgeWeight,
    ctl: &Control,
) -> CoreResult<CommunityStats> {
    let k = check_membership(membership, g.n_nodes())?;
    let wg = from_graph(g, weight, false, Objective::Modularity, ctl)?;
    ctl.checkpoint()?;
    let [inside, a, b] = community_sums(&wg, membership, k);
    let volume = a.iter().zip(&b).map(|(x, y)| x + y).collect();
    Ok(CommunityStats {
        inside,
        volume,
        total: wg.total_weight(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::test_graph;

    fn q(g: &Graph, memb: &[u32], cfg: &QualityConfig) -> f64 {
        quality(g, memb, cfg, &Control::new()).unwrap()
    }

    #[test]
    fn undirected_modularity_of_two_triangles() {
        let g = test_graph(
            &[0, 1, 2, 3, 4, 5, 2],
            &[1, 2, 0, 4, 5, 3, 3],
            None,
            6,
            false,
        );
        let cfg = QualityConfig::default();
        // m = 7; each side: E = 3, K = 7: 2 (3/7 - (7/14)^2) = 6/7 - 1/2 = 5/14.
        assert!((q(&g, &[0, 0, 0, 1, 1, 1], &cfg) - 5.0 / 14.0).abs() < 1e-12);
        let half = QualityConfig {
            resolution: 0.5,
            ..cfg
        };
        assert!((q(&g, &[0, 0, 0, 1, 1, 1], &half) - (6.0 / 7.0 - 0.25)).abs() < 1e-12);
    }

    #[test]
    fn directed_modularity_hand_worked() {
        // 0->1, 1->0, 1->2: m = 3; one community: Q = 1 - 3*3/9 = 0.
        let g = test_graph(&[0, 1, 1], &[1, 0, 2], None, 3, true);
        let cfg = QualityConfig::default();
        assert!(q(&g, &[0, 0, 0], &cfg).abs() < 1e-12);
        // {0,1},{2}: E = 2, K_out = 3, K_in = 2 -> 2/3 - 6/9; {2}: 0 - 0 * 1 / 9.
        assert!((q(&g, &[0, 0, 1], &cfg) - 0.0).abs() < 1e-12);
        // {0},{1},{2}: -(1*1 + 2*1 + 0*1)/9 = -1/3
        assert!((q(&g, &[0, 1, 2], &cfg) + 1.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn cpm_counts_pairs() {
        let g = test_graph(&[0, 1, 2], &[1, 2, 0], None, 4, false);
        let cfg = QualityConfig {
            objective: Objective::Cpm,
            resolution: 0.5,
            ..Default::default()
        };
        // {0,1,2}: 3 - 0.5 * 3 = 1.5; {3}: 0.
        assert!((q(&g, &[0, 0, 0, 1], &cfg) - 1.5).abs() < 1e-12);
        let dg = test_graph(&[0, 1, 2], &[1, 2, 0], None, 4, true);
        // directed: 3 - 0.5 * 6 = 0.
        assert!(q(&dg, &[0, 0, 0, 1], &cfg).abs() < 1e-12);
    }

    #[test]
    fn bad_membership_and_resolution_are_rejected() {
        let g = test_graph(&[0], &[1], None, 2, false);
        let ctl = Control::new();
        let cfg = QualityConfig::default();
        assert!(matches!(
            quality(&g, &[0], &cfg, &ctl),
            Err(CoreError::LengthMismatch { .. })
        ));
        assert!(matches!(
            quality(&g, &[0, 5], &cfg, &ctl),
            Err(CoreError::BadParameter { .. })
        ));
        let neg = QualityConfig {
            resolution: -1.0,
            ..cfg
        };
        assert!(matches!(
            quality(&g, &[0, 0], &neg, &ctl),
            Err(CoreError::BadParameter {
                name: "resolution",
                ..
            })
        ));
    }

    #[test]
    fn edgeless_modularity_is_nan() {
        let g = test_graph(&[], &[], None, 3, false);
        assert!(q(&g, &[0, 1, 2], &QualityConfig::default()).is_nan());
    }
}
