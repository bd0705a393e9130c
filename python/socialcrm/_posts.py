"""Forum posts to interaction events: who replied to whom."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from . import _tables
from .exceptions import InputError


def posts_to_interactions(
    posts: Any,
    *,
    post_id: str,
    author: str,
    parent_id: str | None,
    thread_id: str | None,
    post_type: str | None,
    created_at: str | None,
    accepted_answer_id: str | None,
) -> tuple[pd.DataFrame, pd.Series, list[str]]:
    """Reply events (``source`` replier, ``target`` replied-to author, ``timestamp``, ``kind``),
    every author, and notes on the rows left out."""
    if (parent_id is None) == (thread_id is None):
        raise InputError("give exactly one of parent_id (reply structure) or thread_id (threads)")
    link = parent_id if parent_id is not None else thread_id
    optional = [c for c in (post_type, created_at, accepted_answer_id) if c is not None]
    table = _tables.to_pandas(posts, "posts", [post_id, author, link, *optional])
    table = table.reset_index(drop=True)
    _tables.check_no_nulls(table[post_id], "posts", post_id, "null post ids")
    dup = table[post_id].duplicated().to_numpy()
    if dup.any():
        raise InputError(
            f"table 'posts', column '{post_id}': {int(dup.sum())} post ids are duplicates "
            f"(first at row {int(np.flatnonzero(dup)[0])}); post ids must be unique"
        )
    notes: list[str] = []
    no_author = table[author].isna()
    if no_author.any():
        notes.append(
            f"table 'posts', column '{author}': {int(no_author.sum())} posts without an author "
            "(e.g. deleted accounts) left out"
        )
    authors = table.loc[~no_author, author].drop_duplicates().reset_index(drop=True)

    if parent_id is not None:
        replies = table[table[parent_id].notna()]
        parent_key = replies[parent_id]
    else:
        # A thread's starter is the post whose id is the thread id, else its earliest post.
        threads = table[table[thread_id].notna()]
        by_time = threads.sort_values(created_at, kind="stable") if created_at else threads
        starter = by_time.drop_duplicates(thread_id).set_index(thread_id)[post_id]
        own = starter.index.isin(table[post_id])
        starter[own] = starter.index[own]
        replies = threads[threads[post_id].to_numpy() != threads[thread_id].map(starter).to_numpy()]
        parent_key = replies[thread_id].map(starter)
    author_of = table.set_index(post_id)[author]
    target = parent_key.map(author_of)
    orphan = ~parent_key.isin(author_of.index)
    if orphan.any():
        notes.append(
            f"table 'posts', column '{link}': {int(orphan.sum())} replies whose parent post is "
            "not in the table left out"
        )
    keep = ~orphan & replies[author].notna() & target.notna()
    lost_target = int((~orphan & replies[author].notna() & target.isna()).sum())
    if lost_target:
        notes.append(
            f"table 'posts', column '{author}': {lost_target} replies to posts without an "
            "author left out"
        )
    events = pd.DataFrame(
        {"source": replies.loc[keep, author].to_numpy(), "target": target[keep].to_numpy()}
    )
    if created_at is not None:
        events["timestamp"] = replies.loc[keep, created_at].to_numpy()
    kind = (
        replies.loc[keep, post_type].astype(str).str.lower().to_numpy()
        if post_type is not None
        else np.full(int(keep.sum()), "reply", dtype=object)
    )
    if accepted_answer_id is not None:
        accepted = set(table[accepted_answer_id].dropna().tolist())
        is_accepted = replies.loc[keep, post_id].isin(accepted).to_numpy()
        kind = np.where(is_accepted, "accepted_answer", kind)
    events["kind"] = kind
    return events, authors, notes
