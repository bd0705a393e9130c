"""Customer lifetime value from purchase histories: BG/NBD purchases times Gamma-Gamma spend."""

from __future__ import annotations

import numbers
import re
import warnings
from typing import Any

import numpy as np
import pandas as pd

from . import _checks
from ._btyd import BetaGeo, GammaGamma, customer_columns
from ._rfm import check_freq, rfm
from .exceptions import DataQualityWarning, InputError

__all__ = ["clv", "clv_from_rfm"]

# Periods per 30-day month, as lifetimes' customer_lifetime_value.
MONTH = {"W": 4.345, "D": 30.0, "H": 30.0 * 24.0}


def _months(horizon: Any) -> int:
    if isinstance(horizon, str):
        m = re.fullmatch(r"\s*(\d+)\s*M\s*", horizon)
        if m is None:
            raise InputError(f"horizon must be a number of months such as '12M', got {horizon!r}")
        months = int(m.group(1))
    elif isinstance(horizon, numbers.Integral) and not isinstance(horizon, bool):
        months = int(horizon)
    else:
        raise InputError(f"horizon must be a number of months such as '12M', got {horizon!r}")
    if months < 1:
        raise InputError(f"horizon must be at least one month, got {horizon!r}")
    return months


def _rate(value: Any) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not np.isfinite(value)
        or value <= -1
    ):
        raise InputError(f"discount_rate must be a finite number > -1, got {value!r}")
    return float(value)


def clv_from_rfm(
    rfm: Any,
    *,
    horizon: str | int = "12M",
    discount_rate: float = 0.01,
    freq: str = "W",
    penalizer_coef: float = 0.0,
    purchases: BetaGeo | None = None,
    spend: GammaGamma | None = None,
    n_threads: int | None = None,
) -> pd.DataFrame:
    """Customer lifetime value from an RFM table (columns ``frequency``, ``recency``, ``T``,
    ``monetary_value`` as from :func:`rfm`).

    See :func:`clv` for the definition. ``purchases`` and ``spend`` are already fitted models to
    use; by default a :class:`BetaGeo` is fitted to every customer and a :class:`GammaGamma` to
    the customers with repeat purchases, both with ``penalizer_coef``. ``freq`` is the period
    of the table's ``recency`` and ``T`` (it sets the periods per month).

    Examples
    --------
    >>> from socialcrm.datasets import synthetic_community
    >>> from socialcrm.value import clv_from_rfm, rfm
    >>> data = synthetic_community(n_customers=300, seed=1)
    >>> summary = rfm(data.transactions, amount="amount", freq="W")
    >>> values = clv_from_rfm(summary, horizon="12M", freq="W")
    >>> list(values.columns)  # doctest: +NORMALIZE_WHITESPACE
    ['frequency', 'recency', 'T', 'monetary_value', 'p_alive', 'expected_purchases',
     'expected_spend', 'clv']
    >>> bool((values["clv"] >= 0).all())
    True
    """
    freq = check_freq(freq)
    months = _months(horizon)
    rate = _rate(discount_rate)
    threads = _checks.n_threads(n_threads)
    (x, tx, t, m), index = customer_columns(
        rfm,
        ("frequency", "recency", "T", "monetary_value"),
        {"frequency": None, "recency": None, "T": None, "monetary_value": None},
    )
    cols = {"frequency": x, "recency": tx, "T": t}
    if spend is None:
        usable = ~((x > 0) & (m <= 0))
        if not usable.all():
            warnings.warn(
                f"rfm: {int((~usable).sum())} customers with repeat purchases have a mean spend "
                "of 0; they are left out of the Gamma-Gamma fit (their expected spend is the "
                "model's prediction at 0)",
                DataQualityWarning,
                stacklevel=2,
            )
        spend = GammaGamma(penalizer_coef).fit(
            frequency=x[usable], monetary_value=m[usable], n_threads=threads
        )
    if purchases is None:
        purchases = BetaGeo(penalizer_coef).fit(**cols, n_threads=threads)
    spend_ = spend.expected_spend(frequency=x, monetary_value=m).to_numpy()
    step = MONTH[freq]
    value = np.zeros(len(x))
    previous = np.zeros(len(x))
    for i in range(1, months + 1):
        cumulative = purchases.expected_purchases(i * step, **cols, n_threads=threads).to_numpy()
        value += (cumulative - previous) * spend_ / (1.0 + rate) ** i
        previous = cumulative
    return pd.DataFrame(
        {
            "frequency": x,
            "recency": tx,
            "T": t,
            "monetary_value": m,
            "p_alive": purchases.p_alive(**cols, n_threads=threads).to_numpy(),
            "expected_purchases": previous,
            "expected_spend": spend_,
            "clv": value,
        },
        index=index,
    )


