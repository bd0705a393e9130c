"""Co-creation value: peer support, ideation, referral, influence, knowledge and engagement
value, community health and company centrality, against hand-worked cases and independent
pandas computations."""

from __future__ import annotations

import doctest
import importlib
import math
import time

import numpy as np
import pandas as pd
import pytest

from socialcrm import Graph
from socialcrm.exceptions import InputError, MissingColumnError
from socialcrm.value import (
    community_health,
    company_centrality,
    engagement_value,
    gini,
    ideation,
    influencer_value,
    knowledge_value,
    peer_support,
    referral_value,
    value_quadrants,
)

MODULES = [
    "socialcrm._peer_support",
    "socialcrm._ideation",
    "socialcrm._referral",
    "socialcrm._influence_value",
    "socialcrm._knowledge",
    "socialcrm._engagement",
    "socialcrm._health",
    "socialcrm._company",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    result = doctest.testmod(
        importlib.import_module(name), optionflags=doctest.NORMALIZE_WHITESPACE
    )
    assert result.attempted > 0
    assert result.failed == 0


# ---------------------------------------------------------------------- random posts
def random_posts(n_questions, seed, *, n_users=50, comments=True, accepted=True):
    rng = np.random.default_rng(seed)
    t0 = np.datetime64("2024-01-01T00:00:00")
    q_time = t0 + rng.integers(0, 200 * 86400, n_questions).astype("timedelta64[s]")
    rows = []
    pid = 0
    tags_pool = ["a", "b", "c", "d"]
    for i in range(n_questions):
        pid += 1
        qid = pid
        k = int(rng.integers(1, 3))
        tags = "|".join(rng.choice(tags_pool, k, replace=False))
        asker = int(rng.integers(0, n_users))
        rows.append((qid, None, "question", asker, q_time[i], None, tags))
        answer_ids = []
        for _ in range(int(rng.poisson(1.5))):
            pid += 1
            at = q_time[i] + np.timedelta64(int(rng.integers(1, 100_000)), "s")
            rows.append((pid, qid, "answer", int(rng.integers(0, n_users)), at, None, None))
            answer_ids.append(pid)
            if comments and rng.random() < 0.5:
                pid += 1
                ct = at + np.timedelta64(int(rng.integers(1, 1000)), "s")
                rows.append(
                    (pid, pid - 1, "comment", int(rng.integers(0, n_users)), ct, None, None)
                )
        if accepted and answer_ids and rng.random() < 0.5:
            rows[[r[0] for r in rows].index(qid)] = (
                *rows[[r[0] for r in rows].index(qid)][:5],
                int(rng.choice(answer_ids)),
                tags,
            )
    df = pd.DataFrame(
        rows,
        columns=[
            "post_id",
            "parent_id",
            "post_type",
            "author",
            "created_at",
            "accepted_answer_id",
            "tags",
        ],
    )
    df["parent_id"] = df["parent_id"].astype("Int64")
    df["accepted_answer_id"] = df["accepted_answer_id"].astype("Int64")
    return df


def oracle_peer(df, freq="MS", cost=10.0, rate=0.5):
    """Straightforward pandas peer-support figures, one thread at a time."""
    by_id = df.set_index("post_id")
    root = {}
    for pid, _parent in zip(df["post_id"], df["parent_id"], strict=True):
        x = pid
        while not pd.isna(by_id.at[x, "parent_id"]):
            x = by_id.at[x, "parent_id"]
        root[pid] = x
    df = df.assign(thread=df["post_id"].map(root))
    threads = {}
    for tid, grp in df.groupby("thread"):
        q = by_id.loc[tid]
        replies = grp[grp["post_id"] != tid]
        others = replies[replies["author"] != q["author"]]
        first = (others["created_at"].min() - q["created_at"]) / pd.Timedelta(hours=1)
        acc = q["accepted_answer_id"]
        solved = (not pd.isna(acc)) and acc in set(grp.loc[grp.post_type == "answer", "post_id"])
        solver = by_id.at[acc, "author"] if solved else None
        threads[tid] = {
            "answers": int((replies.post_type == "answer").sum()),
            "first": first if len(others) else np.nan,
            "answered": bool((others.post_type == "answer").any()),
            "solved": solved,
            "peer_solved": solved and solver != q["author"],
            "solver": solver,
            "created_at": q["created_at"],
            "tags": q["tags"],
        }
    th = pd.DataFrame.from_dict(threads, orient="index")
    cust = pd.DataFrame(index=sorted(df["author"].unique()))
    for role, col in (("question", "questions"), ("answer", "answers"), ("comment", "comments")):
        cust[col] = df[df.post_type == role].groupby("author").size().reindex(cust.index).fillna(0)
    cust["accepted_answers"] = th.loc[th.solved, "solver"].value_counts().reindex(cust.index)
    cust["accepted_answers"] = cust["accepted_answers"].fillna(0)
    cust["solutions"] = th.loc[th.peer_solved, "solver"].value_counts().reindex(cust.index)
    cust["solutions"] = cust["solutions"].fillna(0)
    cust["deflection_value"] = cust["solutions"] * cost * rate
    ans = df[df.post_type == "answer"]
    asker = ans["thread"].map(by_id["author"])
    helped = ans.assign(asker=asker.to_numpy())
    helped = helped[helped.asker != helped.author]
    cust["customers_helped"] = helped.groupby("author")["asker"].nunique().reindex(cust.index)
    cust["customers_helped"] = cust["customers_helped"].fillna(0)
    delay = (ans["created_at"] - ans["thread"].map(by_id["created_at"])) / pd.Timedelta(hours=1)
    cust["median_response_hours"] = delay.groupby(ans["author"]).median().reindex(cust.index)
    # communities: tags x month
    rows = []
    for tid, t in th.iterrows():
        for tag in t["tags"].split("|"):
            rows.append((tag, t["created_at"].to_period("M").start_time, tid))
    tc = pd.DataFrame(rows, columns=["community", "period", "thread"]).join(th, on="thread")
    comm = {}
    for key, grp in tc.groupby(["community", "period"]):
        a = ans[ans["thread"].isin(grp["thread"])].groupby("author").size()
        k = math.ceil(len(a) / 100) if len(a) else 0
        top = a.sort_values(ascending=False).head(k).sum()
        comm[key] = {
            "threads": len(grp),
            "solution_rate": grp["solved"].mean(),
            "median_first_response_hours": grp["first"].median(),
            "p90_first_response_hours": grp["first"].quantile(0.9),
            "unanswered_share": 1 - grp["answered"].mean(),
            "answers": int(a.sum()),
            "top1pct_answer_share": top / a.sum() if a.sum() else np.nan,
        }
    return cust, th, pd.DataFrame.from_dict(comm, orient="index")


@pytest.mark.parametrize("seed", range(4))
def test_peer_support_matches_pandas_oracle_on_random_posts(seed):
    df = random_posts(120, seed)
    r = peer_support(df, tags="tags", cost_per_contact=10, deflection_rate=0.5)
    cust, th, comm = oracle_peer(df)
    cols = [
        "questions",
        "answers",
        "comments",
        "accepted_answers",
        "solutions",
        "deflection_value",
        "customers_helped",
        "median_response_hours",
    ]
    got = r.customers.loc[cust.index, cols].astype(float)
    pd.testing.assert_frame_equal(got, cust[cols].astype(float), check_dtype=False)
    t = r.threads.loc[th.index]
    np.testing.assert_allclose(t["first_response_hours"], th["first"].astype(float))
    assert (t["answered"].to_numpy() == th["answered"].to_numpy()).all()
    assert (t["solved"].to_numpy() == th["solved"].to_numpy()).all()
    assert (t["peer_solved"].to_numpy() == th["peer_solved"].to_numpy()).all()
    assert t["answers"].tolist() == th["answers"].tolist()
    c = r.communities.copy()
    c.index = c.index.to_flat_index()
    c = c.loc[comm.index]
    for col in comm.columns:
        np.testing.assert_allclose(c[col].astype(float), comm[col].astype(float), err_msg=col)
    assert r.deflection["peer_solved_threads"].sum() == th["peer_solved"].sum()
    assert r.deflection["savings"].sum() == pytest.approx(th["peer_solved"].sum() * 5.0)


def test_peer_support_without_accepted_column_credits_first_peer_answer():
    df = pd.DataFrame(
        {
            "post_id": [1, 2, 3, 4],
            "parent_id": [None, 1, 1, 1],
            "author": ["ann", "ann", "cid", "bob"],
            "created_at": pd.to_datetime(
                ["2024-01-01 00:00", "2024-01-01 01:00", "2024-01-01 03:00", "2024-01-01 02:00"]
            ),
        }
    )
    r = peer_support(df)
    assert r.threads.loc[1, "solver"] == "bob"
    assert r.threads.loc[1, "first_response_hours"] == 2.0
    assert r.customers.loc["bob", "solutions"] == 1
    assert r.customers.loc["ann", "answers"] == 1  # own answer is an answer, not a response


def test_peer_support_staff_solutions_are_not_peer_support():
    df = pd.DataFrame(
        {
            "post_id": [1, 2],
            "parent_id": [None, 1],
            "post_type": ["question", "answer"],
            "author": ["ann", "rep"],
            "created_at": pd.to_datetime(["2024-01-01", "2024-01-02"]),
            "accepted_answer_id": [2, None],
        }
    )
    r = peer_support(df, staff=["rep"])
    assert r.threads.loc[1, "solved"] and not r.threads.loc[1, "peer_solved"]
    assert r.customers.loc["rep", "staff"]
    assert r.deflection["savings"].sum() == 0


def test_peer_support_a_million_posts_runs_in_seconds():
    rng = np.random.default_rng(0)
    n_q = 400_000
    n = 1_000_000
    post_id = np.arange(n)
    parent = np.full(n, -1)
    parent[n_q:] = rng.integers(0, n_q, n - n_q)
    t = np.datetime64("2020-01-01") + rng.integers(0, 10**8, n).astype("timedelta64[s]")
    t[n_q:] = t[parent[n_q:]] + rng.integers(1, 10**5, n - n_q).astype("timedelta64[s]")
    df = pd.DataFrame(
        {
            "post_id": post_id,
            "parent_id": pd.array(np.where(parent >= 0, parent, 0), dtype="Int64"),
            "author": rng.integers(0, 50_000, n),
            "created_at": t,
            "tags": rng.choice(["a|b", "c", "d|e|f"], n),
        }
    )
    df.loc[: n_q - 1, "parent_id"] = pd.NA
    start = time.perf_counter()
    r = peer_support(df, tags="tags", post_type=None)
    elapsed = time.perf_counter() - start
    assert r.customers["answers"].sum() == n - n_q
    assert elapsed < 30, elapsed


# ---------------------------------------------------------------------- ideation
def test_gini_matches_direct_formula():
    rng = np.random.default_rng(3)
    for _ in range(20):
        x = rng.integers(0, 20, int(rng.integers(1, 40))).astype(float)
        if x.sum() == 0:
            assert math.isnan(gini(x))
            continue
        direct = np.abs(x[:, None] - x[None, :]).sum() / (2 * len(x) ** 2 * x.mean())
        assert gini(x) == pytest.approx(direct, abs=1e-12)
    assert gini([5]) == 0.0


@pytest.mark.parametrize("seed", range(3))
def test_ideation_matches_pandas_on_random_tables(seed):
    rng = np.random.default_rng(seed)
    n = 200
    ideas = pd.DataFrame(
        {
            "idea_id": np.arange(n),
            "author": rng.integers(0, 30, n),
            "created_at": pd.Timestamp("2024-01-01")
            + pd.to_timedelta(rng.integers(0, 300, n), "D"),
            "status": rng.choice(["submitted", "implemented", "declined", "Implemented"], n),
            "community": rng.choice(["app", "web"], n),
        }
    )
    m = 1000
    votes = pd.DataFrame(
        {
            "idea_id": rng.integers(0, n + 5, m),
            "voter": rng.integers(0, 60, m),
            "kind": rng.choice(["vote", "comment"], m, p=[0.8, 0.2]),
        }
    )
    r = ideation(ideas, votes)
    v = votes[votes.idea_id < n]
    done = ideas.status.str.lower() == "implemented"
    per_idea = v[v.kind == "vote"].groupby("idea_id").size().reindex(ideas.idea_id, fill_value=0)
    want_votes = per_idea.groupby(ideas.set_index("idea_id")["author"]).sum()
    c = r.customers
    assert (c.loc[want_votes.index, "votes_received"] == want_votes).all()
    assert (
        c.loc[ideas.author.unique(), "ideas_submitted"]
        == ideas.groupby("author").size().loc[ideas.author.unique()]
    ).all()
    impl = done.groupby(ideas.author).sum()
    assert (c.loc[impl.index, "implemented"] == impl).all()
    np.testing.assert_allclose(
        c.loc[impl.index, "implementation_rate"], impl / ideas.groupby("author").size()
    )
    cast = v[v.kind == "vote"].groupby("voter").size()
    assert (c.loc[cast.index, "votes_cast"] == cast).all()
    for comm, grp in ideas.groupby("community"):
        x = per_idea.loc[grp.idea_id].to_numpy().astype(float)
        direct = np.abs(x[:, None] - x[None, :]).sum() / (2 * len(x) ** 2 * x.mean())
        assert r.communities.loc[comm, "vote_gini"] == pytest.approx(direct)
        assert r.communities.loc[comm, "implementation_rate"] == pytest.approx(
            done[grp.index].mean()
        )
    assert r.vote_gini == pytest.approx(gini(per_idea.to_numpy()))
    assert any("not in the ideas table" in note for note in r.notes) == (votes.idea_id >= n).any()


# ---------------------------------------------------------------------- referral value
def test_referral_value_hand_worked_with_discounting():
    refs = pd.DataFrame(
        {
            "referrer": ["ann", "ann", "bob"],
            "referee": ["cid", "dan", "eve"],
            "timestamp": pd.to_datetime(["2024-01-10", "2024-07-10", "2024-12-31"]),
            "incentive": [5.0, 5.0, 0.0],
            "anyway": [0.0, 1.0, 0.5],
        }
    )
    clv = pd.Series({"cid": 100.0, "dan": 200.0, "eve": 40.0})
    out = referral_value(
        refs,
        clv,
        incentive="incentive",
        would_join_anyway="anyway",
        acquisition_cost=20.0,
        retention_cost=10.0,
        horizon="12M",
        discount_rate=0.01,
    )
    end = pd.Timestamp("2024-12-31")

    def period(ts):
        age = (end - ts) / pd.Timedelta(days=30.4375)
        return min(math.floor(12 - age) + 1, 12)

    d = [1.01 ** (-period(pd.Timestamp(s))) for s in ("2024-01-10", "2024-07-10", "2024-12-31")]
    assert period(pd.Timestamp("2024-01-10")) == 1
    ann = (1.0 * (100 - 5 - 10) + 20) * d[0] + (0.0 * (200 - 5 - 10) + 20) * d[1]
    bob = (0.5 * (40 - 0 - 10) + 20) * d[2]
    assert out.loc["ann", "crv"] == pytest.approx(ann)
    assert out.loc["bob", "crv"] == pytest.approx(bob)
    assert out.loc["ann", "referrals"] == 2 and out.loc["cid", "crv"] == 0.0
    assert out.loc["ann", "won_referees"] == pytest.approx(1.0)


def test_referral_value_window_and_defaults():
    refs = pd.DataFrame(
        {
            "referrer": ["a", "a"],
            "referee": ["b", "c"],
            "timestamp": pd.to_datetime(["2022-01-01", "2024-06-01"]),
        }
    )
    clv = pd.Series({"b": 10.0, "c": 30.0})
    out = referral_value(refs, clv, horizon="1Y", discount_rate=0.0, join_anyway_share=0.25)
    assert out.loc["a", "referrals"] == 1
    assert out.loc["a", "crv"] == pytest.approx(0.75 * 30)
    assert any("outside" in n for n in out.attrs["notes"])
    no_time = referral_value(refs.drop(columns="timestamp"), clv, discount_rate=0.0)
    assert no_time.loc["a", "crv"] == pytest.approx(40.0)


def test_value_quadrants_median_and_thresholds():
    clv = pd.Series({"a": 1.0, "b": 2.0, "c": 3.0, "d": 4.0})
    crv = pd.Series({"a": 4.0, "b": 0.0, "c": 5.0, "d": 0.0})
    q = value_quadrants(clv, crv)
    assert q["quadrant"].tolist() == ["Advocates", "Misers", "Champions", "Affluents"]
    q2 = value_quadrants(clv, crv, clv_threshold=0.5, crv_threshold=4.5)
    assert q2["quadrant"].tolist() == ["Affluents", "Affluents", "Champions", "Affluents"]


# ---------------------------------------------------------------------- influence value
def random_graph(seed, directed=True):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 40))
    m = int(rng.integers(0, 4 * n))
    df = pd.DataFrame(
        {
            "source": rng.integers(0, n, m),
            "target": rng.integers(0, n, m),
            "weight": rng.random(m) + 0.1,
        }
    )
    return Graph.from_pandas(
        df, weight="weight", directed=directed, nodes=np.arange(n), self_loops="keep"
    ), rng


