"""Diffusion: spread (IC, LT) against exact live-edge enumeration, and IMM seed selection."""

from __future__ import annotations

import doctest
import itertools
import math
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections import defaultdict

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from _shared import ctrl_c

import socialcrm._diffusion as diffusion_module
from socialcrm import Graph
from socialcrm.exceptions import InputError, InputTypeError, UnknownIdError
from socialcrm.influence import SpreadResult, maximize, spread

# ---------------------------------------------------------------------------- exact oracles


def random_table(rng, n, m, *, loops=True):
    """``m`` random events over ``n`` integer customers, positive weights, repeats allowed."""
    s = rng.integers(0, n, m)
    t = rng.integers(0, n, m)
    if not loops:
        keep = s != t
        s, t = s[keep], t[keep]
    return pd.DataFrame({"source": s, "target": t, "w": rng.uniform(0.2, 3.0, len(s))})


def build(df, n, directed):
    return Graph.from_pandas(
        df, weight="w", directed=directed, nodes=np.arange(n), self_loops="keep"
    )


def arcs_of(df, directed, weighted=True):
    """Ordered arcs ``(u, v, w)`` with aggregated weights, computed without socialcrm."""
    agg = defaultdict(float)
    for s, t, w in zip(df["source"], df["target"], df["w"], strict=True):
        key = (int(s), int(t)) if directed else (min(int(s), int(t)), max(int(s), int(t)))
        agg[key] = agg[key] + w if weighted else 1.0
    arcs = []
    for (a, b), w in agg.items():
        arcs.append((a, b, w))
        if not directed and a != b:
            arcs.append((b, a, w))
    return arcs


def cascade_probabilities(arcs):
    """Weighted cascade / LT weights ``w_uv / sum_{x != v} w_xv`` (self-loops 0)."""
    inw = defaultdict(float)
    for u, v, w in arcs:
        if u != v:
            inw[v] += w
    return [(u, v, 0.0 if u == v or inw[v] == 0 else w / inw[v]) for u, v, w in arcs]


def reach_of(n, live, seeds):
    out = defaultdict(list)
    for u, v in live:
        out[u].append(v)
    seen, stack = set(seeds), list(seeds)
    while stack:
        u = stack.pop()
        for v in out[u]:
            if v not in seen:
                seen.add(v)
                stack.append(v)
    return seen


def exact_ic(n, parcs, seeds):
    """Activation probability of every node: sum over all live-edge subgraphs."""
    certain = [(u, v) for u, v, p in parcs if u != v and p >= 1]
    unsure = [(u, v, p) for u, v, p in parcs if u != v and 0 < p < 1]
    assert len(unsure) <= 13
    act = np.zeros(n)
    for live_mask in itertools.product((False, True), repeat=len(unsure)):
        prob, live = 1.0, list(certain)
        for on, (u, v, p) in zip(live_mask, unsure, strict=True):
            prob *= p if on else 1 - p
            if on:
                live.append((u, v))
        for v in reach_of(n, live, seeds):
            act[v] += prob
    return act


def exact_lt(n, parcs, seeds):
    """LT activation probabilities from its live-edge form: each node keeps at most one
    in-edge, ``u -> v`` with probability ``b_uv`` (Kempe et al. 2003, Theorem 2.5)."""
    options = []
    for v in range(n):
        opts = [(u, b) for u, vv, b in parcs if vv == v and u != v and b > 0]
        rest = 1.0 - sum(b for _, b in opts)
        if rest > 1e-12 or not opts:
            opts.append((None, max(rest, 0.0)))
        options.append(opts)
    assert math.prod(len(o) for o in options) <= 50_000
    act = np.zeros(n)
    for combo in itertools.product(*options):
        prob = math.prod(b for _, b in combo)
        if prob == 0:
            continue
        live = [(u, v) for v, (u, _) in enumerate(combo) if u is not None]
        for v in reach_of(n, live, seeds):
            act[v] += prob
    return act


