"""PageRank, Katz, eigenvector and HITS against networkx and igraph, plus the runtime contract.

Random graphs cover directed and undirected, weighted and unweighted cases, with isolated
customers, dangling customers (no out-edges) and self-loops. networkx runs the same power
iterations, so with tight tolerances the scores agree to about 1e-12; igraph (PRPACK, ARPACK) is
an independent solver.
"""

from __future__ import annotations

import doctest
import gzip
import os
import subprocess
import sys
import textwrap
import threading
import time
import warnings

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from _shared import ctrl_c

import socialcrm._centrality as centrality_module
from socialcrm import Graph
from socialcrm.exceptions import ConvergenceError, InputError, UnknownIdError
from socialcrm.influence import eigenvector, hits, katz, pagerank

RTOL = 1e-9
KINDS = [(d, w) for d in (True, False) for w in (True, False)]
SEEDS = range(6)


# ---------------------------------------------------------------- random graphs and oracles
def make_graph(seed, *, directed, weighted, n=40, m=110, loops=True, isolated=3):
    """A random customer graph with string ids (``isolated`` of them without edges)."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"c{i}" for i in range(n + isolated)])
    s, t = rng.integers(0, n, m), rng.integers(0, n, m)
    if not loops:
        s, t = s[s != t], t[s != t]
    w = rng.uniform(0.1, 3.0, len(s)) if weighted else np.ones(len(s))
    df = pd.DataFrame({"source": ids[s], "target": ids[t], "w": w})
    return Graph.from_pandas(
        df, weight="w", directed=directed, nodes=ids, self_loops="keep" if loops else "drop"
    )


def to_nx(g):
    G = nx.DiGraph() if g.directed else nx.Graph()
    G.add_nodes_from(g.nodes)
    e = g.to_pandas()
    G.add_weighted_edges_from(zip(e["source"], e["target"], e["weight"], strict=True))
    return G


def to_igraph(g):
    e = g.to_pandas()
    code = pd.Series(np.arange(len(g.nodes)), index=g.nodes)
    G = ig.Graph(
        n=len(g.nodes),
        edges=list(zip(code[e["source"]], code[e["target"]], strict=True)),
        directed=g.directed,
    )
    G.es["weight"] = e["weight"].to_numpy()
    return G


def assert_close(ours, theirs, rtol=RTOL, atol=0.0):
    theirs = pd.Series(theirs, dtype=float).reindex(ours.index)
    assert not theirs.isna().any()
    np.testing.assert_allclose(ours.to_numpy(), theirs.to_numpy(), rtol=rtol, atol=atol)


def spectral_radius(G, weighted):
    A = nx.to_numpy_array(G, weight="weight" if weighted else None)
    return float(np.max(np.abs(np.linalg.eigvals(A))))


def quiet(f, *args, **kwargs):
    """igraph warns about non-unique or near-zero scores; the comparison is what matters."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return f(*args, **kwargs)


# ---------------------------------------------------------------- PageRank
@pytest.mark.parametrize(("directed", "weighted"), KINDS)
@pytest.mark.parametrize("seed", SEEDS)
def test_pagerank_matches_networkx(seed, directed, weighted):
    g = make_graph(seed, directed=directed, weighted=weighted)
    G = to_nx(g)
    wk = "weight" if weighted else None
    tight = pagerank(g, weight=weighted, tol=1e-13, max_iter=1000)
    assert_close(tight, nx.pagerank(G, weight=wk, tol=1e-13, max_iter=1000))
    assert tight.sum() == pytest.approx(1.0, abs=1e-12)
    # The default tolerance stops after the same iteration as networkx.
    assert_close(pagerank(g, weight=weighted), nx.pagerank(G, weight=wk))
    for damping in (0.0, 0.5, 0.99):
        ours = pagerank(g, weight=weighted, damping=damping, tol=1e-12, max_iter=5000)
        assert_close(ours, nx.pagerank(G, alpha=damping, weight=wk, tol=1e-12, max_iter=5000))


