//! The BG/NBD purchase model (Fader, Hardie & Lee 2005): maximum likelihood fit and predictions.
//!
//! Paper symbols: `r, alpha` (gamma heterogeneity of the purchase rate λ), `a, b` (beta
//! heterogeneity of the drop-out probability p); per customer `x` (repeat purchases), `t_x`
//! (time of the last purchase, i.e. recency) and `T` (age).

use super::grouped::{Grouped, chunked_sum, group_rows};
use super::optimize::{self, Minimum};
use super::special::{digamma, ln_gamma, ln_hyp2f1, softplus};
use crate::control::Control;
use crate::error::{CoreError, CoreResult};
use rayon::prelude::*;

/// Fitting options.
#[derive(Debug, Clone, PartialEq)]
pub struct FitConfig {
    /// L2 penalty on the parameters (of time scaled so the oldest customer has age 1), added to
    /// the mean negative log-likelihood, as in lifetimes.
    pub penalizer_coef: f64,
    /// Tolerance on the largest gradient entry of the mean objective in log-parameters.
    pub gtol: f64,
    /// Most BFGS iterations.
    pub max_iter: usize,
}

impl Default for FitConfig {
    fn default() -> Self {
        Self {
            penalizer_coef: 0.0,
            gtol: optimize::DEFAULT_GTOL,
            max_iter: optimize::DEFAULT_MAX_ITER,
        }
    }
}

/// A fitted model.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// Parameters in the caller's time unit (`[r, alpha, a, b]` or `[p, q, v]`).
    pub params: Vec<f64>,
    /// Total (unpenalised) log-likelihood at the parameters.
    pub log_likelihood: f64,
    /// Covariance of the parameters from the inverse observed information of the penalised
    /// total log-likelihood (delta method from the log-parameters); `None` if singular.
    pub covariance: Option<Vec<Vec<f64>>>,
    /// BFGS iterations.
    pub iterations: usize,
    /// Largest gradient entry of the mean objective at the end.
    pub grad_norm: f64,
    /// Number of distinct customer rows the likelihood was summed over.
    pub distinct_rows: usize,
}

/// Checks a BG/NBD customer table: `x >= 0`, `0 <= t_x <= T`, `t_x = 0` allowed.
fn check(g: &Grouped) -> CoreResult<()> {
    for i in 0..g.x.len() {
        let bad = |name, expected, got| {
            Err(CoreError::BadValue {
                name,
                row: i,
                expected,
                got,
            })
        };
        if g.x[i] < 0.0 {
            return bad("frequency", ">= 0", g.x[i]);
        }
        if g.u[i] < 0.0 {
            return bad("recency", ">= 0", g.u[i]);
        }
        if g.v[i] < g.u[i] {
            return bad("T", ">= recency", g.v[i]);
        }
    }
    Ok(())
}

/// Total log-likelihood and its gradient in `[r, alpha, a, b]`, time multiplied by `scale`.
fn log_likelihood(g: &Grouped, p: [f64; 4], scale: f64) -> [f64; 5] {
    let [r, alpha, a, b] = p;
    let (ln_alpha, lg_ab, psi_ab) = (alpha.ln(), ln_gamma(a + b), digamma(a + b));
    let (lg_r, psi_r, lg_b, psi_b) = (ln_gamma(r), digamma(r), ln_gamma(b), digamma(b));
    // Terms that depend on x only: A1 + A2 of the paper's eq. (6) and their derivatives.
    let mut total = [0.0; 5];
    for (&x, &w) in g.xs.iter().zip(&g.xw) {
        let c = ln_gamma(r + x) - lg_r + r * ln_alpha + lg_ab + ln_gamma(b + x)
            - lg_b
            - ln_gamma(a + b + x);
        let psi_abx = digamma(a + b + x);
        let d = [
            digamma(r + x) - psi_r + ln_alpha,
            r / alpha,
            psi_ab - psi_abx,
            psi_ab + digamma(b + x) - psi_b - psi_abx,
        ];
        total[0] += w * c;
        for k in 0..4 {
            total[k + 1] += w * d[k];
        }
    }
    // ln a - ln(b + x - 1) of A4, once per distinct x.
    let ln_a = a.ln();
    let a4_base: Vec<f64> =
        g.xs.iter()
            .map(|&x| {
                if x > 0.0 {
                    ln_a - (b + x - 1.0).ln()
                } else {
                    0.0
                }
            })
            .collect();
    // ln(e^A3 + [x > 0] e^A4) per distinct row, as A3 + softplus(A4 - A3): two logarithms and
    // one exponential per row; w4 = sigmoid(A4 - A3) is the weight of the A4 branch.
    let rows = chunked_sum(g.x.len(), |i| {
        let (x, tx, t, w) = (g.x[i], g.u[i] * scale, g.v[i] * scale, g.w[i]);
        let ln_at = (alpha + t).ln();
        let a3 = -(r + x) * ln_at;
        if x <= 0.0 {
            return [w * a3, -w * ln_at, -w * (r + x) / (alpha + t), 0.0, 0.0];
        }
        let ln_atx = (alpha + tx).ln();
        let d = a4_base[g.group[i] as usize] - (r + x) * ln_atx - a3;
        let e = (-d.abs()).exp();
        let (l, w4) = if d > 0.0 {
            (a3 + d + e.ln_1p(), 1.0 / (1.0 + e))
        } else {
            (a3 + e.ln_1p(), e / (1.0 + e))
        };
        let w3 = 1.0 - w4;
        [
            w * l,
            -w * (w3 * ln_at + w4 * ln_atx),
            -w * (r + x) * (w3 / (alpha + t) + w4 / (alpha + tx)),
            w * w4 / a,
            -w * w4 / (b + x - 1.0),
        ]
    });
    for k in 0..5 {
        total[k] += rows[k];
    }
    total
}