def clv(
    transactions: Any,
    *,
    customer: str = "customer",
    timestamp: str = "timestamp",
    amount: str = "amount",
    horizon: str | int = "12M",
    discount_rate: float = 0.01,
    freq: str = "W",
    observation_end: Any = None,
    penalizer_coef: float = 0.0,
    n_threads: int | None = None,
) -> pd.DataFrame:
    """Customer lifetime value of every customer over the next ``horizon`` months.

    Summarises the transactions with :func:`rfm`, fits :class:`BetaGeo` (purchases and
    drop-out) to every customer and :class:`GammaGamma` (spend) to the customers with repeat
    purchases, and discounts expected monthly spend.

    Parameters
    ----------
    transactions : pandas.DataFrame, polars.DataFrame or pyarrow.Table
        One row per purchase.
    customer, timestamp, amount : str
        Columns of the customer id, the purchase time and its value.
    horizon : str or int
        Number of months ahead, e.g. ``"12M"`` or ``12``; a month is 30 days (4.345 weeks).
    discount_rate : float
        Monthly discount rate :math:`d`.
    freq : {"W", "D", "H"}
        Period of the summary (see :func:`rfm`).
    observation_end : time, optional
        End of the observation (default: the last purchase); later purchases are left out with a
        warning.
    penalizer_coef : float
        L2 penalty of both fits (see :class:`BetaGeo`).
    n_threads : int, optional
        Threads (default: all).

    Returns
    -------
    pandas.DataFrame
        Indexed by customer: ``frequency``, ``recency``, ``T``, ``monetary_value`` (from
        :func:`rfm`), ``p_alive``, ``expected_purchases`` (repeat purchases expected over the
        horizon, :math:`E[X(30H \\text{ days})]`), ``expected_spend`` (Gamma-Gamma expected mean
        purchase value) and ``clv``.

    Raises
    ------
    InputError
        Bad tables or parameters (see :func:`rfm`), or no customer with repeat purchases.
    ConvergenceError
        When a model fit fails.

    Notes
    -----
    With :math:`E[X(t)]` the BG/NBD conditional expected purchases in the next :math:`t`
    periods, :math:`\\tau` the periods per month (30 days, 4.345 weeks, 720 hours) and
    :math:`E[M]` the Gamma-Gamma conditional expected mean spend, lifetimes' convention:

    .. math::

        \\mathrm{CLV} = \\sum_{i=1}^{H} \\frac{E[M]\\,\\left(E[X(i\\tau)] -
        E[X((i-1)\\tau)]\\right)}{(1+d)^{i}}.

    Customers without repeat purchases have no observed mean spend: they get the Gamma-Gamma
    population mean :math:`pv/(q-1)` (the model's expectation at :math:`x = 0`), while the
    Gamma-Gamma model itself is fitted on the repeat buyers only, as in lifetimes. Spend is
    assumed independent of the purchase rate (check the correlation of ``frequency`` and
    ``monetary_value`` among repeat buyers before relying on it).

    References
    ----------
    .. [1] P. S. Fader, B. G. S. Hardie and K. L. Lee, "RFM and CLV: Using Iso-Value Curves for
       Customer Base Analysis", Journal of Marketing Research 42(4), 2005.

    Examples
    --------
    >>> from socialcrm.datasets import synthetic_community
    >>> from socialcrm.value import clv
    >>> data = synthetic_community(n_customers=300, seed=1)
    >>> values = clv(data.transactions, freq="W")
    >>> bool((values["clv"] >= 0).all() and values["p_alive"].between(0, 1).all())
    True
    """
    summary = rfm(
        transactions,
        customer=customer,
        timestamp=timestamp,
        amount=amount,
        freq=freq,
        observation_end=observation_end,
        n_threads=n_threads,
    )
    return clv_from_rfm(
        summary,
        horizon=horizon,
        discount_rate=discount_rate,
        freq=freq,
        penalizer_coef=penalizer_coef,
        n_threads=n_threads,
    )