@pytest.mark.parametrize(("directed", "weighted"), KINDS)
@pytest.mark.parametrize("seed", SEEDS)
def test_personalized_pagerank_matches_networkx(seed, directed, weighted):
    g = make_graph(seed, directed=directed, weighted=weighted)
    G = to_nx(g)
    rng = np.random.default_rng(100 + seed)
    chosen = rng.choice(g.nodes, 5, replace=False)
    pers = pd.Series(rng.uniform(0, 2, 5), index=chosen)
    pers.iloc[0] = 0.0  # a zero weight is allowed
    wk = "weight" if weighted else None
    ours = pagerank(g, personalization=pers, weight=weighted, tol=1e-13, max_iter=1000)
    theirs = nx.pagerank(G, personalization=pers.to_dict(), weight=wk, tol=1e-13, max_iter=1000)
    assert_close(ours, theirs)
    # A dict works the same; isolated customers without teleport weight stay at exactly 0.
    assert ours.equals(
        pagerank(g, personalization=pers.to_dict(), weight=weighted, tol=1e-13, max_iter=1000)
    )
    isolated = [c for c in ("c40", "c41", "c42") if pers.get(c, 0.0) == 0]
    assert (ours[isolated] == 0).all()


@pytest.mark.parametrize("directed", [True, False])
@pytest.mark.parametrize("seed", SEEDS)
def test_pagerank_matches_igraph(seed, directed):
    # igraph counts an undirected self-loop twice, networkx (and socialcrm) once: no loops here.
    g = make_graph(seed, directed=directed, weighted=True, loops=directed)
    G = to_igraph(g)
    ours = pagerank(g, tol=1e-14, max_iter=1000)
    assert_close(ours, pd.Series(G.pagerank(weights="weight"), index=g.nodes))
    reset = np.zeros(len(g.nodes))
    reset[[0, 3, 9]] = [1.0, 2.0, 0.5]
    pers = pd.Series(reset, index=g.nodes)
    ours = pagerank(g, personalization=pers, tol=1e-14, max_iter=1000)
    theirs = G.personalized_pagerank(weights="weight", reset=reset)
    assert_close(ours, pd.Series(theirs, index=g.nodes), atol=1e-15)


def test_pagerank_dangling_mass_follows_the_personalization():
    # a -> b, b dangling: b's mass goes back to a (the only teleport target).
    g = Graph.from_pandas(pd.DataFrame({"source": ["a"], "target": ["b"]}))
    pr = pagerank(g, personalization={"a": 1.0}, tol=1e-15, max_iter=1000)
    d = 0.85
    # x_a = d * x_b + (1 - d), x_b = d * x_a  =>  x_a = 1 / (1 + d).
    assert pr["a"] == pytest.approx(1 / (1 + d), rel=1e-12)
    assert pr["b"] == pytest.approx(d / (1 + d), rel=1e-12)


def test_pagerank_uses_the_decayed_weight():
    df = pd.DataFrame(
        {
            "source": ["a", "a", "b"],
            "target": ["b", "c", "a"],
            "time": pd.to_datetime(["2024-01-01", "2024-03-01", "2024-03-01"]),
        }
    )
    g = Graph.from_pandas(df, timestamp="time", half_life="30D")
    G = to_nx(g)
    e = g.to_pandas()
    for a, b, w in zip(e["source"], e["target"], e["decayed_weight"], strict=True):
        G[a][b]["decayed"] = w
    ours = pagerank(g, weight="decayed", tol=1e-14, max_iter=1000)
    assert_close(ours, nx.pagerank(G, weight="decayed", tol=1e-14, max_iter=1000))
    assert ours["c"] > ours["b"]  # the recent edge carries more weight


