//! The Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"; Colombo & Jiang 1999):
//! maximum likelihood fit on customers with repeat purchases.
//!
//! Paper symbols: each transaction's value is gamma(p, ν) with ν ~ gamma(q, γ); `v` here is
//! the paper's γ. Per customer `x` (repeat purchases) and `m` (their mean value, `m̄_x`).

use super::bgnbd::{Fit, FitConfig, covariance};
use super::grouped::{Grouped, chunked_sum, group_rows};
use super::optimize::{self, Minimum};
use super::special::{digamma, ln_gamma};
use crate::control::Control;
use crate::error::{CoreError, CoreResult};

/// Total log-likelihood and gradient in `[p, q, v]`.
/// `ln m` of every distinct row is constant during the fit: `ln_m` holds it.
fn log_likelihood(g: &Grouped, ln_m: &[f64], par: [f64; 3]) -> [f64; 4] {
    let [p, q, v] = par;
    let (ln_v, lg_q, psi_q) = (v.ln(), ln_gamma(q), digamma(q));
    let mut total = [0.0; 4];
    for (&x, &w) in g.xs.iter().zip(&g.xw) {
        let px = p * x;
        let c = ln_gamma(px + q) - ln_gamma(px) - lg_q + q * ln_v + px * x.ln();
        let psi_pxq = digamma(px + q);
        let d = [
            x * (psi_pxq - digamma(px) + x.ln()),
            psi_pxq - psi_q + ln_v,
            q / v,
        ];
        total[0] += w * c;
        for k in 0..3 {
            total[k + 1] += w * d[k];
        }
    }
    let rows = chunked_sum(g.x.len(), |i| {
        let (x, m, w, ln_m) = (g.x[i], g.u[i], g.w[i], ln_m[i]);
        let ln_xmv = (x * m + v).ln();
        [
            w * ((p * x - 1.0) * ln_m - (p * x + q) * ln_xmv),
            w * x * (ln_m - ln_xmv),
            -w * ln_xmv,
            -w * (p * x + q) / (x * m + v),
        ]
    });
    for k in 0..4 {
        total[k] += rows[k];
    }
    total
}

fn objective(g: &Grouped, ln_m: &[f64], lp: &[f64], pen: f64) -> (f64, Vec<f64>) {
    let par = [lp[0].exp(), lp[1].exp(), lp[2].exp()];
    let ll = log_likelihood(g, ln_m, par);
    let n = g.total;
    let value = -ll[0] / n + pen * par.iter().map(|v| v * v).sum::<f64>();
    let grad = (0..3)
        .map(|k| par[k] * (-ll[k + 1] / n + 2.0 * pen * par[k]))
        .collect();
    (value, grad)
}

