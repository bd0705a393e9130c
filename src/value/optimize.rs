//! A small BFGS minimiser with a backtracking (Armijo) line search, for the few log-parameters
//! of the purchase models.

use crate::control::Control;
use crate::error::{CoreError, CoreResult};

/// Default largest number of BFGS iterations.
pub const DEFAULT_MAX_ITER: usize = 1000;
/// Default tolerance on the largest absolute gradient entry of the objective.
pub const DEFAULT_GTOL: f64 = 1e-9;

/// What the minimiser found.
#[derive(Debug, Clone, PartialEq)]
pub struct Minimum {
    /// The minimiser.
    pub x: Vec<f64>,
    /// The objective there.
    pub value: f64,
    /// Largest absolute gradient entry there.
    pub grad_norm: f64,
    /// BFGS iterations run.
    pub iterations: usize,
}

fn dot(u: &[f64], v: &[f64]) -> f64 {
    u.iter().zip(v).map(|(a, b)| a * b).sum()
}

fn inf_norm(g: &[f64]) -> f64 {
    g.iter().fold(0.0, |m, v| m.max(v.abs()))
}

/// Minimises `f` (returning value and gradient) from `x0` by BFGS on the inverse Hessian with a
/// backtracking line search that keeps the objective finite. Stops when the largest gradient
/// entry is below `gtol`, or when the objective stops moving (three steps in a row, or no step
/// lowers it) while the gradient is already below `sqrt(gtol)` (the limit of floating point).
///
/// # Errors
/// [`CoreError::NotConverged`] when neither happens within `max_iter` iterations, or the
/// objective is not finite at `x0`; [`CoreError::Cancelled`] from `ctl`; anything `f` returns.
pub fn bfgs(
    mut f: impl FnMut(&[f64]) -> CoreResult<(f64, Vec<f64>)>,
    x0: &[f64],
    gtol: f64,
    max_iter: usize,
    ctl: &Control,
) -> CoreResult<Minimum> {
    let n = x0.len();
    let mut x = x0.to_vec();
    let (mut fx, mut g) = f(&x)?;
    let not_converged = |iterations, residual| CoreError::NotConverged {
        iterations,
        residual,
    };
    if !fx.is_finite() || g.iter().any(|v| !v.is_finite()) {
        return Err(not_converged(0, f64::INFINITY));
    }
    let mut h = identity(n);
    let mut stalled = 0;
    for it in 0..max_iter {
        ctl.checkpoint()?;
        ctl.advance(1);
        let gn = inf_norm(&g);
        if gn < gtol {
            return Ok(Minimum {
                x,
                value: fx,
                grad_norm: gn,
                iterations: it,
            });
        }
        let mut d: Vec<f64> = (0..n).map(|i| -dot(&h[i], &g)).collect();
        if dot(&d, &g) >= 0.0 {
            // Not a descent direction: restart from steepest descent.
            h = identity(n);
            d = g.iter().map(|v| -v).collect();
        }
        // Keep the first steps from jumping to absurd parameters (exp of a log-parameter).
        let longest = inf_norm(&d);
        let mut step = if longest > 5.0 { 5.0 / longest } else { 1.0 };
        let slope = dot(&d, &g);
        let mut accepted = None;
        for _ in 0..60 {
            let xn: Vec<f64> = x.iter().zip(&d).map(|(a, b)| a + step * b).collect();
            let (fn_, gn_) = f(&xn)?;
            if fn_.is_finite()
                && gn_.iter().all(|v| v.is_finite())
                && fn_ <= fx + 1e-4 * step * slope
            {
                accepted = Some((xn, fn_, gn_));
                break;
            }
            step *= 0.5;
        }
        let Some((xn, fn_, gn_)) = accepted else {
            if gn < gtol.sqrt() {
                return Ok(Minimum {
                    x,
                    value: fx,
                    grad_norm: gn,
                    iterations: it,
                });
            }
            return Err(not_converged(it, gn));
        };
        // Floating-point stagnation: the objective no longer moves although the gradient is
        // already small; more iterations would only chase rounding noise.
        if fx - fn_ <= 8.0 * f64::EPSILON * fx.abs().max(1.0) {
            stalled += 1;
        } else {
            stalled = 0;
        }
        if stalled >= 3 && inf_norm(&gn_) < gtol.sqrt() {
            return Ok(Minimum {
                grad_norm: inf_norm(&gn_),
                x: xn,
                value: fn_,
                iterations: it + 1,
            });
        }
        let s: Vec<f64> = xn.iter().zip(&x).map(|(a, b)| a - b).collect();
        let y: Vec<f64> = gn_.iter().zip(&g).map(|(a, b)| a - b).collect();
        let sy = dot(&s, &y);
        if sy > 1e-12 * dot(&s, &s).sqrt() * dot(&y, &y).sqrt() && sy > 0.0 {
            if it == 0 {
                // Scale the first inverse Hessian guess (Nocedal & Wright eq. 6.20).
                let scale = sy / dot(&y, &y);
                h = identity(n)
                    .into_iter()
                    .map(|r| r.iter().map(|v| v * scale).collect())
                    .collect();
            }
            update_inverse_hessian(&mut h, &s, &y, sy);
        }
        x = xn;
        fx = fn_;
        g = gn_;
    }
    Err(not_converged(max_iter, inf_norm(&g)))
}