# ---------------------------------------------------------------- Katz
@pytest.mark.parametrize(("directed", "weighted"), KINDS)
@pytest.mark.parametrize("seed", SEEDS)
def test_katz_matches_networkx(seed, directed, weighted):
    g = make_graph(seed, directed=directed, weighted=weighted)
    G = to_nx(g)
    wk = "weight" if weighted else None
    lam = spectral_radius(G, weighted)
    ours = katz(g, weight=weighted, tol=1e-13, max_iter=20_000)
    # The default alpha is 0.85 / lambda_max, lambda_max estimated by Lanczos (undirected) or
    # power iteration (directed).
    assert ours.attrs["alpha"] == pytest.approx(0.85 / lam, rel=1e-9)
    assert ours.attrs["lambda_max"] == pytest.approx(lam, rel=1e-9)
    theirs = nx.katz_centrality(G, alpha=ours.attrs["alpha"], weight=wk, tol=1e-13, max_iter=20_000)
    assert_close(ours, theirs)
    alpha = 0.3 / lam
    ours = katz(g, alpha=alpha, beta=2.0, weight=weighted, normalized=False, tol=1e-13)
    theirs = nx.katz_centrality(
        G, alpha=alpha, beta=2.0, weight=wk, normalized=False, tol=1e-13, max_iter=1000
    )
    assert_close(ours, theirs)


@pytest.mark.parametrize("weighted", [False, True])
def test_katz_default_lambda_max_on_two_similar_communities_matches_eigvalsh(weighted):
    # Two random blocks of 40 customers, one edge between them: the two leading eigenvalues
    # nearly coincide, where a power iteration would need thousands of steps.
    rng = np.random.default_rng(17 + weighted)
    block = np.triu(rng.random((40, 40)) < 0.3, 1).astype(float)
    block *= rng.uniform(0.5, 3.0, block.shape) if weighted else 1.0
    a = np.zeros((80, 80))
    a[:40, :40] = a[40:, 40:] = block
    a[40 + np.argwhere(block)[0][0], 40 + np.argwhere(block)[0][1]] = 0.0  # not quite twins
    a[3, 50] = 1.0
    src, dst = np.nonzero(a)
    df = pd.DataFrame({"source": src, "target": dst, "weight": a[src, dst]})
    g = Graph.from_pandas(df, directed=False, nodes=np.arange(80), weight="weight")
    full = a + a.T
    lam = np.linalg.eigvalsh(full)
    assert lam[-1] - lam[-2] < 0.01 * lam[-1]
    got = katz(g, weight=weighted).attrs["lambda_max"]
    assert got == pytest.approx(lam[-1], rel=1e-12)


@pytest.mark.parametrize("scale", [1e300, 1e-300])
@pytest.mark.parametrize("directed", [False, True])
def test_spectral_measures_ignore_extreme_weight_scales(scale, directed):
    # Products and squared norms would overflow near 1e300 and lose every digit near 1e-300;
    # eigenvectors do not depend on the scale, and lambda_max scales with it.
    rng = np.random.default_rng(31 + directed)
    n = 40
    src = np.concatenate([np.arange(n), rng.integers(0, n, 80)])
    dst = np.concatenate([(np.arange(n) + 1) % n, rng.integers(0, n, 80)])
    keep = src != dst
    src, dst = src[keep], dst[keep]
    w = rng.uniform(0.5, 2.0, len(src))

    def build(weights):
        df = pd.DataFrame({"source": src, "target": dst, "weight": weights})
        return Graph.from_pandas(df, directed=directed, weight="weight")

    plain, extreme = build(w), build(w * scale)
    for measure in (eigenvector, hits):
        kw = {"tol": 1e-12, "max_iter": 10_000}
        want, got = measure(plain, **kw), measure(extreme, **kw)
        assert np.isfinite(got.to_numpy()).all()
        np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), atol=1e-9)
    want, got = katz(plain, tol=1e-12), katz(extreme, tol=1e-12)
    assert got.attrs["lambda_max"] == pytest.approx(want.attrs["lambda_max"] * scale, rel=1e-9)
    np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), atol=1e-9)


