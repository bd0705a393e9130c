"""Table intake the co-creation measures share: optional columns, times, numbers, per-customer
value Series, horizons and discounting, periods and tags, so every measure reports bad input the
same way."""

from __future__ import annotations

import math
import re
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from . import _tables
from .exceptions import InputError, InputTypeError

#: Average month length in days (365.25 / 12), for month arithmetic on durations.
MONTH_DAYS = 30.4375


def columns_of(data: Any) -> list[str]:
    """Column names of a pandas/polars DataFrame or pyarrow Table (InputTypeError otherwise)."""
    module = type(data).__module__.split(".")[0]
    if module == "pyarrow" and hasattr(data, "column_names"):
        return list(data.column_names)
    if module == "polars" or isinstance(data, pd.DataFrame):
        return list(data.columns)
    raise InputTypeError(
        f"expected a pandas or polars DataFrame or a pyarrow Table, got {type(data).__name__}"
    )


def optional(present: list[str], name: str | None, default: str) -> str | None:
    """An optional column: used when given; the default name is used only when present."""
    if name is None:
        return None
    if name == default and name not in present:
        return None
    return name


def intake(
    data: Any, table: str, required: list[str], optional_cols: list[str | None]
) -> pd.DataFrame:
    """The named columns as a pandas frame with a fresh RangeIndex (missing ones raise
    MissingColumnError naming the table and column)."""
    columns_of(data)
    cols = required + [c for c in optional_cols if c is not None]
    return _tables.to_pandas(data, table, cols).reset_index(drop=True)


def times(values: pd.Series, table: str, column: str) -> pd.Series:
    """Validated times (no nulls, one zone convention) as a datetime64[ns] Series (UTC-naive)."""
    ns, _ = _tables.time_array(values, table, column)
    return pd.Series(ns.view("datetime64[ns]"), index=values.index)


def numbers(
    values: pd.Series, table: str, column: str, *, nonneg: bool = True, nulls: bool = False
) -> np.ndarray:
    """Validated float64 values: numeric, finite, optionally >= 0 and optionally null-free."""
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        raise InputTypeError(
            f"table '{table}', column '{column}': must hold numbers, got dtype {values.dtype}"
        )
    x = values.to_numpy(dtype=np.float64, na_value=np.nan)
    checks = [(np.isinf(x), "infinite")]
    if not nulls:
        checks.append((np.isnan(x), "missing (NaN)"))
    if nonneg:
        checks.append((x < 0, "negative"))
    for bad, what in checks:
        if bad.any():
            n = int(bad.sum())
            raise InputError(
                f"table '{table}', column '{column}': {n} row{'s' if n != 1 else ''} "
                f"{'is' if n == 1 else 'are'} {what} (first at row {int(np.flatnonzero(bad)[0])})"
            )
    return x


def ids(values: pd.Series, table: str, column: str) -> pd.Series:
    """Id column without nulls."""
    _tables.check_no_nulls(values, table, column, "null ids")
    return values


def value_series(x: Any, name: str, *, nonneg: bool = False) -> pd.Series:
    """A per-customer value Series (unique index, finite numbers), as float64."""
    if isinstance(x, pd.DataFrame) and x.shape[1] == 1:
        x = x.iloc[:, 0]
    if not isinstance(x, pd.Series):
        raise InputTypeError(
            f"{name} must be a pandas Series indexed by customer id, got {type(x).__name__}"
        )
    if pd.api.types.is_bool_dtype(x.dtype) or not pd.api.types.is_numeric_dtype(x.dtype):
        raise InputTypeError(f"{name} must hold numbers, got dtype {x.dtype}")
    dup = x.index.duplicated()
    if dup.any():
        raise InputError(
            f"{name}: {int(dup.sum())} customer ids appear more than once "
            f"(first {x.index[dup][0]!r})"
        )
    v = x.to_numpy(dtype=np.float64, na_value=np.nan)
    bad = ~np.isfinite(v) | ((v < 0) if nonneg else False)
    if np.any(bad):
        first = x.index[np.flatnonzero(bad)[0]]
        need = "finite and >= 0" if nonneg else "finite"
        raise InputError(
            f"{name}: {int(np.sum(bad))} values are NaN or infinite{' or negative' * nonneg} "
            f"(first for customer {first!r}); values must be {need}"
        )
    return pd.Series(v, index=x.index, name=x.name)