fn identity(n: usize) -> Vec<Vec<f64>> {
    (0..n)
        .map(|i| (0..n).map(|j| if i == j { 1.0 } else { 0.0 }).collect())
        .collect()
}

/// `H <- (I - ρ s yᵀ) H (I - ρ y sᵀ) + ρ s sᵀ` with `ρ = 1 / (yᵀ s)`.
fn update_inverse_hessian(h: &mut [Vec<f64>], s: &[f64], y: &[f64], sy: f64) {
    let n = s.len();
    let rho = 1.0 / sy;
    let hy: Vec<f64> = (0..n).map(|i| dot(&h[i], y)).collect();
    let yhy = dot(y, &hy);
    for i in 0..n {
        for j in 0..n {
            h[i][j] += -rho * (hy[i] * s[j] + s[i] * hy[j]) + (rho * rho * yhy + rho) * s[i] * s[j];
        }
    }
}

/// Hessian of an objective at `x` by forward differences of its analytic gradient `grad`
/// (whose value at `x` is `g0`), symmetrised; relative accuracy about 1e-5, plenty for
/// standard errors.
///
/// # Errors
/// Whatever `grad` returns.
pub fn hessian(
    mut grad: impl FnMut(&[f64]) -> CoreResult<Vec<f64>>,
    x: &[f64],
) -> CoreResult<Vec<Vec<f64>>> {
    let n = x.len();
    let g0 = grad(x)?;
    let mut cols = Vec::with_capacity(n);
    for j in 0..n {
        let h = 1e-6 * (1.0 + x[j].abs());
        let mut up = x.to_vec();
        up[j] += h;
        let gu = grad(&up)?;
        cols.push((0..n).map(|i| (gu[i] - g0[i]) / h).collect::<Vec<f64>>());
    }
    Ok((0..n)
        .map(|i| (0..n).map(|j| 0.5 * (cols[j][i] + cols[i][j])).collect())
        .collect())
}

/// Inverse of a small symmetric positive definite matrix by Gauss-Jordan elimination with
/// partial pivoting; `None` if it is singular.
pub fn invert(m: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = m.len();
    let mut a: Vec<Vec<f64>> = m.to_vec();
    let mut inv = identity(n);
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-300 || !a[pivot][col].is_finite() {
            return None;
        }
        a.swap(col, pivot);
        inv.swap(col, pivot);
        let p = a[col][col];
        for j in 0..n {
            a[col][j] /= p;
            inv[col][j] /= p;
        }
        for i in 0..n {
            if i != col {
                let factor = a[i][col];
                for j in 0..n {
                    a[i][j] -= factor * a[col][j];
                    inv[i][j] -= factor * inv[col][j];
                }
            }
        }
    }
    Some(inv)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rosenbrock(x: &[f64]) -> CoreResult<(f64, Vec<f64>)> {
        let (a, b) = (x[0], x[1]);
        let f = (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2);
        let g = vec![
            -2.0 * (1.0 - a) - 400.0 * a * (b - a * a),
            200.0 * (b - a * a),
        ];
        Ok((f, g))
    }

    #[test]
    fn bfgs_finds_the_rosenbrock_minimum() {
        let m = bfgs(rosenbrock, &[-1.2, 1.0], 1e-10, 1000, &Control::new()).unwrap();
        assert!(
            (m.x[0] - 1.0).abs() < 1e-8 && (m.x[1] - 1.0).abs() < 1e-8,
            "{m:?}"
        );
    }

    #[test]
    fn bfgs_reports_non_convergence() {
        let err = bfgs(rosenbrock, &[-1.2, 1.0], 1e-10, 3, &Control::new()).unwrap_err();
        assert!(matches!(err, CoreError::NotConverged { iterations: 3, .. }));
        let nan = |_: &[f64]| Ok((f64::NAN, vec![0.0]));
        assert!(bfgs(nan, &[0.0], 1e-8, 10, &Control::new()).is_err());
    }

    #[test]
    fn hessian_and_inverse_of_a_quadratic() {
        // f = x'Ax / 2 with A = [[2, 1], [1, 3]]
        let grad = |x: &[f64]| Ok(vec![2.0 * x[0] + x[1], x[0] + 3.0 * x[1]]);
        let h = hessian(grad, &[0.3, -0.2]).unwrap();
        assert!((h[0][0] - 2.0).abs() < 1e-6 && (h[0][1] - 1.0).abs() < 1e-6);
        let inv = invert(&h).unwrap();
        assert!((inv[0][0] - 0.6).abs() < 1e-6 && (inv[1][1] - 0.4).abs() < 1e-6);
        assert!(invert(&[vec![1.0, 2.0], vec![2.0, 4.0]]).is_none());
    }
}
