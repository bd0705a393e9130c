//! Runs core jobs with the interpreter detached, forwarding Ctrl-C and progress.
//!
//! Two paths, chosen by the caller's estimate of the job's size:
//! - a job of at most [`INLINE_WORK`] elementary steps runs on the calling thread, detached from
//!   the interpreter: alone ([`solo`]) unless the caller asked for `n_threads` > 1, then on the
//!   cached pool of that size. It takes milliseconds at most, so a Ctrl-C pressed meanwhile is
//!   raised as soon as it returns, and it pays no thread start or hand-over;
//! - a larger job is handed by a helper thread to a thread of the rayon pool, while the calling
//!   thread waits detached, waking every 50 ms to check for Ctrl-C (which cancels the job) and to
//!   report progress.
//!
//! On both paths the job runs inside [`with_threads`] (an explicit `n_threads` uses a cached pool
//! of exactly that many threads; the large path runs on a pool thread either way) and a panic
//! becomes `InternalError`.

use super::errors;
use crate::control::Control;
use crate::error::CoreResult;
use crate::graph::Graph;
use crate::parallel::{solo, with_threads};
use pyo3::prelude::*;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

const POLL: Duration = Duration::from_millis(50);

/// Largest estimated job, in elementary steps (about one edge visit each), run on the calling
/// thread: a few milliseconds at most alone, far below the 0.5 s a Ctrl-C may take to stop a job,
/// and short enough that running it on one thread costs less than handing it to several.
pub(crate) const INLINE_WORK: usize = 1 << 21;

/// Estimated steps of `passes` sweeps over `g`'s nodes and adjacency slots (saturating), the size
/// hint [`run_sized`] takes.
pub(crate) fn sweeps(g: &Graph, passes: usize) -> usize {
    (g.n_nodes() + g.n_slots()).saturating_mul(passes)
}

/// Sweeps the iterative measures (PageRank, Katz, eigenvector, HITS) typically need: tens, up
/// to a few hundred.
const TYPICAL_SWEEPS: usize = 200;

/// Factor by which the worst case of an inline iterative job may exceed [`INLINE_WORK`].
const INLINE_WORST_FACTOR: usize = 16;

/// Size hint of an iterative job allowed `max_iter` sweeps: a typical run's, unless the worst
/// case (every sweep used) would hold the calling thread more than [`INLINE_WORST_FACTOR`]
/// times [`INLINE_WORK`] (tens of milliseconds). `max_iter` itself is a loose bound that users
/// raise to be safe (10,000 is common), and sizing by it alone sent jobs of a few dozen
/// customers to a worker thread, whose start cost more than the job.
pub(crate) fn iterative(g: &Graph, max_iter: usize) -> usize {
    sweeps(g, max_iter.min(TYPICAL_SWEEPS)).max(sweeps(g, max_iter) / INLINE_WORST_FACTOR)
}

/// [`run_sized`] for a job of unknown size: always on a worker thread.
pub(crate) fn run_detached<T: Send>(
    py: Python<'_>,
    n_threads: Option<usize>,
    progress: Option<Bound<'_, PyAny>>,
    job: impl FnOnce(&Control) -> CoreResult<T> + Send,
) -> PyResult<T> {
    run_sized(py, usize::MAX, n_threads, progress, job)
}

/// Runs `job` with the interpreter detached. `work` estimates its elementary steps (an upper
/// bound, e.g. [`sweeps`]): at most [`INLINE_WORK`] runs it on the calling thread; more runs it on
/// a worker thread while this thread wakes every 50 ms to check for Ctrl-C (which cancels the job)
/// and to report progress to the optional `progress(done, total)` callable. A panic in the job
/// becomes `InternalError`.
pub(crate) fn run_sized<T: Send>(
    py: Python<'_>,
    work: usize,
    n_threads: Option<usize>,
    progress: Option<Bound<'_, PyAny>>,
    job: impl FnOnce(&Control) -> CoreResult<T> + Send,
) -> PyResult<T> {
    let ctl = Control::default();
    if work <= INLINE_WORK {
        let run = || match n_threads {
            None | Some(1) => solo(|| job(&ctl)),
            Some(_) => with_threads(n_threads, || job(&ctl)),
        };
        let outcome = py.detach(|| catch_unwind(AssertUnwindSafe(run)));
        return finish(outcome);
    }
    let progress = progress.map(Bound::unbind);
    let mut interrupt: Option<PyErr> = None;
    let outcome = py.detach(|| {
        std::thread::scope(|s| {
            let (tx, rx) = mpsc::channel();
            let ctl_ref = &ctl;
            s.spawn(move || {
                let run = || with_threads(n_threads, || job(ctl_ref));
                let _ = tx.send(catch_unwind(AssertUnwindSafe(run)));
            });
            loop {
                match rx.recv_timeout(POLL) {
                    Ok(done) => break done,
                    Err(RecvTimeoutError::Timeout) if interrupt.is_none() => {
                        if let Err(e) = Python::attach(|py| poll(py, &ctl, progress.as_ref())) {
                            interrupt = Some(e);
                            ctl.cancel();
                        }
                    }
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => {
                        break Err(Box::new("worker thread ended without a result"));
                    }
                }
            }
        })
    });
    if let Some(e) = interrupt {
        return Err(e);
    }
    finish(outcome)
}

type Outcome<T> = std::thread::Result<CoreResult<T>>;

fn finish<T>(outcome: Outcome<T>) -> PyResult<T> {
    match outcome {
        Ok(result) => result.map_err(errors::to_pyerr),
        Err(panic) => Err(errors::internal(panic.as_ref())),
    }
}

fn poll(py: Python<'_>, ctl: &Control, progress: Option<&Py<PyAny>>) -> PyResult<()> {
    py.check_signals()?;
    if let Some(callback) = progress {
        callback.call1(py, ctl.progress())?;
    }
    Ok(())
}

/// Panics inside a detached job, to check that a core panic surfaces as `InternalError`.
#[pyfunction]
pub fn check_panic_handling(py: Python<'_>) -> PyResult<()> {
    run_detached(py, None, None, |_| -> CoreResult<()> {
        std::panic::panic_any("deliberate panic from check_panic_handling")
    })
}

/// Runs a no-op job of estimated size `work` and reports where it ran: (on the calling thread,
/// threads of its rayon pool, name of its thread). Panics instead when `panic`.
#[pyfunction]
#[pyo3(signature = (*, work, n_threads=None, panic=false))]
pub fn check_run(
    py: Python<'_>,
    work: usize,
    n_threads: Option<usize>,
    panic: bool,
) -> PyResult<(bool, usize, Option<String>)> {
    let caller = std::thread::current().id();
    run_sized(py, work, n_threads, None, |_| {
        if panic {
            std::panic::panic_any("deliberate panic from check_run");
        }
        let here = std::thread::current();
        let name = here.name().map(str::to_owned);
        Ok((here.id() == caller, rayon::current_num_threads(), name))
    })
}
