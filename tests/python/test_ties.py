"""Tie strength: hand-worked signals and scores, and strong ties on planted communities."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from socialcrm import Graph, InputError
from socialcrm.ties import tie_counts, tie_strength


def _events(rows):
    return pd.DataFrame(rows, columns=["source", "target", "timestamp", "kind"]).assign(
        timestamp=lambda d: pd.to_datetime(d["timestamp"])
    )


def test_tie_strength_hand_worked_signals():
    df = _events(
        [
            ("a", "b", "2024-03-31", "reply"),
            ("b", "a", "2024-03-31", "share"),
            ("a", "b", "2024-03-01", "reply"),
            ("a", "c", "2024-01-01", "reply"),
            ("c", "d", "2024-03-31", "mention"),
        ]
    )
    g = Graph.from_pandas(df, timestamp="timestamp", kind="kind")
    ties = tie_strength(g, recency_half_life="30D")
    ab, ac, cd = ties.loc[("a", "b")], ties.loc[("a", "c")], ties.loc[("c", "d")]
    assert ab["interactions"] == 3
    assert ab["reciprocity"] == pytest.approx(1 / 3)
    assert ac["reciprocity"] == 0.0
    assert ac["recency_days"] == pytest.approx(90.0)
    assert ac["recency_score"] == pytest.approx(0.125)
    assert ab["multiplexity"] == 2 and ab["multiplexity_score"] == pytest.approx(0.5)
    # Intensity: share of the other pairs with strictly smaller weight (a-b is the largest).
    assert ab["intensity"] == 1.0 and ac["intensity"] == 0.0
    expected_ab = 0.35 * 1.0 + 0.35 * 2 / 3 + 0.15 * 1.0 + 0.15 * 0.5
    assert ab["score"] == pytest.approx(expected_ab)
    expected_cd = 0.15 * 1.0
    assert cd["score"] == pytest.approx(expected_cd)
    assert ties["strong"].tolist() == [True, False, False]


def test_tie_strength_leaves_out_signals_the_graph_lacks():
    df = pd.DataFrame({"source": ["a", "b", "a"], "target": ["b", "a", "c"]})
    und = Graph.from_pandas(df, directed=False)
    ties = tie_strength(und)
    assert ties["reciprocity"].isna().all()
    # Only intensity remains: a-b has 2 events, a-c one.
    assert ties["score"].tolist() == [1.0, 0.0]


def test_tie_strength_custom_weights_and_threshold():
    df = pd.DataFrame({"source": ["a", "b"], "target": ["b", "a"]})
    ties = tie_strength(Graph.from_pandas(df), weights={"reciprocity": 1.0}, strong_threshold=1.0)
    assert ties["score"].tolist() == [1.0]
    assert ties["strong"].tolist() == [True]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"weights": {"loudness": 1.0}}, "weights must map"),
        ({"weights": {"intensity": -1.0}}, "weights must map"),
        ({"strong_threshold": 1.5}, "strong_threshold"),
        ({"weights": {"recency": 1.0}}, "no weight to any signal"),
    ],
)
def test_tie_strength_rejects_bad_parameters(kwargs, match):
    g = Graph.from_pandas(pd.DataFrame({"source": ["a"], "target": ["b"]}))
    with pytest.raises(InputError, match=match):
        tie_strength(g, **kwargs)


def test_tie_strength_empty_graph():
    g = Graph.from_pandas(pd.DataFrame({"source": [], "target": []}), nodes=["a"])
    assert tie_strength(g).empty
    counts = tie_counts(g)
    assert counts.loc["a", "ties"] == 0 and np.isnan(counts.loc["a", "mean_tie_strength"])


def test_tie_counts_match_the_pair_table(community):
    g = Graph.from_pandas(community.interactions, timestamp="timestamp", kind="kind")
    ties = g.tie_strength()
    counts = tie_counts(g, ties)
    pairs = ties.reset_index()
    ends = pd.concat(
        [
            pairs[["customer_a", "strong"]],
            pairs[["customer_b", "strong"]].rename(columns={"customer_b": "customer_a"}),
        ]
    )
    expected = ends.groupby("customer_a")["strong"].agg(["size", "sum"])
    got = counts.loc[expected.index]
    assert (got["ties"].to_numpy() == expected["size"].to_numpy()).all()
    assert (got["strong_ties"].to_numpy() == expected["sum"].to_numpy()).all()
    assert (counts["strong_ties"] + counts["weak_ties"] == counts["ties"]).all()


def test_tie_strength_separates_planted_strong_and_weak_ties():
    # Planted strong ties: repeated, two-way, recent, several kinds. Weak ones: a few one-way,
    # older, single-kind events. Activity levels overlap, so no single signal suffices.
    rng = np.random.default_rng(1)
    as_of = pd.Timestamp("2025-01-01")
    rows, truth = [], {}
    kinds = np.array(["reply", "mention", "share"])
    for pair in range(600):
        a, b = f"u{2 * pair:04d}", f"u{2 * pair + 1:04d}"
        strong = bool(rng.random() < 0.4)
        truth[(a, b)] = strong
        n = int(rng.integers(3, 12) if strong else rng.integers(1, 5))
        for _ in range(n):
            forward = rng.random() < (0.5 if strong else 0.95)
            age = rng.exponential(30 if strong else 200)
            kind = kinds[rng.integers(0, 3)] if strong else "reply"
            rows.append((a, b) if forward else (b, a))
            rows[-1] = (*rows[-1], as_of - pd.Timedelta(days=float(age)), kind)
    df = pd.DataFrame(rows, columns=["source", "target", "timestamp", "kind"])
    g = Graph.from_pandas(df, timestamp="timestamp", kind="kind", as_of=as_of)
    ties = g.tie_strength()
    planted = pd.Series(truth).reindex(ties.index)
    accuracy = (ties["strong"] == planted).mean()
    assert accuracy > 0.9
    assert ties.loc[planted, "score"].median() > ties.loc[~planted, "score"].median() + 0.3
