"""Core numbers and Burt's structural holes against networkx and igraph, and by hand.

networkx's ``constraint`` and ``effective_size`` have two code paths: a per-node one (used when
``nodes=`` is given) and a whole-graph sparse-matrix one (the default). For ``constraint`` the
matrix path is right; the per-node paths give NaN to customers without out-edges. For
``effective_size`` the per-node path follows Burt, while the matrix path scales ``m_jq`` by the
largest tie of ``q`` instead of ``j`` (they differ on weighted and on directed graphs).
socialcrm follows Burt in both, so it matches each path where that path is right.
"""

from __future__ import annotations

import doctest
import gzip
import math
import warnings

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
import pytest

import socialcrm._brokerage as brokerage_module
from socialcrm import Graph
from socialcrm.exceptions import InputError
from socialcrm.influence import (
    constraint,
    effective_size,
    efficiency,
    hierarchy,
    kcore,
    structural_holes,
)

RTOL = 1e-9
KINDS = [(d, w) for d in (True, False) for w in (True, False)]
SEEDS = range(6)


def make_graph(seed, *, directed, weighted, n=40, m=120, loops=True, isolated=3):
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


def to_nx(g, *, loops=False):
    G = nx.DiGraph() if g.directed else nx.Graph()
    G.add_nodes_from(g.nodes)
    e = g.to_pandas()
    G.add_weighted_edges_from(zip(e["source"], e["target"], e["weight"], strict=True))
    if not loops:
        G.remove_edges_from(list(nx.selfloop_edges(G)))
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


def per_node(f, G, wk):
    """networkx's per-node path of ``f`` for every node. That path tests ``G[v]`` (successors)
    for isolation, so customers who only receive get their value from the reversed graph, where
    they send: Burt's measures use mutual weights and do not change when every edge turns."""
    out = f(G, nodes=list(G), weight=wk)
    if G.is_directed():
        receivers = [v for v in G if len(G[v]) == 0 and G.in_degree(v) > 0]
        out.update(f(G.reverse(), nodes=receivers, weight=wk))
    return out


def assert_close(ours, theirs, rtol=RTOL):
    theirs = pd.Series(theirs, dtype=float).reindex(ours.index)
    np.testing.assert_allclose(ours.to_numpy(), theirs.to_numpy(), rtol=rtol, atol=0)


# ---------------------------------------------------------------- core numbers
@pytest.mark.parametrize("directed", [True, False])
@pytest.mark.parametrize("seed", SEEDS)
def test_kcore_matches_networkx_and_igraph(seed, directed):
    g = make_graph(seed, directed=directed, weighted=False, m=200)
    cores = kcore(g)
    assert cores.dtype == np.int64 and cores.name == "kcore"
    # networkx refuses self-loops: compare with the loops removed (socialcrm ignores them).
    assert cores.to_dict() == nx.core_number(to_nx(g))
    loop_free = make_graph(seed, directed=directed, weighted=False, m=200, loops=False)
    expected = to_igraph(loop_free).coreness(mode="all")
    assert kcore(loop_free).tolist() == expected


def test_kcore_ignores_self_loops_and_weights():
    df = pd.DataFrame({"source": ["a", "a", "b", "c", "c"], "target": ["a", "b", "c", "a", "c"]})
    with_loops = Graph.from_pandas(df, directed=False, self_loops="keep")
    assert kcore(with_loops).tolist() == [2, 2, 2]
    heavy = df.assign(w=[100.0, 1.0, 1.0, 1.0, 5.0])
    assert kcore(Graph.from_pandas(heavy, weight="w", self_loops="keep")).tolist() == [2, 2, 2]


def test_kcore_of_empty_and_edgeless_graphs():
    empty = Graph.from_pandas(pd.DataFrame({"source": [], "target": []}, dtype=str))
    assert kcore(empty).empty
    lonely = Graph.from_pandas(
        pd.DataFrame({"source": [], "target": []}, dtype=str), nodes=["a", "b"]
    )
    assert kcore(lonely).tolist() == [0, 0]