def test_katz_rejects_alpha_beyond_one_over_lambda_max():
    g = make_graph(3, directed=True, weighted=True)
    lam = spectral_radius(to_nx(g), True)
    with pytest.raises(InputError, match=r"alpha must be below 1 / lambda_max = .*lambda_max"):
        katz(g, alpha=1.02 / lam)
    with pytest.raises(InputError, match="lambda_max"):
        katz(g, alpha=1 / lam * (1 + 1e-9))
    # Just below the bound is fine (slow, so loosely).
    assert katz(g, alpha=0.98 / lam, tol=1e-4, max_iter=5000).notna().all()
    # A small alpha is accepted by the Collatz-Wielandt bound before lambda_max converges.
    small = katz(g, alpha=1e-3)
    assert small.attrs["lambda_max"] is None


def test_katz_on_an_acyclic_graph_defaults_to_alpha_0_1():
    df = pd.DataFrame({"source": ["a", "a", "b"], "target": ["b", "c", "c"]})
    k = katz(Graph.from_pandas(df), normalized=False)
    assert (k.attrs["alpha"], k.attrs["lambda_max"]) == (0.1, 0.0)
    assert k.tolist() == pytest.approx([1.0, 1.1, 1.0 + 0.1 * 1.1 + 0.1])
    # One undirected edge: lambda_max = 1.
    pair = Graph.from_pandas(df.iloc[:1], directed=False)
    assert katz(pair).attrs["lambda_max"] == pytest.approx(1.0, rel=1e-12)


# ---------------------------------------------------------------- eigenvector
@pytest.mark.parametrize(("directed", "weighted"), KINDS)
@pytest.mark.parametrize("seed", SEEDS)
def test_eigenvector_matches_networkx(seed, directed, weighted):
    g = make_graph(seed, directed=directed, weighted=weighted)
    G = to_nx(g)
    wk = "weight" if weighted else None
    try:
        theirs = nx.eigenvector_centrality(G, weight=wk, tol=1e-12, max_iter=5000)
    except nx.PowerIterationFailedConvergence:
        with pytest.raises(ConvergenceError):
            eigenvector(g, weight=weighted, tol=1e-12, max_iter=5000)
        return
    ours = eigenvector(g, weight=weighted, tol=1e-12, max_iter=5000)
    # Customers outside the dominant part decay towards 0 in both: compare those absolutely.
    assert_close(ours, theirs, atol=1e-12)
    assert np.linalg.norm(ours) == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_eigenvector_matches_igraph_on_connected_graphs(seed):
    g = make_graph(seed, directed=False, weighted=True, n=60, m=300, loops=False, isolated=0)
    G = to_igraph(g)
    if not G.is_connected():
        membership = np.array(G.connected_components().membership)
        g = g.subgraph(g.nodes[membership == np.bincount(membership).argmax()])
        G = to_igraph(g)
    ev = np.array(quiet(G.eigenvector_centrality, weights="weight", scale=False))
    ours = eigenvector(g, tol=1e-14, max_iter=10_000)
    assert_close(ours, pd.Series(ev / np.linalg.norm(ev), index=g.nodes), rtol=1e-8)


def _random_small_graph(seed, directed):
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(2, 30)), int(rng.integers(1, 80))
    df = pd.DataFrame(
        {
            "source": rng.integers(0, n, m),
            "target": rng.integers(0, n, m),
            "weight": [np.ones(m), rng.random(m), np.exp(rng.normal(0, 2, m))][seed % 3],
        }
    )
    return Graph.from_pandas(df, weight="weight", directed=directed, self_loops="keep")


