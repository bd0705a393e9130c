//! Quantiles of values per group (e.g. median and 90th percentile of response times per
//! community and period), for the co-creation tables.

use crate::control::Control;
use crate::error::{CoreError, CoreResult};
use rayon::prelude::*;

/// Quantiles of `values` within each group, NaN values skipped, with linear interpolation
/// between order statistics (numpy's and pandas' default): with the `m` sorted values `v` of a
/// group and `h = (m - 1) q`, the quantile is `v[floor h] + (v[floor h + 1] - v[floor h]) (h -
/// floor h)`; an exact midpoint is `(v[lo] + v[lo + 1]) / 2`. A group without values gets NaN.
///
/// # Arguments
/// * `groups` - group `0..n_groups` of each value.
/// * `values` - the values (NaN = missing).
/// * `n_groups` - number of groups.
/// * `qs` - quantile levels in `[0, 1]`.
/// * `ctl` - cancellation and progress (groups done).
///
/// # Returns
/// Row-major `n_groups x qs.len()`: entry `g * qs.len() + k` is quantile `qs[k]` of group `g`.
///
/// # Errors
/// [`CoreError::LengthMismatch`] if `values` and `groups` differ in length;
/// [`CoreError::BadValue`] for a group code `>= n_groups`; [`CoreError::BadParameter`] for a
/// level outside `[0, 1]`; [`CoreError::Cancelled`].
///
/// # Complexity
/// `O(n + sum_g m_g log m_g)` time (a counting sort by group, then one sort per group,
/// parallel over groups), `O(n)` extra space. Each group is computed by one task, so results
/// do not depend on the thread count.
///
/// # Examples
/// ```
/// use socialcrm::control::Control;
/// use socialcrm::value::group_quantiles;
///
/// let q = group_quantiles(&[0, 0, 0, 1], &[3.0, 1.0, 2.0, f64::NAN], 2, &[0.5], &Control::new())
///     .unwrap();
/// assert_eq!(q[0], 2.0);
/// assert!(q[1].is_nan());
/// ```
pub fn group_quantiles(
    groups: &[u32],
    values: &[f64],
    n_groups: usize,
    qs: &[f64],
    ctl: &Control,
) -> CoreResult<Vec<f64>> {
    if groups.len() != values.len() {
        return Err(CoreError::LengthMismatch {
            name: "values",
            expected: groups.len(),
            got: values.len(),
        });
    }
    if let Some(row) = groups.iter().position(|&g| g as usize >= n_groups) {
        return Err(CoreError::BadValue {
            name: "groups",
            row,
            expected: "a group code below n_groups",
            got: f64::from(groups[row]),
        });
    }
    if let Some(&q) = qs.iter().find(|q| !(0.0..=1.0).contains(*q)) {
        return Err(CoreError::BadParameter {
            name: "qs",
            expected: "levels in [0, 1]",
            got: q,
        });
    }
    ctl.start(n_groups as u64);
    // Counting sort of the non-missing values by group.
    let mut start = vec![0usize; n_groups + 1];
    for (&g, v) in groups.iter().zip(values) {
        if !v.is_nan() {
            start[g as usize + 1] += 1;
        }
    }
    for g in 0..n_groups {
        start[g + 1] += start[g];
    }
    let mut next = start.clone();
    let mut sorted = vec![0.0; start[n_groups]];
    for (&g, &v) in groups.iter().zip(values) {
        if !v.is_nan() {
            sorted[next[g as usize]] = v;
            next[g as usize] += 1;
        }
    }
    let width = qs.len();
    let mut out = vec![f64::NAN; n_groups * width];
    if width == 0 {
        return Ok(out);
    }
    // Split the sorted buffer into one slice per group, then sort and read each in parallel.
    let mut slices = Vec::with_capacity(n_groups);
    let mut rest = sorted.as_mut_slice();
    for g in 0..n_groups {
        let (head, tail) = rest.split_at_mut(start[g + 1] - start[g]);
        slices.push(head);
        rest = tail;
    }
    out.par_chunks_mut(width)
        .zip(slices.into_par_iter())
        .try_for_each(|(row, v)| {
            ctl.checkpoint()?;
            v.sort_unstable_by(f64::total_cmp);
            if !v.is_empty() {
                for (o, &q) in row.iter_mut().zip(qs) {
                    *o = interpolate(v, q);
                }
            }
            ctl.advance(1);
            Ok(())
        })?;
    Ok(out)
}

/// Linear-interpolation quantile of the sorted, non-empty `v`.
fn interpolate(v: &[f64], q: f64) -> f64 {
    let h = (v.len() - 1) as f64 * q;
    let lo = h.floor();
    let frac = h - lo;
    let lo = lo as usize;
    let (below, above) = (v[lo], v[(lo + 1).min(v.len() - 1)]);
    if frac == 0.5 {
        (below + above) / 2.0
    } else {
        below + (above - below) * frac
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_p90_by_hand() {
        let g = [0, 1, 0, 0, 0, 1, 2];
        let v = [4.0, 9.0, 1.0, 3.0, 2.0, f64::NAN, f64::NAN];
        let q = group_quantiles(&g, &v, 4, &[0.5, 0.9], &Control::new()).unwrap();
        // group 0: 1 2 3 4 -> median 2.5, p90 at h = 2.7: 3 + 0.7
        assert_eq!(q[0], 2.5);
        assert!((q[1] - 3.7).abs() < 1e-12);
        assert_eq!((q[2], q[3]), (9.0, 9.0));
        assert!(q[4].is_nan() && q[5].is_nan() && q[6].is_nan() && q[7].is_nan());
    }

    #[test]
    fn bad_input_is_an_error() {
        let ctl = Control::new();
        assert!(matches!(
            group_quantiles(&[0], &[1.0, 2.0], 1, &[0.5], &ctl),
            Err(CoreError::LengthMismatch { .. })
        ));
        assert!(matches!(
            group_quantiles(&[0, 3], &[1.0, 2.0], 2, &[0.5], &ctl),
            Err(CoreError::BadValue { row: 1, .. })
        ));
        assert!(matches!(
            group_quantiles(&[0], &[1.0], 1, &[1.5], &ctl),
            Err(CoreError::BadParameter { name: "qs", .. })
        ));
        ctl.cancel();
        assert_eq!(
            group_quantiles(&[0], &[1.0], 1, &[0.5], &ctl),
            Err(CoreError::Cancelled)
        );
    }

    #[test]
    fn identical_on_one_and_four_threads() {
        let g: Vec<u32> = (0..5000u32).map(|i| (i * 7919) % 37).collect();
        let v: Vec<f64> = (0..5000).map(|i| f64::from((i * 104_729) % 1013)).collect();
        let run = |t| {
            crate::parallel::with_threads(Some(t), || {
                group_quantiles(&g, &v, 40, &[0.1, 0.5, 0.9], &Control::new())
            })
            .unwrap()
        };
        let (one, four) = (run(1), run(4));
        assert_eq!(
            one.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
            four.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
        );
    }
}
