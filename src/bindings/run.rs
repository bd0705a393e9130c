//! Runs core jobs with the interpreter detached, forwarding Ctrl-C and progress.

use super::errors;
use crate::control::Control;
use crate::error::CoreResult;
use crate::parallel::with_threads;
use pyo3::prelude::*;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

const POLL: Duration = Duration::from_millis(50);

/// Runs `job` on a worker thread while this thread waits detached from the interpreter, waking
/// every 50 ms to check for Ctrl-C (which cancels the job) and to report progress to the
/// optional `progress(done, total)` callable. A panic in the job becomes `InternalError`.
pub(crate) fn run_detached<T: Send>(
    py: Python<'_>,
    n_threads: Option<usize>,
    progress: Option<Bound<'_, PyAny>>,
    job: impl FnOnce(&Control) -> CoreResult<T> + Send,
) -> PyResult<T> {
    let ctl = Control::default();
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
