"""Importers: public data dumps to the package's table conventions.

:func:`stack_exchange` reads the Stack Exchange data dump tables (Posts, Comments, Votes,
Users, as CSV-like frames) into the data model's ``posts``, ``interactions`` and
``memberships`` tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._value_inputs import columns_of, ids, intake, split_tags, times
from .exceptions import InputError

if TYPE_CHECKING:
    from .graph import Graph

__all__ = ["StackExchange", "stack_exchange"]


@dataclass(frozen=True, eq=False)
class StackExchange:
    """A Stack Exchange site in the package's table conventions (see :func:`stack_exchange`).

    Attributes
    ----------
    posts : pandas.DataFrame
        Questions and answers: ``post_id``, ``post_type`` (question / answer), ``parent_id``,
        ``author``, ``created_at``, ``accepted_answer_id``, ``tags``, ``views``, ``score``.
    interactions : pandas.DataFrame
        ``source``, ``target``, ``timestamp``, ``kind``: ``answer`` (answerer -> asker;
        ``accepted_answer`` for an accepted one) and ``comment`` (commenter -> author of the
        post commented on).
    memberships : pandas.DataFrame
        Interest communities from tags: ``customer``, ``community`` (tag), ``weight`` (the
        customer's questions and answers in threads with that tag).
    comments : pandas.DataFrame
        ``comment_id``, ``post_id``, ``author``, ``created_at`` (empty without comments).
    votes : pandas.DataFrame or None
        The votes table as given.
    customers : pandas.DataFrame
        One row per user id seen in any table (with the users table's columns when given).
    notes : tuple of str
        Rows left out, one sentence each.
    """

    posts: pd.DataFrame
    interactions: pd.DataFrame
    memberships: pd.DataFrame
    comments: pd.DataFrame
    votes: pd.DataFrame | None
    customers: pd.DataFrame
    notes: tuple[str, ...] = field(default_factory=tuple)

    def graph(self, **kwargs: Any) -> Graph:
        """The interaction graph (:meth:`socialcrm.Graph.from_pandas` with timestamps, kinds
        and every customer as a node); keyword arguments are passed on."""
        from .graph import Graph

        kwargs.setdefault("nodes", self.customers.index.to_series())
        return Graph.from_pandas(self.interactions, timestamp="timestamp", kind="kind", **kwargs)


def stack_exchange(
    posts: Any,
    comments: Any = None,
    votes: Any = None,
    users: Any = None,
    *,
    post_id: str = "post_id",
    post_type: str = "post_type",
    parent_id: str = "parent_id",
    accepted_answer_id: str = "accepted_answer_id",
    author: str = "author_id",
    created_at: str = "created_at",
    tags: str = "tags",
    views: str = "view_count",
    score: str = "score",
    comment_id: str = "comment_id",
    user_id: str = "user_id",
) -> StackExchange:
    """Stack Exchange dump tables to posts, interactions and tag memberships.

    Parameters
    ----------
    posts : pandas.DataFrame, polars.DataFrame or pyarrow.Table
        Questions and answers (one row per post; column names of the data dump's Posts,
        snake_cased: ``post_id``, ``post_type`` question/answer (or the dump's PostTypeId
        1/2), ``parent_id``, ``accepted_answer_id``, ``author_id``, ``created_at``,
        ``tags`` ('|'-separated or '<a><b>'), ``view_count``, ``score``). Other post types
        (tag wikis, ...) are left out and noted.
    comments : table, optional
        ``comment_id``, ``post_id``, ``author_id``, ``created_at``.
    votes : table, optional
        Kept as given (``.votes``).
    users : table, optional
        ``user_id`` and any attributes; every user becomes a customer.
    post_id, post_type, parent_id, accepted_answer_id, author, created_at, tags, views, score,
    comment_id, user_id : str
        Column names, when they differ from the defaults. ``views`` and ``score`` are used
        when present.

    Returns
    -------
    StackExchange
        With ``posts``, ``interactions``, ``memberships``, ``comments``, ``votes``,
        ``customers``, ``notes`` and :meth:`StackExchange.graph`.

    Raises
    ------
    MissingColumnError, InputError
        Missing columns, null or duplicate post ids, unparsable times.

    Notes
    -----
    Posts without an author (deleted users) stay in ``posts`` with a null author, but make
    no interaction; interactions with oneself (answering or commenting on one's own post) are
    left out. Both are counted in ``notes``. A comment's target is the author of the post it
    is on (question or answer).

    References
    ----------
    .. [1] Stack Exchange, Inc., "Stack Exchange Data Dump", https://archive.org/details/
       stackexchange (user contributions licensed CC BY-SA).

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm.io import stack_exchange
    >>> posts = pd.DataFrame({"post_id": [1, 2], "post_type": ["question", "answer"],
    ...     "parent_id": [None, 1], "accepted_answer_id": [2, None], "author_id": [10, 11],
    ...     "created_at": ["2016-08-02T15:39:14", "2016-08-02T16:00:00"],
    ...     "tags": ["neural-networks|definitions", None]})
    >>> comments = pd.DataFrame({"comment_id": [5], "post_id": [2], "author_id": [10],
    ...     "created_at": ["2016-08-02T17:00:00"]})
    >>> se = stack_exchange(posts, comments)
    >>> se.interactions
       source  target           timestamp             kind
    0      11      10 2016-08-02 16:00:00  accepted_answer
    1      10      11 2016-08-02 17:00:00          comment
    >>> se.memberships
       customer        community  weight
    0        10      definitions       1
    1        10  neural-networks       1
    2        11      definitions       1
    3        11  neural-networks       1
    """
    present = columns_of(posts)
    opt = [c for c in (accepted_answer_id, tags, views, score) if c in present]
    p = intake(posts, "posts", [post_id, post_type, parent_id, author, created_at], opt)
    ids(p[post_id], "posts", post_id)
    notes: list[str] = []
    kind = _post_kinds(p[post_type])
    keep = kind.isin(["question", "answer"]).to_numpy()
    if (~keep).any():
        notes.append(
            f"table 'posts', column '{post_type}': {int((~keep).sum())} posts that are neither "
            "questions nor answers left out"
        )
    p, kind = p[keep].reset_index(drop=True), kind[keep].reset_index(drop=True)
    dup = p[post_id].duplicated().to_numpy()
    if dup.any():
        raise InputError(
            f"table 'posts', column '{post_id}': {int(dup.sum())} rows are duplicate post ids "
            f"(first at row {int(np.flatnonzero(dup)[0])}); post ids must be unique"
        )
    t = times(p[created_at], "posts", created_at)
    out = pd.DataFrame(
        {
            "post_id": p[post_id].to_numpy(),
            "post_type": kind.to_numpy(),
            "parent_id": _int_ids(p[parent_id].where(kind == "answer")).array,
            "author": _int_ids(p[author]).array,
            "created_at": t.to_numpy(),
        }
    )
    out["accepted_answer_id"] = (
        _int_ids(p[accepted_answer_id]).array if accepted_answer_id in p.columns else None
    )
    out["tags"] = _normalise_tags(p[tags]) if tags in p.columns else None
    if views in p.columns:
        out["views"] = p[views].to_numpy()
    if score in p.columns:
        out["score"] = p[score].to_numpy()
    com = _comments(comments, comment_id, post_id, author, created_at)
    inter = _interactions(out, com, notes)
    members = _memberships(out)
    cust = _customers(out, com, users, user_id)
    no_author = int(out["author"].isna().sum())
    if no_author:
        notes.append(
            f"table 'posts', column '{author}': {no_author} posts without an author (deleted "
            "users) make no interaction"
        )
    return StackExchange(
        posts=out,
        interactions=inter,
        memberships=members,
        comments=com,
        votes=None if votes is None else _frame(votes, "votes"),
        customers=cust,
        notes=tuple(notes),
    )


def _int_ids(values: pd.Series) -> pd.Series:
    """Float ids that are whole numbers (ints read with nulls) back to nullable integers."""
    if pd.api.types.is_float_dtype(values):
        x = values.to_numpy(dtype=np.float64)
        ok = np.isnan(x) | (x == np.round(x))
        if ok.all():
            return values.astype("Int64")
    return values


def _frame(data: Any, table: str) -> pd.DataFrame:
    return intake(data, table, columns_of(data), [])


def _post_kinds(values: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.map({1: "question", 2: "answer"}).fillna("other").astype(object)
    return values.astype("string").str.lower().fillna("other").astype(object)


def _normalise_tags(values: pd.Series) -> pd.Series:
    s = values.astype("string")
    angled = s.str.startswith("<").fillna(False)
    s = s.where(~angled, s.str.strip("<>").str.replace("><", "|", regex=False))
    return s.astype(object).where(s.notna(), None)


def _comments(
    comments: Any, comment_id: str, post_id: str, author: str, created_at: str
) -> pd.DataFrame:
    if comments is None:
        return pd.DataFrame(
            {
                "comment_id": pd.Series([], dtype=np.int64),
                "post_id": pd.Series([], dtype=np.int64),
                "author": pd.Series([], dtype=object),
                "created_at": pd.Series([], dtype="datetime64[ns]"),
            }
        )
    c = intake(comments, "comments", [comment_id, post_id, author, created_at], [])
    ids(c[post_id], "comments", post_id)
    return pd.DataFrame(
        {
            "comment_id": c[comment_id].to_numpy(),
            "post_id": c[post_id].to_numpy(),
            "author": _int_ids(c[author]).array,
            "created_at": times(c[created_at], "comments", created_at).to_numpy(),
        }
    )


def _interactions(posts: pd.DataFrame, com: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    author_of = pd.Series(posts["author"].array, index=posts["post_id"].to_numpy())
    ans = posts[posts["post_type"] == "answer"]
    accepted = pd.Index(posts["accepted_answer_id"].dropna().to_numpy())
    a = pd.DataFrame(
        {
            "source": ans["author"].array,
            "target": author_of.reindex(ans["parent_id"].to_numpy()).array,
            "timestamp": ans["created_at"].to_numpy(),
            "kind": np.where(ans["post_id"].isin(accepted), "accepted_answer", "answer"),
        }
    )
    on_post = com["post_id"].isin(author_of.index)
    if (~on_post).any():
        notes.append(
            f"table 'comments': {int((~on_post).sum())} comments on posts not in the posts "
            "table left out"
        )
    c = com[on_post.to_numpy()]
    cm = pd.DataFrame(
        {
            "source": c["author"].array,
            "target": author_of.reindex(c["post_id"].to_numpy()).array,
            "timestamp": c["created_at"].to_numpy(),
            "kind": "comment",
        }
    )
    both = pd.concat([a, cm], ignore_index=True)
    known = both["source"].notna() & both["target"].notna()
    if (~known).any():
        notes.append(
            f"{int((~known).sum())} answers or comments with a deleted user at either end left "
            "out of the interactions"
        )
    kb = both[known.to_numpy()]
    own = kb["source"].to_numpy(dtype=object) == kb["target"].to_numpy(dtype=object)
    if own.any():
        notes.append(
            f"{int(own.sum())} answers or comments on one's own post left out of the interactions"
        )
    out = kb[~own].reset_index(drop=True)
    for col in ("source", "target"):
        if isinstance(out[col].dtype, pd.Int64Dtype) or (
            out[col].dtype == object and isinstance(posts["author"].dtype, pd.Int64Dtype)
        ):
            out[col] = out[col].astype(np.int64)
    return out.astype({"kind": object})


def _memberships(posts: pd.DataFrame) -> pd.DataFrame:
    q = posts[posts["post_type"] == "question"]
    tag_rows = split_tags(pd.Series(q["tags"].to_numpy(), index=q["post_id"].to_numpy()))
    thread = np.where(posts["post_type"] == "question", posts["post_id"], posts["parent_id"])
    per_post = pd.DataFrame({"thread": thread, "customer": posts["author"].array})
    per_post = per_post[per_post["customer"].notna()]
    if isinstance(per_post["customer"].dtype, pd.Int64Dtype):
        per_post["customer"] = per_post["customer"].astype(np.int64)
    tagged = per_post.merge(
        pd.DataFrame({"thread": tag_rows.index.to_numpy(), "community": tag_rows.to_numpy()}),
        on="thread",
    )
    out = tagged.groupby(["customer", "community"], sort=True).size().rename("weight")
    return out.reset_index().astype({"weight": np.int64})


def _customers(posts: pd.DataFrame, com: pd.DataFrame, users: Any, user_id: str) -> pd.DataFrame:
    seen = pd.concat([posts["author"], com["author"]]).dropna()
    if isinstance(seen.dtype, pd.Int64Dtype):
        seen = seen.astype(np.int64)
    if users is not None:
        u = _frame(users, "users")
        if user_id not in u.columns:
            from .exceptions import MissingColumnError

            raise MissingColumnError(f"table 'users' has no column '{user_id}'")
        ids(u[user_id], "users", user_id)
        u = u.drop_duplicates(user_id).set_index(user_id)
        idx = u.index.append(pd.Index(seen.unique()))
        idx = idx[~idx.duplicated()]
        out = u.reindex(idx)
    else:
        out = pd.DataFrame(index=pd.Index(seen.unique()))
    try:
        out = out.sort_index()
    except TypeError:
        pass
    out.index.name = "customer"
    return out