# ---------------------------------------------------------------- constraint, effective size
@pytest.mark.parametrize(("directed", "weighted"), KINDS)
@pytest.mark.parametrize("seed", SEEDS)
def test_constraint_matches_networkx_and_igraph(seed, directed, weighted):
    g = make_graph(seed, directed=directed, weighted=weighted)
    G = to_nx(g)
    wk = "weight" if weighted else None
    ours = constraint(g, weight=weighted)
    assert ours.name == "constraint"
    assert_close(ours, nx.constraint(G, weight=wk))
    assert_close(ours, per_node(nx.constraint, G, wk))
    # igraph ignores self-loops too and, without weights, counts every edge as 1.
    ig_graph = to_igraph(g)
    theirs = ig_graph.constraint(weights="weight" if weighted else None)
    assert_close(ours, pd.Series(theirs, index=g.nodes))


@pytest.mark.parametrize(("directed", "weighted"), KINDS)
@pytest.mark.parametrize("seed", SEEDS)
def test_effective_size_matches_networkx(seed, directed, weighted):
    g = make_graph(seed, directed=directed, weighted=weighted)
    G = to_nx(g)
    wk = "weight" if weighted else None
    ours = effective_size(g, weight=weighted)
    assert_close(ours, per_node(nx.effective_size, G, wk))
    # Borgatti's shortcut on the unweighted undirected graph: n - 2t/n; networkx's matrix
    # path agrees with Burt there (every tie has the same mutual weight).
    if not directed and not weighted:
        assert_close(ours, nx.effective_size(G, weight=wk))
        for v in list(G)[:10]:
            nbrs = set(G[v])
            if nbrs:
                ties = G.subgraph(nbrs).number_of_edges()
                assert ours[v] == pytest.approx(len(nbrs) - 2 * ties / len(nbrs), rel=1e-12)


def test_weighted_effective_size_follows_burt_not_networkx_matrix_path():
    # a - b (1), a - c (1), b - c (4), c - d (1): Burt scales m_jq by j's strongest tie.
    df = pd.DataFrame(
        {"source": ["a", "a", "b", "c"], "target": ["b", "c", "c", "d"], "w": [1, 1, 4, 1.0]}
    )
    g = Graph.from_pandas(df, weight="w", directed=False)
    # For a: p_ab = p_ac = 1/2; m_bc / max_b = 4/4 = 1 and m_cb / max_c = 4/4 = 1, so each
    # contact is fully redundant with the other: E_a = 2 - (1/2 * 1 + 1/2 * 1) = 1.
    assert effective_size(g)["a"] == pytest.approx(1.0, rel=1e-15)
    assert effective_size(g)["a"] == pytest.approx(
        nx.effective_size(to_nx(g), nodes=["a"], weight="weight")["a"], rel=1e-15
    )


# ---------------------------------------------------------------- hierarchy and efficiency
def test_hierarchy_and_efficiency_by_hand():
    # Triangle a-b-c plus pendant d on a (undirected, unweighted).
    df = pd.DataFrame({"source": ["a", "a", "a", "b"], "target": ["b", "c", "d", "c"]})
    sh = structural_holes(Graph.from_pandas(df, directed=False), weight=False)
    # a: contacts b, c, d with p = 1/3; p_cb = p_bc = 1/2 (b and c have two contacts each).
    c_ab = (1 / 3 + 1 / 3 * 1 / 2) ** 2  # = 1/4
    c_ac = c_ab
    c_ad = (1 / 3) ** 2
    big_c = c_ab + c_ac + c_ad
    r = np.array([c_ab, c_ac, c_ad]) / (big_c / 3)
    h_a = float(np.sum(r * np.log(r)) / (3 * math.log(3)))
    e_a = 3 - 2 * 1 / 3  # one tie (b-c) among three contacts
    assert sh.loc["a", "constraint"] == pytest.approx(big_c, rel=1e-14)
    assert sh.loc["a", "hierarchy"] == pytest.approx(h_a, rel=1e-12)
    assert sh.loc["a", "effective_size"] == pytest.approx(e_a, rel=1e-14)
    assert sh.loc["a", "efficiency"] == pytest.approx(e_a / 3, rel=1e-14)
    # b: contacts a (p = 1/2) and c (p = 1/2); p_ca = 1/2, p_ac = 1/3.
    c_ba = (1 / 2 + 1 / 2 * 1 / 2) ** 2
    c_bc = (1 / 2 + 1 / 2 * 1 / 3) ** 2
    r = np.array([c_ba, c_bc]) / ((c_ba + c_bc) / 2)
    assert sh.loc["b", "hierarchy"] == pytest.approx(
        float(np.sum(r * np.log(r)) / (2 * math.log(2))), rel=1e-12
    )
    assert sh.loc["b", "efficiency"] == pytest.approx((2 - 2 * 1 / 2) / 2, rel=1e-14)
    # d: a single contact: fully constrained, hierarchy 0 by convention, efficiency 1.
    assert sh.loc["d"].tolist() == [1, 1.0, 1.0, 1.0, 0.0]


