"""Cheap construction of the pandas results of the measures.

On a small graph, building the result is most of a call's cost: ``pd.DataFrame({...})`` from a
dict of arrays infers the column labels and checks every column again (about 100 µs). The
measures know their columns in advance, so they build their frames from fixed column labels and
arrays they own, with the same labels, dtypes and column order as the dict form.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np
import pandas as pd


@cache
def columns(names: tuple[str, ...]) -> pd.Index:
    """The column labels ``names`` as an Index, built once (an Index is immutable)."""
    return pd.Index(list(names))


def frame(index: pd.Index, names: Sequence[str], arrays: Sequence[np.ndarray]) -> pd.DataFrame:
    """A DataFrame with columns ``names`` holding ``arrays`` (1-D, one per column, owned by the
    caller and not used afterwards), indexed by ``index``.

    The same table as ``pd.DataFrame(dict(zip(names, arrays)), index=index)``, built without
    re-inferring labels and dtypes.
    """
    labels = columns(tuple(names))
    if all(a.dtype == np.float64 for a in arrays):
        # One 2-D float block; pandas keeps it as (columns, rows), so stack rows per column.
        return pd.DataFrame(np.stack(arrays).T, index=index, columns=labels)
    from_arrays = getattr(pd.DataFrame, "_from_arrays", None)
    if from_arrays is not None:
        try:
            return from_arrays(list(arrays), columns=labels, index=index, verify_integrity=False)
        except TypeError:  # a pandas whose private constructor changed: use the public one
            pass
    return pd.DataFrame(dict(zip(names, arrays, strict=True)), index=index)