def oracle_civ(g, x, s, hops, decay, weighted=True):
    e = g.to_pandas()
    n = g.n_nodes
    w = np.zeros((n, n))
    for a, b, ww in zip(
        e["source"], e["target"], e["weight"] if weighted else np.ones(len(e)), strict=True
    ):
        if a != b:
            w[a, b] += ww
            if not g.directed:
                w[b, a] += ww
    col = w.sum(axis=0)
    bm = np.divide(w, col, out=np.zeros_like(w), where=col > 0)
    walk = np.zeros((n, n))
    p = np.eye(n)
    for k in range(1, hops + 1):
        p = p @ bm
        walk += decay ** (k - 1) * p
    np.fill_diagonal(walk, 0.0)
    ex = walk.sum(axis=0)
    a = np.divide(walk * (s * x), ex, out=np.zeros_like(walk), where=ex > 0)
    return a, ex


@pytest.mark.parametrize("seed", range(12))
def test_influencer_value_matches_matrix_oracle_and_never_double_counts(seed):
    g, rng = random_graph(seed, directed=seed % 3 != 0)
    x = pd.Series(rng.random(g.n_nodes) * 100, index=g.nodes)
    hops = int(rng.integers(1, 5))
    decay = float(rng.random())
    out = influencer_value(g, x, influenced_share=0.3, max_hops=hops, decay=decay)
    a, ex = oracle_civ(g, x.to_numpy(), 0.3, hops, decay)
    np.testing.assert_allclose(out["civ"], a.sum(axis=1), rtol=1e-10, atol=1e-9)
    np.testing.assert_allclose(out["exposure"], ex, rtol=1e-10, atol=1e-12)
    # attributed value of j over all influencers <= influenced share of CLV_j
    assert (a.sum(axis=0) <= 0.3 * x.to_numpy() + 1e-9).all()
    assert out["civ"].sum() == pytest.approx(out["attributed_out"].sum())
    assert out["civ"].sum() <= 0.3 * x.sum() + 1e-9
    assert np.all(np.diag(a) == 0)


