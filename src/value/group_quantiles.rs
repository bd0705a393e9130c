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
    check_groups(groups, n_groups)?;
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

/// Per group, the number of distinct items and the summed counts of its most frequent ones:
/// with `c_1 >= c_2 >= ...` the occurrences of each of the `m` distinct items of a group,
/// `top = c_1 + ... + c_k`, `k = ceil(m / top_per)` (e.g. the top 1% of answerers' answers).
///
/// # Arguments
/// * `groups`, `items` - one (group, item) occurrence per position.
/// * `n_groups` - number of groups.
/// * `top_per` - `k = ceil(m / top_per)` (`>= 1`).
/// * `ctl` - cancellation and progress (groups done).
///
/// # Returns
/// `(distinct, top)`, one entry per group.
///
/// # Errors
/// [`CoreError::LengthMismatch`] if `items` and `groups` differ in length;
/// [`CoreError::BadValue`] for a group code `>= n_groups`; [`CoreError::BadParameter`] for
/// `top_per = 0`; [`CoreError::Cancelled`].
///
/// # Complexity
/// `O(n + sum_g m_g log m_g)` time, `O(n)` extra space; parallel over groups, each computed
/// by one task.
///
/// # Examples
/// ```
/// use socialcrm::control::Control;
/// use socialcrm::value::group_item_counts;
///
/// let (distinct, top) =
///     group_item_counts(&[0, 0, 0, 1], &[7, 7, 3, 5], 2, 100, &Control::new()).unwrap();
/// assert_eq!((distinct, top), (vec![2, 1], vec![2, 1]));
/// ```
pub fn group_item_counts(
    groups: &[u32],
    items: &[u32],
    n_groups: usize,
    top_per: usize,
    ctl: &Control,
) -> CoreResult<(Vec<u64>, Vec<u64>)> {
    if groups.len() != items.len() {
        return Err(CoreError::LengthMismatch {
            name: "items",
            expected: groups.len(),
            got: items.len(),
        });
    }
    check_groups(groups, n_groups)?;
    if top_per == 0 {
        return Err(CoreError::BadParameter {
            name: "top_per",
            expected: "at least 1",
            got: 0.0,
        });
    }
    ctl.start(n_groups as u64);
    let mut start = vec![0usize; n_groups + 1];
    for &g in groups {
        start[g as usize + 1] += 1;
    }
    for g in 0..n_groups {
        start[g + 1] += start[g];
    }
    let mut next = start.clone();
    let mut sorted = vec![0u32; groups.len()];
    for (&g, &it) in groups.iter().zip(items) {
        sorted[next[g as usize]] = it;
        next[g as usize] += 1;
    }
    let mut slices = Vec::with_capacity(n_groups);
    let mut rest = sorted.as_mut_slice();
    for g in 0..n_groups {
        let (head, tail) = rest.split_at_mut(start[g + 1] - start[g]);
        slices.push(head);
        rest = tail;
    }
    let per_group: Vec<CoreResult<(u64, u64)>> = slices
        .into_par_iter()
        .map_init(Vec::new, |counts: &mut Vec<u64>, v| {
            ctl.checkpoint()?;
            v.sort_unstable();
            counts.clear();
            for (i, &it) in v.iter().enumerate() {
                match counts.last_mut() {
                    Some(c) if i > 0 && v[i - 1] == it => *c += 1,
                    _ => counts.push(1),
                }
            }
            let k = counts.len().div_ceil(top_per);
            if k > 0 && k < counts.len() {
                counts.select_nth_unstable_by(k - 1, |a, b| b.cmp(a));
            }
            ctl.advance(1);
            Ok((counts.len() as u64, counts[..k].iter().sum()))
        })
        .collect();
    let mut distinct = Vec::with_capacity(n_groups);
    let mut top = Vec::with_capacity(n_groups);
    for r in per_group {
        let (d, t) = r?;
        distinct.push(d);
        top.push(t);
    }
    Ok((distinct, top))
}

fn check_groups(groups: &[u32], n_groups: usize) -> CoreResult<()> {
    match groups.iter().position(|&g| g as usize >= n_groups) {
        Some(row) => Err(CoreError::BadValue {
            name: "groups",
            row,
            expected: "a group code below n_groups",
            got: f64::from(groups[row]),
        }),
        None => Ok(()),
    }
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
    fn item_counts_by_hand() {
        // group 0: item 1 x3, items 2..=101 once each (101 distinct -> top 2: 3 + 1)
        let mut g = vec![0u32; 103];
        let mut it: Vec<u32> = (1..=101).collect();
        it.extend([1, 1]);
        g.extend([2, 2]);
        it.extend([9, 9]);
        let (d, t) = group_item_counts(&g, &it, 3, 100, &Control::new()).unwrap();
        assert_eq!(d, vec![101, 0, 1]);
        assert_eq!(t, vec![4, 0, 2]);
        assert!(matches!(
            group_item_counts(&[0], &[1], 1, 0, &Control::new()),
            Err(CoreError::BadParameter {
                name: "top_per",
                ..
            })
        ));
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