def test_hierarchy_of_a_weighted_directed_star_by_hand():
    # Centre o with contacts x (o -> x, 3), y (y -> o, 1), z (o <-> z, 1 + 1); no other ties.
    df = pd.DataFrame(
        {"source": ["o", "y", "o", "z"], "target": ["x", "o", "z", "o"], "w": [3, 1, 1, 1.0]}
    )
    sh = structural_holes(Graph.from_pandas(df, weight="w"))
    p = np.array([3, 1, 2]) / 6  # mutual weights of x, y, z over 6
    c = p**2  # no indirect paths
    r = c / (c.sum() / 3)
    assert sh.loc["o", "constraint"] == pytest.approx(c.sum(), rel=1e-14)
    assert sh.loc["o", "hierarchy"] == pytest.approx(
        float(np.sum(r * np.log(r)) / (3 * math.log(3))), rel=1e-12
    )
    assert sh.loc["o", ["effective_size", "efficiency"]].tolist() == [3.0, 1.0]


@pytest.mark.parametrize(("directed", "weighted"), KINDS)
@pytest.mark.parametrize("seed", range(3))
def test_hierarchy_and_efficiency_match_burt_from_networkx_local_constraints(
    seed, directed, weighted
):
    g = make_graph(seed, directed=directed, weighted=weighted)
    G = to_nx(g)
    wk = "weight" if weighted else None
    sh = structural_holes(g, weight=weighted)
    es = per_node(nx.effective_size, G, wk)
    for v in G:
        contacts = set(nx.all_neighbors(G, v))
        n = len(contacts)
        assert sh.loc[v, "n_contacts"] == n
        if n == 0:
            assert (
                sh.loc[v, ["constraint", "effective_size", "efficiency", "hierarchy"]].isna().all()
            )
            continue
        assert sh.loc[v, "efficiency"] == pytest.approx(es[v] / n, rel=RTOL)
        c = np.array([nx.local_constraint(G, v, u, weight=wk) for u in contacts])
        if n == 1:
            assert sh.loc[v, "hierarchy"] == 0.0
            continue
        r = c / (c.sum() / n)
        expected = float(np.sum(r * np.log(r)) / (n * math.log(n)))
        assert sh.loc[v, "hierarchy"] == pytest.approx(expected, rel=1e-8, abs=1e-14)


# ---------------------------------------------------------------- special cases
def test_isolated_customers_get_nan():
    g = make_graph(0, directed=True, weighted=True)
    for f in (constraint, effective_size, efficiency, hierarchy):
        s = f(g)
        assert s[["c40", "c41", "c42"]].isna().all()
        assert s.drop(["c40", "c41", "c42"]).notna().any()


@pytest.mark.parametrize("directed", [True, False])
def test_self_loops_are_ignored(directed):
    with_loops = structural_holes(make_graph(4, directed=directed, weighted=True, loops=True))
    rng = np.random.default_rng(4)
    ids = np.array([f"c{i}" for i in range(43)])
    s, t = rng.integers(0, 40, 120), rng.integers(0, 40, 120)
    w = rng.uniform(0.1, 3.0, 120)
    keep = s != t
    assert (~keep).any(), "the case must contain self-loops"
    df = pd.DataFrame({"source": ids[s[keep]], "target": ids[t[keep]], "w": w[keep]})
    without = structural_holes(Graph.from_pandas(df, weight="w", directed=directed, nodes=ids))
    pd.testing.assert_frame_equal(with_loops, without, rtol=1e-15)


