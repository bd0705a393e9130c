//! The leading (largest) eigenpair of a symmetric operator by restarted Lanczos
//! (Lanczos 1950; explicit restarts from the Ritz vector, as in Saad, "Numerical Methods for
//! Large Eigenvalue Problems", 2011, ch. 6-7).
//!
//! Power iteration needs about `ln(1/tol) / (1 - lambda_2 / lambda_1)` products, which runs into
//! the thousands when the two leading eigenvalues are close, as they often are on graphs made of
//! several similar parts. A Krylov space of dimension `k` converges like the Chebyshev polynomial
//! of degree `k`, about `sqrt(1 - lambda_2 / lambda_1)` per product instead.

use super::pull::{add_scaled, l2_norm, project_out, scale};
use crate::error::{CoreError, CoreResult};

/// Dimension of the Krylov bases. ARPACK uses 20 for one eigenvector; 12 re-orthogonalises
/// against fewer vectors per product and measured faster on LFR graphs of 10^4 to 10^6 nodes, for
/// a few more products when the leading eigenvalues are very close (28 against 22 at a ratio of
/// 0.999).
pub(crate) const KRYLOV_DIM: usize = 12;

/// The leading eigenpair found by [`leading_eigenpair`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Eigenpair {
    /// Unit (Euclidean) eigenvector estimate.
    pub vector: Vec<f64>,
    /// Eigenvalue estimate (Ritz value).
    pub value: f64,
    /// Products with the operator.
    pub products: usize,
    /// The caller's measure of the residual at the end (see [`leading_eigenpair`]).
    pub residual: f64,
}

/// Leading (largest) eigenpair of a symmetric `M`, given as `product(x, out)` writing `M x`
/// into `out`. Starts from `start` (non-zero), builds Krylov bases of dimension `krylov` (fully
/// re-orthogonalised, so that no spurious copy of the leading Ritz value appears), and
/// restarts from the leading Ritz vector `y` until `measure(value, r) <= tol`, `r` the estimate
/// `beta_j |s_j|` of `||M y - value y||` (e.g. `r / value`: ARPACK's criterion), or until the
/// Krylov space becomes invariant.
///
/// # Errors
/// [`CoreError::NotConverged`] after `max_products` products; any error of `product`.
pub(crate) fn leading_eigenpair(
    start: Vec<f64>,
    krylov: usize,
    (tol, measure): (f64, impl Fn(f64, f64) -> f64),
    max_products: usize,
    mut product: impl FnMut(&[f64], &mut [f64]) -> CoreResult<()>,
) -> CoreResult<Eigenpair> {
    let n = start.len();
    let krylov = krylov.clamp(1, n.max(1));
    let mut q = start;
    let norm = l2_norm(&q);
    scale(&mut q, 1.0 / norm);
    let mut products = 0;
    let mut residual = f64::INFINITY;
    loop {
        let mut basis = vec![q];
        let (mut alpha, mut beta) = (Vec::with_capacity(krylov), Vec::with_capacity(krylov));
        loop {
            if products >= max_products {
                return Err(CoreError::NotConverged {
                    iterations: products,
                    residual,
                });
            }
            let j = basis.len() - 1;
            let mut w = vec![0.0; n];
            product(&basis[j], &mut w)?;
            products += 1;
            // Classical Gram-Schmidt against the whole basis: the three-term recurrence alone
            // loses orthogonality as soon as a Ritz value converges. A second pass only when
            // the first cancelled more than a factor sqrt 2 of the norm ("twice is enough",
            // Daniel, Gragg, Kaufman & Stewart 1976): otherwise the first is already exact to
            // rounding, and each pass costs as much as a product on a sparse graph. The first
            // pass's coefficient on the newest vector is the diagonal entry `v_j . M v_j`.
            let before = l2_norm(&w);
            alpha.push(project_out(&basis, &mut w)[j]);
            let mut b = l2_norm(&w);
            if b < before * std::f64::consts::FRAC_1_SQRT_2 {
                project_out(&basis, &mut w);
                b = l2_norm(&w);
            }
            let (value, s) = top_of_tridiagonal(&alpha, &beta);
            let invariant = b <= f64::EPSILON * value.abs().max(f64::MIN_POSITIVE);
            residual = measure(value, b * s[j].abs());
            let converged = invariant || residual <= tol;
            if converged || basis.len() == krylov {
                let mut y = vec![0.0; n];
                for (v, &c) in basis.iter().zip(&s) {
                    add_scaled(&mut y, c, v);
                }
                let norm = l2_norm(&y);
                scale(&mut y, 1.0 / norm);
                if converged {
                    return Ok(Eigenpair {
                        vector: y,
                        value,
                        products,
                        residual,
                    });
                }
                q = y;
                break;
            }
            beta.push(b);
            scale(&mut w, 1.0 / b);
            basis.push(w);
        }
    }
}

