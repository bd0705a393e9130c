"""The customer graph: who reached whom, built once from an interaction table.

A :class:`Graph` codes the customers' own ids to ``0..n`` once, aggregates repeated interactions
between the same pair into one edge, and keeps the result in the Rust core as a compressed
sparse row (CSR) adjacency. Every analysis takes a ``Graph`` and returns pandas objects indexed
by the original ids (:attr:`Graph.nodes`).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from . import _core, _tables
from ._posts import posts_to_interactions
from .exceptions import DataQualityWarning, InputError, InputTypeError, UnknownIdError

__all__ = ["Graph"]

Progress = Callable[[int, int], object]


class Graph:
    """A directed or undirected, weighted customer graph.

    Build it with :meth:`Graph.from_pandas` (an interaction table) or :meth:`Graph.from_posts`
    (a forum table). A graph is immutable; :meth:`subgraph` and :meth:`to_undirected` return new
    graphs.

    Attributes
    ----------
    nodes : pandas.Index
        The customer ids; node ``i`` of every core array is ``nodes[i]``.
    kinds : tuple of str
        The interaction kinds seen, in the order of their bit in the edge kind sets.
    as_of : pandas.Timestamp or None
        Reference time for decay and recency (the latest event unless given).
    half_life : pandas.Timedelta or None
        Half-life of the time decay of event weights.
    notes : tuple of str
        What was left out while building (e.g. self-loops dropped), one sentence each.
    """

    __slots__ = ("_as_of", "_csr", "_half_life", "_kinds", "_nodes", "_notes", "_timed", "_tz")

    def __init__(
        self,
        csr: _core.CsrGraph,
        nodes: pd.Index,
        *,
        kinds: Iterable[str] = (),
        timed: bool = False,
        tz: Any = None,
        as_of: pd.Timestamp | None = None,
        half_life: pd.Timedelta | None = None,
        notes: Iterable[str] = (),
    ) -> None:
        if csr.n_nodes != len(nodes):
            raise InputError(f"the core graph has {csr.n_nodes} nodes but {len(nodes)} ids given")
        self._csr = csr
        self._nodes = nodes
        self._kinds = tuple(kinds)
        self._timed = timed
        self._tz = tz
        self._as_of = as_of
        self._half_life = half_life
        self._notes = tuple(notes)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_pandas(
        cls,
        df: Any,
        source: str = "source",
        target: str = "target",
        weight: str | None = None,
        timestamp: str | None = None,
        kind: str | None = None,
        *,
        directed: bool = True,
        half_life: str | pd.Timedelta | None = None,
        as_of: Any = None,
        nodes: Any = None,
        node_column: str = "customer",
        self_loops: str = "drop",
        n_threads: int | None = None,
        progress: Progress | None = None,
    ) -> Graph:
        """Builds the graph from an interaction table, one row per event.

        All events from ``source`` to ``target`` (either way round when ``directed=False``)
        become one edge with the event ``count``, the summed ``weight``, the ``first_seen`` and
        ``last_seen`` times and the set of ``kinds``. With ``half_life``, each event also adds
        its decayed weight

        .. math:: \\tilde w_e = \\sum_{i \\in e} w_i \\, 2^{-(t_{\\mathrm{as\\_of}} - t_i) / h}

        so recent conversations count more.

        Parameters
        ----------
        df : pandas.DataFrame, polars.DataFrame or pyarrow.Table
            The interactions. Extra columns are ignored.
        source, target : str
            Columns of who reached whom. Ids may be of any hashable type (int, str,
            categorical); they come back unchanged as :attr:`nodes`.
        weight : str, optional
            Column of non-negative, finite event weights; every event weighs 1 without it.
        timestamp : str, optional
            Column of event times (datetime, or strings pandas can parse), all with one time zone
            or all naive.
        kind : str, optional
            Column of event kinds (reply, mention, share, answer, ...), at most 64 distinct.
        directed : bool, default True
            Whether ``a -> b`` and ``b -> a`` are different edges.
        half_life : str or pandas.Timedelta, optional
            Half-life ``h`` of the time decay, e.g. ``"90D"``; needs ``timestamp``.
        as_of : datetime-like, optional
            Reference time of the decay and of recency; defaults to the latest event. No event
            may be later.
        nodes : pandas.DataFrame, Series, Index or sequence, optional
            Customers to include even without interactions (e.g. the customer table), so that
            every customer gets a row in every result. Ids must be unique.
        node_column : str, default "customer"
            Id column of ``nodes`` when it is a table.
        self_loops : {"drop", "keep"}, default "drop"
            What to do with events from a customer to themselves. Dropped ones are counted in
            :attr:`notes` and reported as a :class:`~socialcrm.exceptions.DataQualityWarning`.
        n_threads : int, optional
            Threads to use; default all (or ``RAYON_NUM_THREADS``).
        progress : callable, optional
            Called as ``progress(done, total)`` about every 50 ms while the core works.

        Returns
        -------
        Graph

        Raises
        ------
        MissingColumnError
            A named column is absent (also a KeyError).
        InputTypeError
            A weight column is not numeric or a time column holds numbers (also a TypeError).
        InputError
            Null ids; NaN, infinite or negative weights; unparsable, null or mixed-time-zone
            times; ``half_life`` without ``timestamp``; an event after ``as_of``; duplicate ids
            in ``nodes``; more than 2**32 - 1 customers (also a ValueError).

        Notes
        -----
        An empty table gives an empty graph (or just the ``nodes``), not an error. Customers
        are numbered in sorted id order when ids are comparable, so results do not depend on
        the order of rows.

        Examples
        --------
        >>> import pandas as pd
        >>> from socialcrm import Graph
        >>> df = pd.DataFrame({"source": ["ann", "ann", "bob"], "target": ["bob", "bob", "ann"]})
        >>> g = Graph.from_pandas(df)
        >>> g.n_nodes, g.n_edges
        (2, 2)
        >>> g.to_pandas()[["source", "target", "count"]]
          source target  count
        0    ann    bob      2
        1    bob    ann      1
        """
        if not isinstance(directed, (bool, np.bool_)):
            raise InputTypeError(f"directed must be True or False, got {directed!r}")
        if progress is not None and not callable(progress):
            raise InputTypeError(f"progress must be a callable(done, total), got {progress!r}")
        cols = [source, target] + [c for c in (weight, timestamp, kind) if c is not None]
        table = _tables.to_pandas(df, "interactions", cols)
        for col in (source, target):
            _tables.check_no_nulls(table[col], "interactions", col, "null ids")
        extra = _node_ids(nodes, node_column)
        w = None if weight is None else _tables.weight_array(table[weight], "interactions", weight)
        kind_arr, kind_labels = (None, [])
        if kind is not None:
            kind_arr, kind_labels = _tables.kind_codes(table[kind], "interactions", kind)
        time_arr, tz = (None, None)
        if timestamp is not None:
            time_arr, tz = _tables.time_array(table[timestamp], "interactions", timestamp)
        decay_ns, as_of_ts, as_of_ns, h = _decay(half_life, as_of, time_arr, tz, timestamp)
        if self_loops not in ("drop", "keep"):
            raise InputError(f"self_loops must be 'drop' or 'keep', got {self_loops!r}")
        (src, dst), ids = _tables.code_ids([table[source], table[target]], extra)
        csr, dropped = _core.build_graph(
            src,
            dst,
            len(ids),
            weight=w,
            time=time_arr,
            kind=kind_arr,
            directed=directed,
            self_loops=self_loops,
            as_of=as_of_ns if h is not None else None,
            half_life=decay_ns,
            n_threads=n_threads,
            progress=progress,
        )
        notes = []
        if dropped:
            note = (
                f"table 'interactions': {dropped} self-loop rows ({source} == {target}) dropped; "
                "pass self_loops='keep' to keep them"
            )
            warnings.warn(note, DataQualityWarning, stacklevel=2)
            notes.append(note)
        return cls(
            csr,
            ids,
            kinds=kind_labels,
            timed=time_arr is not None,
            tz=tz,
            as_of=as_of_ts,
            half_life=h,
            notes=notes,
        )

    @classmethod
    def from_posts(
        cls,
        posts: Any,
        *,
        post_id: str = "post_id",
        author: str = "author",
        parent_id: str | None = "parent_id",
        thread_id: str | None = None,
        post_type: str | None = "post_type",
        created_at: str | None = "created_at",
        accepted_answer_id: str | None = None,
        directed: bool = True,
        half_life: str | pd.Timedelta | None = None,
        as_of: Any = None,
        nodes: Any = None,
        node_column: str = "customer",
        self_loops: str = "drop",
        n_threads: int | None = None,
        progress: Progress | None = None,
    ) -> Graph:
        """Builds the graph of who helped whom from a forum table.

        Each reply becomes an event from its author to the author of the post it answers:
        answerer -> asker, commenter -> author of the post commented on. With ``parent_id``, a
        post replies to its parent; with ``thread_id`` instead, every post of a thread replies to
        the thread's first post. The event kind is the reply's ``post_type`` (e.g. ``answer``,
        ``comment``), or ``accepted_answer`` for an answer its question accepted.

        Parameters
        ----------
        posts : pandas.DataFrame, polars.DataFrame or pyarrow.Table
            One row per post, as in the data model's ``posts`` table.
        post_id, author : str
            Columns of the post id and of its author (a customer id).
        parent_id : str or None, default "parent_id"
            Column of the post a post replies to (null for questions / thread starters).
        thread_id : str, optional
            Column of the thread a post belongs to; used when ``parent_id`` is None.
        post_type : str or None, default "post_type"
            Column of the post type, used as the event kind; None gives kind ``reply``.
        created_at : str or None, default "created_at"
            Column of post times, used as event times.
        accepted_answer_id : str, optional
            Column, on questions, of their accepted answer.
        directed, half_life, as_of, nodes, node_column, self_loops, n_threads, progress
            As in :meth:`from_pandas`.

        Returns
        -------
        Graph
            Every author is a node, askers without answers too. Posts without an author and
            replies whose parent is not in the table are left out and counted in
            :attr:`notes` (and a :class:`~socialcrm.exceptions.DataQualityWarning`).

        Examples
        --------
        >>> import pandas as pd
        >>> from socialcrm import Graph
        >>> posts = pd.DataFrame({
        ...     "post_id": [1, 2, 3], "post_type": ["question", "answer", "answer"],
        ...     "parent_id": [None, 1, 1], "author": ["ann", "bob", "cid"],
        ...     "created_at": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]),
        ...     "accepted_answer_id": [3, None, None]})
        >>> g = Graph.from_posts(posts, accepted_answer_id="accepted_answer_id")
        >>> g.to_pandas()[["source", "target", "kinds"]]
          source target            kinds
        0    bob    ann           answer
        1    cid    ann  accepted_answer
        """
        events, authors, notes = posts_to_interactions(
            posts,
            post_id=post_id,
            author=author,
            parent_id=parent_id,
            thread_id=thread_id,
            post_type=post_type,
            created_at=created_at,
            accepted_answer_id=accepted_answer_id,
        )
        for note in notes:
            warnings.warn(note, DataQualityWarning, stacklevel=2)
        extra = _node_ids(nodes, node_column)
        all_nodes = authors if extra is None else pd.concat([extra, authors]).drop_duplicates()
        g = cls.from_pandas(
            events,
            timestamp="timestamp" if created_at is not None else None,
            kind="kind",
            directed=directed,
            half_life=half_life,
            as_of=as_of,
            nodes=all_nodes,
            self_loops=self_loops,
            n_threads=n_threads,
            progress=progress,
        )
        return g._with(notes=notes + list(g.notes))

    def _with(self, **changes: Any) -> Graph:
        fields = {
            "kinds": self._kinds,
            "timed": self._timed,
            "tz": self._tz,
            "as_of": self._as_of,
            "half_life": self._half_life,
            "notes": self._notes,
        }
        fields.update(changes)
        csr = fields.pop("csr", self._csr)
        nodes = fields.pop("nodes", self._nodes)
        return Graph(csr, nodes, **fields)

    # ------------------------------------------------------------------ properties
    @property
    def nodes(self) -> pd.Index:
        """The customer ids, in node order."""
        return self._nodes

    @property
    def n_nodes(self) -> int:
        """Number of customers."""
        return int(self._csr.n_nodes)

    @property
    def n_edges(self) -> int:
        """Number of edges: ordered pairs if directed, unordered pairs otherwise."""
        return int(self._csr.n_edges)

    @property
    def directed(self) -> bool:
        """Whether edges have a direction."""
        return bool(self._csr.directed)

    @property
    def kinds(self) -> tuple[str, ...]:
        """Interaction kinds seen, in bit order."""
        return self._kinds

    @property
    def as_of(self) -> pd.Timestamp | None:
        """Reference time of decay and recency."""
        return self._as_of

    @property
    def half_life(self) -> pd.Timedelta | None:
        """Half-life of the decay of event weights."""
        return self._half_life

    @property
    def has_timestamps(self) -> bool:
        """Whether edges carry first/last event times."""
        return self._timed

    @property
    def notes(self) -> tuple[str, ...]:
        """What was left out while building, one sentence each."""
        return self._notes

    def __len__(self) -> int:
        return self.n_nodes

    def __repr__(self) -> str:
        kind = "directed" if self.directed else "undirected"
        return f"<socialcrm.Graph {kind}: {self.n_nodes} customers, {self.n_edges} edges>"

    def memory_bytes(self) -> int:
        """Bytes held: the core's CSR arrays plus the id index (deep)."""
        return int(self._csr.memory_bytes()) + int(self._nodes.memory_usage(deep=True))

    # ------------------------------------------------------------------ id mapping
    def _codes_of(self, ids: Any) -> np.ndarray:
        """Node codes (uint32) of customer ids; UnknownIdError (a KeyError) for unknown ones."""
        wanted = pd.Index(ids)
        codes = self._nodes.get_indexer(wanted)
        unknown = codes < 0
        if unknown.any():
            shown = ", ".join(repr(x) for x in wanted[unknown][:5])
            raise UnknownIdError(
                f"{int(unknown.sum())} ids are not customers of this graph: {shown}"
            )
        return np.ascontiguousarray(codes, dtype=np.uint32)

    def _weight_name(self, weight: bool | str | None) -> str:
        """The core's name for a measure's ``weight=`` choice: "none", "weight" or "decayed".

        ``True``/``"weight"`` read the summed event weight, ``False``/``None`` treat every edge
        as 1, and ``"decayed"`` reads the time-decayed weight (graphs built with a half-life).
        """
        if weight is None or weight is False:
            return "none"
        if weight is True or weight == "weight":
            return "weight"
        if weight == "decayed":
            if self._half_life is None:
                raise InputError(
                    "weight='decayed' needs a graph built with half_life= (and timestamps)"
                )
            return "decayed"
        raise InputError(f"weight must be True, False, None, 'weight' or 'decayed', got {weight!r}")

    def _times(self, ns: np.ndarray | None) -> pd.DatetimeIndex | None:
        return None if ns is None else _tables.ns_to_times(ns, self._tz)

    # ------------------------------------------------------------------ views
    def to_pandas(self) -> pd.DataFrame:
        """The edge table: one row per edge (per unordered pair when undirected).

        Returns
        -------
        pandas.DataFrame
            Columns ``source``, ``target`` (customer ids), ``count`` (events), ``weight``
            (summed), then, when the graph has them, ``decayed_weight``, ``first_seen``,
            ``last_seen`` and ``kinds`` (the kinds seen, ``|``-separated).
        """
        src, dst, count, weight, decayed, first, last, kinds = _core.edge_table(self._csr)
        out = pd.DataFrame(
            {
                "source": self._nodes.take(src),
                "target": self._nodes.take(dst),
                "count": count.astype(np.int64),
                "weight": weight,
            }
        )
        if decayed is not None:
            out["decayed_weight"] = decayed
        if first is not None:
            out["first_seen"] = self._times(first)
            out["last_seen"] = self._times(last)
        if kinds is not None:
            out["kinds"] = _kind_names(kinds, self._kinds)
        return out

    def subgraph(self, ids: Any) -> Graph:
        """The graph induced by the customers ``ids``: them and every edge between them.

        Customers keep their relative order; unknown ids raise KeyError.
        """
        codes = np.unique(self._codes_of(ids))
        csr = _core.induced_subgraph(self._csr, codes)
        return self._with(csr=csr, nodes=self._nodes.take(codes), notes=())

    def to_undirected(self, how: str = "sum") -> Graph:
        """The undirected graph with an edge wherever either direction has one.

        Parameters
        ----------
        how : {"sum", "max"}
            How the weights (and decayed weights) of ``a -> b`` and ``b -> a`` combine. Counts
            always add, kinds unite, first/last times take the earliest/latest.
        """
        if how not in ("sum", "max"):
            raise InputError(f"how must be 'sum' or 'max', got {how!r}")
        return self._with(csr=_core.to_undirected(self._csr, how))

    def summary(self) -> pd.Series:
        """Key figures of the graph as a Series (print it for a quick look)."""
        interactions, weight, isolated, reciprocated, proper, first, last = _core.graph_stats(
            self._csr
        )
        n, m = self.n_nodes, self.n_edges
        pairs = n * (n - 1) if self.directed else n * (n - 1) / 2
        fig: dict[str, Any] = {
            "directed": self.directed,
            "customers": n,
            "edges": m,
            "interactions": interactions,
            "total_weight": weight,
            "isolated_customers": isolated,
            "self_loops": int(self._csr.n_self_loops),
            "density": proper / pairs if pairs else 0.0,
        }
        if self.directed and m:
            fig["reciprocity"] = reciprocated / proper if proper else 0.0
        if self._timed and first is not None and last is not None:
            times = self._times(np.array([first, last], dtype=np.int64))
            assert times is not None
            fig["first_event"], fig["last_event"] = times[0], times[1]
        if self._as_of is not None:
            fig["as_of"] = self._as_of
        if self._half_life is not None:
            fig["half_life"] = self._half_life
        if self._kinds:
            fig["kinds"] = "|".join(self._kinds)
        fig["memory_mb"] = round(self.memory_bytes() / 2**20, 3)
        return pd.Series(fig, dtype=object, name="graph")

    def tie_strength(self, **kwargs: Any) -> pd.DataFrame:
        """One row per customer pair with the strength of their tie.

        See :func:`socialcrm.ties.tie_strength` for the columns and the score.
        """
        from .ties import tie_strength

        return tie_strength(self, **kwargs)