def test_undirected_eigenvector_converges_where_power_iteration_stalls():
    # Undirected graphs take the Lanczos path: with networkx's defaults its (A + I) power
    # iteration fails on some of these graphs; here every one converges and agrees with a
    # dense eigensolver (numpy's eigh; a self-loop counts once, as in networkx) where the
    # leading eigenvector is well defined.
    stalls = 0
    for seed in range(60):
        g = _random_small_graph(seed, directed=False)
        G = to_nx(g)
        lam, vec = np.linalg.eigh(nx.to_numpy_array(G, weight="weight"))
        lam, top = lam[::-1], vec[:, -1]
        ours = eigenvector(g)  # must not raise
        assert ours.min() >= 0.0 and np.linalg.norm(ours) == pytest.approx(1.0)
        try:
            nx.eigenvector_centrality(G, weight="weight")
        except nx.PowerIterationFailedConvergence:
            stalls += 1
        if len(lam) > 1 and lam[0] > 0 and (lam[0] - lam[1]) / lam[0] > 1e-3:
            tight = eigenvector(g, tol=1e-15, max_iter=1000)
            ref = pd.Series(np.abs(top), index=list(G))
            assert_close(tight, ref, atol=1e-9)
    assert stalls >= 3


# ---------------------------------------------------------------- HITS
def _hits_gap(G):
    s = np.linalg.svd(nx.to_numpy_array(G, weight="weight"), compute_uv=False)
    return (s[0] - s[1]) / s[0] if s[0] > 0 else 0.0


@pytest.mark.parametrize("directed", [True, False])
def test_hits_matches_networkx_and_igraph(directed):
    compared = 0
    for seed in range(12):
        g = make_graph(seed, directed=directed, weighted=True, loops=directed)
        G = to_nx(g)
        if _hits_gap(G) < 0.02:  # leading singular value (nearly) repeated: not unique
            continue
        compared += 1
        ours = hits(g, tol=1e-14, max_iter=20_000)
        h, a = nx.hits(G, tol=1e-14, max_iter=20_000)
        assert_close(ours["hub"], h, atol=1e-13)
        assert_close(ours["authority"], a, atol=1e-13)
        ig_graph = to_igraph(g)
        hub = np.array(quiet(ig_graph.hub_score, weights="weight"))
        auth = np.array(quiet(ig_graph.authority_score, weights="weight"))
        assert_close(ours["hub"], pd.Series(hub / hub.sum(), index=g.nodes), atol=1e-13)
        assert_close(ours["authority"], pd.Series(auth / auth.sum(), index=g.nodes), atol=1e-13)
        assert ours.sum().tolist() == pytest.approx([1.0, 1.0], abs=1e-12)
    assert compared >= 8


@pytest.mark.parametrize("directed", [True, False])
def test_hits_converges_under_the_defaults_where_power_iteration_stalls(directed):
    # Small graphs of a few components often have two close leading singular values: power
    # iteration with networkx's old defaults (100 steps) failed on about one in seven of these.
    close = 0
    for seed in range(60):
        g = _random_small_graph(seed, directed)
        G = to_nx(g)
        s = np.linalg.svd(nx.to_numpy_array(G, weight="weight"), compute_uv=False)
        ratio = (s[1] / s[0]) ** 2 if len(s) > 1 else 0.0
        r = hits(g)  # must not raise
        assert r.attrs["iterations"] <= 200
        assert r.to_numpy().min() >= 0.0
        assert r.sum().tolist() == pytest.approx([1.0, 1.0], abs=1e-12)
        if ratio**100 > 1e-8:  # 100 power steps would leave an error above 1e-8
            close += 1
        if s[0] > 0 and 1 - s[1] / s[0] > 1e-3:  # leading singular vectors well defined
            ours = hits(g, tol=1e-14)
            h, a = nx.hits(G, tol=1e-14, max_iter=10_000)
            assert_close(ours["hub"], h, atol=1e-9)
            assert_close(ours["authority"], a, atol=1e-9)
    assert close >= 3


def test_hits_stops_on_the_lanczos_residual():
    g = make_graph(0, directed=True, weighted=True)
    loose, tight = hits(g, tol=1e-4), hits(g, tol=1e-13)
    assert loose.attrs["iterations"] < tight.attrs["iterations"]
    assert tight.attrs["residual"] <= 1e-13 < loose.attrs["residual"] <= 1e-4


