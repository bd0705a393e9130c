"""Intake of user tables: pandas, polars or pyarrow in; validated numpy arrays and id codes out.

Every check names the table, the column, the problem and how many rows have it. Nothing is
dropped here: callers decide, and report what they drop.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from . import _core
from .exceptions import InputError, InputTypeError, MissingColumnError

# Node codes are u32 in the core.
MAX_NODES = 2**32 - 1
# Kinds are kept as a 64-bit set per edge.
MAX_KINDS = 64

_TZ_SUFFIX = re.compile(r"(?:Z|[+-]\d\d:?\d\d)$")


def _where(table: str, column: str) -> str:
    return f"table '{table}', column '{column}'"


def _first(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def _rows(n: int) -> str:
    return f"{n} row{'s' if n != 1 else ''}"


def _rows_are(n: int) -> str:
    return f"{n} row is" if n == 1 else f"{n} rows are"


def to_pandas(data: Any, table: str, columns: Sequence[str]) -> pd.DataFrame:
    """The named columns of a pandas/polars DataFrame or pyarrow Table, as a pandas DataFrame.

    Raises MissingColumnError naming every missing column and the columns that exist.
    """
    module = type(data).__module__.split(".")[0]
    if module == "polars":
        present = list(data.columns)
    elif module == "pyarrow":
        present = list(data.column_names)
    elif isinstance(data, pd.DataFrame):
        present = list(data.columns)
    else:
        raise InputTypeError(
            f"table '{table}' must be a pandas or polars DataFrame or a pyarrow Table, "
            f"got {type(data).__name__}"
        )
    wanted = list(dict.fromkeys(columns))
    missing = [c for c in wanted if c not in present]
    if missing:
        shown = ", ".join(repr(c) for c in present[:20]) + (", ..." if len(present) > 20 else "")
        raise MissingColumnError(
            f"table '{table}' has no column {', '.join(repr(c) for c in missing)}; "
            f"its columns are: {shown}"
        )
    if module == "polars":
        return data.select(wanted).to_pandas()
    if module == "pyarrow":
        return data.select(wanted).to_pandas()
    return data[wanted]


def check_no_nulls(values: pd.Series, table: str, column: str, what: str = "missing") -> None:
    """Raises InputError if any value is null."""
    null = values.isna().to_numpy()
    if null.any():
        raise InputError(
            f"{_where(table, column)}: {_rows_are(int(null.sum()))} {what} "
            f"(first at row {_first(null)}); fill or remove them first"
        )


def code_ids(
    columns: Sequence[pd.Series], extra: pd.Series | None = None
) -> tuple[list[np.ndarray], pd.Index]:
    """Codes the ids of several columns into one shared numbering ``0..n``.

    The ids of ``extra`` (e.g. a customer table) are included even when no column mentions them.
    Ids are numbered in sorted order when they are mutually comparable (so results do not depend
    on row order), otherwise in order of first appearance. Returns one ``uint32`` array per
    column and the ids as a pandas Index.
    """
    fast = _code_arrow_strings(columns, extra)
    if fast is not None:
        return fast
    factorized = [pd.factorize(col, sort=False) for col in columns]
    pools = [pd.Index(extra)] if extra is not None else []
    pools += [
        pd.Index(np.asarray(u) if isinstance(u, pd.Categorical) else u) for _, u in factorized
    ]
    union = pools[0].append(pools[1:]) if len(pools) > 1 else pools[0]
    if len(pools) > 1:
        union = union[~union.duplicated()]
    if len(union) > MAX_NODES:
        raise InputError(f"{len(union)} distinct customers exceed the limit of {MAX_NODES}")
    try:
        order = union.argsort(kind="stable")
    except TypeError:  # ids of several incomparable types: keep first-appearance order
        order = np.arange(len(union))
    rank = np.empty(len(union), dtype=np.uint32)
    rank[order] = np.arange(len(union), dtype=np.uint32)
    nodes = union[order]
    coded = []
    for (codes, _), pool in zip(factorized, pools[len(pools) - len(factorized) :], strict=True):
        mapping = rank[union.get_indexer(pool)]
        coded.append(np.ascontiguousarray(mapping[codes], dtype=np.uint32))
    return coded, nodes


def _as_arrow_strings(values: pd.Series) -> pa.LargeStringArray | None:
    """The column as one Arrow large-string array without nulls, or None when it does not hold
    strings only (then the generic path codes it)."""
    dtype = values.dtype
    arrow_backed = (
        isinstance(dtype, pd.StringDtype) and str(dtype.storage).startswith("pyarrow")
    ) or (
        isinstance(dtype, pd.ArrowDtype)
        and (
            pa.types.is_string(dtype.pyarrow_dtype) or pa.types.is_large_string(dtype.pyarrow_dtype)
        )
    )
    if arrow_backed:
        arr = pa.array(values.array)
    elif pd.api.types.is_object_dtype(dtype):
        try:
            arr = pa.array(values.to_numpy(), type=pa.large_string(), from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return None
    else:
        return None
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    if arr.null_count:
        return None
    return arr.cast(pa.large_string())


def _string_buffers(arr: pa.LargeStringArray) -> tuple[np.ndarray, np.ndarray]:
    """Arrow's ``(offsets, data)`` buffers of a large-string array, as zero-copy numpy views."""
    _, offsets, data = arr.buffers()
    off = np.frombuffer(offsets, dtype=np.int64)[arr.offset : arr.offset + len(arr) + 1]
    raw = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)
    return off, raw


