//! Influence measures.

use super::graph::{CsrGraph, edge_weight};
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

/// Exact betweenness (Brandes).
#[pyfunction]
#[pyo3(signature = (g, *, weight="none", normalized=true, endpoints=false, n_threads=None,
    progress=None))]
#[allow(clippy::too_many_arguments)]
pub fn betweenness<'py>(
    py: Python<'py>,
    g: &Bound<'py, CsrGraph>,
    weight: &str,
    normalized: bool,
    endpoints: bool,
    n_threads: Option<usize>,
    progress: Option<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let cfg = influence::BetweennessConfig {
        weight: edge_weight(weight)?,
        normalized,
        endpoints,
    };
    let inner = &g.get().inner;
    let b = run_detached(py, n_threads, progress, |ctl| {
        influence::betweenness(inner, &cfg, ctl)
    })?;
    Ok(b.into_pyarray(py))
}

/// Sampled betweenness (Riondato-Kornaropoulos): scores, samples, vertex-diameter bound.
#[pyfunction]
#[pyo3(signature = (g, *, epsilon, delta=0.1, weight="none", normalized=true, endpoints=false,
    seed=0, n_threads=None, progress=None))]
#[allow(clippy::too_many_arguments)]
pub fn sampled_betweenness<'py>(
    py: Python<'py>,
    g: &Bound<'py, CsrGraph>,
    epsilon: f64,
    delta: f64,
    weight: &str,
    normalized: bool,
    endpoints: bool,
    seed: u64,
    n_threads: Option<usize>,
    progress: Option<Bound<'py, PyAny>>,
) -> PyResult<(Bound<'py, PyArray1<f64>>, u64, u64)> {
    let cfg = influence::SampledConfig {
        epsilon,
        delta,
        seed,
        weight: edge_weight(weight)?,
        normalized,
        endpoints,
    };
    let inner = &g.get().inner;
    let est = run_detached(py, n_threads, progress, |ctl| {
        influence::sampled_betweenness(inner, &cfg, ctl)
    })?;
    Ok((
        est.scores.into_pyarray(py),
        est.samples,
        est.vertex_diameter,
    ))
}

/// Harmonic closeness (distances to each node).
#[pyfunction]
#[pyo3(signature = (g, *, weight="none", normalized=false, n_threads=None, progress=None))]
pub fn harmonic<'py>(
    py: Python<'py>,
    g: &Bound<'py, CsrGraph>,
    weight: &str,
    normalized: bool,
    n_threads: Option<usize>,
    progress: Option<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let cfg = influence::HarmonicConfig {
        weight: edge_weight(weight)?,
        normalized,
    };
    let inner = &g.get().inner;
    let h = run_detached(py, n_threads, progress, |ctl| {
        influence::harmonic(inner, &cfg, ctl)
    })?;
    Ok(h.into_pyarray(py))
}

// -- diffusion --
