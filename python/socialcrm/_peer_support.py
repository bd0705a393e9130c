"""Peer support: customers answering customers, per customer, thread and community."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import _core, _tables
from ._value_inputs import (
    MONTH_DAYS,
    _offset,
    _period_ns,
    columns_of,
    ids,
    intake,
    nonneg_float,
    optional,
    split_tags,
)
from .exceptions import InputError, InputTypeError

__all__ = ["PeerSupportResult", "peer_support"]


_HOUR = np.timedelta64(3_600_000_000_000, "ns")

# ---------------------------------------------------------------------- thread structure
QUESTION, ANSWER, COMMENT = 0, 1, 2


@dataclass
class Threads:
    """Posts resolved to their threads (internal). Per kept post (a post under a question, in
    table order): ``author`` code (-1 none), ``time`` (ns), ``thread`` number and ``role``
    (QUESTION / ANSWER / COMMENT). Per thread (question, in table order): ``q_id``,
    ``q_author``, ``q_time``, ``q_post`` (its position among the kept posts), ``q_cols``
    (tags, community and extra columns of the question) and, with an accepted-answer column,
    ``accepted`` (the accepted answer's author code, -2 when none is accepted)."""

    author: np.ndarray
    time: np.ndarray
    thread: np.ndarray
    role: np.ndarray
    post_id: np.ndarray
    q_id: np.ndarray
    q_author: np.ndarray
    q_time: np.ndarray
    q_post: np.ndarray
    q_cols: dict[str, pd.Series]
    accepted: np.ndarray | None
    authors: pd.Index  # author id of each code
    notes: list[str]


def resolve_threads(
    posts: Any,
    *,
    post_id: str,
    parent_id: str,
    author: str,
    created_at: str,
    post_type: str | None,
    accepted_answer_id: str | None,
    community_cols: tuple[str | None, str | None] = (None, None),
    extra: tuple[str | None, ...] = (),
) -> Threads:
    """Checks the posts table and finds each post's thread (its root question)."""
    tags, community = community_cols
    present = columns_of(posts)
    post_type = optional(present, post_type, "post_type")
    accepted_answer_id = optional(present, accepted_answer_id, "accepted_answer_id")
    table = intake(
        posts,
        "posts",
        [post_id, parent_id, author, created_at],
        [post_type, accepted_answer_id, tags, community, *extra],
    )
    ids(table[post_id], "posts", post_id)
    pid = pd.Index(table[post_id])
    if not pid.is_unique:
        dup = table[post_id].duplicated().to_numpy()
        raise InputError(
            f"table 'posts', column '{post_id}': {int(dup.sum())} rows are duplicate post ids "
            f"(first at row {int(np.flatnonzero(dup)[0])}); post ids must be unique"
        )
    t, _ = _tables.time_array(table[created_at], "posts", created_at)
    notes: list[str] = []
    parent = table[parent_id]
    has_parent = parent.notna().to_numpy()
    pos = np.full(len(table), -1, dtype=np.int64)
    pos[has_parent] = _positions(pid, parent[has_parent])
    orphan = has_parent & (pos < 0)
    if orphan.any():
        notes.append(
            f"table 'posts', column '{parent_id}': {int(orphan.sum())} replies whose parent "
            "post is not in the table left out"
        )
    root = _roots(pos, has_parent, orphan)
    is_question = ~has_parent
    lost = (root >= 0) & ~is_question[np.maximum(root, 0)]
    if lost.any():
        notes.append(
            f"table 'posts', column '{parent_id}': {int(lost.sum())} replies in a cycle of "
            "parents (no question at the top) left out"
        )
        root[lost] = -1
    role = _roles(table, post_type, has_parent, pos, is_question)
    codes, authors = _factorize(table[author])
    no_author = codes < 0
    if no_author.any():
        notes.append(
            f"table 'posts', column '{author}': {int(no_author.sum())} posts without an author "
            "(e.g. deleted accounts): they count in their thread but for no customer"
        )
    kept = np.flatnonzero(root >= 0)
    rows = np.flatnonzero(is_question)
    number = np.full(len(table), -1, dtype=np.int64)
    number[rows] = np.arange(len(rows))
    post_of = np.full(len(table), -1, dtype=np.int64)
    post_of[kept] = np.arange(len(kept))
    accepted = None
    if accepted_answer_id is not None:
        acc = table[accepted_answer_id].iloc[rows]
        acc_pos = np.full(len(rows), -1, dtype=np.int64)
        given = acc.notna().to_numpy()
        acc_pos[given] = _positions(pid, acc[given])
        ok = acc_pos >= 0
        ok[ok] = (role[acc_pos[ok]] == ANSWER) & (root[acc_pos[ok]] == rows[ok])
        accepted = np.where(ok, codes[np.maximum(acc_pos, 0)], -2)
    q_cols = {
        c: table[c].iloc[rows].reset_index(drop=True)
        for c in (tags, community, *extra)
        if c is not None
    }
    post_ids = table[post_id].to_numpy()
    return Threads(
        author=codes[kept],
        time=t[kept],
        thread=number[root[kept]],
        role=role[kept],
        post_id=post_ids[kept],
        q_id=post_ids[rows],
        q_author=codes[rows],
        q_time=t[rows],
        q_post=post_of[rows],
        q_cols=q_cols,
        accepted=accepted,
        authors=authors,
        notes=notes,
    )


def _positions(pid: pd.Index, values: pd.Series) -> np.ndarray:
    """Row of each id in ``pid`` (-1 if absent); nullable integer ids are looked up as plain
    int64 (no nulls remain here), which is much faster."""
    signed = pd.api.types.is_signed_integer_dtype
    if not (signed(values.dtype) and signed(pid.dtype)):
        return pid.get_indexer(values)
    v = values.to_numpy(dtype=np.int64)
    ids = pid.to_numpy(dtype=np.int64)
    if len(ids) and pid.is_monotonic_increasing and ids[-1] - ids[0] == len(ids) - 1:
        # unique consecutive ids (e.g. auto-increment keys): the row is an offset
        pos = v - ids[0]
        pos[(pos < 0) | (pos >= len(ids))] = -1
        return pos
    return pid.get_indexer(v)


def _roots(pos: np.ndarray, has_parent: np.ndarray, orphan: np.ndarray) -> np.ndarray:
    """Root row of every row (-1 under an orphan), by pointer jumping: O(n log depth)."""
    root = np.where(has_parent, pos, np.arange(len(pos)))
    root[orphan] = -1
    for _ in range(64):
        ok = root >= 0
        nxt = root.copy()
        nxt[ok] = root[root[ok]]
        if np.array_equal(nxt, root):
            break
        root = nxt
    return root


def _roles(
    table: pd.DataFrame,
    post_type: str | None,
    has_parent: np.ndarray,
    pos: np.ndarray,
    is_question: np.ndarray,
) -> np.ndarray:
    """QUESTION / ANSWER / COMMENT per row; the type strings are lowered once per distinct
    value."""
    # A direct reply without a type counts as an answer; deeper replies as comments.
    direct = has_parent & (pos >= 0) & is_question[np.maximum(pos, 0)]
    if post_type is None:
        return np.where(is_question, QUESTION, np.where(direct, ANSWER, COMMENT)).astype(np.int8)
    codes, uniques = pd.factorize(table[post_type])
    lowered = pd.Series(uniques, dtype=object).astype("string").str.lower().fillna("")
    answer_u = np.append((lowered == "answer").to_numpy(dtype=bool), False)
    empty_u = np.append((lowered == "").to_numpy(dtype=bool), True)  # code -1: no type
    answer = answer_u[codes] | (empty_u[codes] & direct)
    return np.where(is_question, QUESTION, np.where(answer, ANSWER, COMMENT)).astype(np.int8)


def _factorize(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Author codes (-1 for none) and the author ids, sorted when comparable."""
    try:
        codes, uniques = pd.factorize(values, sort=True)
    except TypeError:
        codes, uniques = pd.factorize(values, sort=False)
    authors = pd.Index(uniques)
    if isinstance(authors.dtype, pd.Int64Dtype):
        authors = authors.astype(np.int64)
    return codes.astype(np.int64), authors


def ids_of(authors: pd.Index, codes: np.ndarray) -> Any:
    """Author ids of codes, missing (None / <NA>) for -1."""
    vals = authors.take(np.maximum(codes, 0)) if len(authors) else pd.Index([None] * len(codes))
    missing = codes < 0
    if not missing.any():
        return vals.to_numpy() if len(authors) else vals
    if pd.api.types.is_integer_dtype(vals.dtype):
        arr = pd.array(vals.to_numpy(), dtype="Int64")
        arr[missing] = pd.NA
        return arr
    out = vals.to_numpy(dtype=object).copy()
    out[missing] = None
    return out


# ---------------------------------------------------------------------- result
@dataclass(frozen=True, eq=False)
class PeerSupportResult:
    """Peer-support figures (see :func:`peer_support`).

    Attributes
    ----------
    customers : pandas.DataFrame
        Per customer (every author).
    threads : pandas.DataFrame
        Per thread (question post id).
    communities : pandas.DataFrame
        Per community and period (MultiIndex ``community``, ``period``).
    deflection : pandas.DataFrame
        Per period: peer-solved threads, deflected contacts and savings.
    span_months : float
        Months between the first and last post (at least 1), the observation window.
    notes : tuple of str
        Rows left out or defaults used, one sentence each.
    """

    customers: pd.DataFrame
    threads: pd.DataFrame
    communities: pd.DataFrame
    deflection: pd.DataFrame
    span_months: float = 1.0
    notes: tuple[str, ...] = field(default_factory=tuple)


def peer_support(
    posts: Any,
    *,
    post_id: str = "post_id",
    parent_id: str = "parent_id",
    author: str = "author",
    created_at: str = "created_at",
    post_type: str | None = "post_type",
    accepted_answer_id: str | None = "accepted_answer_id",
    tags: str | None = None,
    community: str | None = None,
    freq: str = "MS",
    cost_per_contact: float = 10.0,
    deflection_rate: float = 0.5,
    staff: Any = None,
) -> PeerSupportResult:
    """Peer support: who answers whom, how fast, how well, and the support cost it saves.

    Parameters
    ----------
    posts : pandas.DataFrame, polars.DataFrame or pyarrow.Table
        One row per post (data model ``posts`` table). Questions have a null ``parent_id``;
        answers point at their question, comments at the post they comment on.
    post_id, parent_id, author, created_at : str
        Columns of the post id, the post replied to, the author (customer id) and the time.
    post_type : str or None, default "post_type"
        Column of ``question`` / ``answer`` / ``comment``. Used when present; without it every
        direct reply to a question is an answer and deeper replies are comments.
    accepted_answer_id : str or None, default "accepted_answer_id"
        Column, on questions, of the accepted answer. Used when present; without it a thread
        counts as solved when a peer answered it.
    tags : str, optional
        Column of ``|``-separated tags on questions: each tag is a community (a thread with
        several tags counts in each). Takes precedence over ``community``.
    community : str, optional
        Column of the question's board or forum. Without ``tags`` and ``community`` all threads
        form one community ``"all"``.
    freq : str, default "MS"
        Period of the community figures, a pandas offset alias ("W", "MS", "QS", "YS", ...).
    cost_per_contact : float, default 10.0
        Cost of one assisted support contact (call, ticket, chat), in currency units.
    deflection_rate : float, default 0.5
        Share in [0, 1] of peer-solved threads that would otherwise have become a contact.
    staff : list-like of ids, optional
        The company's own accounts: their answers are not peer support.

    Returns
    -------
    PeerSupportResult
        ``customers`` (per author): ``questions``, ``answers``, ``comments``,
        ``accepted_answers``, ``acceptance_rate`` (accepted / answers, NaN without answers),
        ``customers_helped`` (distinct other askers answered), ``median_response_hours``
        (median hours from question to their answer, NaN without answers), ``solutions``
        (threads credited as solved by them), ``deflection_value``, ``staff``.
        ``threads`` (per question id): ``asker``, ``created_at``, ``answers``, ``comments``,
        ``first_response_hours`` (first answer or comment by someone else than the asker;
        NaN if none), ``answered`` (an answer by someone else), ``solved``, ``solver``,
        ``peer_solved`` (solved by a customer: not the asker, not staff).
        ``communities`` (per community and period of the question): ``threads``,
        ``solution_rate``, ``median_first_response_hours``, ``p90_first_response_hours``,
        ``unanswered_share``, ``answers``, ``answerers``, ``top1pct_answer_share``.
        ``deflection`` (per period): ``peer_solved_threads``, ``deflected_contacts``,
        ``savings``.

    Raises
    ------
    MissingColumnError
        A named column is absent.
    InputError
        Null or duplicate post ids, unparsable or null times, bad parameters.

    Notes
    -----
    A thread is a question and every post under it. Solved means an accepted answer (which
    must be an answer of that thread), else, without ``accepted_answer_id``, the first
    answer by someone else. The solver of a solved thread gets one solution. Concentration:
    with :math:`m` distinct answerers in a community-period, the top :math:`\\lceil m/100
    \\rceil` answerers' share of its answers. Deflection (support-cost avoidance; Gartner and
    TSIA style call-deflection accounting, no single standard formula):

    .. math::

        \\text{savings} = N_{\\text{peer-solved}} \\times r_{\\text{deflect}}
        \\times c_{\\text{contact}}

    and each customer's ``deflection_value`` is their peer solutions times
    :math:`r_{\\text{deflect}} c_{\\text{contact}}`. Percentiles use linear interpolation.

    References
    ----------
    .. [1] V. Kumar et al., "Undervalued or Overvalued Customers: Capturing Total Customer
       Engagement Value", Journal of Service Research 13(3), 2010 (knowledge value).
    .. [2] Lithium Technologies, "Community Health Index for Online Communities", 2009.

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm.value import peer_support
    >>> posts = pd.DataFrame({
    ...     "post_id": [1, 2, 3, 4], "parent_id": [None, 1, 1, None],
    ...     "post_type": ["question", "answer", "answer", "question"],
    ...     "author": ["ann", "bob", "cid", "bob"],
    ...     "created_at": pd.to_datetime(["2024-01-01 10:00", "2024-01-01 12:00",
    ...                                   "2024-01-01 11:00", "2024-01-02 09:00"]),
    ...     "accepted_answer_id": [2, None, None, None]})
    >>> r = peer_support(posts, cost_per_contact=20, deflection_rate=0.5)
    >>> r.customers[["questions", "answers", "accepted_answers", "deflection_value"]]
         questions  answers  accepted_answers  deflection_value
    ann          1        0                 0               0.0
    bob          1        1                 1              10.0
    cid          0        1                 0               0.0
    >>> r.threads[["first_response_hours", "answered", "solved", "solver"]]
            first_response_hours  answered  solved solver
    thread
    1                        1.0      True    True    bob
    4                        NaN     False   False    NaN
    """
    cost = nonneg_float(cost_per_contact, "cost_per_contact")
    rate = nonneg_float(deflection_rate, "deflection_rate", upper=1.0)
    th = resolve_threads(
        posts,
        post_id=post_id,
        parent_id=parent_id,
        author=author,
        created_at=created_at,
        post_type=post_type,
        accepted_answer_id=accepted_answer_id,
        community_cols=(tags, community if tags is None else None),
    )
    staff_ids = _staff_index(staff)
    threads, solver = _thread_table(th, staff_ids)
    unit = cost * rate
    customers = _customer_table(th, threads, solver, staff_ids, unit)
    period, starts = period_codes(th.q_time, freq)
    labels = community_labels(th, tags, community)
    communities = _community_table(th, threads, labels, period, starts)
    peer = np.bincount(period, threads["peer_solved"].to_numpy(), minlength=len(starts))
    deflection = pd.DataFrame(
        {"peer_solved_threads": peer.astype(np.int64)}, index=pd.Index(starts, name="period")
    )
    deflection["deflected_contacts"] = deflection["peer_solved_threads"] * rate
    deflection["savings"] = deflection["deflected_contacts"] * cost
    t = th.time
    span = (int(t.max()) - int(t.min())) / 86_400e9 / MONTH_DAYS if len(t) else 0.0
    return PeerSupportResult(
        customers=customers,
        threads=threads,
        communities=communities,
        deflection=deflection,
        span_months=max(1.0, float(span)),
        notes=tuple(th.notes),
    )


def _staff_index(staff: Any) -> pd.Index:
    if staff is None:
        return pd.Index([])
    if isinstance(staff, (str, bytes)):
        raise InputTypeError(f"staff must be a list-like of ids, got {staff!r}")
    return pd.Index(pd.Series(staff).dropna().unique())


def _thread_table(th: Threads, staff: pd.Index) -> tuple[pd.DataFrame, np.ndarray]:
    nq = len(th.q_id)
    rep = th.role != QUESTION
    root = th.thread[rep]
    ra = th.author[rep]
    rt = th.time[rep]
    # "someone else": a known author other than the asker (a deleted asker differs from all)
    other = (ra >= 0) & (ra != th.q_author[root])
    is_answer = th.role[rep] == ANSWER
    never = np.iinfo(np.int64).max
    first = np.full(nq, never, dtype=np.int64)
    np.minimum.at(first, root[other], rt[other])
    answered = np.zeros(nq, dtype=bool)
    answered[root[other & is_answer]] = True
    hours = np.full(nq, np.nan)
    has = first != never
    hours[has] = (first[has] - th.q_time[has]) / 3.6e12
    solver = np.full(nq, -1, dtype=np.int64)
    if th.accepted is not None:
        solved = th.accepted > -2
        solver[solved] = th.accepted[solved]
    else:
        solved = np.zeros(nq, dtype=bool)
        c = other & is_answer
        ans = pd.DataFrame(
            {"root": root[c], "t": rt[c], "post_id": th.post_id[rep][c], "author": ra[c]}
        )
        firsts = ans.sort_values(["t", "post_id"], kind="stable").drop_duplicates("root")
        loc = firsts["root"].to_numpy()
        solved[loc] = True
        solver[loc] = firsts["author"].to_numpy()
    staff_code = np.zeros(len(th.authors) + 1, dtype=bool)
    staff_code[:-1] = th.authors.isin(staff)
    peer = solved & (solver >= 0) & (solver != th.q_author) & ~staff_code[solver]
    out = pd.DataFrame(
        {
            "asker": ids_of(th.authors, th.q_author),
            "created_at": th.q_time.view("datetime64[ns]"),
            "answers": np.bincount(root[is_answer], minlength=nq),
            "comments": np.bincount(root[~is_answer], minlength=nq),
            "first_response_hours": hours,
            "answered": answered,
            "solved": solved,
            "solver": ids_of(th.authors, solver),
            "peer_solved": peer,
        },
        index=pd.Index(th.q_id, name="thread"),
    )
    return out, solver


def _customer_table(
    th: Threads, threads: pd.DataFrame, solver: np.ndarray, staff: pd.Index, unit: float
) -> pd.DataFrame:
    n = len(th.authors)
    known = th.author >= 0
    a = th.author[known]
    role = th.role[known]
    counts = {
        col: np.bincount(a[role == r], minlength=n).astype(np.int64)
        for r, col in ((QUESTION, "questions"), (ANSWER, "answers"), (COMMENT, "comments"))
    }
    out = pd.DataFrame(counts, index=th.authors)
    acc_authors = solver[solver >= 0] if th.accepted is not None else np.zeros(0, np.int64)
    out["accepted_answers"] = np.bincount(acc_authors, minlength=n).astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["acceptance_rate"] = out["accepted_answers"] / out["answers"].where(out["answers"] > 0)
    ans = role == ANSWER
    aa = a[ans]
    tt = th.thread[known][ans]
    askers = th.q_author[tt]
    helped = (askers >= 0) & (askers != aa)
    out["customers_helped"], _ = distinct_items(aa[helped], askers[helped], n)
    delay = (th.time[known][ans] - th.q_time[tt]) / 3.6e12
    (out["median_response_hours"],) = group_quantiles(aa, delay, n, (0.5,))
    peer = solver[threads["peer_solved"].to_numpy()]
    out["solutions"] = np.bincount(peer, minlength=n).astype(np.int64)
    out["deflection_value"] = out["solutions"] * unit
    out["staff"] = th.authors.isin(staff)
    return out


@dataclass
class Labels:
    """Communities of the threads (internal): label rows sorted by thread."""

    thread: np.ndarray  # thread number of each label row
    code: np.ndarray  # community code of each label row
    names: pd.Index  # community name of each code, sorted
    start: np.ndarray  # label rows of thread t: start[t]..start[t + 1]


def community_labels(th: Threads, tags: str | None, community: str | None) -> Labels:
    """Community of each thread, one label row per (thread, community): tags are split once
    per distinct tag string, names coded once."""
    nq = len(th.q_id)
    if tags is not None:
        thread, raw, names = _tag_rows(th.q_cols[tags])
    elif community is not None:
        codes, uniques = pd.factorize(th.q_cols[community])
        keep = codes >= 0
        thread, raw = np.flatnonzero(keep), codes[keep]
        names = pd.Index([str(u) for u in uniques], dtype=object)
    else:
        thread, raw = np.arange(nq), np.zeros(nq, dtype=np.int64)
        names = pd.Index(["all"], dtype=object)
    # names may repeat after str(); merge them and number them in sorted order
    merged, sorted_names = pd.factorize(names, sort=True)
    code = merged[raw] if len(raw) else np.zeros(0, dtype=np.int64)
    start = np.zeros(nq + 1, dtype=np.int64)
    np.cumsum(np.bincount(thread, minlength=nq), out=start[1:])
    return Labels(thread, code.astype(np.int64), pd.Index(sorted_names), start)


def _tag_rows(tags: pd.Series) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    if tags.map(lambda v: isinstance(v, (list, tuple, np.ndarray))).any():
        rows = split_tags(tags)
        codes, names = pd.factorize(rows.to_numpy(dtype=object))
        return rows.index.to_numpy(dtype=np.int64), codes, pd.Index(names, dtype=object)
    codes, uniques = pd.factorize(tags)
    split = pd.Series(uniques, dtype=object).astype("string").str.split("|").explode()
    split = split[split.notna() & (split.astype("string").str.len() > 0)].astype(str)
    tag_codes, names = pd.factorize(split.to_numpy(dtype=object))
    owner = split.index.to_numpy(dtype=np.int64)  # distinct tag string of each piece
    per = np.bincount(owner, minlength=len(uniques))
    first = np.zeros(len(uniques) + 1, dtype=np.int64)
    np.cumsum(per, out=first[1:])
    n_row = np.where(codes >= 0, per[np.maximum(codes, 0)], 0) if len(uniques) else codes * 0
    thread = np.repeat(np.arange(len(codes)), n_row)
    offset = np.arange(len(thread)) - np.repeat(np.cumsum(n_row) - n_row, n_row)
    piece = first[codes[thread]] + offset
    return thread, tag_codes[piece], pd.Index(names, dtype=object)


def period_codes(ns: np.ndarray, freq: str) -> tuple[np.ndarray, pd.DatetimeIndex]:
    """Period number of each time and the sorted period starts."""
    starts = _period_ns(ns, _offset(freq))
    codes, uniques = pd.factorize(starts, sort=True)
    return codes.astype(np.int64), pd.DatetimeIndex(uniques.view("datetime64[ns]"))


def expand(lab: Labels, thread: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For items in threads ``thread``: (item index, label row) for every label of its thread."""
    lo, hi = lab.start[thread], lab.start[thread + 1]
    n = hi - lo
    item = np.repeat(np.arange(len(thread)), n)
    row = np.repeat(lo - (np.cumsum(n) - n), n) + np.arange(len(item))
    return item, row


def group_quantiles(
    groups: np.ndarray, values: np.ndarray, n_groups: int, qs: tuple[float, ...]
) -> list[np.ndarray]:
    """Per-group quantiles with linear interpolation, NaN values skipped (NaN for a group
    without values); a counting sort by group and parallel per-group sorts in the core."""
    out = _core.grouped_quantiles(
        np.ascontiguousarray(groups, dtype=np.uint32),
        np.ascontiguousarray(values, dtype=np.float64),
        n_groups,
        np.asarray(qs, dtype=np.float64),
    ).reshape(n_groups, len(qs))
    return [out[:, k].copy() for k in range(len(qs))]


def distinct_items(
    groups: np.ndarray, items: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per group: distinct items and the summed occurrences of its ceil(m/100) most frequent
    items (a counting sort by group and parallel per-group sorts in the core)."""
    distinct, top = _core.grouped_item_counts(
        np.ascontiguousarray(groups, dtype=np.uint32),
        np.ascontiguousarray(items, dtype=np.uint32),
        n_groups,
    )
    return distinct.astype(np.int64), top.astype(np.int64)


def group_index(
    lab: Labels, label_row: np.ndarray, period: np.ndarray, n_periods: int
) -> tuple[np.ndarray, np.ndarray]:
    """Group key ``community * n_periods + period`` of each item, and the sorted keys."""
    key = lab.code[label_row] * n_periods + period
    # pandas' hash factorize: much faster than np.unique on large arrays
    group, keys = pd.factorize(key, sort=True)
    return group.astype(np.int64), keys


def key_index(lab: Labels, keys: np.ndarray, starts: pd.DatetimeIndex) -> pd.MultiIndex:
    n_periods = max(len(starts), 1)
    return pd.MultiIndex.from_arrays(
        [lab.names.take(keys // n_periods), starts.take(keys % n_periods)],
        names=["community", "period"],
    )


def _community_table(
    th: Threads,
    threads: pd.DataFrame,
    lab: Labels,
    period: np.ndarray,
    starts: pd.DatetimeIndex,
) -> pd.DataFrame:
    n_per = max(len(starts), 1)
    group, keys = group_index(lab, np.arange(len(lab.thread)), period[lab.thread], n_per)
    ng = len(keys)
    t = lab.thread
    size = np.bincount(group, minlength=ng)
    solved = np.bincount(group, threads["solved"].to_numpy()[t], minlength=ng)
    answered = np.bincount(group, threads["answered"].to_numpy()[t], minlength=ng)
    median, p90 = group_quantiles(
        group, threads["first_response_hours"].to_numpy()[t], ng, (0.5, 0.9)
    )
    ans = (th.role == ANSWER) & (th.author >= 0)
    item, row = expand(lab, th.thread[ans])
    g_ans = group[row]
    total = np.bincount(g_ans, minlength=ng).astype(np.int64)
    # distinct answerers and the answers of the top ceil(m/100) of them, per group
    m, top_sum = distinct_items(g_ans, th.author[ans][item], ng)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(total > 0, top_sum / np.maximum(total, 1), np.nan)
    return pd.DataFrame(
        {
            "threads": size.astype(np.int64),
            "solution_rate": solved / size,
            "median_first_response_hours": median,
            "p90_first_response_hours": p90,
            "unanswered_share": 1.0 - answered / size,
            "answers": total,
            "answerers": m.astype(np.int64),
            "top1pct_answer_share": share,
        },
        index=key_index(lab, keys, starts),
    )
