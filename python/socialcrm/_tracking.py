"""Communities over time: match each period's communities to the previous period's, label
what happened (birth, growth, merge, ...) and follow each community's lineage."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import _checks, _tables
from ._detection import leiden
from .exceptions import InputError, InputTypeError
from .graph import Graph

__all__ = ["EVENTS", "Tracking", "leiden_over_time", "track"]

#: Event types, in the order :meth:`Tracking.emerging` and the docs list them.
EVENTS = ("birth", "growth", "merge", "split", "continuation", "contraction", "death")


@dataclass(frozen=True)
class Tracking:
    """Communities followed over time (see :func:`track`).

    Attributes
    ----------
    events : pandas.DataFrame
        One row per community and period (plus one per death): ``period``, ``event``,
        ``community`` (its label in that period; null for a death), ``previous`` (list of the
        matched labels of the previous period), ``dynamic_community``, ``jaccard``, ``size``,
        ``size_change``.
    lineage : pandas.DataFrame
        ``period``, ``community``, ``dynamic_community``, ``size`` for every community of
        every period.
    partitions : dict
        Period -> Partition, from :func:`leiden_over_time` (empty for :func:`track`).
    threshold : float
        The Jaccard threshold used.
    """

    events: pd.DataFrame
    lineage: pd.DataFrame
    partitions: dict[Any, Any] = field(default_factory=dict, repr=False)
    threshold: float = 0.3

    def emerging(self, periods: int | None = None) -> pd.DataFrame:
        """Births and growing communities, latest period first: what to look at first.

        Within a period births come before growth, then larger relative growth and larger
        size first. The first period is left out when there are several (every community is
        born there). ``periods`` keeps only the last that many periods.
        """
        labels = list(dict.fromkeys(self.lineage["period"]))
        keep = labels[1:] if len(labels) > 1 else labels
        if periods is not None:
            keep = keep[-_checks.positive_int("periods", periods) :]
        ev = self.events
        ev = ev[ev["event"].isin(["birth", "growth"]) & ev["period"].isin(keep)]
        rank = {p: i for i, p in enumerate(labels)}
        order = np.lexsort(
            (
                -ev["size"].to_numpy(),
                -ev["size_change"].fillna(np.inf).to_numpy(),
                (ev["event"] != "birth").to_numpy(),
                -ev["period"].map(rank).to_numpy(),
            )
        )
        return ev.iloc[order].reset_index(drop=True)

    def sizes(self) -> pd.DataFrame:
        """Size of every dynamic community (rows) in every period (columns); 0 when absent."""
        return (
            self.lineage.pivot_table(
                index="dynamic_community",
                columns="period",
                values="size",
                aggfunc="sum",
                fill_value=0,
                sort=False,
            )
            .reindex(columns=list(dict.fromkeys(self.lineage["period"])))
            .sort_index()
        )


def _as_series(membership: Any, period: Any, min_size: int) -> pd.Series:
    """Customer -> community label, without nulls and communities below ``min_size``."""
    if all(hasattr(membership, a) for a in ("codes", "graph", "membership")):
        membership = membership.membership
    if not isinstance(membership, pd.Series):
        raise InputTypeError(
            f"period {period!r}: membership must be a Partition or a Series "
            f"(customer -> community), got {type(membership).__name__}"
        )
    dup = membership.index.duplicated()
    if dup.any():
        raise InputError(
            f"period {period!r}: {int(dup.sum())} customers appear more than once "
            f"(e.g. {membership.index[dup][0]!r})"
        )
    s = membership.dropna()
    if min_size > 1:
        counts = s.value_counts()
        s = s[s.map(counts).to_numpy() >= min_size]
    return s


def _periods(snapshots: Any) -> list[tuple[Any, Any]]:
    if isinstance(snapshots, Mapping):
        items = list(snapshots.items())
    elif isinstance(snapshots, (list, tuple)):
        items = list(snapshots)
        if not all(isinstance(x, tuple) and len(x) == 2 for x in items):
            raise InputTypeError(
                "snapshots must be a mapping or a sequence of (period, membership)"
            )
    else:
        raise InputTypeError(
            "snapshots must be a mapping or a sequence of (period, membership) pairs, "
            f"got {type(snapshots).__name__}"
        )
    labels = [p for p, _ in items]
    if len(set(labels)) != len(labels):
        raise InputError("snapshots: period labels must be unique")
    return items


def _sorted_labels(values: Any) -> list[Any]:
    uniq = pd.unique(np.asarray(values, dtype=object))
    try:
        return sorted(uniq.tolist())
    except TypeError:
        return uniq.tolist()


def track(
    snapshots: Any,
    *,
    threshold: float = 0.3,
    change: float = 0.1,
    min_size: int = 1,
) -> Tracking:
    """Follows communities across consecutive periods and labels what happens to them.

    Parameters
    ----------
    snapshots : mapping or sequence of (period, membership)
        Periods in time order; each membership is a Partition or a Series (customer id ->
        community label). Null labels mean "in no community".
    threshold : float, default 0.3
        Two communities of consecutive periods match when the Jaccard overlap of their
        members is at least this.
    change : float, default 0.1
        Relative size change beyond which a single match is growth or contraction rather
        than continuation.
    min_size : int, default 1
        Communities with fewer members are ignored (treated as no community).

    Returns
    -------
    Tracking
        ``events``, ``lineage``, ``emerging()``, ``sizes()``.

    Raises
    ------
    InputError
        Bad ``threshold``, ``change`` or ``min_size``, duplicate period labels, a customer
        twice in one period, a membership that is not a Partition or a Series.

    Notes
    -----
    Between periods :math:`t-1` and :math:`t`, communities :math:`A` and :math:`B` match when

    .. math:: J(A, B) = \\frac{|A \\cap B|}{|A \\cup B|} \\ge \\theta

    (Greene, Doyle & Cunningham 2010, matching consecutive steps). With :math:`P(B)` the
    matches of :math:`B` in :math:`t-1` and :math:`S(A)` the matches of :math:`A` in
    :math:`t`, the event of a community :math:`B` of period :math:`t` is:

    * **birth**: :math:`P(B)` is empty (every community of the first period is a birth);
    * **merge**: :math:`|P(B)| \\ge 2` (even if one of them also splits);
    * **split**: :math:`P(B) = \\{A\\}` and :math:`|S(A)| \\ge 2`;
    * otherwise :math:`P(B) = \\{A\\}`, :math:`S(A) = \\{B\\}` and, with
      :math:`\\delta = (|B| - |A|) / |A|`: **growth** if :math:`\\delta > c`,
      **contraction** if :math:`\\delta < -c`, **continuation** otherwise (:math:`c` =
      ``change``).

    A community :math:`A` of :math:`t-1` with empty :math:`S(A)` has a **death** in period
    :math:`t`. ``jaccard`` is the best overlap of the row's community with the other period
    (below the threshold for births and deaths; NaN in the first period), ``size_change`` is
    :math:`\\delta` against the best-matching predecessor (NaN for births, -1 for deaths).

    Lineage (dynamic communities): each community of :math:`t-1` passes its dynamic id to its
    best match in :math:`t` (highest Jaccard; ties: larger, then smaller label); a community
    that inherits several ids (a merge) keeps the one of its best-matching predecessor, the
    others end; a community that inherits none (a birth, or a smaller part of a split) gets a
    new id. Ids are numbered in order of appearance.

    References
    ----------
    .. [1] D. Greene, D. Doyle and P. Cunningham, "Tracking the evolution of communities in
       dynamic social networks", ASONAM 2010, 176-183.
    .. [2] G. Palla, A.-L. Barabási and T. Vicsek, "Quantifying social group evolution",
       Nature 446:664-667, 2007.

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm.community import track
    >>> q1 = pd.Series({"a": 0, "b": 0, "c": 0, "d": 1, "e": 1})
    >>> q2 = pd.Series({"a": 0, "b": 0, "c": 0, "d": 0, "e": 0, "f": 1, "g": 1})
    >>> t = track({"Q1": q1, "Q2": q2})
    >>> t.events[["period", "event", "community", "previous", "dynamic_community"]]
      period  event  community previous  dynamic_community
    0     Q1  birth          0       []                  0
    1     Q1  birth          1       []                  1
    2     Q2  merge          0   [0, 1]                  0
    3     Q2  birth          1       []                  2
    """
    if not 0.0 < float(threshold) <= 1.0:
        raise InputError(f"threshold must be in (0, 1], got {threshold!r}")
    if not float(change) >= 0.0:
        raise InputError(f"change must be >= 0, got {change!r}")
    min_size = _checks.positive_int("min_size", min_size)
    items = [(p, _as_series(m, p, min_size)) for p, m in _periods(snapshots)]
    events: list[dict[str, Any]] = []
    lineage: list[dict[str, Any]] = []
    dyn: dict[Any, int] = {}
    next_id = 0
    prev: pd.Series | None = None
    for period, cur in items:
        sizes_c = cur.value_counts()
        labels_c = _sorted_labels(cur.to_numpy())
        if prev is None:
            new_dyn = {}
            for lab in labels_c:
                new_dyn[lab], next_id = next_id, next_id + 1
                events.append(_row(period, "birth", lab, [], new_dyn[lab], np.nan, sizes_c[lab]))
        else:
            new_dyn, next_id = _step(period, prev, cur, dyn, next_id, threshold, change, events)
        for lab in labels_c:
            lineage.append(
                {
                    "period": period,
                    "community": lab,
                    "dynamic_community": new_dyn[lab],
                    "size": int(sizes_c[lab]),
                }
            )
        prev, dyn = cur, new_dyn
    cols = ["period", "event", "community", "previous", "dynamic_community"]
    cols += ["jaccard", "size", "size_change"]
    ev = pd.DataFrame(events, columns=cols)
    ev["size"] = ev["size"].astype(np.int64)
    ev["dynamic_community"] = ev["dynamic_community"].astype(np.int64)
    lin = pd.DataFrame(lineage, columns=["period", "community", "dynamic_community", "size"])
    return Tracking(events=ev, lineage=lin, threshold=float(threshold))


def _row(
    period: Any,
    event: str,
    community: Any,
    previous: list[Any],
    dynamic: int,
    jaccard: float,
    size: int,
    size_change: float = np.nan,
) -> dict[str, Any]:
    return {
        "period": period,
        "event": event,
        "community": community,
        "previous": previous,
        "dynamic_community": dynamic,
        "jaccard": float(jaccard),
        "size": int(size),
        "size_change": float(size_change),
    }


def _step(
    period: Any,
    prev: pd.Series,
    cur: pd.Series,
    dyn: dict[Any, int],
    next_id: int,
    threshold: float,
    change: float,
    events: list[dict[str, Any]],
) -> tuple[dict[Any, int], int]:
    """Events of one period against the previous one; the new lineage ids."""
    sp, sc = prev.value_counts(), cur.value_counts()
    common = prev.index.intersection(cur.index)
    both = pd.DataFrame({"a": prev.loc[common].to_numpy(), "b": cur.loc[common].to_numpy()})
    inter = both.groupby(["a", "b"], sort=False).size()
    a = inter.index.get_level_values(0)
    b = inter.index.get_level_values(1)
    n = inter.to_numpy()
    jac = n / (sp.reindex(a).to_numpy() + sc.reindex(b).to_numpy() - n)
    order_a, order_b = _sorted_labels(prev.to_numpy()), _sorted_labels(cur.to_numpy())
    pos_a = {x: i for i, x in enumerate(order_a)}
    pos_b = {x: i for i, x in enumerate(order_b)}
    best_a: dict[Any, float] = {}
    best_b: dict[Any, float] = {}
    pred: dict[Any, list[tuple[float, Any]]] = {x: [] for x in order_b}
    succ: dict[Any, list[tuple[float, Any]]] = {x: [] for x in order_a}
    for x, y, j in zip(a, b, jac, strict=True):
        best_a[x] = max(best_a.get(x, 0.0), j)
        best_b[y] = max(best_b.get(y, 0.0), j)
        if j >= threshold:
            pred[y].append((j, x))
            succ[x].append((j, y))
    # Best match first: highest Jaccard, then larger community, then smaller label.
    for lst in pred.values():
        lst.sort(key=lambda t: (-t[0], -sp[t[1]], pos_a[t[1]]))
    for lst in succ.values():
        lst.sort(key=lambda t: (-t[0], -sc[t[1]], pos_b[t[1]]))
    heirs: dict[Any, list[Any]] = {}
    for x, lst in succ.items():
        if lst:
            heirs.setdefault(lst[0][1], []).append(x)
    new_dyn: dict[Any, int] = {}
    for y in order_b:
        mine = [x for _, x in pred[y] if x in heirs.get(y, [])]
        if mine:
            new_dyn[y] = dyn[mine[0]]
        else:
            new_dyn[y], next_id = next_id, next_id + 1
        p = pred[y]
        size = int(sc[y])
        if not p:
            events.append(_row(period, "birth", y, [], new_dyn[y], best_b.get(y, 0.0), size))
            continue
        main = p[0][1]
        delta = (size - sp[main]) / sp[main]
        if len(p) >= 2:
            event = "merge"
        elif len(succ[main]) >= 2:
            event = "split"
        elif delta > change:
            event = "growth"
        elif delta < -change:
            event = "contraction"
        else:
            event = "continuation"
        prevs = [x for _, x in p]
        events.append(_row(period, event, y, prevs, new_dyn[y], p[0][0], size, delta))
    for x in order_a:
        if not succ[x]:
            events.append(_row(period, "death", None, [x], dyn[x], best_a.get(x, 0.0), 0, -1.0))
    return new_dyn, next_id


def leiden_over_time(
    interactions: Any,
    *,
    freq: str = "QS",
    source: str = "source",
    target: str = "target",
    timestamp: str = "timestamp",
    window: int | str | None = None,
    resolution: float = 1.0,
    seed: int = 0,
    threshold: float = 0.3,
    change: float = 0.1,
    min_size: int = 3,
    n_threads: int | None = None,
    progress: Callable[[int, int], object] | None = None,
    **graph_kwargs: Any,
) -> Tracking:
    """Detects communities period by period with Leiden and follows them over time.

    Parameters
    ----------
    interactions : pandas.DataFrame, polars.DataFrame or pyarrow.Table
        One row per interaction event, with times.
    freq : str, default "QS"
        Period length as a pandas offset alias ("MS" months, "QS" quarters, "7D", ...).
        Periods start at the offset on or before the first event (midnight for fixed spans).
    source, target, timestamp : str
        Columns of who reached whom and when.
    window : None, int or "cumulative"
        Events each period's graph is built from: None, the period's own events; an int
        ``k``, a sliding window of the last ``k`` periods (the period and ``k - 1`` before);
        "cumulative", every event up to the end of the period.
    resolution : float, default 1.0
        Leiden's modularity resolution.
    seed : int, default 0
        Leiden's seed (the same for every period).
    threshold, change : float
        As in :func:`track`.
    min_size : int, default 3
        Communities with fewer members are not tracked (pairs and singletons churn).
    n_threads : int, optional
        Threads of each period's graph build and Leiden run (default: all).
    progress : callable, optional
        Called as ``progress(done, total)`` with the number of periods done.
    **graph_kwargs
        Passed to :meth:`socialcrm.Graph.from_pandas` (e.g. ``weight="amount"``,
        ``directed=False``).

    Returns
    -------
    Tracking
        As from :func:`track`, with ``partitions`` (period start -> Partition); periods are
        labelled by their start time. A period without events has no communities.

    Raises
    ------
    InputError
        A bad ``freq``, ``window`` or argument of :func:`track`; bad interaction rows (see
        :meth:`~socialcrm.Graph.from_pandas`).

    Notes
    -----
    Each period's graph holds only the customers active in its window, and Leiden runs with
    the same ``seed`` on each; communities are then matched as in :func:`track`. A sliding
    window of a few periods smooths short-lived noise; a cumulative one never loses members,
    so it shows births, growth and merges but no deaths.

    References
    ----------
    .. [1] V. A. Traag, L. Waltman and N. J. van Eck, "From Louvain to Leiden: guaranteeing
       well-connected communities", Scientific Reports 9:5233, 2019.
    .. [2] D. Greene, D. Doyle and P. Cunningham, "Tracking the evolution of communities in
       dynamic social networks", ASONAM 2010.

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm.community import leiden_over_time
    >>> ring = [("a", "b"), ("b", "c"), ("c", "a")]
    >>> late = [("x", "y"), ("y", "z"), ("z", "x")]
    >>> rows = [(s, t, "2024-01-15") for s, t in ring] + [(s, t, "2024-04-15") for s, t in ring]
    >>> rows += [(s, t, "2024-05-01") for s, t in late]
    >>> df = pd.DataFrame(rows, columns=["source", "target", "timestamp"])
    >>> t = leiden_over_time(df, freq="QS", directed=False)
    >>> t.events[["period", "event", "size", "dynamic_community"]]
          period         event  size  dynamic_community
    0 2024-01-01         birth     3                  0
    1 2024-04-01  continuation     3                  0
    2 2024-04-01         birth     3                  1
    """
    if window is not None and window != "cumulative":
        window = _checks.positive_int("window", window)
    try:
        offset = pd.tseries.frequencies.to_offset(freq)
    except (ValueError, TypeError):
        raise InputError(
            f"freq must be a pandas offset alias such as 'QS' or '7D', got {freq!r}"
        ) from None
    extra = [graph_kwargs[k] for k in ("weight", "kind") if isinstance(graph_kwargs.get(k), str)]
    table = _tables.to_pandas(interactions, "interactions", [source, target, timestamp, *extra])
    ns, tz = _tables.time_array(table[timestamp], "interactions", timestamp)
    times = _tables.ns_to_times(ns, tz)
    if len(times) == 0:
        return track([], threshold=threshold, change=change, min_size=min_size)
    start = offset.rollback(times.min().normalize())
    starts = pd.date_range(start, times.max(), freq=offset)
    idx = np.searchsorted(starts.asi8, times.asi8, side="right") - 1
    snapshots, partitions = [], {}
    for i, label in enumerate(starts):
        if progress is not None:
            progress(i, len(starts))
        lo = 0 if window == "cumulative" else i - (window or 1) + 1
        mask = (idx >= lo) & (idx <= i)
        if not mask.any():
            snapshots.append((label, pd.Series(dtype=object)))
            continue
        gp = Graph.from_pandas(
            table[mask], source, target, timestamp=timestamp, n_threads=n_threads, **graph_kwargs
        )
        part = leiden(gp, resolution=resolution, seed=seed, n_threads=n_threads)
        partitions[label] = part
        snapshots.append((label, part.membership))
    if progress is not None:
        progress(len(starts), len(starts))
    res = track(snapshots, threshold=threshold, change=change, min_size=min_size)
    return Tracking(res.events, res.lineage, partitions, res.threshold)
