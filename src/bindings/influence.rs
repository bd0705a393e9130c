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
use super::graph::edge_weight;
use crate::influence::diffusion;
use numpy::PyReadonlyArray1;
use pyo3::exceptions::PyValueError;

fn diffusion_model(name: &str) -> PyResult<diffusion::Model> {
    match name {
        "ic" => Ok(diffusion::Model::IndependentCascade),
        "lt" => Ok(diffusion::Model::LinearThreshold),
        other => Err(PyValueError::new_err(format!(
            "model must be 'ic' or 'lt', got {other:?}"
        ))),
    }
}

fn edge_probability(p: Option<f64>, p_slots: Option<&[f64]>) -> diffusion::EdgeProbability<'_> {
    match (p, p_slots) {
        (_, Some(slots)) => diffusion::EdgeProbability::PerSlot(slots),
        (Some(p), None) => diffusion::EdgeProbability::Constant(p),
        (None, None) => diffusion::EdgeProbability::WeightedCascade,
    }
}

type Slice<'py, T> = Option<PyReadonlyArray1<'py, T>>;

/// Out-slot of each (source, target) pair (-1 when not an edge), and the number of slots.
#[pyfunction]
pub fn edge_slots<'py>(
    py: Python<'py>,
    g: &Bound<'py, CsrGraph>,
    source: PyReadonlyArray1<'py, u32>,
    target: PyReadonlyArray1<'py, u32>,
) -> PyResult<(Bound<'py, PyArray1<i64>>, usize)> {
    let inner = &g.get().inner;
    let (s, t) = (source.as_slice()?, target.as_slice()?);
    let slots = run_detached(py, None, None, |_| diffusion::edge_slots(inner, s, t))?;
    Ok((slots.into_pyarray(py), inner.n_slots()))
}

type SpreadOut<'py> = (
    f64,
    f64,
    Option<f64>,
    Option<f64>,
    Bound<'py, PyArray1<f64>>,
);

/// Monte Carlo spread: mean, std_error, value_mean, value_std_error, activation.
#[pyfunction]
#[pyo3(signature = (g, seeds, *, model="ic", p=None, p_slots=None, weight="weight",
    simulations=10000, seed=0, value=None, n_threads=None, progress=None))]
#[allow(clippy::too_many_arguments)]
pub fn spread<'py>(
    py: Python<'py>,
    g: &Bound<'py, CsrGraph>,
    seeds: PyReadonlyArray1<'py, u32>,
    model: &str,
    p: Option<f64>,
    p_slots: Slice<'py, f64>,
    weight: &str,
    simulations: usize,
    seed: u64,
    value: Slice<'py, f64>,
    n_threads: Option<usize>,
    progress: Option<Bound<'py, PyAny>>,
) -> PyResult<SpreadOut<'py>> {
    let inner = &g.get().inner;
    let cfg = diffusion::SpreadConfig {
        model: diffusion_model(model)?,
        probability: edge_probability(p, p_slots.as_ref().map(|a| a.as_slice()).transpose()?),
        weight: edge_weight(weight)?,
        simulations,
        seed,
    };
    let (seeds, value) = (
        seeds.as_slice()?,
        value.as_ref().map(|v| v.as_slice()).transpose()?,
    );
    let r = run_detached(py, n_threads, progress, |ctl| {
        diffusion::spread(inner, seeds, value, &cfg, ctl)
    })?;
    let act = r.activation.into_pyarray(py);
    Ok((r.mean, r.std_error, r.value_mean, r.value_std_error, act))
}

type MaximizeOut<'py> = (
    Bound<'py, PyArray1<u32>>,
    Bound<'py, PyArray1<f64>>,
    (usize, usize, usize, f64, f64, usize),
);

/// IMM: seeds, marginal gains, (rr_sets, sampling_rr_sets, rr_total_size, lower_bound,
/// ell_adjusted, memory_bytes).
#[pyfunction]
#[pyo3(signature = (g, k, *, model="ic", p=None, p_slots=None, weight="weight", epsilon=0.1,
    ell=1.0, seed=0, value=None, n_threads=None, progress=None))]
#[allow(clippy::too_many_arguments)]
pub fn maximize<'py>(
    py: Python<'py>,
    g: &Bound<'py, CsrGraph>,
    k: usize,
    model: &str,
    p: Option<f64>,
    p_slots: Slice<'py, f64>,
    weight: &str,
    epsilon: f64,
    ell: f64,
    seed: u64,
    value: Slice<'py, f64>,
    n_threads: Option<usize>,
    progress: Option<Bound<'py, PyAny>>,
) -> PyResult<MaximizeOut<'py>> {
    let inner = &g.get().inner;
    let cfg = diffusion::ImmConfig {
        model: diffusion_model(model)?,
        probability: edge_probability(p, p_slots.as_ref().map(|a| a.as_slice()).transpose()?),
        weight: edge_weight(weight)?,
        epsilon,
        ell,
        seed,
    };
    let value = value.as_ref().map(|v| v.as_slice()).transpose()?;
    let r = run_detached(py, n_threads, progress, |ctl| {
        diffusion::maximize(inner, k, value, &cfg, ctl)
    })?;
    let info = (
        r.rr_sets,
        r.sampling_rr_sets,
        r.rr_total_size,
        r.lower_bound,
        r.ell_adjusted,
        r.memory_bytes,
    );
    Ok((
        r.seeds.into_pyarray(py),
        r.marginal_gain.into_pyarray(py),
        info,
    ))
}
