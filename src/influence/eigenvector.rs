//! Eigenvector centrality.

use super::lanczos::{KRYLOV_DIM, leading_eigenpair};
use super::pagerank::check_tol;
use super::pull::{Rows, l2_norm, scale, sum};
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
    /// Power steps (directed) or products with `A` (undirected).
    pub iterations: usize,
    /// L1 change of the last step (undirected: its bound from the residual, see
    /// [`eigenvector`]).
    pub residual: f64,
}

/// Eigenvector centrality (Bonacich 1972) with the semantics of networkx's
/// `eigenvector_centrality`: the left Perron eigenvector, `lambda x_v = sum_{u -> v} w_uv x_u`,
/// so a node scores from the nodes pointing at it.
///
/// Directed graphs: power iteration on `A^T + I` (the shift avoids oscillation on periodic
/// graphs and leaves the eigenvectors unchanged) from the uniform vector `1/n`, scaled to unit
/// Euclidean norm after every step, until the L1 change is below `n * tol`, as networkx does.
/// Undirected graphs: `A` is symmetric, so restarted Lanczos finds the same vector in far fewer
/// products when the two leading eigenvalues are close (two similar communities), stopping once
/// one more `A + I` power step would change `x` by less than `n * tol` in L1 (it does once
/// `sqrt(n) ||A x - lambda x|| <= n tol (lambda + 1)`); `max_iter` then counts products with
/// `A`. Undirected edges count both ways,
/// a self-loop once. On a directed graph that is not strongly connected the limit is zero outside
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
    // Scores do not depend on the weights' scale; extreme scales would overflow or underflow.
    let (rows, _) = Rows::incoming(g, cfg.weight)?.safely_scaled();
    if !g.is_directed() {
        return symmetric(&rows, n, cfg, ctl);
    }
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

/// Undirected graphs: `A` is symmetric and its Perron vector is its leading eigenvector, found
/// by restarted Lanczos ([`leading_eigenpair`]). Stops once `sqrt(n) ||A x - lambda x|| <=
/// n tol (lambda + 1)`: then one more step of the `A + I` power iteration would change `x` by
/// less than `n tol` in L1, the stopping rule of [`eigenvector`], and that bound is reported as
/// the residual.
fn symmetric(
    rows: &Rows,
    n: usize,
    cfg: &EigenvectorConfig,
    ctl: &Control,
) -> CoreResult<Eigenvector> {
    let root_n = (n as f64).sqrt();
    let l1_change = |value: f64, r: f64| root_n * r / (value.max(0.0) + 1.0);
    let product = |x: &[f64], out: &mut [f64]| {
        ctl.checkpoint()?;
        rows.sweep(x, [out], (), |_, _| (), |_, pulled| ([pulled], ()));
        ctl.advance(1);
        Ok(())
    };
    let top = leading_eigenpair(
        vec![1.0 / n as f64; n],
        KRYLOV_DIM,
        (n as f64 * cfg.tol, l1_change),
        cfg.max_iter,
        product,
    )?;
    if top.value <= 0.0 {
        // No edge of positive weight: every vector is a fixed point.
        return Ok(Eigenvector {
            scores: vec![1.0 / root_n; n],
            iterations: top.products,
            residual: 0.0,
        });
    }
    // The Perron vector can be taken non-negative; the eigensolver returns it up to sign and
    // rounding.
    let mut x = top.vector;
    let sign = if sum(&x) < 0.0 { -1.0 } else { 1.0 };
    x.iter_mut().for_each(|v| *v = (*v * sign).max(0.0));
    let norm = l2_norm(&x);
    scale(&mut x, 1.0 / norm);
    Ok(Eigenvector {
        scores: x,
        iterations: top.products,
        residual: top.residual,
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
        // Weighted path 0 - 1 - 2 - 3 - 4, directed and undirected: no Krylov space of
        // dimension 2 is invariant.
        let (s, t, w) = ([0u32, 1, 2, 3], [1u32, 2, 3, 4], [1.0, 2.0, 3.0, 5.0]);
        let cfg = EigenvectorConfig {
            tol: 0.0,
            max_iter: 2,
            ..Default::default()
        };
        for directed in [false, true] {
            let g = test_graph(&s, &t, Some(&w), 5, directed);
            assert!(matches!(
                eigenvector(&g, &cfg, &Control::new()).unwrap_err(),
                CoreError::NotConverged { iterations: 2, .. }
            ));
        }
        let g = test_graph(&s, &t, Some(&w), 5, false);
        let cfg = EigenvectorConfig {
            tol: -1.0,
            ..Default::default()
        };
        assert!(matches!(
            eigenvector(&g, &cfg, &Control::new()).unwrap_err(),
            CoreError::BadParameter { name: "tol", .. }
        ));
    }

    #[test]
    fn undirected_graphs_with_close_leading_eigenvalues_converge_under_the_defaults() {
        // Two 6-cliques joined by one edge, weights 1 and 1.001: the leading eigenvalues of A
        // differ by about 0.1%, where the A + I power iteration needs thousands of steps.
        let (mut s, mut t, mut w) = (vec![], vec![], vec![]);
        for (base, x) in [(0u32, 1.0), (6, 1.001)] {
            for i in 0..6 {
                for j in i + 1..6 {
                    s.push(base + i);
                    t.push(base + j);
                    w.push(x);
                }
            }
        }
        s.push(0);
        t.push(6);
        w.push(1e-3);
        let g = test_graph(&s, &t, Some(&w), 12, false);
        let e = eigenvector(&g, &EigenvectorConfig::default(), &Control::new()).unwrap();
        assert!(e.iterations < 100, "{} products", e.iterations);
        // The heavier clique carries the vector: check A x = lambda x directly.
        let rows = Rows::incoming(&g, EdgeWeight::Summed).unwrap();
        let mut ax = vec![0.0; 12];
        rows.sweep(&e.scores, [&mut ax], (), |_, _| (), |_, p| ([p], ()));
        let lambda: f64 = ax.iter().zip(&e.scores).map(|(a, b)| a * b).sum();
        let err: f64 = ax
            .iter()
            .zip(&e.scores)
            .map(|(a, b)| (a - lambda * b).abs())
            .sum();
        assert!(err < 12.0 * 1e-6 * (lambda + 1.0), "{err}");
        assert!(e.scores[6..].iter().sum::<f64>() > 2.0 * e.scores[..6].iter().sum::<f64>());
    }
}
