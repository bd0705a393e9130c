"""Partition quality (modularity, conductance, coverage) and comparison (NMI, ARI, VI).

Oracles: networkx and igraph modularity, networkx conductance and partition_quality, and NMI /
ARI / VI written out here from explicit loops over the contingency table.
"""

from __future__ import annotations

import doctest
import math
from collections import Counter

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
import pytest

from socialcrm import Graph
from socialcrm import _evaluation as evaluation_module
from socialcrm.community import (
    Partition,
    ari,
    conductance,
    coverage,
    leiden,
    modularity,
    nmi,
    variation_of_information,
)
from socialcrm.exceptions import InputError


def random_graph(seed, *, directed, weighted=True, n=50, p=0.08, loops=True, isolated=3):
    rng = np.random.default_rng(seed)
    m = rng.binomial(n * (n - 1), p)
    s = rng.integers(0, n - isolated, m)
    t = rng.integers(0, n - isolated, m)
    if not loops:
        keep = s != t
        s, t = s[keep], t[keep]
    w = rng.uniform(0.1, 5.0, len(s)) if weighted else np.ones(len(s))
    df = pd.DataFrame({"source": s, "target": t, "w": w})
    g = Graph.from_pandas(df, weight="w", directed=directed, nodes=np.arange(n), self_loops="keep")
    e = g.to_pandas()
    G = nx.DiGraph() if directed else nx.Graph()
    G.add_nodes_from(g.nodes)
    G.add_weighted_edges_from(zip(e["source"], e["target"], e["weight"], strict=False))
    return g, G


def communities(memb):
    return [set(np.flatnonzero(memb == c)) for c in np.unique(memb)]


