//! Parallel helpers whose results do not depend on the number of threads.

use crate::error::{CoreError, CoreResult};
use rayon::prelude::*;

/// Sum whose bits do not depend on the number of threads: fixed chunks, then a sequential fold.
pub fn stable_sum(xs: &[f64]) -> f64 {
    let partials: Vec<f64> = xs
        .par_chunks(4096)
        .map(|c| c.iter().fold(0.0, |a, x| a + x))
        .collect();
    partials.iter().fold(0.0, |a, x| a + x)
}

/// Runs `job` on the global rayon pool (which honours `RAYON_NUM_THREADS`), or on a local pool
/// of exactly `n_threads` threads when given.
///
/// # Errors
/// [`CoreError::BadParameter`] if `n_threads` is zero or the pool cannot be created; otherwise
/// whatever `job` returns.
pub fn with_threads<T: Send>(
    n_threads: Option<usize>,
    job: impl FnOnce() -> CoreResult<T> + Send,
) -> CoreResult<T> {
    match n_threads {
        None => job(),
        Some(n) => {
            let bad = || CoreError::BadParameter {
                name: "n_threads",
                expected: "a positive number of threads the system can start",
                got: n as f64,
            };
            if n == 0 {
                return Err(bad());
            }
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map_err(|_| bad())?;
            pool.install(job)
        }
    }
}

/// Splits `0..n` into at most `parts` contiguous ranges of roughly equal `weight`, where `offsets`
/// (length `n + 1`, non-decreasing) gives the cumulative weight. Returns the range boundaries
/// (first 0, last `n`). The split depends only on the data, so work is always cut the same way.
pub fn balanced_bounds(offsets: &[usize], parts: usize) -> Vec<usize> {
    let n = offsets.len().saturating_sub(1);
    let total = offsets.last().copied().unwrap_or(0);
    let parts = parts.max(1);
    let mut bounds = vec![0];
    for k in 1..parts {
        let goal = total / parts * k + (total % parts) * k / parts;
        let at = offsets.partition_point(|&o| o < goal).min(n);
        if at > *bounds.last().unwrap_or(&0) {
            bounds.push(at);
        }
    }
    if *bounds.last().unwrap_or(&0) < n || bounds.len() == 1 {
        bounds.push(n);
    }
    bounds
}

/// Number of chunks to cut work into: enough for load balance, fixed so results never depend on
/// the pool size.
pub const WORK_CHUNKS: usize = 256;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_sum_matches_sequential_sum_on_integers() {
        let xs: Vec<f64> = (0..10_000).map(f64::from).collect();
        assert_eq!(stable_sum(&xs), 49_995_000.0);
    }

    #[test]
    fn stable_sum_is_identical_on_one_and_four_threads() {
        let xs: Vec<f64> = (0..100_000).map(|i| 1.0 / (1.0 + f64::from(i))).collect();
        let one = with_threads(Some(1), || Ok(stable_sum(&xs))).unwrap();
        let four = with_threads(Some(4), || Ok(stable_sum(&xs))).unwrap();
        assert_eq!(one.to_bits(), four.to_bits());
    }

    #[test]
    fn zero_threads_is_a_bad_parameter() {
        let err = with_threads(Some(0), || Ok(())).unwrap_err();
        assert!(matches!(
            err,
            CoreError::BadParameter {
                name: "n_threads",
                ..
            }
        ));
    }

    #[test]
    fn balanced_bounds_cover_everything_in_order() {
        let offsets = [0, 5, 5, 6, 20, 21, 30];
        let b = balanced_bounds(&offsets, 3);
        assert_eq!(b.first(), Some(&0));
        assert_eq!(b.last(), Some(&6));
        assert!(b.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(balanced_bounds(&[0], 4), vec![0, 0]);
    }
}