def _node_ids(nodes: Any, column: str) -> pd.Series | None:
    if nodes is None:
        return None
    module = type(nodes).__module__.split(".")[0]
    if isinstance(nodes, pd.DataFrame) or type(nodes).__name__ in ("DataFrame", "Table"):
        ids = _tables.to_pandas(nodes, "nodes", [column])[column]
    elif module in ("polars", "pyarrow"):
        ids = pd.Series(nodes.to_pandas(), name=column)
    else:
        ids = pd.Series(pd.Index(nodes), name=column)
    _tables.check_no_nulls(ids, "nodes", column, "null ids")
    dup = ids.duplicated().to_numpy()
    if dup.any():
        raise InputError(
            f"table 'nodes', column '{column}': {int(dup.sum())} ids are duplicates "
            f"(first at row {int(np.flatnonzero(dup)[0])}); ids must be unique"
        )
    return ids.reset_index(drop=True)


def _decay(
    half_life: Any, as_of: Any, time_arr: np.ndarray | None, tz: Any, column: str | None
) -> tuple[float | None, pd.Timestamp | None, int | None, pd.Timedelta | None]:
    """(half-life in ns, as_of, as_of in ns, half-life) after validation."""
    h = None if half_life is None else _tables.duration(half_life, "half_life")
    if h is not None and time_arr is None:
        raise InputError("half_life needs event times: pass timestamp='<column>'")
    if as_of is not None and time_arr is None:
        raise InputError("as_of needs event times: pass timestamp='<column>'")
    if time_arr is None:
        return None, None, None, None
    if as_of is None:
        if len(time_arr) == 0:  # no event to decay: any reference time will do
            return (None if h is None else float(h.value)), None, 0, h
        as_of_ns = int(time_arr.max())
        as_of_ts = _tables.ns_to_times(np.array([as_of_ns]), tz)[0]
    else:
        as_of_ts = _tables.timestamp_scalar(as_of, "as_of", tz)
        as_of_ns = _tables.timestamp_ns(as_of_ts)
        late = time_arr > as_of_ns
        if late.any():
            raise InputError(
                f"table 'interactions', column '{column}': {int(late.sum())} rows are after "
                f"as_of={as_of_ts} (first at row {int(np.flatnonzero(late)[0])}); "
                "filter them out or move as_of"
            )
    return (None if h is None else float(h.value)), as_of_ts, as_of_ns, h


def _kind_names(masks: np.ndarray, labels: tuple[str, ...]) -> np.ndarray:
    """Kind bit sets as ``|``-joined labels."""
    uniq, inverse = np.unique(masks, return_inverse=True)
    names = [
        "|".join(lab for b, lab in enumerate(labels) if int(m) >> b & 1) for m in uniq.tolist()
    ]
    return np.asarray(names, dtype=object)[inverse]