def graph_cases(count, seed):
    """Random small graphs: directed and undirected, with self-loops and isolated nodes."""
    rng = np.random.default_rng(seed)
    cases = []
    while len(cases) < count:
        directed = len(cases) % 2 == 0
        n = int(rng.integers(5, 9))
        df = random_table(rng, n, int(rng.integers(5, 10 if directed else 7)))
        parcs = cascade_probabilities(arcs_of(df, directed))
        unsure = sum(1 for u, v, p in parcs if u != v and 0 < p < 1)
        options = [
            1 + sum(1 for u, vv, b in parcs if vv == v and u != v and b > 0) for v in range(n)
        ]
        if unsure > 12 or math.prod(options) > 20_000:
            continue
        seeds = sorted(rng.choice(n, size=int(rng.integers(1, 3)), replace=False).tolist())
        cases.append((df, n, directed, parcs, seeds))
    return cases


CASES = graph_cases(12, seed=7)


def check_against_exact(result, exact, sims):
    """Mean within 4 standard errors of the exact reach, every activation within 4 of its own;
    returns whether the exact reach lies in the 95% interval."""
    reach = exact.sum()
    assert abs(result.mean - reach) <= 4 * result.std_error + 1e-9, (result, reach)
    act = result.activation.to_numpy()
    q = np.clip(exact, 0, 1)
    tol = 4 * np.sqrt(q * (1 - q) / sims) + 1e-9
    assert (np.abs(act - exact) <= tol).all(), (act, exact)
    return result.ci_low <= reach <= result.ci_high


# ---------------------------------------------------------------------------- spread vs exact


@pytest.mark.parametrize("model", ["ic", "lt"])
def test_spread_matches_exact_enumeration_on_random_graphs(model):
    sims = 20_000
    inside = 0
    for i, (df, n, directed, parcs, seeds) in enumerate(CASES):
        g = build(df, n, directed)
        exact = (exact_ic if model == "ic" else exact_lt)(n, parcs, seeds)
        r = spread(g, seeds, model=model, simulations=sims, seed=i)
        inside += check_against_exact(r, exact, sims)
        assert r.simulations == sims and r.model == model
    # 95% intervals: with 12 graphs, at most a few may miss.
    assert inside >= len(CASES) - 3


@pytest.mark.parametrize("model", ["ic", "lt"])
def test_spread_unweighted_uses_one_over_in_degree(model):
    for i, (df, n, directed, _, seeds) in enumerate(CASES[:6]):
        g = build(df, n, directed)
        parcs = cascade_probabilities(arcs_of(df, directed, weighted=False))
        exact = (exact_ic if model == "ic" else exact_lt)(n, parcs, seeds)
        r = spread(g, seeds, model=model, weight=False, simulations=20_000, seed=100 + i)
        check_against_exact(r, exact, 20_000)


def test_spread_constant_probability_matches_exact():
    for i, (df, n, directed, parcs, seeds) in enumerate(CASES[:8]):
        g = build(df, n, directed)
        p = 0.35
        const = [(u, v, 0.0 if u == v else p) for u, v, _ in parcs]
        if sum(1 for u, v, _ in parcs if u != v) > 12:
            continue
        r = spread(g, seeds, p=p, simulations=20_000, seed=i)
        check_against_exact(r, exact_ic(n, const, seeds), 20_000)


def test_spread_value_weighted_reach_matches_exact():
    rng = np.random.default_rng(3)
    for i, (df, n, directed, parcs, seeds) in enumerate(CASES[:8]):
        g = build(df, n, directed)
        value = pd.Series(rng.uniform(0, 100, n), index=np.arange(n))
        value = value.drop(index=[n - 1])  # a missing customer counts 0
        for model, oracle in (("ic", exact_ic), ("lt", exact_lt)):
            exact = oracle(n, parcs, seeds)
            r = spread(g, seeds, model=model, value=value, simulations=20_000, seed=i)
            want = float((exact * value.reindex(range(n), fill_value=0.0).to_numpy()).sum())
            assert abs(r.value_mean - want) <= 4 * r.value_std_error + 1e-9
            assert r.value_ci_low <= r.value_mean <= r.value_ci_high
            assert np.isclose(r.value_ci_high - r.value_mean, 1.959963984540054 * r.value_std_error)


