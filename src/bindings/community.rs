//! Community detection, evaluation and roles.

// -- detection --
pub use detection::{label_propagation, leiden, louvain};

/// Leiden, Louvain and label propagation.
mod detection {
    use crate::bindings::graph::{CsrGraph, edge_weight};
    use crate::bindings::run::{iterative, run_sized, sweeps};
    use crate::community::{self as core, LeidenConfig, Objective, QualityConfig};
    use numpy::ndarray::Array2;
    use numpy::{IntoPyArray, PyArray1, PyArray2, PyReadonlyArray1};
    use pyo3::exceptions::PyValueError;
    use pyo3::prelude::*;

    /// Sweeps over the graph assumed for a Leiden or Louvain run when sizing the job (every
    /// level's local moves together; small graphs settle in far fewer).
    const LOCAL_MOVE_SWEEPS: usize = 64;

    type Found<'py> = (
        Bound<'py, PyArray1<u32>>,
        Bound<'py, PyArray2<u32>>,
        f64,
        usize,
    );

    pub(super) fn parse_objective(name: &str) -> PyResult<Objective> {
        match name {
            "modularity" => Ok(Objective::Modularity),
            "cpm" => Ok(Objective::Cpm),
            other => Err(PyValueError::new_err(format!(
                "objective must be 'modularity' or 'cpm', got {other:?}"
            ))),
        }
    }

    fn found(py: Python<'_>, c: core::Clustering) -> PyResult<Found<'_>> {
        let n = c.membership.len();
        let rows = c.levels.len();
        let levels = Array2::from_shape_vec((rows, n), c.levels.concat())
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok((
            c.membership.into_pyarray(py),
            levels.into_pyarray(py),
            c.quality,
            c.iterations,
        ))
    }

    /// Leiden: (membership, levels, quality, iterations).
    #[pyfunction]
    #[pyo3(signature = (g, *, objective="modularity", resolution=1.0, weight="weight", directed=true,
        seed=0, n_iterations=-1, theta=0.01, initial=None, parallel=false, incremental=true,
        n_threads=None, progress=None))]
    #[allow(clippy::too_many_arguments)]
    pub fn leiden<'py>(
        py: Python<'py>,
        g: &Bound<'py, CsrGraph>,
        objective: &str,
        resolution: f64,
        weight: &str,
        directed: bool,
        seed: u64,
        n_iterations: i64,
        theta: f64,
        initial: Option<PyReadonlyArray1<'py, u32>>,
        parallel: bool,
        incremental: bool,
        n_threads: Option<usize>,
        progress: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Found<'py>> {
        let quality = QualityConfig {
            objective: parse_objective(objective)?,
            resolution,
            weight: edge_weight(weight)?,
            directed,
        };
        let cfg = LeidenConfig {
            quality,
            seed,
            n_iterations,
            theta,
            parallel,
            incremental,
        };
        let init = initial.as_ref().map(|a| a.as_slice()).transpose()?;
        let inner = &g.get().inner;
        let c = run_sized(
            py,
            sweeps(inner, LOCAL_MOVE_SWEEPS),
            n_threads,
            progress,
            |ctl| core::leiden(inner, init, &cfg, ctl),
        )?;
        found(py, c)
    }

    /// Louvain: (membership, levels, quality, iterations).
    #[pyfunction]
    #[pyo3(signature = (g, *, resolution=1.0, weight="weight", directed=true, seed=0,
        n_iterations=1, parallel=false, n_threads=None, progress=None))]
    #[allow(clippy::too_many_arguments)]
    pub fn louvain<'py>(
        py: Python<'py>,
        g: &Bound<'py, CsrGraph>,
        resolution: f64,
        weight: &str,
        directed: bool,
        seed: u64,
        n_iterations: i64,
        parallel: bool,
        n_threads: Option<usize>,
        progress: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Found<'py>> {
        let quality = QualityConfig {
            objective: Objective::Modularity,
            resolution,
            weight: edge_weight(weight)?,
            directed,
        };
        let cfg = LeidenConfig {
            quality,
            seed,
            n_iterations,
            parallel,
            ..Default::default()
        };
        let inner = &g.get().inner;
        let c = run_sized(
            py,
            sweeps(inner, LOCAL_MOVE_SWEEPS),
            n_threads,
            progress,
            |ctl| core::louvain(inner, None, &cfg, ctl),
        )?;
        found(py, c)
    }

    /// Asynchronous label propagation: (membership, levels, modularity, sweeps).
    #[pyfunction]
    #[pyo3(signature = (g, *, weight="weight", seed=0, max_iter=100, n_threads=None, progress=None))]
    pub fn label_propagation<'py>(
        py: Python<'py>,
        g: &Bound<'py, CsrGraph>,
        weight: &str,
        seed: u64,
        max_iter: usize,
        n_threads: Option<usize>,
        progress: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Found<'py>> {
        let cfg = core::LabelPropagationConfig {
            weight: edge_weight(weight)?,
            seed,
            max_iter,
        };
        let inner = &g.get().inner;
        let c = run_sized(py, iterative(inner, max_iter), n_threads, progress, |ctl| {
            core::label_propagation(inner, &cfg, ctl)
        })?;
        found(py, c)
    }
}

