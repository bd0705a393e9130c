"""socialcrm.io: the Stack Exchange importer against independent pandas counts on the shared
Stack Exchange tables (read in place, never copied)."""

from __future__ import annotations

import doctest
import warnings

import numpy as np
import pandas as pd
import pytest

from socialcrm import io
from socialcrm.exceptions import InputError, MissingColumnError
from socialcrm.value import peer_support

DATA = "/work/shared/data/"


def test_docstring_examples_run():
    result = doctest.testmod(io, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


def se_tables(site):
    posts = pd.read_csv(DATA + f"se_{site}_posts.csv.gz")
    comments = pd.read_csv(DATA + "se_ai_comments.csv.gz") if site == "ai" else None
    return posts, comments


@pytest.mark.parametrize("site", ["ai", "beer"])
def test_stack_exchange_counts_match_pandas(site):
    posts, comments = se_tables(site)
    se = io.stack_exchange(posts, comments)
    # independent per-customer counts from the raw dump columns
    raw = posts.dropna(subset=["author_id"]).astype({"author_id": np.int64})
    questions = raw[raw.post_type == "question"].groupby("author_id").size()
    answers = raw[raw.post_type == "answer"].groupby("author_id").size()
    acc_ids = set(posts["accepted_answer_id"].dropna().astype(np.int64))
    accepted = raw[raw.post_id.isin(acc_ids)].groupby("author_id").size()
    r = peer_support(se.posts, tags="tags")
    for got, want in (
        ("questions", questions),
        ("answers", answers),
        ("accepted_answers", accepted),
    ):
        g = r.customers[got]
        assert (g[g > 0].sort_index() == want.sort_index()).all(), got
        assert g.sum() == want.sum()
    # interactions: answers to other people, comments on other people's posts
    author_of = posts.set_index("post_id")["author_id"]
    ans = raw[raw.post_type == "answer"]
    asker = ans["parent_id"].map(author_of)
    n_ans = int((asker.notna() & (asker != ans["author_id"])).sum())
    kinds = se.interactions["kind"].value_counts()
    assert kinds.get("answer", 0) + kinds.get("accepted_answer", 0) == n_ans
    if comments is not None:
        c = comments.dropna(subset=["author_id"])
        target = c["post_id"].map(author_of)
        keep = target.notna() & (target != c["author_id"])
        made = c[keep].groupby("author_id").size()
        got = se.interactions[se.interactions.kind == "comment"].groupby("source").size()
        assert (got.sort_index() == made.sort_index().astype(np.int64)).all()
        assert got.index.tolist() == sorted(made.index.astype(np.int64).tolist())
    # memberships: posts (questions + answers) per customer and tag
    q = posts[posts.post_type == "question"][["post_id", "tags"]]
    thread = np.where(posts.post_type == "question", posts.post_id, posts.parent_id)
    pt = (
        posts.assign(thread=thread)
        .dropna(subset=["author_id"])
        .merge(q.rename(columns={"post_id": "thread", "tags": "qtags"}), on="thread")
    )
    pt = pt.assign(tag=pt["qtags"].str.split("|")).explode("tag")
    want = pt.groupby(["author_id", "tag"]).size()
    got = se.memberships.set_index(["customer", "community"])["weight"]
    assert got.sum() == want.sum()
    assert len(got) == len(want)
    g = se.graph()
    assert g.n_nodes == len(se.customers)


def test_stack_exchange_graph_matches_from_posts_answer_edges():
    posts, _ = se_tables("beer")
    se = io.stack_exchange(posts)
    g = se.graph()
    edges = g.to_pandas()
    assert edges["count"].sum() == len(se.interactions)


def test_stack_exchange_bad_input():
    posts, _ = se_tables("beer")
    with pytest.raises(MissingColumnError, match="author_id"):
        io.stack_exchange(posts.drop(columns="author_id"))
    dup = posts.copy()
    dup.loc[5, "post_id"] = dup.loc[4, "post_id"]
    with pytest.raises(InputError, match="1 rows are duplicate post ids"):
        io.stack_exchange(dup)
    bad = posts.copy()
    bad.loc[[0, 1, 2], "created_at"] = "not a time"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # pandas' format inference warning
        with pytest.raises(InputError, match="column 'created_at': 3 rows"):
            io.stack_exchange(bad)
