"""Tests for socialcrm.datasets.synthetic_community: shape, integrity and planted truth."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
from scipy.special import hyp2f1

from socialcrm.datasets import synthetic_community

COLUMNS = {
    "customers": ["customer", "region", "signup_date", "interest_community", "true_influence"],
    "interactions": ["source", "target", "timestamp", "kind"],
    "memberships": ["customer", "community", "joined_at", "weight"],
    "posts": [
        "post_id",
        "post_type",
        "parent_id",
        "author",
        "created_at",
        "accepted_answer_id",
        "tags",
        "views",
        "community",
    ],
    "transactions": ["customer", "timestamp", "amount"],
    "referrals": ["referrer", "referee", "timestamp", "incentive", "would_join_anyway"],
    "ideas": ["idea_id", "author", "created_at", "status", "value"],
    "votes": ["idea_id", "voter", "created_at", "kind"],
}
ID_COLUMNS = {
    "interactions": ["source", "target"],
    "memberships": ["customer"],
    "posts": ["author"],
    "transactions": ["customer"],
    "referrals": ["referrer", "referee"],
    "ideas": ["author"],
    "votes": ["voter"],
}
TIME_COLUMNS = {
    "customers": "signup_date",
    "interactions": "timestamp",
    "memberships": "joined_at",
    "posts": "created_at",
    "transactions": "timestamp",
    "referrals": "timestamp",
    "ideas": "created_at",
    "votes": "created_at",
}


@pytest.fixture(scope="module")
def data():
    return synthetic_community()


@pytest.fixture(scope="module")
def large():
    return synthetic_community(20_000, seed=3)


def _is_customer(data, ids: pd.Series) -> np.ndarray:
    return ids.isin(data.customers["customer"]).to_numpy()


def _customer_edges(data) -> pd.DataFrame:
    it = data.interactions
    return it[_is_customer(data, it["source"]) & _is_customer(data, it["target"])]


def _answers_with_questions(data) -> tuple[pd.DataFrame, pd.DataFrame]:
    posts = data.posts
    answers = posts[posts["post_type"] == "answer"]
    questions = posts.set_index("post_id").loc[answers["parent_id"].astype("int64")]
    return answers, questions


def test_synthetic_community_is_deterministic(data):
    again = synthetic_community()
    for name, table in data.tables().items():
        if isinstance(table, pd.Series):
            pd.testing.assert_series_equal(table, again.tables()[name])
        else:
            pd.testing.assert_frame_equal(table, again.tables()[name])
    assert again.params == data.params


def test_synthetic_community_seeds_differ(data):
    other = synthetic_community(seed=1)
    for name in COLUMNS:
        assert not data.tables()[name].equals(other.tables()[name]), name


def test_synthetic_community_has_the_data_model_columns(data):
    tables = data.tables()
    assert set(tables) == {*COLUMNS, "staff"}
    for name, columns in COLUMNS.items():
        assert list(tables[name].columns) == columns, name
        assert tables[name][TIME_COLUMNS[name]].dtype == np.dtype("datetime64[ns]"), name
    for column in ("parent_id", "accepted_answer_id", "views"):
        assert data.posts[column].dtype == pd.Int64Dtype()
    assert data.staff.tolist() == ["S001", "S002", "S003", "S004", "S005"]
    assert data.customers["customer"].iloc[0] == "C00001"
    assert {"r", "alpha", "a", "b", "p", "q", "v", "mixing", "n_communities"} <= set(data.params)


def test_synthetic_community_ids_refer_to_customers_or_staff(data):
    customers, staff = set(data.customers["customer"]), set(data.staff)
    assert data.customers["customer"].is_unique
    assert not customers & staff
    for name, columns in ID_COLUMNS.items():
        for column in columns:
            assert data.tables()[name][column].isin(customers | staff).all(), (name, column)
    for name, column in [
        ("memberships", "customer"),
        ("transactions", "customer"),
        ("referrals", "referrer"),
        ("referrals", "referee"),
        ("ideas", "author"),
    ]:
        assert data.tables()[name][column].isin(customers).all(), (name, column)
    posts = data.posts
    assert posts["post_id"].is_unique
    assert posts["parent_id"].dropna().isin(posts["post_id"]).all()
    assert data.votes["idea_id"].isin(data.ideas["idea_id"]).all()
    assert data.ideas["idea_id"].is_unique


def test_synthetic_community_has_no_self_loops(data):
    assert (data.interactions["source"] != data.interactions["target"]).all()


@pytest.mark.parametrize("mixing", [0.1, 0.3])
def test_synthetic_community_respects_planted_mixing(mixing):
    data = synthetic_community(mixing=mixing)
    community = data.customers.set_index("customer")["interest_community"]
    edges = _customer_edges(data)
    inside = community.loc[edges["source"]].to_numpy() == community.loc[edges["target"]].to_numpy()
    assert inside.mean() == pytest.approx(1 - mixing, abs=0.05)
    assert set(community) == set(range(data.params["n_communities"]))


def test_synthetic_community_answers_follow_their_questions(data):
    answers, questions = _answers_with_questions(data)
    assert (questions["post_type"] == "question").all()
    assert (answers["created_at"].to_numpy() > questions["created_at"].to_numpy()).all()
    children = data.posts[data.posts["parent_id"].notna()]
    parents = data.posts.set_index("post_id").loc[children["parent_id"].astype("int64")]
    assert (children["created_at"].to_numpy() > parents["created_at"].to_numpy()).all()
    assert data.posts["parent_id"].isna().eq(data.posts["post_type"] == "question").all()


def test_synthetic_community_accepted_answers_belong_to_their_question(data):
    posts = data.posts
    accepting = posts[posts["accepted_answer_id"].notna()]
    assert (accepting["post_type"] == "question").all()
    accepted = posts.set_index("post_id").loc[accepting["accepted_answer_id"].astype("int64")]
    assert (accepted["post_type"] == "answer").all()
    assert (accepted["parent_id"].to_numpy() == accepting["post_id"].to_numpy()).all()


def test_synthetic_community_question_rates_are_realistic(data):
    posts = data.posts
    questions = posts[posts["post_type"] == "question"]
    answered = questions["post_id"].isin(posts.loc[posts["post_type"] == "answer", "parent_id"])
    assert 0.08 < 1 - answered.mean() < 0.25
    assert 0.45 < questions["accepted_answer_id"].notna().sum() / answered.sum() < 0.65
    assert questions["views"].notna().all() and (questions["views"] >= 0).all()
    assert questions["tags"].notna().all()


def test_synthetic_community_answer_events_match_posts(data):
    answers, questions = _answers_with_questions(data)
    from_posts = pd.DataFrame(
        {
            "source": answers["author"].to_numpy(),
            "target": questions["author"].to_numpy(),
            "timestamp": answers["created_at"].to_numpy(),
        }
    )
    events = data.interactions.loc[data.interactions["kind"] == "answer", list(from_posts)]
    key = ["source", "target", "timestamp"]
    pd.testing.assert_frame_equal(
        from_posts.sort_values(key).reset_index(drop=True),
        events.sort_values(key).reset_index(drop=True),
    )


def test_synthetic_community_interactions_are_realistic(data):
    it = data.interactions
    assert 15 <= len(it) / len(data.customers) <= 25
    assert set(it["kind"]) == {"reply", "mention", "share", "answer"}
    staff_share = 1 - len(_customer_edges(data)) / len(it)
    assert 0.02 < staff_share < 0.1
    pairs = it.groupby(["source", "target"]).size()
    assert (pairs > 1).mean() > 0.2
    assert pairs.index.isin(pairs.index.swaplevel()).mean() > 0.2


def test_synthetic_community_activity_is_heavy_tailed(data):
    edges = _customer_edges(data)
    counts = pd.concat([edges["source"], edges["target"]]).value_counts()
    counts = counts.reindex(data.customers["customer"], fill_value=0).sort_values(ascending=False)
    assert counts.iloc[: len(counts) // 10].sum() / counts.sum() > 0.35


def test_synthetic_community_influential_customers_are_targeted_more(data):
    in_degree = _customer_edges(data)["target"].value_counts()
    customers = data.customers.set_index("customer")
    in_degree = in_degree.reindex(customers.index, fill_value=0)
    assert in_degree.rank().corr(customers["true_influence"].rank()) > 0.5
    assert (customers["true_influence"] >= 0).all()


def test_synthetic_community_timestamps_lie_in_window(data):
    start, end = pd.Timestamp("2024-01-01"), pd.Timestamp("2025-12-31")
    signup = data.customers.set_index("customer")["signup_date"]
    for name, column in TIME_COLUMNS.items():
        table = data.tables()[name]
        assert table[column].between(start, end).all(), name
        # Referees are referred just before they sign up; everyone else acts after signup.
        for who in [c for c in ID_COLUMNS.get(name, []) if c != "referee"]:
            mine = table[_is_customer(data, table[who])]
            acted = mine[column].to_numpy()
            assert (acted >= signup.loc[mine[who]].to_numpy()).all(), (name, who)


def test_synthetic_community_memberships_overlap(data):
    members = data.memberships
    assert (members["weight"] > 0).all()
    assert not members.duplicated(["customer", "community"]).any()
    topical = members[members["community"].str.startswith("forum-")]
    per_customer = topical.groupby("customer").size()
    assert (per_customer > 1).any()
    assert not data.customers["customer"].isin(members["customer"]).all()


def test_synthetic_community_referrals_precede_signup(data):
    referrals = data.referrals
    signup = data.customers.set_index("customer")["signup_date"]
    assert referrals["referee"].is_unique
    assert len(referrals) == pytest.approx(0.1 * len(data.customers), rel=0.2)
    assert (referrals["timestamp"].to_numpy() <= signup.loc[referrals["referee"]].to_numpy()).all()
    assert (signup.loc[referrals["referrer"]].to_numpy() <= referrals["timestamp"].to_numpy()).all()
    assert referrals["would_join_anyway"].between(0, 1).all()


def test_synthetic_community_votes_are_unique_and_after_the_idea(data):
    votes, ideas = data.votes, data.ideas.set_index("idea_id")
    assert not votes.duplicated(["idea_id", "voter"]).any()
    assert (
        votes["created_at"].to_numpy() > ideas.loc[votes["idea_id"], "created_at"].to_numpy()
    ).all()
    assert set(votes["kind"]) == {"vote", "comment"}
    assert ideas["value"].notna().eq(ideas["status"] == "implemented").all()
    assert set(ideas["status"]) == {"submitted", "under review", "implemented", "declined"}


def test_synthetic_community_every_customer_buys(data):
    tx = data.transactions
    assert set(tx["customer"]) == set(data.customers["customer"])
    assert (tx["amount"] > 0).all()
    first = tx.groupby("customer")["timestamp"].min()
    signup = data.customers.set_index("customer")["signup_date"]
    pd.testing.assert_series_equal(first, signup.loc[first.index], check_names=False)


def _bgnbd_expected_repeats(t: float, r: float, alpha: float, a: float, b: float) -> float:
    """E[X(t)] of the BG/NBD model (Fader, Hardie & Lee 2005, eq. 9)."""
    tail = (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, t / (alpha + t))
    return (a + b - 1) / (a - 1) * (1 - tail)


def test_synthetic_community_matches_bgnbd_expectation(large):
    p, weeks = large.params, 52
    signup = large.customers.set_index("customer")["signup_date"]
    signup = signup[signup <= p["end"] - pd.Timedelta(weeks=weeks)]  # a full first year observed
    tx = large.transactions[large.transactions["customer"].isin(signup.index)]
    year_end = signup.loc[tx["customer"]].to_numpy() + np.timedelta64(7 * weeks, "D")
    in_year = pd.Series(tx["timestamp"].to_numpy() <= year_end)
    repeats = in_year.groupby(tx["customer"].to_numpy()).sum() - 1  # the first is at signup
    assert len(repeats) > 10_000
    expected = _bgnbd_expected_repeats(weeks, p["r"], p["alpha"], p["a"], p["b"])
    assert repeats.mean() == pytest.approx(expected, rel=0.10)


def test_synthetic_community_matches_gamma_gamma_mean_spend(large):
    p = large.params
    expected = p["p"] * p["v"] / (p["q"] - 1)  # E[z] = p E[1/nu] with nu ~ Gamma(q, v)
    assert large.transactions["amount"].mean() == pytest.approx(expected, rel=0.10)


def test_synthetic_community_handles_small_and_staffless_inputs():
    data = synthetic_community(10, n_communities=1, n_staff=0, start="2024-01-01", end="2024-01-02")
    assert data.staff.empty and len(data.customers) == 10
    assert not data.interactions["source"].str.startswith("S").any()
    assert (data.interactions["source"] != data.interactions["target"]).all()


def test_synthetic_community_is_fast():
    began = time.perf_counter()
    synthetic_community(2000, seed=5)
    assert time.perf_counter() - began < 1.0


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"n_customers": 9}, "n_customers"),
        ({"n_customers": 100.0}, "n_customers"),
        ({"n_customers": True}, "n_customers"),
        ({"seed": -1}, "seed"),
        ({"n_communities": 0}, "n_communities"),
        ({"n_customers": 100, "n_communities": 21}, "n_communities"),
        ({"mixing": 1.0}, "mixing"),
        ({"mixing": -0.1}, "mixing"),
        ({"mixing": float("nan")}, "mixing"),
        ({"n_staff": -1}, "n_staff"),
        ({"start": "2026-01-01"}, "start"),
        ({"start": "not a date"}, "start"),
        ({"end": "2025-12-31T00:00:00+01:00"}, "end"),
    ],
)
def test_synthetic_community_rejects_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=f"`{name}` must be") as info:
        synthetic_community(**kwargs)
    assert f"got {kwargs[name]!r}" in str(info.value)