// -- evaluation --
pub use evaluation::{community_quality, community_stats};

/// Modularity / CPM and the sums behind conductance and coverage.
mod evaluation {
    use super::detection::parse_objective;
    use crate::bindings::graph::{CsrGraph, edge_weight};
    use crate::bindings::run::run_detached;
    use crate::community::{self as core, QualityConfig};
    use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1};
    use pyo3::prelude::*;

    /// Quality (modularity or CPM) of a membership.
    #[pyfunction]
    #[pyo3(signature = (g, membership, *, objective="modularity", resolution=1.0, weight="weight",
        directed=true, n_threads=None))]
    #[allow(clippy::too_many_arguments)]
    pub fn community_quality<'py>(
        py: Python<'py>,
        g: &Bound<'py, CsrGraph>,
        membership: PyReadonlyArray1<'py, u32>,
        objective: &str,
        resolution: f64,
        weight: &str,
        directed: bool,
        n_threads: Option<usize>,
    ) -> PyResult<f64> {
        let cfg = QualityConfig {
            objective: parse_objective(objective)?,
            resolution,
            weight: edge_weight(weight)?,
            directed,
        };
        let memb = membership.as_slice()?;
        let inner = &g.get().inner;
        run_detached(py, n_threads, None, |ctl| {
            core::quality(inner, memb, &cfg, ctl)
        })
    }

    type Stats<'py> = (Bound<'py, PyArray1<f64>>, Bound<'py, PyArray1<f64>>, f64);

    /// Per community: (inside weight, volume), and the total weight (undirected view).
    #[pyfunction]
    #[pyo3(signature = (g, membership, *, weight="weight", n_threads=None))]
    pub fn community_stats<'py>(
        py: Python<'py>,
        g: &Bound<'py, CsrGraph>,
        membership: PyReadonlyArray1<'py, u32>,
        weight: &str,
        n_threads: Option<usize>,
    ) -> PyResult<Stats<'py>> {
        let w = edge_weight(weight)?;
        let memb = membership.as_slice()?;
        let inner = &g.get().inner;
        let s = run_detached(py, n_threads, None, |ctl| {
            core::community_stats(inner, memb, w, ctl)
        })?;
        Ok((
            s.inside.into_pyarray(py),
            s.volume.into_pyarray(py),
            s.total,
        ))
    }
}

// -- roles and profiles --

