//! Customers with identical summaries grouped into weighted rows, and the deterministic chunked
//! sums of per-row likelihood terms.

use crate::error::{CoreError, CoreResult};
use rayon::prelude::*;

/// Rows per chunk of the likelihood sums; fixed so results never depend on the thread count.
pub const CHUNK: usize = 4096;

/// Distinct `(x, u, v)` rows of a customer table, sorted, with how many customers share each,
/// and the distinct `x` values (run-length groups of the sorted rows).
#[derive(Debug, Clone, PartialEq)]
pub struct Grouped {
    /// First key per distinct row (frequency).
    pub x: Vec<f64>,
    /// Second key (recency, or mean spend).
    pub u: Vec<f64>,
    /// Third key (age T; zero when unused).
    pub v: Vec<f64>,
    /// Number of customers with this row.
    pub w: Vec<f64>,
    /// Index of the row's `x` in `xs`.
    pub group: Vec<u32>,
    /// Distinct `x` values.
    pub xs: Vec<f64>,
    /// Customers per distinct `x`.
    pub xw: Vec<f64>,
    /// Total number of customers.
    pub total: f64,
}

/// Checks that the arrays are parallel and finite, then groups identical rows.
///
/// # Errors
/// [`CoreError::LengthMismatch`], or [`CoreError::BadValue`] for a non-finite entry.
pub fn group_rows(
    names: [&'static str; 3],
    x: &[f64],
    u: &[f64],
    v: &[f64],
) -> CoreResult<Grouped> {
    let n = x.len();
    for (name, arr) in names.iter().zip([x, u, v]).skip(1) {
        if arr.len() != n {
            return Err(CoreError::LengthMismatch {
                name,
                expected: n,
                got: arr.len(),
            });
        }
    }
    for (name, arr) in names.iter().zip([x, u, v]) {
        if let Some(row) = arr.iter().position(|a| !a.is_finite()) {
            return Err(CoreError::BadValue {
                name,
                row,
                expected: "finite",
                got: arr[row],
            });
        }
    }
    // Sort the rows themselves (not indices into them): sequential memory access.
    let mut keys: Vec<(f64, f64, f64)> = (0..n).map(|i| (x[i], u[i], v[i])).collect();
    keys.par_sort_unstable_by(|a, b| {
        a.0.total_cmp(&b.0)
            .then(a.1.total_cmp(&b.1))
            .then(a.2.total_cmp(&b.2))
    });
    let mut g = Grouped {
        x: Vec::new(),
        u: Vec::new(),
        v: Vec::new(),
        w: Vec::new(),
        group: Vec::new(),
        xs: Vec::new(),
        xw: Vec::new(),
        total: n as f64,
    };
    for &(a, b, c) in &keys {
        let same = |p: &[f64], q: f64| p.last().is_some_and(|l| l.to_bits() == q.to_bits());
        if same(&g.x, a) && same(&g.u, b) && same(&g.v, c) {
            if let Some(w) = g.w.last_mut() {
                *w += 1.0;
            }
        } else {
            if !same(&g.xs, a) {
                g.xs.push(a);
                g.xw.push(0.0);
            }
            g.x.push(a);
            g.u.push(b);
            g.v.push(c);
            g.w.push(1.0);
            g.group.push((g.xs.len() - 1) as u32);
        }
        if let Some(w) = g.xw.last_mut() {
            *w += 1.0;
        }
    }
    Ok(g)
}

/// `Σ_rows term(row)` over fixed chunks of [`CHUNK`] rows combined in chunk order, so the bits
/// do not depend on the thread count. `term` returns the value and its `K - 1` derivatives.
pub fn chunked_sum<const K: usize>(
    n_rows: usize,
    term: impl Fn(usize) -> [f64; K] + Sync,
) -> [f64; K] {
    let starts: Vec<usize> = (0..n_rows).step_by(CHUNK).collect();
    let partials: Vec<[f64; K]> = starts
        .par_iter()
        .map(|&s| {
            let mut acc = [0.0; K];
            for i in s..(s + CHUNK).min(n_rows) {
                let t = term(i);
                for k in 0..K {
                    acc[k] += t[k];
                }
            }
            acc
        })
        .collect();
    let mut total = [0.0; K];
    for p in &partials {
        for k in 0..K {
            total[k] += p[k];
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_rows_are_merged_and_x_grouped() {
        let g = group_rows(
            ["x", "u", "v"],
            &[1.0, 0.0, 1.0, 1.0],
            &[2.0, 0.0, 2.0, 3.0],
            &[5.0, 5.0, 5.0, 5.0],
        )
        .unwrap();
        assert_eq!(g.x, vec![0.0, 1.0, 1.0]);
        assert_eq!(g.u, vec![0.0, 2.0, 3.0]);
        assert_eq!(g.w, vec![1.0, 2.0, 1.0]);
        assert_eq!(g.group, vec![0, 1, 1]);
        assert_eq!(g.xs, vec![0.0, 1.0]);
        assert_eq!(g.xw, vec![1.0, 3.0]);
        assert_eq!(g.total, 4.0);
    }

    #[test]
    fn bad_rows_are_reported() {
        let err = group_rows(["x", "u", "v"], &[1.0], &[1.0, 2.0], &[1.0]).unwrap_err();
        assert!(matches!(err, CoreError::LengthMismatch { name: "u", .. }));
        let err = group_rows(["x", "u", "v"], &[1.0, f64::NAN], &[1.0; 2], &[1.0; 2]).unwrap_err();
        assert!(matches!(
            err,
            CoreError::BadValue {
                name: "x",
                row: 1,
                ..
            }
        ));
    }

    #[test]
    fn chunked_sum_is_identical_on_one_and_four_threads() {
        let f = |i: usize| [1.0 / (1.0 + i as f64), i as f64];
        let one = crate::parallel::with_threads(Some(1), || Ok(chunked_sum(100_000, f))).unwrap();
        let four = crate::parallel::with_threads(Some(4), || Ok(chunked_sum(100_000, f))).unwrap();
        assert_eq!(one[0].to_bits(), four[0].to_bits());
        assert_eq!(one[1], 4_999_950_000.0);
    }
}
