"""Community detection: Leiden, Louvain, label propagation, Partition, resolution profiles.

Oracles: networkx (connectivity, modularity), igraph + leidenalg (quality reached, CPM and
directed modularity formulas), planted partitions with NMI/ARI computed here from a numpy
contingency table.
"""

from __future__ import annotations

import doctest
import gzip
import os
import subprocess
import sys
from pathlib import Path

import igraph as ig
import leidenalg as la
import networkx as nx
import numpy as np
import pandas as pd
import pytest

from socialcrm import Graph, _core
from socialcrm import _detection as detection_module
from socialcrm import _partition as partition_module
from socialcrm.community import (
    Partition,
    label_propagation,
    leiden,
    louvain,
    modularity,
    resolution_profile,
)
from socialcrm.exceptions import InputError

ROOT = Path(__file__).resolve().parents[2]
SHARED = next(
    (
        p
        for p in (ROOT.parent / "shared" / "data", ROOT.parent.parent / "shared" / "data")
        if p.is_dir()
    ),
    None,
)
REAL = ["karate", "dolphins", "football", "polbooks", "facebook_combined"]


# ---------------------------------------------------------------------- helpers
def random_graph(seed, *, directed, weighted=True, n=60, p=0.08, loops=True, isolated=3):
    """A socialcrm graph and the matching networkx graph (aggregated edges, same weights)."""
    rng = np.random.default_rng(seed)
    m = rng.binomial(n * (n - 1), p)
    s = rng.integers(0, n - isolated, m)
    t = rng.integers(0, n - isolated, m)
    if not loops:
        keep = s != t
        s, t = s[keep], t[keep]
    w = rng.integers(1, 6, len(s)).astype(float) if weighted else np.ones(len(s))
    df = pd.DataFrame({"source": s, "target": t, "w": w})
    g = Graph.from_pandas(df, weight="w", directed=directed, nodes=np.arange(n), self_loops="keep")
    return g, to_nx(g)


def to_nx(g):
    e = g.to_pandas()
    G = nx.DiGraph() if g.directed else nx.Graph()
    G.add_nodes_from(g.nodes)
    G.add_weighted_edges_from(zip(e["source"], e["target"], e["weight"], strict=False))
    return G


def to_ig(g):
    e = g.to_pandas()
    pos = pd.Series(np.arange(g.n_nodes), index=g.nodes)
    G = ig.Graph(n=g.n_nodes, directed=g.directed)
    G.add_edges(list(zip(pos[e["source"]].to_numpy(), pos[e["target"]].to_numpy(), strict=False)))
    G.es["weight"] = e["weight"].to_numpy()
    return G


def real_graph(name):
    if SHARED is None:
        pytest.skip("public data sets not found")
    with gzip.open(SHARED / f"{name}_edges.csv.gz") as f:
        df = pd.read_csv(f)
    a, b = df.columns[:2]
    df = df.rename(columns={a: "source", b: "target"})
    return Graph.from_pandas(df[["source", "target"]], directed=False)


def ref_nmi_ari(a, b):
    """NMI (arithmetic mean) and ARI from a dense contingency table, independently."""
    a = pd.factorize(np.asarray(a))[0]
    b = pd.factorize(np.asarray(b))[0]
    n = len(a)
    table = np.zeros((a.max() + 1, b.max() + 1))
    np.add.at(table, (a, b), 1)
    pa, pb, pij = table.sum(1) / n, table.sum(0) / n, table / n
    nz = pij > 0
    mi = (pij[nz] * np.log(pij[nz] / np.outer(pa, pb)[nz])).sum()
    ha, hb = -(pa * np.log(pa)).sum(), -(pb * np.log(pb)).sum()
    comb = lambda x: (x * (x - 1) / 2).sum()  # noqa: E731
    idx, sa, sb = comb(table), comb(table.sum(1)), comb(table.sum(0))
    exp = sa * sb / (n * (n - 1) / 2)
    return mi / ((ha + hb) / 2), (idx - exp) / ((sa + sb) / 2 - exp)


