//! The leading eigenpair of a symmetric positive semi-definite operator by restarted Lanczos
//! (Lanczos 1950; explicit restarts from the Ritz vector, as in Saad, "Numerical Methods for
//! Large Eigenvalue Problems", 2011, ch. 6-7).
//!
//! Power iteration needs about `ln(1/tol) / (1 - lambda_2 / lambda_1)` products, which runs into
//! the thousands when the two leading eigenvalues are close, as they often are on graphs made of
//! several similar parts. A Krylov space of dimension `k` converges like the Chebyshev polynomial
//! of degree `k`, about `sqrt(1 - lambda_2 / lambda_1)` per product instead.

use super::pull::{add_scaled, dot, l2_norm, scale};
use crate::error::{CoreError, CoreResult};

/// The leading eigenpair found by [`leading_eigenpair`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Eigenpair {
    /// Unit (Euclidean) eigenvector estimate.
    pub vector: Vec<f64>,
    /// Eigenvalue estimate (Ritz value).
    pub value: f64,
    /// Products with the operator.
    pub products: usize,
    /// `||M y - value y|| / value` at the end (0 when `value` is 0).
    pub residual: f64,
}

/// Leading eigenpair of a symmetric positive semi-definite `M`, given as `product(x, out)`
/// writing `M x` into `out`. Starts from `start` (non-zero), builds Krylov bases of dimension
/// `krylov` (fully re-orthogonalised, twice, so that no spurious copy of the leading Ritz value
/// appears), and restarts from the leading Ritz vector `y` until the residual estimate
/// `beta_j |s_j|` is at most `tol * value` (ARPACK's criterion), or the Krylov space becomes
/// invariant.
///
/// # Errors
/// [`CoreError::NotConverged`] after `max_products` products; any error of `product`.
pub(crate) fn leading_eigenpair(
    start: Vec<f64>,
    krylov: usize,
    tol: f64,
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
            alpha.push(dot(&basis[j], &w));
            // Classical Gram-Schmidt against the whole basis, done twice: the three-term
            // recurrence alone loses orthogonality as soon as a Ritz value converges.
            for _ in 0..2 {
                for v in &basis {
                    let c = dot(v, &w);
                    add_scaled(&mut w, -c, v);
                }
            }
            let b = l2_norm(&w);
            let (value, s) = top_of_tridiagonal(&alpha, &beta);
            let invariant = b <= f64::EPSILON * value.abs().max(f64::MIN_POSITIVE);
            residual = if value > 0.0 {
                b * s[j].abs() / value
            } else {
                0.0
            };
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
/// off-diagonal `beta` (`beta.len() + 1 == alpha.len()`), and its unit eigenvector, by cyclic
/// Jacobi rotations: exact to rounding on the few dozen rows a Krylov basis has.
pub(crate) fn top_of_tridiagonal(alpha: &[f64], beta: &[f64]) -> (f64, Vec<f64>) {
    let k = alpha.len();
    let mut a = vec![vec![0.0; k]; k];
    let mut v = vec![vec![0.0; k]; k];
    for i in 0..k {
        a[i][i] = alpha[i];
        v[i][i] = 1.0;
        if let Some(&b) = beta.get(i) {
            a[i][i + 1] = b;
            a[i + 1][i] = b;
        }
    }
    let total: f64 = a.iter().flatten().map(|x| x * x).sum();
    for _sweep in 0..64 {
        let off: f64 = (0..k)
            .flat_map(|p| (p + 1..k).map(move |q| (p, q)))
            .map(|(p, q)| a[p][q] * a[p][q])
            .sum();
        if off <= f64::EPSILON * f64::EPSILON * total * 1e-4 || off == 0.0 {
            break;
        }
        for p in 0..k {
            for q in p + 1..k {
                if a[p][q] == 0.0 {
                    continue;
                }
                let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
                let t = if theta.abs() > 1e150 {
                    0.5 / theta
                } else {
                    theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt())
                };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for row in a.iter_mut() {
                    let (x, y) = (row[p], row[q]);
                    row[p] = c * x - s * y;
                    row[q] = s * x + c * y;
                }
                let (low, high) = a.split_at_mut(q);
                for (x, y) in low[p].iter_mut().zip(high[0].iter_mut()) {
                    (*x, *y) = (c * *x - s * *y, s * *x + c * *y);
                }
                for row in v.iter_mut() {
                    let (x, y) = (row[p], row[q]);
                    row[p] = c * x - s * y;
                    row[q] = s * x + c * y;
                }
            }
        }
    }
    let top = (0..k).fold(0, |best, i| if a[i][i] > a[best][best] { i } else { best });
    (a[top][top], v.iter().map(|row| row[top]).collect())
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
        // 1-D discrete Laplacian of 6 points: 2 - 2 cos(k pi / 7).
        let (value, _) = top_of_tridiagonal(&[2.0; 6], &[-1.0; 5]);
        let exact = 2.0 - 2.0 * (6.0 * std::f64::consts::PI / 7.0).cos();
        assert!((value - exact).abs() < 1e-14);
        assert_eq!(top_of_tridiagonal(&[5.0], &[]), (5.0, vec![1.0]));
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
        let r = leading_eigenpair(vec![1.0; 200], 20, 1e-10, 2000, dense_product(&d)).unwrap();
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
        let r = leading_eigenpair(start, 10, 0.0, 10, dense_product(&d)).unwrap();
        assert_eq!(r.products, 1);
        assert!((r.value - 3.0).abs() < 1e-14);
        let d: Vec<f64> = (0..50).map(|i| 1.0 - i as f64 * 1e-3).collect();
        let err = leading_eigenpair(vec![1.0; 50], 5, 0.0, 7, dense_product(&d)).unwrap_err();
        assert!(matches!(err, CoreError::NotConverged { iterations: 7, .. }));
    }
}
