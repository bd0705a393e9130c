"""Community profiles: one row per community with its size, interactions, cohesion, top
members and customer attributes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from . import _checks, _core
from ._roles import membership_codes
from .exceptions import InputError, InputTypeError, MissingColumnError
from .graph import Graph

__all__ = ["profile"]


def profile(
    g: Graph,
    membership: Any,
    *,
    customers: Any = None,
    score: pd.Series | str | None = None,
    top: int = 5,
    weight: bool | str | None = True,
    customer: str = "customer",
    n_threads: int | None = None,
    progress: _checks.Progress | None = None,
) -> pd.DataFrame:
    """One row per community: how big, how busy inside and towards the outside, how cohesive,
    who leads it, and what its members are worth.

    Parameters
    ----------
    g : Graph
        The customer graph.
    membership : Partition, pandas.Series or array-like
        The community of every customer, as in :func:`roles`.
    customers : pandas/polars DataFrame or pyarrow Table, optional
        Customer attributes, indexed by customer id or with a ``customer`` column. Every
        numeric (or boolean) column ``x`` gives ``sum_x`` and ``mean_x`` per community (nulls
        and customers absent from the table are skipped; customers not in ``g`` are ignored).
    score : pandas.Series or str, optional
        What ranks ``top_members``: a Series indexed by customer id (e.g. PageRank) or the name
        of a column of ``customers``. Default: weighted degree (strength in the undirected
        view, with ``weight``). Missing scores rank last; ties go to the earlier customer.
    top : int, default 5
        How many top members to list.
    weight : bool or str, default True
        Edge values summed in the interaction columns and the default score: True/"weight"
        summed event weight, False/None one per edge, "decayed" time-decayed weight.
    customer : str, default "customer"
        Id column of ``customers`` when it is not the index.
    n_threads : int, optional
        Threads to use; default all (or ``RAYON_NUM_THREADS``).
    progress : callable, optional
        Called as ``progress(done, total)`` about every 50 ms.

    Returns
    -------
    pandas.DataFrame
        Indexed by community label (``community``), largest first (ties by label), columns
        ``size``, ``internal_interactions`` (:math:`w_{in}`), ``external_interactions``
        (:math:`w_{cut}`), ``internal_edges`` (:math:`e_{in}`), ``internal_density``,
        ``conductance``, ``top_members`` (a list of customer ids), then ``sum_<col>`` and
        ``mean_<col>`` for the numeric columns of ``customers``.

    Raises
    ------
    InputError
        Bad membership (see :func:`roles`), ``top`` < 1, an unknown ``score`` column,
        duplicate ids in ``customers``.

    Notes
    -----
    For community :math:`c` of :math:`n_c` members, :math:`w_{in}` sums the edges with both
    ends in :math:`c` (each edge once, self-loops included), :math:`w_{cut}` the edges with
    exactly one end in :math:`c` (on a directed graph: both leaving and entering), and
    :math:`e_{in}` counts the internal edges without self-loops:

    .. math::

        \\mathrm{density}_c = \\frac{2 e_{in}}{n_c (n_c - 1)} \\ \\text{(undirected)}, \\quad
        \\frac{e_{in}}{n_c (n_c - 1)} \\ \\text{(directed)}, \\qquad
        \\phi_c = \\frac{w_{cut}}{\\min(\\mathrm{vol}(c), \\mathrm{vol}(V \\setminus c))}

    with :math:`\\mathrm{vol}` the summed strength in the undirected view (a self-loop counts
    twice), as networkx's ``conductance``. Density is 0 below two members; conductance is 0
    when no edge leaves the community. Low conductance and high density mark a closed,
    cohesive community; high conductance an open one.

    The sums run in the Rust core in one pass over the adjacency: per-customer contributions in
    parallel, then per-community sums in customer order, so results do not depend on the
    thread count.

    References
    ----------
    .. [1] R. Kannan, S. Vempala and A. Vetta, "On clusterings: good, bad and spectral",
       J. ACM 51(3):497-515, 2004.
    .. [2] S. Fortunato, "Community detection in graphs", Physics Reports 486:75-174, 2010.

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm import Graph
    >>> from socialcrm.community import profile
    >>> df = pd.DataFrame({"source": ["a", "a", "b", "c", "d"],
    ...                    "target": ["b", "c", "c", "d", "e"]})
    >>> g = Graph.from_pandas(df, directed=False)
    >>> membership = pd.Series({"a": 1, "b": 1, "c": 1, "d": 2, "e": 2})
    >>> spend = pd.DataFrame({"customer": ["a", "b", "c", "d", "e"],
    ...                       "spend": [10.0, 20.0, 30.0, 5.0, 1.0]})
    >>> p = profile(g, membership, customers=spend, top=2)
    >>> cols = ["size", "internal_interactions", "external_interactions", "conductance"]
    >>> p[cols]  # doctest: +NORMALIZE_WHITESPACE
               size  internal_interactions  external_interactions  conductance
    community
    1             3                    3.0                    1.0     0.333333
    2             2                    1.0                    1.0     0.333333
    >>> p[["top_members", "sum_spend", "mean_spend"]]  # doctest: +NORMALIZE_WHITESPACE
              top_members  sum_spend  mean_spend
    community
    1              [c, a]       60.0        20.0
    2              [d, e]        6.0         3.0
    """
    top = _checks.positive_int("top", top)
    wname = g._weight_name(weight)
    codes, labels = membership_codes(g, membership)
    table = None if customers is None else _customer_table(g, customers, customer)
    size, w_in, w_out, e_in, density, _vol, phi, strength = _core.community_profile(
        g._csr,
        codes,
        len(labels),
        weight=wname,
        n_threads=_checks.n_threads(n_threads),
        progress=_checks.progress(progress),
    )
    out = pd.DataFrame(
        {
            "size": size.astype(np.int64),
            "internal_interactions": w_in,
            "external_interactions": w_out,
            "internal_edges": e_in.astype(np.int64),
            "internal_density": density,
            "conductance": phi,
        },
        index=labels,
    )
    ranking = _score(g, score, table, strength)
    out["top_members"] = _top_members(g, codes, len(labels), ranking, top)
    if table is not None:
        numeric = table.select_dtypes(include=["number", "bool"])
        for col in numeric.columns:
            x = numeric[col].to_numpy(dtype=np.float64, na_value=np.nan)
            ok = ~np.isnan(x)
            sums = np.bincount(codes[ok], weights=x[ok], minlength=len(labels))
            counts = np.bincount(codes[ok], minlength=len(labels))
            out[f"sum_{col}"] = sums
            with np.errstate(invalid="ignore", divide="ignore"):
                out[f"mean_{col}"] = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    order = np.lexsort((np.arange(len(labels)), -out["size"].to_numpy()))
    out = out.iloc[order]
    return out[out["size"] > 0]


def _customer_table(g: Graph, customers: Any, column: str) -> pd.DataFrame:
    """The customer table as pandas, indexed like ``g.nodes`` (absent customers: nulls)."""
    module = type(customers).__module__.split(".")[0]
    if module in ("polars", "pyarrow"):
        customers = customers.to_pandas()
    if not isinstance(customers, pd.DataFrame):
        raise InputTypeError(
            "customers must be a pandas or polars DataFrame or a pyarrow Table, "
            f"got {type(customers).__name__}"
        )
    if column in customers.columns:
        customers = customers.set_index(column)
    dup = customers.index.duplicated()
    if dup.any():
        raise InputError(
            f"table 'customers': {int(dup.sum())} customer ids are duplicates "
            f"(e.g. {customers.index[dup][0]!r}); ids must be unique"
        )
    return customers.reindex(g.nodes)


def _score(g: Graph, score: Any, table: pd.DataFrame | None, strength: np.ndarray) -> np.ndarray:
    """Ranking score per node (NaN: unknown)."""
    if score is None:
        return strength
    if isinstance(score, str):
        if table is None or score not in table.columns:
            raise MissingColumnError(
                f"score={score!r} names no column of customers"
                + ("" if table is not None else " (no customers table given)")
            )
        values = table[score]
    elif isinstance(score, pd.Series):
        if score.index.duplicated().any():
            raise InputError("score: customer ids must be unique")
        values = score.reindex(g.nodes)
    else:
        raise InputTypeError(f"score must be a Series, a column name or None, got {score!r}")
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        raise InputTypeError(f"score must be numeric, got dtype {values.dtype}")
    return values.to_numpy(dtype=np.float64, na_value=np.nan)


def _top_members(
    g: Graph, codes: np.ndarray, k: int, score: np.ndarray, top: int
) -> list[list[Any]]:
    """The ``top`` highest-scoring members of every community, best first."""
    key = np.where(np.isnan(score), -np.inf, score)
    # Two stable sorts: by score (ties keep node order), then by community.
    by_score = np.argsort(-key, kind="stable")
    order = by_score[np.argsort(codes[by_score], kind="stable")]
    sorted_codes = codes[order]
    starts = np.searchsorted(sorted_codes, np.arange(k), side="left")
    rank = np.arange(len(order)) - starts[sorted_codes]
    keep = order[rank < top]
    ids = g.nodes.take(keep).tolist()
    bounds = np.searchsorted(codes[keep], np.arange(k + 1), side="left")
    return [ids[bounds[c] : bounds[c + 1]] for c in range(k)]
