"""Customer referral value (CRV) and the CLV x CRV quadrants."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ._value_inputs import (
    MONTH_DAYS,
    columns_of,
    ids,
    intake,
    months,
    nonneg_float,
    numbers,
    optional,
    times,
    value_series,
)
from .exceptions import InputError, InputTypeError

__all__ = ["referral_value", "value_quadrants"]


def referral_value(
    referrals: Any,
    clv: pd.Series,
    *,
    referrer: str = "referrer",
    referee: str = "referee",
    timestamp: str | None = "timestamp",
    incentive: str | None = None,
    would_join_anyway: str | None = None,
    join_anyway_share: float = 0.0,
    acquisition_cost: float = 0.0,
    retention_cost: float = 0.0,
    horizon: str | float = "12M",
    discount_rate: float = 0.01,
    as_of: Any = None,
) -> pd.DataFrame:
    """Customer referral value (CRV): what a customer's referrals are worth to the company.

    Parameters
    ----------
    referrals : pandas.DataFrame, polars.DataFrame or pyarrow.Table
        One row per referral (data model ``referrals`` table).
    clv : pandas.Series
        Customer lifetime value (margin) per customer id, e.g. from a CLV model; referees
        missing from it count 0 (noted in ``attrs["notes"]``).
    referrer, referee : str
        Columns of who referred whom.
    timestamp : str or None, default "timestamp"
        Column of referral times; used when present. Without it every referral counts, in
        period 1.
    incentive : str, optional
        Column of the referral reward paid per referral (cost); 0 without it.
    would_join_anyway : str, optional
        Column of a bool or probability in [0, 1] that the referee would have joined without
        the referral. Without it every referee gets ``join_anyway_share``.
    join_anyway_share : float, default 0.0
        Probability used when ``would_join_anyway`` is not given (0: every referee was won by
        the referral, Kumar et al.'s type-1 referee).
    acquisition_cost : float, default 0.0
        Cost of acquiring a customer through marketing, saved by every referral.
    retention_cost : float, default 0.0
        Marketing cost of keeping a referee who would not have joined otherwise.
    horizon : str or float, default "12M"
        Window of referrals counted, ending at ``as_of``: months, or '12M', '2Y', '26W', '90D'.
    discount_rate : float, default 0.01
        Monthly discount rate :math:`d`, as in :func:`~socialcrm.value.clv`; month :math:`t`
        is discounted by :math:`(1 + d)^{-t}`.
    as_of : datetime-like, optional
        End of the window; default the latest referral.

    Returns
    -------
    pandas.DataFrame
        Per customer (referrers, referees and every customer of ``clv``): ``referrals``,
        ``won_referees`` (expected referees who would not have joined otherwise,
        :math:`\\sum (1 - p_j)`), ``margin``, ``incentives``, ``retention_costs``,
        ``acquisition_saved`` (all discounted) and ``crv``. ``attrs`` holds ``notes``.

    Raises
    ------
    MissingColumnError, InputError
        Missing columns; null ids; bad times, incentives or probabilities; bad parameters.

    Notes
    -----
    Following Kumar, Petersen & Leone (2007, 2010), a referee :math:`j` referred by
    :math:`i` in month :math:`t_j` of the horizon (1 = first month) is of type 1 (would not
    have joined otherwise) with probability :math:`1 - p_j` and of type 2 with probability
    :math:`p_j`:

    .. math::

        \\mathrm{CRV}_i = \\sum_{j \\in R_i}
        \\frac{(1 - p_j)\\,(\\mathrm{CLV}_j - a_j - M) + \\mathrm{ACQ}}{(1 + d)^{t_j}}

    where :math:`a_j` is the incentive, :math:`M` the retention cost and :math:`\\mathrm{ACQ}`
    the acquisition cost saved (by type-1 and type-2 referees alike); type-2 referees add only
    :math:`\\mathrm{ACQ}`. The original model forecasts future referrals; here the observed
    referrals of the horizon window are valued, discounted from the window's start. The
    margin of a referee is their CLV as given (take it over the same horizon for a
    like-for-like CRV). A referrer referring the same referee twice counts twice.

    References
    ----------
    .. [1] V. Kumar, J. A. Petersen and R. P. Leone, "How Valuable Is Word of Mouth?",
       Harvard Business Review 85(10), 2007.
    .. [2] V. Kumar, J. A. Petersen and R. P. Leone, "Driving Profitability by Encouraging
       Customer Referrals: Who, When, and How", Journal of Marketing 74(5), 2010.

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm.value import referral_value
    >>> refs = pd.DataFrame({"referrer": ["ann", "ann"], "referee": ["bob", "cid"],
    ...     "timestamp": pd.to_datetime(["2024-01-15", "2024-12-15"])})
    >>> clv = pd.Series({"ann": 100.0, "bob": 50.0, "cid": 80.0})
    >>> crv = referral_value(refs, clv, acquisition_cost=10, discount_rate=0.0)
    >>> crv[["referrals", "margin", "acquisition_saved", "crv"]]
         referrals  margin  acquisition_saved    crv
    ann          2   130.0               20.0  150.0
    bob          0     0.0                0.0    0.0
    cid          0     0.0                0.0    0.0
    """
    present = columns_of(referrals)
    timestamp = optional(present, timestamp, "timestamp")
    acq = nonneg_float(acquisition_cost, "acquisition_cost")
    ret = nonneg_float(retention_cost, "retention_cost")
    share0 = nonneg_float(join_anyway_share, "join_anyway_share", upper=1.0)
    d = nonneg_float(discount_rate, "discount_rate")
    h = months(horizon)
    value = value_series(clv, "clv")
    table = intake(
        referrals, "referrals", [referrer, referee], [timestamp, incentive, would_join_anyway]
    )
    ids(table[referrer], "referrals", referrer)
    ids(table[referee], "referrals", referee)
    notes: list[str] = []
    n = len(table)
    if timestamp is not None:
        t = times(table[timestamp], "referrals", timestamp)
        end = _as_of(as_of, t)
        age = (end - t) / np.timedelta64(1, "D") / MONTH_DAYS  # months before the end
        inside = ((age >= 0) & (age < h)).to_numpy()
        if (~inside).any():
            notes.append(
                f"table 'referrals': {int((~inside).sum())} referrals outside the {h:g}-month "
                "horizon window not counted"
            )
        period = np.clip(np.floor(h - age.to_numpy()) + 1, 1, np.ceil(h))
    else:
        inside = np.ones(n, dtype=bool)
        period = np.ones(n)
    cost = (
        numbers(table[incentive], "referrals", incentive) if incentive is not None else np.zeros(n)
    )
    p = _probabilities(table, would_join_anyway, share0)
    clv_j = value.reindex(pd.Index(table[referee])).to_numpy()
    unknown = np.isnan(clv_j)
    if unknown.any():
        notes.append(f"clv: {int(unknown.sum())} referees without a CLV counted as 0")
    clv_j = np.nan_to_num(clv_j)
    disc = (1.0 + d) ** (-period) * inside
    won = 1.0 - p
    parts = pd.DataFrame(
        {
            "referrals": inside.astype(np.int64),
            "won_referees": won * inside,
            "margin": won * clv_j * disc,
            "incentives": won * cost * disc,
            "retention_costs": won * ret * disc,
            "acquisition_saved": acq * disc,
        }
    )
    per = parts.groupby(table[referrer].to_numpy()).sum()
    everyone = pd.Index(
        pd.concat([table[referrer], table[referee], value.index.to_series()]).unique()
    )
    try:
        everyone = everyone.sort_values()
    except TypeError:
        pass
    out = per.reindex(everyone, fill_value=0)
    out["referrals"] = out["referrals"].astype(np.int64)
    out["crv"] = (
        out["margin"] - out["incentives"] - out["retention_costs"] + out["acquisition_saved"]
    )
    out.attrs["notes"] = notes
    return out


def _as_of(as_of: Any, t: pd.Series) -> pd.Timestamp:
    if as_of is None:
        if len(t) == 0:
            return pd.Timestamp(0)
        return pd.Timestamp(t.max())
    try:
        ts = pd.Timestamp(as_of)
    except (ValueError, TypeError) as exc:
        raise InputError(f"as_of must be a time, got {as_of!r}") from exc
    if ts.tz is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    return ts


def _probabilities(table: pd.DataFrame, column: str | None, default: float) -> np.ndarray:
    if column is None:
        return np.full(len(table), default)
    col = table[column]
    if pd.api.types.is_bool_dtype(col):
        return col.to_numpy(dtype=np.float64)
    if col.dtype == object and col.dropna().map(lambda x: isinstance(x, bool)).all():
        if col.isna().any():
            raise InputError(
                f"table 'referrals', column '{column}': {int(col.isna().sum())} rows are "
                "missing; fill them (True/False or a probability)"
            )
        return col.astype(bool).to_numpy(dtype=np.float64)
    if not pd.api.types.is_numeric_dtype(col):
        raise InputTypeError(
            f"table 'referrals', column '{column}': must hold bools or probabilities, "
            f"got dtype {col.dtype}"
        )
    p = numbers(col, "referrals", column)
    over = p > 1
    if over.any():
        raise InputError(
            f"table 'referrals', column '{column}': {int(over.sum())} rows are above 1 "
            f"(first at row {int(np.flatnonzero(over)[0])}); probabilities must be in [0, 1]"
        )
    return p


def value_quadrants(
    clv: pd.Series,
    crv: pd.Series | pd.DataFrame,
    *,
    clv_threshold: float | None = None,
    crv_threshold: float | None = None,
) -> pd.DataFrame:
    """Champions, Affluents, Advocates and Misers: customers by purchase and referral value.

    Parameters
    ----------
    clv : pandas.Series
        Customer lifetime value per customer.
    crv : pandas.Series or DataFrame
        Referral value per customer (the ``crv`` column of :func:`referral_value` is used when
        a frame is given).
    clv_threshold, crv_threshold : float, optional
        Values above which a customer is "high"; default the median over the customers.

    Returns
    -------
    pandas.DataFrame
        Per customer of either input (missing values count 0): ``clv``, ``crv``, ``high_clv``,
        ``high_crv``, and ``quadrant``: ``Champions`` (high CLV, high CRV), ``Affluents``
        (high CLV, low CRV), ``Advocates`` (low CLV, high CRV), ``Misers`` (low both).

    Notes
    -----
    High means strictly above the threshold, so with the median split a customer exactly at
    the median is low, and when most customers have CRV 0 (median 0) "high CRV" means any
    positive referral value. Kumar, Petersen & Leone (2007) split at the median.

    References
    ----------
    .. [1] V. Kumar, J. A. Petersen and R. P. Leone, "How Valuable Is Word of Mouth?",
       Harvard Business Review 85(10), 2007.

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm.value import value_quadrants
    >>> clv = pd.Series({"ann": 100.0, "bob": 10.0, "cid": 90.0, "dan": 5.0})
    >>> crv = pd.Series({"ann": 50.0, "bob": 40.0, "cid": 0.0, "dan": 0.0})
    >>> value_quadrants(clv, crv)["quadrant"].tolist()
    ['Champions', 'Advocates', 'Affluents', 'Misers']
    """
    if isinstance(crv, pd.DataFrame) and "crv" in crv.columns:
        crv = crv["crv"]
    a = value_series(clv, "clv")
    b = value_series(crv, "crv")
    idx = a.index.append(b.index)
    idx = idx[~idx.duplicated()]
    a, b = a.reindex(idx, fill_value=0.0), b.reindex(idx, fill_value=0.0)
    ta = float(a.median()) if clv_threshold is None else nonneg_or_any(clv_threshold, "clv")
    tb = float(b.median()) if crv_threshold is None else nonneg_or_any(crv_threshold, "crv")
    hi_a, hi_b = (a > ta).to_numpy(), (b > tb).to_numpy()
    labels = np.select(
        [hi_a & hi_b, hi_a & ~hi_b, ~hi_a & hi_b],
        ["Champions", "Affluents", "Advocates"],
        "Misers",
    )
    out = pd.DataFrame({"clv": a, "crv": b, "high_clv": hi_a, "high_crv": hi_b}, index=idx)
    out["quadrant"] = pd.Categorical(
        labels, categories=["Champions", "Affluents", "Advocates", "Misers"]
    )
    out.attrs.update(clv_threshold=ta, crv_threshold=tb)
    return out


def nonneg_or_any(x: Any, name: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float, np.floating, np.integer)):
        raise InputError(f"{name}_threshold must be a number, got {x!r}")
    if not np.isfinite(x):
        raise InputError(f"{name}_threshold must be finite, got {x!r}")
    return float(x)