type RoleColumns<'py> = (
    pyo3::Bound<'py, numpy::PyArray1<f64>>,
    pyo3::Bound<'py, numpy::PyArray1<f64>>,
    pyo3::Bound<'py, numpy::PyArray1<f64>>,
    pyo3::Bound<'py, numpy::PyArray1<f64>>,
    pyo3::Bound<'py, numpy::PyArray1<u8>>,
);

/// Roles inside communities: (degree, within, z_score, participation, role 1..7).
#[pyo3::pyfunction]
#[pyo3(signature = (g, membership, n_communities, *, weight="none", direction="all",
    n_threads=None, progress=None))]
#[allow(clippy::too_many_arguments)]
pub fn community_roles<'py>(
    py: pyo3::Python<'py>,
    g: &pyo3::Bound<'py, super::graph::CsrGraph>,
    membership: numpy::PyReadonlyArray1<'py, u32>,
    n_communities: usize,
    weight: &str,
    direction: &str,
    n_threads: Option<usize>,
    progress: Option<pyo3::Bound<'py, pyo3::PyAny>>,
) -> pyo3::PyResult<RoleColumns<'py>> {
    use numpy::IntoPyArray;
    let direction = match direction {
        "all" => crate::community::Direction::All,
        "in" => crate::community::Direction::In,
        "out" => crate::community::Direction::Out,
        other => {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "direction must be 'all', 'in' or 'out', got {other:?}"
            )));
        }
    };
    let cfg = crate::community::RolesConfig {
        weight: super::graph::edge_weight(weight)?,
        direction,
    };
    let (inner, codes) = (&g.get().inner, membership.as_slice()?);
    let r = super::run::run_detached(py, n_threads, progress, |ctl| {
        crate::community::roles(inner, codes, n_communities, &cfg, ctl)
    })?;
    Ok((
        r.degree.into_pyarray(py),
        r.within.into_pyarray(py),
        r.z_score.into_pyarray(py),
        r.participation.into_pyarray(py),
        r.role.into_pyarray(py),
    ))
}

type ProfileColumns<'py> = (
    pyo3::Bound<'py, numpy::PyArray1<u64>>,
    pyo3::Bound<'py, numpy::PyArray1<f64>>,
    pyo3::Bound<'py, numpy::PyArray1<f64>>,
    pyo3::Bound<'py, numpy::PyArray1<u64>>,
    pyo3::Bound<'py, numpy::PyArray1<f64>>,
    pyo3::Bound<'py, numpy::PyArray1<f64>>,
    pyo3::Bound<'py, numpy::PyArray1<f64>>,
    pyo3::Bound<'py, numpy::PyArray1<f64>>,
);

/// Community profile: (size, internal, external, internal_edges, density, volume,
/// conductance, node strength).
#[pyo3::pyfunction]
#[pyo3(signature = (g, membership, n_communities, *, weight="weight", n_threads=None,
    progress=None))]
pub fn community_profile<'py>(
    py: pyo3::Python<'py>,
    g: &pyo3::Bound<'py, super::graph::CsrGraph>,
    membership: numpy::PyReadonlyArray1<'py, u32>,
    n_communities: usize,
    weight: &str,
    n_threads: Option<usize>,
    progress: Option<pyo3::Bound<'py, pyo3::PyAny>>,
) -> pyo3::PyResult<ProfileColumns<'py>> {
    use numpy::IntoPyArray;
    let weight = super::graph::edge_weight(weight)?;
    let (inner, codes) = (&g.get().inner, membership.as_slice()?);
    let p = super::run::run_detached(py, n_threads, progress, |ctl| {
        crate::community::profile(inner, codes, n_communities, weight, ctl)
    })?;
    Ok((
        p.size.into_pyarray(py),
        p.internal.into_pyarray(py),
        p.external.into_pyarray(py),
        p.internal_edges.into_pyarray(py),
        p.density.into_pyarray(py),
        p.volume.into_pyarray(py),
        p.conductance.into_pyarray(py),
        p.strength.into_pyarray(py),
    ))
}
