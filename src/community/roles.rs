//! Roles of customers inside their communities: within-community degree z-score, participation
//! coefficient and the seven roles of Guimerà & Amaral (2005), "Functional cartography of
//! complex metabolic networks", Nature 433:895-900.

use crate::control::Control;
use crate::error::{CoreError, CoreResult};
use crate::graph::{EdgeWeight, Graph};
use crate::parallel::{WORK_CHUNKS, balanced_bounds};
use rayon::prelude::*;

/// Hubs have a within-community degree z-score of at least this (Guimerà & Amaral 2005).
pub const HUB_Z: f64 = 2.5;
/// Participation bounds of the non-hub roles R1/R2/R3 (R4 above the last).
pub const NON_HUB_P: [f64; 3] = [0.05, 0.62, 0.80];
/// Participation bounds of the hub roles R5/R6 (R7 above the last).
pub const HUB_P: [f64; 2] = [0.30, 0.75];

/// Which edges of a directed graph count towards a customer's degree. Undirected graphs ignore
/// it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    /// The undirected view: every distinct neighbour either way counts once, with the summed
    /// weight of both directions.
    #[default]
    All,
    /// Edges into the customer.
    In,
    /// Edges out of the customer.
    Out,
}

/// The seven roles of Guimerà & Amaral (2005), numbered R1..R7.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Role {
    /// R1: non-hub with (almost) all links inside its community.
    UltraPeripheral = 1,
    /// R2: non-hub with most links inside its community.
    Peripheral = 2,
    /// R3: non-hub with many links to other communities.
    Connector = 3,
    /// R4: non-hub with links spread homogeneously over communities.
    Kinless = 4,
    /// R5: hub with most links inside its community.
    ProvincialHub = 5,
    /// R6: hub with many links to other communities.
    ConnectorHub = 6,
    /// R7: hub with links spread homogeneously over communities.
    KinlessHub = 7,
}

/// The role of a customer with within-community z-score `z` and participation `p`.
pub fn classify(z: f64, p: f64) -> Role {
    if z >= HUB_Z {
        if p <= HUB_P[0] {
            Role::ProvincialHub
        } else if p <= HUB_P[1] {
            Role::ConnectorHub
        } else {
            Role::KinlessHub
        }
    } else if p <= NON_HUB_P[0] {
        Role::UltraPeripheral
    } else if p <= NON_HUB_P[1] {
        Role::Peripheral
    } else if p <= NON_HUB_P[2] {
        Role::Connector
    } else {
        Role::Kinless
    }
}

/// Options of [`roles`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RolesConfig {
    /// Edge values: [`EdgeWeight::Unit`] counts links (degree), the others sum weights
    /// (strength).
    pub weight: EdgeWeight,
    /// Edges that count on a directed graph.
    pub direction: Direction,
}

impl Default for RolesConfig {
    fn default() -> Self {
        Self {
            weight: EdgeWeight::Unit,
            direction: Direction::All,
        }
    }
}

/// Per-customer role statistics, one entry per node.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Roles {
    /// Degree (or strength) `k_i`, self-loops excluded.
    pub degree: Vec<f64>,
    /// Links (or weight) to members of the customer's own community, `k_i^{c_i}`.
    pub within: Vec<f64>,
    /// Within-community degree z-score.
    pub z_score: Vec<f64>,
    /// Participation coefficient.
    pub participation: Vec<f64>,
    /// Role number 1..=7 ([`Role`] as `u8`).
    pub role: Vec<u8>,
}

/// Checks that `codes` has one community code `< n_communities` per node.
pub(crate) fn check_codes(g: &Graph, codes: &[u32], n_communities: usize) -> CoreResult<()> {
    if codes.len() != g.n_nodes() {
        return Err(CoreError::LengthMismatch {
            name: "membership",
            expected: g.n_nodes(),
            got: codes.len(),
        });
    }
    if let Some(row) = codes.iter().position(|&c| c as usize >= n_communities) {
        return Err(CoreError::BadValue {
            name: "membership",
            row,
            expected: "a community code below n_communities",
            got: f64::from(codes[row]),
        });
    }
    Ok(())
}

/// Runs `f(u)` for every node in parallel over fixed, degree-balanced node ranges (independent
/// of the thread count), with a checkpoint and progress report per range; results in node
/// order.
pub(crate) fn per_node<T: Send>(
    g: &Graph,
    ctl: &Control,
    f: impl Fn(usize, &mut Vec<(u32, f64)>) -> T + Sync,
) -> CoreResult<Vec<T>> {
    let bounds = balanced_bounds(g.offsets(), WORK_CHUNKS);
    ctl.start(g.n_nodes() as u64);
    let parts: Vec<CoreResult<Vec<T>>> = bounds
        .par_windows(2)
        .map(|w| {
            ctl.checkpoint()?;
            let mut buf = Vec::new();
            let out = (w[0]..w[1]).map(|u| f(u, &mut buf)).collect();
            ctl.advance((w[1] - w[0]) as u64);
            Ok(out)
        })
        .collect();
    let mut out = Vec::with_capacity(g.n_nodes());
    for p in parts {
        out.extend(p?);
    }
    Ok(out)
}

