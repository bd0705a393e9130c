"""Peer support: customers answering customers, per customer, thread and community.

Also holds the table intake the co-creation measures share (optional columns, times, numbers,
per-customer value Series, periods), so every one reports bad input the same way.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from . import _tables
from .exceptions import InputError, InputTypeError

__all__ = ["PeerSupportResult", "peer_support"]

_HOUR = np.timedelta64(3_600_000_000_000, "ns")
#: Average month length in days (365.25 / 12), for month arithmetic on durations.
MONTH_DAYS = 30.4375


# ---------------------------------------------------------------------- shared intake
def columns_of(data: Any) -> list[str]:
    """Column names of a pandas/polars DataFrame or pyarrow Table (InputTypeError otherwise)."""
    module = type(data).__module__.split(".")[0]
    if module == "pyarrow" and hasattr(data, "column_names"):
        return list(data.column_names)
    if module == "polars" or isinstance(data, pd.DataFrame):
        return list(data.columns)
    raise InputTypeError(
        f"expected a pandas or polars DataFrame or a pyarrow Table, got {type(data).__name__}"
    )


def optional(present: list[str], name: str | None, default: str) -> str | None:
    """An optional column: used when given; the default name is used only when present."""
    if name is None:
        return None
    if name == default and name not in present:
        return None
    return name


def intake(
    data: Any, table: str, required: list[str], optional_cols: list[str | None]
) -> pd.DataFrame:
    """The named columns as a pandas frame with a fresh RangeIndex (missing ones raise
    MissingColumnError naming the table and column)."""
    columns_of(data)
    cols = required + [c for c in optional_cols if c is not None]
    return _tables.to_pandas(data, table, cols).reset_index(drop=True)


def times(values: pd.Series, table: str, column: str) -> pd.Series:
    """Validated times (no nulls, one zone convention) as a datetime64[ns] Series (UTC-naive)."""
    ns, _ = _tables.time_array(values, table, column)
    return pd.Series(ns.view("datetime64[ns]"), index=values.index)


def numbers(
    values: pd.Series, table: str, column: str, *, nonneg: bool = True, nulls: bool = False
) -> np.ndarray:
    """Validated float64 values: numeric, finite, optionally >= 0 and optionally null-free."""
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        raise InputTypeError(
            f"table '{table}', column '{column}': must hold numbers, got dtype {values.dtype}"
        )
    x = values.to_numpy(dtype=np.float64, na_value=np.nan)
    checks = [(np.isinf(x), "infinite")]
    if not nulls:
        checks.append((np.isnan(x), "missing (NaN)"))
    if nonneg:
        checks.append((x < 0, "negative"))
    for bad, what in checks:
        if bad.any():
            n = int(bad.sum())
            raise InputError(
                f"table '{table}', column '{column}': {n} row{'s' if n != 1 else ''} "
                f"{'is' if n == 1 else 'are'} {what} (first at row {int(np.flatnonzero(bad)[0])})"
            )
    return x


def ids(values: pd.Series, table: str, column: str) -> pd.Series:
    """Id column without nulls."""
    _tables.check_no_nulls(values, table, column, "null ids")
    return values


def value_series(x: Any, name: str, *, nonneg: bool = False) -> pd.Series:
    """A per-customer value Series (unique index, finite numbers), as float64."""
    if isinstance(x, pd.DataFrame) and x.shape[1] == 1:
        x = x.iloc[:, 0]
    if not isinstance(x, pd.Series):
        raise InputTypeError(
            f"{name} must be a pandas Series indexed by customer id, got {type(x).__name__}"
        )
    if pd.api.types.is_bool_dtype(x.dtype) or not pd.api.types.is_numeric_dtype(x.dtype):
        raise InputTypeError(f"{name} must hold numbers, got dtype {x.dtype}")
    dup = x.index.duplicated()
    if dup.any():
        raise InputError(
            f"{name}: {int(dup.sum())} customer ids appear more than once "
            f"(first {x.index[dup][0]!r})"
        )
    v = x.to_numpy(dtype=np.float64, na_value=np.nan)
    bad = ~np.isfinite(v) | ((v < 0) if nonneg else False)
    if np.any(bad):
        first = x.index[np.flatnonzero(bad)[0]]
        need = "finite and >= 0" if nonneg else "finite"
        raise InputError(
            f"{name}: {int(np.sum(bad))} values are NaN or infinite{' or negative' * nonneg} "
            f"(first for customer {first!r}); values must be {need}"
        )
    return pd.Series(v, index=x.index, name=x.name)


def nonneg_float(x: Any, name: str, *, upper: float | None = None) -> float:
    """A finite scalar >= 0 (and <= upper)."""
    if isinstance(x, bool) or not isinstance(x, Real) or not math.isfinite(x) or x < 0:
        raise InputError(f"{name} must be a finite number >= 0, got {x!r}")
    if upper is not None and x > upper:
        raise InputError(f"{name} must be at most {upper}, got {x!r}")
    return float(x)


def months(horizon: Any, name: str = "horizon") -> float:
    """A horizon in months: an int/float of months or a string like '12M', '2Y', '26W', '90D'."""
    if isinstance(horizon, Real) and not isinstance(horizon, bool):
        m = float(horizon)
    else:
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([MYWD])\s*", str(horizon), re.IGNORECASE)
        if match is None:
            raise InputError(
                f"{name} must be a number of months or a string like '12M', '2Y', '26W' or "
                f"'90D', got {horizon!r}"
            )
        k = float(match.group(1))
        unit = match.group(2).upper()
        m = {"M": k, "Y": 12 * k, "W": 7 * k / MONTH_DAYS, "D": k / MONTH_DAYS}[unit]
    if not math.isfinite(m) or m <= 0:
        raise InputError(f"{name} must be positive, got {horizon!r}")
    return m


def annuity(n_months: float, discount_rate: float) -> float:
    """Sum of monthly discount factors ``sum_{t=1..T} (1 + d)^(-t/12)`` (fractional last month
    counted pro rata)."""
    whole = math.floor(n_months)
    f = (1.0 + discount_rate) ** (-np.arange(1, whole + 1) / 12.0)
    rest = n_months - whole
    last = rest * (1.0 + discount_rate) ** (-(whole + 1) / 12.0) if rest > 0 else 0.0
    return float(f.sum() + last)


def period_start(t: pd.Series, freq: str) -> pd.Series:
    """Start of the ``freq`` period holding each time (pandas offset alias: 'D', 'W', 'MS',
    'QS', 'YS', 'h', ...)."""
    try:
        offset = pd.tseries.frequencies.to_offset(freq)
    except (ValueError, TypeError) as exc:
        raise InputError(f"freq must be a pandas offset alias such as 'MS', got {freq!r}") from exc
    if isinstance(offset, pd.offsets.Tick):
        return t.dt.floor(freq)
    days = t.dt.normalize()
    uniq = pd.Index(days.unique())
    starts = pd.DatetimeIndex([offset.rollback(d) for d in uniq])
    return pd.Series(starts[uniq.get_indexer(days)], index=t.index)


def split_tags(tags: pd.Series) -> pd.Series:
    """'|'-separated tags (or lists) to one row per (row, tag); untagged rows get no row."""
    if tags.map(lambda v: isinstance(v, (list, tuple, np.ndarray))).any():
        exploded = tags.explode()
    else:
        exploded = tags.astype("string").str.split("|").explode()
    exploded = exploded.dropna()
    exploded = exploded[exploded.astype(str).str.len() > 0]
    return exploded.astype(str)


# ---------------------------------------------------------------------- thread structure
@dataclass
class Threads:
    """Posts resolved to their threads (internal)."""

    posts: pd.DataFrame  # post_id, author (code, -1 none), created_at, root, role, thread
    questions: pd.DataFrame  # the question rows of posts (indexed by row), + accepted_row ...
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
    dup = table[post_id].duplicated().to_numpy()
    if dup.any():
        raise InputError(
            f"table 'posts', column '{post_id}': {int(dup.sum())} rows are duplicate post ids "
            f"(first at row {int(np.flatnonzero(dup)[0])}); post ids must be unique"
        )
    t = times(table[created_at], "posts", created_at)
    notes: list[str] = []
    pid = pd.Index(table[post_id])
    parent = table[parent_id]
    has_parent = parent.notna().to_numpy()
    pos = np.full(len(table), -1, dtype=np.int64)
    pos[has_parent] = pid.get_indexer(parent[has_parent])
    orphan = has_parent & (pos < 0)
    if orphan.any():
        notes.append(
            f"table 'posts', column '{parent_id}': {int(orphan.sum())} replies whose parent "
            "post is not in the table left out"
        )
    # Follow parents up to the root by pointer jumping: O(n log depth).
    root = np.where(has_parent, pos, np.arange(len(table)))
    root[orphan] = -1
    for _ in range(64):
        ok = root >= 0
        nxt = root.copy()
        nxt[ok] = root[root[ok]]
        if np.array_equal(nxt, root):
            break
        root = nxt
    is_question = ~has_parent
    lost = (root >= 0) & ~is_question[np.maximum(root, 0)]
    if lost.any():
        notes.append(
            f"table 'posts', column '{parent_id}': {int(lost.sum())} replies in a cycle of "
            "parents (no question at the top) left out"
        )
        root[lost] = -1
    kind = (
        table[post_type].astype("string").str.lower().fillna("")
        if post_type is not None
        else pd.Series(np.where(has_parent, "answer", "question"), index=table.index)
    )
    if post_type is not None:
        # A direct reply without a type counts as an answer; deeper replies as comments.
        direct = has_parent & (pos >= 0) & is_question[np.maximum(pos, 0)]
        kind = kind.where(kind != "", np.where(direct, "answer", "comment"))
    role = np.where(is_question, "question", np.where(kind == "answer", "answer", "comment"))
    codes, authors = _factorize(table[author])
    frame = pd.DataFrame(
        {
            "post_id": table[post_id].to_numpy(),
            "author": codes,
            "created_at": t.to_numpy(),
            "root": root,
            "role": role,
        }
    )
    no_author = codes < 0
    if no_author.any():
        notes.append(
            f"table 'posts', column '{author}': {int(no_author.sum())} posts without an author "
            "(e.g. deleted accounts): they count in their thread but for no customer"
        )
    frame = frame[root >= 0]
    q = frame[frame["role"] == "question"].copy()
    rows = q.index.to_numpy()
    if accepted_answer_id is not None:
        acc = table[accepted_answer_id].iloc[rows]
        acc_pos = np.full(len(rows), -1, dtype=np.int64)
        given = acc.notna().to_numpy()
        acc_pos[given] = pid.get_indexer(acc[given])
        ok = acc_pos >= 0
        ok[ok] = (role[acc_pos[ok]] == "answer") & (root[acc_pos[ok]] == rows[ok])
        q["accepted_row"] = np.where(ok, acc_pos, -1)
    if tags is not None:
        q["tags"] = table[tags].to_numpy(dtype=object)[rows]
    if community is not None:
        q["community"] = table[community].to_numpy(dtype=object)[rows]
    for c in extra:
        if c is not None:
            q[c] = table[c].to_numpy()[rows]
    frame["thread"] = table[post_id].to_numpy()[frame["root"].to_numpy()]
    return Threads(posts=frame, questions=q, authors=authors, notes=notes)


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
    comm = _community_labels(th, tags, community)
    periods = period_start(threads["created_at"], freq)
    communities = _community_table(th, threads, comm, periods)
    deflection = (
        threads.assign(period=periods.to_numpy())
        .groupby("period", sort=True)["peer_solved"]
        .sum()
        .astype(np.int64)
        .rename("peer_solved_threads")
        .to_frame()
    )
    deflection["deflected_contacts"] = deflection["peer_solved_threads"] * rate
    deflection["savings"] = deflection["deflected_contacts"] * cost
    t = th.posts["created_at"]
    span = (t.max() - t.min()) / np.timedelta64(1, "D") / MONTH_DAYS if len(t) else 0.0
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
    p, q = th.posts, th.questions
    size = int(p.index.max()) + 1 if len(p) else 0
    qrows = q.index.to_numpy()
    asker_of = np.full(size, -1, dtype=np.int64)
    asker_of[qrows] = q["author"].to_numpy()
    qtime = q["created_at"].to_numpy().view(np.int64)
    replies = p[p["role"] != "question"]
    root = replies["root"].to_numpy()
    ra = replies["author"].to_numpy()
    # "someone else": a known author other than the asker (a deleted asker differs from all)
    other = (ra >= 0) & (ra != asker_of[root])
    is_answer = (replies["role"] == "answer").to_numpy()
    n_answers = np.bincount(root[is_answer], minlength=size)
    n_comments = np.bincount(root[~is_answer], minlength=size)
    never = np.iinfo(np.int64).max
    first = np.full(size, never, dtype=np.int64)
    np.minimum.at(first, root[other], replies["created_at"].to_numpy().view(np.int64)[other])
    answered = np.zeros(size, dtype=bool)
    answered[root[other & is_answer]] = True
    out = pd.DataFrame(index=pd.Index(q["post_id"].to_numpy(), name="thread"))
    out["asker"] = ids_of(th.authors, asker_of[qrows])
    out["created_at"] = q["created_at"].to_numpy()
    out["answers"] = n_answers[qrows]
    out["comments"] = n_comments[qrows]
    f = first[qrows]
    hours = np.full(len(qrows), np.nan)
    has = f != never
    hours[has] = (f[has] - qtime[has]) / 3.6e12
    out["first_response_hours"] = hours
    out["answered"] = answered[qrows]
    solver = np.full(len(qrows), -1, dtype=np.int64)
    solved = np.zeros(len(qrows), dtype=bool)
    if "accepted_row" in q.columns:
        acc = q["accepted_row"].to_numpy()
        solved = acc >= 0
        author_at = np.full(size, -1, dtype=np.int64)
        author_at[p.index.to_numpy()] = p["author"].to_numpy()
        solver[solved] = author_at[acc[solved]]
    else:
        ans = replies[other & is_answer].sort_values(["created_at", "post_id"], kind="stable")
        firsts = ans.drop_duplicates("root")
        loc = pd.Index(qrows).get_indexer(firsts["root"].to_numpy())
        solved[loc] = True
        solver[loc] = firsts["author"].to_numpy()
    staff_code = np.zeros(len(th.authors) + 1, dtype=bool)
    staff_code[:-1] = th.authors.isin(staff)
    out["solved"] = solved
    out["solver"] = ids_of(th.authors, solver)
    out["peer_solved"] = solved & (solver >= 0) & (solver != asker_of[qrows]) & ~staff_code[solver]
    return out, solver


def _customer_table(
    th: Threads, threads: pd.DataFrame, solver: np.ndarray, staff: pd.Index, unit: float
) -> pd.DataFrame:
    p = th.posts[th.posts["author"] >= 0]
    n = len(th.authors)
    a = p["author"].to_numpy()
    role = p["role"].to_numpy()
    out = pd.DataFrame(index=th.authors)
    for r, col in (("question", "questions"), ("answer", "answers"), ("comment", "comments")):
        out[col] = np.bincount(a[role == r], minlength=n).astype(np.int64)
    q = th.questions
    acc_authors = solver[(solver >= 0)] if "accepted_row" in q.columns else np.zeros(0, np.int64)
    out["accepted_answers"] = np.bincount(acc_authors, minlength=n).astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["acceptance_rate"] = out["accepted_answers"] / out["answers"].where(out["answers"] > 0)
    ans = p[role == "answer"]
    size = int(th.posts.index.max()) + 1
    asker_of = np.full(size, -1, dtype=np.int64)
    asker_of[q.index.to_numpy()] = q["author"].to_numpy()
    qtime = np.zeros(size, dtype=np.int64)
    qtime[q.index.to_numpy()] = q["created_at"].to_numpy().view(np.int64)
    aa = ans["author"].to_numpy()
    askers = asker_of[ans["root"].to_numpy()]
    pairs = pd.DataFrame({"a": aa, "q": askers})
    pairs = pairs[(pairs["q"] >= 0) & (pairs["q"] != pairs["a"])].drop_duplicates()
    out["customers_helped"] = np.bincount(pairs["a"].to_numpy(), minlength=n).astype(np.int64)
    delay = (ans["created_at"].to_numpy().view(np.int64) - qtime[ans["root"].to_numpy()]) / 3.6e12
    med = pd.Series(delay).groupby(aa).median()
    out["median_response_hours"] = med.reindex(np.arange(n)).to_numpy()
    peer = solver[threads["peer_solved"].to_numpy()]
    out["solutions"] = np.bincount(peer, minlength=n).astype(np.int64)
    out["deflection_value"] = out["solutions"] * unit
    out["staff"] = th.authors.isin(staff)
    return out


def _community_labels(th: Threads, tags: str | None, community: str | None) -> pd.Series:
    """Community of each thread, one row per (thread, community), indexed by thread id."""
    q = th.questions.set_index("post_id")
    if tags is not None:
        lab = split_tags(q["tags"])
    elif community is not None:
        lab = q["community"].dropna().astype(str)
    else:
        lab = pd.Series("all", index=q.index)
    lab.index.name = "thread"
    return lab.rename("community")


def _community_table(
    th: Threads, threads: pd.DataFrame, comm: pd.Series, periods: pd.Series
) -> pd.DataFrame:
    per = pd.Series(periods.to_numpy(), index=threads.index)
    tc = pd.DataFrame(
        {"community": comm.to_numpy(), "period": per.reindex(comm.index).to_numpy()},
        index=comm.index,
    )
    tt = tc.join(threads[["solved", "answered", "first_response_hours"]])
    g = tt.groupby(["community", "period"], sort=True)
    out = pd.DataFrame(
        {
            "threads": g.size().astype(np.int64),
            "solution_rate": g["solved"].mean(),
            "median_first_response_hours": g["first_response_hours"].median(),
            "p90_first_response_hours": g["first_response_hours"].quantile(0.9),
            "unanswered_share": 1.0 - g["answered"].mean(),
        }
    )
    ans = th.posts[(th.posts["role"] == "answer") & (th.posts["author"] >= 0)]
    ans = ans[["thread", "author"]].merge(tc, left_on="thread", right_index=True)
    per_author = ans.groupby(["community", "period", "author"], sort=False).size()
    per_author = per_author.sort_values(ascending=False, kind="stable")
    counts = per_author.groupby(level=[0, 1], sort=True)
    total = counts.sum()
    m = counts.size()
    k = np.ceil(m / 100.0).astype(np.int64)
    rank = counts.cumcount() + 1
    top = per_author[rank.to_numpy() <= k.reindex(per_author.index.droplevel(2)).to_numpy()]
    top_sum = top.groupby(level=[0, 1], sort=True).sum()
    out["answers"] = total.reindex(out.index, fill_value=0).astype(np.int64)
    out["answerers"] = m.reindex(out.index, fill_value=0).astype(np.int64)
    out["top1pct_answer_share"] = (top_sum / total).reindex(out.index)
    return out
