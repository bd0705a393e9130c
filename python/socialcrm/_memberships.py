"""Explicit communities: which forums, groups or programmes each customer belongs to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import _checks, _tables
from ._detection import leiden
from .exceptions import InputError
from .graph import Graph

__all__ = ["Memberships", "from_memberships"]

#: Largest number of communities :meth:`Memberships.overlap_matrix` lays out densely by default.
MAX_DENSE = 5000


@dataclass(frozen=True)
class Memberships:
    """Customers' explicit community memberships, summarised (see :func:`from_memberships`).

    Attributes
    ----------
    customers : pandas.DataFrame
        Indexed by customer: ``primary_community``, ``n_memberships``, ``total_weight``,
        ``bridging``, ``segment``.
    communities : pandas.DataFrame
        Indexed by community label: ``size`` (distinct members), ``total_weight``,
        ``segment`` (the segment the community itself falls in), largest first.
    overlap : pandas.DataFrame
        One row per pair of communities sharing at least one member: ``community_a``,
        ``community_b``, ``shared_members``, ``jaccard``; highest Jaccard first.
    segments : pandas.DataFrame
        Indexed by segment (0 = most customers): ``customers`` (count), ``n_communities``
        and ``communities`` (their labels, largest first).
    partition : Partition
        The Leiden partition of the bipartite customer-community graph (nodes ``0..n_c-1``
        are the customers in the order of :attr:`customers`, then the communities in the
        order of their sorted labels).
    modularity : float
        Its modularity on the bipartite graph.
    """

    customers: pd.DataFrame
    communities: pd.DataFrame
    overlap: pd.DataFrame
    segments: pd.DataFrame
    partition: Any = field(repr=False)
    modularity: float

    def overlap_matrix(
        self, kind: str = "jaccard", *, max_communities: int = MAX_DENSE
    ) -> pd.DataFrame:
        """The dense community x community matrix of ``jaccard`` or ``shared`` members.

        The diagonal holds 1.0 (``jaccard``) or the community's size (``shared``). Refuses
        more than ``max_communities`` communities (the matrix grows as their square); use
        :attr:`overlap` instead, which lists only the pairs that share members.
        """
        if kind not in ("jaccard", "shared"):
            raise InputError(f"kind must be 'jaccard' or 'shared', got {kind!r}")
        labels = self.communities.index.sort_values()
        k = len(labels)
        if k > _checks.positive_int("max_communities", max_communities):
            raise InputError(
                f"{k} communities make a {k} x {k} matrix; raise max_communities or use "
                "the sparse .overlap table"
            )
        a = labels.get_indexer(self.overlap["community_a"])
        b = labels.get_indexer(self.overlap["community_b"])
        col = "jaccard" if kind == "jaccard" else "shared_members"
        m = np.zeros((k, k), dtype=np.float64 if kind == "jaccard" else np.int64)
        m[a, b] = self.overlap[col].to_numpy()
        m[b, a] = m[a, b]
        sizes = self.communities["size"].reindex(labels).to_numpy()
        m[np.arange(k), np.arange(k)] = 1.0 if kind == "jaccard" else sizes
        return pd.DataFrame(m, index=labels, columns=labels)


def _factorize(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    try:
        codes, uniques = pd.factorize(values, sort=True)
    except TypeError:  # labels of incomparable types: order of first appearance
        codes, uniques = pd.factorize(values, sort=False)
    return codes.astype(np.int64), pd.Index(uniques)


def from_memberships(
    df: Any,
    *,
    customer: str = "customer",
    community: str = "community",
    weight: str | None = None,
    min_share: float = 0.0,
    resolution: float = 1.0,
    seed: int = 0,
) -> Memberships:
    """Summarises explicit memberships (forums, groups, programmes) per customer and per
    community, the overlap between communities, and segments customers by membership profile.

    Parameters
    ----------
    df : pandas.DataFrame, polars.DataFrame or pyarrow.Table
        One row per membership (or per activity in a community).
    customer, community : str
        Columns of the customer id and the community label.
    weight : str, optional
        Column of non-negative activity weights (posts, visits, ...); every row weighs 1
        without it. Duplicate (customer, community) rows are summed.
    min_share : float, default 0.0
        A membership counts towards ``bridging`` when it holds at least this share of the
        customer's total weight (equal shares when the total is 0).
    resolution : float, default 1.0
        Resolution of the modularity the segmentation maximises (higher: more, smaller
        segments).
    seed : int, default 0
        Seed of the Leiden run.

    Returns
    -------
    Memberships
        See its attributes.

    Raises
    ------
    MissingColumnError
        A named column is absent.
    InputError
        Null customer ids or community labels, negative/NaN/infinite weights, a bad
        ``min_share``, ``resolution`` or ``seed``.

    Notes
    -----
    With :math:`w_{ig}` the summed weight of customer :math:`i` in community :math:`g`:

    * ``primary_community``: :math:`\\arg\\max_g w_{ig}`; ties go to the community with most
      members, then to the smallest label.
    * ``n_memberships``: the number of distinct communities of :math:`i`.
    * ``bridging``: True when at least two of the customer's communities each hold a share
      :math:`w_{ig} / \\sum_h w_{ih} \\ge` ``min_share`` (with the default 0: any two
      memberships). Bridging customers carry word of mouth between communities.
    * ``jaccard``: :math:`|A \\cap B| / |A \\cup B|` over the members of two communities,
      computed only for pairs that share a member (a self-join on the customer, costing
      :math:`\\sum_i m_i^2` for :math:`m_i` memberships of customer :math:`i`); no dense
      community x community matrix is built.
    * ``segment``: Leiden (modularity, ``resolution``) on the bipartite customer-community
      graph, with the membership weights as edge weights (unit weights without ``weight``).
      A customer's segment is its bipartite community, renumbered by decreasing number of
      customers. The bipartite graph has one edge per membership, so this is linear in the
      memberships; the one-mode customer projection would have :math:`\\sum_g n_g^2` edges
      for communities of :math:`n_g` members (10^8 for one forum of 10^4).

    References
    ----------
    .. [1] V. A. Traag, L. Waltman and N. J. van Eck, "From Louvain to Leiden: guaranteeing
       well-connected communities", Scientific Reports 9:5233, 2019.
    .. [2] P. Jaccard, "The distribution of the flora in the alpine zone", New Phytologist
       11(2):37-50, 1912.

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm.community import from_memberships
    >>> df = pd.DataFrame({
    ...     "customer": ["ann", "ann", "bob", "bob", "cid", "dan"],
    ...     "community": ["bikes", "hiking", "bikes", "bikes", "hiking", "hiking"]})
    >>> m = from_memberships(df)
    >>> m.customers[["primary_community", "n_memberships", "bridging"]]
    ... # doctest: +NORMALIZE_WHITESPACE
             primary_community  n_memberships  bridging
    customer
    ann                 hiking              2      True
    bob                  bikes              1     False
    cid                 hiking              1     False
    dan                 hiking              1     False
    >>> m.overlap
      community_a community_b  shared_members  jaccard
    0       bikes      hiking               1     0.25
    """
    if isinstance(min_share, bool) or not 0.0 <= float(min_share) <= 1.0:
        raise InputError(f"min_share must be a share in [0, 1], got {min_share!r}")
    if not np.isfinite(resolution) or resolution <= 0:
        raise InputError(f"resolution must be a positive number, got {resolution!r}")
    seed = _checks.seed(seed)
    cols = [customer, community] + ([weight] if weight is not None else [])
    table = _tables.to_pandas(df, "memberships", cols)
    _tables.check_no_nulls(table[customer], "memberships", customer, "null customer ids")
    _tables.check_no_nulls(table[community], "memberships", community, "null community labels")
    w = (
        np.ones(len(table))
        if weight is None
        else _tables.weight_array(table[weight], "memberships", weight)
    )
    cust, cust_ids = _factorize(table[customer])
    comm, labels = _factorize(table[community])
    pairs = (
        pd.DataFrame({"c": cust, "g": comm, "w": w})
        .groupby(["c", "g"], sort=True, as_index=False)["w"]
        .sum()
    )
    c, g, pw = (pairs[x].to_numpy() for x in ("c", "g", "w"))
    n_c, n_g = len(cust_ids), len(labels)
    size = np.bincount(g, minlength=n_g)
    seg_cust, seg_comm, partition, q = _segments(
        c, g, pw, n_c, weight is not None, resolution, seed
    )
    customers = _customer_table(c, g, pw, n_c, size, labels, float(min_share))
    customers["segment"] = seg_cust
    customers.index = pd.Index(cust_ids, name=customer)
    communities = pd.DataFrame(
        {"size": size, "total_weight": np.bincount(g, weights=pw, minlength=n_g)},
        index=pd.Index(labels, name=community),
    )
    communities["segment"] = seg_comm
    communities = communities.iloc[np.lexsort((np.arange(n_g), -size))]
    return Memberships(
        customers=customers,
        communities=communities,
        overlap=_overlap(c, g, size, labels),
        segments=_segment_table(seg_cust, communities),
        partition=partition,
        modularity=q,
    )


def _customer_table(
    c: np.ndarray,
    g: np.ndarray,
    w: np.ndarray,
    n_c: int,
    size: np.ndarray,
    labels: pd.Index,
    min_share: float,
) -> pd.DataFrame:
    """Primary community, membership count, total weight and bridging flag per customer;
    ``c`` sorted, one row per (customer, community)."""
    order = np.lexsort((g, -size[g], -w, c))
    first = np.ones(len(c), dtype=bool)
    first[1:] = c[order][1:] != c[order][:-1]
    primary = g[order][first]
    n_mem = np.bincount(c, minlength=n_c)
    total = np.bincount(c, weights=w, minlength=n_c)
    share = np.where(total[c] > 0, w / np.where(total[c] > 0, total[c], 1), 1.0 / n_mem[c])
    active = np.bincount(c, weights=(share >= min_share).astype(np.float64), minlength=n_c)
    return pd.DataFrame(
        {
            "primary_community": labels.take(primary).to_numpy(),
            "n_memberships": n_mem.astype(np.int64),
            "total_weight": total,
            "bridging": active >= 2,
        }
    )


def _overlap(c: np.ndarray, g: np.ndarray, size: np.ndarray, labels: pd.Index) -> pd.DataFrame:
    """Pairs of communities with shared members, from a self-join on the customer."""
    pairs = pd.DataFrame({"c": c, "g": g})
    joined = pairs.merge(pairs, on="c", suffixes=("_a", "_b"))
    joined = joined[joined["g_a"] < joined["g_b"]]
    shared = joined.groupby(["g_a", "g_b"], sort=True).size()
    a = shared.index.get_level_values(0).to_numpy()
    b = shared.index.get_level_values(1).to_numpy()
    s = shared.to_numpy().astype(np.int64)
    jac = s / (size[a] + size[b] - s)
    order = np.lexsort((b, a, -s, -jac))
    return pd.DataFrame(
        {
            "community_a": labels.take(a[order]).to_numpy(),
            "community_b": labels.take(b[order]).to_numpy(),
            "shared_members": s[order],
            "jaccard": jac[order],
        }
    )


def _segments(
    c: np.ndarray,
    g: np.ndarray,
    w: np.ndarray,
    n_c: int,
    weighted: bool,
    resolution: float,
    seed: int,
) -> tuple[np.ndarray, np.ndarray, Any, float]:
    """Leiden on the bipartite graph: segment of each customer and of each community."""
    n_g = int(g.max()) + 1 if len(g) else 0
    edges = pd.DataFrame({"source": c, "target": n_c + g, "weight": w})
    bip = Graph.from_pandas(
        edges, weight="weight", directed=False, nodes=np.arange(n_c + n_g, dtype=np.int64)
    )
    part = leiden(bip, resolution=resolution, weight=weighted, seed=seed)
    codes = np.asarray(part.codes, dtype=np.int64)
    k = int(codes.max()) + 1 if len(codes) else 0
    # Renumber by decreasing number of customers, ties by the smallest customer code (by the
    # smallest community code for segments without customers).
    n_cust = np.bincount(codes[:n_c], minlength=k)
    first = np.full(k, len(codes), dtype=np.int64)
    np.minimum.at(first, codes, np.arange(len(codes)))
    rank = np.empty(k, dtype=np.int64)
    rank[np.lexsort((first, -n_cust))] = np.arange(k)
    seg = rank[codes]
    return seg[:n_c], seg[n_c:], part, float(part.quality())


def _segment_table(seg_cust: np.ndarray, communities: pd.DataFrame) -> pd.DataFrame:
    k = int(max(seg_cust.max(initial=-1), communities["segment"].max() if len(communities) else -1))
    groups = {s: [] for s in range(k + 1)}
    for label, s in zip(communities.index, communities["segment"], strict=True):
        groups[int(s)].append(label)
    return pd.DataFrame(
        {
            "customers": np.bincount(seg_cust, minlength=k + 1).astype(np.int64),
            "n_communities": [len(groups[s]) for s in range(k + 1)],
            "communities": [groups[s] for s in range(k + 1)],
        },
        index=pd.RangeIndex(k + 1, name="segment"),
    )
