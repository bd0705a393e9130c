"""The per-customer scorecard: one row per customer, one column per metric.

:func:`customer_scorecard` gathers what is known about each customer from the customer graph
(degree, strength, tie strength) and carries the customer table's own attributes alongside.
:func:`write_scorecard` saves it as CSV and Parquet.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from . import _tables
from .graph import Graph
from .influence import SCORE_COLUMNS, degree, scores
from .ties import tie_counts, tie_strength

__all__ = ["SCORECARD_COLUMNS", "customer_scorecard", "write_scorecard"]

#: Metric columns of the scorecard and what they mean.
SCORECARD_COLUMNS = {
    "is_staff": "the account is one of the company's own",
    **SCORE_COLUMNS,
    "ties": "customers this customer interacted with, either way",
    "strong_ties": "ties whose tie-strength score is at least the strong threshold",
    "weak_ties": "the other ties",
    "mean_tie_strength": "mean tie-strength score over the customer's ties (NaN without ties)",
}


def customer_scorecard(
    g: Graph,
    *,
    customers: Any = None,
    customer: str = "customer",
    staff: Any = None,
    ties: pd.DataFrame | None = None,
    influence: bool = True,
    seed: int = 0,
    score_options: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """One row per customer with their network metrics and attributes.

    Parameters
    ----------
    g : Graph
        The customer graph; build it with ``nodes=customers`` so that customers without
        interactions get a row.
    customers : pandas.DataFrame, polars.DataFrame or pyarrow.Table, optional
        The customer table; its other columns (segment, region, ...) are carried into the
        scorecard. Customers missing from ``g`` still get a row (metrics 0 or NaN).
    customer : str, default "customer"
        Id column of ``customers``.
    staff : sequence of ids, optional
        The company's own accounts, flagged in ``is_staff``.
    ties : pandas.DataFrame, optional
        A precomputed :func:`~socialcrm.ties.tie_strength` table of ``g``.
    influence : bool, default True
        Include the influence measures of :func:`socialcrm.influence.scores`; ``False`` keeps
        only degree and strength (faster on very large graphs).
    seed : int, default 0
        Seed of the sampled betweenness.
    score_options : dict, optional
        Keyword arguments of :func:`socialcrm.influence.scores` (``weight``, ``damping``,
        ``epsilon``, ``delta``, ``n_threads``, ``progress``).

    Returns
    -------
    pandas.DataFrame
        Indexed by customer id, with the columns of :data:`SCORECARD_COLUMNS` followed by the
        customer attributes. Degrees and tie counts are 0 for customers without interactions;
        ``mean_tie_strength`` and the structural-hole measures are NaN for them. Customers of
        ``customers`` who are not in ``g`` get NaN influence scores.

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm import Graph
    >>> from socialcrm.scorecard import customer_scorecard
    >>> df = pd.DataFrame({"source": ["a", "b", "a"], "target": ["b", "a", "c"]})
    >>> card = customer_scorecard(Graph.from_pandas(df), staff=["c"])
    >>> card[["is_staff", "in_degree", "out_degree", "strong_ties", "weak_ties"]]
              is_staff  in_degree  out_degree  strong_ties  weak_ties
    customer
    a            False          1           2            1          1
    b            False          1           1            1          0
    c             True          1           0            0          1
    """
    ties = tie_strength(g) if ties is None else ties
    options = {"seed": seed, **(score_options or {})}
    card = (scores(g, **options) if influence else degree(g)).join(tie_counts(g, ties))
    if customers is not None:
        ids = _tables.to_pandas(customers, "customers", [customer])[customer]
        _tables.check_no_nulls(ids, "customers", customer, "null ids")
        table = customers if isinstance(customers, pd.DataFrame) else customers.to_pandas()
        attrs = table.set_index(customer)
        clash = [c for c in attrs.columns if c in card.columns]
        attrs = attrs.rename(columns={c: f"customer_{c}" for c in clash})
        card = card.join(attrs, how="outer")
        counts = ["in_degree", "out_degree", "ties", "strong_ties", "weak_ties"]
        counts += ["core_number"] if "core_number" in card else []
        card[counts] = card[counts].fillna(0).astype("int64")
        card[["in_strength", "out_strength"]] = card[["in_strength", "out_strength"]].fillna(0.0)
    staff_ids = pd.Index([] if staff is None else list(staff))
    card.insert(0, "is_staff", card.index.isin(staff_ids))
    card.index.name = customer
    return card


def write_scorecard(card: pd.DataFrame, out_dir: str | Path, name: str = "scorecard") -> list[Path]:
    """Writes ``card`` as ``<name>.csv`` and ``<name>.parquet`` in ``out_dir`` (created).

    Returns the paths written. Each file is written to a temporary name first and renamed, so
    an interrupted run leaves no half-written file.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for suffix, write in ((".csv", card.to_csv), (".parquet", card.to_parquet)):
        final = out / f"{name}{suffix}"
        tmp = out / f".{name}{suffix}.tmp"
        write(tmp)
        tmp.replace(final)
        paths.append(final)
    return paths
