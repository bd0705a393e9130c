//! Graph construction and edge tables.

use super::run::run_detached;
use crate::graph::{self, BuildConfig, Decay, EdgeWeight, Events, Graph, Merge, SelfLoops};
use crate::ids::{StrColumn, code_strings as code_strings_core};
use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

/// A customer graph held by the core (CSR, node codes `0..n_nodes`).
#[pyclass(frozen, module = "socialcrm._core")]
pub struct CsrGraph {
    pub(crate) inner: Graph,
}

#[pymethods]
impl CsrGraph {
    /// Number of nodes.
    #[getter]
    fn n_nodes(&self) -> usize {
        self.inner.n_nodes()
    }
    /// Number of edges (unordered pairs when undirected).
    #[getter]
    fn n_edges(&self) -> usize {
        self.inner.n_edges()
    }
    /// Number of self-loops.
    #[getter]
    fn n_self_loops(&self) -> usize {
        self.inner.n_self_loops()
    }
    /// Whether edges have a direction.
    #[getter]
    fn directed(&self) -> bool {
        self.inner.is_directed()
    }
    /// Bytes held by the adjacency and attribute arrays.
    fn memory_bytes(&self) -> usize {
        self.inner.memory_bytes()
    }
}

type Opt<'py, T> = Option<Bound<'py, PyArray1<T>>>;

fn opt<'py, T: numpy::Element>(py: Python<'py>, v: Option<Vec<T>>) -> Opt<'py, T> {
    v.map(|v| v.into_pyarray(py))
}

/// The edge weight a measure reads: "none", "weight" or "decayed".
pub(crate) fn edge_weight(name: &str) -> PyResult<EdgeWeight> {
    match name {
        "none" => Ok(EdgeWeight::Unit),
        "weight" => Ok(EdgeWeight::Summed),
        "decayed" => Ok(EdgeWeight::Decayed),
        other => Err(PyValueError::new_err(format!(
            "weight must be 'none', 'weight' or 'decayed', got {other:?}"
        ))),
    }
}

fn self_loop_policy(self_loops: &str) -> PyResult<SelfLoops> {
    match self_loops {
        "drop" => Ok(SelfLoops::Drop),
        "keep" => Ok(SelfLoops::Keep),
        other => Err(PyValueError::new_err(format!(
            "self_loops must be 'drop' or 'keep', got {other:?}"
        ))),
    }
}

/// Builds a graph from integer-coded events; returns it with the number of self-loops dropped.
#[pyfunction]
#[pyo3(signature = (source, target, n_nodes, *, weight=None, time=None, kind=None, directed=true,
    self_loops="drop", as_of=None, half_life=None, n_threads=None, progress=None))]
#[allow(clippy::too_many_arguments)]
pub fn build_graph<'py>(
    py: Python<'py>,
    source: PyReadonlyArray1<'py, u32>,
    target: PyReadonlyArray1<'py, u32>,
    n_nodes: usize,
    weight: Option<PyReadonlyArray1<'py, f64>>,
    time: Option<PyReadonlyArray1<'py, i64>>,
    kind: Option<PyReadonlyArray1<'py, u8>>,
    directed: bool,
    self_loops: &str,
    as_of: Option<i64>,
    half_life: Option<f64>,
    n_threads: Option<usize>,
    progress: Option<Bound<'py, PyAny>>,
) -> PyResult<(CsrGraph, usize)> {
    let self_loops = self_loop_policy(self_loops)?;
    let decay = match (as_of, half_life) {
        (Some(as_of), Some(half_life)) => Some(Decay { as_of, half_life }),
        _ => None,
    };
    let events = Events {
        source: source.as_slice()?,
        target: target.as_slice()?,
        weight: weight.as_ref().map(|w| w.as_slice()).transpose()?,
        time: time.as_ref().map(|t| t.as_slice()).transpose()?,
        kind: kind.as_ref().map(|k| k.as_slice()).transpose()?,
    };
    let cfg = BuildConfig {
        n_nodes,
        directed,
        self_loops,
        decay,
    };
    let (inner, report) = run_detached(py, n_threads, progress, |ctl| {
        graph::build(&events, &cfg, ctl)
    })?;
    Ok((CsrGraph { inner }, report.self_loops_dropped))
}

type EdgeColumns<'py> = (
    Bound<'py, PyArray1<u32>>,
    Bound<'py, PyArray1<u32>>,
    Bound<'py, PyArray1<u32>>,
    Bound<'py, PyArray1<f64>>,
    Opt<'py, f64>,
    Opt<'py, i64>,
    Opt<'py, i64>,
    Opt<'py, u64>,
);

