//! Hubs and authorities (HITS).

use super::lanczos::leading_eigenpair;
use super::pagerank::check_tol;
use super::pull::{Rows, scale, sum};
use crate::control::Control;
use crate::error::CoreResult;
use crate::graph::{EdgeWeight, Graph};

/// Options of [`hits`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HitsConfig {
    /// Convergence when `||A A^T h - sigma^2 h|| <= tol * sigma^2` for the unit hub vector `h`.
    pub tol: f64,
    /// Products with `A A^T` before giving up with [`crate::error::CoreError::NotConverged`].
    pub max_iter: usize,
    /// Edge weight (entries of `A`).
    pub weight: EdgeWeight,
}

impl HitsConfig {
    /// Default tolerance (networkx's).
    pub const DEFAULT_TOL: f64 = 1e-8;
    /// Default limit on products with `A A^T`.
    pub const DEFAULT_MAX_ITER: usize = 1000;
    /// Dimension of the Krylov bases.
    pub const KRYLOV_DIM: usize = super::lanczos::KRYLOV_DIM;
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
    /// Products with `A A^T` computed.
    pub iterations: usize,
    /// Relative residual `||A A^T h - sigma^2 h|| / sigma^2` at the end.
    pub residual: f64,
}

/// Hubs and authorities (Kleinberg 1999): `a = A^T h`, `h = A a`, i.e. the leading left and
/// right singular vectors of `A`, with the semantics of networkx's `hits` (which uses the
/// weights): a good hub points at good authorities, a good authority is pointed at by good hubs.
///
/// The hub vector is the leading eigenvector of `A A^T`, found by restarted Lanczos from the
/// uniform vector (Krylov bases of [`HitsConfig::KRYLOV_DIM`] vectors) until the relative
/// residual is at most `tol`, the criterion of ARPACK, which networkx's `hits` calls through
/// scipy's `svds`. Power iteration, which networkx used before, needs thousands of steps when
/// the two leading singular values are close (several similar parts of the graph); Lanczos needs
/// about the square root of that. The sign is taken so that the scores are non-negative
/// (rounding-level negative entries are set to 0), then `a = A^T h` and `h = A a` (so that a
/// node without out-edges has hub score exactly 0, and likewise for authorities), both scaled
/// to sum 1. When the leading singular value is repeated (e.g. two identical components, or an
/// undirected bipartite graph) the limit is the projection of the uniform start on its singular
/// space, as for power iteration.
///
/// # Arguments
/// * `g` - the graph.
/// * `cfg` - tolerance, iteration limit and edge weight.
/// * `ctl` - cancellation, progress (one unit per product with `A A^T`).
///
/// # Returns
/// A [`Hits`]; a graph without edges of positive weight gives uniform scores `1/n`.
///
/// # Errors
/// [`crate::error::CoreError::BadParameter`] for a bad `tol`;
/// [`crate::error::CoreError::NotConverged`] after `max_iter` products;
/// [`crate::error::CoreError::Cancelled`].
///
/// # Complexity
/// `O(|V| + |E|)` time per product plus `O(k |V|)` for re-orthogonalisation (`k` the Krylov
/// dimension), `O(k |V|)` extra space (plus a copy of the in-adjacency for directed graphs).
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
/// let near = |x: &[f64], y: &[f64]| x.iter().zip(y).all(|(p, q)| (p - q).abs() < 1e-12);
/// assert!(near(&r.hub, &[0.5, 0.5, 0.0]) && near(&r.authority, &[0.0, 0.0, 1.0]));
/// ```
pub fn hits(g: &Graph, cfg: &HitsConfig, ctl: &Control) -> CoreResult<Hits> {
    check_tol(cfg.tol)?;
    ctl.start(cfg.max_iter as u64);
    let n = g.n_nodes();
    let uniform = || vec![1.0 / n as f64; n];
    if n == 0 {
        return Ok(Hits {
            hub: Vec::new(),
            authority: Vec::new(),
            iterations: 0,
            residual: 0.0,
        });
    }
    // Scores do not depend on the weights' scale; extreme scales would overflow or underflow.
    // Both directions hold the same weights, so they get the same factor.
    let (incoming, _) = Rows::incoming(g, cfg.weight)?.safely_scaled();
    let (outgoing, _) = Rows::outgoing(g, cfg.weight)?.safely_scaled();
    let mut a = vec![0.0; n];
    let product = |h: &[f64], out: &mut [f64]| {
        ctl.checkpoint()?;
        incoming.sweep(h, [&mut a], (), |_, _| (), |_, s| ([s], ()));
        outgoing.sweep(&a, [out], (), |_, _| (), |_, s| ([s], ()));
        ctl.advance(1);
        Ok(())
    };
    let relative = |value: f64, r: f64| if value > 0.0 { r / value } else { 0.0 };
    let top = leading_eigenpair(
        uniform(),
        HitsConfig::KRYLOV_DIM,
        (cfg.tol, relative),
        cfg.max_iter,
        product,
    )?;
    if top.value <= 0.0 {
        // No edge of positive weight: every vector is a fixed point; report uniform scores.
        return Ok(Hits {
            hub: uniform(),
            authority: uniform(),
            iterations: top.products,
            residual: 0.0,
        });
    }
    let mut h = top.vector;
    // The leading singular vectors of a non-negative matrix can be taken non-negative; the
    // eigensolver returns them up to sign and rounding.
    let sign = if sum(&h) < 0.0 { -1.0 } else { 1.0 };
    h.iter_mut().for_each(|x| *x = (*x * sign).max(0.0));
    // One more product, as networkx's h = A a: nodes without out-edges (hubs) or in-edges
    // (authorities) get exactly 0 rather than the rounding left in a combination of the basis.
    incoming.sweep(&h, [&mut a], (), |_, _| (), |_, s| ([s], ()));
    outgoing.sweep(&a, [&mut h], (), |_, _| (), |_, s| ([s], ()));
    for x in [&mut h, &mut a] {
        let total = sum(x);
        scale(x, 1.0 / total);
    }
    Ok(Hits {
        hub: h,
        authority: a,
        iterations: top.products,
        residual: top.residual,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::CoreError;
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
        // Distinct singular values: no Krylov space of dimension 3 is invariant.
        let w = [1.0, 2.0, 3.0, 5.0, 7.0, 11.0, 13.0];
        let path = test_graph(
            &[0, 0, 1, 2, 3, 4, 1],
            &[1, 2, 2, 3, 4, 0, 4],
            Some(&w),
            5,
            true,
        );
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

    #[test]
    fn close_leading_singular_values_converge_under_the_defaults() {
        // Two stars, 0 -> 1..=5 and 6 -> 7..=11, weights 1 and 1.001: sigma_2 / sigma_1 =
        // 0.999, where power iteration needs about 9,000 steps for a tolerance of 1e-8.
        let (mut s, mut t, mut w) = (vec![], vec![], vec![]);
        for (hub, x) in [(0u32, 1.0), (6, 1.001)] {
            for leaf in 1..=5 {
                s.push(hub);
                t.push(hub + leaf);
                w.push(x);
            }
        }
        let g = test_graph(&s, &t, Some(&w), 12, true);
        let r = hits(&g, &HitsConfig::default(), &Control::new()).unwrap();
        assert!(r.iterations < 100, "{} products", r.iterations);
        assert!(r.residual <= HitsConfig::DEFAULT_TOL);
        // The leading singular vector is the heavier star alone.
        assert!(
            (r.hub[6] - 1.0).abs() < 1e-6 && r.hub[0] < 1e-6,
            "{:?}",
            r.hub
        );
        assert!(r.authority[7..].iter().all(|&x| (x - 0.2).abs() < 1e-6));
    }
}