/// Largest eigenvalue of the symmetric tridiagonal matrix with diagonal `alpha` and
/// off-diagonal `beta` (`beta.len() + 1 == alpha.len()`), by bisection on Sturm counts, and its
/// unit eigenvector, by three steps of inverse iteration with a pivoting tridiagonal solve (as
/// LAPACK's `dstebz` and `dstein`): `O(k)` per bisection step, where a dense method would cost
/// `O(k^3)` at every Lanczos step.
pub(crate) fn top_of_tridiagonal(alpha: &[f64], beta: &[f64]) -> (f64, Vec<f64>) {
    let k = alpha.len();
    if k == 1 {
        return (alpha[0], vec![1.0]);
    }
    let off = |i: usize| beta.get(i).map_or(0.0, |b: &f64| b.abs());
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for (i, &a) in alpha.iter().enumerate() {
        let r = off(i) + if i > 0 { off(i - 1) } else { 0.0 };
        lo = lo.min(a - r);
        hi = hi.max(a + r);
    }
    let scale = lo.abs().max(hi.abs()).max(f64::MIN_POSITIVE);
    let tiny = f64::EPSILON * scale;
    // Eigenvalues below `x`: negative pivots of the LDL^T factorisation of T - x I.
    let below = |x: f64| {
        let mut count = 0;
        let mut d = 1.0;
        for i in 0..k {
            let coupling = if i > 0 {
                beta[i - 1] * beta[i - 1] / d
            } else {
                0.0
            };
            d = alpha[i] - x - coupling;
            if d.abs() < f64::MIN_POSITIVE {
                d = -f64::MIN_POSITIVE;
            }
            count += usize::from(d < 0.0);
        }
        count
    };
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi || hi - lo <= f64::EPSILON * scale {
            break;
        }
        if below(mid) < k {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let value = 0.5 * (lo + hi);
    // A start with no special structure (the golden-ratio sequence): ones, for instance, is
    // orthogonal to the top eigenvector of the discrete Laplacian of even order.
    let mut y: Vec<f64> = (0..k)
        .map(|i| 0.5 + (i as f64 * 0.618_033_988_749_895).fract())
        .collect();
    for _ in 0..3 {
        y = solve_shifted(alpha, beta, value, tiny, y);
        let norm = y.iter().map(|x| x * x).sum::<f64>().sqrt();
        y.iter_mut().for_each(|x| *x /= norm);
    }
    (value, y)
}

/// Solves `(T - shift I) x = rhs` for the tridiagonal `T` by Gaussian elimination with row
/// interchanges (LAPACK's `dgtsv`); zero pivots become `tiny`, which inverse iteration needs,
/// `shift` being an eigenvalue.
fn solve_shifted(alpha: &[f64], beta: &[f64], shift: f64, tiny: f64, mut b: Vec<f64>) -> Vec<f64> {
    let k = alpha.len();
    let mut d: Vec<f64> = alpha.iter().map(|a| a - shift).collect();
    let mut dl = beta.to_vec();
    let mut du = beta.to_vec();
    let nonzero = |x: f64| if x == 0.0 { tiny } else { x };
    for i in 0..k - 1 {
        if d[i].abs() >= dl[i].abs() {
            d[i] = nonzero(d[i]);
            let f = dl[i] / d[i];
            d[i + 1] -= f * du[i];
            b[i + 1] -= f * b[i];
            dl[i] = 0.0;
        } else {
            let f = d[i] / dl[i];
            d[i] = dl[i];
            let t = d[i + 1];
            d[i + 1] = du[i] - f * t;
            if i + 1 < k - 1 {
                dl[i] = du[i + 1];
                du[i + 1] = -f * dl[i];
            }
            du[i] = t;
            let t = b[i];
            b[i] = b[i + 1];
            b[i + 1] = t - f * b[i + 1];
        }
    }
    d[k - 1] = nonzero(d[k - 1]);
    b[k - 1] /= d[k - 1];
    b[k - 2] = (b[k - 2] - du[k - 2] * b[k - 1]) / d[k - 2];
    for i in (0..k.saturating_sub(2)).rev() {
        b[i] = (b[i] - du[i] * b[i + 1] - dl[i] * b[i + 2]) / d[i];
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tridiagonal_top_eigenpair_is_exact() {
        // [[2, 1], [1, 2]]: eigenvalues 3 and 1, top vector (1, 1) / sqrt 2.
        let (value, s) = top_of_tridiagonal(&[2.0, 2.0], &[1.0]);
        assert!((value - 3.0).abs() < 1e-15);
        assert!((s[0].abs() - 0.5f64.sqrt()).abs() < 1e-15 && (s[0] - s[1]).abs() < 1e-15);
        // 1-D discrete Laplacian of k points: eigenvalues 2 - 2 cos(j pi / (k + 1)), the top
        // one (j = k) with eigenvector sin(i k pi / (k + 1)), of alternating sign.
        for k in [2usize, 3, 6, 20] {
            let (value, s) = top_of_tridiagonal(&vec![2.0; k], &vec![-1.0; k - 1]);
            let step = k as f64 * std::f64::consts::PI / (k as f64 + 1.0);
            assert!((value - (2.0 - 2.0 * step.cos())).abs() < 1e-14, "{k}");
            let exact: Vec<f64> = (1..=k).map(|i| (i as f64 * step).sin()).collect();
            let norm = exact.iter().map(|x| x * x).sum::<f64>().sqrt();
            let sign = s[0].signum() * exact[0].signum();
            for (x, e) in s.iter().zip(&exact) {
                assert!((x * sign - e / norm).abs() < 1e-12, "{k}: {s:?}");
            }
        }
        // A zero off-diagonal splits T: the top eigenvalue 7 belongs to the second block.
        let (value, s) = top_of_tridiagonal(&[1.0, 2.0, 7.0, 3.0], &[0.5, 0.0, 0.25]);
        let exact = 5.0 + (4.0f64 + 0.0625).sqrt();
        assert!((value - exact).abs() < 1e-13, "{value}");
        assert!(s[0].abs() < 1e-12 && s[1].abs() < 1e-12 && s[2].abs() > 0.99);
        assert_eq!(top_of_tridiagonal(&[5.0], &[]), (5.0, vec![1.0]));
    }

    fn relative(value: f64, r: f64) -> f64 {
        r / value
    }

    /// `M = diag(d)` rotated by a fixed orthogonal matrix (a product of reflections).
    fn dense_product(d: &[f64]) -> impl FnMut(&[f64], &mut [f64]) -> CoreResult<()> + use<> {
        let n = d.len();
        let u: Vec<f64> = (0..n).map(|i| ((i * 7 + 3) % 11) as f64 - 5.0).collect();
        let uu = u.iter().map(|x| x * x).sum::<f64>();
        let d = d.to_vec();
        // H = I - 2 u u^T / (u^T u), M = H diag(d) H.
        move |x, out| {
            let reflect = |y: &[f64]| {
                let c = 2.0 * y.iter().zip(&u).map(|(a, b)| a * b).sum::<f64>() / uu;
                y.iter()
                    .zip(&u)
                    .map(|(a, b)| a - c * b)
                    .collect::<Vec<f64>>()
            };
            let hx = reflect(x);
            let dhx: Vec<f64> = hx.iter().zip(&d).map(|(a, b)| a * b).collect();
            out.copy_from_slice(&reflect(&dhx));
            Ok(())
        }
    }

    #[test]
    fn close_leading_eigenvalues_converge_in_few_products() {
        // lambda_2 / lambda_1 = 0.999: power iteration needs about 18,000 products for 1e-8.
        let mut d: Vec<f64> = (0..200).map(|i| 0.5 * (i as f64) / 200.0).collect();
        d[17] = 1.0;
        d[90] = 0.999;
        let r = leading_eigenpair(
            vec![1.0; 200],
            20,
            (1e-10, relative),
            2000,
            dense_product(&d),
        )
        .unwrap();
        assert!((r.value - 1.0).abs() < 1e-9, "{}", r.value);
        assert!(r.products < 1000, "{} products", r.products);
        // The eigenvector is H e_17: check M y = y directly.
        let mut my = vec![0.0; 200];
        dense_product(&d)(&r.vector, &mut my).unwrap();
        let err: f64 = my.iter().zip(&r.vector).map(|(a, b)| (a - b).abs()).sum();
        assert!(err < 1e-8, "{err}");
    }

    #[test]
    fn invariant_start_stops_at_once_and_the_limit_is_an_error() {
        let d = [3.0, 1.0, 1.0];
        // H e_0 (u = (-2, 5, 1)) is an eigenvector: the first product spans an invariant space.
        let u = [-2.0, 5.0, 1.0];
        let start: Vec<f64> = (0..3)
            .map(|i| f64::from(u8::from(i == 0)) - 2.0 * u[0] * u[i] / 30.0)
            .collect();
        let r = leading_eigenpair(start, 10, (0.0, relative), 10, dense_product(&d)).unwrap();
        assert_eq!(r.products, 1);
        assert!((r.value - 3.0).abs() < 1e-14);
        let d: Vec<f64> = (0..50).map(|i| 1.0 - i as f64 * 1e-3).collect();
        let err =
            leading_eigenpair(vec![1.0; 50], 5, (0.0, relative), 7, dense_product(&d)).unwrap_err();
        assert!(matches!(err, CoreError::NotConverged { iterations: 7, .. }));
    }
}