/// Fills `buf` with `(neighbour, edge value)` for every neighbour of `u` other than `u` itself
/// in the requested view, in neighbour order.
fn neighbours(g: &Graph, w: Option<&[f64]>, dir: Direction, u: usize, buf: &mut Vec<(u32, f64)>) {
    buf.clear();
    let val = |slot: usize| w.map_or(1.0, |w| w[slot]);
    let me = u as u32;
    let out = g.out_range(u);
    let out_nb = g.out_neighbors(u);
    if !g.is_directed() || dir == Direction::Out {
        buf.extend(
            out_nb
                .iter()
                .zip(out)
                .filter(|(j, _)| **j != me)
                .map(|(&j, s)| (j, val(s))),
        );
        return;
    }
    let (in_nb, in_slots) = g.in_neighbors(u);
    if dir == Direction::In {
        buf.extend(
            in_nb
                .iter()
                .enumerate()
                .filter(|(_, j)| **j != me)
                .map(|(i, &j)| (j, val(in_slots.get(i)))),
        );
        return;
    }
    // Undirected view: merge the two sorted lists; a reciprocated pair is one neighbour whose
    // value is the sum of both directions (one link when unweighted).
    let (mut a, mut b) = (0, 0);
    while a < out_nb.len() || b < in_nb.len() {
        let ja = out_nb.get(a).copied().unwrap_or(u32::MAX);
        let jb = in_nb.get(b).copied().unwrap_or(u32::MAX);
        let (j, mut v) = if ja <= jb {
            (ja, val(out.start + a))
        } else {
            (jb, val(in_slots.get(b)))
        };
        if ja == jb {
            v = w.map_or(1.0, |_| v + val(in_slots.get(b)));
        }
        a += usize::from(ja <= jb);
        b += usize::from(jb <= ja);
        if j != me {
            buf.push((j, v));
        }
    }
}

/// Within-community degree z-score, participation coefficient and role of every customer
/// (Guimerà & Amaral 2005).
///
/// With `k_is` the links (or weight) from customer `i` to members of community `s`,
/// `k_i = sum_s k_is` and `c_i` the community of `i`:
/// * z-score `z_i = (k_i^{c_i} - mean_{c_i}) / std_{c_i}`, the mean and population standard
///   deviation of `k_j^{c_j}` over the members `j` of `c_i` (0 when that deviation is 0);
/// * participation `P_i = 1 - sum_s (k_is / k_i)^2` (0 when `k_i = 0`);
/// * role by [`classify`].
///
/// Self-loops are ignored. Per-node counts sort the neighbours' community codes, so every
/// value is computed by one task in a fixed order and the result does not depend on the
/// thread count; the z-score statistics are sequential sums in node order.
///
/// # Arguments
/// * `g` - the graph; `codes` - the community code of each node, all `< n_communities`.
/// * `cfg` - edge values and, for directed graphs, the direction that counts.
/// * `ctl` - cancellation and progress.
///
/// # Returns
/// A [`Roles`] with one entry per node.
///
/// # Errors
/// [`CoreError::LengthMismatch`] or [`CoreError::BadValue`] for bad `codes`;
/// [`CoreError::BadParameter`] for decayed weights on a graph without them;
/// [`CoreError::Cancelled`].
///
/// # Complexity
/// `O(|V| + |E| log d_max)` time, `O(|V| + d_max)` extra space per thread.
///
/// # Examples
/// ```
/// use socialcrm::community::{RolesConfig, roles};
/// use socialcrm::control::Control;
/// use socialcrm::graph::{BuildConfig, Events, build};
///
/// // A triangle 0-1-2 and a pair 3-4 joined by the edge 2-3.
/// let (s, t) = ([0u32, 0, 1, 2, 3], [1u32, 2, 2, 3, 4]);
/// let ev = Events { source: &s, target: &t, weight: None, time: None, kind: None };
/// let cfg = BuildConfig { n_nodes: 5, directed: false, ..Default::default() };
/// let (g, _) = build(&ev, &cfg, &Control::new()).unwrap();
/// let r = roles(&g, &[0, 0, 0, 1, 1], 2, &RolesConfig::default(), &Control::new()).unwrap();
/// assert_eq!(r.within, vec![2.0, 2.0, 2.0, 1.0, 1.0]);
/// assert!((r.participation[2] - (1.0 - (4.0 + 1.0) / 9.0)).abs() < 1e-15);
/// ```
pub fn roles(
    g: &Graph,
    codes: &[u32],
    n_communities: usize,
    cfg: &RolesConfig,
    ctl: &Control,
) -> CoreResult<Roles> {
    check_codes(g, codes, n_communities)?;
    let w = g.edge_weights(cfg.weight)?;
    let per = per_node(g, ctl, |u, buf| {
        neighbours(g, w, cfg.direction, u, buf);
        for e in buf.iter_mut() {
            e.0 = codes[e.0 as usize];
        }
        // Stable: within a community the values keep neighbour order, so sums are reproducible.
        buf.sort_by_key(|e| e.0);
        let (mut total, mut within, mut groups) = (0.0, 0.0, Vec::new());
        let mut i = 0;
        while i < buf.len() {
            let c = buf[i].0;
            let mut k = 0.0;
            while i < buf.len() && buf[i].0 == c {
                k += buf[i].1;
                i += 1;
            }
            if c == codes[u] {
                within = k;
            }
            total += k;
            groups.push(k);
        }
        let p = if total > 0.0 {
            1.0 - groups
                .iter()
                .map(|k| (k / total) * (k / total))
                .sum::<f64>()
        } else {
            0.0
        };
        (total, within, p)
    })?;
    let degree: Vec<f64> = per.iter().map(|x| x.0).collect();
    let within: Vec<f64> = per.iter().map(|x| x.1).collect();
    let participation: Vec<f64> = per.iter().map(|x| x.2).collect();
    let z_score = z_scores(&within, codes, n_communities);
    let role = z_score
        .iter()
        .zip(&participation)
        .map(|(&z, &p)| classify(z, p) as u8)
        .collect();
    Ok(Roles {
        degree,
        within,
        z_score,
        participation,
        role,
    })
}

