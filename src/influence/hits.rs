//! Hubs and authorities (HITS).

use super::pagerank::check_tol;
use super::pull::{Rows, max_entry, scale, sum};
use crate::control::Control;
use crate::error::{CoreError, CoreResult};
use crate::graph::{EdgeWeight, Graph};

/// Options of [`hits`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HitsConfig {
    /// Convergence when the L1 change of the max-scaled hub vector is below `tol`.
    pub tol: f64,
    /// Iterations before giving up with [`CoreError::NotConverged`].
    pub max_iter: usize,
    /// Edge weight (entries of `A`).
    pub weight: EdgeWeight,
}

impl HitsConfig {
    /// Default tolerance (networkx's).
    pub const DEFAULT_TOL: f64 = 1e-8;
    /// Default iteration limit.
    pub const DEFAULT_MAX_ITER: usize = 100;
}

impl Default for HitsConfig {
    fn default() -> Self {
        Self {
            tol: Self::DEFAULT_TOL,
            max_iter: Self::DEFAULT_MAX_ITER,
            weight: EdgeWeight::Summed,
        }
    }
}

/// Hub and authority scores with convergence diagnostics.
#[derive(Debug, Clone, PartialEq)]
pub struct Hits {
    /// Hub score of every node (sums to 1).
    pub hub: Vec<f64>,
    /// Authority score of every node (sums to 1).
    pub authority: Vec<f64>,
    /// Iterations run.
    pub iterations: usize,
    /// L1 change of the last iteration.
    pub residual: f64,
}

