"""The result of community detection: which community each customer belongs to."""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from . import _core
from .exceptions import InputError
from .graph import Graph

__all__ = ["Partition"]

OBJECTIVES = ("modularity", "cpm")


def check_objective(objective: Any) -> str:
    """``objective`` as "modularity" or "cpm", or InputError."""
    if objective not in OBJECTIVES:
        raise InputError(f"objective must be 'modularity' or 'cpm', got {objective!r}")
    return str(objective)


def check_resolution(resolution: Any) -> float:
    """A finite resolution >= 0, or InputError."""
    if (
        isinstance(resolution, bool)
        or not isinstance(resolution, numbers.Real)
        or not np.isfinite(resolution)
        or resolution < 0
    ):
        raise InputError(f"resolution must be a finite number >= 0, got {resolution!r}")
    return float(resolution)


def check_directed(g: Graph, directed: Any) -> bool:
    """The directedness to use: ``g.directed`` for None; True needs a directed graph."""
    if directed is None:
        return bool(g.directed)
    if not isinstance(directed, (bool, np.bool_)):
        raise InputError(f"directed must be True, False or None, got {directed!r}")
    if directed and not g.directed:
        raise InputError("directed=True needs a directed graph; this graph is undirected")
    return bool(directed)


def canonical(codes: np.ndarray) -> np.ndarray:
    """Communities renumbered ``0..k-1`` by decreasing size, ties by smallest member code."""
    codes = np.asarray(codes)
    if codes.size == 0:
        return np.zeros(0, dtype=np.uint32)
    if _numbered_by_first_appearance(codes):
        return _by_size(codes)
    labels, first, inverse, counts = np.unique(
        codes, return_index=True, return_inverse=True, return_counts=True
    )
    order = np.lexsort((first, -counts))
    rank = np.empty(len(labels), dtype=np.uint32)
    rank[order] = np.arange(len(labels), dtype=np.uint32)
    return rank[inverse.reshape(-1)]


def _by_size(codes: np.ndarray) -> np.ndarray:
    """:func:`canonical` of codes numbered by first appearance: label order is then
    first-appearance order, so a count per label and a stable sort of the labels do it,
    without sorting the nodes."""
    counts = np.bincount(codes)
    rank = np.empty(len(counts), dtype=np.uint32)
    rank[np.argsort(-counts, kind="stable")] = np.arange(len(counts), dtype=np.uint32)
    return rank[codes]


def _numbered_by_first_appearance(codes: np.ndarray) -> bool:
    """Whether integer ``codes`` are ``0..k-1`` in order of first appearance (as the core
    returns them): the running maximum starts at 0 and never rises by more than 1."""
    if codes.dtype.kind not in "ui" or codes.ndim != 1 or codes[0] != 0:
        return False
    top = np.maximum.accumulate(codes)
    return bool(np.all(top[1:] - top[:-1] <= 1))


def _canonical_rows(rows: list[np.ndarray]) -> list[np.ndarray]:
    """:func:`canonical` of each array, in one pass when they are node codes of one graph
    (non-negative integers below 2**32), else one by one."""
    if len(rows) < 2 or any(r.dtype.kind not in "ui" or r.ndim != 1 for r in rows):
        return [canonical(r) for r in rows]
    if all(len(r) and _numbered_by_first_appearance(r) for r in rows):
        return [_by_size(r) for r in rows]
    stacked = np.stack(rows)
    k, n = stacked.shape
    if n == 0 or stacked.min() < 0 or stacked.max() >= 2**32:
        return [canonical(r) for r in rows]
    # Row r's labels become r * 2**32 + label: one unique over all rows, blocks by row.
    keys = stacked.astype(np.int64) + (np.arange(k, dtype=np.int64) << 32)[:, None]
    _, first, inverse, counts = np.unique(
        keys.ravel(), return_index=True, return_inverse=True, return_counts=True
    )
    row, first = np.divmod(first, n)
    order = np.lexsort((first, -counts, row))  # row blocks stay in place (labels sorted by row)
    start = np.searchsorted(row, row)  # first label of each label's row
    rank = np.empty(len(order), dtype=np.uint32)
    rank[order] = np.arange(len(order)) - start
    return list(rank[inverse.reshape(-1)].reshape(k, n))