def _code_arrow_strings(
    columns: Sequence[pd.Series], extra: pd.Series | None
) -> tuple[list[np.ndarray], pd.Index] | None:
    """String ids coded by the core straight from Arrow buffers, in parallel and without the
    GIL. None when a column does not hold strings only."""
    series = list(columns) + ([] if extra is None else [extra])
    arrays = [_as_arrow_strings(s) for s in series]
    if any(a is None for a in arrays):
        return None
    buffers = [_string_buffers(a) for a in arrays]  # type: ignore[arg-type]
    codes, offsets, data = _core.code_strings(buffers)
    if len(offsets) - 1 > MAX_NODES:
        raise InputError(f"{len(offsets) - 1} distinct customers exceed the limit of {MAX_NODES}")
    nodes = pa.Array.from_buffers(
        pa.large_string(), len(offsets) - 1, [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    )
    dtype = columns[0].dtype if columns else series[-1].dtype
    if pd.api.types.is_object_dtype(dtype):
        index = pd.Index(nodes.to_pylist(), dtype=object)
    else:
        index = pd.Index(pd.array(nodes.cast(pa.string()), dtype=dtype))
    return codes[: len(columns)], index


def weight_array(values: pd.Series, table: str, column: str) -> np.ndarray:
    """Validated ``float64`` weights: numeric, no nulls, finite, non-negative."""
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        sample = values.dropna().head(1).tolist()
        example = f" (e.g. {sample[0]!r})" if sample else ""
        raise InputTypeError(
            f"{_where(table, column)}: weights must be numeric, got dtype {values.dtype}{example}"
        )
    w = np.ascontiguousarray(values.to_numpy(dtype=np.float64, na_value=np.nan))
    for bad, what in (
        (np.isnan(w), "missing (NaN)"),
        (np.isinf(w), "infinite"),
        (w < 0, "negative"),
    ):
        if bad.any():
            raise InputError(
                f"{_where(table, column)}: {_rows_are(int(bad.sum()))} {what} "
                f"(first at row {_first(bad)}); weights must be finite and >= 0"
            )
    return w


def kind_codes(values: pd.Series, table: str, column: str) -> tuple[np.ndarray, list[str]]:
    """Kind labels coded ``0..k`` (sorted), as ``uint8``, with the labels."""
    check_no_nulls(values, table, column)
    codes, labels = pd.factorize(values.astype(str), sort=True)
    if len(labels) > MAX_KINDS:
        raise InputError(
            f"{_where(table, column)}: {len(labels)} distinct kinds exceed the limit of "
            f"{MAX_KINDS}; group rare kinds together first"
        )
    return np.ascontiguousarray(codes, dtype=np.uint8), [str(x) for x in labels]


def time_array(values: pd.Series, table: str, column: str) -> tuple[np.ndarray, Any]:
    """Event times as ``int64`` ns since the epoch (UTC), with the column's time zone (or None)."""
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        raise InputTypeError(
            f"{_where(table, column)}: holds numbers (dtype {values.dtype}), not times; convert "
            f"them first, e.g. pd.to_datetime(df['{column}'], unit='s') for Unix seconds"
        )
    check_no_nulls(values, table, column)
    if isinstance(values.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(values):
        times = values
    else:
        try:
            times = _parse_times(values)
        except (ValueError, TypeError, OverflowError) as exc:
            raise InputError(_diagnose_times(values, table, column, exc)) from None
        if not pd.api.types.is_datetime64_any_dtype(times):
            raise InputError(_diagnose_times(values, table, column, None))
    tz = times.dt.tz
    if tz is not None:
        times = times.dt.tz_convert("UTC").dt.tz_localize(None)
    try:
        ns = times.dt.as_unit("ns").to_numpy().view(np.int64)
    except (ValueError, OverflowError) as exc:
        raise InputError(
            f"{_where(table, column)}: times outside the years 1677-2262 cannot be used ({exc})"
        ) from None
    return np.ascontiguousarray(ns), tz


def _parse_times(values: pd.Series) -> pd.Series:
    try:
        return pd.to_datetime(values)
    except (ValueError, TypeError):
        # ISO 8601 strings of mixed precision defeat pandas' format inference.
        return pd.to_datetime(values, format="ISO8601")


def _diagnose_times(values: pd.Series, table: str, column: str, exc: Exception | None) -> str:
    where = _where(table, column)
    text = values.astype(str).str.strip()
    from_objects = values.map(lambda x: getattr(x, "tzinfo", False) is not False)
    if from_objects.any():
        aware = values.map(lambda x: getattr(x, "tzinfo", None) is not None).to_numpy()
        zones = {str(x.tzinfo) for x in values[aware]}
    else:
        aware = text.str.contains(_TZ_SUFFIX).to_numpy()
        zones = set(text[aware].str.extract(r"(Z|[+-]\d\d:?\d\d)$")[0].str.replace(":", ""))
    n_aware = int(aware.sum())
    if 0 < n_aware < len(values):
        return (
            f"{where}: mixes {_rows(n_aware)} with a time zone and "
            f"{_rows(len(values) - n_aware)} without (first without at row {_first(~aware)}); "
            "give every time a zone, or none"
        )
    if len(zones) > 1:
        return (
            f"{where}: mixes {len(zones)} time zones or UTC offsets ({', '.join(sorted(zones))}); "
            f"convert them to one first, e.g. pd.to_datetime(df['{column}'], utc=True)"
        )
    parsed = pd.to_datetime(values, errors="coerce", format="mixed", utc=n_aware > 0)
    bad = parsed.isna().to_numpy()
    if bad.any():
        first = _first(bad)
        return (
            f"{where}: {_rows(int(bad.sum()))} cannot be parsed as times "
            f"(first at row {first}: {values.iloc[first]!r})"
        )
    reason = f" ({exc})" if exc is not None else ""
    return f"{where}: the times cannot be read consistently{reason}"


def timestamp_scalar(value: Any, name: str, tz: Any) -> pd.Timestamp:
    """A scalar time argument, in the time zone convention of the data (``tz`` or naive)."""
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise InputError(f"{name} must be a time, got {value!r} ({exc})") from None
    if (ts.tz is None) != (tz is None):
        have = "naive" if tz is None else f"in time zone {tz}"
        raise InputError(f"{name}={value!r} must be {have}, like the event times")
    return ts


def timestamp_ns(ts: pd.Timestamp) -> int:
    """Nanoseconds since the epoch (UTC) of a timestamp."""
    if ts.tz is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    return int(ts.as_unit("ns").value)


def duration(value: Any, name: str) -> pd.Timedelta:
    """A positive duration argument (Timedelta or a string such as '90D')."""
    try:
        td = pd.Timedelta(value)
    except (ValueError, TypeError) as exc:
        raise InputError(
            f"{name} must be a duration such as '90D', got {value!r} ({exc})"
        ) from None
    if pd.isna(td) or td <= pd.Timedelta(0):
        raise InputError(f"{name} must be a positive duration, got {value!r}")
    return td


def ns_to_times(ns: np.ndarray, tz: Any) -> pd.DatetimeIndex:
    """int64 ns since the epoch back to times in the data's time zone."""
    times = pd.to_datetime(ns, unit="ns")
    return times.tz_localize("UTC").tz_convert(tz) if tz is not None else times
