//! Recency-frequency-monetary summaries of transaction logs, in whole periods.

use crate::control::Control;
use crate::error::{CoreError, CoreResult};
use rayon::prelude::*;

/// Per-customer summary, in periods.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rfm {
    /// Distinct purchase periods minus one.
    pub frequency: Vec<f64>,
    /// Last minus first purchase period.
    pub recency: Vec<f64>,
    /// End period minus first purchase period.
    pub age: Vec<f64>,
    /// Mean spend per repeat period (spend summed within a period; the first period excluded);
    /// 0 without repeat periods.
    pub monetary: Vec<f64>,
    /// Mean spend per transaction over all the customer's transactions.
    pub mean_amount: Vec<f64>,
}

/// Summarises transactions `(customer code, period, amount)` per customer `0..n_customers`:
/// the counting of lifetimes' `summary_data_from_transaction_data`.
///
/// Customers without transactions get zeros. Within a customer, amounts are summed in period
/// order and, within a period, in row order, so the result does not depend on threads.
///
/// # Errors
/// [`CoreError::LengthMismatch`]; [`CoreError::NodeOutOfRange`] for a code `>= n_customers`;
/// [`CoreError::BadValue`] for a period after `end`; [`CoreError::Cancelled`].
///
/// # Complexity
/// `O(rows + n_customers + Σ k log k)` time for `k` rows per customer, `O(rows)` extra space.
///
/// # Examples
/// ```
/// use socialcrm::{control::Control, value::rfm};
/// let s = rfm::summarize(&[0, 0, 0, 1], &[3, 3, 5, 4], Some(&[1.0, 2.0, 4.0, 9.0]), 2, 6,
///     &Control::new()).unwrap();
/// assert_eq!((s.frequency[0], s.recency[0], s.age[0], s.monetary[0]), (1.0, 2.0, 3.0, 4.0));
/// ```
pub fn summarize(
    codes: &[u32],
    periods: &[i64],
    amounts: Option<&[f64]>,
    n_customers: usize,
    end: i64,
    ctl: &Control,
) -> CoreResult<Rfm> {
    let n = codes.len();
    if periods.len() != n {
        return Err(CoreError::LengthMismatch {
            name: "periods",
            expected: n,
            got: periods.len(),
        });
    }
    if let Some(a) = amounts
        && a.len() != n
    {
        return Err(CoreError::LengthMismatch {
            name: "amounts",
            expected: n,
            got: a.len(),
        });
    }
    if let Some(row) = periods.iter().position(|&p| p > end) {
        return Err(CoreError::BadValue {
            name: "periods",
            row,
            expected: "<= the end period",
            got: periods[row] as f64,
        });
    }
    // Counting sort of row indices by customer (stable: row order kept within a customer).
    let mut offsets = vec![0usize; n_customers + 1];
    for (row, &c) in codes.iter().enumerate() {
        let c = c as usize;
        if c >= n_customers {
            return Err(CoreError::NodeOutOfRange {
                row,
                code: c as u32,
                n_nodes: n_customers,
            });
        }
        offsets[c + 1] += 1;
    }
    for i in 0..n_customers {
        offsets[i + 1] += offsets[i];
    }
    let mut next = offsets.clone();
    let mut rows = vec![0u32; n];
    for (row, &c) in codes.iter().enumerate() {
        rows[next[c as usize]] = row as u32;
        next[c as usize] += 1;
    }
    ctl.checkpoint()?;
    ctl.start(n_customers as u64);
    let per: Vec<[f64; 5]> = (0..n_customers)
        .into_par_iter()
        .with_min_len(4096)
        .map(|c| {
            let mut mine: Vec<(i64, u32)> = rows[offsets[c]..offsets[c + 1]]
                .iter()
                .map(|&r| (periods[r as usize], r))
                .collect();
            mine.sort_unstable();
            one_customer(&mine, amounts, end)
        })
        .collect();
    ctl.advance(n_customers as u64);
    let mut out = Rfm::default();
    for s in per {
        out.frequency.push(s[0]);
        out.recency.push(s[1]);
        out.age.push(s[2]);
        out.monetary.push(s[3]);
        out.mean_amount.push(s[4]);
    }
    Ok(out)
}

/// Summary of one customer's `(period, row)` pairs sorted by period then row.
fn one_customer(mine: &[(i64, u32)], amounts: Option<&[f64]>, end: i64) -> [f64; 5] {
    let (Some(&(first, _)), Some(&(last, _))) = (mine.first(), mine.last()) else {
        return [0.0; 5];
    };
    let amount = |r: u32| amounts.map_or(0.0, |a| a[r as usize]);
    let (mut distinct, mut repeat_spend, mut total) = (0usize, 0.0, 0.0);
    let mut current = (first, 0.0);
    for &(p, r) in mine {
        total += amount(r);
        if p != current.0 {
            if current.0 != first {
                repeat_spend += current.1;
            }
            distinct += 1;
            current = (p, 0.0);
        }
        current.1 += amount(r);
    }
    if current.0 != first {
        repeat_spend += current.1;
    }
    let frequency = distinct as f64;
    let monetary = if distinct > 0 {
        repeat_spend / frequency
    } else {
        0.0
    };
    [
        frequency,
        (last - first) as f64,
        (end - first) as f64,
        monetary,
        total / mine.len() as f64,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_worked_summary() {
        // Customer 0: periods 3 (1 + 2), 5 (4), 7 (10 + 20). Customer 1: none. Customer 2: 6.
        let codes = [0, 2, 0, 0, 0, 0];
        let periods = [3, 6, 3, 5, 7, 7];
        let amounts = [1.0, 8.0, 2.0, 4.0, 10.0, 20.0];
        let s = summarize(&codes, &periods, Some(&amounts), 3, 9, &Control::new()).unwrap();
        assert_eq!(s.frequency, vec![2.0, 0.0, 0.0]);
        assert_eq!(s.recency, vec![4.0, 0.0, 0.0]);
        assert_eq!(s.age, vec![6.0, 0.0, 3.0]);
        assert_eq!(s.monetary, vec![17.0, 0.0, 0.0]);
        assert_eq!(s.mean_amount, vec![37.0 / 5.0, 0.0, 8.0]);
    }

    #[test]
    fn bad_rows_are_reported() {
        let c = Control::new();
        let err = summarize(&[0, 3], &[1, 1], None, 2, 5, &c).unwrap_err();
        assert!(matches!(
            err,
            CoreError::NodeOutOfRange {
                row: 1,
                code: 3,
                ..
            }
        ));
        let err = summarize(&[0], &[9], None, 1, 5, &c).unwrap_err();
        assert!(matches!(
            err,
            CoreError::BadValue {
                name: "periods",
                ..
            }
        ));
        let err = summarize(&[0], &[1, 2], None, 1, 5, &c).unwrap_err();
        assert!(matches!(err, CoreError::LengthMismatch { .. }));
    }
}
