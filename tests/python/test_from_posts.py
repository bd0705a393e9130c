"""Graph.from_posts: the who-helped-whom graph from a forum table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from socialcrm import Graph
from socialcrm.exceptions import DataQualityWarning
from socialcrm.influence import degree

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def _forum() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "post_id": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
            "post_type": [
                "question",
                "answer",
                "answer",
                "comment",
                "comment",
                "question",
                "answer",
                "answer",
                "question",
                "comment",
            ],
            # 8 answers a missing post 99; 7 answers 6, which has no author.
            "parent_id": [None, 1, 1, 2, 1, None, 6, 99, None, 3],
            "author": ["ann", "bob", "cid", "ann", "dan", None, "bob", "cid", "eve", None],
            "created_at": pd.date_range("2024-01-01", periods=10, freq="D"),
            "accepted_answer_id": [3, None, None, None, None, None, None, None, None, None],
        }
    )


def test_from_posts_hand_made_forum():
    with pytest.warns(DataQualityWarning) as record:
        g = Graph.from_posts(_forum(), accepted_answer_id="accepted_answer_id")
    messages = [str(w.message) for w in record]
    assert len(messages) == 3
    assert any("2 posts without an author" in m and "'author'" in m for m in messages)
    assert any("1 replies whose parent post is not in the table" in m for m in messages)
    assert any("1 replies to posts without an author" in m for m in messages)
    assert list(g.notes) == messages
    # Every author is a customer, eve (question without answers) too.
    assert g.nodes.tolist() == ["ann", "bob", "cid", "dan", "eve"]
    e = g.to_pandas().set_index(["source", "target"])
    assert e["kinds"].to_dict() == {
        ("ann", "bob"): "comment",
        ("bob", "ann"): "answer",
        ("cid", "ann"): "accepted_answer",
        ("dan", "ann"): "comment",
    }
    assert e.loc[("bob", "ann"), "first_seen"] == pd.Timestamp("2024-01-02")
    assert g.as_of == pd.Timestamp("2024-01-05")
    d = degree(g)
    assert d.loc["ann"].tolist() == [3, 1, 3.0, 1.0]
    assert d.loc["eve"].tolist() == [0, 0, 0.0, 0.0]


def test_from_posts_without_types_or_times():
    posts = _forum().iloc[:5]
    g = Graph.from_posts(posts, post_type=None, created_at=None)
    assert set(g.to_pandas()["kinds"]) == {"reply"}
    assert not g.has_timestamps
    assert g.notes == ()
    assert g.n_edges == 4


def test_from_posts_thread_mode():
    posts = pd.DataFrame(
        {
            "post_id": [1, 2, 3, 5, 4, 6, 7],
            # Thread 1 starts with post 1; thread 100 has no post 100, so its earliest post
            # (4, by cid) starts it.
            "thread_id": [1, 1, 1, 100, 100, 100, 1],
            "author": ["ann", "bob", "cid", "dan", "cid", "ann", "ann"],
            "created_at": pd.to_datetime(
                [
                    "2024-01-01",
                    "2024-01-02",
                    "2024-01-03",
                    "2024-01-05",
                    "2024-01-04",
                    "2024-01-06",
                    "2024-01-07",
                ]
            ),
        }
    )
    with pytest.warns(DataQualityWarning, match="1 self-loop rows"):
        g = Graph.from_posts(posts, parent_id=None, thread_id="thread_id", post_type=None)
    edges = g.to_pandas()
    assert set(zip(edges["source"], edges["target"], strict=True)) == {
        ("bob", "ann"),
        ("cid", "ann"),
        ("dan", "cid"),
        ("ann", "cid"),
    }
    assert set(g.to_pandas()["kinds"]) == {"reply"}
    assert g.nodes.tolist() == ["ann", "bob", "cid", "dan"]
    assert len(g.notes) == 1 and "self-loop" in g.notes[0]


def test_from_posts_se_ai_degrees_match_pandas_merge():
    path = DATA / "se_ai_posts.csv.gz"
    if not path.exists():
        pytest.skip(f"ai.stackexchange posts not found at {path}")
    cols = ["post_id", "post_type", "parent_id", "accepted_answer_id", "author_id", "created_at"]
    posts = pd.read_csv(path, usecols=cols)
    with pytest.warns(DataQualityWarning) as record:
        g = Graph.from_posts(posts, author="author_id", accepted_answer_id="accepted_answer_id")
    assert any("1 posts without an author" in str(w.message) for w in record)
    # Independent computation: each answer joined to its question's author.
    askers = posts[["post_id", "author_id"]].rename(
        columns={"post_id": "parent_id", "author_id": "asker"}
    )
    answers = posts.loc[posts["parent_id"].notna(), ["post_id", "parent_id", "author_id"]]
    events = answers.rename(columns={"author_id": "answerer"}).merge(askers, on="parent_id")
    events = events.dropna(subset=["answerer", "asker"])
    self_answers = int((events["answerer"] == events["asker"]).sum())
    events = events[events["answerer"] != events["asker"]]
    assert any(f"{self_answers} self-loop rows" in str(w.message) for w in record)
    pairs = events.drop_duplicates(["answerer", "asker"])
    expected = pd.DataFrame(
        {
            "in_degree": pairs.groupby("asker").size(),
            "out_degree": pairs.groupby("answerer").size(),
            "in_strength": events.groupby("asker").size().astype(float),
            "out_strength": events.groupby("answerer").size().astype(float),
        }
    )
    authors = posts["author_id"].dropna().unique()
    expected = expected.reindex(np.sort(authors)).fillna(0)
    expected = expected.astype({"in_degree": "int64", "out_degree": "int64"})
    d = degree(g)
    assert set(g.nodes) == set(authors)
    pd.testing.assert_frame_equal(d, expected, check_index_type=False, check_names=False)
    # Accepted answers are their own kind.
    accepted = set(posts["accepted_answer_id"].dropna())
    n_accepted = int(events["post_id"].isin(accepted).sum())
    e = g.to_pandas()
    assert g.kinds == ("accepted_answer", "answer")
    assert e["kinds"].str.contains("accepted_answer").sum() <= n_accepted
    assert e["count"].sum() == len(events)