/// Edge list: source, target, count, weight, decayed, first_seen, last_seen, kinds.
#[pyfunction]
pub fn edge_table<'py>(py: Python<'py>, g: &Bound<'py, CsrGraph>) -> PyResult<EdgeColumns<'py>> {
    let inner = &g.get().inner;
    let edges = run_detached(py, None, None, |_| Ok(graph::edge_list(inner)))?;
    let a = inner.attrs();
    let take = |xs: &[f64]| edges.slot.iter().map(|&e| xs[e]).collect::<Vec<_>>();
    let take_i = |xs: &[i64]| edges.slot.iter().map(|&e| xs[e]).collect::<Vec<_>>();
    let count: Vec<u32> = edges.slot.iter().map(|&e| a.count[e]).collect();
    let kinds = a
        .kinds
        .as_deref()
        .map(|k| edges.slot.iter().map(|&e| k[e]).collect());
    Ok((
        edges.source.into_pyarray(py),
        edges.target.into_pyarray(py),
        count.into_pyarray(py),
        take(&a.weight).into_pyarray(py),
        opt(py, a.decayed.as_deref().map(take)),
        opt(py, a.first_seen.as_deref().map(take_i)),
        opt(py, a.last_seen.as_deref().map(take_i)),
        opt(py, kinds),
    ))
}

type PairColumns<'py> = (
    Bound<'py, PyArray1<u32>>,
    Bound<'py, PyArray1<u32>>,
    Bound<'py, PyArray1<u32>>,
    Bound<'py, PyArray1<u32>>,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
    Opt<'py, f64>,
    Opt<'py, i64>,
    Opt<'py, i64>,
    Opt<'py, u64>,
);

/// Customer pairs: u, v, count_uv, count_vu, weight_uv, weight_vu, decayed, first, last, kinds.
#[pyfunction]
pub fn tie_pairs<'py>(py: Python<'py>, g: &Bound<'py, CsrGraph>) -> PyResult<PairColumns<'py>> {
    let inner = &g.get().inner;
    let p = run_detached(py, None, None, |ctl| graph::tie_pairs(inner, ctl))?;
    Ok((
        p.u.into_pyarray(py),
        p.v.into_pyarray(py),
        p.count_uv.into_pyarray(py),
        p.count_vu.into_pyarray(py),
        p.weight_uv.into_pyarray(py),
        p.weight_vu.into_pyarray(py),
        opt(py, p.decayed),
        opt(py, p.first_seen),
        opt(py, p.last_seen),
        opt(py, p.kinds),
    ))
}

/// Subgraph induced by the node codes `keep`, renumbered in increasing code order.
#[pyfunction]
pub fn induced_subgraph<'py>(
    py: Python<'py>,
    g: &Bound<'py, CsrGraph>,
    keep: PyReadonlyArray1<'py, u32>,
) -> PyResult<CsrGraph> {
    let (inner, keep) = (&g.get().inner, keep.as_slice()?);
    let sub = run_detached(py, None, None, |ctl| {
        graph::induced_subgraph(inner, keep, ctl)
    })?;
    Ok(CsrGraph { inner: sub })
}

/// Undirected view; `how` ("sum" or "max") combines the weights of `u -> v` and `v -> u`.
#[pyfunction]
#[pyo3(signature = (g, how="sum"))]
pub fn to_undirected<'py>(
    py: Python<'py>,
    g: &Bound<'py, CsrGraph>,
    how: &str,
) -> PyResult<CsrGraph> {
    let how = match how {
        "sum" => Merge::Sum,
        "max" => Merge::Max,
        other => {
            let msg = format!("how must be 'sum' or 'max', got {other:?}");
            return Err(PyValueError::new_err(msg));
        }
    };
    let inner = &g.get().inner;
    let und = run_detached(py, None, None, |ctl| graph::to_undirected(inner, how, ctl))?;
    Ok(CsrGraph { inner: und })
}

type CodedColumns<'py> = (
    Vec<Bound<'py, PyArray1<u32>>>,
    Bound<'py, PyArray1<i64>>,
    Bound<'py, PyArray1<u8>>,
);

/// Codes string columns given as Arrow `(offsets, data)` buffers into one sorted numbering:
/// returns the codes of each column and the distinct strings as `(offsets, data)`.
#[pyfunction]
#[pyo3(signature = (columns, *, n_threads=None))]
pub fn code_strings<'py>(
    py: Python<'py>,
    columns: Vec<(PyReadonlyArray1<'py, i64>, PyReadonlyArray1<'py, u8>)>,
    n_threads: Option<usize>,
) -> PyResult<CodedColumns<'py>> {
    let cols = columns
        .iter()
        .map(|(o, d)| {
            Ok(StrColumn {
                offsets: o.as_slice()?,
                data: d.as_slice()?,
            })
        })
        .collect::<PyResult<Vec<_>>>()?;
    let coded = run_detached(py, n_threads, None, |ctl| code_strings_core(&cols, ctl))?;
    let codes = coded
        .codes
        .into_iter()
        .map(|c| c.into_pyarray(py))
        .collect();
    Ok((
        codes,
        coded.offsets.into_pyarray(py),
        coded.data.into_pyarray(py),
    ))
}

type Stats = (u64, f64, usize, usize, usize, Option<i64>, Option<i64>);

/// Whole-graph figures: interactions, total weight, isolated nodes, reciprocated edges, edges
/// that are not self-loops, first and last event time.
#[pyfunction]
pub fn graph_stats(py: Python<'_>, g: &Bound<'_, CsrGraph>) -> PyResult<Stats> {
    let inner = &g.get().inner;
    let s = run_detached(py, None, None, |_| Ok(graph::graph_stats(inner)))?;
    Ok((
        s.interactions,
        s.total_weight,
        s.isolated,
        s.reciprocated,
        s.proper_edges,
        s.first_seen,
        s.last_seen,
    ))
}