def test_influencer_value_star_graph_by_hand():
    df = pd.DataFrame({"source": ["hub"] * 3 + ["a"], "target": ["a", "b", "c", "d"]})
    g = Graph.from_pandas(df)
    clv = pd.Series({"hub": 0.0, "a": 10.0, "b": 20.0, "c": 30.0, "d": 40.0})
    out = influencer_value(g, clv, influenced_share=0.5, max_hops=2, decay=0.5)
    # d is exposed to a (1) and, two hops back, to hub (0.5): E_d = 1.5
    assert out.loc["a", "civ"] == pytest.approx(20.0 * 1 / 1.5)
    assert out.loc["hub", "civ"] == pytest.approx(5 + 10 + 15 + 20.0 * 0.5 / 1.5)
    one_hop = influencer_value(g, clv, influenced_share=0.5, max_hops=1)
    assert one_hop.loc["hub", "civ"] == pytest.approx(30.0)
    assert one_hop.loc["a", "civ"] == pytest.approx(20.0)


def test_influencer_value_thread_counts_do_not_change_bits():
    g, rng = random_graph(7)
    x = pd.Series(rng.random(g.n_nodes), index=g.nodes)
    one = influencer_value(g, x, max_hops=3, n_threads=1)
    two = influencer_value(g, x, max_hops=3, n_threads=2)
    assert one["civ"].to_numpy().tobytes() == two["civ"].to_numpy().tobytes()