/// Penalised mean negative log-likelihood and its gradient in log-parameters.
fn objective(g: &Grouped, lp: &[f64], scale: f64, pen: f64) -> (f64, Vec<f64>) {
    let p = [lp[0].exp(), lp[1].exp(), lp[2].exp(), lp[3].exp()];
    let ll = log_likelihood(g, p, scale);
    let n = g.total;
    let value = -ll[0] / n + pen * p.iter().map(|v| v * v).sum::<f64>();
    let grad = (0..4)
        .map(|k| p[k] * (-ll[k + 1] / n + 2.0 * pen * p[k]))
        .collect();
    (value, grad)
}

/// Fits the BG/NBD model by maximum likelihood.
///
/// Log-likelihood of a customer (Fader, Hardie & Lee 2005, eq. 6):
/// `ln L = A1 + A2 + ln(e^A3 + [x > 0] e^A4)` with
/// `A1 = ln Γ(r+x) - ln Γ(r) + r ln α`,
/// `A2 = ln Γ(a+b) + ln Γ(b+x) - ln Γ(b) - ln Γ(a+b+x)`,
/// `A3 = -(r+x) ln(α+T)`, `A4 = ln a - ln(b+x-1) - (r+x) ln(α+t_x)`.
/// Minimises the mean negative log-likelihood plus `penalizer_coef · Σ θ²` over `ln θ` by BFGS,
/// with time scaled so the oldest customer has age 1 (as lifetimes), starting from `ln θ = 0.1`.
/// Identical `(x, t_x, T)` rows are evaluated once; terms that depend on `x` only once per
/// distinct `x`.
///
/// # Arguments
/// `frequency`, `recency`, `age`: one entry per customer.
///
/// # Returns
/// [`Fit`] with `params = [r, alpha, a, b]`.
///
/// # Errors
/// [`CoreError::LengthMismatch`], [`CoreError::BadValue`] for invalid rows,
/// [`CoreError::BadParameter`] for an empty table, all ages 0 or a negative penalty,
/// [`CoreError::NotConverged`] when BFGS fails, [`CoreError::Cancelled`].
///
/// # Complexity
/// `O(n log n)` to group, then `O(distinct rows)` per likelihood evaluation.
///
/// # Examples
/// ```
/// use socialcrm::control::Control;
/// use socialcrm::value::bgnbd;
/// // The first 24 customers of the CDNOW sample (weeks).
/// let x = [2., 1., 0., 0., 0., 7., 1., 0., 2., 0., 5., 0., 0., 0., 0., 0., 10., 1., 3., 0., 2.,
///     0., 0., 0.];
/// let tx = [30.43, 1.71, 0., 0., 0., 29.43, 5., 0., 35.71, 0., 24.43, 0., 0., 0., 0., 0., 34.14,
///     4.86, 28.29, 0., 14.57, 0., 0., 0.];
/// let t: Vec<f64> = (0..24).map(|i| if i < 18 { 38.86 } else { 38.71 }).collect();
/// let fit = bgnbd::fit(&x, &tx, &t, &bgnbd::FitConfig::default(), &Control::new()).unwrap();
/// assert_eq!(fit.params.len(), 4);
/// assert!(fit.params.iter().all(|p| p.is_finite() && *p > 0.0));
/// ```
pub fn fit(
    frequency: &[f64],
    recency: &[f64],
    age: &[f64],
    cfg: &FitConfig,
    ctl: &Control,
) -> CoreResult<Fit> {
    let g = group_rows(["frequency", "recency", "T"], frequency, recency, age)?;
    check(&g)?;
    let max_t = g.v.iter().fold(0.0_f64, |m, &v| m.max(v));
    if g.x.is_empty() || max_t <= 0.0 {
        return Err(CoreError::BadParameter {
            name: "T",
            expected: "at least one customer with T > 0",
            got: max_t,
        });
    }
    if !(cfg.penalizer_coef >= 0.0 && cfg.penalizer_coef.is_finite()) {
        return Err(CoreError::BadParameter {
            name: "penalizer_coef",
            expected: "a finite number >= 0",
            got: cfg.penalizer_coef,
        });
    }
    let scale = 1.0 / max_t;
    let pen = cfg.penalizer_coef;
    ctl.start(cfg.max_iter as u64);
    let f = |lp: &[f64]| Ok(objective(&g, lp, scale, pen));
    let Minimum {
        x: lp,
        iterations,
        grad_norm,
        ..
    } = optimize::bfgs(f, &[0.1; 4], cfg.gtol, cfg.max_iter, ctl)?;
    let mut params: Vec<f64> = lp.iter().map(|v| v.exp()).collect();
    params[1] /= scale;
    let p = [params[0], params[1], params[2], params[3]];
    let log_likelihood = log_likelihood(&g, p, 1.0)[0];
    let h = optimize::hessian(|lp| Ok(objective(&g, lp, scale, pen).1), &lp)?;
    let covariance = covariance(&h, &params, g.total);
    Ok(Fit {
        params,
        log_likelihood,
        covariance,
        iterations,
        grad_norm,
        distinct_rows: g.x.len(),
    })
}

