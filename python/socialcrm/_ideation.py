"""Ideation: ideas customers submit, the votes they draw, and which get implemented."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._value_inputs import MONTH_DAYS, columns_of, ids, intake, numbers, optional, times
from .exceptions import InputError

__all__ = ["IdeationResult", "gini", "ideation"]


def gini(x: Any) -> float:
    """Gini coefficient of non-negative amounts (0 = equal, towards 1 = concentrated).

    .. math:: G = \\frac{\\sum_i \\sum_j |x_i - x_j|}{2 n^2 \\bar x}
        = \\frac{2 \\sum_{i=1}^n i\\, x_{(i)}}{n \\sum_i x_i} - \\frac{n + 1}{n}

    with :math:`x_{(i)}` sorted ascending. NaN when there are no amounts or they sum to 0.

    Examples
    --------
    >>> from socialcrm.value import gini
    >>> gini([1, 1, 1, 1]), gini([0, 0, 0, 4])
    (0.0, 0.75)
    """
    v = np.sort(np.asarray(x, dtype=np.float64).ravel())
    n = len(v)
    total = v.sum() if n else 0.0
    if n == 0 or not total > 0:
        return float("nan")
    i = np.arange(1, n + 1)
    return float(2.0 * np.dot(i, v) / (n * total) - (n + 1) / n)


@dataclass(frozen=True, eq=False)
class IdeationResult:
    """Ideation figures (see :func:`ideation`).

    Attributes
    ----------
    customers : pandas.DataFrame
        Per customer (idea authors and voters).
    ideas : pandas.DataFrame
        Per idea.
    communities : pandas.DataFrame
        Per community.
    vote_gini : float
        Gini coefficient of votes received across all ideas.
    span_months : float
        Months between the first and last idea or vote (at least 1).
    notes : tuple of str
        Rows left out or defaults used.
    """

    customers: pd.DataFrame
    ideas: pd.DataFrame
    communities: pd.DataFrame
    vote_gini: float
    span_months: float = 1.0
    notes: tuple[str, ...] = field(default_factory=tuple)


def ideation(
    ideas: Any,
    votes: Any = None,
    *,
    idea_id: str = "idea_id",
    author: str = "author",
    created_at: str = "created_at",
    status: str = "status",
    value: str | None = "value",
    community: str | None = "community",
    implemented: tuple[str, ...] = ("implemented",),
    voter: str = "voter",
    vote_kind: str | None = "kind",
) -> IdeationResult:
    """Idea submission, votes and implementation per customer and per community.

    Parameters
    ----------
    ideas : pandas.DataFrame, polars.DataFrame or pyarrow.Table
        One row per idea (data model ``ideas`` table).
    votes : table, optional
        One row per vote or comment on an idea (data model ``votes`` table).
    idea_id, author, created_at, status : str
        Columns of ideas (``created_at`` also of votes, when votes has it).
    value : str or None, default "value"
        Column of the estimated value of an idea if implemented; used when present.
    community : str or None, default "community"
        Column of the idea's community (board, product); used when present, else ``"all"``.
    implemented : tuple of str, default ("implemented",)
        Status values (case-insensitive) meaning implemented.
    voter : str, default "voter"
        Column of the voter in ``votes``.
    vote_kind : str or None, default "kind"
        Column of ``vote`` / ``comment`` in ``votes``; used when present, else every row is a
        vote.

    Returns
    -------
    IdeationResult
        ``customers``: ``ideas_submitted``, ``votes_received``, ``comments_received``,
        ``implemented``, ``implementation_rate`` (implemented / submitted, NaN without
        ideas), ``implemented_value`` (summed ``value`` of implemented ideas, 0 without the
        column), ``votes_cast``, ``comments_made``, ``vote_gini`` (Gini of votes received
        across the customer's own ideas). ``ideas``: ``author``, ``community``, ``votes``,
        ``comments``, ``implemented``, ``value``. ``communities``: ``ideas``, ``authors``,
        ``votes``, ``voters``, ``implemented``, ``implementation_rate``, ``vote_gini``.

    Raises
    ------
    MissingColumnError, InputError
        Missing columns, null or duplicate idea ids, null authors, bad times or values.

    Notes
    -----
    Implementation rate :math:`I_c / S_c` (implemented over submitted). Vote concentration is
    the Gini coefficient (see :func:`gini`) of votes received per idea, ideas with no vote
    included as 0. Votes on ideas not in ``ideas`` are left out and noted.

    References
    ----------
    .. [1] C. Gini, "Variabilità e mutabilità", 1912.
    .. [2] B. Bayus, "Crowdsourcing New Product Ideas over Time: An Analysis of the Dell
       IdeaStorm Community", Management Science 59(1), 2013.

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm.value import ideation
    >>> ideas = pd.DataFrame({"idea_id": [1, 2, 3], "author": ["ann", "ann", "bob"],
    ...     "created_at": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
    ...     "status": ["implemented", "declined", "submitted"]})
    >>> votes = pd.DataFrame({"idea_id": [1, 1, 1, 3], "voter": ["bob", "cid", "dan", "ann"]})
    >>> r = ideation(ideas, votes)
    >>> r.customers[["ideas_submitted", "votes_received", "implemented", "votes_cast"]]
         ideas_submitted  votes_received  implemented  votes_cast
    ann                2               3            1           1
    bob                1               1            0           1
    cid                0               0            0           1
    dan                0               0            0           1
    >>> round(r.vote_gini, 4)  # votes per idea (3, 0, 1)
    0.5
    """
    present = columns_of(ideas)
    value = optional(present, value, "value")
    community = optional(present, community, "community")
    table = intake(ideas, "ideas", [idea_id, author, created_at, status], [value, community])
    ids(table[idea_id], "ideas", idea_id)
    ids(table[author], "ideas", author)
    dup = table[idea_id].duplicated().to_numpy()
    if dup.any():
        raise InputError(
            f"table 'ideas', column '{idea_id}': {int(dup.sum())} rows are duplicate idea ids "
            f"(first at row {int(np.flatnonzero(dup)[0])}); idea ids must be unique"
        )
    t = times(table[created_at], "ideas", created_at)
    done_labels = {str(s).lower() for s in implemented}
    is_done = table[status].astype("string").str.lower().isin(done_labels).fillna(False)
    vals = (
        numbers(table[value], "ideas", value, nonneg=True, nulls=True)
        if value is not None
        else np.zeros(len(table))
    )
    idea = pd.DataFrame(
        {
            "author": table[author].to_numpy(),
            "community": (
                table[community].astype(object).fillna("(none)").astype(str).to_numpy()
                if community is not None
                else "all"
            ),
            "implemented": is_done.to_numpy(dtype=bool),
            "value": np.nan_to_num(vals),
            "created_at": t.to_numpy(),
        },
        index=pd.Index(table[idea_id].to_numpy(), name="idea_id"),
    )
    notes: list[str] = []
    v = _votes(votes, idea, idea_id, voter, vote_kind, created_at, notes)
    is_vote = v["kind"] == "vote"
    idea["votes"] = v[is_vote].groupby("idea_id").size().reindex(idea.index, fill_value=0)
    idea["comments"] = v[~is_vote].groupby("idea_id").size().reindex(idea.index, fill_value=0)
    idea = idea[["author", "community", "votes", "comments", "implemented", "value", "created_at"]]

    everyone = pd.Index(pd.concat([idea["author"], v["voter"]]).unique())
    try:
        everyone = everyone.sort_values()
    except TypeError:
        pass
    by_author = idea.groupby("author")
    cust = pd.DataFrame(index=everyone)
    cust["ideas_submitted"] = by_author.size().reindex(everyone, fill_value=0).astype(np.int64)
    cust["votes_received"] = by_author["votes"].sum().reindex(everyone, fill_value=0)
    cust["comments_received"] = by_author["comments"].sum().reindex(everyone, fill_value=0)
    cust["implemented"] = by_author["implemented"].sum().reindex(everyone, fill_value=0)
    cust["implemented"] = cust["implemented"].astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        cust["implementation_rate"] = cust["implemented"] / cust["ideas_submitted"].where(
            cust["ideas_submitted"] > 0
        )
    done_val = idea["value"].where(idea["implemented"], 0.0)
    cust["implemented_value"] = (
        done_val.groupby(idea["author"]).sum().reindex(everyone, fill_value=0.0)
    )
    cust["votes_cast"] = v[is_vote].groupby("voter").size().reindex(everyone, fill_value=0)
    cust["comments_made"] = v[~is_vote].groupby("voter").size().reindex(everyone, fill_value=0)
    cust["vote_gini"] = by_author["votes"].agg(gini).reindex(everyone)
    for c in ("votes_received", "comments_received", "votes_cast", "comments_made"):
        cust[c] = cust[c].astype(np.int64)

    by_comm = idea.groupby("community", sort=True)
    voters = (
        v[is_vote]
        .assign(community=idea["community"].reindex(v.loc[is_vote, "idea_id"]).to_numpy())
        .groupby("community")["voter"]
        .nunique()
    )
    comm = pd.DataFrame(
        {
            "ideas": by_comm.size().astype(np.int64),
            "authors": by_comm["author"].nunique().astype(np.int64),
            "votes": by_comm["votes"].sum().astype(np.int64),
            "implemented": by_comm["implemented"].sum().astype(np.int64),
        }
    )
    comm["voters"] = voters.reindex(comm.index, fill_value=0).astype(np.int64)
    comm["implementation_rate"] = comm["implemented"] / comm["ideas"]
    comm["vote_gini"] = by_comm["votes"].agg(gini)
    comm = comm[
        ["ideas", "authors", "votes", "voters", "implemented", "implementation_rate", "vote_gini"]
    ]
    all_t = pd.concat([idea["created_at"], v["created_at"].dropna()])
    span = (all_t.max() - all_t.min()) / np.timedelta64(1, "D") / MONTH_DAYS if len(all_t) else 0
    return IdeationResult(
        customers=cust,
        ideas=idea,
        communities=comm,
        vote_gini=gini(idea["votes"].to_numpy()),
        span_months=max(1.0, float(span)),
        notes=tuple(notes),
    )


def _votes(
    votes: Any,
    idea: pd.DataFrame,
    idea_id: str,
    voter: str,
    vote_kind: str | None,
    created_at: str,
    notes: list[str],
) -> pd.DataFrame:
    empty = pd.DataFrame(
        {
            "idea_id": pd.Series([], dtype=object),
            "voter": pd.Series([], dtype=object),
            "kind": pd.Series([], dtype=object),
            "created_at": pd.Series([], dtype="datetime64[ns]"),
        }
    )
    if votes is None:
        return empty
    present = columns_of(votes)
    vote_kind = optional(present, vote_kind, "kind")
    when = created_at if created_at in present else None
    vt = intake(votes, "votes", [idea_id, voter], [vote_kind, when])
    ids(vt[idea_id], "votes", idea_id)
    ids(vt[voter], "votes", voter)
    kind = (
        vt[vote_kind].astype("string").str.lower().fillna("vote").to_numpy(dtype=object)
        if vote_kind is not None
        else np.full(len(vt), "vote", dtype=object)
    )
    out = pd.DataFrame(
        {
            "idea_id": vt[idea_id].to_numpy(),
            "voter": vt[voter].to_numpy(),
            "kind": np.where(kind == "comment", "comment", "vote"),
            "created_at": (
                times(vt[when], "votes", when).to_numpy()
                if when is not None
                else np.full(len(vt), np.datetime64("NaT"), dtype="datetime64[ns]")
            ),
        }
    )
    known = out["idea_id"].isin(idea.index)
    if not known.all():
        notes.append(
            f"table 'votes', column '{idea_id}': {int((~known).sum())} votes on ideas not in "
            "the ideas table left out"
        )
    return out[known.to_numpy()]