/// Fits the Gamma-Gamma model by maximum likelihood on customers with `x > 0`.
///
/// Log-likelihood of a customer with `x` repeat purchases of mean value `m`
/// (Fader, Hardie & Lee 2005 note 025, eq. 1a):
/// `ln Γ(px+q) - ln Γ(px) - ln Γ(q) + q ln v + (px-1) ln m + px ln x - (px+q) ln(xm+v)`.
/// Minimises the mean negative log-likelihood plus `penalizer_coef · (p² + q² + v²)` over the
/// log-parameters by BFGS from `ln θ = 0.1`, as lifetimes.
///
/// # Returns
/// [`Fit`] with `params = [p, q, v]`.
///
/// # Errors
/// [`CoreError::BadValue`] when some `x <= 0` or `m <= 0`, [`CoreError::LengthMismatch`],
/// [`CoreError::BadParameter`] for no customers or a negative penalty,
/// [`CoreError::NotConverged`], [`CoreError::Cancelled`].
///
/// # Complexity
/// `O(n log n)` to group, then `O(distinct rows)` per evaluation.
///
/// # Examples
/// ```
/// use socialcrm::control::Control;
/// use socialcrm::value::{bgnbd::FitConfig, gamma_gamma};
/// let x = [1.0, 2.0, 3.0, 1.0, 5.0, 2.0];
/// let m = [10.0, 25.0, 14.0, 40.0, 12.0, 9.0];
/// let fit = gamma_gamma::fit(&x, &m, &FitConfig::default(), &Control::new()).unwrap();
/// assert_eq!(fit.params.len(), 3);
/// ```
pub fn fit(frequency: &[f64], monetary: &[f64], cfg: &FitConfig, ctl: &Control) -> CoreResult<Fit> {
    let zeros = vec![0.0; frequency.len()];
    let g = group_rows(
        ["frequency", "monetary_value", "T"],
        frequency,
        monetary,
        &zeros,
    )?;
    for i in 0..g.x.len() {
        for (name, val) in [("frequency", g.x[i]), ("monetary_value", g.u[i])] {
            if val <= 0.0 {
                return Err(CoreError::BadValue {
                    name,
                    row: i,
                    expected: "> 0 (fit on customers with repeat purchases)",
                    got: val,
                });
            }
        }
    }
    if g.x.is_empty() {
        return Err(CoreError::BadParameter {
            name: "frequency",
            expected: "at least one customer with repeat purchases",
            got: 0.0,
        });
    }
    if !(cfg.penalizer_coef >= 0.0 && cfg.penalizer_coef.is_finite()) {
        return Err(CoreError::BadParameter {
            name: "penalizer_coef",
            expected: "a finite number >= 0",
            got: cfg.penalizer_coef,
        });
    }
    let pen = cfg.penalizer_coef;
    ctl.start(cfg.max_iter as u64);
    let ln_m: Vec<f64> = g.u.iter().map(|m| m.ln()).collect();
    let f = |lp: &[f64]| Ok(objective(&g, &ln_m, lp, pen));
    let Minimum {
        x: lp,
        iterations,
        grad_norm,
        ..
    } = optimize::bfgs(f, &[0.1; 3], cfg.gtol, cfg.max_iter, ctl)?;
    let params: Vec<f64> = lp.iter().map(|v| v.exp()).collect();
    let log_likelihood = log_likelihood(&g, &ln_m, [params[0], params[1], params[2]])[0];
    let h = optimize::hessian(|lp| Ok(objective(&g, &ln_m, lp, pen).1), &lp)?;
    Ok(Fit {
        covariance: covariance(&h, &params, g.total),
        params,
        log_likelihood,
        iterations,
        grad_norm,
        distinct_rows: g.x.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gradient_matches_finite_differences() {
        let z = [0.0; 3];
        let g = group_rows(["x", "m", "z"], &[1.0, 2.0, 2.0], &[10.0, 30.0, 12.5], &z).unwrap();
        let lp = [1.5_f64, 1.2, 2.7];
        let ln_m: Vec<f64> = g.u.iter().map(|m| m.ln()).collect();
        let (_, grad) = objective(&g, &ln_m, &lp, 0.01);
        for k in 0..3 {
            let h = 1e-6;
            let (mut up, mut dn) = (lp, lp);
            up[k] += h;
            dn[k] -= h;
            let num =
                (objective(&g, &ln_m, &up, 0.01).0 - objective(&g, &ln_m, &dn, 0.01).0) / (2.0 * h);
            assert!((num - grad[k]).abs() < 1e-6, "{k}: {num} vs {}", grad[k]);
        }
    }

    #[test]
    fn hand_worked_likelihood_with_one_purchase() {
        // x = 1: the mean is one gamma(p, ν) draw with ν ~ gamma(q, v): a compound
        // (beta-prime) density m^(p-1) v^q Γ(p+q) / (Γ(p) Γ(q) (m+v)^(p+q)).
        let (p, q, v, m) = (2.0_f64, 3.0_f64, 4.0_f64, 5.0_f64);
        let g = group_rows(["x", "m", "z"], &[1.0], &[m], &[0.0]).unwrap();
        let want = (m.powf(p - 1.0) * v.powf(q) * 24.0 / (1.0 * 2.0 * (m + v).powf(p + q))).ln();
        assert!((log_likelihood(&g, &[m.ln()], [p, q, v])[0] - want).abs() < 1e-12);
    }

    #[test]
    fn non_repeaters_are_rejected() {
        let err = fit(&[0.0], &[0.0], &FitConfig::default(), &Control::new()).unwrap_err();
        assert!(matches!(
            err,
            CoreError::BadValue {
                name: "frequency",
                ..
            }
        ));
    }
}