/// Covariance of natural parameters from the Hessian `h` of the mean objective in
/// log-parameters at `params` over `n` customers: `Cov(θ) = diag(θ) (n h)⁻¹ diag(θ)`.
pub(crate) fn covariance(h: &[Vec<f64>], params: &[f64], n: f64) -> Option<Vec<Vec<f64>>> {
    let total: Vec<Vec<f64>> = h
        .iter()
        .map(|row| row.iter().map(|v| v * n).collect())
        .collect();
    let inv = optimize::invert(&total)?;
    let k = params.len();
    let cov: Vec<Vec<f64>> = (0..k)
        .map(|i| (0..k).map(|j| params[i] * params[j] * inv[i][j]).collect())
        .collect();
    let positive = (0..k).all(|i| cov[i][i] > 0.0 && cov[i][i].is_finite());
    positive.then_some(cov)
}

fn check_params(p: &[f64; 4]) -> CoreResult<()> {
    for (name, &v) in ["r", "alpha", "a", "b"].iter().zip(p) {
        if !(v > 0.0 && v.is_finite()) {
            return Err(CoreError::BadParameter {
                name,
                expected: "a finite number > 0",
                got: v,
            });
        }
    }
    Ok(())
}

/// `ln` of the odds that a customer has dropped out: `ln(a / (b+x-1)) + (r+x) ln((α+T)/(α+t_x))`,
/// or `-inf` for `x = 0` (a customer without repeat purchases is alive).
fn log_dead_odds(p: &[f64; 4], x: f64, tx: f64, t: f64) -> f64 {
    let [r, alpha, a, b] = *p;
    if x > 0.0 {
        a.ln() - (b + x - 1.0).ln() + (r + x) * ((alpha + t).ln() - (alpha + tx).ln())
    } else {
        f64::NEG_INFINITY
    }
}

/// `E[X(t) | x, t_x, T]` of one customer (eq. 10), through the Euler transformation
/// `₂F₁(r+x, b+x; a+b+x-1; z) = (1-z)^(a-1-r-x) ₂F₁(a+b-1-r, a-1; a+b+x-1; z)`, whose
/// parameters do not grow with `x`, so that
/// `E = (a+b+x-1)/(a-1) · [1 - (1-z)^(a-1) ₂F₁(a+b-1-r, a-1; a+b+x-1; z)] / (1 + e^D)`
/// with `z = t/(α+T+t)` and `D` the log odds of having dropped out.
fn expected_one(p: &[f64; 4], t: f64, x: f64, tx: f64, age: f64) -> Option<f64> {
    if t == 0.0 {
        return Some(0.0);
    }
    let [r, alpha, a, b] = *p;
    let ln_1mz = (alpha + age).ln() - (alpha + age + t).ln();
    let z = t / (alpha + age + t);
    let ln_f = ln_hyp2f1(a + b - 1.0 - r, a - 1.0, a + b + x - 1.0, z)?;
    let second = -(ln_f + (a - 1.0) * ln_1mz).exp_m1();
    let first = (a + b + x - 1.0) / (a - 1.0);
    let value = first * second * (-softplus(log_dead_odds(p, x, tx, age))).exp();
    value.is_finite().then_some(value)
}

