//! Influence measures.

use super::graph::{CsrGraph, edge_weight};
use super::run::{iterative, run_detached, run_sized, sweeps};
use crate::influence;
use crate::influence::diffusion;
use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1};
use pyo3::exceptions::PyValueError;
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
    let d = run_sized(py, sweeps(inner, 1), None, None, |_| {
        Ok(influence::degree(inner))
    })?;
    Ok((
        d.in_degree.into_pyarray(py),
        d.out_degree.into_pyarray(py),
        d.in_strength.into_pyarray(py),
        d.out_strength.into_pyarray(py),
    ))
}

// -- centrality --

type Scores<'py> = (Bound<'py, PyArray1<f64>>, usize, f64);

/// PageRank: (scores, iterations, residual).
#[pyfunction]
#[pyo3(signature = (g, *, damping=0.85, personalization=None, weight="weight", tol=1e-6,
    max_iter=100, n_threads=None, progress=None))]
#[allow(clippy::too_many_arguments)]
pub fn pagerank<'py>(
    py: Python<'py>,
    g: &Bound<'py, CsrGraph>,
    damping: f64,
    personalization: Option<numpy::PyReadonlyArray1<'py, f64>>,
    weight: &str,
    tol: f64,
    max_iter: usize,
    n_threads: Option<usize>,
    progress: Option<Bound<'py, PyAny>>,
) -> PyResult<Scores<'py>> {
    let weight = super::graph::edge_weight(weight)?;
    let cfg = influence::PageRankConfig {
        damping,
        tol,
        max_iter,
        weight,
    };
    let p = personalization.as_ref().map(|p| p.as_slice()).transpose()?;
    let inner = &g.get().inner;
    let r = run_sized(py, iterative(inner, max_iter), n_threads, progress, |ctl| {
        influence::pagerank(inner, p, &cfg, ctl)
    })?;
    Ok((r.scores.into_pyarray(py), r.iterations, r.residual))
}

/// Katz centrality: (scores, iterations, residual).
#[pyfunction]
#[pyo3(signature = (g, *, alpha, beta=1.0, weight="weight", normalized=true, tol=1e-6,
    max_iter=1000, n_threads=None, progress=None))]
#[allow(clippy::too_many_arguments)]
pub fn katz<'py>(
    py: Python<'py>,
    g: &Bound<'py, CsrGraph>,
    alpha: f64,
    beta: f64,
    weight: &str,
    normalized: bool,
    tol: f64,
    max_iter: usize,
    n_threads: Option<usize>,
    progress: Option<Bound<'py, PyAny>>,
) -> PyResult<Scores<'py>> {
    let weight = super::graph::edge_weight(weight)?;
    let cfg = influence::KatzConfig {
        alpha,
        beta,
        normalized,
        tol,
        max_iter,
        weight,
    };
    let inner = &g.get().inner;
    let r = run_sized(py, iterative(inner, max_iter), n_threads, progress, |ctl| {
        influence::katz(inner, &cfg, ctl)
    })?;
    Ok((r.scores.into_pyarray(py), r.iterations, r.residual))
}

/// Spectral radius of the adjacency matrix: (estimate, upper bound, converged, iterations).
#[pyfunction]
#[pyo3(signature = (g, *, weight="weight", max_iter=10000, stop_below=None, n_threads=None,
    progress=None))]
pub fn spectral_radius<'py>(
    py: Python<'py>,
    g: &Bound<'py, CsrGraph>,
    weight: &str,
    max_iter: usize,
    stop_below: Option<f64>,
    n_threads: Option<usize>,
    progress: Option<Bound<'py, PyAny>>,
) -> PyResult<(f64, f64, bool, usize)> {
    let weight = super::graph::edge_weight(weight)?;
    let inner = &g.get().inner;
    let r = run_sized(py, iterative(inner, max_iter), n_threads, progress, |ctl| {
        influence::spectral_radius(inner, weight, max_iter, stop_below, ctl)
    })?;
    Ok((r.value, r.upper, r.converged, r.iterations))
}

/// Eigenvector centrality: (scores, iterations, residual).
#[pyfunction]
#[pyo3(signature = (g, *, weight="weight", tol=1e-6, max_iter=100, n_threads=None,
    progress=None))]
pub fn eigenvector<'py>(
    py: Python<'py>,
    g: &Bound<'py, CsrGraph>,
    weight: &str,
    tol: f64,
    max_iter: usize,
    n_threads: Option<usize>,
    progress: Option<Bound<'py, PyAny>>,
) -> PyResult<Scores<'py>> {
    let weight = super::graph::edge_weight(weight)?;
    let cfg = influence::EigenvectorConfig {
        tol,
        max_iter,
        weight,
    };
    let inner = &g.get().inner;
    let r = run_sized(py, iterative(inner, max_iter), n_threads, progress, |ctl| {
        influence::eigenvector(inner, &cfg, ctl)
    })?;
    Ok((r.scores.into_pyarray(py), r.iterations, r.residual))
}

type HubsAuthorities<'py> = (
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
    usize,
    f64,
);