def test_influencer_value_by_spread_respects_the_bound():
    df = pd.DataFrame({"source": ["a", "a", "b", "c"], "target": ["b", "c", "d", "d"]})
    g = Graph.from_pandas(df)
    clv = pd.Series({"a": 1.0, "b": 2.0, "c": 3.0, "d": 4.0})
    out = influencer_value(g, clv, method="spread", p=1.0, simulations=50, influenced_share=0.5)
    # p = 1: a reaches b, c, d; b and c reach d. d's reach total 3 -> shared in thirds.
    assert out.loc["a", "civ"] == pytest.approx(0.5 * (2 + 3) + 2.0 / 3)
    assert out.loc["b", "civ"] == pytest.approx(2.0 / 3)
    assert out["civ"].sum() <= 0.5 * clv.sum() + 1e-12
    assert out["attributed_out"].to_numpy() == pytest.approx([0.0, 1.0, 1.5, 2.0])


# ---------------------------------------------------------------------- knowledge, CEV
def test_knowledge_value_hand_worked():
    df = pd.DataFrame(
        {
            "post_id": [1, 2, 3, 4],
            "parent_id": [None, 1, None, 3],
            "post_type": ["question", "answer", "question", "answer"],
            "author": ["ann", "bob", "ann", "bob"],
            "created_at": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-03-01", "2024-03-01"]),
            "accepted_answer_id": [2, None, 4, None],
        }
    )
    ps = peer_support(df, cost_per_contact=30, deflection_rate=0.5)
    ideas = pd.DataFrame(
        {
            "idea_id": [1],
            "author": ["cid"],
            "created_at": ["2024-01-01"],
            "status": ["implemented"],
            "value": [600.0],
        }
    )
    idr = ideation(ideas)
    ckv = knowledge_value(ps, idr, horizon="6M", discount_rate=0.02)
    a = sum(1.02 ** (-t) for t in range(1, 7))
    span = (pd.Timestamp("2024-03-01") - pd.Timestamp("2024-01-01")).days / 30.4375
    assert ckv.loc["bob", "ckv"] == pytest.approx(2 * 15.0 / span * a)
    assert ckv.loc["cid", "ckv"] == pytest.approx(600.0 / 1.0 * a)
    assert ckv.loc["ann", "ckv"] == 0.0
    assert ckv.attrs["annuity"] == pytest.approx(a)


