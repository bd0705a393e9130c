//! Special functions of the purchase models: ln-gamma, digamma, the Gauss hypergeometric
//! function in log space, and log-sum-exp.

/// `ln Γ(x)` for `x > 0`.
pub fn ln_gamma(x: f64) -> f64 {
    libm::lgamma(x)
}

/// Digamma `ψ(x) = d ln Γ(x) / dx` for `x > 0`: upward recurrence to `x >= 10`, then the
/// asymptotic (Stirling) series; absolute error below 1e-14.
pub fn digamma(x: f64) -> f64 {
    let mut x = x;
    let mut acc = 0.0;
    // ψ(x) = ψ(x + 1) - 1/x
    while x < 10.0 {
        acc -= 1.0 / x;
        x += 1.0;
    }
    let inv = 1.0 / x;
    let inv2 = inv * inv;
    // ψ(x) ~ ln x - 1/(2x) - Σ B_2k / (2k x^2k)
    let series = inv2
        * (1.0 / 12.0
            - inv2
                * (1.0 / 120.0
                    - inv2
                        * (1.0 / 252.0
                            - inv2
                                * (1.0 / 240.0
                                    - inv2 * (1.0 / 132.0 - inv2 * (691.0 / 32760.0))))));
    acc + x.ln() - 0.5 * inv - series
}

/// `ln(e^u + e^v)` without overflow; `-inf` terms are allowed.
pub fn log_add_exp(u: f64, v: f64) -> f64 {
    let m = u.max(v);
    if m == f64::NEG_INFINITY {
        return m;
    }
    m + ((u - m).exp() + (v - m).exp()).ln()
}

/// `ln(1 + e^u)` without overflow.
pub fn softplus(u: f64) -> f64 {
    if u > 0.0 {
        u + (-u).exp().ln_1p()
    } else {
        u.exp().ln_1p()
    }
}

/// Most series terms summed by [`ln_hyp2f1`] before it gives up.
pub const HYP2F1_MAX_TERMS: usize = 2_000_000;

/// `ln ₂F₁(a, b; c; z)` for `0 <= z < 1` and `c > 0`, by the Gauss series
/// `Σ (a)ₙ (b)ₙ / ((c)ₙ n!) zⁿ`, summed with a running scale so that huge values (large `a`,
/// `b`) do not overflow. Returns `None` if the sum is not positive or the series has not
/// converged after [`HYP2F1_MAX_TERMS`] terms.
///
/// Callers pass the Euler-transformed parameters `(c - a, c - b)`, which keep the terms small
/// for the purchase models (see `bgnbd`).
pub fn ln_hyp2f1(a: f64, b: f64, c: f64, z: f64) -> Option<f64> {
    if z == 0.0 {
        return Some(0.0);
    }
    const BIG: f64 = 1e250;
    let mut scale = 0.0_f64; // ln of the factor divided out of `sum` and `term`
    let mut sum = 1.0_f64;
    let mut term = 1.0_f64;
    for n in 0..HYP2F1_MAX_TERMS {
        let nf = n as f64;
        term *= (a + nf) * (b + nf) / ((c + nf) * (nf + 1.0)) * z;
        sum += term;
        if term == 0.0 {
            return (sum > 0.0).then(|| sum.ln() + scale);
        }
        if term.abs() <= 1e-17 * sum.abs() {
            // Once the term ratio rho is below 1 and heading to z, the tail is at most
            // term * q / (1 - q) with q = max(rho, z): stop when that is negligible too.
            let n1 = nf + 1.0;
            let rho = ((a + n1) * (b + n1) / ((c + n1) * (n1 + 1.0)) * z).abs();
            let q = rho.max(z);
            if q < 1.0 && term.abs() * q / (1.0 - q) <= 1e-16 * sum.abs() {
                return (sum > 0.0).then(|| sum.ln() + scale);
            }
        }
        if sum.abs() > BIG {
            sum /= BIG;
            term /= BIG;
            scale += BIG.ln();
        }
        if !sum.is_finite() {
            return None;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * (1.0 + b.abs())
    }

    #[test]
    fn digamma_known_values() {
        // ψ(1) = -γ, ψ(1/2) = -γ - 2 ln 2, ψ(10) = H_9 - γ
        let euler = 0.577_215_664_901_532_9;
        assert!(close(digamma(1.0), -euler, 1e-14));
        assert!(close(digamma(0.5), -euler - 2.0 * 2f64.ln(), 1e-14));
        let h9: f64 = (1..10).map(|k| 1.0 / f64::from(k)).sum();
        assert!(close(digamma(10.0), h9 - euler, 1e-14));
    }

    #[test]
    fn digamma_is_the_derivative_of_ln_gamma() {
        for &x in &[0.01, 0.3, 2.5, 7.0, 123.4, 1e4] {
            let h = 1e-5 * x;
            let num = (ln_gamma(x + h) - ln_gamma(x - h)) / (2.0 * h);
            assert!(close(digamma(x), num, 1e-6), "{x}");
        }
    }

    #[test]
    fn hyp2f1_closed_forms() {
        // 2F1(1, 1; 2; z) = -ln(1 - z) / z
        for &z in &[0.1, 0.5, 0.9, 0.99] {
            let v = ln_hyp2f1(1.0, 1.0, 2.0, z).unwrap().exp();
            assert!(close(v, -(1.0 - z).ln() / z, 1e-13), "{z}");
        }
        // 2F1(a, b; b; z) = (1 - z)^(-a), also for huge values
        let v = ln_hyp2f1(2000.0, 3.0, 3.0, 0.9).unwrap();
        assert!(close(v, -2000.0 * 0.1f64.ln(), 1e-12));
        // a terminating series: 2F1(-2, b; c; z) = 1 - 2bz/c + b(b+1)z^2/(c(c+1))
        let (b, c, z) = (1.5, 2.5, 0.4);
        let want = 1.0 - 2.0 * b * z / c + b * (b + 1.0) * z * z / (c * (c + 1.0));
        assert!(close(ln_hyp2f1(-2.0, b, c, z).unwrap().exp(), want, 1e-14));
        assert_eq!(ln_hyp2f1(0.3, 0.4, 0.5, 0.0), Some(0.0));
    }

    #[test]
    fn log_add_exp_and_softplus_do_not_overflow() {
        assert!(close(
            log_add_exp(1000.0, 1000.0),
            1000.0 + 2f64.ln(),
            1e-15
        ));
        assert_eq!(log_add_exp(f64::NEG_INFINITY, 3.0), 3.0);
        assert_eq!(softplus(1000.0), 1000.0);
        assert!(close(softplus(0.0), 2f64.ln(), 1e-15));
        assert!(softplus(-800.0) >= 0.0);
    }
}