def test_hits_ignores_weights_when_asked():
    g = make_graph(1, directed=True, weighted=True)
    G = to_nx(g)
    nx.set_edge_attributes(G, 1.0, "weight")
    ours = hits(g, weight=False, tol=1e-14, max_iter=20_000)
    h, a = nx.hits(G, tol=1e-14, max_iter=20_000)
    assert_close(ours["hub"], h, atol=1e-13)
    assert_close(ours["authority"], a, atol=1e-13)


def test_hits_in_a_qa_network_hubs_are_answerers():
    # answerer -> asker, as Graph.from_posts draws answers.
    answers = pd.DataFrame(
        {"answerer": ["ex", "ex", "ex", "mid", "mid", "new"], "asker": ["q1", "q2", "q3"] * 2}
    )
    r = hits(Graph.from_pandas(answers, "answerer", "asker"))
    assert r["hub"].idxmax() == "ex"
    assert r["authority"][["ex", "mid", "new"]].eq(0).all()
    assert r["hub"][["q1", "q2", "q3"]].eq(0).all()


# ---------------------------------------------------------------- small and degenerate graphs
def test_empty_and_edgeless_graphs():
    empty = Graph.from_pandas(pd.DataFrame({"source": [], "target": []}, dtype=str))
    for f in (pagerank, katz, eigenvector):
        assert f(empty).empty
    assert hits(empty).empty
    edgeless = Graph.from_pandas(
        pd.DataFrame({"source": [], "target": []}, dtype=str), nodes=["a", "b", "c", "d"]
    )
    assert pagerank(edgeless).tolist() == [0.25] * 4
    assert katz(edgeless).tolist() == pytest.approx([0.5] * 4)
    assert eigenvector(edgeless).tolist() == [0.5] * 4
    assert hits(edgeless).to_numpy().tolist() == [[0.25, 0.25]] * 4


def test_karate_club_matches_networkx(shared_data):
    path = shared_data / "karate_edges.csv.gz"
    if not path.exists():
        pytest.skip("karate_edges.csv.gz absent")
    with gzip.open(path) as f:
        edges = pd.read_csv(f)
    g = Graph.from_pandas(edges, "u", "v", weight="weight", directed=False)
    G = to_nx(g)
    assert (g.n_nodes, g.n_edges) == (34, 78)
    for weighted in (True, False):
        wk = "weight" if weighted else None
        pr = pagerank(g, weight=weighted, tol=1e-13, max_iter=1000)
        assert_close(pr, nx.pagerank(G, weight=wk, tol=1e-13, max_iter=1000))
        ev = eigenvector(g, weight=weighted, tol=1e-13, max_iter=1000)
        assert_close(ev, nx.eigenvector_centrality(G, weight=wk, tol=1e-13, max_iter=1000))
        k = katz(g, weight=weighted, tol=1e-13)
        assert_close(k, nx.katz_centrality(G, alpha=k.attrs["alpha"], weight=wk, tol=1e-13))
        # The instructor (0) and the president (33), around whom the club split, rank first.
        assert set(pr.nlargest(2).index) == {0, 33}
    h = hits(g, tol=1e-14, max_iter=10_000)
    assert_close(h["hub"], nx.hits(G, tol=1e-14, max_iter=10_000)[0], atol=1e-13)
    np.testing.assert_allclose(h["hub"], h["authority"], atol=1e-12)


# ---------------------------------------------------------------- bad input
def test_personalization_errors():
    g = make_graph(0, directed=True, weighted=True)
    with pytest.raises(UnknownIdError, match="not customers"):
        pagerank(g, personalization={"nobody": 1.0})
    with pytest.raises(InputError, match="negative or not finite"):
        pagerank(g, personalization={"c1": -1.0, "c2": 3.0})
    with pytest.raises(InputError, match="negative or not finite"):
        pagerank(g, personalization=pd.Series([np.nan], index=["c1"]))
    with pytest.raises(InputError, match="positive weight"):
        pagerank(g, personalization={"c1": 0.0, "c2": 0.0})
    with pytest.raises(InputError, match="positive weight"):
        pagerank(g, personalization=pd.Series(dtype=float))
    with pytest.raises(InputError, match="repeated"):
        pagerank(g, personalization=pd.Series([1.0, 2.0], index=["c1", "c1"]))
    with pytest.raises(InputError, match="must be a pandas Series or a dict"):
        pagerank(g, personalization=[1.0, 2.0])
    with pytest.raises(InputError, match="must be numbers"):
        pagerank(g, personalization={"c1": "lots"})