def test_module_doctests():
    result = doctest.testmod(evaluation_module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


# ---------------------------------------------------------------------- modularity
@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_modularity_matches_networkx(directed, weighted):
    for seed in range(30):
        g, G = random_graph(seed, directed=directed, weighted=weighted, p=0.02 + 0.005 * seed)
        rng = np.random.default_rng(seed)
        memb = rng.integers(0, 1 + seed % 7, g.n_nodes)
        res = [0.0, 0.5, 1.0, 2.5][seed % 4]
        want = nx.community.modularity(
            G, communities(memb), weight="weight" if weighted else None, resolution=res
        )
        got = modularity(g, memb, resolution=res, weight=weighted)
        assert got == pytest.approx(want, abs=1e-12), seed


@pytest.mark.parametrize("directed", [False, True])
def test_modularity_matches_igraph(directed):
    for seed in range(20):
        # igraph's modularity (0.10+) counts an undirected self-loop twice in the degree too.
        g, _ = random_graph(seed, directed=directed, p=0.05)
        e = g.to_pandas()
        pairs = list(zip(e["source"], e["target"], strict=True))
        G = ig.Graph(n=g.n_nodes, edges=pairs, directed=directed)
        memb = np.random.default_rng(seed).integers(0, 4, g.n_nodes)
        for res in (1.0, 1.7):
            want = G.modularity(memb.tolist(), weights=e["weight"].tolist(), resolution=res)
            assert modularity(g, memb, resolution=res) == pytest.approx(want, abs=1e-12)


def test_modularity_accepts_partition_series_and_array():
    g, G = random_graph(3, directed=False)
    memb = np.arange(g.n_nodes) % 3
    p = Partition(g, memb)
    s = pd.Series(memb.astype(str), index=g.nodes)[::-1]  # labels of any type, any order
    want = nx.community.modularity(G, communities(memb))
    for m in (p, s, memb, s.to_dict()):
        assert modularity(g, m) == pytest.approx(want, abs=1e-12)


def test_modularity_directed_false_is_the_undirected_view():
    g, _ = random_graph(8, directed=True)
    memb = np.arange(g.n_nodes) % 4
    u = g.to_undirected()
    assert modularity(g, memb, directed=False) == pytest.approx(modularity(u, memb), abs=1e-12)


def test_modularity_is_bounded_on_random_partitions():
    for seed in range(10):
        g, _ = random_graph(seed, directed=bool(seed % 2))
        memb = np.random.default_rng(seed).integers(0, 6, g.n_nodes)
        assert -0.5 <= modularity(g, memb) <= 1.0


def test_modularity_bad_input():
    g, _ = random_graph(0, directed=False)
    memb = np.zeros(g.n_nodes, dtype=int)
    with pytest.raises(InputError, match="resolution"):
        modularity(g, memb, resolution=-1)
    with pytest.raises(InputError, match="not customers"):
        modularity(g, pd.Series(0, index=[*range(g.n_nodes), 999]))
    with pytest.raises(InputError, match="no community"):
        modularity(g, pd.Series(0, index=range(5)))
    with pytest.raises(InputError, match="one entry per customer"):
        modularity(g, memb[:-1])
    with pytest.raises(InputError, match="directed"):
        modularity(g, memb, directed=True)


def test_modularity_same_on_any_thread_count():
    g, _ = random_graph(5, directed=True, n=400, p=0.02)
    memb = np.arange(g.n_nodes) % 7
    assert modularity(g, memb, n_threads=1) == modularity(g, memb, n_threads=2)


# ---------------------------------------------------------------------- conductance, coverage
@pytest.mark.parametrize("weighted", [False, True])
def test_conductance_matches_networkx(weighted):
    for seed in range(15):
        g, G = random_graph(seed, directed=False, weighted=weighted, p=0.08)
        memb = np.random.default_rng(seed).integers(0, 3, g.n_nodes)
        got = conductance(g, memb, weight=weighted)
        labels = pd.factorize(memb)[1]
        for lab, value in got.items():
            S = set(np.flatnonzero(memb == lab))
            want = nx.conductance(G, S, weight="weight" if weighted else None)
            assert value == pytest.approx(want, abs=1e-12)
        assert list(got.index) == list(labels)


def test_conductance_of_a_partition_and_directed_view():
    g, _ = random_graph(2, directed=True)
    p = leiden(g, seed=0)
    got = conductance(g, p)
    assert list(got.index) == list(range(p.n_communities))
    u = g.to_undirected()
    e = u.to_pandas()
    U = nx.Graph()
    U.add_nodes_from(u.nodes)
    U.add_weighted_edges_from(zip(e["source"], e["target"], e["weight"], strict=False))
    for c, value in got.items():
        S = set(p.membership.index[p.membership == c])
        if nx.volume(U, S, weight="weight") == 0:
            assert np.isnan(value)  # an isolated customer: networkx divides by zero
        else:
            want = nx.conductance(U, S, weight="weight")
            assert value == pytest.approx(want, abs=1e-12)


def test_coverage_matches_networkx():
    for seed in range(15):
        g, G = random_graph(seed, directed=False, weighted=False, loops=False)
        memb = np.random.default_rng(seed).integers(0, 3, g.n_nodes)
        want, _ = nx.community.partition_quality(G, communities(memb))
        assert coverage(g, memb, weight=False) == pytest.approx(want, abs=1e-12)
    # Weighted, by hand: triangle (1, 2, 3) and an edge (4) cut in two.
    df = pd.DataFrame({"source": list("abcd"), "target": list("bcae"), "w": [1.0, 2, 3, 4]})
    g = Graph.from_pandas(df, weight="w", directed=False)
    assert coverage(g, {"a": 0, "b": 0, "c": 0, "d": 1, "e": 2}) == pytest.approx(0.6)


# ---------------------------------------------------------------------- comparisons
def ref_scores(a, b):
    """NMI (arithmetic), ARI and VI written out from explicit contingency loops."""
    n = len(a)
    cells = Counter(zip(a, b, strict=False))
    ra, rb = Counter(a), Counter(b)
    mi = sum(c / n * math.log(n * c / (ra[i] * rb[j])) for (i, j), c in cells.items())
    ha = -sum(c / n * math.log(c / n) for c in ra.values())
    hb = -sum(c / n * math.log(c / n) for c in rb.values())
    vi = ha + hb - 2 * mi
    comb = lambda x: x * (x - 1) // 2  # noqa: E731
    idx = sum(comb(c) for c in cells.values())
    sa, sb = sum(comb(c) for c in ra.values()), sum(comb(c) for c in rb.values())
    exp = sa * sb / comb(n)
    ari_ = (idx - exp) / ((sa + sb) / 2 - exp)
    nmi_ = mi / ((ha + hb) / 2) if ha + hb > 0 else 1.0
    return nmi_, ari_, vi


def test_comparisons_match_independent_formulas():
    rng = np.random.default_rng(0)
    for trial in range(60):
        n = int(rng.integers(5, 300))
        a = rng.integers(0, 1 + trial % 9 + 1, n).tolist()
        b = [x if rng.random() < 0.6 else int(rng.integers(0, 6)) for x in a]
        if len(set(a)) < 2 or len(set(b)) < 2:
            continue
        want_nmi, want_ari, want_vi = ref_scores(a, b)
        assert nmi(a, b) == pytest.approx(want_nmi, abs=1e-12)
        assert ari(a, b) == pytest.approx(want_ari, abs=1e-12)
        assert variation_of_information(a, b) == pytest.approx(want_vi, abs=1e-12)
        assert nmi(a, b) == pytest.approx(nmi(b, a), abs=1e-14)
        assert ari(a, b) == pytest.approx(ari(b, a), abs=1e-14)


def test_comparisons_hand_worked():
    a, b = [0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]
    # I = ln 2 - (1/3) ln 2 ... written out: H(a) = ln 2, H(b) = ln 3,
    # H(a|b) = (1/3) ln 2, so I = ln 2 - (1/3) ln 2 = (2/3) ln 2.
    mi = 2 / 3 * math.log(2)
    assert nmi(a, b) == pytest.approx(mi / ((math.log(2) + math.log(3)) / 2), abs=1e-14)
    assert variation_of_information(a, b) == pytest.approx(
        math.log(2) + math.log(3) - 2 * mi, abs=1e-14
    )
    assert ari(a, b) == pytest.approx(0.8 / 3.3, abs=1e-14)
    # Independent halves: ARI = -0.5 on four items.
    assert ari([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(-0.5)


def test_identical_partitions_score_perfectly():
    rng = np.random.default_rng(1)
    for k in (1, 2, 7):
        a = rng.integers(0, k, 50)
        relabelled = (a * 13 + 5).astype(str)
        assert nmi(a, relabelled) == 1.0
        assert ari(a, relabelled) == 1.0
        assert variation_of_information(a, relabelled) == 0.0
    singletons = np.arange(10)
    assert ari(singletons, singletons) == 1.0
    assert nmi([0] * 5, [0, 0, 1, 1, 2]) == 0.0


def test_comparisons_align_series_and_partitions():
    g, _ = random_graph(4, directed=False)
    p = leiden(g, seed=0)
    q = leiden(g, seed=1)
    s = q.membership.sample(frac=1.0, random_state=0)  # shuffled order
    assert nmi(p, s) == pytest.approx(nmi(p.codes, q.codes), abs=1e-14)
    assert ari(p, q) == pytest.approx(ari(p.codes, q.codes), abs=1e-14)
    assert variation_of_information(p.membership, s) == pytest.approx(
        variation_of_information(p.codes, q.codes), abs=1e-14
    )
    with pytest.raises(InputError, match="different customers"):
        nmi(p, s.iloc[1:])
    with pytest.raises(InputError, match="different customers"):
        ari(p.membership, s.rename(lambda x: x + 1000))
    with pytest.raises(InputError, match="entries"):
        variation_of_information([0, 1], [0, 1, 2])
    with pytest.raises(InputError, match="null"):
        nmi([0, None, 1], [0, 1, 1])