def factorize_membership(g: Graph, membership: Any, what: str = "membership") -> np.ndarray:
    """Community codes (int64, one per node of ``g``) from a Series/dict keyed by customer id or
    an array aligned with ``g.nodes``; InputError for unknown or missing ids and null labels."""
    if isinstance(membership, Mapping) and not isinstance(membership, pd.Series):
        membership = pd.Series(dict(membership), dtype=object)
    if isinstance(membership, pd.Series):
        idx = membership.index
        if idx.has_duplicates:
            dup = idx[idx.duplicated()].unique()
            raise InputError(
                f"{what}: {len(dup)} customer ids appear more than once: "
                + ", ".join(repr(x) for x in dup[:5])
            )
        unknown = idx.difference(g.nodes, sort=False) if len(idx) else idx
        if len(unknown):
            raise InputError(
                f"{what}: {len(unknown)} ids are not customers of this graph: "
                + ", ".join(repr(x) for x in unknown[:5])
            )
        if len(idx) != len(g.nodes):
            missing = g.nodes.difference(idx, sort=False)
            raise InputError(
                f"{what}: {len(missing)} customers of the graph have no community "
                f"(first: {missing[0]!r})"
            )
        values = membership.reindex(g.nodes).to_numpy()
    else:
        values = np.asarray(membership)
        if values.ndim != 1 or len(values) != g.n_nodes:
            raise InputError(
                f"{what}: an array must have one entry per customer ({g.n_nodes}), "
                f"got shape {values.shape}"
            )
    codes, _ = pd.factorize(values)
    if (codes < 0).any():
        raise InputError(f"{what}: {int((codes < 0).sum())} customers have a null community")
    return codes.astype(np.int64)


