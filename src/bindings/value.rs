//! Customer value models.

// -- purchase value --

pub(crate) use purchase::{
    bgnbd_expected_new, bgnbd_fit, bgnbd_predict, gamma_gamma_fit, rfm_summary,
};

/// Purchase value: RFM summaries, BG/NBD and Gamma-Gamma.
mod purchase {
    use super::super::run::run_detached;
    use crate::value::{bgnbd, gamma_gamma, rfm};
    use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1};
    use pyo3::exceptions::PyValueError;
    use pyo3::prelude::*;

    type F64Array<'py> = Bound<'py, PyArray1<f64>>;
    type F64In<'py> = PyReadonlyArray1<'py, f64>;
    type RfmColumns<'py> = (
        F64Array<'py>,
        F64Array<'py>,
        F64Array<'py>,
        F64Array<'py>,
        F64Array<'py>,
    );
    /// (params, log_likelihood, flattened covariance or None, iterations, grad_norm, distinct rows).
    type FitResult<'py> = (F64Array<'py>, f64, Option<F64Array<'py>>, usize, f64, usize);

    /// Per-customer RFM summary in periods: (frequency, recency, T, monetary, mean amount).
    #[pyfunction]
    #[pyo3(signature = (codes, periods, n_customers, end, *, amounts=None, n_threads=None))]
    pub fn rfm_summary<'py>(
        py: Python<'py>,
        codes: PyReadonlyArray1<'py, u32>,
        periods: PyReadonlyArray1<'py, i64>,
        n_customers: usize,
        end: i64,
        amounts: Option<F64In<'py>>,
        n_threads: Option<usize>,
    ) -> PyResult<RfmColumns<'py>> {
        let (c, p) = (codes.as_slice()?, periods.as_slice()?);
        let a = amounts.as_ref().map(|a| a.as_slice()).transpose()?;
        let s = run_detached(py, n_threads, None, |ctl| {
            rfm::summarize(c, p, a, n_customers, end, ctl)
        })?;
        Ok((
            s.frequency.into_pyarray(py),
            s.recency.into_pyarray(py),
            s.age.into_pyarray(py),
            s.monetary.into_pyarray(py),
            s.mean_amount.into_pyarray(py),
        ))
    }

    fn fit_result(py: Python<'_>, fit: bgnbd::Fit) -> FitResult<'_> {
        let cov = fit.covariance.map(|c| {
            c.into_iter()
                .flatten()
                .collect::<Vec<f64>>()
                .into_pyarray(py)
        });
        let params = fit.params.into_pyarray(py);
        let (ll, it, gn) = (fit.log_likelihood, fit.iterations, fit.grad_norm);
        (params, ll, cov, it, gn, fit.distinct_rows)
    }

    /// BG/NBD maximum likelihood fit.
    #[pyfunction]
    #[pyo3(signature = (frequency, recency, T, *, penalizer_coef=0.0, max_iter=1000,
        n_threads=None, progress=None))]
    #[allow(non_snake_case, clippy::too_many_arguments)]
    pub fn bgnbd_fit<'py>(
        py: Python<'py>,
        frequency: F64In<'py>,
        recency: F64In<'py>,
        T: F64In<'py>,
        penalizer_coef: f64,
        max_iter: usize,
        n_threads: Option<usize>,
        progress: Option<Bound<'py, PyAny>>,
    ) -> PyResult<FitResult<'py>> {
        let (x, tx, t) = (frequency.as_slice()?, recency.as_slice()?, T.as_slice()?);
        let cfg = bgnbd::FitConfig {
            penalizer_coef,
            max_iter,
            ..Default::default()
        };
        let fit = run_detached(py, n_threads, progress, |ctl| {
            bgnbd::fit(x, tx, t, &cfg, ctl)
        })?;
        Ok(fit_result(py, fit))
    }

    /// Gamma-Gamma maximum likelihood fit on customers with repeat purchases.
    #[pyfunction]
    #[pyo3(signature = (frequency, monetary_value, *, penalizer_coef=0.0, max_iter=1000,
        n_threads=None, progress=None))]
    pub fn gamma_gamma_fit<'py>(
        py: Python<'py>,
        frequency: F64In<'py>,
        monetary_value: F64In<'py>,
        penalizer_coef: f64,
        max_iter: usize,
        n_threads: Option<usize>,
        progress: Option<Bound<'py, PyAny>>,
    ) -> PyResult<FitResult<'py>> {
        let (x, m) = (frequency.as_slice()?, monetary_value.as_slice()?);
        let cfg = bgnbd::FitConfig {
            penalizer_coef,
            max_iter,
            ..Default::default()
        };
        let fit = run_detached(py, n_threads, progress, |ctl| {
            gamma_gamma::fit(x, m, &cfg, ctl)
        })?;
        Ok(fit_result(py, fit))
    }

    fn four(params: &F64In<'_>) -> PyResult<[f64; 4]> {
        <[f64; 4]>::try_from(params.as_slice()?)
            .map_err(|_| PyValueError::new_err("params must hold r, alpha, a, b"))
    }

    /// BG/NBD per-customer predictions: `what` is "expected" (needs `t`), "p_alive" or
    /// "log_likelihood".
    #[pyfunction]
    #[pyo3(signature = (params, what, frequency, recency, T, *, t=0.0, n_threads=None))]
    #[allow(non_snake_case, clippy::too_many_arguments)]
    pub fn bgnbd_predict<'py>(
        py: Python<'py>,
        params: F64In<'py>,
        what: &str,
        frequency: F64In<'py>,
        recency: F64In<'py>,
        T: F64In<'py>,
        t: f64,
        n_threads: Option<usize>,
    ) -> PyResult<F64Array<'py>> {
        let p = four(&params)?;
        let (x, tx, age) = (frequency.as_slice()?, recency.as_slice()?, T.as_slice()?);
        let out = match what {
            "expected" => run_detached(py, n_threads, None, |_| {
                bgnbd::expected_purchases(&p, t, x, tx, age)
            }),
            "p_alive" => run_detached(py, n_threads, None, |_| bgnbd::p_alive(&p, x, tx, age)),
            "log_likelihood" => run_detached(py, n_threads, None, |_| {
                bgnbd::log_likelihoods(&p, x, tx, age)
            }),
            _ => Err(PyValueError::new_err(format!(
                "unknown prediction {what:?}"
            ))),
        }?;
        Ok(out.into_pyarray(py))
    }

    /// BG/NBD expected repeat purchases of a new customer in periods of length `t`.
    #[pyfunction]
    pub fn bgnbd_expected_new<'py>(
        py: Python<'py>,
        params: F64In<'py>,
        t: F64In<'py>,
    ) -> PyResult<F64Array<'py>> {
        let p = four(&params)?;
        let t = t.as_slice()?;
        let out = run_detached(py, None, None, |_| bgnbd::expected_purchases_new(&p, t))?;
        Ok(out.into_pyarray(py))
    }
}