/// `(x_i - mean_c) / std_c` over the members of each community (population standard
/// deviation, two passes in node order); 0 where the deviation is 0.
fn z_scores(x: &[f64], codes: &[u32], n_communities: usize) -> Vec<f64> {
    let mut n = vec![0usize; n_communities];
    let mut sum = vec![0.0; n_communities];
    for (&v, &c) in x.iter().zip(codes) {
        n[c as usize] += 1;
        sum[c as usize] += v;
    }
    let mean: Vec<f64> = sum
        .iter()
        .zip(&n)
        .map(|(s, &k)| s / k.max(1) as f64)
        .collect();
    let mut ss = vec![0.0; n_communities];
    for (&v, &c) in x.iter().zip(codes) {
        let d = v - mean[c as usize];
        ss[c as usize] += d * d;
    }
    let sd: Vec<f64> = ss
        .iter()
        .zip(&n)
        .map(|(s, &k)| (s / k.max(1) as f64).sqrt())
        .collect();
    x.iter()
        .zip(codes)
        .map(|(&v, &c)| {
            let (m, s) = (mean[c as usize], sd[c as usize]);
            // Deviations below rounding noise of the mean count as none (all equal members).
            if s > 1e-12 * m.abs().max(1.0) {
                (v - m) / s
            } else {
                0.0
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::test_graph;

    fn run(g: &Graph, codes: &[u32], k: usize, cfg: RolesConfig) -> Roles {
        roles(g, codes, k, &cfg, &Control::new()).unwrap()
    }

    #[test]
    fn triangle_and_pair_by_hand() {
        let g = test_graph(&[0, 0, 1, 2, 3], &[1, 2, 2, 3, 4], None, 5, false);
        let r = run(&g, &[0, 0, 0, 1, 1], 2, RolesConfig::default());
        assert_eq!(r.degree, vec![2.0, 2.0, 3.0, 2.0, 1.0]);
        assert_eq!(r.within, vec![2.0, 2.0, 2.0, 1.0, 1.0]);
        assert_eq!(r.participation[0], 0.0);
        assert!((r.participation[2] - 4.0 / 9.0).abs() < 1e-15);
        assert!((r.participation[3] - 0.5).abs() < 1e-15);
        // Every member of each community has the same within degree: z = 0.
        assert_eq!(r.z_score, vec![0.0; 5]);
        assert_eq!(
            r.role,
            vec![1, 1, Role::Peripheral as u8, Role::Peripheral as u8, 1]
        );
    }

    #[test]
    fn star_centre_is_a_hub() {
        // Centre 0 with 20 leaves, all in one community: z_0 = (20 - m) / s.
        let s: Vec<u32> = vec![0; 20];
        let t: Vec<u32> = (1..=20).collect();
        let g = test_graph(&s, &t, None, 21, false);
        let r = run(&g, &[0; 21], 1, RolesConfig::default());
        let mean: f64 = 40.0 / 21.0;
        let var = ((20.0 - mean) * (20.0 - mean) + 20.0 * (1.0 - mean) * (1.0 - mean)) / 21.0;
        assert!((r.z_score[0] - (20.0 - mean) / var.sqrt()).abs() < 1e-12);
        assert_eq!(r.role[0], Role::ProvincialHub as u8);
        assert_eq!(r.role[1], Role::UltraPeripheral as u8);
    }

    #[test]
    fn classify_thresholds() {
        assert_eq!(classify(0.0, 0.05), Role::UltraPeripheral);
        assert_eq!(classify(0.0, 0.06), Role::Peripheral);
        assert_eq!(classify(2.49, 0.62), Role::Peripheral);
        assert_eq!(classify(2.49, 0.7), Role::Connector);
        assert_eq!(classify(-1.0, 0.81), Role::Kinless);
        assert_eq!(classify(2.5, 0.3), Role::ProvincialHub);
        assert_eq!(classify(3.0, 0.75), Role::ConnectorHub);
        assert_eq!(classify(3.0, 0.76), Role::KinlessHub);
    }

    #[test]
    fn directed_views_and_weights() {
        // 0->1 (w 1), 1->0 (w 2), 0->2 (w 4), 3->0 (w 8), 0->0 loop (ignored).
        let (s, t) = ([0u32, 1, 0, 3, 0], [1u32, 0, 2, 0, 0]);
        let w = [1.0, 2.0, 4.0, 8.0, 16.0];
        let g = test_graph(&s, &t, Some(&w), 4, true);
        let codes = [0, 0, 1, 1];
        let all = run(&g, &codes, 2, RolesConfig::default());
        assert_eq!(all.degree[0], 3.0);
        assert_eq!(all.within[0], 1.0);
        let weighted = RolesConfig {
            weight: EdgeWeight::Summed,
            direction: Direction::All,
        };
        let r = run(&g, &codes, 2, weighted);
        assert_eq!((r.degree[0], r.within[0]), (15.0, 3.0));
        let p = 1.0 - (3.0f64 / 15.0).powi(2) - (12.0f64 / 15.0).powi(2);
        assert!((r.participation[0] - p).abs() < 1e-15);
        let out = run(
            &g,
            &codes,
            2,
            RolesConfig {
                weight: EdgeWeight::Summed,
                direction: Direction::Out,
            },
        );
        assert_eq!((out.degree[0], out.within[0]), (5.0, 1.0));
        let inn = run(
            &g,
            &codes,
            2,
            RolesConfig {
                weight: EdgeWeight::Summed,
                direction: Direction::In,
            },
        );
        assert_eq!((inn.degree[0], inn.within[0]), (10.0, 2.0));
    }

    #[test]
    fn isolated_nodes_have_zero_participation() {
        let g = test_graph(&[0], &[1], None, 3, false);
        let r = run(&g, &[0, 0, 1], 2, RolesConfig::default());
        assert_eq!(
            (r.degree[2], r.participation[2], r.z_score[2]),
            (0.0, 0.0, 0.0)
        );
    }

    #[test]
    fn bad_codes_are_errors() {
        let g = test_graph(&[0], &[1], None, 2, false);
        let cfg = RolesConfig::default();
        let ctl = Control::new();
        assert!(matches!(
            roles(&g, &[0], 1, &cfg, &ctl),
            Err(CoreError::LengthMismatch { .. })
        ));
        assert!(matches!(
            roles(&g, &[0, 3], 2, &cfg, &ctl),
            Err(CoreError::BadValue { row: 1, .. })
        ));
        ctl.cancel();
        assert_eq!(roles(&g, &[0, 0], 1, &cfg, &ctl), Err(CoreError::Cancelled));
    }

    #[test]
    fn same_result_on_one_and_four_threads() {
        let n = 3000u32;
        let s: Vec<u32> = (0..20000u32).map(|i| (i * 7919) % n).collect();
        let t: Vec<u32> = (0..20000u32).map(|i| (i * 104_729 + 13) % n).collect();
        let w: Vec<f64> = (0..20000)
            .map(|i| 1.0 / (1.0 + f64::from(i % 97)))
            .collect();
        let g = test_graph(&s, &t, Some(&w), n as usize, true);
        let codes: Vec<u32> = (0..n).map(|i| i % 17).collect();
        let cfg = RolesConfig {
            weight: EdgeWeight::Summed,
            direction: Direction::All,
        };
        let one =
            crate::parallel::with_threads(Some(1), || roles(&g, &codes, 17, &cfg, &Control::new()))
                .unwrap();
        let four =
            crate::parallel::with_threads(Some(4), || roles(&g, &codes, 17, &cfg, &Control::new()))
                .unwrap();
        assert_eq!(one, four);
    }
}