def planted(seed, n_groups=20, size=50, k_in=14.0, k_out=6.0):
    """Planted partition with mixing k_out / (k_in + k_out) = 0.3."""
    sizes = [size] * n_groups
    n = n_groups * size
    G = nx.random_partition_graph(sizes, k_in / (size - 1), k_out / (n - size), seed=seed)
    truth = np.repeat(np.arange(n_groups), size)
    df = pd.DataFrame(list(G.edges()), columns=["source", "target"])
    return Graph.from_pandas(df, directed=False, nodes=np.arange(n)), truth


def noisy_planted(seed, *, directed=False, n_groups=8, mu=0.4, k=8.0):
    """Random graph with uneven planted groups, mixing ``mu`` and random integer weights."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(10, 40, n_groups)
    n = int(sizes.sum())
    truth = np.repeat(np.arange(n_groups), sizes)
    m = int(n * k / 2)
    s = rng.integers(0, n, m)
    inside = rng.random(m) >= mu
    # inside: a random member of the same group; outside: anyone
    starts = np.concatenate([[0], np.cumsum(sizes)])[truth[s]]
    t = np.where(
        inside, starts + rng.integers(0, 1 << 30, m) % sizes[truth[s]], rng.integers(0, n, m)
    )
    keep = s != t
    df = pd.DataFrame({"source": s[keep], "target": t[keep], "w": rng.integers(1, 4, keep.sum())})
    g = Graph.from_pandas(df, weight="w", directed=directed, nodes=np.arange(n))
    return g, truth


def la_runs(G, cls, seeds, **kw):
    """leidenalg until stable, once per seed, on the edge weights."""
    return [
        la.find_partition(G, cls, weights="weight", n_iterations=-1, seed=s, **kw) for s in seeds
    ]


def la_best(G, cls, seeds=(0, 1, 2), **kw):
    return max(la_runs(G, cls, seeds, **kw), key=lambda p: p.quality())


def ours_best(g, seeds=(0, 1, 2), **kw):
    return max((leiden(g, seed=s, **kw) for s in seeds), key=lambda p: p.quality())


# ---------------------------------------------------------------------- doctests
def test_module_doctests():
    for mod in (detection_module, partition_module):
        result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.attempted > 0
        assert result.failed == 0


# ---------------------------------------------------------------------- Leiden
@pytest.mark.parametrize("directed", [False, True])
def test_leiden_communities_are_connected(directed):
    for seed in range(25):
        g, G = random_graph(seed, directed=directed, n=80, p=0.03 + 0.002 * seed)
        p = leiden(g, seed=seed)
        U = G.to_undirected() if directed else G
        for _, members in p.membership.groupby(p.membership):
            assert nx.is_connected(U.subgraph(members.index)), (seed, list(members.index))
        # The reported quality is the modularity of the result (networkx's formula).
        comms = [set(m.index) for _, m in p.membership.groupby(p.membership)]
        if G.size(weight="weight") > 0:
            assert p.quality() == pytest.approx(nx.community.modularity(G, comms), abs=1e-10)


def test_leiden_cpm_communities_are_connected():
    for seed in range(10):
        g, G = random_graph(seed, directed=False, n=80, p=0.05)
        p = leiden(g, objective="cpm", resolution=0.05, weight=False, seed=seed)
        for _, members in p.membership.groupby(p.membership):
            assert nx.is_connected(G.subgraph(members.index))


@pytest.mark.parametrize("name", REAL)
def test_leiden_modularity_matches_leidenalg_on_real_graphs(name):
    g = real_graph(name)
    G = to_ig(g)
    theirs = la_best(G, la.ModularityVertexPartition)
    ours = ours_best(g)
    assert ours.quality() >= theirs.quality() - 0.002
    # Same formula on their partition.
    assert modularity(g, np.asarray(theirs.membership)) == pytest.approx(
        theirs.quality(), abs=1e-10
    )


@pytest.mark.parametrize("resolution", [0.5, 1.0, 2.0])
def test_leiden_modularity_matches_leidenalg_on_random_graphs(resolution):
    # Random graphs have many near-equal local optima, so single runs (and the best of a
    # few) differ either way by a few 1e-3: compare the mean over 4 graphs x 5 seeds (and
    # each graph's mean, more loosely).
    seeds = range(5)
    diffs = []
    for seed in range(4):
        g, _ = noisy_planted(seed)
        G = to_ig(g)
        runs = la_runs(G, la.RBConfigurationVertexPartition, seeds, resolution_parameter=resolution)
        theirs = [modularity(g, np.asarray(p.membership), resolution=resolution) for p in runs]
        ours = [leiden(g, seed=s, resolution=resolution).quality() for s in seeds]
        diffs.append(np.mean(ours) - np.mean(theirs))
        assert diffs[-1] >= -0.005
    assert np.mean(diffs) >= -0.002


def test_leiden_directed_modularity_matches_leidenalg():
    for seed in range(4):
        g, _ = noisy_planted(seed, directed=True)
        G = to_nx(g)
        Gi = to_ig(g)
        theirs = la_best(Gi, la.ModularityVertexPartition)
        memb = np.asarray(theirs.membership)
        # leidenalg's directed quality formula = ours = networkx's.
        assert modularity(g, memb) == pytest.approx(theirs.quality(), abs=1e-10)
        comms = [set(np.flatnonzero(memb == c)) for c in np.unique(memb)]
        assert modularity(g, memb) == pytest.approx(nx.community.modularity(G, comms), abs=1e-10)
        ours = ours_best(g)
        assert ours.quality() >= theirs.quality() - 0.002


def test_leiden_cpm_matches_leidenalg():
    # The best of three seeds differs either way by a few 1e-3 here: compare means of six.
    seeds = range(6)
    for seed in range(4):
        g, _ = noisy_planted(seed, k=12.0)
        G = to_ig(g)
        for res in (0.05, 0.2):
            theirs = la_runs(G, la.CPMVertexPartition, seeds, resolution_parameter=res)
            # leidenalg reports twice sum_c (e_c - gamma n_c (n_c - 1) / 2) when undirected.
            their_q = np.mean([t.quality() / 2 for t in theirs])
            mine_of_theirs = Partition(
                g, np.asarray(theirs[0].membership), objective="cpm", resolution=res
            ).quality()
            assert mine_of_theirs == pytest.approx(theirs[0].quality() / 2, rel=1e-12)
            ours = np.mean(
                [leiden(g, seed=s, objective="cpm", resolution=res).quality() for s in seeds]
            )
            assert ours >= their_q - 0.002 * abs(their_q)
    # Directed: leidenalg's sum_c (e_c - gamma n_c (n_c - 1)), no factor.
    g, _ = noisy_planted(5, directed=True, k=12.0)
    theirs = la_best(to_ig(g), la.CPMVertexPartition, resolution_parameter=0.1)
    mine = Partition(g, np.asarray(theirs.membership), objective="cpm", resolution=0.1)
    assert mine.quality() == pytest.approx(theirs.quality(), rel=1e-12)
    # Single runs differ either way by a few 1e-3 here: compare the means over 10 seeds.
    seeds = range(10)
    their_mean = np.mean(
        [
            p.quality()
            for p in la_runs(to_ig(g), la.CPMVertexPartition, seeds, resolution_parameter=0.1)
        ]
    )
    our_mean = np.mean(
        [leiden(g, objective="cpm", resolution=0.1, seed=s).quality() for s in seeds]
    )
    assert our_mean >= their_mean * (1 - 0.002)


def test_leiden_recovers_planted_partition():
    g, truth = planted(7)
    p = leiden(g, seed=0)
    ref_nmi, ref_ari = ref_nmi_ari(p.codes, truth)
    assert ref_nmi >= 0.95
    assert ref_ari >= 0.9


def test_leiden_is_deterministic_across_thread_counts():
    g, _truth = planted(3)
    a = leiden(g, seed=5, n_threads=1)
    b = leiden(g, seed=5, n_threads=2)
    assert np.array_equal(a.codes, b.codes)
    assert a.quality() == b.quality()
    assert all(np.array_equal(x, y) for x, y in zip(a.levels, b.levels, strict=False))


def test_leiden_large_communities_stay_connected_and_deterministic():
    # Communities of about 700 customers with mixing 0.4: later iterations start each refined
    # community from its settled core, a path the small planted graphs above never take.
    g, truth = planted(11, n_groups=4, size=700, k_in=12.0, k_out=8.0)
    a = leiden(g, seed=2, n_threads=1)
    b = leiden(g, seed=2, n_threads=2)
    assert np.array_equal(a.codes, b.codes)
    assert a.quality() == b.quality()
    G = to_nx(g)
    for _, members in a.membership.groupby(a.membership):
        assert nx.is_connected(G.subgraph(members.index))
    assert ref_nmi_ari(a.codes, truth)[0] >= 0.85
    theirs = la_best(to_ig(g), la.ModularityVertexPartition)
    assert ours_best(g).quality() >= theirs.quality() - 0.002


def test_parallel_moves_race_but_keep_quality_and_connected_communities():
    # 6000 customers: the first local moving queues them all, above the 4096 the parallel
    # moves need.
    g, truth = planted(5, n_groups=6, size=1000)
    G = to_nx(g)
    best = ours_best(g).quality()
    for seed in range(3):
        par = leiden(g, seed=seed, n_threads=2, parallel=True)
        assert par.attrs["parallel"] is True
        assert par.quality() >= best - 0.002
        assert ref_nmi_ari(par.codes, truth)[0] >= 0.95
        for _, members in par.membership.groupby(par.membership):
            assert nx.is_connected(G.subgraph(members.index))
    assert leiden(g).attrs["parallel"] is False
    # One thread: the sequential moves, so the seed fixes the result again.
    one = leiden(g, seed=1, n_threads=1, parallel=True)
    assert np.array_equal(one.codes, leiden(g, seed=1, n_threads=1).codes)
    # Louvain has no refinement to repair an early merge of two groups, which either way
    # happens on some seeds: compare the best of four.
    seq = max(louvain(g, seed=s).quality() for s in range(4))
    par = [louvain(g, seed=s, parallel=True) for s in range(4)]
    assert all(p.attrs["parallel"] is True for p in par)
    assert max(p.quality() for p in par) >= seq - 0.002


def test_full_iterations_revisit_everything_and_keep_communities_connected():
    # Mixing 0.5: later iterations still find gains, and the incremental ones stop early.
    g, truth = planted(5, n_groups=8, size=900, k_in=10.0, k_out=10.0)
    assert g.n_edges >= _core.LEIDEN_INCREMENTAL_MIN_EDGES
    G = to_nx(g)
    # The first two iterations are full either way.
    for n in (1, 2):
        assert np.array_equal(
            leiden(g, seed=2, n_iterations=n).codes,
            leiden(g, seed=2, n_iterations=n, incremental=False).codes,
        )
    inc = [leiden(g, seed=s, n_iterations=4) for s in range(4)]
    full = [leiden(g, seed=s, n_iterations=4, incremental=False) for s in range(4)]
    # Incremental runs stop once an iteration lifts nothing; full ones run every iteration
    # asked, since a fresh refinement may still find merges.
    assert any(p.attrs["iterations"] < 4 for p in inc)
    assert all(p.attrs["iterations"] == 4 for p in full)
    assert all(p.attrs["incremental"] is False for p in full)
    assert inc[0].attrs["incremental"] is True
    mean = lambda ps: np.mean([p.quality() for p in ps])  # noqa: E731
    assert mean(full) >= mean(inc) - 2e-4
    for p in full:
        assert ref_nmi_ari(p.codes, truth)[0] >= 0.5
        for _, members in p.membership.groupby(p.membership):
            assert nx.is_connected(G.subgraph(members.index))
    until = leiden(g, seed=1, incremental=False)
    assert until.quality() >= leiden(g, seed=1, incremental=False, n_iterations=2).quality()


def test_small_graphs_always_get_full_iterations():
    g, _ = planted(3, n_groups=6, size=300, k_in=10.0, k_out=10.0)
    assert g.n_edges < _core.LEIDEN_INCREMENTAL_MIN_EDGES
    for seed in range(3):
        inc = leiden(g, seed=seed, n_iterations=5)
        full = leiden(g, seed=seed, n_iterations=5, incremental=False)
        assert inc.attrs["incremental"] is False
        assert inc.attrs["iterations"] == 5
        assert np.array_equal(inc.codes, full.codes)


def test_leiden_is_deterministic_under_rayon_num_threads():
    code = (
        "import numpy as np, networkx as nx, pandas as pd\n"
        "from socialcrm import Graph\n"
        "from socialcrm.community import leiden\n"
        "G = nx.random_partition_graph([40] * 25, 0.3, 0.01, seed=2)\n"
        "df = pd.DataFrame(list(G.edges()), columns=['source', 'target'])\n"
        "p = leiden(Graph.from_pandas(df, directed=False), seed=9)\n"
        "print(p.codes.tobytes().hex(), repr(p.quality()))\n"
    )
    outs = []
    for threads in ("1", "4"):
        env = dict(os.environ, RAYON_NUM_THREADS=threads)
        r = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        outs.append(r.stdout)
    assert outs[0] == outs[1]


def test_leiden_seed_changes_the_order_but_not_the_quality_much():
    g, _ = planted(1)
    q = [leiden(g, seed=s).quality() for s in range(3)]
    assert max(q) - min(q) < 0.01
    p = leiden(g, seed=None)
    assert isinstance(p.attrs["seed"], int)


def test_leiden_levels_refine_towards_the_result():
    g, _ = planted(2)
    p = leiden(g, seed=0)
    levels = p.levels
    assert len(levels) >= 2
    assert levels[-1].equals(p.membership.rename("level_" + str(len(levels) - 1)))
    # Coarser levels merge whole communities of the finer ones (first iteration).
    first, second = levels[0], levels[1]
    assert (first.groupby(first).apply(lambda s: second[s.index].nunique()) == 1).all()
    assert first.nunique() >= second.nunique()
    # Each level numbers its communities by decreasing size, however often it is read.
    for level in levels:
        assert level.value_counts().sort_index().is_monotonic_decreasing
    assert all(a.equals(b) for a, b in zip(levels, p.levels, strict=True))


def test_leiden_directed_false_uses_the_undirected_view():
    g, _G = random_graph(4, directed=True, n=60, p=0.06)
    p = leiden(g, directed=False, seed=1)
    U = to_nx(g.to_undirected())
    comms = [set(m.index) for _, m in p.membership.groupby(p.membership)]
    assert p.quality() == pytest.approx(nx.community.modularity(U, comms), abs=1e-10)
    assert p.attrs["directed"] is False


def test_leiden_n_iterations_and_progress():
    g, _ = planted(5)
    seen = []
    p1 = leiden(g, n_iterations=1, progress=lambda d, t: seen.append((d, t)))
    p2 = leiden(g, n_iterations=2)
    assert p1.attrs["iterations"] == 1
    # A graph this small gets full iterations, each run as asked; on clean planted groups
    # the second changes nothing. (Incremental runs skip it: see the tests of
    # ``incremental``.)
    assert p2.attrs["iterations"] == 2
    assert p2.membership.equals(p1.membership)
    noisy, _ = noisy_planted(0)
    assert leiden(noisy, n_iterations=2).attrs["iterations"] == 2
    p0 = leiden(g, n_iterations=0)
    assert p0.n_communities == g.n_nodes


def test_leiden_until_stable_stops_at_a_fixed_point():
    # Iterating until stable ends well before the cap and never below one iteration.
    for seed in range(3):
        g, _ = noisy_planted(seed)
        p = leiden(g, seed=seed)
        assert 1 <= p.attrs["iterations"] < 1000
        assert p.quality() >= leiden(g, seed=seed, n_iterations=1).quality() - 1e-12
    g, truth = planted(8)
    p = leiden(g, seed=1)
    assert ref_nmi_ari(p.codes, truth)[0] >= 0.95
    assert p.attrs["iterations"] <= 10


@pytest.mark.parametrize("directed", [False, True])
def test_modularity_results_ignore_extreme_weight_scales(directed):
    # Modularity squares weight sums: near 1e300 they would overflow, near 1e-300 underflow.
    rng = np.random.default_rng(3)
    src, dst = rng.integers(0, 60, 300), rng.integers(0, 60, 300)
    keep = src != dst
    src, dst = src[keep], dst[keep]
    w = rng.uniform(0.5, 2.0, len(src))

    def build(scale):
        df = pd.DataFrame({"source": src, "target": dst, "weight": w * scale})
        return Graph.from_pandas(df, directed=directed, weight="weight")

    plain = build(1.0)
    want = leiden(plain, seed=1)
    want_louvain = louvain(plain, seed=1)
    assert want.quality() > 0.25
    for scale in (1e300, 1e-300):
        g = build(scale)
        got = leiden(g, seed=1)
        assert got.membership.equals(want.membership)
        assert got.quality() == pytest.approx(want.quality(), rel=1e-12)
        assert louvain(g, seed=1).membership.equals(want_louvain.membership)
        q = modularity(g, want.membership)
        assert q == pytest.approx(modularity(plain, want.membership), rel=1e-12)


def test_leiden_handles_edgeless_and_isolated():
    df = pd.DataFrame({"source": ["a"], "target": ["b"]})
    g = Graph.from_pandas(df, directed=False, nodes=["a", "b", "c"])
    p = leiden(g)
    assert p.membership.to_dict() == {"a": 0, "b": 0, "c": 1}
    empty = Graph.from_pandas(pd.DataFrame({"source": [], "target": []}), nodes=["x", "y"])
    q = leiden(empty)
    assert q.n_communities == 2
    assert np.isnan(q.quality())


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"resolution": -1.0}, "resolution"),
        ({"resolution": float("nan")}, "resolution"),
        ({"objective": "surprise"}, "objective"),
        ({"n_iterations": -2}, "n_iterations"),
        ({"seed": -1}, "seed"),
        ({"weight": "bogus"}, "weight"),
        ({"directed": True}, "directed"),
        ({"n_threads": 0}, "n_threads"),
        ({"parallel": "yes"}, "parallel"),
        ({"incremental": 1}, "incremental"),
    ],
)
def test_leiden_bad_input(kwargs, match):
    g, _ = random_graph(0, directed=False, n=10)
    with pytest.raises(InputError, match=match):
        leiden(g, **kwargs)


# ---------------------------------------------------------------------- Louvain, LPA
@pytest.mark.parametrize("name", ["karate", "football", "polbooks", "dolphins"])
def test_louvain_quality_close_to_igraph(name):
    g = real_graph(name)
    G = to_ig(g)
    theirs = max(G.community_multilevel(weights="weight").modularity for _ in range(3))
    ours = max(louvain(g, seed=s).quality() for s in range(3))
    assert ours >= theirs - 0.01
    p = louvain(g, seed=0)
    assert p.attrs["algorithm"] == "louvain"
    assert p.levels[-1].equals(p.membership.rename(p.levels[-1].name))


def test_louvain_directed_quality_is_networkx_modularity():
    g, G = random_graph(11, directed=True, n=100, p=0.04)
    p = louvain(g, resolution=0.8, seed=2)
    comms = [set(m.index) for _, m in p.membership.groupby(p.membership)]
    assert p.quality() == pytest.approx(
        nx.community.modularity(G, comms, resolution=0.8), abs=1e-10
    )


def test_label_propagation_reaches_a_consensus_and_recovers_planted():
    g, truth = planted(9, k_in=16.0, k_out=4.0)
    p = label_propagation(g, seed=0)
    assert ref_nmi_ari(p.codes, truth)[0] >= 0.9
    # Raghavan's stopping rule: every node holds a label of largest weight around it.
    G = to_nx(g)
    lab = p.membership
    for v in G.nodes:
        w = pd.Series({u: d["weight"] for u, d in G[v].items() if u != v}, dtype=float)
        if len(w):
            per = w.groupby(lab[w.index].to_numpy()).sum()
            assert per.get(lab[v], 0.0) == per.max()


def test_label_propagation_is_seeded_and_checks_input():
    g, _ = planted(4)
    assert np.array_equal(label_propagation(g, seed=3).codes, label_propagation(g, seed=3).codes)
    with pytest.raises(InputError, match="max_iter"):
        label_propagation(g, max_iter=0)


# ---------------------------------------------------------------------- Partition
def _abc_graph():
    df = pd.DataFrame({"source": ["a", "b", "c", "d"], "target": ["b", "c", "a", "e"]})
    return Graph.from_pandas(df, directed=False, nodes=["a", "b", "c", "d", "e", "f"])


def test_partition_renumbers_by_size_then_smallest_member():
    g = _abc_graph()
    p = Partition(g, [9, 4, 9, 4, 2, 7])
    # sizes: 9 -> 2 (min code 0), 4 -> 2 (min code 1), 2 -> 1 (code 4), 7 -> 1 (code 5)
    assert p.codes.tolist() == [0, 1, 0, 1, 2, 3]
    assert p.sizes.tolist() == [2, 2, 1, 1]
    assert len(p) == p.n_communities == 4
    assert p.membership.dtype == np.int64
    assert p.membership.name == "community"
    with pytest.raises(ValueError):
        p.codes[0] = 3
    df = p.to_pandas()
    assert list(df.columns) == ["community", "level_0"]
    assert "Partition(customers=6" in repr(p)


def test_partition_from_membership_checks_ids():
    g = _abc_graph()
    ok = Partition.from_membership(
        g, pd.Series({"a": "x", "b": "x", "c": "x", "d": "y", "e": "y", "f": "z"})
    )
    assert ok.sizes.tolist() == [3, 2, 1]
    with pytest.raises(InputError, match=r"1 ids are not customers.*'zz'"):
        Partition.from_membership(g, {"a": 0, "b": 0, "c": 0, "d": 1, "e": 1, "f": 1, "zz": 2})
    with pytest.raises(InputError, match="2 customers of the graph have no community"):
        Partition.from_membership(g, {"a": 0, "b": 0, "c": 0, "d": 1})
    with pytest.raises(InputError, match="one entry per customer"):
        Partition.from_membership(g, [0, 1])
    with pytest.raises(InputError, match="null"):
        Partition.from_membership(g, [0, 1, None, 1, 1, 0])
    with pytest.raises(InputError, match="objective"):
        Partition(g, [0] * 6, objective="x")
    with pytest.raises(InputError, match="resolution"):
        Partition(g, [0] * 6, resolution=-0.1)


def test_partition_quality_uses_its_objective():
    g, G = random_graph(21, directed=False, n=50, p=0.1)
    memb = np.arange(50) % 4
    comms = [set(np.flatnonzero(memb == c)) for c in range(4)]
    p = Partition(g, memb, resolution=1.5)
    assert p.quality() == pytest.approx(
        nx.community.modularity(G, comms, resolution=1.5), abs=1e-12
    )
    cpm = Partition(g, memb, objective="cpm", resolution=0.5)
    e = g.to_pandas()
    inside = e[memb[e["source"]] == memb[e["target"]]]["weight"].sum()
    sizes = np.bincount(memb)
    assert cpm.quality() == pytest.approx(inside - 0.5 * (sizes * (sizes - 1) / 2).sum())


# ---------------------------------------------------------------------- profile
def test_resolution_profile_rows_are_consistent():
    g, _ = planted(6)
    prof = resolution_profile(g, [0.2, 1.0, 4.0])
    assert list(prof.columns) == [
        "resolution",
        "n_communities",
        "quality",
        "modularity",
        "largest_share",
        "partition",
    ]
    for row in prof.itertuples():
        assert row.partition.attrs["resolution"] == row.resolution
        assert row.quality == pytest.approx(row.partition.quality())
        assert row.modularity == pytest.approx(modularity(g, row.partition))
        assert row.largest_share == row.partition.sizes.iloc[0] / g.n_nodes
    assert prof["n_communities"].iloc[0] <= prof["n_communities"].iloc[-1]
    default = resolution_profile(g)
    assert len(default) == 13
    with pytest.raises(InputError, match="resolution"):
        resolution_profile(g, [1.0, -2.0])
    with pytest.raises(InputError, match="at least one"):
        resolution_profile(g, [])


def test_numbering_by_size_is_the_same_on_the_counting_path():
    """Codes numbered by first appearance (as the core returns them) take a counting path;
    it must give what the general path (sorting every node) gives."""
    from socialcrm._partition import _by_size, _numbered_by_first_appearance, canonical

    rng = np.random.default_rng(7)
    for _ in range(200):
        raw = rng.integers(0, rng.integers(1, 30), rng.integers(1, 300))
        _, first, inverse = np.unique(raw, return_index=True, return_inverse=True)
        by_appearance = np.argsort(np.argsort(first))[inverse].astype(np.uint32)
        assert _numbered_by_first_appearance(by_appearance)
        general = canonical(raw + 1_000)  # shifted: not numbered by first appearance
        assert not _numbered_by_first_appearance(raw + 1_000)
        np.testing.assert_array_equal(_by_size(by_appearance), general)