@pytest.mark.parametrize(
    ("f", "kwargs", "match"),
    [
        (pagerank, {"damping": 1.0}, "damping"),
        (pagerank, {"damping": -0.1}, "damping"),
        (pagerank, {"damping": float("nan")}, "damping"),
        (pagerank, {"damping": "high"}, "damping"),
        (pagerank, {"tol": -1e-6}, "tol"),
        (pagerank, {"max_iter": 0}, "max_iter"),
        (pagerank, {"max_iter": 2.5}, "max_iter"),
        (pagerank, {"n_threads": 0}, "n_threads"),
        (pagerank, {"progress": "bar"}, "progress"),
        (pagerank, {"weight": "bogus"}, "weight"),
        (pagerank, {"weight": "decayed"}, "half_life"),
        (katz, {"alpha": 0.0}, "alpha"),
        (katz, {"alpha": -0.1}, "alpha"),
        (katz, {"alpha": float("inf")}, "alpha"),
        (katz, {"alpha": True}, "alpha"),
        (katz, {"beta": 0.0}, "beta"),
        (katz, {"tol": float("nan")}, "tol"),
        (eigenvector, {"max_iter": -3}, "max_iter"),
        (eigenvector, {"weight": 2}, "weight"),
        (hits, {"tol": -1.0}, "tol"),
        (hits, {"n_threads": 1.5}, "n_threads"),
    ],
)
def test_bad_parameters_are_input_errors(f, kwargs, match):
    g = make_graph(0, directed=True, weighted=True)
    with pytest.raises(InputError, match=match):
        f(g, **kwargs)


@pytest.mark.parametrize("f", [pagerank, eigenvector, hits])
def test_non_convergence_is_a_convergence_error(f):
    g = make_graph(0, directed=True, weighted=True)
    with pytest.raises(ConvergenceError, match="no convergence after 2 iterations"):
        f(g, tol=0.0, max_iter=2)
    with pytest.raises(ConvergenceError):
        katz(g, alpha=0.01, tol=0.0, max_iter=2)


# ---------------------------------------------------------------- determinism and runtime
def _big_graph(n=30_000, m=150_000, directed=True, seed=0):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "source": rng.integers(0, n, m),
            "target": rng.integers(0, n, m),
            "w": rng.uniform(0.1, 2, m),
        }
    )
    df = df[df["source"] != df["target"]]
    return Graph.from_pandas(df, weight="w", directed=directed)


@pytest.fixture(scope="module")
def big():
    return _big_graph()


def _all_results(g, n_threads):
    return [
        pagerank(g, n_threads=n_threads, tol=1e-10, max_iter=500),
        pagerank(g, personalization={0: 1.0, 7: 2.0}, n_threads=n_threads, tol=1e-10),
        katz(g, alpha=0.05, n_threads=n_threads),
        eigenvector(g, n_threads=n_threads, tol=1e-8, max_iter=1000),
        hits(g, n_threads=n_threads, tol=1e-6, max_iter=2000),
    ]


def test_results_are_bit_identical_on_one_and_two_threads(big):
    for one, two in zip(_all_results(big, 1), _all_results(big, 2), strict=True):
        assert one.equals(two)


def test_lanczos_results_are_bit_identical_on_one_and_two_threads():
    # 2^17 nodes: the Krylov vectors' dot products and projections run on the pool.
    und = _big_graph(n=131_072, m=400_000, directed=False, seed=5)
    directed = _big_graph(n=131_072, m=400_000, seed=6)
    for n_threads in (1, 2):
        ev = eigenvector(und, tol=1e-9, max_iter=1000, n_threads=n_threads)
        h = hits(directed, tol=1e-9, n_threads=n_threads)
        if n_threads == 1:
            first = (ev, h)
    assert first[0].equals(ev) and first[1].equals(h)
    assert ev.attrs["iterations"] < 200 and h.attrs["iterations"] < 200


