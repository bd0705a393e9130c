"""Community health: six transparent factors per community and period, and a weighted index."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ._peer_support import (
    _thread_table,
    community_labels,
    distinct_items,
    expand,
    group_index,
    group_quantiles,
    key_index,
    period_codes,
    resolve_threads,
)
from ._value_inputs import columns_of, ids, intake, numbers, optional, times
from .exceptions import InputError

__all__ = ["FACTORS", "community_health"]

#: The six factors, in the order of the result's columns.
FACTORS = ("members", "content", "traffic", "liveliness", "interaction", "responsiveness")


def community_health(
    posts: Any,
    memberships: Any = None,
    *,
    post_id: str = "post_id",
    parent_id: str = "parent_id",
    author: str = "author",
    created_at: str = "created_at",
    post_type: str | None = "post_type",
    tags: str | None = None,
    community: str | None = None,
    views: str | None = "views",
    freq: str = "MS",
    weights: Mapping[str, float] | None = None,
    member: str = "customer",
    member_community: str = "community",
    joined_at: str | None = "joined_at",
) -> pd.DataFrame:
    """Community health per community and period: six factors and a weighted index.

    Parameters
    ----------
    posts : pandas.DataFrame, polars.DataFrame or pyarrow.Table
        The posts table, as in :func:`peer_support`.
    memberships : table, optional
        Who joined which community (data model ``memberships``: ``customer``, ``community``,
        optional ``joined_at``). Gives the ``members`` factor; without it, active posters.
    post_id, parent_id, author, created_at, post_type, tags, community
        Columns of ``posts``, as in :func:`peer_support` (a thread's replies belong to its
        question's tags or community; without either, one community ``"all"``).
    views : str or None, default "views"
        Column of page views (usually on questions); used when present, else ``traffic`` is
        NaN and left out of the index.
    freq : str, default "MS"
        Period, a pandas offset alias.
    weights : mapping factor -> float, optional
        Non-negative weights of the six factors in the index; default 1 each. Factors left
        out weigh 0.
    member, member_community, joined_at : str
        Columns of ``memberships``; ``joined_at`` is used when present.

    Returns
    -------
    pandas.DataFrame
        Indexed by (``community``, ``period``). The raw factors ``members``, ``content``,
        ``traffic``, ``liveliness``, ``interaction``, ``responsiveness_hours``; their scores
        ``*_score`` in [0, 1]; and ``health_index``. ``attrs["weights"]`` holds the weights.

    Raises
    ------
    MissingColumnError, InputError
        Missing columns, bad times, negative views, unknown factor names or bad weights.

    Notes
    -----
    The factors follow Lithium's Community Health Index (2009), which names them but whose
    formulas are proprietary; ours are, per community :math:`c` and period :math:`p`:

    - members: memberships joined by the end of :math:`p` (all memberships without
      ``joined_at``), else distinct authors posting in :math:`p`;
    - content: posts created in :math:`p`;
    - traffic: summed views of the threads started in :math:`p`;
    - liveliness: share of the days of :math:`p` with at least one post;
    - interaction: mean replies (answers and comments) per thread started in :math:`p`;
    - responsiveness: median hours to the first response by someone other than the asker,
      over the threads started in :math:`p` (lower is better).

    Each score is the percentile rank of the raw factor among all community-periods of the
    result (average ranks for ties; reversed for responsiveness), so 1 is the best seen. The
    index is the weighted mean of the available scores,

    .. math:: H_{cp} = \\frac{\\sum_f w_f\\, S_{f,cp}}{\\sum_{f:\\, S_{f,cp} \\text{ known}} w_f}.

    Scores are relative: compare them within one result, not across results.

    References
    ----------
    .. [1] Lithium Technologies, "Community Health Index for Online Communities", 2009.
    .. [2] J. Preece, "Sociability and usability in online communities: determining and
       measuring success", Behaviour & Information Technology 20(5), 2001.

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm.value import community_health
    >>> posts = pd.DataFrame({"post_id": [1, 2, 3], "parent_id": [None, 1, None],
    ...     "author": ["ann", "bob", "ann"], "community": ["tea", "tea", "cake"],
    ...     "created_at": pd.to_datetime(["2024-01-01 00:00", "2024-01-01 06:00",
    ...                                   "2024-01-03 00:00"])})
    >>> h = community_health(posts, community="community")
    >>> h[["members", "interaction", "responsiveness_hours", "health_index"]]
                          members  interaction  responsiveness_hours  health_index
    community period
    cake      2024-01-01        1          0.0                   NaN        0.5625
    tea       2024-01-01        2          1.0                   6.0        0.9500
    """
    w = _weights(weights)
    present = columns_of(posts)
    views = optional(present, views, "views")
    th = resolve_threads(
        posts,
        post_id=post_id,
        parent_id=parent_id,
        author=author,
        created_at=created_at,
        post_type=post_type,
        accepted_answer_id=None,
        community_cols=(tags, community if tags is None else None),
        extra=(views,),
    )
    threads, _ = _thread_table(th, pd.Index([]))
    lab = community_labels(th, tags, community)
    out = _factors(th, threads, lab, freq, views)
    out["members"] = (
        _members(memberships, out.index, freq, member, member_community, joined_at)
        if memberships is not None
        else out["active_authors"]
    )
    out = out[
        ["members", "content", "traffic", "liveliness", "interaction", "responsiveness_hours"]
    ]
    raw = {f: out[f] for f in FACTORS[:-1]}
    for f, col in raw.items():
        out[f"{f}_score"] = col.rank(pct=True, method="average")
    out["responsiveness_score"] = (-out["responsiveness_hours"]).rank(pct=True, method="average")
    scores = out[[f"{f}_score" for f in FACTORS]].to_numpy()
    wv = np.array([w[f] for f in FACTORS])
    known = ~np.isnan(scores)
    num = np.where(known, scores, 0.0) @ wv
    den = known.astype(float) @ wv
    with np.errstate(invalid="ignore", divide="ignore"):
        out["health_index"] = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    out.index = out.index.set_names(["community", "period"])
    out.attrs["weights"] = dict(w)
    out.attrs["notes"] = list(th.notes)
    return out


def _factors(
    th: Any, threads: pd.DataFrame, lab: Any, freq: str, views: str | None
) -> pd.DataFrame:
    """Raw factors per (community, period) by codes and bincounts: posts count in the period
    of their creation, threads in the period of their question."""
    period, starts = period_codes(th.time, freq)
    n_per = max(len(starts), 1)
    # posts: one item per (post, label of its thread)
    item, row = expand(lab, th.thread)
    p_group, p_keys = group_index(lab, row, period[item], n_per)
    ng = len(p_keys)
    author = th.author[item]
    known = author >= 0
    active, _ = distinct_items(p_group[known], author[known], ng)
    day = th.time[item] // np.int64(86_400 * 10**9)
    days, _ = distinct_items(p_group, day - (day.min() if len(day) else 0), ng)
    # threads: one item per (thread, label)
    t = lab.thread
    t_group, t_keys = group_index(lab, np.arange(len(t)), period[th.q_post[t]], n_per)
    nt = len(t_keys)
    size = np.bincount(t_group, minlength=nt)
    replies = threads["answers"].to_numpy() + threads["comments"].to_numpy()
    (resp,) = group_quantiles(t_group, threads["first_response_hours"].to_numpy()[t], nt, (0.5,))
    traffic = np.full(nt, np.nan)
    if views is not None:
        v = numbers(th.q_cols[views], "posts", views, nulls=True)[t]
        has = ~np.isnan(v)
        seen = np.bincount(t_group[has], minlength=nt) > 0
        traffic[seen] = np.bincount(t_group[has], v[has], minlength=nt)[seen]
    keys = np.union1d(p_keys, t_keys)
    n = len(keys)
    p_at, t_at = np.searchsorted(keys, p_keys), np.searchsorted(keys, t_keys)
    out = pd.DataFrame(
        {
            "content": _spread(n, p_at, np.bincount(p_group, minlength=ng), 0).astype(np.int64),
            "active_authors": _spread(n, p_at, active, 0).astype(np.int64),
            "liveliness": _spread(n, p_at, days, 0),
            "interaction": _spread(
                n, t_at, np.bincount(t_group, replies[t], minlength=nt) / size, 0
            ),
            "responsiveness_hours": _spread(n, t_at, resp, np.nan),
            "traffic": _spread(n, t_at, traffic, np.nan),
        },
        index=key_index(lab, keys, starts),
    )
    n_days = _period_days(out.index.get_level_values("period"), freq)
    out["liveliness"] = np.minimum(out["liveliness"].to_numpy() / n_days, 1.0)
    return out


def _spread(n: int, at: np.ndarray, values: np.ndarray, fill: float) -> np.ndarray:
    out = np.full(n, fill, dtype=float)
    out[at] = values
    return out


def _weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    if weights is None:
        return dict.fromkeys(FACTORS, 1.0)
    if not isinstance(weights, Mapping):
        raise InputError(f"weights must be a mapping factor -> weight, got {weights!r}")
    unknown = [k for k in weights if k not in FACTORS]
    if unknown:
        raise InputError(f"weights: unknown factors {unknown}; the factors are {list(FACTORS)}")
    out = dict.fromkeys(FACTORS, 0.0)
    for k, v in weights.items():
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not np.isfinite(v) or v < 0:
            raise InputError(f"weights[{k!r}] must be a finite number >= 0, got {v!r}")
        out[k] = float(v)
    if sum(out.values()) <= 0:
        raise InputError("weights: at least one factor must have a positive weight")
    return out


def _period_days(starts: pd.Index, freq: str) -> np.ndarray:
    offset = pd.tseries.frequencies.to_offset(freq)
    uniq = pd.DatetimeIndex(starts.unique())
    ends = pd.DatetimeIndex([s + offset for s in uniq])
    n = np.maximum(1.0, np.round((ends - uniq) / np.timedelta64(1, "D")))
    return pd.Series(n, index=uniq).reindex(starts).to_numpy()


def _members(
    memberships: Any,
    index: pd.MultiIndex,
    freq: str,
    member: str,
    member_community: str,
    joined_at: str | None,
) -> np.ndarray:
    present = columns_of(memberships)
    joined_at = optional(present, joined_at, "joined_at")
    m = intake(memberships, "memberships", [member, member_community], [joined_at])
    ids(m[member], "memberships", member)
    ids(m[member_community], "memberships", member_community)
    m = m.drop_duplicates([member, member_community])
    comm = m[member_community].astype(str)
    offset = pd.tseries.frequencies.to_offset(freq)
    out = np.zeros(len(index), dtype=np.int64)
    c_idx = index.get_level_values(0)
    p_idx = pd.DatetimeIndex(index.get_level_values(1))
    if joined_at is None:
        counts = comm.value_counts()
        return counts.reindex(c_idx, fill_value=0).to_numpy(dtype=np.int64)
    jt = times(m[joined_at], "memberships", joined_at).to_numpy()
    ends = pd.DatetimeIndex([s + offset for s in p_idx]).to_numpy()
    for c in pd.unique(c_idx):
        rows = np.flatnonzero(c_idx == c)
        joined = np.sort(jt[(comm == c).to_numpy()])
        out[rows] = np.searchsorted(joined, ends[rows], side="left")
    return out
