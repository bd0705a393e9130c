//! Cancellation and progress shared between a running computation and its caller.

use crate::error::{CoreError, CoreResult};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Cancel flag and progress counters. A computation calls [`Control::checkpoint`] once per
/// iteration or chunk and reports its progress with [`Control::advance`]; the caller may read the
/// progress and set the cancel flag from another thread at any time.
#[derive(Debug, Default)]
pub struct Control {
    cancelled: AtomicBool,
    done: AtomicU64,
    total: AtomicU64,
}

impl Control {
    /// A fresh control: not cancelled, no progress.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the computation to stop at its next checkpoint.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    /// Whether [`Control::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    /// Returns [`CoreError::Cancelled`] once the caller has cancelled.
    ///
    /// # Errors
    /// [`CoreError::Cancelled`] after [`Control::cancel`].
    pub fn checkpoint(&self) -> CoreResult<()> {
        if self.is_cancelled() {
            Err(CoreError::Cancelled)
        } else {
            Ok(())
        }
    }

    /// Starts a new progress phase of `total` units.
    pub fn start(&self, total: u64) {
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
    }

    /// Records `units` more units of work done.
    pub fn advance(&self, units: u64) {
        self.done.fetch_add(units, Ordering::Relaxed);
    }

    /// `(done, total)` of the current phase.
    pub fn progress(&self) -> (u64, u64) {
        (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoint_fails_after_cancel() {
        let ctl = Control::new();
        assert!(ctl.checkpoint().is_ok());
        ctl.cancel();
        assert_eq!(ctl.checkpoint(), Err(CoreError::Cancelled));
    }

    #[test]
    fn progress_counts_units_of_the_current_phase() {
        let ctl = Control::new();
        ctl.start(10);
        ctl.advance(3);
        ctl.advance(4);
        assert_eq!(ctl.progress(), (7, 10));
        ctl.start(5);
        assert_eq!(ctl.progress(), (0, 5));
    }
}