def test_engagement_value_sums_and_labels():
    rng = np.random.default_rng(0)
    idx = [f"c{i}" for i in range(30)]
    parts = {k: pd.Series(rng.random(30) * 10, index=idx) for k in ("clv", "crv", "civ", "ckv")}
    out = engagement_value(**parts)
    total = sum(p for p in parts.values())
    np.testing.assert_allclose(out["cev"], total.loc[out.index])
    labels = np.array(["buyer", "referrer", "influencer", "contributor"])
    want = labels[np.argmax(np.column_stack([parts[k].loc[out.index] for k in parts]), axis=1)]
    assert (out["dominant"].to_numpy() == want).all()
    part = engagement_value(clv=parts["clv"], ckv=pd.DataFrame({"ckv": parts["ckv"][:5]}))
    assert part.attrs["missing"] == ["crv", "civ"]
    assert part["crv"].eq(0).all()
    assert part["cev"].sum() == pytest.approx(parts["clv"].sum() + parts["ckv"][:5].sum())
    assert engagement_value(clv=pd.Series({"z": 0.0}))["dominant"].iloc[0] == "none"


# ---------------------------------------------------------------------- health, company
def test_community_health_factors_by_hand_and_weights():
    df = pd.DataFrame(
        {
            "post_id": [1, 2, 3, 4, 5],
            "parent_id": [None, 1, 1, None, None],
            "author": ["a", "b", "c", "a", "d"],
            "community": ["x", "x", "x", "y", "y"],
            "views": [100, None, None, 10, 30],
            "created_at": pd.to_datetime(
                [
                    "2024-01-01 00:00",
                    "2024-01-01 02:00",
                    "2024-01-03 00:00",
                    "2024-01-05 00:00",
                    "2024-02-01 00:00",
                ]
            ),
        }
    )
    mem = pd.DataFrame(
        {
            "customer": ["a", "b", "a", "d"],
            "community": ["x", "x", "y", "y"],
            "joined_at": pd.to_datetime(["2023-01-01", "2024-01-15", "2023-01-01", "2024-02-10"]),
        }
    )
    h = community_health(df, mem, community="community")
    x = h.loc[("x", pd.Timestamp("2024-01-01"))]
    assert x["members"] == 2 and x["content"] == 3 and x["traffic"] == 100
    assert x["liveliness"] == pytest.approx(2 / 31)
    assert x["interaction"] == 2.0 and x["responsiveness_hours"] == 2.0
    y1 = h.loc[("y", pd.Timestamp("2024-01-01"))]
    assert y1["members"] == 1 and y1["traffic"] == 10
    assert h.loc[("y", pd.Timestamp("2024-02-01")), "members"] == 2
    only = community_health(df, community="community", weights={"content": 1.0})
    assert only["health_index"].tolist() == only["content_score"].tolist()
    with pytest.raises(InputError, match="unknown factors"):
        community_health(df, weights={"fun": 1.0})