class Partition:
    """A partition of the customers of a graph into communities (immutable).

    Communities are numbered ``0..k-1`` by decreasing size, ties broken by the smallest member
    node code, whatever labels were given.

    Parameters
    ----------
    graph : Graph
        The customer graph.
    codes : array of int
        Community label of every node code (``graph.nodes`` order); any integer labels.
    objective : {"modularity", "cpm"}, default "modularity"
        The objective the partition was optimised for; :meth:`quality` computes it.
    resolution : float, default 1.0
        Resolution of the objective.
    levels : sequence of arrays, optional
        Community of every node after each aggregation level, finest first.
    quality : float, optional
        The objective's value, when already known.
    algorithm : str, default "leiden"
        What found the partition (recorded in :attr:`attrs`).
    seed : int, optional
        The seed used.
    weight : bool or str, default True
        The edge weight of the objective (see :func:`socialcrm.community.modularity`).
    directed : bool, optional
        Directed or undirected form of the objective; default ``graph.directed``.
    iterations : int, optional
        Iterations the algorithm ran.
    parallel : bool, default False
        Whether the algorithm's local moving raced on several threads (then the seed does
        not fix the result).

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm import Graph
    >>> from socialcrm.community import Partition
    >>> df = pd.DataFrame({"source": ["a", "b", "c", "d"], "target": ["b", "c", "a", "e"]})
    >>> g = Graph.from_pandas(df, directed=False)
    >>> p = Partition(g, [7, 7, 7, 3, 3])
    >>> p.membership.tolist(), p.sizes.tolist()
    ([0, 0, 0, 1, 1], [3, 2])
    >>> round(p.quality(), 4)
    0.375
    """

    __slots__ = (
        "_attrs",
        "_codes",
        "_directed",
        "_graph",
        "_levels",
        "_quality",
        "_raw_levels",
        "_weight",
    )

    def __init__(
        self,
        graph: Graph,
        codes: Any,
        *,
        objective: str = "modularity",
        resolution: float = 1.0,
        levels: Iterable[Any] = (),
        quality: float | None = None,
        algorithm: str = "leiden",
        seed: int | None = None,
        weight: bool | str | None = True,
        directed: bool | None = None,
        iterations: int | None = None,
        parallel: bool = False,
    ) -> None:
        if not isinstance(graph, Graph):
            raise InputError(f"graph must be a socialcrm Graph, got {type(graph).__name__}")
        arr = np.asarray(codes)
        if arr.ndim != 1 or len(arr) != graph.n_nodes:
            raise InputError(
                f"codes must have one entry per customer ({graph.n_nodes}), got shape {arr.shape}"
            )
        if arr.size and not np.issubdtype(arr.dtype, np.integer):
            raise InputError(f"codes must be integers, got dtype {arr.dtype}")
        self._graph = graph
        raw = [np.asarray(x) for x in levels]
        if any(x.shape != arr.shape for x in raw):
            raise InputError("every level must have one entry per customer")
        self._codes = canonical(arr)
        self._codes.flags.writeable = False
        # Renumbered on first read: a deep hierarchy of a large graph costs a pass per level,
        # and most uses never read it.
        self._raw_levels: list[np.ndarray] | None = raw
        self._levels: list[np.ndarray] = []
        self._weight = graph._weight_name(weight)
        self._directed = check_directed(graph, directed)
        self._quality = None if quality is None else float(quality)
        self._attrs = {
            "algorithm": algorithm,
            "objective": check_objective(objective),
            "resolution": check_resolution(resolution),
            "seed": seed,
            "iterations": iterations,
            "parallel": parallel,
            "weight": weight,
            "directed": self._directed,
        }

    @classmethod
    def from_membership(cls, g: Graph, membership: Any, **kwargs: Any) -> Partition:
        """A partition from a Series or dict (customer id -> any hashable label) or an array
        aligned with ``g.nodes``.

        Raises
        ------
        InputError
            Ids that are not customers of ``g`` (named), customers without a community
            (counted), duplicate ids, null labels.

        Examples
        --------
        >>> import pandas as pd
        >>> from socialcrm import Graph
        >>> from socialcrm.community import Partition
        >>> g = Graph.from_pandas(pd.DataFrame({"source": ["a", "b"], "target": ["b", "c"]}))
        >>> Partition.from_membership(g, {"a": "x", "b": "x", "c": "y"}).sizes.tolist()
        [2, 1]
        """
        if isinstance(membership, Partition):
            membership = membership.membership
        kwargs.setdefault("algorithm", "given")
        return cls(g, factorize_membership(g, membership), **kwargs)

    # ------------------------------------------------------------------ views
    @property
    def graph(self) -> Graph:
        """The graph the partition is of."""
        return self._graph

    @property
    def codes(self) -> np.ndarray:
        """Community of every node code (read-only uint32 array)."""
        return self._codes

    @property
    def membership(self) -> pd.Series:
        """Community of every customer (int64 Series indexed by ``graph.nodes``)."""
        return pd.Series(self._codes.astype(np.int64), index=self._graph.nodes, name="community")

    @property
    def n_communities(self) -> int:
        """Number of communities."""
        return int(self._codes.max()) + 1 if len(self._codes) else 0

    @property
    def sizes(self) -> pd.Series:
        """Members per community, largest first."""
        counts = np.bincount(self._codes, minlength=self.n_communities).astype(np.int64)
        idx = pd.RangeIndex(self.n_communities, name="community")
        return pd.Series(counts, index=idx, name="size")

    @property
    def levels(self) -> list[pd.Series]:
        """Membership after each aggregation level, finest first (the last is the result)."""
        if self._raw_levels is not None:
            lv = _canonical_rows(self._raw_levels)
            for x in lv:
                x.flags.writeable = False
            self._levels = lv or [self._codes]
            self._raw_levels = None
        return [
            pd.Series(x.astype(np.int64), index=self._graph.nodes, name=f"level_{i}")
            for i, x in enumerate(self._levels)
        ]

    @property
    def attrs(self) -> dict[str, Any]:
        """algorithm, objective, resolution, seed, iterations, parallel, weight, directed;
        Leiden's partitions also record ``incremental``."""
        return dict(self._attrs)

    def quality(self) -> float:
        """The objective the partition was optimised for (same resolution, weight and
        directedness), computed by the core."""
        if self._quality is None:
            self._quality = float(
                _core.community_quality(
                    self._graph._csr,
                    np.ascontiguousarray(self._codes, dtype=np.uint32),
                    objective=self._attrs["objective"],
                    resolution=self._attrs["resolution"],
                    weight=self._weight,
                    directed=self._directed,
                )
            )
        return self._quality

    def to_pandas(self) -> pd.DataFrame:
        """One row per customer: ``community`` and ``level_0, level_1, ...``."""
        cols = {"community": self.membership}
        for s in self.levels:
            cols[str(s.name)] = s
        return pd.DataFrame(cols, index=self._graph.nodes)

    def __len__(self) -> int:
        return self.n_communities

    def __repr__(self) -> str:
        q = "" if self._quality is None else f", quality={self._quality:.4f}"
        a = self._attrs
        return (
            f"Partition(customers={len(self._codes)}, communities={self.n_communities}, "
            f"algorithm={a['algorithm']!r}, objective={a['objective']!r}, "
            f"resolution={a['resolution']:g}{q})"
        )