def test_spread_tie_strength_probabilities_match_exact():
    rng = np.random.default_rng(11)
    checked = 0
    for i in range(12):
        directed = i % 2 == 0
        df = random_table(rng, 6, 6, loops=False)
        g = build(df, 6, directed)
        ties = g.tie_strength()["score"]
        score = {(a, b): s for (a, b), s in ties.items()}
        parcs = [(u, v, score.get((u, v), score.get((v, u)))) for u, v, _ in arcs_of(df, directed)]
        if sum(1 for _, _, p in parcs if 0 < p < 1) > 12:
            continue
        seeds = [int(df["source"].iloc[0])]
        r = spread(g, seeds, p="tie_strength", simulations=20_000, seed=i)
        check_against_exact(r, exact_ic(6, parcs, seeds), 20_000)
        checked += 1
    assert checked >= 6


def test_spread_custom_series_probabilities_match_exact():
    rng = np.random.default_rng(5)
    for i, (df, n, directed, parcs, seeds) in enumerate(CASES[:8]):
        g = build(df, n, directed)
        edges = g.to_pandas()
        probs = rng.uniform(0, 1, len(edges))
        p = pd.Series(probs, index=pd.MultiIndex.from_frame(edges[["source", "target"]]))
        given = {(int(a), int(b)): q for (a, b), q in p.items()}
        custom = [
            (u, v, 0.0 if u == v else given.get((u, v), given.get((v, u)))) for u, v, _ in parcs
        ]
        if sum(1 for u, v, q in custom if u != v and 0 < q < 1) > 12:
            continue
        r = spread(g, seeds, p=p, simulations=20_000, seed=i)
        check_against_exact(r, exact_ic(n, custom, seeds), 20_000)


def test_spread_undirected_edges_spread_both_ways():
    df = pd.DataFrame({"source": ["a", "b"], "target": ["b", "c"]})
    g = Graph.from_pandas(df, directed=False)
    assert spread(g, ["c"], p=1.0, simulations=10).mean == 3.0
    d = Graph.from_pandas(df)
    assert spread(d, ["c"], p=1.0, simulations=10).mean == 1.0


def test_spread_certain_and_impossible_edges_are_exact():
    rng = np.random.default_rng(2)
    for directed in (True, False):
        df = random_table(rng, 200, 300)
        g = build(df, 200, directed)
        nxg = nx.from_pandas_edgelist(df, create_using=nx.DiGraph if directed else nx.Graph)
        nxg.add_nodes_from(range(200))
        seeds = [3, 77, 150]
        reach = set(seeds).union(*(nx.descendants(nxg, s) for s in seeds))
        full = spread(g, seeds, p=1.0, simulations=50)
        assert full.mean == len(reach) and full.std_error == 0.0
        expected = np.isin(np.arange(200), sorted(reach)).astype(float)
        np.testing.assert_array_equal(full.activation.to_numpy(), expected)
        none = spread(g, seeds, p=0.0, simulations=50)
        assert none.mean == 3.0
        assert none.activation.sum() == 3.0
        empty = spread(g, [], simulations=10)
        assert empty.mean == 0.0 and empty.activation.sum() == 0.0


def test_spread_result_is_a_readable_frozen_record():
    g = Graph.from_pandas(pd.DataFrame({"source": ["a", "b"], "target": ["b", "c"]}))
    r = spread(g, ["a"], simulations=100, value=pd.Series({"c": 2.0}))
    assert isinstance(r, SpreadResult)
    with pytest.raises(AttributeError):
        r.mean = 1.0  # type: ignore[misc]
    assert "mean=3" in repr(r) and "value_mean=2" in repr(r)
    s = r.summary()
    assert s["mean"] == 3.0 and s["value_mean"] == 2.0 and s["simulations"] == 100
    assert list(r.activation.index) == ["a", "b", "c"]
    assert r.activation.name == "activation"
    one = spread(g, ["a"], simulations=1)
    assert np.isnan(one.std_error) and np.isnan(one.ci_low)
    drawn = spread(g, ["a"], simulations=5, seed=None)
    assert isinstance(drawn.seed, int) and drawn.seed >= 0


# ---------------------------------------------------------------------------- determinism