def test_company_centrality_shares_by_hand_and_per_community():
    df = pd.DataFrame(
        {
            "source": ["rep", "ann", "bob", "ann", "cid"],
            "target": ["ann", "bob", "rep", "cid", "dan"],
            "w": [2.0, 1.0, 1.0, 3.0, 3.0],
        }
    )
    g = Graph.from_pandas(df, weight="w")
    out = company_centrality(
        g, ["rep"], membership=pd.Series({"ann": "p", "bob": "p", "cid": "q", "dan": "q"})
    )
    allrow = out.loc["(all)"]
    assert allrow["interactions"] == 10.0
    assert allrow["staff_share"] == pytest.approx(0.3)
    assert allrow["staff_to_customer_share"] == pytest.approx(0.2)
    assert allrow["customer_to_staff_share"] == pytest.approx(0.1)
    assert out.loc["p", "interactions"] == 7.0  # rep-ann, ann-bob, bob-rep, ann-cid
    assert out.loc["p", "staff_share"] == pytest.approx(3 / 7)
    assert out.loc["q", "staff_share"] == 0.0
    unweighted = company_centrality(g, ["rep"], weight=False, betweenness=True)
    assert unweighted.loc["(all)", "staff_share"] == pytest.approx(0.4)
    assert 0 <= unweighted.loc["(all)", "staff_betweenness_share"] <= 1