/// HITS: (hub, authority, iterations, residual).
#[pyfunction]
#[pyo3(signature = (g, *, weight="weight", tol=1e-8, max_iter=1000, n_threads=None,
    progress=None))]
pub fn hits<'py>(
    py: Python<'py>,
    g: &Bound<'py, CsrGraph>,
    weight: &str,
    tol: f64,
    max_iter: usize,
    n_threads: Option<usize>,
    progress: Option<Bound<'py, PyAny>>,
) -> PyResult<HubsAuthorities<'py>> {
    let weight = super::graph::edge_weight(weight)?;
    let cfg = influence::HitsConfig {
        tol,
        max_iter,
        weight,
    };
    let inner = &g.get().inner;
    let r = run_sized(
        py,
        iterative(inner, max_iter.saturating_mul(2)),
        n_threads,
        progress,
        |ctl| influence::hits(inner, &cfg, ctl),
    )?;
    Ok((
        r.hub.into_pyarray(py),
        r.authority.into_pyarray(py),
        r.iterations,
        r.residual,
    ))
}

/// Core number of every node.
#[pyfunction]
#[pyo3(signature = (g, *, n_threads=None, progress=None))]
pub fn kcore<'py>(
    py: Python<'py>,
    g: &Bound<'py, CsrGraph>,
    n_threads: Option<usize>,
    progress: Option<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyArray1<u32>>> {
    let inner = &g.get().inner;
    let cores = run_sized(py, sweeps(inner, 1), n_threads, progress, |ctl| {
        influence::kcore(inner, ctl)
    })?;
    Ok(cores.into_pyarray(py))
}

type HolesColumns<'py> = (
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<u32>>,
);

/// Structural holes: constraint, effective size, hierarchy, efficiency, number of contacts.
/// `measures` is "all" or the one measure wanted; the others come back empty.
#[pyfunction]
#[pyo3(signature = (g, *, weight="weight", measures="all", n_threads=None, progress=None))]
pub fn structural_holes<'py>(
    py: Python<'py>,
    g: &Bound<'py, CsrGraph>,
    weight: &str,
    measures: &str,
    n_threads: Option<usize>,
    progress: Option<Bound<'py, PyAny>>,
) -> PyResult<HolesColumns<'py>> {
    let weight = super::graph::edge_weight(weight)?;
    let wanted = influence::HoleMeasures::named(measures).ok_or_else(|| {
        PyValueError::new_err(format!(
            "measures must be 'all' or one measure, got {measures:?}"
        ))
    })?;
    let inner = &g.get().inner;
    let r = run_sized(
        py,
        sweeps(inner, inner.n_nodes()),
        n_threads,
        progress,
        |ctl| influence::structural_holes_of(inner, weight, wanted, ctl),
    )?;
    Ok((
        r.constraint.into_pyarray(py),
        r.effective_size.into_pyarray(py),
        r.hierarchy.into_pyarray(py),
        r.efficiency.into_pyarray(py),
        r.n_contacts.into_pyarray(py),
    ))
}

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
    let b = run_sized(
        py,
        sweeps(inner, inner.n_nodes()),
        n_threads,
        progress,
        |ctl| influence::betweenness(inner, &cfg, ctl),
    )?;
    Ok(b.into_pyarray(py))
}

/// Sampled betweenness (Riondato-Kornaropoulos): scores, sample size, vertex-diameter bound,
/// and whether the exact values were computed instead (cheaper than the samples).
#[pyfunction]
#[pyo3(signature = (g, *, epsilon, delta=0.1, weight="none", normalized=true, endpoints=false,
    seed=0, exact_if_cheaper=true, n_threads=None, progress=None))]
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
    exact_if_cheaper: bool,
    n_threads: Option<usize>,
    progress: Option<Bound<'py, PyAny>>,
) -> PyResult<(Bound<'py, PyArray1<f64>>, u64, u64, bool)> {
    let cfg = influence::SampledConfig {
        epsilon,
        delta,
        seed,
        weight: edge_weight(weight)?,
        normalized,
        endpoints,
        exact_if_cheaper,
    };
    let inner = &g.get().inner;
    // Bound on the searches (a few sweeps for the diameter bound, one per sample at most):
    // with the exact fallback, the pilot plus the cheaper of the two methods.
    let n = inner.n_nodes();
    let searches = if exact_if_cheaper {
        n.saturating_add(influence::PILOT_SAMPLES)
    } else {
        usize::try_from(influence::sample_size(epsilon, delta, n as u64, endpoints))
            .unwrap_or(usize::MAX)
    };
    let est = run_sized(
        py,
        sweeps(inner, searches.saturating_add(4)),
        n_threads,
        progress,
        |ctl| influence::sampled_betweenness(inner, &cfg, ctl),
    )?;
    Ok((
        est.scores.into_pyarray(py),
        est.samples,
        est.vertex_diameter,
        est.exact,
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
    let h = run_sized(
        py,
        sweeps(inner, inner.n_nodes()),
        n_threads,
        progress,
        |ctl| influence::harmonic(inner, &cfg, ctl),
    )?;
    Ok(h.into_pyarray(py))
}

// -- diffusion --

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