DETERMINISM_SCRIPT = textwrap.dedent(
    """
    import numpy as np, pandas as pd
    from socialcrm import Graph
    from socialcrm.influence import maximize, spread
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"source": rng.integers(0, 3000, 15000),
                       "target": rng.integers(0, 3000, 15000)})
    g = Graph.from_pandas(df)
    value = pd.Series(rng.uniform(0, 5, 3000), index=g.nodes)
    for model in ("ic", "lt"):
        r = spread(g, [0, 1, 2], model=model, simulations=3000, seed=9, value=value)
        print(r.mean.hex(), r.std_error.hex(), r.value_mean.hex(),
              r.activation.to_numpy().tobytes().hex()[:2000])
        top = maximize(g, 5, model=model, seed=4, epsilon=0.3)
        print(list(top["customer"]), [x.hex() for x in top["reach"]], top.attrs["rr_sets"])
    """
)


def test_results_are_bit_identical_on_1_and_4_threads():
    outs = []
    for threads in ("1", "4"):
        env = dict(os.environ, RAYON_NUM_THREADS=threads)
        done = subprocess.run(
            [sys.executable, "-c", DETERMINISM_SCRIPT],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        outs.append(done.stdout)
    assert outs[0] == outs[1]
    assert len(outs[0].splitlines()) == 4


def test_n_threads_does_not_change_results():
    df, n, directed, _, seeds = CASES[1]
    g = build(df, n, directed)
    for model in ("ic", "lt"):
        a = spread(g, seeds, model=model, simulations=5000, n_threads=1, seed=5)
        b = spread(g, seeds, model=model, simulations=5000, n_threads=2, seed=5)
        assert (a.mean, a.std_error) == (b.mean, b.std_error)
        pd.testing.assert_series_equal(a.activation, b.activation, check_exact=True)
        m1 = maximize(g, 2, model=model, n_threads=1, seed=5)
        m2 = maximize(g, 2, model=model, n_threads=2, seed=5)
        pd.testing.assert_frame_equal(m1, m2, check_exact=True)
    c = spread(g, seeds, simulations=5000, seed=6)
    assert c.mean != spread(g, seeds, simulations=5000, seed=5).mean


# ---------------------------------------------------------------------------- maximize


def community_graph(seed, n=40):
    """Clusters of different sizes and densities joined by a few edges: degree misleads."""
    rng = np.random.default_rng(seed)
    sizes = [16, 10, 8, 6][: max(1, n // 10)]
    rows, start = [], 0
    for i, size in enumerate(sizes):
        members = np.arange(start, start + size)
        dens = 0.35 if i == 0 else 0.25
        for a, b in itertools.permutations(members, 2):
            if rng.random() < dens:
                rows.append((a, b))
        start += size
    for _ in range(6):
        a, b = rng.integers(0, start, 2)
        if a != b:
            rows.append((a, b))
    df = pd.DataFrame(rows, columns=["source", "target"])
    return Graph.from_pandas(df, nodes=np.arange(start)), df


def reach(g, seeds, sims=20_000, **kw):
    return spread(g, list(seeds), simulations=sims, seed=123, **kw).mean


def test_maximize_is_close_to_exhaustive_search_for_two_and_three_seeds():
    for seed in range(2):
        g, _ = community_graph(seed)
        nodes = list(g.nodes)
        for k in (2, 3):
            combos = list(itertools.combinations(nodes, k))
            if k == 3:  # prune to the 14 customers of highest single-seed reach
                single = sorted(nodes, key=lambda v: -reach(g, [v], sims=1000))[:14]
                combos = list(itertools.combinations(single, 3))
            rough = sorted(combos, key=lambda s: -reach(g, s, sims=500))[:5]
            best = max(reach(g, s) for s in rough)
            top = maximize(g, k, seed=seed)
            got = reach(g, top["customer"])
            assert got >= 0.97 * best, (seed, k, got, best)
            assert top.attrs["rr_sets"] > 0
            assert abs(top["reach"].iloc[-1] - got) <= 0.1 * got


def test_maximize_matches_celf_greedy_with_monte_carlo():
    for seed in range(2):
        g, _ = community_graph(10 + seed)
        for model in ("ic", "lt"):
            chosen = []
            for _ in range(3):  # plain greedy on Monte Carlo estimates
                rest = [v for v in g.nodes if v not in chosen]
                gains = {v: reach(g, [*chosen, v], sims=2000, model=model) for v in rest}
                chosen.append(max(gains, key=gains.get))
            greedy = reach(g, chosen, model=model)
            imm = reach(g, maximize(g, 3, model=model, seed=seed)["customer"], model=model)
            assert imm >= 0.97 * greedy, (model, imm, greedy)


def test_maximize_beats_top_degree_and_pagerank_seeds():
    for seed in range(3):
        g, df = community_graph(20 + seed)
        nxg = nx.from_pandas_edgelist(df, create_using=nx.DiGraph)
        nxg.add_nodes_from(g.nodes)
        k = 3
        out_deg = pd.Series(dict(nxg.out_degree())).sort_values(ascending=False, kind="stable")
        # PageRank of the reversed graph ranks customers by whom they reach.
        pr = pd.Series(nx.pagerank(nxg.reverse())).sort_values(ascending=False, kind="stable")
        imm = reach(g, maximize(g, k, seed=seed)["customer"])
        for baseline in (out_deg.index[:k], pr.index[:k]):
            r = spread(g, list(baseline), simulations=20_000, seed=123)
            assert imm >= r.mean - 2 * r.std_error


def test_maximize_on_the_synthetic_community_beats_top_degree(community):
    g = Graph.from_pandas(community.interactions)
    k = 10
    top = maximize(g, k, epsilon=0.2, seed=1)
    assert top.index.name == "rank" and list(top.index) == list(range(1, k + 1))
    assert list(top.columns) == ["customer", "marginal_gain", "reach"]
    assert top["marginal_gain"].is_monotonic_decreasing
    np.testing.assert_allclose(top["reach"], top["marginal_gain"].cumsum())
    edges = g.to_pandas()
    deg = edges.groupby("source")["target"].size().sort_values(ascending=False, kind="stable")
    ours = spread(g, top["customer"], simulations=4000, seed=2)
    theirs = spread(g, deg.index[:k], simulations=4000, seed=2)
    assert ours.ci_low > theirs.ci_high, (ours, theirs)
    # IMM's own estimate agrees with the simulated reach.
    assert abs(top["reach"].iloc[-1] - ours.mean) <= 0.1 * ours.mean


def test_maximize_value_weighted_prefers_valuable_customers():
    # Two certain chains: a -> b -> c (no value) and x -> y (y is valuable).
    df = pd.DataFrame({"source": ["a", "b", "x"], "target": ["b", "c", "y"]})
    g = Graph.from_pandas(df)
    plain = maximize(g, 1, p=1.0)
    assert plain["customer"].iloc[0] == "a"
    assert plain["reach"].iloc[0] == pytest.approx(3.0, rel=0.05)
    valued = maximize(g, 1, p=1.0, value=pd.Series({"y": 10.0, "c": 1.0}))
    assert valued["customer"].iloc[0] == "x"
    assert valued["reach"].iloc[0] == pytest.approx(10.0, rel=0.05)


def test_maximize_value_estimate_agrees_with_simulated_value():
    rng = np.random.default_rng(8)
    for model in ("ic", "lt"):
        g, _ = community_graph(30)
        value = pd.Series(rng.gamma(2.0, 50.0, g.n_nodes), index=g.nodes)
        top = maximize(g, 3, model=model, value=value, seed=4)
        check = spread(g, top["customer"], model=model, value=value, simulations=20_000)
        assert abs(top["reach"].iloc[-1] - check.value_mean) <= 0.1 * check.value_mean
        # Seeds chosen for value reach about as much value as seeds chosen for reach, or more.
        plain = spread(g, maximize(g, 3, model=model, seed=4)["customer"], model=model, value=value)
        assert check.value_mean >= 0.97 * plain.value_mean


def test_maximize_attrs_report_the_guarantee_and_sizes():
    g, _ = community_graph(1)
    top = maximize(g, 2, epsilon=0.2, ell=2.0, seed=3)
    a = top.attrs
    assert a["approximation"] == pytest.approx(1 - 1 / math.e - 0.2)
    assert a["confidence"] == pytest.approx(1 - g.n_nodes**-2.0)
    assert a["ell_adjusted"] == pytest.approx(2.0 * (1 + math.log(2) / math.log(g.n_nodes)))
    assert a["rr_sets"] % 1024 == 0 and a["rr_total_size"] >= a["rr_sets"]
    assert a["memory_bytes"] > 4 * a["rr_total_size"]
    assert 2 <= a["lower_bound"] <= g.n_nodes
    assert "1 - 1/e - 0.2" in a["guarantee"]
    # Fewer sets for a looser epsilon.
    assert maximize(g, 2, epsilon=0.4, seed=3).attrs["rr_sets"] < a["rr_sets"]
    empty = maximize(g, 0)
    assert empty.empty and list(empty.columns) == ["customer", "marginal_gain", "reach"]
    every = maximize(g, g.n_nodes, epsilon=0.5)
    assert sorted(every["customer"]) == sorted(g.nodes)


def test_maximize_lt_and_tie_strength():
    # h reaches a and c surely and b (shared with y) half the time; x hangs off b.
    df = pd.DataFrame({"source": ["h", "h", "h", "b", "y"], "target": ["a", "b", "c", "x", "b"]})
    g = Graph.from_pandas(df)
    assert maximize(g, 1, model="lt")["customer"].iloc[0] == "h"
    assert maximize(g, 1)["customer"].iloc[0] == "h"
    # "tie_strength" is the pair's score in both directions, as an explicit Series.
    rng = np.random.default_rng(0)
    events = random_table(rng, 30, 150, loops=False)
    t = Graph.from_pandas(events, weight="w")
    score = t.tie_strength()["score"]
    a, b = score.index.get_level_values(0), score.index.get_level_values(1)
    both = pd.concat([score, pd.Series(score.to_numpy(), index=pd.MultiIndex.from_arrays([b, a]))])
    edges = pd.MultiIndex.from_frame(t.to_pandas()[["source", "target"]])
    explicit = both[both.index.isin(edges)]
    pd.testing.assert_frame_equal(
        maximize(t, 3, p="tie_strength", seed=2), maximize(t, 3, p=explicit, seed=2)
    )


# ---------------------------------------------------------------------------- bad input


@pytest.fixture
def small():
    df = pd.DataFrame({"source": ["a", "b", "a"], "target": ["b", "c", "a"]})
    return Graph.from_pandas(df, self_loops="keep")


def test_bad_input_is_reported_clearly(small):
    g = small
    with pytest.raises(UnknownIdError, match="1 ids"):
        spread(g, ["zed"])
    with pytest.raises(InputTypeError, match="seeds"):
        spread(g, "a")
    with pytest.raises(InputError, match="model"):
        spread(g, ["a"], model="sir")
    with pytest.raises(InputError, match=r"\[0, 1\]"):
        spread(g, ["a"], p=1.5)
    with pytest.raises(InputError, match="linear threshold"):
        spread(g, ["a"], model="lt", p=0.5)
    with pytest.raises(InputError, match="tie_strength"):
        spread(g, ["a"], p="ties")
    with pytest.raises(InputTypeError, match="p must"):
        spread(g, ["a"], p=[0.5])
    with pytest.raises(InputError, match="simulations"):
        spread(g, ["a"], simulations=0)
    with pytest.raises(InputError, match="seed"):
        spread(g, ["a"], seed=-1)
    with pytest.raises(InputError, match="weight"):
        spread(g, ["a"], weight="decayed")
    with pytest.raises(InputTypeError, match="progress"):
        spread(g, ["a"], progress=3)
    with pytest.raises(InputError, match="n_threads"):
        spread(g, ["a"], n_threads=0)


def test_bad_values_are_counted(small):
    with pytest.raises(InputError, match="2 values are NaN, infinite or negative"):
        spread(small, ["a"], value=pd.Series({"a": np.nan, "b": -1.0, "c": 1.0}))
    with pytest.raises(UnknownIdError):
        spread(small, ["a"], value=pd.Series({"zed": 1.0}))
    with pytest.raises(InputTypeError, match="Series"):
        spread(small, ["a"], value={"a": 1.0})
    with pytest.raises(InputError, match="more than once"):
        spread(small, ["a"], value=pd.Series([1.0, 2.0], index=["a", "a"]))
    with pytest.raises(InputError, match="positive for at least one"):
        maximize(small, 1, value=pd.Series({"a": 0.0}))


def test_bad_probability_series_is_reported(small):
    idx = pd.MultiIndex.from_tuples([("a", "b"), ("b", "c")])
    ok = spread(small, ["a"], p=pd.Series([1.0, 1.0], index=idx), simulations=10)
    assert ok.mean == 3.0  # the self-loop a -> a needs no value
    with pytest.raises(InputError, match="1 edges of the graph have no probability"):
        spread(small, ["a"], p=pd.Series([0.5], index=idx[:1]))
    bad_pair = pd.MultiIndex.from_tuples([("a", "b"), ("b", "c"), ("c", "a")])
    with pytest.raises(InputError, match="1 pairs are not edges"):
        spread(small, ["a"], p=pd.Series([0.5, 0.5, 0.5], index=bad_pair))
    with pytest.raises(InputError, match="1 values are not probabilities"):
        spread(small, ["a"], p=pd.Series([0.5, np.nan], index=idx))
    with pytest.raises(UnknownIdError):
        spread(small, ["a"], p=pd.Series([0.5], index=pd.MultiIndex.from_tuples([("a", "q")])))
    with pytest.raises(InputError, match="indexed by"):
        spread(small, ["a"], p=pd.Series([0.5], index=["a"]))
    dup = pd.MultiIndex.from_tuples([("a", "b"), ("b", "c"), ("a", "b")])
    with pytest.raises(InputError, match="more than once"):
        spread(small, ["a"], p=pd.Series([0.5, 0.5, 0.5], index=dup))
    und = Graph.from_pandas(pd.DataFrame({"source": ["a"], "target": ["b"]}), directed=False)
    both = pd.MultiIndex.from_tuples([("a", "b"), ("b", "a")])
    with pytest.raises(InputError, match="reverse"):
        spread(und, ["a"], p=pd.Series([0.5, 0.5], index=both))
    assert spread(und, ["b"], p=pd.Series([1.0], index=both[:1]), simulations=5).mean == 2.0


def test_bad_maximize_parameters(small):
    with pytest.raises(InputError, match="k must be"):
        maximize(small, 4)
    with pytest.raises(InputError, match="k must be"):
        maximize(small, -1)
    with pytest.raises(InputError, match="epsilon"):
        maximize(small, 1, epsilon=0)
    with pytest.raises(InputError, match="ell"):
        maximize(small, 1, ell=-1)
    with pytest.raises(InputError, match="linear threshold"):
        maximize(small, 1, model="lt", p=0.3)


# ---------------------------------------------------------------------------- runtime


def test_progress_reports_simulations(small):
    seen = []
    big = Graph.from_pandas(
        pd.DataFrame({"source": np.arange(20000) % 5000, "target": np.arange(1, 20001) % 5000})
    )
    spread(big, [0], p=1.0, simulations=400, progress=lambda d, t: seen.append((d, t)))
    assert all(t == 400 and 0 <= d <= 400 for d, t in seen)


@pytest.fixture(scope="module")
def big():
    rng = np.random.default_rng(0)
    n = 50_000
    df = pd.DataFrame({"source": rng.integers(0, n, 5 * n), "target": rng.integers(0, n, 5 * n)})
    return Graph.from_pandas(df, self_loops="keep")


def test_ctrl_c_interrupts_a_long_spread_and_maximize(big):
    for call in (
        lambda: spread(big, [0, 1, 2], p=1.0, simulations=10**7),
        lambda: maximize(big, 5, p=0.3, epsilon=0.01),
    ):
        start = time.perf_counter()
        with pytest.raises(KeyboardInterrupt), ctrl_c(after=0.2):
            call()
        assert time.perf_counter() - start < 2.0


def test_spread_releases_the_gil(big):
    ticks = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(1)
            stop.wait(0.01)

    worker = threading.Thread(target=tick)
    worker.start()
    try:
        spread(big, [0, 1, 2], p=1.0, simulations=60)
    finally:
        stop.set()
        worker.join()
    assert len(ticks) >= 5


def test_docstring_examples_run():
    result = doctest.testmod(diffusion_module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
