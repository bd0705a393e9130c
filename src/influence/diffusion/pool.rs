//! Parallel chunked loops with reusable per-worker state, and the random bits they draw.

use crate::control::Control;
use crate::error::CoreResult;
use crate::rng::Rng;
use rand::RngCore;
use rayon::prelude::*;
use std::ops::Range;
use std::sync::Mutex;

/// 31-bit uniform integers, two per 64-bit draw of the generator.
pub(crate) struct Bits {
    rng: Rng,
    buf: u64,
    spare: bool,
}

impl Bits {
    pub(crate) fn new(rng: Rng) -> Self {
        Bits {
            rng,
            buf: 0,
            spare: false,
        }
    }

    /// Uniform on `0..2^31`.
    #[inline]
    pub(crate) fn next31(&mut self) -> u32 {
        if self.spare {
            self.spare = false;
            (self.buf >> 33) as u32
        } else {
            self.buf = self.rng.next_u64();
            self.spare = true;
            (self.buf as u32) >> 1
        }
    }

    /// Uniform on `[0, 1)` with 53 random bits.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform on `(0, 1]` with 53 random bits (safe to take the logarithm of).
    #[inline]
    pub(crate) fn open_unit(&mut self) -> f64 {
        ((self.rng.next_u64() >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform on `0..n` (`n > 0`), by Lemire's multiply-shift with rejection.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        let threshold = n.wrapping_neg() % n;
        loop {
            let m = u128::from(self.rng.next_u64()) * u128::from(n);
            if (m as u64) >= threshold {
                return (m >> 64) as u64;
            }
        }
    }
}

/// Visited marks of a search, reset in O(1) per search.
pub(crate) trait Marks: Send {
    /// Unmarks every node.
    fn clear(&mut self);
    /// Marks `v`; returns whether it was unmarked.
    fn mark(&mut self, v: u32) -> bool;
}

/// Marks as epoch stamps: a node is marked when its stamp equals the current epoch.
pub(crate) struct Epochs {
    stamp: Vec<u32>,
    epoch: u32,
}

impl Epochs {
    pub(crate) fn new(n: usize) -> Self {
        Epochs {
            stamp: vec![0; n],
            epoch: 0,
        }
    }
}

/// Advances `epoch`; on wrap-around resets every stamp with `reset` first.
#[inline]
fn next_epoch(epoch: &mut u32, reset: impl FnOnce()) {
    *epoch = epoch.wrapping_add(1);
    if *epoch == 0 {
        reset();
        *epoch = 1;
    }
}

impl Marks for Epochs {
    #[inline]
    fn clear(&mut self) {
        let stamp = &mut self.stamp;
        next_epoch(&mut self.epoch, || stamp.fill(0));
    }

    #[inline]
    fn mark(&mut self, v: u32) -> bool {
        let s = &mut self.stamp[v as usize];
        let fresh = *s != self.epoch;
        *s = self.epoch;
        fresh
    }
}

/// Epoch stamps that also count how many searches marked each node. Stamp and count share a
/// cache line, so counting activations costs no extra memory access.
pub(crate) struct CountingEpochs {
    /// `[stamp, count]` per node.
    marks: Vec<[u32; 2]>,
    epoch: u32,
}

impl CountingEpochs {
    pub(crate) fn new(n: usize) -> Self {
        CountingEpochs {
            marks: vec![[0, 0]; n],
            epoch: 0,
        }
    }

    /// Searches that marked `v`.
    pub(crate) fn count(&self, v: usize) -> u32 {
        self.marks[v][1]
    }
}

impl Marks for CountingEpochs {
    #[inline]
    fn clear(&mut self) {
        let marks = &mut self.marks;
        next_epoch(&mut self.epoch, || marks.iter_mut().for_each(|m| m[0] = 0));
    }

    #[inline]
    fn mark(&mut self, v: u32) -> bool {
        let m = &mut self.marks[v as usize];
        let fresh = m[0] != self.epoch;
        if fresh {
            *m = [self.epoch, m[1] + 1];
        }
        fresh
    }
}

/// Runs `work(state, items)` over `0..n_items` cut into chunks of `chunk` items, in parallel,
/// and returns the chunk results in chunk order together with every state created. States come
/// from a pool (at most one per concurrently running chunk), so per-node scratch arrays are
/// allocated once per worker, not once per chunk. Checks for cancellation before each chunk and
/// advances the progress by its size.
pub(crate) fn chunked<S: Send, R: Send>(
    n_items: usize,
    chunk: usize,
    ctl: &Control,
    make_state: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, Range<usize>) -> R + Sync,
) -> CoreResult<(Vec<R>, Vec<S>)> {
    let chunk = chunk.max(1);
    let pool: Mutex<Vec<S>> = Mutex::new(Vec::new());
    let take = || pool.lock().unwrap_or_else(|e| e.into_inner()).pop();
    let results = (0..n_items.div_ceil(chunk))
        .into_par_iter()
        .map(|c| {
            ctl.checkpoint()?;
            let items = c * chunk..((c + 1) * chunk).min(n_items);
            let mut state = take().unwrap_or_else(&make_state);
            let r = work(&mut state, items.clone());
            pool.lock().unwrap_or_else(|e| e.into_inner()).push(state);
            ctl.advance(items.len() as u64);
            Ok(r)
        })
        .collect::<CoreResult<Vec<R>>>()?;
    let states = pool.into_inner().unwrap_or_else(|e| e.into_inner());
    Ok((results, states))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::stream;

    #[test]
    fn bits_are_uniform_31_bit_integers() {
        let mut b = Bits::new(stream(1, 2));
        let xs: Vec<u32> = (0..10_000).map(|_| b.next31()).collect();
        assert!(xs.iter().all(|&x| x < 1 << 31));
        let mean = xs.iter().map(|&x| f64::from(x)).sum::<f64>() / 1e4 / f64::from(1u32 << 31);
        assert!((mean - 0.5).abs() < 0.02, "{mean}");
        assert!((0..1000).all(|_| b.below(7) < 7));
        assert!((0..1000).map(|_| b.unit()).all(|u| (0.0..1.0).contains(&u)));
        assert!(
            (0..1000)
                .map(|_| b.open_unit())
                .all(|u| u > 0.0 && u <= 1.0)
        );
    }

    #[test]
    fn epochs_reset_in_constant_time_and_survive_wraparound() {
        let mut e = Epochs::new(3);
        e.clear();
        assert!(e.mark(1));
        assert!(!e.mark(1));
        e.clear();
        assert!(e.mark(1));
        e.epoch = u32::MAX;
        e.mark(2);
        e.clear();
        assert!(e.mark(2) && e.epoch == 1);
    }

    #[test]
    fn counting_epochs_count_searches_across_wraparound() {
        let mut e = CountingEpochs::new(3);
        for _ in 0..3 {
            e.clear();
            e.mark(0);
            e.mark(0);
            e.mark(2);
        }
        e.epoch = u32::MAX;
        e.mark(2);
        e.clear();
        assert!(e.mark(2) && e.epoch == 1);
        assert_eq!((e.count(0), e.count(1), e.count(2)), (3, 0, 5));
    }

    #[test]
    fn chunked_returns_results_in_order_and_stops_when_cancelled() {
        let ctl = Control::new();
        let (r, states) = chunked(
            10,
            3,
            &ctl,
            || 0usize,
            |s, items| {
                *s += items.len();
                items.start
            },
        )
        .unwrap();
        assert_eq!(r, vec![0, 3, 6, 9]);
        assert_eq!(states.iter().sum::<usize>(), 10);
        assert_eq!(ctl.progress().0, 10);
        ctl.cancel();
        assert!(chunked(10, 3, &ctl, || (), |_, _| ()).is_err());
    }
}
