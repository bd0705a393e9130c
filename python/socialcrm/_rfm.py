"""Recency-frequency-monetary summaries of transaction logs (the input of the purchase models)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from . import _checks, _core, _tables
from .exceptions import DataQualityWarning, InputError, InputTypeError

__all__ = ["calibration_holdout", "rfm"]

_TABLE = "transactions"
_DAY_NS = 86_400 * 10**9
_HOUR_NS = 3_600 * 10**9
FREQS = ("D", "W", "H")


def check_freq(freq: Any) -> str:
    """``freq`` as one of the supported period codes."""
    if freq not in FREQS:
        raise InputError(f"freq must be one of {', '.join(map(repr, FREQS))}, got {freq!r}")
    return str(freq)


def periods_of(ns: np.ndarray, freq: str) -> np.ndarray:
    """Period numbers of wall-clock times (int64 ns): days, hours, or Monday-to-Sunday weeks
    (pandas' ``W`` periods; 1970-01-01 was a Thursday, so week 0 starts on 1969-12-29)."""
    if freq == "H":
        return np.floor_divide(ns, _HOUR_NS)
    days = np.floor_divide(ns, _DAY_NS)
    return days if freq == "D" else np.floor_divide(days + 3, 7)


def _wall_ns(ns: np.ndarray, tz: Any) -> np.ndarray:
    """UTC ns to wall-clock ns in the data's time zone (periods follow the local calendar)."""
    if tz is None:
        return ns
    local = _tables.ns_to_times(ns, tz).tz_localize(None)
    return np.ascontiguousarray(local.as_unit("ns").asi8)


def _scalar_ns(value: Any, name: str, tz: Any) -> int:
    ts = _tables.timestamp_scalar(value, name, tz)
    if ts.tz is not None:
        ts = ts.tz_convert(tz).tz_localize(None)
    return int(ts.as_unit("ns").value)


def amount_array(values: pd.Series, column: str, table: str = _TABLE) -> np.ndarray:
    """Purchase amounts as float64: numeric, finite and not negative (returns and refunds must be
    netted out before, so that a period's spend is what the customer kept)."""
    where = f"table '{table}', column '{column}'"
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        raise InputTypeError(f"{where}: amounts must be numeric, got dtype {values.dtype}")
    a = np.ascontiguousarray(values.to_numpy(dtype=np.float64, na_value=np.nan))
    for bad, what in (
        (np.isnan(a), "missing (NaN)"),
        (np.isinf(a), "infinite"),
        (a < 0, "negative"),
    ):
        if bad.any():
            n = int(bad.sum())
            first = int(np.flatnonzero(bad)[0])
            raise InputError(
                f"{where}: {n} row{'s are' if n != 1 else ' is'} {what} (first at row {first}); "
                "amounts must be finite and >= 0 (net returns out of the purchases first)"
            )
    return a


class _Log:
    """A validated transaction log: customer ids, wall-clock ns, amounts (or None)."""

    def __init__(
        self, transactions: Any, customer: str, timestamp: str, amount: str | None
    ) -> None:
        for name, col in (("customer", customer), ("timestamp", timestamp), ("amount", amount)):
            if col is not None and not isinstance(col, str):
                raise InputTypeError(f"{name} must be a column name, got {col!r}")
        cols = [customer, timestamp] + ([amount] if amount is not None else [])
        df = _tables.to_pandas(transactions, _TABLE, cols)
        if len(df) == 0:
            raise InputError(f"table '{_TABLE}' has no rows")
        _tables.check_no_nulls(df[customer], _TABLE, customer)
        ns, self.tz = _tables.time_array(df[timestamp], _TABLE, timestamp)
        self.ns = _wall_ns(ns, self.tz)
        self.ids = df[customer]
        self.amounts = amount_array(df[amount], amount) if amount is not None else None
        self.customer = customer

    def end_ns(self, value: Any, name: str) -> int:
        return int(self.ns.max()) if value is None else _scalar_ns(value, name, self.tz)

    def keep_until(self, periods: np.ndarray, end_period: int, name: str) -> np.ndarray | None:
        """Mask of rows in periods up to ``end_period`` (None: all rows); warns with the count
        of the others."""
        keep = periods <= end_period
        if keep.all():
            return None
        dropped = int((~keep).sum())
        if dropped:
            first = int(np.flatnonzero(~keep)[0])
            warnings.warn(
                f"table '{_TABLE}': {dropped} row{'s' if dropped != 1 else ''} after {name} "
                f"(in a later period) were left out (first at row {first})",
                DataQualityWarning,
                stacklevel=3,
            )
        if not keep.any():
            raise InputError(f"table '{_TABLE}': no rows up to {name}")
        return keep


def _rows(a: np.ndarray | None, mask: np.ndarray) -> np.ndarray | None:
    return None if a is None else a[mask]


def _summarize(
    codes: np.ndarray,
    periods: np.ndarray,
    amounts: np.ndarray | None,
    n: int,
    end: int,
    n_threads: int | None,
) -> tuple[np.ndarray, ...]:
    return _core.rfm_summary(
        np.ascontiguousarray(codes, dtype=np.uint32),
        np.ascontiguousarray(periods, dtype=np.int64),
        n,
        int(end),
        amounts=None if amounts is None else np.ascontiguousarray(amounts),
        n_threads=n_threads,
    )


def rfm(
    transactions: Any,
    *,
    customer: str = "customer",
    timestamp: str = "timestamp",
    amount: str | None = None,
    freq: str = "W",
    observation_end: Any = None,
    n_threads: int | None = None,
) -> pd.DataFrame:
    """Recency, frequency, age and monetary value of every customer, in whole periods.

    The summary the purchase models (:class:`BetaGeo`, :class:`GammaGamma`) are fitted on,
    identical to ``lifetimes.utils.summary_data_from_transaction_data``.

    Parameters
    ----------
    transactions : pandas.DataFrame, polars.DataFrame or pyarrow.Table
        One row per purchase.
    customer, timestamp : str
        Columns of the customer id and the purchase time (datetimes, or strings pandas parses;
        time zone aware times are cut into periods on the local calendar).
    amount : str, optional
        Column of the purchase value (finite, >= 0). Without it there is no ``monetary_value``.
    freq : {"W", "D", "H"}
        Period: weeks (Monday to Sunday, as pandas' ``W``), days or hours.
    observation_end : time, optional
        End of the observation; default the last purchase. Purchases in periods after the
        period of ``observation_end`` are left out, with a :class:`DataQualityWarning` giving
        their count; those in its period count (as in lifetimes).
    n_threads : int, optional
        Threads (default: all).

    Returns
    -------
    pandas.DataFrame
        Indexed by customer (sorted), float columns ``frequency``, ``recency``, ``T`` and, with
        ``amount``, ``monetary_value``.

    Raises
    ------
    InputError
        Missing column, null customer ids or times, unparsable times, numeric times, amounts that
        are missing, infinite or negative (the message gives the column, the problem and the
        number of rows), an unknown ``freq``, or no purchase up to ``observation_end``.

    Notes
    -----
    With purchase periods :math:`\\tau_1 < \\dots < \\tau_{k}` of a customer (several purchases in
    one period count once, their amounts summed to :math:`s_j`) and :math:`\\tau_E` the period of
    ``observation_end``:

    .. math::

        x = k - 1, \\quad t_x = \\tau_k - \\tau_1, \\quad T = \\tau_E - \\tau_1, \\quad
        m = \\frac{1}{x}\\sum_{j=2}^{k} s_j \\; (m = 0 \\text{ if } x = 0).

    The first period is left out of :math:`m` because the models describe repeat purchases.

    References
    ----------
    .. [1] P. S. Fader, B. G. S. Hardie and K. L. Lee, "RFM and CLV: Using Iso-Value Curves for
       Customer Base Analysis", Journal of Marketing Research 42(4), 2005.

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm.value import rfm
    >>> tx = pd.DataFrame({
    ...     "customer": ["a", "a", "a", "b"],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-15", "2024-01-08"]),
    ...     "amount": [10.0, 5.0, 20.0, 7.0],
    ... })
    >>> rfm(tx, amount="amount", freq="W", observation_end="2024-01-29")
    ... # doctest: +NORMALIZE_WHITESPACE
              frequency  recency    T  monetary_value
    customer
    a               1.0      2.0  4.0            20.0
    b               0.0      0.0  3.0             0.0
    """
    freq = check_freq(freq)
    threads = _checks.n_threads(n_threads)
    log = _Log(transactions, customer, timestamp, amount)
    end = int(periods_of(np.array([log.end_ns(observation_end, "observation_end")]), freq)[0])
    periods = periods_of(log.ns, freq)
    keep = log.keep_until(periods, end, "observation_end")
    ids, amounts = log.ids, log.amounts
    if keep is not None:
        ids, periods = ids[keep], periods[keep]
        amounts = amounts[keep] if amounts is not None else None
    [codes], nodes = _tables.code_ids([ids])
    f, r, t, m, _ = _summarize(codes, periods, amounts, len(nodes), end, threads)
    out = pd.DataFrame({"frequency": f, "recency": r, "T": t}, index=nodes)
    if amounts is not None:
        out["monetary_value"] = m
    out.index.name = customer
    return out


def calibration_holdout(
    transactions: Any,
    *,
    calibration_end: Any,
    observation_end: Any = None,
    customer: str = "customer",
    timestamp: str = "timestamp",
    amount: str | None = None,
    freq: str = "W",
    n_threads: int | None = None,
) -> pd.DataFrame:
    """RFM summary of a calibration period and purchase counts of the holdout period after it.

    As ``lifetimes.utils.calibration_and_holdout_data``: for model validation, fit on the
    ``*_cal`` columns and compare the predictions for ``duration_holdout`` periods with
    ``frequency_holdout``.

    Parameters
    ----------
    transactions : pandas.DataFrame, polars.DataFrame or pyarrow.Table
        One row per purchase.
    calibration_end : time
        Last moment of the calibration period (purchases at or before it calibrate).
    observation_end : time, optional
        Last moment of the holdout period; default the last purchase. Purchases after it are
        left out with a :class:`DataQualityWarning`.
    customer, timestamp, amount, freq, n_threads
        As in :func:`rfm`.

    Returns
    -------
    pandas.DataFrame
        Indexed by the customers with a purchase in the calibration period: ``frequency_cal``,
        ``recency_cal``, ``T_cal`` (and ``monetary_value_cal``) as :func:`rfm` with
        ``observation_end=calibration_end``; ``frequency_holdout``, the number of distinct
        periods with purchases in the holdout; ``monetary_value_holdout`` (with ``amount``), the
        mean holdout purchase amount (0 without holdout purchases); ``duration_holdout``, the
        number of periods from the calibration end to the observation end.

    Raises
    ------
    InputError
        As :func:`rfm`; also when ``calibration_end`` is not before ``observation_end`` or no
        purchase falls in the calibration period.

    Notes
    -----
    Customers whose first purchase is in the holdout period are not in the result (the
    models predict the purchases of customers already acquired).

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm.value import calibration_holdout
    >>> tx = pd.DataFrame({
    ...     "customer": ["a", "a", "a", "b", "c"],
    ...     "timestamp": pd.to_datetime(
    ...         ["2024-01-01", "2024-01-09", "2024-02-06", "2024-01-08", "2024-02-01"]),
    ... })
    >>> split = calibration_holdout(
    ...     tx, calibration_end="2024-01-21", observation_end="2024-02-11"
    ... )
    >>> print(split.to_string())  # doctest: +NORMALIZE_WHITESPACE
              frequency_cal  recency_cal  T_cal  frequency_holdout  duration_holdout
    customer
    a                   1.0          1.0    2.0                1.0               3.0
    b                   0.0          0.0    1.0                0.0               3.0
    """
    freq = check_freq(freq)
    threads = _checks.n_threads(n_threads)
    log = _Log(transactions, customer, timestamp, amount)
    obs_ns = log.end_ns(observation_end, "observation_end")
    cal_ns = _scalar_ns(calibration_end, "calibration_end", log.tz)
    if cal_ns >= obs_ns:
        raise InputError(
            f"calibration_end={calibration_end!r} must be before observation_end "
            f"({pd.Timestamp(obs_ns)})"
        )
    late = log.ns > obs_ns
    if late.any():
        warnings.warn(
            f"table '{_TABLE}': {int(late.sum())} rows after observation_end were left out "
            f"(first at row {int(np.flatnonzero(late)[0])})",
            DataQualityWarning,
            stacklevel=2,
        )
    keep = ~late
    [codes], nodes = _tables.code_ids([log.ids[keep]])
    ns = log.ns[keep]
    amounts = log.amounts[keep] if log.amounts is not None else None
    cal = ns <= cal_ns
    if not cal.any():
        raise InputError(f"table '{_TABLE}': no purchase at or before calibration_end")
    [cal_end, obs_end] = periods_of(np.array([cal_ns, obs_ns]), freq)
    n = len(nodes)
    periods = periods_of(ns, freq)
    f, r, t, m, _ = _summarize(codes[cal], periods[cal], _rows(amounts, cal), n, cal_end, threads)
    hold = ~cal
    hf, _, _, _, hm = _summarize(
        codes[hold], periods[hold], _rows(amounts, hold), n, obs_end, threads
    )
    present = np.bincount(codes[cal], minlength=n) > 0
    has_holdout = np.bincount(codes[hold], minlength=n) > 0
    out = pd.DataFrame({"frequency_cal": f, "recency_cal": r, "T_cal": t}, index=nodes)
    if amounts is not None:
        out["monetary_value_cal"] = m
    out["frequency_holdout"] = np.where(has_holdout, hf + 1.0, 0.0)
    if amounts is not None:
        out["monetary_value_holdout"] = hm
    out["duration_holdout"] = float(obs_end - cal_end)
    out = out[present]
    out.index.name = customer
    return out
