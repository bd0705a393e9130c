"""Fast co-creation value: influencer_value by sparse matrix-vector passes against the per-node
walk formulation it replaced, and peer_support / community_health against straightforward
pandas computations of the same documented figures."""

from __future__ import annotations

import doctest
import math
import time
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import socialcrm._health
import socialcrm._influence_value
import socialcrm._peer_support
from socialcrm import Graph
from socialcrm.value import community_health, influencer_value, peer_support


@pytest.mark.parametrize(
    "module", [socialcrm._influence_value, socialcrm._peer_support, socialcrm._health]
)
def test_docstring_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


# ---------------------------------------------------------------------- influencer_value
def random_graph(seed, *, directed, weighted, n=None):
    """A random graph with self-loops, repeated events, isolated and dangling nodes."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 45)) if n is None else n
    m = int(rng.integers(0, 4 * n))
    active = max(2, n - int(rng.integers(0, 4)))  # the last few nodes stay isolated
    src = rng.integers(0, active, m)
    dst = rng.integers(0, active, m)
    loops = rng.random(m) < 0.1
    dst[loops] = src[loops]
    df = pd.DataFrame({"source": src, "target": dst, "weight": rng.random(m) * 3 + 0.05})
    g = Graph.from_pandas(
        df,
        weight="weight" if weighted else None,
        directed=directed,
        nodes=np.arange(n),
        self_loops="keep",
    )
    return g, rng


def adjacency(g, weighted):
    """Out- and in-lists (self-loops dropped) of the graph's edge table, as the walks see it."""
    e = g.to_pandas()
    out, inn = defaultdict(dict), defaultdict(dict)
    w = e["weight"] if weighted else np.ones(len(e))
    for a, b, ww in zip(e["source"], e["target"], w, strict=True):
        if a == b:
            continue
        pairs = [(a, b)] if g.directed else [(a, b), (b, a)]
        for u, v in pairs:
            out[u][v] = out[u].get(v, 0.0) + ww
            inn[v][u] = inn[v].get(u, 0.0) + ww
    strength = {v: sum(d.values()) for v, d in inn.items()}
    return out, inn, strength


def walk_oracle(g, x, s, hops, decay, weighted):
    """The per-node truncated walk sums (the former implementation), walk by walk."""
    out, inn, strength = adjacency(g, weighted)

    def walk(start, step, end_value):
        mass, total, factor = {start: 1.0}, 0.0, 1.0
        for _ in range(hops):
            nxt = defaultdict(float)
            for node, m in mass.items():
                for other, b in step(node):
                    nxt[other] += m * b
            total += factor * sum(m * end_value(v) for v, m in nxt.items() if v != start)
            factor *= decay
            mass = nxt
            if not mass or factor == 0.0:
                break
        return total

    def back(v):
        return [(u, w / strength[v]) for u, w in inn[v].items()]

    def fwd(u):
        return [(v, w / strength[v]) for v, w in out[u].items()]

    n = g.n_nodes
    exposure = np.array([walk(j, back, lambda _: 1.0) for j in range(n)])
    y = np.divide(s * x, exposure, out=np.zeros(n), where=exposure > 0)
    civ = np.array([walk(i, fwd, lambda v: y[v]) for i in range(n)])
    return civ, exposure


def sparse_oracle(g, x, s, hops, decay, weighted):
    """W = sum_k decay^(k-1) B^k with scipy sparse matrix powers, diagonal removed."""
    e = g.to_pandas()
    keep = (e["source"] != e["target"]).to_numpy()
    a = e["source"].to_numpy()[keep]
    b = e["target"].to_numpy()[keep]
    w = (e["weight"].to_numpy() if weighted else np.ones(len(e)))[keep]
    if not g.directed:
        a, b, w = np.r_[a, b], np.r_[b, a], np.r_[w, w]
    n = g.n_nodes
    m = sp.csr_matrix((w, (a, b)), shape=(n, n))
    col = np.asarray(m.sum(axis=0)).ravel()
    bm = m @ sp.diags(np.divide(1.0, col, out=np.zeros(n), where=col > 0))
    walk = sp.csr_matrix((n, n))
    p = sp.identity(n, format="csr")
    for k in range(1, hops + 1):
        p = p @ bm
        walk = walk + decay ** (k - 1) * p
    walk = walk - sp.diags(walk.diagonal())
    ex = np.asarray(walk.sum(axis=0)).ravel()
    y = np.divide(s * x, ex, out=np.zeros(n), where=ex > 0)
    return walk @ y, ex


