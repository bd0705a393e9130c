//! Machinery shared by the shortest-path measures (exact and sampled betweenness, harmonic
//! closeness): adjacency views with edge lengths, reusable BFS and Dijkstra workspaces, a
//! deterministic parallel driver over fixed chunks of work, fixed-point accumulation, and an
//! upper bound on the vertex diameter.
//!
//! Edge lengths: a customer graph's weight is tie strength, so a weighted shortest path uses the
//! distance `1 / w` per edge (strong ties are short). An edge of weight 0 has infinite length and
//! is never on a shortest path. Two path lengths are taken as equal when they differ by at most
//! [`TIE_TOLERANCE`] relative to the larger one, so sums such as `1/3 + 1/3 + 1/3` and `1` tie
//! as they do mathematically.

use crate::control::Control;
use crate::error::{CoreError, CoreResult};
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

mod diameter;
mod network;
mod search;

pub(crate) use diameter::vertex_diameter_bound;
pub(crate) use network::{Adj, Network};
pub(crate) use search::{Bfs, Dijkstra, Slot};

/// Marks a node not reached yet (distance in hops, or settle position).
pub(crate) const UNSEEN: u32 = u32::MAX;

/// Relative tolerance under which two weighted path lengths count as equal (as in igraph).
pub const TIE_TOLERANCE: f64 = 1e-10;

/// Whether two path lengths are equal up to [`TIE_TOLERANCE`].
#[inline]
pub(crate) fn tie(a: f64, b: f64) -> bool {
    (a - b).abs() <= TIE_TOLERANCE * a.max(b)
}

/// Runs `work(state, items)` over the fixed chunks `0..chunk, chunk..2 chunk, ...` of
/// `0..n_items` on every thread of the current rayon pool, each thread taking the next chunk
/// from a shared counter and keeping one `state` (made by `init` on its first chunk). Checks for
/// cancellation before each chunk and reports `items.len()` units of progress after it.
///
/// Which thread handles which chunk depends on scheduling, so callers must combine the returned
/// states in an order-independent way (integer sums, or per-item outputs).
///
/// # Errors
/// [`CoreError::Cancelled`] once `ctl` is cancelled.
pub(crate) fn par_chunks<S: Send>(
    n_items: usize,
    chunk: usize,
    ctl: &Control,
    init: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, Range<usize>) + Sync,
) -> CoreResult<Vec<S>> {
    let chunk = chunk.max(1);
    let n_chunks = n_items.div_ceil(chunk);
    let next = AtomicUsize::new(0);
    let states = rayon::broadcast(|_| -> CoreResult<Option<S>> {
        let mut state = None;
        loop {
            let c = next.fetch_add(1, Ordering::Relaxed);
            if c >= n_chunks {
                return Ok(state);
            }
            ctl.checkpoint()?;
            let items = c * chunk..((c + 1) * chunk).min(n_items);
            let len = items.len() as u64;
            work(state.get_or_insert_with(&init), items);
            ctl.advance(len);
        }
    });
    let mut out = Vec::with_capacity(states.len());
    for s in states {
        if let Some(s) = s? {
            out.push(s);
        }
    }
    ctl.checkpoint()?;
    Ok(out)
}

/// Fixed-point scale of [`to_fixed`]: 60 fractional bits. Sums of up to `n^2` with `n < 2^32`
/// stay below `2^124`, so `u128` accumulators never overflow, and integer sums do not depend on
/// the order in which threads add them.
pub(crate) const FIXED_ONE: u128 = 1 << 60;

/// `x * 2^60` rounded down, for finite `x >= 0` (anything else maps to 0; values at or above
/// `2^67` saturate, far beyond any betweenness).
#[inline]
pub(crate) fn to_fixed(x: f64) -> u128 {
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if bits >> 63 != 0 || exp == 0 || exp == 0x7ff {
        return 0;
    }
    let mant = u128::from((bits & ((1 << 52) - 1)) | (1 << 52));
    // x = mant * 2^(exp - 1075), so x * 2^60 = mant * 2^(exp - 1015).
    let shift = exp - 1015;
    if shift >= 0 {
        if shift > 74 {
            u128::MAX >> 1
        } else {
            mant << shift
        }
    } else if shift > -64 {
        mant >> (-shift)
    } else {
        0
    }
}

/// The value of a fixed-point sum.
#[inline]
pub(crate) fn from_fixed(x: u128) -> f64 {
    x as f64 / FIXED_ONE as f64
}

/// Adds per-thread fixed-point accumulators (order-independent) and converts them to `f64`.
pub(crate) fn sum_fixed(n: usize, parts: &[Vec<u128>]) -> Vec<f64> {
    (0..n)
        .map(|v| from_fixed(parts.iter().fold(0u128, |a, p| a.wrapping_add(p[v]))))
        .collect()
}

/// Checks that `n_nodes` fits the `u32` positions used by the workspaces.
pub(crate) fn check_size(n: usize) -> CoreResult<()> {
    if n >= UNSEEN as usize {
        return Err(CoreError::TooLarge {
            what: "nodes",
            got: n as u64,
            limit: u64::from(UNSEEN) - 1,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_point_round_trips_and_adds_exactly() {
        for x in [0.0, 1.0, 0.5, 1.0 / 3.0, 12345.678, 1e-12, 3e9] {
            let back = from_fixed(to_fixed(x));
            assert!(
                (back - x).abs() <= 2f64.powi(-60) + x * 1e-15,
                "{x} -> {back}"
            );
        }
        assert_eq!(to_fixed(1.0), FIXED_ONE);
        assert_eq!(to_fixed(-1.0), 0);
        assert_eq!(to_fixed(f64::NAN), 0);
        assert_eq!(to_fixed(1e-300), 0);
        let parts = vec![vec![to_fixed(0.25), 0], vec![to_fixed(0.5), to_fixed(2.0)]];
        assert_eq!(sum_fixed(2, &parts), vec![0.75, 2.0]);
    }

    #[test]
    fn tie_is_relative() {
        assert!(tie(1.0, 1.0 + 1e-12));
        assert!(!tie(1.0, 1.0 + 1e-8));
        assert!(tie(0.1 + 0.2, 0.3));
        assert!(tie(0.0, 0.0));
    }

    #[test]
    fn par_chunks_covers_every_item_once_on_any_pool() {
        for threads in [1, 3] {
            let ctl = Control::new();
            let parts = crate::parallel::with_threads(Some(threads), || {
                par_chunks(
                    1000,
                    7,
                    &ctl,
                    || vec![0u32; 1000],
                    |s, items| {
                        for i in items {
                            s[i] += 1;
                        }
                    },
                )
            })
            .unwrap();
            let total: Vec<u32> = (0..1000)
                .map(|i| parts.iter().map(|p| p[i]).sum())
                .collect();
            assert!(total.iter().all(|&c| c == 1));
            assert_eq!(ctl.progress().0, 1000);
        }
    }

    #[test]
    fn par_chunks_stops_when_cancelled() {
        let ctl = Control::new();
        ctl.cancel();
        let r = par_chunks(10, 1, &ctl, || (), |_, _| {});
        assert_eq!(r.unwrap_err(), CoreError::Cancelled);
    }
}