def test_results_are_bit_identical_across_rayon_num_threads():
    code = textwrap.dedent(
        """
        import hashlib, sys
        sys.path.insert(0, sys.argv[1])
        from test_influence_centrality import _all_results, _big_graph
        from socialcrm.influence import katz
        g = _big_graph(directed=False)
        res = _all_results(g, None) + [katz(g, tol=1e-8)]
        print(hashlib.sha256(b"".join(r.to_numpy().tobytes() for r in res)).hexdigest())
        """
    )
    here = os.path.dirname(__file__)
    digests = set()
    for threads in ("1", "4"):
        env = {**os.environ, "RAYON_NUM_THREADS": threads}
        out = subprocess.run(
            [sys.executable, "-c", code, here], env=env, capture_output=True, text=True, check=True
        )
        digests.add(out.stdout.strip())
    assert len(digests) == 1


def test_progress_counts_iterations(big):
    seen = []
    with pytest.raises(ConvergenceError):
        pagerank(big, tol=0.0, max_iter=400, n_threads=1, progress=lambda d, t: seen.append((d, t)))
    seen = [(d, t) for d, t in seen if (d, t) != (0, 0)]  # a poll before the job started
    assert seen, "progress was never called"
    assert all(t == 400 and 0 <= d <= t for d, t in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_ctrl_c_stops_pagerank(big):
    start = time.perf_counter()
    with pytest.raises(KeyboardInterrupt), ctrl_c(after=0.2):
        pagerank(big, tol=0.0, max_iter=10**8, n_threads=1)
    assert time.perf_counter() - start < 2.0


def test_pagerank_releases_the_gil(big):
    ticks = 0
    stop = threading.Event()

    def tick():
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0.001)

    t = threading.Thread(target=tick)
    t.start()
    start = time.perf_counter()
    with pytest.raises(ConvergenceError):
        pagerank(big, tol=0.0, max_iter=300, n_threads=1)
    elapsed = time.perf_counter() - start
    stop.set()
    t.join()
    assert ticks > 0.3 * elapsed / 0.0012


def test_docstring_examples_run():
    result = doctest.testmod(centrality_module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


@pytest.mark.slow
def test_large_graph_paths_are_deterministic_and_agree_with_scipy():
    # A long PageRank run on 2^17 nodes or more switches to nodes renumbered by out-degree;
    # HITS's Krylov bases span 600,000 entries, their dot products many chunks.
    n, m = 600_000, 1_800_000
    g = _big_graph(n=n, m=m, seed=3)
    one = pagerank(g, tol=1e-12, n_threads=1)
    assert one.equals(pagerank(g, tol=1e-12, n_threads=2))
    assert hits(g, tol=1e-8, max_iter=1000, n_threads=1).equals(
        hits(g, tol=1e-8, max_iter=1000, n_threads=2)
    )
    import scipy.sparse as sp

    e = g.to_pandas()
    code = pd.Series(np.arange(g.n_nodes), index=g.nodes)
    src, dst = code[e["source"]].to_numpy(), code[e["target"]].to_numpy()
    w = e["weight"].to_numpy()
    out = np.bincount(src, weights=w, minlength=g.n_nodes)
    P = sp.csr_array((w / out[src], (dst, src)), shape=(g.n_nodes, g.n_nodes))
    x = np.full(g.n_nodes, 1.0 / g.n_nodes)
    dangling = out == 0
    for _ in range(one.attrs["iterations"]):
        x = 0.85 * (P @ x + x[dangling].sum() / g.n_nodes) + 0.15 / g.n_nodes
    np.testing.assert_allclose(one.to_numpy(), x, rtol=1e-9)
