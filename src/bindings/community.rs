//! Community detection, evaluation and roles.

// -- detection --

// -- evaluation --

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
