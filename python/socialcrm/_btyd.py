"""Buy-till-you-die purchase models: BG/NBD (purchases and drop-out) and Gamma-Gamma (spend)."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import pandas as pd

from . import _checks, _core, _tables
from .exceptions import InputError, InputTypeError

__all__ = ["BetaGeo", "GammaGamma"]


def _penalizer(value: Any) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not np.isfinite(value)
        or value < 0
    ):
        raise InputError(f"penalizer_coef must be a finite number >= 0, got {value!r}")
    return float(value)


def _column(values: Any, name: str, n: int | None) -> np.ndarray:
    """A finite float64 column, with the number and first position of bad rows in errors."""
    if isinstance(values, pd.Series):
        if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
            raise InputTypeError(f"column '{name}' must be numeric, got dtype {values.dtype}")
        a = values.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        try:
            a = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise InputTypeError(f"column '{name}' must be numeric ({exc})") from None
    a = np.ascontiguousarray(a.reshape(-1) if a.ndim == 0 else a)
    if a.ndim != 1:
        raise InputError(f"column '{name}' must be one-dimensional, got shape {a.shape}")
    if n is not None and len(a) != n:
        raise InputError(f"column '{name}' has {len(a)} rows, expected {n}")
    bad = ~np.isfinite(a)
    if bad.any():
        raise InputError(
            f"column '{name}': {int(bad.sum())} rows are missing or infinite "
            f"(first at row {int(np.flatnonzero(bad)[0])})"
        )
    return a


def _fail_if(bad: np.ndarray, name: str, what: str) -> None:
    if bad.any():
        raise InputError(
            f"column '{name}': {int(bad.sum())} rows {what} "
            f"(first at row {int(np.flatnonzero(bad)[0])})"
        )


def customer_columns(
    data: Any, names: tuple[str, ...], given: dict[str, Any]
) -> tuple[list[np.ndarray], pd.Index]:
    """The named columns from an RFM table (pandas/polars/pyarrow) or given one by one."""
    explicit = {k: v for k, v in given.items() if v is not None}
    if data is not None and explicit:
        raise InputError(f"give either an RFM table or the columns {', '.join(names)}, not both")
    if data is not None:
        df = _tables.to_pandas(data, "rfm", list(names))
        index = df.index if isinstance(data, pd.DataFrame) else pd.RangeIndex(len(df))
        return [_column(df[c], c, None) for c in names], index
    missing = [k for k in names if k not in explicit]
    if missing:
        raise InputError(
            f"give an RFM table or all of {', '.join(names)} (missing {', '.join(missing)})"
        )
    first = explicit[names[0]]
    cols = [_column(explicit[names[0]], names[0], None)]
    cols += [_column(explicit[c], c, len(cols[0])) for c in names[1:]]
    index = first.index if isinstance(first, pd.Series) else pd.RangeIndex(len(cols[0]))
    return cols, index


def _bgnbd_columns(
    data: Any, frequency: Any, recency: Any, T: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.Index]:
    (x, tx, t), index = customer_columns(
        data, ("frequency", "recency", "T"), {"frequency": frequency, "recency": recency, "T": T}
    )
    _fail_if(x < 0, "frequency", "are negative")
    _fail_if(tx < 0, "recency", "are negative")
    _fail_if(tx > t, "recency", "exceed T (the last purchase is after the end)")
    _fail_if((x == 0) & (tx != 0), "recency", "are not 0 although frequency is 0")
    return x, tx, t, index


def _fit_out(
    out: tuple[Any, ...], names: list[str]
) -> tuple[pd.Series, float, pd.DataFrame | None, int]:
    params, ll, cov, iterations, _grad, _rows = out
    params_ = pd.Series(params, index=names, name="estimate")
    cov_ = None if cov is None else pd.DataFrame(cov.reshape(len(names), -1), names, names)
    return params_, float(ll), cov_, int(iterations)


class _Fitted:
    params_: pd.Series
    log_likelihood_: float
    covariance_: pd.DataFrame | None
    iterations_: int

    def _check_fitted(self) -> None:
        if not hasattr(self, "params_"):
            raise InputError(f"{type(self).__name__} is not fitted yet: call fit() first")

    @property
    def standard_errors_(self) -> pd.Series:
        """Standard errors of the parameters (NaN when the information matrix is singular,
        e.g. at a boundary of the parameter space)."""
        self._check_fitted()
        if self.covariance_ is None:
            return pd.Series(np.nan, index=self.params_.index, name="standard_error")
        se = np.sqrt(np.diag(self.covariance_.to_numpy()))
        return pd.Series(se, index=self.params_.index, name="standard_error")

    def summary(self) -> pd.DataFrame:
        """Estimates, standard errors and 95% Wald intervals."""
        se = self.standard_errors_
        return pd.DataFrame(
            {
                "estimate": self.params_,
                "standard_error": se,
                "lower_95": self.params_ - 1.96 * se,
                "upper_95": self.params_ + 1.96 * se,
            }
        )

    def __repr__(self) -> str:
        if not hasattr(self, "params_"):
            return f"<{type(self).__name__}: not fitted>"
        shown = ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items())
        return f"<{type(self).__name__}: {shown}>"


class BetaGeo(_Fitted):
    """The BG/NBD model of repeat purchases and drop-out (Fader, Hardie & Lee 2005).

    While alive, a customer buys as a Poisson process of rate :math:`\\lambda`; after each purchase
    they drop out with probability :math:`p`. Across customers
    :math:`\\lambda \\sim \\Gamma(r, \\alpha)` and :math:`p \\sim \\mathrm{Beta}(a, b)`.

    Parameters
    ----------
    penalizer_coef : float
        L2 penalty :math:`c \\sum \\theta^2` on the parameters added to the mean negative
        log-likelihood, with time rescaled so the oldest customer has age 1 (lifetimes'
        convention, so the same coefficient gives the same fit). 0 for plain maximum likelihood.

    Attributes
    ----------
    params_ : pandas.Series
        ``r``, ``alpha`` (in the time unit of the RFM table), ``a``, ``b``.
    log_likelihood_ : float
        Total log-likelihood at ``params_`` (without the penalty).
    covariance_ : pandas.DataFrame or None
        Inverse observed information (delta method from the log-parameters); None if singular.
    standard_errors_ : pandas.Series
        Square roots of its diagonal.
    iterations_ : int
        BFGS iterations.

    Notes
    -----
    Log-likelihood of a customer with :math:`x` repeat purchases, the last at :math:`t_x`, and
    age :math:`T` (eq. 6 of [1]_):

    .. math::

        \\ln L = A_1 + A_2 + \\ln\\left(e^{A_3} + \\mathbb{1}[x > 0]\\, e^{A_4}\\right), \\quad
        A_1 = \\ln\\Gamma(r+x) - \\ln\\Gamma(r) + r\\ln\\alpha, \\\\
        A_2 = \\ln\\Gamma(a+b) + \\ln\\Gamma(b+x) - \\ln\\Gamma(b) - \\ln\\Gamma(a+b+x), \\\\
        A_3 = -(r+x)\\ln(\\alpha+T), \\quad A_4 = \\ln a - \\ln(b+x-1) - (r+x)\\ln(\\alpha+t_x).

    It is maximised over the log-parameters by BFGS with an analytic gradient and a
    backtracking line search in the compiled core, from :math:`\\ln\\theta = 0.1` as lifetimes;
    customers with identical :math:`(x, t_x, T)` are evaluated once, and the sum over customers
    is cut into fixed chunks, so the fit is bit-identical on any number of threads. The second
    summand is evaluated by log-sum-exp, so extreme customers (thousands of purchases, tiny
    :math:`T`) stay finite. A failed optimisation raises :class:`ConvergenceError`.

    References
    ----------
    .. [1] P. S. Fader, B. G. S. Hardie and K. L. Lee, "'Counting Your Customers' the Easy Way:
       An Alternative to the Pareto/NBD Model", Marketing Science 24(2), 2005.
    .. [2] P. S. Fader, B. G. S. Hardie and K. L. Lee, "Computing P(alive) Using the BG/NBD
       Model", 2008, http://brucehardie.com/notes/021/.

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm.value import BetaGeo
    >>> summary = pd.DataFrame({
    ...     "frequency": [0, 1, 3, 0, 2, 6, 1, 0],
    ...     "recency": [0.0, 10.0, 30.0, 0.0, 5.0, 35.0, 36.0, 0.0],
    ...     "T": [40.0, 38.0, 39.0, 20.0, 30.0, 36.0, 37.0, 10.0],
    ... }, index=list("abcdefgh"))
    >>> model = BetaGeo().fit(summary)
    >>> model.params_.round(3).index.tolist()
    ['r', 'alpha', 'a', 'b']
    >>> bool((model.p_alive() <= 1).all())
    True
    """

    def __init__(self, penalizer_coef: float = 0.0) -> None:
        self.penalizer_coef = _penalizer(penalizer_coef)

    def fit(
        self,
        rfm: Any = None,
        *,
        frequency: Any = None,
        recency: Any = None,
        T: Any = None,
        max_iter: int = 1000,
        n_threads: int | None = None,
        progress: _checks.Progress | None = None,
    ) -> BetaGeo:
        """Fits the model by maximum likelihood to an RFM table (columns ``frequency``,
        ``recency``, ``T``, as from :func:`rfm`) or to the three columns given one by one.

        Returns the model itself. Raises :class:`InputError` for negative values, recency above
        T, or recency not 0 for a customer without repeat purchases; :class:`ConvergenceError`
        when the optimiser fails, e.g. when the maximum likelihood does not exist (customers
        with repeat purchases all at recency 0 make the likelihood unbounded as alpha -> 0;
        very few customers can send a or b to infinity; ``penalizer_coef > 0`` then helps).
        """
        x, tx, t, index = _bgnbd_columns(rfm, frequency, recency, T)
        if len(x) == 0:
            raise InputError("the RFM table has no customers")
        out = _core.bgnbd_fit(
            x,
            tx,
            t,
            penalizer_coef=self.penalizer_coef,
            max_iter=_checks.positive_int("max_iter", max_iter),
            n_threads=_checks.n_threads(n_threads),
            progress=_checks.progress(progress),
        )
        self.params_, self.log_likelihood_, self.covariance_, self.iterations_ = _fit_out(
            out, ["r", "alpha", "a", "b"]
        )
        self._data = (x, tx, t, index)
        return self

    def _columns(
        self, rfm: Any, frequency: Any, recency: Any, T: Any
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.Index]:
        self._check_fitted()
        if rfm is None and frequency is None and recency is None and T is None:
            return self._data
        return _bgnbd_columns(rfm, frequency, recency, T)

    def _params(self) -> np.ndarray:
        return np.ascontiguousarray(self.params_.to_numpy(dtype=np.float64))

    def expected_purchases(
        self,
        t: float,
        rfm: Any = None,
        *,
        frequency: Any = None,
        recency: Any = None,
        T: Any = None,
        n_threads: int | None = None,
    ) -> pd.Series:
        """Expected number of repeat purchases of each customer in the next ``t`` periods.

        The customers of ``rfm`` (or of the given columns; default: the fitted ones).
        Eq. (10) of [1]_, lifetimes' ``conditional_expected_number_of_purchases_up_to_time``:

        .. math::

            E[X(t) \\mid x, t_x, T] = \\frac{a+b+x-1}{a-1}
            \\frac{1 - \\left(\\frac{\\alpha+T}{\\alpha+T+t}\\right)^{r+x}
            {}_2F_1\\left(r+x, b+x; a+b+x-1; \\frac{t}{\\alpha+T+t}\\right)}
            {1 + \\mathbb{1}[x>0] \\frac{a}{b+x-1}
            \\left(\\frac{\\alpha+T}{\\alpha+t_x}\\right)^{r+x}}

        evaluated through Euler's transformation
        :math:`{}_2F_1(r+x, b+x; c; z) = (1-z)^{a-1-r-x}\\, {}_2F_1(a+b-1-r, a-1; c; z)`,
        whose series has parameters that do not grow with :math:`x`, and with the denominator
        in log space.
        """
        t = _nonnegative(t, "t")
        x, tx, age, index = self._columns(rfm, frequency, recency, T)
        e = _core.bgnbd_predict(
            self._params(), "expected", x, tx, age, t=t, n_threads=_checks.n_threads(n_threads)
        )
        return pd.Series(e, index=index, name="expected_purchases")

    def p_alive(
        self,
        rfm: Any = None,
        *,
        frequency: Any = None,
        recency: Any = None,
        T: Any = None,
        n_threads: int | None = None,
    ) -> pd.Series:
        """Probability that each customer has not dropped out by ``T`` ([2]_):

        .. math::

            P(\\text{alive} \\mid x, t_x, T) = \\left(1 + \\mathbb{1}[x>0]\\frac{a}{b+x-1}
            \\left(\\frac{\\alpha+T}{\\alpha+t_x}\\right)^{r+x}\\right)^{-1}

        (1 for customers without repeat purchases: in the BG/NBD model a customer can only
        drop out right after a purchase).
        """
        x, tx, age, index = self._columns(rfm, frequency, recency, T)
        p = _core.bgnbd_predict(
            self._params(), "p_alive", x, tx, age, n_threads=_checks.n_threads(n_threads)
        )
        return pd.Series(p, index=index, name="p_alive")

    def log_likelihoods(
        self, rfm: Any = None, *, frequency: Any = None, recency: Any = None, T: Any = None
    ) -> pd.Series:
        """Log-likelihood of each customer's summary under the fitted parameters."""
        x, tx, age, index = self._columns(rfm, frequency, recency, T)
        ll = _core.bgnbd_predict(self._params(), "log_likelihood", x, tx, age)
        return pd.Series(ll, index=index, name="log_likelihood")

    def expected_purchases_new(self, t: Any) -> Any:
        """Expected number of repeat purchases of a newly acquired customer within ``t``
        periods (eq. 9 of [1]_), for a number or an array of ``t``:

        .. math::

            E[X(t)] = \\frac{a+b-1}{a-1}\\left[1 - \\left(\\frac{\\alpha}{\\alpha+t}\\right)^r
            {}_2F_1\\left(r, b; a+b-1; \\frac{t}{\\alpha+t}\\right)\\right]
        """
        self._check_fitted()
        ts = np.atleast_1d(np.asarray(t, dtype=np.float64))
        for v in ts:
            _nonnegative(v, "t")
        e = _core.bgnbd_expected_new(self._params(), np.ascontiguousarray(ts.reshape(-1)))
        return float(e[0]) if np.ndim(t) == 0 else e.reshape(np.shape(t))