fn check_customers(x: &[f64], tx: &[f64], age: &[f64]) -> CoreResult<()> {
    for (name, arr) in [("recency", tx), ("T", age)] {
        if arr.len() != x.len() {
            return Err(CoreError::LengthMismatch {
                name,
                expected: x.len(),
                got: arr.len(),
            });
        }
    }
    Ok(())
}

/// Conditional expected number of repeat purchases in the next `t` time units of each customer,
/// `E[X(T, T+t) | r, α, a, b, x, t_x, T]` (Fader, Hardie & Lee 2005, eq. 10).
///
/// # Errors
/// [`CoreError::BadParameter`] for a parameter that is not positive and finite or a negative
/// `t`; [`CoreError::LengthMismatch`]; [`CoreError::NotConverged`] if the hypergeometric series
/// does not converge for some customer (only for `t` vastly larger than `alpha + T`).
///
/// # Examples
/// ```
/// use socialcrm::value::bgnbd;
/// let p = [0.243, 4.414, 0.793, 2.426];
/// let e = bgnbd::expected_purchases(&p, 39.0, &[2.0], &[30.43], &[38.86]).unwrap();
/// assert!((e[0] - 1.226).abs() < 1e-3);
/// ```
pub fn expected_purchases(
    p: &[f64; 4],
    t: f64,
    x: &[f64],
    tx: &[f64],
    age: &[f64],
) -> CoreResult<Vec<f64>> {
    check_params(p)?;
    check_customers(x, tx, age)?;
    if !(t >= 0.0 && t.is_finite()) {
        return Err(CoreError::BadParameter {
            name: "t",
            expected: "a finite number >= 0",
            got: t,
        });
    }
    let out: Vec<Option<f64>> = (0..x.len())
        .into_par_iter()
        .with_min_len(1024)
        .map(|i| expected_one(p, t, x[i], tx[i], age[i]))
        .collect();
    out.into_iter()
        .map(|v| {
            v.ok_or(CoreError::NotConverged {
                iterations: super::special::HYP2F1_MAX_TERMS,
                residual: f64::NAN,
            })
        })
        .collect()
}

/// Expected number of repeat purchases of a new customer in a period of length `t`
/// (eq. 9): the conditional expectation with `x = t_x = T = 0`.
///
/// # Errors
/// As [`expected_purchases`].
pub fn expected_purchases_new(p: &[f64; 4], t: &[f64]) -> CoreResult<Vec<f64>> {
    let zeros = vec![0.0; 1];
    t.iter()
        .map(|&ti| Ok(expected_purchases(p, ti, &zeros, &zeros, &zeros)?[0]))
        .collect()
}

/// Probability that each customer is still alive (has not dropped out) at `T`:
/// `1 / (1 + [x > 0] a/(b+x-1) · ((α+T)/(α+t_x))^(r+x))` (Fader, Hardie & Lee 2008, note 004).
///
/// # Errors
/// [`CoreError::BadParameter`], [`CoreError::LengthMismatch`].
pub fn p_alive(p: &[f64; 4], x: &[f64], tx: &[f64], age: &[f64]) -> CoreResult<Vec<f64>> {
    check_params(p)?;
    check_customers(x, tx, age)?;
    Ok((0..x.len())
        .into_par_iter()
        .with_min_len(1024)
        .map(|i| (-softplus(log_dead_odds(p, x[i], tx[i], age[i]))).exp())
        .collect())
}

