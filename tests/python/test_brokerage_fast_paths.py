"""The fast paths of core numbers and structural holes against networkx and igraph.

Core numbers are peeled level by level in rounds (long cascades, many levels, hubs); constraint
and effective size walk or search each contact's list (a hub's list is searched, a short one
walked) and the single-measure functions compute only their own column. Each is checked against
an independent oracle on graphs built to reach those paths, and across thread counts.
"""

from __future__ import annotations

import doctest

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
import pytest

import socialcrm._brokerage as brokerage_module
from socialcrm import Graph
from socialcrm import _core as core
from socialcrm.influence import (
    constraint,
    effective_size,
    efficiency,
    hierarchy,
    kcore,
    structural_holes,
)

RTOL = 1e-9
SINGLE = {
    "constraint": constraint,
    "effective_size": effective_size,
    "efficiency": efficiency,
    "hierarchy": hierarchy,
}


def edges_graph(s, t, n, *, directed, w=None, loops=True):
    df = pd.DataFrame({"source": s, "target": t, "w": np.ones(len(s)) if w is None else w})
    return Graph.from_pandas(
        df,
        weight="w",
        directed=directed,
        nodes=np.arange(n),
        self_loops="keep" if loops else "drop",
    )


def random_edges(seed, n, m, *, hubs=0):
    """Random pairs with self-loops and duplicates; the last 5 nodes isolated; ``hubs`` nodes
    tied to a third of the others."""
    rng = np.random.default_rng(seed)
    s, t = rng.integers(0, n - 5, m), rng.integers(0, n - 5, m)
    for h in range(hubs):
        others = rng.choice(n - 5, (n - 5) // 3, replace=False)
        s = np.concatenate([s, np.full(len(others), h)])
        t = np.concatenate([t, others])
    return s, t


def to_nx(s, t, n, *, directed, w=None):
    G = nx.DiGraph() if directed else nx.Graph()
    G.add_nodes_from(range(n))
    weights = np.ones(len(s)) if w is None else w
    for a, b, x in zip(s.tolist(), t.tolist(), weights.tolist(), strict=True):
        if a == b:
            continue
        old = G.get_edge_data(a, b, {"weight": 0.0})["weight"]
        G.add_edge(a, b, weight=old + x)
    return G


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("seed", range(4))
def test_kcore_matches_networkx_on_graphs_with_many_levels(seed, directed):
    n = 600
    # Dense blocks of growing density give many distinct core numbers; the sparse rest and a
    # long path give long cascades within a level.
    rng = np.random.default_rng(seed)
    parts_s, parts_t = [], []
    for b, size in enumerate((20, 40, 60, 80)):
        base = 100 + 80 * b
        k = size * (b + 2)
        parts_s.append(base + rng.integers(0, size, k))
        parts_t.append(base + rng.integers(0, size, k))
    s0, t0 = random_edges(seed, n, 700)
    path = np.arange(420, 590)
    s = np.concatenate([s0, *parts_s, path])
    t = np.concatenate([t0, *parts_t, path + 1])
    g = edges_graph(s, t, n, directed=directed)
    want = nx.core_number(to_nx(s, t, n, directed=directed))
    got = kcore(g)
    assert got.to_dict() == want
    assert got.nunique() >= 6
    G = ig.Graph(n=n, edges=list(zip(s[s != t], t[s != t], strict=True)), directed=directed)
    G.simplify(multiple=True, loops=True)
    assert got.tolist() == G.coreness(mode="all")


@pytest.mark.parametrize("directed", [False, True])
def test_kcore_is_identical_on_one_and_two_threads(directed):
    s, t = random_edges(7, 20_000, 120_000, hubs=3)
    g = edges_graph(s, t, 20_000, directed=directed)
    one = kcore(g, n_threads=1)
    two = kcore(g, n_threads=2)
    pd.testing.assert_series_equal(one, two)
    G = ig.Graph(n=20_000, edges=list(zip(s[s != t], t[s != t], strict=True)), directed=directed)
    G.simplify(multiple=True, loops=True)
    assert one.tolist() == G.coreness(mode="all")


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("directed", [False, True])
def test_hub_lists_are_searched_and_short_lists_walked(directed, weighted):
    # Hubs tied to a third of 300 nodes have lists far longer than 16 times a leaf's, so the
    # hub side is searched; the dense core is walked.
    n = 300
    s, t = random_edges(3, n, 900, hubs=4)
    w = np.random.default_rng(1).uniform(0.1, 3.0, len(s)) if weighted else None
    g = edges_graph(s, t, n, directed=directed, w=w)
    G = to_nx(s, t, n, directed=directed, w=w)
    wk = "weight" if weighted else None
    got_c = constraint(g, weight=weighted)
    want_c = nx.constraint(G, weight=wk)
    for v in range(n - 5):
        assert got_c[v] == pytest.approx(want_c[v], rel=RTOL)
    assert got_c.iloc[-5:].isna().all()
    got_e = effective_size(g, weight=weighted)
    R = G.reverse() if directed else G
    for v in range(0, n - 5, 7):
        # networkx's per-node path needs an out-edge; Burt's measures do not change when every
        # edge turns, so a node that only receives is asked on the reversed graph.
        H = G if G.degree(v) == 0 or len(G[v]) > 0 else R
        want = nx.effective_size(H, nodes=[v], weight=wk)[v]
        assert got_e[v] == pytest.approx(want, rel=RTOL)


def test_dense_graph_matches_igraph_constraint():
    # Facebook-like density: most walked entries are common contacts.
    n = 250
    rng = np.random.default_rng(5)
    pairs = np.array([(a, b) for a in range(n) for b in range(a + 1, n)])
    keep = pairs[rng.random(len(pairs)) < 0.35]
    s, t = keep[:, 0], keep[:, 1]
    g = edges_graph(s, t, n, directed=False, loops=False)
    G = ig.Graph(n=n, edges=keep.tolist())
    np.testing.assert_allclose(constraint(g, weight=False), G.constraint(), rtol=RTOL)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("directed", [False, True])
def test_single_measures_are_the_columns_of_structural_holes(directed, weighted):
    s, t = random_edges(11, 3000, 20_000, hubs=2)
    w = np.random.default_rng(2).uniform(0.1, 3.0, len(s)) if weighted else None
    g = edges_graph(s, t, 3000, directed=directed, w=w)
    table = structural_holes(g, weight=weighted, n_threads=2)
    for name, f in SINGLE.items():
        for threads in (1, 2):
            got = f(g, weight=weighted, n_threads=threads)
            assert got.name == name
            pd.testing.assert_series_equal(got, table[name], check_exact=True)
    one = structural_holes(g, weight=weighted, n_threads=1)
    pd.testing.assert_frame_equal(one, table, check_exact=True)


def test_core_returns_only_the_requested_measure():
    s, t = random_edges(0, 50, 200)
    g = edges_graph(s, t, 50, directed=False)
    c, e, h, f, n = core.structural_holes(g._csr, weight="none", measures="constraint")
    assert (len(c), len(e), len(h), len(f), len(n)) == (50, 0, 0, 0, 50)
    c, e, h, f, n = core.structural_holes(g._csr, weight="none", measures="efficiency")
    assert (len(c), len(e), len(h), len(f)) == (0, 50, 0, 50)
    c, e, h, f, n = core.structural_holes(g._csr, weight="none", measures="hierarchy")
    assert (len(c), len(e), len(h), len(f)) == (0, 0, 50, 0)
    with pytest.raises(ValueError, match="measures"):
        core.structural_holes(g._csr, weight="none", measures="brokerage")


def test_docstring_examples_run():
    result = doctest.testmod(brokerage_module)
    assert result.attempted > 0
    assert result.failed == 0