def _nonnegative(value: Any, name: str) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not np.isfinite(value)
        or value < 0
    ):
        raise InputError(f"{name} must be a finite number >= 0, got {value!r}")
    return float(value)


class GammaGamma(_Fitted):
    """The Gamma-Gamma model of the mean purchase value (Fader, Hardie & Lee 2005; Colombo &
    Jiang 1999).

    Each purchase value of a customer is :math:`\\Gamma(p, \\nu)`; across customers
    :math:`\\nu \\sim \\Gamma(q, v)`. Spend is assumed independent of the purchase process.

    Parameters
    ----------
    penalizer_coef : float
        L2 penalty :math:`c (p^2 + q^2 + v^2)` added to the mean negative log-likelihood (as
        lifetimes).

    Attributes
    ----------
    params_ : pandas.Series
        ``p``, ``q``, ``v``.
    log_likelihood_, covariance_, standard_errors_, iterations_
        As in :class:`BetaGeo`.

    Notes
    -----
    Fitted on the customers with repeat purchases only (rows with ``frequency == 0`` are
    ignored: their ``monetary_value`` is not observed). Log-likelihood of a customer with
    :math:`x` repeat purchases of mean value :math:`m` ([3]_, eq. 1a):

    .. math::

        \\ln L = \\ln\\Gamma(px+q) - \\ln\\Gamma(px) - \\ln\\Gamma(q) + q\\ln v + (px-1)\\ln m
        + px\\ln x - (px+q)\\ln(xm+v),

    maximised over the log-parameters by BFGS in the core, from :math:`\\ln\\theta = 0.1`.

    References
    ----------
    .. [1] P. S. Fader, B. G. S. Hardie and K. L. Lee, "RFM and CLV: Using Iso-Value Curves for
       Customer Base Analysis", Journal of Marketing Research 42(4), 2005.
    .. [2] R. Colombo and W. Jiang, "A stochastic RFM model", Journal of Interactive Marketing
       13(3), 1999.
    .. [3] P. S. Fader and B. G. S. Hardie, "The Gamma-Gamma Model of Monetary Value", 2013,
       http://brucehardie.com/notes/025/.

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm.value import GammaGamma
    >>> summary = pd.DataFrame({
    ...     "frequency": [1, 2, 3, 1, 5, 2, 0],
    ...     "monetary_value": [10.0, 25.0, 14.0, 40.0, 12.0, 9.0, 0.0],
    ... }, index=list("abcdefg"))
    >>> model = GammaGamma().fit(summary)
    >>> spend = model.expected_spend()
    >>> bool(spend["g"] == model.population_mean_spend_)
    True
    """

    def __init__(self, penalizer_coef: float = 0.0) -> None:
        self.penalizer_coef = _penalizer(penalizer_coef)

    def _columns(
        self, rfm: Any, frequency: Any, monetary_value: Any, zero_spend_ok: bool = False
    ) -> tuple[np.ndarray, np.ndarray, pd.Index]:
        (x, m), index = customer_columns(
            rfm,
            ("frequency", "monetary_value"),
            {"frequency": frequency, "monetary_value": monetary_value},
        )
        _fail_if(x < 0, "frequency", "are negative")
        _fail_if(m < 0, "monetary_value", "are negative")
        if not zero_spend_ok:
            # The likelihood needs a positive mean spend; a prediction at m = 0 is well defined.
            _fail_if(
                (x > 0) & (m == 0), "monetary_value", "are 0 for customers with repeat purchases"
            )
        return x, m, index

    def fit(
        self,
        rfm: Any = None,
        *,
        frequency: Any = None,
        monetary_value: Any = None,
        max_iter: int = 1000,
        n_threads: int | None = None,
        progress: _checks.Progress | None = None,
    ) -> GammaGamma:
        """Fits the model to the customers with ``frequency > 0`` of an RFM table (columns
        ``frequency``, ``monetary_value``) or of the two columns given one by one."""
        x, m, index = self._columns(rfm, frequency, monetary_value)
        rep = x > 0
        if not rep.any():
            raise InputError("column 'frequency': no customer has repeat purchases to fit on")
        out = _core.gamma_gamma_fit(
            np.ascontiguousarray(x[rep]),
            np.ascontiguousarray(m[rep]),
            penalizer_coef=self.penalizer_coef,
            max_iter=_checks.positive_int("max_iter", max_iter),
            n_threads=_checks.n_threads(n_threads),
            progress=_checks.progress(progress),
        )
        self.params_, self.log_likelihood_, self.covariance_, self.iterations_ = _fit_out(
            out, ["p", "q", "v"]
        )
        self._data = (x, m, index)
        return self

    @property
    def population_mean_spend_(self) -> float:
        """Mean purchase value of a random customer, :math:`pv/(q-1)` (infinite if q <= 1)."""
        self._check_fitted()
        p, q, v = self.params_.to_numpy()
        return float(p * v / (q - 1)) if q > 1 else float("inf")

    def expected_spend(
        self, rfm: Any = None, *, frequency: Any = None, monetary_value: Any = None
    ) -> pd.Series:
        """Expected mean purchase value of each customer given their history ([1]_, eq. 5;
        lifetimes' ``conditional_expected_average_profit``):

        .. math::

            E[M \\mid p, q, v, m, x] = \\frac{q-1}{px+q-1}\\frac{pv}{q-1}
            + \\frac{px}{px+q-1} m = \\frac{p(v + xm)}{px+q-1},

        a weighted mean of the population mean :math:`pv/(q-1)` and the customer's own mean;
        customers without repeat purchases (:math:`x = 0`) get the population mean.
        Raises :class:`InputError` when the fitted :math:`q \\le 1` (the population mean is
        then infinite).
        """
        self._check_fitted()
        if rfm is None and frequency is None and monetary_value is None:
            x, m, index = self._data
        else:
            x, m, index = self._columns(rfm, frequency, monetary_value, zero_spend_ok=True)
        p, q, v = self.params_.to_numpy()
        if q <= 1:
            raise InputError(
                f"the fitted q = {q:.4g} <= 1: the population mean spend is infinite; "
                "try a penalizer_coef > 0"
            )
        spend = p * (v + x * m) / (p * x + q - 1)
        return pd.Series(spend, index=index, name="expected_spend")