// -- co-creation --
use super::graph::{CsrGraph, edge_weight};
use super::run::run_detached;
use crate::value::{AttributionConfig, group_item_counts, group_quantiles, influence_attribution};
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

/// Per-group quantiles, NaN skipped: row-major (n_groups, len(qs)).
#[pyfunction]
#[pyo3(signature = (groups, values, n_groups, qs, *, n_threads=None))]
pub fn grouped_quantiles<'py>(
    py: Python<'py>,
    groups: PyReadonlyArray1<'py, u32>,
    values: PyReadonlyArray1<'py, f64>,
    n_groups: usize,
    qs: PyReadonlyArray1<'py, f64>,
    n_threads: Option<usize>,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let (g, v, q) = (groups.as_slice()?, values.as_slice()?, qs.as_slice()?);
    let out = run_detached(py, n_threads, None, |ctl| {
        group_quantiles(g, v, n_groups, q, ctl)
    })?;
    Ok(out.into_pyarray(py))
}

/// Per group: (distinct items, summed counts of the ceil(m / top_per) most frequent items).
#[pyfunction]
#[pyo3(signature = (groups, items, n_groups, *, top_per=100, n_threads=None))]
#[allow(clippy::type_complexity)]
pub fn grouped_item_counts<'py>(
    py: Python<'py>,
    groups: PyReadonlyArray1<'py, u32>,
    items: PyReadonlyArray1<'py, u32>,
    n_groups: usize,
    top_per: usize,
    n_threads: Option<usize>,
) -> PyResult<(Bound<'py, PyArray1<u64>>, Bound<'py, PyArray1<u64>>)> {
    let (g, it) = (groups.as_slice()?, items.as_slice()?);
    let (distinct, top) = run_detached(py, n_threads, None, |ctl| {
        group_item_counts(g, it, n_groups, top_per, ctl)
    })?;
    Ok((distinct.into_pyarray(py), top.into_pyarray(py)))
}
