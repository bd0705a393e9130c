//! Core errors and panics as the Python exceptions of `socialcrm.exceptions`.

use crate::error::CoreError;
use pyo3::PyErr;
use pyo3::exceptions::PyKeyboardInterrupt;
use std::any::Any;

pyo3::import_exception!(socialcrm.exceptions, InputError);
pyo3::import_exception!(socialcrm.exceptions, ConvergenceError);
pyo3::import_exception!(socialcrm.exceptions, InternalError);

pub(crate) fn to_pyerr(err: CoreError) -> PyErr {
    let msg = err.to_string();
    match err {
        CoreError::NodeOutOfRange { .. }
        | CoreError::LengthMismatch { .. }
        | CoreError::BadValue { .. }
        | CoreError::BadParameter { .. }
        | CoreError::BadConfig { .. }
        | CoreError::TooLarge { .. } => InputError::new_err(msg),
        CoreError::NotConverged { .. } => ConvergenceError::new_err(msg),
        CoreError::Cancelled => PyKeyboardInterrupt::new_err(msg),
    }
}

pub(crate) fn internal(panic: &(dyn Any + Send)) -> PyErr {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned());
    InternalError::new_err(format!(
        "internal error in the socialcrm core (please report): {what}"
    ))
}
