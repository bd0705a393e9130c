//! Parallel helpers whose results do not depend on the number of threads.

use crate::error::{CoreError, CoreResult};
use rayon::ThreadPool;
use rayon::prelude::*;
use std::cell::OnceCell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// Sum whose bits do not depend on the number of threads: fixed chunks, then a sequential fold.
pub fn stable_sum(xs: &[f64]) -> f64 {
    let partials: Vec<f64> = xs
        .par_chunks(4096)
        .map(|c| c.iter().fold(0.0, |a, x| a + x))
        .collect();
    partials.iter().fold(0.0, |a, x| a + x)
}

/// Runs `job` on a thread of the global rayon pool (which honours `RAYON_NUM_THREADS`), or of a
/// pool of exactly `n_threads` threads when given. Pools of up to [`CACHED_POOL_MAX_THREADS`]
/// threads are built once per thread count and process and reused (their threads sleep between
/// jobs); a larger or a rarely used count gets a pool of its own for this call only.
///
/// The job runs on a pool thread, not the caller's, so that each of its parallel steps is pushed
/// to that thread's own queue and shared by stealing; from outside the pool, each step would be
/// injected, the caller blocked until a pool thread woke to take it, and the caller's thread
/// idle meanwhile (a Leiden run on a graph of 10^5 nodes is about 9% slower so).
///
/// # Errors
/// [`CoreError::BadParameter`] if `n_threads` is zero or the pool cannot be created; otherwise
/// whatever `job` returns.
pub fn with_threads<T: Send>(
    n_threads: Option<usize>,
    job: impl FnOnce() -> CoreResult<T> + Send,
) -> CoreResult<T> {
    match n_threads {
        // `scope` runs its body on a thread of the global pool (right here if this is one).
        None => rayon::scope(|_| job()),
        Some(n) => {
            let bad = || CoreError::BadParameter {
                name: "n_threads",
                expected: "a positive number of threads the system can start",
                got: n as f64,
            };
            if n == 0 {
                return Err(bad());
            }
            match cached_pool(n) {
                Some(pool) => pool.install(job),
                None => build_pool(n).map_err(|_| bad())?.install(job),
            }
        }
    }
}

/// Largest thread count whose pool [`with_threads`] keeps for reuse.
pub const CACHED_POOL_MAX_THREADS: usize = 64;
/// Most pools [`with_threads`] keeps (distinct thread counts).
pub const CACHED_POOLS_MAX: usize = 8;

struct CachedPool {
    threads: usize,
    /// Process that built the pool: a child forked after the build has none of its threads.
    pid: u32,
    pool: Arc<ThreadPool>,
}

static POOLS: Mutex<Vec<CachedPool>> = Mutex::new(Vec::new());
static POOL_SERIAL: AtomicUsize = AtomicUsize::new(0);

fn build_pool(n: usize) -> Result<ThreadPool, rayon::ThreadPoolBuildError> {
    let serial = POOL_SERIAL.fetch_add(1, Ordering::Relaxed);
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .thread_name(move |i| format!("socialcrm-pool{serial}-{n}x-{i}"))
        .build()
}

/// The reusable pool of `n` threads, built on first use; `None` when `n` is too large to keep, the
/// cache is full, or the pool cannot be built (the caller then builds one for the call).
fn cached_pool(n: usize) -> Option<Arc<ThreadPool>> {
    if n > CACHED_POOL_MAX_THREADS {
        return None;
    }
    let pid = std::process::id();
    let mut pools = POOLS.lock().unwrap_or_else(PoisonError::into_inner);
    if pools.iter().any(|p| p.pid != pid) {
        // Forked: the parent's pool threads do not exist here. Never drop those pools (that would
        // signal threads that are not there); forget them and start afresh.
        for stale in pools.drain(..) {
            std::mem::forget(stale.pool);
        }
    }
    if let Some(p) = pools.iter().find(|p| p.threads == n) {
        return Some(Arc::clone(&p.pool));
    }
    if pools.len() >= CACHED_POOLS_MAX {
        return None;
    }
    let pool = Arc::new(build_pool(n).ok()?);
    pools.push(CachedPool {
        threads: n,
        pid,
        pool: Arc::clone(&pool),
    });
    Some(pool)
}