/// Hubs and authorities (Kleinberg 1999): `a = A^T h`, `h = A a`, i.e. the leading left and
/// right singular vectors of `A`, with the semantics of networkx's `hits` (which uses the
/// weights): a good hub points at good authorities, a good authority is pointed at by good hubs.
///
/// Power iteration from the uniform hub vector `1/n`, scaling both vectors by their largest
/// entry every step, until the L1 change of the hub vector is below `tol`; both are then scaled
/// to sum 1. When the leading singular value is repeated (e.g. two identical components, or an
/// undirected bipartite graph) the limit depends on the start vector, as for any method.
///
/// # Arguments
/// * `g` - the graph.
/// * `cfg` - tolerance, iteration limit and edge weight.
/// * `ctl` - cancellation, progress (one unit per iteration).
///
/// # Returns
/// A [`Hits`]; a graph without edges of positive weight gives uniform scores `1/n`.
///
/// # Errors
/// [`CoreError::BadParameter`] for a bad `tol`; [`CoreError::NotConverged`] after `max_iter`
/// iterations; [`CoreError::Cancelled`].
///
/// # Complexity
/// `O(|V| + |E|)` time per iteration, `O(|V|)` extra space (plus a copy of the in-adjacency for
/// directed graphs).
///
/// # Examples
/// ```
/// use socialcrm::control::Control;
/// use socialcrm::graph::{BuildConfig, Events, build};
/// use socialcrm::influence::{HitsConfig, hits};
///
/// // 0 -> 2, 1 -> 2: nodes 0 and 1 are the hubs, node 2 the authority.
/// let (s, t) = ([0u32, 1], [2u32, 2]);
/// let ev = Events { source: &s, target: &t, weight: None, time: None, kind: None };
/// let (g, _) = build(&ev, &BuildConfig { n_nodes: 3, ..Default::default() }, &Control::new())
///     .unwrap();
/// let r = hits(&g, &HitsConfig::default(), &Control::new()).unwrap();
/// assert_eq!((r.hub, r.authority), (vec![0.5, 0.5, 0.0], vec![0.0, 0.0, 1.0]));
/// ```
pub fn hits(g: &Graph, cfg: &HitsConfig, ctl: &Control) -> CoreResult<Hits> {
    check_tol(cfg.tol)?;
    ctl.start(cfg.max_iter as u64);
    let n = g.n_nodes();
    let uniform = || vec![1.0 / n as f64; n];
    let incoming = Rows::incoming(g, cfg.weight)?;
    let outgoing = Rows::outgoing(g, cfg.weight)?;
    let mut h = uniform();
    let mut a = vec![0.0; n];
    let mut next = vec![0.0; n];
    let mut residual = f64::INFINITY;
    for iteration in 1..=cfg.max_iter {
        ctl.checkpoint()?;
        incoming.sweep(&h, [&mut a], (), |_, _| (), |_, s| ([s], ()));
        let top = outgoing.sweep(&a, [&mut next], 0.0, f64::max, |_, s| ([s], s));
        ctl.advance(1);
        if top <= 0.0 {
            // No edge of positive weight: every vector is a fixed point; report uniform scores.
            return Ok(Hits {
                hub: uniform(),
                authority: uniform(),
                iterations: iteration,
                residual: 0.0,
            });
        }
        let last = &h;
        residual = outgoing.map_nodes(
            &mut next,
            0.0,
            |x, y| x + y,
            |v, x| {
                *x /= top;
                (*x - last[v]).abs()
            },
        );
        std::mem::swap(&mut h, &mut next);
        if residual < cfg.tol {
            let a_max = max_entry(&a);
            scale(&mut a, 1.0 / a_max);
            for x in [&mut h, &mut a] {
                let total = sum(x);
                scale(x, 1.0 / total);
            }
            return Ok(Hits {
                hub: h,
                authority: a,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::test_graph;

    fn tight() -> HitsConfig {
        HitsConfig {
            tol: 1e-14,
            max_iter: 10_000,
            ..Default::default()
        }
    }

    #[test]
    fn weighted_fan_in_splits_hub_scores_by_weight() {
        // 0 -> 2 (1), 1 -> 2 (3): A A^T is rank one with hub vector (1, 3) / 4.
        let g = test_graph(&[0, 1], &[2, 2], Some(&[1.0, 3.0]), 3, true);
        let r = hits(&g, &tight(), &Control::new()).unwrap();
        let close = |x: &[f64], y: &[f64]| x.iter().zip(y).all(|(p, q)| (p - q).abs() < 1e-15);
        assert!(close(&r.hub, &[0.25, 0.75, 0.0]));
        assert!(close(&r.authority, &[0.0, 0.0, 1.0]));
    }

    #[test]
    fn bipartite_complete_graph_has_equal_hubs_and_authorities() {
        // 0, 1 -> 2, 3, 4.
        let (s, t) = ([0u32, 0, 0, 1, 1, 1], [2u32, 3, 4, 2, 3, 4]);
        let g = test_graph(&s, &t, None, 5, true);
        let r = hits(&g, &tight(), &Control::new()).unwrap();
        assert!(r.hub[..2].iter().all(|x| (x - 0.5).abs() < 1e-15));
        assert!(
            r.authority[2..]
                .iter()
                .all(|x| (x - 1.0 / 3.0).abs() < 1e-15)
        );
        assert_eq!(&r.hub[2..], &[0.0; 3]);
    }

    #[test]
    fn edgeless_graph_is_uniform_and_bad_input_fails() {
        let g = test_graph(&[], &[], None, 4, true);
        let r = hits(&g, &tight(), &Control::new()).unwrap();
        assert_eq!((r.hub, r.authority), (vec![0.25; 4], vec![0.25; 4]));
        let empty = test_graph(&[], &[], None, 0, true);
        assert!(
            hits(&empty, &tight(), &Control::new())
                .unwrap()
                .hub
                .is_empty()
        );
        let path = test_graph(&[0, 1, 2], &[1, 2, 0], None, 4, true);
        let cfg = HitsConfig {
            tol: 0.0,
            max_iter: 3,
            ..Default::default()
        };
        assert!(matches!(
            hits(&path, &cfg, &Control::new()).unwrap_err(),
            CoreError::NotConverged { iterations: 3, .. }
        ));
    }
}
