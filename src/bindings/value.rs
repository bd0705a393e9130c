//! Customer value models.

// -- purchase value --

// -- co-creation --
use super::graph::{CsrGraph, edge_weight};
use super::run::run_detached;
use crate::value::{AttributionConfig, influence_attribution};
use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;

/// Influence attribution: (attributed value per node, exposure per node).
#[pyfunction]
#[pyo3(signature = (g, value, *, max_hops=2, decay=0.5, weight="weight", n_threads=None,
    progress=None))]
#[allow(clippy::too_many_arguments, clippy::type_complexity)]
pub fn attribute_influence<'py>(
    py: Python<'py>,
    g: &Bound<'py, CsrGraph>,
    value: PyReadonlyArray1<'py, f64>,
    max_hops: usize,
    decay: f64,
    weight: &str,
    n_threads: Option<usize>,
    progress: Option<Bound<'py, PyAny>>,
) -> PyResult<(Bound<'py, PyArray1<f64>>, Bound<'py, PyArray1<f64>>)> {
    let cfg = AttributionConfig {
        max_hops,
        decay,
        weight: edge_weight(weight)?,
    };
    let x = value.as_slice()?;
    let inner = &g.get().inner;
    let r = run_detached(py, n_threads, progress, |ctl| {
        influence_attribution(inner, x, &cfg, ctl)
    })?;
    Ok((r.attributed.into_pyarray(py), r.exposure.into_pyarray(py)))
}