/// Most threads [`solo`] turns into single-thread pools (each costs a few kilobytes, kept for
/// the life of the process); further threads run their job on the global pool.
pub const SOLO_THREADS_MAX: usize = 64;

static SOLO_THREADS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static SOLO: OnceCell<Option<&'static ThreadPool>> = const { OnceCell::new() };
}

/// Runs `job` on the calling thread alone: any rayon work inside it runs sequentially right here,
/// with no hand-over to pool threads and no wake-ups, which is what a job of microseconds wants.
/// The first call on a thread makes that thread the only worker of a pool of its own (for the
/// life of the thread, and for at most [`SOLO_THREADS_MAX`] threads; beyond them, or on a thread
/// that already works for another pool, `job` runs as is). Results do not depend on the thread
/// count, so they are those of any other pool.
pub fn solo<T: Send>(job: impl FnOnce() -> T + Send) -> T {
    let pool = SOLO.with(|cell| {
        *cell.get_or_init(|| {
            if SOLO_THREADS.fetch_add(1, Ordering::Relaxed) >= SOLO_THREADS_MAX {
                return None;
            }
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .use_current_thread()
                .build()
                .ok()?;
            // The pool owns this very thread, so it is never dropped (rayon leaks it anyway).
            Some(&*Box::leak(Box::new(pool)))
        })
    });
    match pool {
        Some(pool) => pool.install(job),
        None => job(),
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
    fn explicit_thread_counts_reuse_one_pool_each() {
        let name = || std::thread::current().name().map(str::to_owned);
        let threads = || Ok((rayon::current_num_threads(), name()));
        let (a, pa) = with_threads(Some(3), threads).unwrap();
        let (b, pb) = with_threads(Some(3), threads).unwrap();
        let (c, pc) = with_threads(Some(2), threads).unwrap();
        assert_eq!((a, b, c), (3, 3, 2));
        let pool = |p: Option<String>| p.and_then(|s| s.rsplit_once('-').map(|x| x.0.to_owned()));
        assert!(pool(pa.clone()).is_some_and(|p| p.ends_with("-3x")));
        assert_eq!(pool(pa), pool(pb));
        assert!(pool(pc).is_some_and(|p| p.ends_with("-2x")));
    }

    #[test]
    fn jobs_run_on_a_pool_thread() {
        // Run from a thread outside every pool, as the bindings' helper thread is: the job
        // itself must move onto a pool thread, with or without an explicit count.
        let on_pool = std::thread::spawn(|| {
            [None, Some(2)]
                .map(|n| with_threads(n, || Ok(rayon::current_thread_index().is_some())).unwrap())
        })
        .join()
        .unwrap();
        assert_eq!(on_pool, [true, true]);
    }

    #[test]
    fn thread_counts_beyond_the_cache_still_run() {
        let n = CACHED_POOL_MAX_THREADS + 1;
        let got = with_threads(Some(n), || Ok(rayon::current_num_threads())).unwrap();
        assert_eq!(got, n);
    }

    #[test]
    fn solo_runs_rayon_work_on_the_calling_thread() {
        let (threads, ids, caller) = std::thread::spawn(|| {
            let caller = std::thread::current().id();
            let (threads, ids) = solo(|| {
                let ids: Vec<_> = (0..64)
                    .into_par_iter()
                    .map(|_| std::thread::current().id())
                    .collect();
                (rayon::current_num_threads(), ids)
            });
            (threads, ids, caller)
        })
        .join()
        .unwrap();
        assert_eq!(threads, 1);
        assert!(ids.iter().all(|&id| id == caller));
        let xs: Vec<f64> = (0..100_000).map(|i| 1.0 / (1.0 + f64::from(i))).collect();
        let alone = std::thread::spawn(move || solo(|| stable_sum(&xs)));
        let xs: Vec<f64> = (0..100_000).map(|i| 1.0 / (1.0 + f64::from(i))).collect();
        assert_eq!(alone.join().unwrap().to_bits(), stable_sum(&xs).to_bits());
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