/// Per-customer log-likelihood (no grouping), for checks and model comparison.
///
/// # Errors
/// [`CoreError::BadParameter`], [`CoreError::LengthMismatch`].
pub fn log_likelihoods(p: &[f64; 4], x: &[f64], tx: &[f64], age: &[f64]) -> CoreResult<Vec<f64>> {
    check_params(p)?;
    check_customers(x, tx, age)?;
    Ok((0..x.len())
        .into_par_iter()
        .with_min_len(1024)
        .map(|i| {
            let g = Grouped {
                x: vec![x[i]],
                u: vec![tx[i]],
                v: vec![age[i]],
                w: vec![1.0],
                group: vec![0],
                xs: vec![x[i]],
                xw: vec![1.0],
                total: 1.0,
            };
            log_likelihood(&g, *p, 1.0)[0]
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: [f64; 4] = [0.243, 4.414, 0.793, 2.426];

    #[test]
    fn gradient_matches_finite_differences() {
        let g = group_rows(
            ["x", "u", "v"],
            &[0.0, 1.0, 3.0, 10.0],
            &[0.0, 2.0, 20.0, 30.0],
            &[38.0, 30.0, 25.0, 31.0],
        )
        .unwrap();
        let lp = [0.2_f64, -0.3, 0.4, 1.1];
        let (_, grad) = objective(&g, &lp, 0.03, 0.1);
        for k in 0..4 {
            let h = 1e-6;
            let mut up = lp;
            up[k] += h;
            let mut dn = lp;
            dn[k] -= h;
            let num =
                (objective(&g, &up, 0.03, 0.1).0 - objective(&g, &dn, 0.03, 0.1).0) / (2.0 * h);
            assert!((num - grad[k]).abs() < 1e-7, "{k}: {num} vs {}", grad[k]);
        }
    }

    #[test]
    fn hand_worked_likelihood_of_a_one_time_buyer() {
        // x = 0: L = (α/(α+T))^r (the A4 term is absent, A2 = 0).
        let ll = log_likelihoods(&P, &[0.0], &[0.0], &[10.0]).unwrap();
        let want = P[0] * (P[1] / (P[1] + 10.0)).ln();
        assert!((ll[0] - want).abs() < 1e-14);
    }

    #[test]
    fn expected_purchases_match_the_untransformed_series() {
        // Direct Gauss series of eq. (10) for a small customer, where it converges well.
        let [r, alpha, a, b] = P;
        let (x, tx, age, t) = (2.0, 30.43, 38.86, 39.0);
        let z: f64 = t / (alpha + age + t);
        let (ca, cb, cc) = (r + x, b + x, a + b + x - 1.0);
        let (mut term, mut sum) = (1.0, 1.0);
        for n in 0..2000 {
            let n = f64::from(n);
            term *= (ca + n) * (cb + n) / ((cc + n) * (n + 1.0)) * z;
            sum += term;
        }
        let num = (a + b + x - 1.0) / (a - 1.0) * (1.0 - sum * (1.0 - z).powf(r + x));
        let den = 1.0 + a / (b + x - 1.0) * ((alpha + age) / (alpha + tx)).powf(r + x);
        let e = expected_purchases(&P, t, &[x], &[tx], &[age]).unwrap();
        assert!((e[0] - num / den).abs() < 1e-12 * (num / den));
    }

    #[test]
    fn extreme_customers_give_finite_numbers() {
        let x = [1e4, 1e4, 0.0, 5.0, 1e4];
        let tx = [1e-6, 1e-6, 0.0, 40.0, 0.0];
        let t = [1e-6, 40.0, 1e-9, 40.0, 1e3];
        let e = expected_purchases(&P, 52.0, &x, &tx, &t).unwrap();
        let pa = p_alive(&P, &x, &tx, &t).unwrap();
        assert!(
            e.iter().chain(&pa).all(|v| v.is_finite() && *v >= 0.0),
            "{e:?} {pa:?}"
        );
        assert!(e[0] > 1e3 && pa[1] < 1e-300 && pa[2] == 1.0);
        let ll = log_likelihoods(&P, &x, &tx, &t).unwrap();
        assert!(ll.iter().all(|v| v.is_finite()));
    }

    #[test]
    fn new_customer_expectation_is_zero_at_zero_and_increasing() {
        let e = expected_purchases_new(&P, &[0.0, 1.0, 10.0, 100.0]).unwrap();
        assert_eq!(e[0], 0.0);
        assert!(e.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn bad_parameters_are_rejected() {
        let err = p_alive(&[0.0, 1.0, 1.0, 1.0], &[1.0], &[1.0], &[1.0]).unwrap_err();
        assert!(matches!(err, CoreError::BadParameter { name: "r", .. }));
        let err = expected_purchases(&P, -1.0, &[1.0], &[1.0], &[1.0]).unwrap_err();
        assert!(matches!(err, CoreError::BadParameter { name: "t", .. }));
        let err = fit(
            &[1.0],
            &[2.0],
            &[1.0],
            &FitConfig::default(),
            &Control::new(),
        )
        .unwrap_err();
        assert!(matches!(err, CoreError::BadValue { name: "T", .. }));
    }
}