def test_zero_weight_ties_are_not_contacts():
    df = pd.DataFrame({"source": ["a", "b", "b"], "target": ["b", "c", "d"], "w": [0.0, 1, 1]})
    sh = structural_holes(Graph.from_pandas(df, weight="w", directed=False))
    assert math.isnan(sh.loc["a", "constraint"])
    assert sh.loc["b", "n_contacts"] == 2
    unit = structural_holes(Graph.from_pandas(df, weight="w", directed=False), weight=False)
    assert unit.loc["b", "n_contacts"] == 3


def test_decayed_weight_is_used():
    df = pd.DataFrame(
        {
            "source": ["a", "a", "b"],
            "target": ["b", "c", "c"],
            "time": pd.to_datetime(["2024-01-01", "2024-03-01", "2024-03-01"]),
        }
    )
    g = Graph.from_pandas(df, timestamp="time", half_life="30D", directed=False)
    G = to_nx(g)
    e = g.to_pandas()
    decayed = zip(e["source"], e["target"], e["decayed_weight"], strict=True)
    nx.set_edge_attributes(G, {(a, b): w for a, b, w in decayed}, "d")
    assert_close(constraint(g, weight="decayed"), nx.constraint(G, weight="d"))
    assert not np.allclose(constraint(g, weight="decayed"), constraint(g, weight=False))


def test_karate_club_matches_networkx_and_igraph(shared_data):
    path = shared_data / "karate_edges.csv.gz"
    if not path.exists():
        pytest.skip("karate_edges.csv.gz absent")
    with gzip.open(path) as f:
        edges = pd.read_csv(f)
    g = Graph.from_pandas(edges, "u", "v", weight="weight", directed=False)
    G = to_nx(g)
    assert kcore(g).to_dict() == nx.core_number(G)
    assert kcore(g).max() == 4
    for weighted in (True, False):
        wk = "weight" if weighted else None
        assert_close(constraint(g, weight=weighted), nx.constraint(G, weight=wk))
        assert_close(
            effective_size(g, weight=weighted), nx.effective_size(G, nodes=list(G), weight=wk)
        )
        theirs = to_igraph(g).constraint(weights="weight" if weighted else None)
        assert_close(constraint(g, weight=weighted), pd.Series(theirs, index=g.nodes))
    # The two leaders broker between the factions: the least constrained members.
    assert set(constraint(g, weight=False).nsmallest(2).index) == {0, 33}


# ---------------------------------------------------------------- bad input and runtime
@pytest.mark.parametrize(
    ("f", "kwargs", "match"),
    [
        (constraint, {"weight": "bogus"}, "weight"),
        (effective_size, {"weight": "decayed"}, "half_life"),
        (hierarchy, {"n_threads": 0}, "n_threads"),
        (efficiency, {"progress": 3}, "progress"),
        (kcore, {"n_threads": -1}, "n_threads"),
        (structural_holes, {"weight": 1.5}, "weight"),
    ],
)
def test_bad_parameters_are_input_errors(f, kwargs, match):
    g = make_graph(0, directed=True, weighted=True)
    with pytest.raises(InputError, match=match):
        f(g, **kwargs)


@pytest.fixture(scope="module")
def big():
    rng = np.random.default_rng(0)
    n, m = 40_000, 400_000
    df = pd.DataFrame(
        {"source": rng.integers(0, n, m), "target": rng.integers(0, n, m), "w": rng.random(m)}
    )
    return Graph.from_pandas(df[df["source"] != df["target"]], weight="w")


def test_results_are_bit_identical_on_one_and_two_threads(big):
    pd.testing.assert_frame_equal(
        structural_holes(big, n_threads=1), structural_holes(big, n_threads=2), check_exact=True
    )
    assert kcore(big, n_threads=1).equals(kcore(big, n_threads=2))


def test_progress_is_reported(big):
    seen = []
    structural_holes(big, n_threads=1, progress=lambda d, t: seen.append((d, t)))
    seen = [(d, t) for d, t in seen if (d, t) != (0, 0)]  # a poll before the job started
    assert seen, "progress was never called"
    assert all(t == big.n_nodes and 0 <= d <= t for d, t in seen)


def test_docstring_examples_run():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = doctest.testmod(brokerage_module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