def nonneg_float(x: Any, name: str, *, upper: float | None = None) -> float:
    """A finite scalar >= 0 (and <= upper)."""
    if isinstance(x, bool) or not isinstance(x, Real) or not math.isfinite(x) or x < 0:
        raise InputError(f"{name} must be a finite number >= 0, got {x!r}")
    if upper is not None and x > upper:
        raise InputError(f"{name} must be at most {upper}, got {x!r}")
    return float(x)


def months(horizon: Any, name: str = "horizon") -> float:
    """A horizon in months: an int/float of months or a string like '12M', '2Y', '26W', '90D'."""
    if isinstance(horizon, Real) and not isinstance(horizon, bool):
        m = float(horizon)
    else:
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([MYWD])\s*", str(horizon), re.IGNORECASE)
        if match is None:
            raise InputError(
                f"{name} must be a number of months or a string like '12M', '2Y', '26W' or "
                f"'90D', got {horizon!r}"
            )
        k = float(match.group(1))
        unit = match.group(2).upper()
        m = {"M": k, "Y": 12 * k, "W": 7 * k / MONTH_DAYS, "D": k / MONTH_DAYS}[unit]
    if not math.isfinite(m) or m <= 0:
        raise InputError(f"{name} must be positive, got {horizon!r}")
    return m


def annuity(n_months: float, discount_rate: float) -> float:
    """Sum of monthly discount factors ``sum_{t=1..T} (1 + d)^(-t/12)`` (fractional last month
    counted pro rata)."""
    whole = math.floor(n_months)
    f = (1.0 + discount_rate) ** (-np.arange(1, whole + 1) / 12.0)
    rest = n_months - whole
    last = rest * (1.0 + discount_rate) ** (-(whole + 1) / 12.0) if rest > 0 else 0.0
    return float(f.sum() + last)


def period_start(t: pd.Series, freq: str) -> pd.Series:
    """Start of the ``freq`` period holding each time (pandas offset alias: 'D', 'W', 'MS',
    'QS', 'YS', 'h', ...)."""
    offset = _offset(freq)
    if isinstance(offset, pd.offsets.Tick):
        return t.dt.floor(freq)
    ns = t.to_numpy(dtype="datetime64[ns]").view(np.int64)
    return pd.Series(_period_ns(ns, offset).view("datetime64[ns]"), index=t.index)


def _offset(freq: str) -> Any:
    try:
        return pd.tseries.frequencies.to_offset(freq)
    except (ValueError, TypeError) as exc:
        raise InputError(f"freq must be a pandas offset alias such as 'MS', got {freq!r}") from exc


def _period_ns(ns: np.ndarray, offset: Any) -> np.ndarray:
    """Period starts (ns) of UTC-naive times (ns): each distinct day is rolled back once."""
    if isinstance(offset, pd.offsets.Tick):
        s = pd.Series(ns.view("datetime64[ns]"))
        return s.dt.floor(offset).to_numpy().view(np.int64)
    day = np.int64(86_400 * 10**9)
    codes, days = pd.factorize(ns - ns % day)
    idx = pd.DatetimeIndex(days.view("datetime64[ns]"))
    if (
        offset.n == 1
        and isinstance(offset, _ANCHORED)
        and getattr(offset, "weekday", 0) is not None
    ):
        # d is on the offset iff (d - offset) + offset == d; otherwise d - offset rolls back
        back = idx - offset
        starts = pd.DatetimeIndex(np.where(back + offset == idx, idx, back))
    else:
        starts = pd.DatetimeIndex([offset.rollback(d) for d in idx])
    return starts.as_unit("ns").asi8[codes] if len(days) else np.zeros(0, dtype=np.int64)


#: Anchored offsets whose rollback is vectorised in _period_ns.
_ANCHORED = (
    pd.offsets.MonthBegin,
    pd.offsets.MonthEnd,
    pd.offsets.QuarterBegin,
    pd.offsets.QuarterEnd,
    pd.offsets.YearBegin,
    pd.offsets.YearEnd,
    pd.offsets.Week,
)


def split_tags(tags: pd.Series) -> pd.Series:
    """'|'-separated tags (or lists) to one row per (row, tag); untagged rows get no row."""
    if tags.map(lambda v: isinstance(v, (list, tuple, np.ndarray))).any():
        exploded = tags.explode()
    else:
        exploded = tags.astype("string").str.split("|").explode()
    exploded = exploded.dropna()
    exploded = exploded[exploded.astype(str).str.len() > 0]
    return exploded.astype(str)