# ---------------------------------------------------------------------- bad input
def test_bad_input_names_column_problem_and_rows():
    df = random_posts(10, 0)
    with pytest.raises(MissingColumnError, match="'author'"):
        peer_support(df.drop(columns="author"))
    bad = df.copy()
    bad.loc[[1, 3], "created_at"] = pd.NaT
    with pytest.raises(InputError, match=r"column 'created_at': 2 rows"):
        peer_support(bad)
    dup = df.copy()
    dup.loc[2, "post_id"] = dup.loc[1, "post_id"]
    with pytest.raises(InputError, match="column 'post_id': 1 rows are duplicate"):
        peer_support(dup)
    with pytest.raises(InputError, match="deflection_rate"):
        peer_support(df, deflection_rate=2.0)
    refs = pd.DataFrame({"referrer": ["a", None], "referee": ["b", "c"]})
    with pytest.raises(InputError, match=r"column 'referrer': 1 row is null"):
        referral_value(refs, pd.Series({"b": 1.0}))
    refs = pd.DataFrame({"referrer": ["a"], "referee": ["b"], "inc": ["x"]})
    with pytest.raises(InputError, match="column 'inc': must hold numbers"):
        referral_value(refs, pd.Series({"b": 1.0}), incentive="inc")
    with pytest.raises(InputError, match="horizon"):
        referral_value(refs, pd.Series({"b": 1.0}), horizon="soon")
    with pytest.raises(InputError, match=r"clv: 1 values"):
        referral_value(refs, pd.Series({"b": np.nan}))
    g = Graph.from_pandas(pd.DataFrame({"source": ["a"], "target": ["b"]}))
    with pytest.raises(InputError, match="negative"):
        influencer_value(g, pd.Series({"a": -1.0}))
    with pytest.raises(InputError, match="method"):
        influencer_value(g, pd.Series({"a": 1.0}), method="magic")
    with pytest.raises(InputError, match="max_hops"):
        influencer_value(g, pd.Series({"a": 1.0}), max_hops=9)
    with pytest.raises(KeyError):
        influencer_value(g, pd.Series({"zed": 1.0}))
    ideas = pd.DataFrame(
        {
            "idea_id": [1, 1],
            "author": ["a", "b"],
            "created_at": ["2024-01-01", "2024-01-02"],
            "status": ["x", "y"],
        }
    )
    with pytest.raises(InputError, match="column 'idea_id': 1 rows are duplicate"):
        ideation(ideas)
    with pytest.raises(InputError, match="give peer_support_result"):
        knowledge_value()
    with pytest.raises(InputError, match="at least one"):
        engagement_value()
    with pytest.raises(KeyError):
        company_centrality(g, ["nobody"])
