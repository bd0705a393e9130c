"""Company centrality: how much of the community's conversation runs through the company's own
accounts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _core
from .exceptions import InputError, InputTypeError

if TYPE_CHECKING:
    from .graph import Graph

__all__ = ["company_centrality"]

_ALL = "(all)"


def company_centrality(
    g: Graph,
    staff: Any,
    *,
    membership: pd.Series | None = None,
    weight: bool | str | None = True,
    betweenness: bool = False,
    epsilon: float | None = None,
    seed: int | None = 0,
    n_threads: int | None = None,
) -> pd.DataFrame:
    """Share of conversations that involve the company's accounts, versus customer to customer.

    Parameters
    ----------
    g : Graph
        The interaction graph (directed: ``source`` reached ``target``).
    staff : list-like of ids
        The company's own accounts; ids not in ``g`` are an error (``UnknownIdError``).
    membership : pandas.Series, optional
        Community per customer id (customer -> community). Adds one row per community.
    weight : bool or str, default True
        Edge weight: summed event weight (True/"weight"), 1 per edge (False/None) or
        "decayed".
    betweenness : bool, default False
        Also compute the staff share of betweenness (overall row only); exact unless
        ``epsilon`` is given (see :func:`socialcrm.influence.betweenness`).
    epsilon, seed, n_threads
        Passed to :func:`socialcrm.influence.betweenness`.

    Returns
    -------
    pandas.DataFrame
        Indexed by community, ``"(all)"`` first: ``interactions`` (summed weight),
        ``staff_share`` (weight of edges with a staff account at either end),
        ``customer_to_customer_share`` (1 - staff_share), ``staff_to_customer_share``,
        ``customer_to_staff_share``, ``staff_to_staff_share``, ``staff_reply_share`` (the
        staff's share of the weight sent, i.e. of answers/replies given), and with
        ``betweenness=True`` ``staff_betweenness_share`` (NaN in community rows).

    Raises
    ------
    InputError
        Unknown staff ids, a bad ``membership`` or weight name.

    Notes
    -----
    With :math:`w_e` the weight of edge :math:`e = (u, v)` and :math:`S` the staff accounts,

    .. math::

        \\text{staff\\_share} = \\frac{\\sum_{e:\\, u \\in S \\lor v \\in S} w_e}{\\sum_e w_e},
        \\qquad
        \\text{staff\\_betweenness\\_share} = \\frac{\\sum_{s \\in S} C_B(s)}{\\sum_v C_B(v)}.

    An edge belongs to the community of each of its endpoints that has one (to both when
    they differ, once when the same); edges of customers without a community count only in
    ``"(all)"``. On an undirected graph an edge counts once and the directional shares
    split it by the stored (sorted) orientation, so read ``staff_share`` there. A
    community without interactions gets NaN shares. There is no standard measure of company
    centrality; this one follows the brand-community literature's staff versus
    customer-to-customer interaction shares (e.g. Wiertz & de Ruyter 2007).

    References
    ----------
    .. [1] C. Wiertz and K. de Ruyter, "Beyond the Call of Duty: Why Customers Contribute to
       Firm-hosted Commercial Online Communities", Organization Studies 28(3), 2007.
    .. [2] U. Brandes, "A faster algorithm for betweenness centrality", J. Math. Sociol.
       25(2), 2001.

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm import Graph
    >>> from socialcrm.value import company_centrality
    >>> g = Graph.from_pandas(pd.DataFrame({"source": ["rep", "ann", "bob", "ann"],
    ...                                     "target": ["ann", "bob", "rep", "cid"]}))
    >>> company_centrality(g, ["rep"])[["interactions", "staff_share", "staff_reply_share"]]
               interactions  staff_share  staff_reply_share
    community
    (all)               4.0          0.5               0.25
    """
    if isinstance(staff, (str, bytes)):
        raise InputTypeError(f"staff must be a list-like of ids, got {staff!r}")
    codes = g._codes_of(list(staff)) if len(list(staff)) else np.zeros(0, dtype=np.uint32)
    is_staff = np.zeros(g.n_nodes, dtype=bool)
    is_staff[codes] = True
    wname = g._weight_name(weight)
    src, dst, _, summed, decayed, *_ = _core.edge_table(g._csr)
    src, dst = src.astype(np.int64), dst.astype(np.int64)
    if wname == "decayed" and decayed is None:
        raise InputError("weight='decayed' needs a graph built with half_life")
    w = {"none": np.ones(len(src)), "weight": summed, "decayed": decayed}[wname]
    w = np.asarray(w, dtype=np.float64)
    rows = {_ALL: _shares(w, is_staff[src], is_staff[dst])}
    if membership is not None:
        comm, labels = _membership_codes(g, membership)
        rows.update(
            _shares_by_community(w, is_staff[src], is_staff[dst], comm[src], comm[dst], labels)
        )
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "community"
    if betweenness:
        from ._paths import betweenness as _betweenness

        b = _betweenness(g, weight=None, epsilon=epsilon, seed=seed, n_threads=n_threads)
        total = float(b.sum())
        out["staff_betweenness_share"] = np.nan
        out.loc[_ALL, "staff_betweenness_share"] = (
            float(b.to_numpy()[is_staff].sum()) / total if total > 0 else np.nan
        )
    return out


def _membership_codes(g: Graph, membership: Any) -> np.ndarray:
    if not isinstance(membership, pd.Series):
        raise InputTypeError(
            "membership must be a pandas Series customer id -> community, got "
            f"{type(membership).__name__}"
        )
    dup = membership.index.duplicated()
    if dup.any():
        raise InputError(
            f"membership: {int(dup.sum())} customer ids appear more than once; give one "
            "community per customer"
        )
    m = membership.dropna()
    text = m.astype(str)
    labels = sorted(pd.unique(text.to_numpy()))
    out = np.full(g.n_nodes, -1, dtype=np.int64)
    if len(m):
        out[g._codes_of(m.index)] = pd.Categorical(text, categories=labels).codes
    return out, labels


def _shares_by_community(
    w: np.ndarray,
    s_staff: np.ndarray,
    t_staff: np.ndarray,
    cs: np.ndarray,
    cd: np.ndarray,
    labels: list[str],
) -> dict[str, dict[str, float]]:
    """:func:`_shares` of the edges touching each community (one pass per share, bincounts)."""
    k = len(labels)
    ends = [cs >= 0, (cd >= 0) & (cd != cs)]  # an edge inside one community counts once

    def sums(mask: np.ndarray | None) -> np.ndarray:
        x = w if mask is None else np.where(mask, w, 0.0)
        total = np.zeros(k)
        for comm, ok in zip((cs, cd), ends, strict=True):
            total += np.bincount(comm[ok], weights=x[ok], minlength=k)
        return total

    any_staff = s_staff | t_staff
    total = sums(None)
    parts = {
        "staff_share": sums(any_staff),
        "customer_to_customer_share": sums(~any_staff),
        "staff_to_customer_share": sums(s_staff & ~t_staff),
        "customer_to_staff_share": sums(~s_staff & t_staff),
        "staff_to_staff_share": sums(s_staff & t_staff),
        "staff_reply_share": sums(s_staff),
    }
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = {name: np.where(total > 0, x / total, np.nan) for name, x in parts.items()}
    return {
        lab: {"interactions": float(total[i]), **{n: float(v[i]) for n, v in shares.items()}}
        for i, lab in enumerate(labels)
    }


def _shares(w: np.ndarray, s_staff: np.ndarray, t_staff: np.ndarray) -> dict[str, float]:
    total = float(w.sum())

    def share(mask: np.ndarray) -> float:
        return float(w[mask].sum()) / total if total > 0 else float("nan")

    any_staff = s_staff | t_staff
    return {
        "interactions": total,
        "staff_share": share(any_staff),
        "customer_to_customer_share": share(~any_staff),
        "staff_to_customer_share": share(s_staff & ~t_staff),
        "customer_to_staff_share": share(~s_staff & t_staff),
        "staff_to_staff_share": share(s_staff & t_staff),
        "staff_reply_share": share(s_staff),
    }