CASES = [(seed, seed % 3 != 0, seed % 4 != 1) for seed in range(24)]


@pytest.mark.parametrize(("seed", "directed", "weighted"), CASES)
def test_influencer_value_equals_the_walk_formulation(seed, directed, weighted):
    g, rng = random_graph(seed, directed=directed, weighted=weighted)
    x = rng.gamma(2.0, 50.0, g.n_nodes)
    x[rng.random(g.n_nodes) < 0.2] = 0.0
    hops = 1 + seed % 6
    decay = [0.5, 1.0, 0.0, float(rng.random())][seed % 4]
    out = influencer_value(
        g,
        pd.Series(x, index=g.nodes),
        influenced_share=0.3,
        max_hops=hops,
        decay=decay,
        weight=weighted,
    )
    civ, ex = walk_oracle(g, x, 0.3, hops, decay, weighted)
    np.testing.assert_allclose(out["exposure"], ex, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(out["civ"], civ, rtol=1e-10, atol=1e-10)
    assert (out["civ"] >= 0).all()
    reached = ex > 0
    assert out["civ"].sum() == pytest.approx(0.3 * x[reached].sum(), rel=1e-12, abs=1e-12)
    assert out["attributed_out"].tolist() == list(np.where(reached, 0.3 * x, 0.0))


@pytest.mark.parametrize("directed", [True, False])
@pytest.mark.parametrize("hops", [2, 3, 5])
def test_influencer_value_matches_sparse_powers_on_larger_graphs(directed, hops):
    g, rng = random_graph(100 + hops, directed=directed, weighted=True, n=400)
    x = rng.random(g.n_nodes) * 100
    out = influencer_value(g, pd.Series(x, index=g.nodes), max_hops=hops, decay=0.6)
    civ, ex = sparse_oracle(g, x, 0.2, hops, 0.6, True)
    np.testing.assert_allclose(out["exposure"], ex, rtol=1e-12)
    np.testing.assert_allclose(out["civ"], civ, rtol=1e-9, atol=1e-9)


def test_influencer_value_reciprocal_pair_by_hand():
    # a <-> b, c -> a. Two hops, decay 0.5: walks b->a->b and a->b->a return and are left out.
    df = pd.DataFrame({"source": ["a", "b", "c"], "target": ["b", "a", "a"]})
    g = Graph.from_pandas(df)
    clv = pd.Series({"a": 10.0, "b": 20.0, "c": 40.0})
    out = influencer_value(g, clv, influenced_share=1.0, max_hops=2, decay=0.5)
    # b_ba = b_ca = 1/2, b_ab = 1. E_a = 1; E_b = b_ab + 0.5 * b_ca b_ab = 1.25 (b->a->b
    # returns to b and is left out); y = (10, 16, 0).
    assert out["exposure"].tolist() == [1.0, 1.25, 0.0]
    assert out.loc["a", "civ"] == pytest.approx(16.0)  # a->b->a returns: only a->b counts
    assert out.loc["b", "civ"] == pytest.approx(5.0)
    assert out.loc["c", "civ"] == pytest.approx(5.0 + 0.5 * 0.5 * 16.0)


@pytest.mark.parametrize("hops", [2, 4])
def test_influencer_value_bits_do_not_depend_on_threads(hops):
    g, rng = random_graph(3, directed=True, weighted=True, n=3000)
    x = pd.Series(rng.random(g.n_nodes), index=g.nodes)
    one = influencer_value(g, x, max_hops=hops, n_threads=1)
    two = influencer_value(g, x, max_hops=hops, n_threads=2)
    for col in ("civ", "exposure"):
        assert one[col].to_numpy().tobytes() == two[col].to_numpy().tobytes()


def test_influencer_value_two_hundred_thousand_nodes_in_seconds():
    rng = np.random.default_rng(0)
    n, m = 200_000, 1_000_000
    # heavy-tailed degrees: the former walk sums cost sum of squared degrees here
    src = np.minimum((rng.pareto(1.2, m) * 3).astype(np.int64), n - 1)
    dst = rng.integers(0, n, m)
    g = Graph.from_pandas(
        pd.DataFrame({"source": src, "target": dst}),
        directed=False,
        nodes=np.arange(n),
        self_loops="keep",
    )
    x = pd.Series(rng.gamma(2.0, 50.0, n), index=g.nodes)
    seen = []
    start = time.perf_counter()
    out = influencer_value(g, x, max_hops=2, progress=lambda d, t: seen.append((d, t)))
    elapsed = time.perf_counter() - start
    # progress counts the closed-walk pass and two passes per hop for each sum
    assert all(t in (0, 5 * n) and d <= t for d, t in seen)
    reached = out["exposure"] > 0
    assert out["civ"].sum() == pytest.approx(0.2 * x[reached].sum(), rel=1e-9)
    assert elapsed < 10, elapsed


# ---------------------------------------------------------------------- peer_support, health
def random_forum(seed, n_q=60):
    """Questions with tags, a board and views; answers, comments on answers, posts without an
    author, an orphan reply and an accepted answer on some threads."""
    rng = np.random.default_rng(seed)
    t0 = np.datetime64("2024-01-01T00:00:00")
    rows, pid = [], 0
    tag_pool = ["a", "b|c", "a|a", "c||d", "", None, "b"]
    users = [f"u{i}" for i in range(12)] + [None]
    for _ in range(n_q):
        q, q_row = pid, len(rows)
        qt = t0 + np.timedelta64(int(rng.integers(0, 150 * 86400)), "s")
        rows.append(
            (
                q,
                None,
                "question",
                users[rng.integers(0, 12)],
                qt,
                None,
                tag_pool[rng.integers(0, len(tag_pool))],
                f"board{rng.integers(0, 3)}",
                float(rng.integers(0, 50)) if rng.random() < 0.8 else np.nan,
            )
        )
        pid += 1
        answers = []
        for _ in range(int(rng.integers(0, 5))):
            at = qt + np.timedelta64(int(rng.integers(60, 20 * 86400)), "s")
            rows.append(
                (pid, q, "answer", users[rng.integers(0, 13)], at, None, None, None, np.nan)
            )
            answers.append(pid)
            pid += 1
            if rng.random() < 0.4:
                ct = at + np.timedelta64(int(rng.integers(60, 86400)), "s")
                rows.append(
                    (
                        pid,
                        answers[-1],
                        "comment",
                        users[rng.integers(0, 13)],
                        ct,
                        None,
                        None,
                        None,
                        np.nan,
                    )
                )
                pid += 1
        if answers and rng.random() < 0.5:
            r = list(rows[q_row])
            r[5] = answers[int(rng.integers(0, len(answers)))]
            rows[q_row] = tuple(r)
    rows.append((pid, 10**6, "answer", "u1", t0, None, None, None, np.nan))  # orphan
    cols = [
        "post_id",
        "parent_id",
        "post_type",
        "author",
        "created_at",
        "accepted_answer_id",
        "tags",
        "board",
        "views",
    ]
    df = pd.DataFrame(rows, columns=cols)
    df["parent_id"] = df["parent_id"].astype("Int64")
    df["accepted_answer_id"] = df["accepted_answer_id"].astype("Int64")
    return df


def thread_frame(df, freq, labels):
    """Each post with its thread, role and the labels of its thread (plain pandas)."""
    by_id = df.set_index("post_id")
    root = {}
    for p in df["post_id"]:
        r, seen = p, 0
        while not pd.isna(by_id.at[r, "parent_id"]) and seen < 100:
            nxt = by_id.at[r, "parent_id"]
            if nxt not in by_id.index:
                r = None
                break
            r, seen = nxt, seen + 1
        root[p] = r
    posts = df.assign(thread=df["post_id"].map(root)).dropna(subset=["thread"])
    offset = pd.tseries.frequencies.to_offset(freq)
    posts["period"] = [offset.rollback(t.normalize()) for t in posts["created_at"]]
    lab = posts[posts["post_type"] == "question"].set_index("post_id")[labels]
    out = []
    for p in posts.itertuples():
        for c in lab_list(lab.get(p.thread)):
            out.append((p.post_id, p.thread, p.post_type, p.author, p.created_at, p.period, c))
    return posts, pd.DataFrame(
        out, columns=["post_id", "thread", "role", "author", "created_at", "period", "community"]
    )


def lab_list(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return []
    return [x for x in str(v).split("|") if x]


def first_responses(posts):
    q = posts[posts["post_type"] == "question"].set_index("post_id")
    rep = posts[posts["post_type"] != "question"]
    asker = rep["thread"].map(q["author"])
    other = rep[rep["author"].notna() & (rep["author"] != asker)]
    first = other.groupby("thread")["created_at"].min()
    return (first.reindex(q.index) - q["created_at"]) / pd.Timedelta(hours=1)


@pytest.mark.parametrize(
    ("seed", "freq", "labels"),
    [
        (0, "MS", "tags"),
        (1, "W", "tags"),
        (2, "QS", "board"),
        (3, "D", "board"),
        (4, "MS", "tags"),
    ],
)
def test_community_health_matches_pandas_groupbys(seed, freq, labels):
    df = random_forum(seed)
    kw = {"tags": "tags"} if labels == "tags" else {"community": "board"}
    h = community_health(df, freq=freq, **kw)
    posts, rows = thread_frame(df, freq, labels)
    g = rows.groupby(["community", "period"])
    want = pd.DataFrame(
        {
            "content": g.size(),
            "active": g["author"].nunique(),
            "days": g["created_at"].agg(lambda s: s.dt.normalize().nunique()),
        }
    )
    q = posts[posts["post_type"] == "question"].set_index("post_id")
    replies = posts[posts["post_type"] != "question"].groupby("thread").size()
    tq = rows[rows["role"] == "question"].set_index("thread")
    tq = tq.assign(
        replies=replies.reindex(tq.index, fill_value=0).to_numpy(),
        first=first_responses(posts).reindex(tq.index).to_numpy(),
        views=q["views"].reindex(tq.index).to_numpy(),
    )
    tg = tq.groupby(["community", "period"])
    want["interaction"] = tg["replies"].mean()
    want["responsiveness"] = tg["first"].median()
    want["traffic"] = tg["views"].sum(min_count=1)
    got = h.copy()
    got.index = got.index.to_flat_index()
    want.index = want.index.to_flat_index()
    assert sorted(got.index) == sorted(want.index)
    got = got.loc[want.index]
    assert got["content"].tolist() == want["content"].tolist()
    assert got["members"].tolist() == want["active"].tolist()
    np.testing.assert_allclose(got["interaction"], want["interaction"].fillna(0.0))
    np.testing.assert_allclose(got["responsiveness_hours"], want["responsiveness"])
    np.testing.assert_allclose(got["traffic"], want["traffic"])
    n_days = [
        max(1.0, round(((p + pd.tseries.frequencies.to_offset(freq)) - p) / pd.Timedelta(days=1)))
        for _, p in want.index
    ]
    np.testing.assert_allclose(got["liveliness"], np.minimum(want["days"] / n_days, 1.0))
    assert h.index.is_monotonic_increasing


@pytest.mark.parametrize(("seed", "freq", "labels"), [(5, "MS", "tags"), (6, "W", "board")])
def test_peer_support_communities_match_pandas_groupbys(seed, freq, labels):
    df = random_forum(seed, n_q=80)
    kw = {"tags": "tags"} if labels == "tags" else {"community": "board"}
    r = peer_support(df, freq=freq, **kw)
    posts, rows = thread_frame(df, freq, labels)
    q = posts[posts["post_type"] == "question"].set_index("post_id")
    tq = rows[rows["role"] == "question"].set_index("thread")
    first = first_responses(posts)
    tq = tq.assign(
        first=first.reindex(tq.index).to_numpy(),
        solved=r.threads["solved"].reindex(tq.index).to_numpy(),
    )
    g = tq.groupby(["community", "period"])
    ans = rows[(rows["role"] == "answer") & rows["author"].notna()]
    ans = ans.assign(period=ans["thread"].map(tq.groupby(level=0)["period"].first()).to_numpy())
    want = pd.DataFrame(
        {
            "threads": g.size(),
            "solution_rate": g["solved"].mean(),
            "median": g["first"].median(),
            "p90": g["first"].quantile(0.9),
        }
    )
    top = {}
    for key, grp in ans.groupby(["community", "period"]):
        c = grp.groupby("author").size().sort_values(ascending=False)
        top[key] = c.head(math.ceil(len(c) / 100)).sum() / c.sum()
    want["top"] = pd.Series(top)
    got = r.communities.copy()
    got.index = got.index.to_flat_index()
    want.index = want.index.to_flat_index()
    got = got.loc[want.index]
    assert got["threads"].tolist() == want["threads"].tolist()
    np.testing.assert_allclose(got["solution_rate"], want["solution_rate"])
    np.testing.assert_allclose(got["median_first_response_hours"], want["median"])
    np.testing.assert_allclose(got["p90_first_response_hours"], want["p90"])
    np.testing.assert_allclose(got["top1pct_answer_share"], want["top"])
    defl = r.deflection["peer_solved_threads"]
    assert defl.sum() == r.threads["peer_solved"].sum()
    assert q.index.isin(r.threads.index).all()


def test_peer_support_list_tags_and_duplicate_tags_count_like_split():
    df = random_forum(9, n_q=30)
    as_lists = df.assign(
        tags=[
            lab_list(v) if t == "question" else None
            for v, t in zip(df["tags"], df["post_type"], strict=True)
        ]
    )
    a = peer_support(df, tags="tags").communities
    b = peer_support(as_lists, tags="tags").communities
    pd.testing.assert_frame_equal(a, b)
    assert set(a.index.get_level_values("community")) == {"a", "b", "c", "d"}


def test_peer_support_a_million_posts_beats_a_second_or_so():
    n, n_q = 1_000_000, 400_000
    rng = np.random.default_rng(1)
    parent = np.r_[np.full(n_q, -1), rng.integers(0, n_q, n - n_q)]
    t = np.datetime64("2020-01-01") + rng.integers(0, 10**8, n).astype("timedelta64[s]")
    t[n_q:] = t[parent[n_q:]] + rng.integers(60, 10**5, n - n_q).astype("timedelta64[s]")
    df = pd.DataFrame(
        {
            "post_id": np.arange(n),
            "parent_id": pd.array(np.where(parent >= 0, parent, 0), dtype="Int64"),
            "author": rng.integers(0, n // 20, n),
            "created_at": t,
            "community": rng.choice([f"board{i}" for i in range(20)], n),
        }
    )
    df.loc[: n_q - 1, "parent_id"] = pd.NA
    start = time.perf_counter()
    r = peer_support(df, community="community")
    h = community_health(df, community="community")
    elapsed = time.perf_counter() - start
    assert r.communities["threads"].sum() == n_q
    assert h["content"].sum() == n
    assert elapsed < 15, elapsed


@pytest.mark.parametrize("seed", range(3))
def test_core_group_helpers_match_numpy(seed):
    from socialcrm import _core

    rng = np.random.default_rng(seed)
    n, ng = 5000, 37
    g = rng.integers(0, ng - 2, n).astype(np.uint32)  # the last groups stay empty
    v = rng.normal(size=n)
    v[rng.random(n) < 0.1] = np.nan
    q = _core.grouped_quantiles(g, v, ng, np.array([0.0, 0.5, 0.9, 1.0])).reshape(ng, 4)
    for k in range(ng):
        x = v[(g == k) & ~np.isnan(v)]
        want = np.quantile(x, [0.0, 0.5, 0.9, 1.0]) if len(x) else np.full(4, np.nan)
        np.testing.assert_allclose(q[k], want, rtol=1e-12, atol=1e-15)
    items = rng.integers(0, 400, n).astype(np.uint32)
    distinct, top = _core.grouped_item_counts(g, items, ng, top_per=10)
    for k in range(ng):
        counts = np.sort(np.bincount(items[g == k]))[::-1]
        counts = counts[counts > 0]
        assert distinct[k] == len(counts)
        assert top[k] == counts[: math.ceil(len(counts) / 10)].sum()


def test_without_post_types_direct_replies_are_answers_and_deeper_ones_comments():
    from socialcrm.value import peer_support

    posts = pd.DataFrame(
        {
            "post_id": [1, 2, 3, 4],
            "parent_id": [None, 1, 2, 1],
            "author": ["ann", "bob", "ann", "cid"],
            "created_at": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"]),
        }
    )
    c = peer_support(posts, post_type=None, accepted_answer_id=None).customers
    assert c.loc["bob", "answers"] == 1 and c.loc["cid", "answers"] == 1
    assert c.loc["ann", "answers"] == 0 and c.loc["ann", "comments"] == 1
