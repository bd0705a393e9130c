//! Eigenvector centrality.

use super::pagerank::check_tol;
use super::pull::{Rows, l2_norm};
use crate::control::Control;
use crate::error::{CoreError, CoreResult};
use crate::graph::{EdgeWeight, Graph};

/// Options of [`eigenvector`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EigenvectorConfig {
    /// Convergence when `sum_v |x_v - x'_v| < n * tol`.
    pub tol: f64,
    /// Iterations before giving up with [`CoreError::NotConverged`].
    pub max_iter: usize,
    /// Edge weight (entries of `A`).
    pub weight: EdgeWeight,
}

impl EigenvectorConfig {
    /// Default tolerance per node.
    pub const DEFAULT_TOL: f64 = 1e-6;
    /// Default iteration limit.
    pub const DEFAULT_MAX_ITER: usize = 100;
}

impl Default for EigenvectorConfig {
    fn default() -> Self {
        Self {
            tol: Self::DEFAULT_TOL,
            max_iter: Self::DEFAULT_MAX_ITER,
            weight: EdgeWeight::Summed,
        }
    }
}

/// Eigenvector scores with convergence diagnostics.
#[derive(Debug, Clone, PartialEq)]
pub struct Eigenvector {
    /// Score of every node, unit Euclidean norm.
    pub scores: Vec<f64>,
    /// Iterations run.
    pub iterations: usize,
    /// L1 change of the last iteration.
    pub residual: f64,
}

/// Eigenvector centrality (Bonacich 1972) with the semantics of networkx's
/// `eigenvector_centrality`: the left Perron eigenvector, `lambda x_v = sum_{u -> v} w_uv x_u`,
/// so a node scores from the nodes pointing at it.
///
/// Power iteration on `A^T + I` (the shift avoids oscillation on bipartite graphs and leaves the
/// eigenvectors unchanged) from the uniform vector `1/n`, scaled to unit Euclidean norm after
/// every step, until the L1 change is below `n * tol`. Undirected edges count both ways, a
/// self-loop once. On a directed graph that is not strongly connected the limit is zero outside
/// the part reachable from the dominant strongly connected component(s), and the result after a
/// finite number of steps still carries small non-zero values there.
///
/// # Arguments
/// * `g` - the graph.
/// * `cfg` - tolerance, iteration limit and edge weight.
/// * `ctl` - cancellation, progress (one unit per iteration).
///
/// # Returns
/// An [`Eigenvector`]; an empty graph gives empty scores, a graph without edges the uniform
/// vector `1/sqrt(n)`.
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
/// use socialcrm::influence::{EigenvectorConfig, eigenvector};
///
/// // Undirected path 0 - 1 - 2: x = (1, sqrt 2, 1) / 2.
/// let (s, t) = ([0u32, 1], [1u32, 2]);
/// let ev = Events { source: &s, target: &t, weight: None, time: None, kind: None };
/// let cfg = BuildConfig { n_nodes: 3, directed: false, ..Default::default() };
/// let (g, _) = build(&ev, &cfg, &Control::new()).unwrap();
/// let tight = EigenvectorConfig { tol: 1e-14, max_iter: 1000, ..Default::default() };
/// let x = eigenvector(&g, &tight, &Control::new()).unwrap().scores;
/// assert!((x[1] - 2f64.sqrt() / 2.0).abs() < 1e-12);
/// ```
pub fn eigenvector(g: &Graph, cfg: &EigenvectorConfig, ctl: &Control) -> CoreResult<Eigenvector> {
    check_tol(cfg.tol)?;
    ctl.start(cfg.max_iter as u64);
    let n = g.n_nodes();
    if n == 0 {
        return Ok(Eigenvector {
            scores: Vec::new(),
            iterations: 0,
            residual: 0.0,
        });
    }
    let rows = Rows::incoming(g, cfg.weight)?;
    let mut x = vec![1.0 / n as f64; n];
    let mut next = vec![0.0; n];
    let mut residual = f64::INFINITY;
    for iteration in 1..=cfg.max_iter {
        ctl.checkpoint()?;
        let old = &x;
        rows.sweep(
            old,
            [&mut next],
            (),
            |_, _| (),
            |v, pulled| ([old[v] + pulled], ()),
        );
        let norm = l2_norm(&next);
        let norm = if norm > 0.0 { norm } else { 1.0 };
        residual = rows.map_nodes(
            &mut next,
            0.0,
            |a, b| a + b,
            |v, xv| {
                *xv /= norm;
                (*xv - old[v]).abs()
            },
        );
        std::mem::swap(&mut x, &mut next);
        ctl.advance(1);
        if residual < n as f64 * cfg.tol {
            return Ok(Eigenvector {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::test_graph;

    fn tight() -> EigenvectorConfig {
        EigenvectorConfig {
            tol: 1e-15,
            max_iter: 10_000,
            ..Default::default()
        }
    }

    #[test]
    fn undirected_star_hub_has_sqrt_k_times_the_leaf_score() {
        // Star with 4 leaves: lambda = 2, x_hub = 2 x_leaf, unit norm: 4 + 4 * 1 = 8 x_leaf^2.
        let g = test_graph(&[0, 0, 0, 0], &[1, 2, 3, 4], None, 5, false);
        let x = eigenvector(&g, &tight(), &Control::new()).unwrap().scores;
        let leaf = 1.0 / 8f64.sqrt();
        assert!((x[0] - 2.0 * leaf).abs() < 1e-12);
        assert!(x[1..].iter().all(|v| (v - leaf).abs() < 1e-12));
    }

    #[test]
    fn directed_scores_come_from_in_edges_and_weights() {
        // Directed 2-cycle 0 <-> 1 (weights 4 and 1): lambda = 2, x0 : x1 = 1 : 2
        // (x1 = 4 x0 / 2), plus 1 -> 2 (1): x2 = x1 / 2 in the limit.
        let (s, t, w) = ([0u32, 1, 1], [1u32, 0, 2], [4.0, 1.0, 1.0]);
        let g = test_graph(&s, &t, Some(&w), 3, true);
        let x = eigenvector(&g, &tight(), &Control::new()).unwrap().scores;
        let norm = (1.0f64 + 4.0 + 1.0).sqrt();
        assert!((x[0] - 1.0 / norm).abs() < 1e-12);
        assert!((x[1] - 2.0 / norm).abs() < 1e-12);
        assert!((x[2] - 1.0 / norm).abs() < 1e-12);
    }

    #[test]
    fn edgeless_graph_is_uniform_and_empty_graph_is_empty() {
        let g = test_graph(&[], &[], None, 4, true);
        let e = eigenvector(&g, &tight(), &Control::new()).unwrap();
        assert_eq!(e.scores, vec![0.5; 4]);
        let empty = test_graph(&[], &[], None, 0, false);
        assert!(
            eigenvector(&empty, &tight(), &Control::new())
                .unwrap()
                .scores
                .is_empty()
        );
    }

    #[test]
    fn non_convergence_and_bad_tol() {
        let g = test_graph(&[0, 1], &[1, 2], None, 3, false);
        let cfg = EigenvectorConfig {
            tol: 0.0,
            max_iter: 2,
            ..Default::default()
        };
        assert!(matches!(
            eigenvector(&g, &cfg, &Control::new()).unwrap_err(),
            CoreError::NotConverged { iterations: 2, .. }
        ));
        let cfg = EigenvectorConfig {
            tol: -1.0,
            ..Default::default()
        };
        assert!(matches!(
            eigenvector(&g, &cfg, &Control::new()).unwrap_err(),
            CoreError::BadParameter { name: "tol", .. }
        ));
    }
}
