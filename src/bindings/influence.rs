//! Influence measures.

use super::graph::CsrGraph;
use super::run::run_detached;
use crate::influence;
use numpy::{IntoPyArray, PyArray1};
use pyo3::prelude::*;

type DegreeColumns<'py> = (
    Bound<'py, PyArray1<u32>>,
    Bound<'py, PyArray1<u32>>,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
);

/// In-degree, out-degree, in-strength, out-strength.
#[pyfunction]
pub fn degree<'py>(py: Python<'py>, g: &Bound<'py, CsrGraph>) -> PyResult<DegreeColumns<'py>> {
    let inner = &g.get().inner;
    let d = run_detached(py, None, None, |_| Ok(influence::degree(inner)))?;
    Ok((
        d.in_degree.into_pyarray(py),
        d.out_degree.into_pyarray(py),
        d.in_strength.into_pyarray(py),
        d.out_strength.into_pyarray(py),
    ))
}

// -- centrality --

// -- paths --

// -- diffusion --
