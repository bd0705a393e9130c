//! Exact rescaling of edge weights by powers of two.
//!
//! Eigenvectors and modularity do not depend on the scale of the weights, but their
//! computations square weight sums: near weights of 1e300 they overflow to infinity, and near
//! 1e-300 they underflow and lose every digit. Multiplying every weight by the same power of two
//! is exact (the ratios are unchanged bit for bit), so such weights are brought near 1 first.

/// Largest binary exponent (either sign) of the largest weight left as it is: weights up to
/// 2^128 (3e38) on rows of up to 2^32 entries keep squared sums far below the overflow
/// threshold, and weights down to 2^-128 far above underflow. Weights in this range are used
/// unchanged, so results there do not move.
const SAFE_WEIGHT_EXPONENT: i32 = 128;

/// `shift` such that multiplying `weights` by `2^-shift` brings the largest near 1: 0 when its
/// binary exponent is within `±SAFE_WEIGHT_EXPONENT`, or when there is no finite non-zero
/// weight.
pub(crate) fn weight_shift(weights: &[f64]) -> i32 {
    let largest = weights.iter().fold(0.0f64, |m, &x| m.max(x.abs()));
    if largest == 0.0 || !largest.is_finite() {
        return 0;
    }
    let exponent = binary_exponent(largest);
    if exponent.abs() <= SAFE_WEIGHT_EXPONENT {
        0
    } else {
        exponent
    }
}

/// `e` with `x = m 2^e`, `m` in `[1, 2)`, for finite `x > 0` (subnormals included).
fn binary_exponent(x: f64) -> i32 {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    if biased == 0 {
        // Subnormal: the leading one of the fraction sets the exponent.
        -1023 - (bits << 12).leading_zeros() as i32
    } else {
        biased - 1023
    }
}

/// `weights` times `2^-shift`, or `None` when `shift` is 0 (use them as they are).
pub(crate) fn scaled(weights: &[f64], shift: i32) -> Option<Vec<f64>> {
    (shift != 0).then(|| weights.iter().map(|&x| times_pow2(x, -shift)).collect())
}

/// `x * 2^k`, exact unless the result overflows or falls below the normal range; in two
/// steps, since `2^k` alone is not representable for `|k|` above 1023.
pub(crate) fn times_pow2(x: f64, k: i32) -> f64 {
    let half = k / 2;
    x * 2f64.powi(half) * 2f64.powi(k - half)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shifts_bring_the_largest_weight_near_one_exactly() {
        for (scale, expect) in [
            (1e300, 998),
            (1e-300, -995),
            (1.0, 0),
            (1e38, 0),
            (1e39, 131),
        ] {
            let w = [3.0 * scale, scale, 0.5 * scale];
            let shift = weight_shift(&w);
            assert_eq!(shift, expect, "{scale}");
            if let Some(s) = scaled(&w, shift) {
                assert!((1.0..2.0).contains(&s[0]), "{s:?}");
                for (a, b) in s.iter().zip(&w) {
                    assert_eq!(times_pow2(*a, shift), *b);
                }
            }
        }
        // The smallest subnormal, 2^-1074, and no weights at all.
        let tiny = f64::from_bits(1);
        assert_eq!(weight_shift(&[tiny]), -1074);
        assert_eq!(scaled(&[tiny], -1074), Some(vec![1.0]));
        assert_eq!(times_pow2(1.0, -1074), tiny);
        assert_eq!(weight_shift(&[]), 0);
        assert_eq!(weight_shift(&[0.0, 0.0]), 0);
    }
}
