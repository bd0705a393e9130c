"""Betweenness (exact and sampled) and harmonic closeness against networkx and igraph."""

from __future__ import annotations

import doctest
import gzip
import hashlib
import math
import os
import subprocess
import sys
import textwrap
import threading
import time
from functools import cached_property
from pathlib import Path

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from _shared import ctrl_c

import socialcrm._paths
from socialcrm import Graph, InputError
from socialcrm.exceptions import InputTypeError
from socialcrm.influence import betweenness, harmonic

RTOL = 1e-9
ATOL = 1e-12


# ----------------------------------------------------------------------------- helpers
class Case:
    """A test graph: edges (one per ordered pair, or per unordered pair when undirected) with
    weights, built both as a socialcrm Graph and as a networkx graph with ``length = 1/w``."""

    def __init__(self, n: int, pairs: list[tuple[int, int]], w: np.ndarray, directed: bool):
        self.n, self.pairs, self.w, self.directed = n, pairs, np.asarray(w, float), directed
        s = np.array([p[0] for p in pairs], dtype=np.int64)
        t = np.array([p[1] for p in pairs], dtype=np.int64)
        df = pd.DataFrame({"source": s, "target": t, "w": self.w})
        self.g = Graph.from_pandas(
            df, weight="w", directed=directed, nodes=list(range(n)), self_loops="keep"
        )
        assert list(self.g.nodes) == list(range(n))

    @cached_property
    def nx(self) -> nx.Graph:
        G = nx.DiGraph() if self.directed else nx.Graph()
        G.add_nodes_from(range(self.n))
        for (a, b), x in zip(self.pairs, self.w, strict=True):
            if x > 0:  # weight 0: infinite length, i.e. no usable edge
                G.add_edge(a, b, length=1.0 / x)
        return G

    def igraph(self) -> ig.Graph:
        h = ig.Graph(
            n=self.n,
            edges=[p for p, x in zip(self.pairs, self.w, strict=True) if x > 0],
            directed=self.directed,
        )
        h.es["length"] = [1.0 / x for x in self.w if x > 0]
        return h


def random_case(rng: np.random.Generator, directed: bool, weights: str = "dyadic") -> Case:
    """1-3 random blocks (separate components), isolated nodes and self-loops."""
    pairs: set[tuple[int, int]] = set()
    n = 0
    for _ in range(int(rng.integers(1, 4))):
        k = int(rng.integers(1, 25))
        m = int(rng.integers(0, 3 * k + 1))
        for a, b in zip(rng.integers(0, k, m), rng.integers(0, k, m), strict=True):
            a, b = int(a) + n, int(b) + n
            pairs.add((a, b) if directed else (min(a, b), max(a, b)))
        n += k
    n += int(rng.integers(0, 4))  # isolated customers
    ordered = sorted(pairs)
    if weights == "dyadic":  # lengths 1, 1/2, 1/4, 1/8: sums are exact, ties are real
        w = rng.choice([1.0, 2.0, 4.0, 8.0], len(ordered))
    else:
        w = rng.uniform(0.5, 4.0, len(ordered))
    return Case(n, ordered, w, directed)


def grid_case() -> Case:
    """A 5 x 6 grid: many tied shortest paths of uneven multiplicity."""
    grid = nx.convert_node_labels_to_integers(nx.grid_2d_graph(5, 6))
    pairs = sorted((min(a, b), max(a, b)) for a, b in grid.edges())
    return Case(grid.number_of_nodes(), pairs, np.ones(len(pairs)), False)


def close(a, b) -> None:
    a, b = np.asarray(a, float), np.asarray(b, float)
    np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL)


def nx_values(d: dict, n: int) -> np.ndarray:
    return np.array([d[i] for i in range(n)], dtype=float)


def shared_file(name: str) -> Path | None:
    """A public data file from the nearest ``shared/data`` above this test."""
    for parent in Path(__file__).resolve().parents:
        p = parent / "shared" / "data" / name
        if p.exists():
            return p
    return None


def karate_case() -> Case:
    path = shared_file("karate_edges.csv.gz")
    if path is None:
        pytest.skip("karate_edges.csv.gz not found under any shared/data")
    with gzip.open(path) as f:
        df = pd.read_csv(f)
    a, b = df.columns[:2]
    ids = sorted(set(df[a]) | set(df[b]))
    code = {x: i for i, x in enumerate(ids)}
    pairs = sorted(
        {tuple(sorted((code[x], code[y]))) for x, y in zip(df[a], df[b], strict=True) if x != y}
    )
    return Case(len(ids), pairs, np.ones(len(pairs)), False)


def rk_scale(values: np.ndarray, n: int, directed: bool) -> np.ndarray:
    """Unnormalized betweenness without endpoints -> B(v) / (n (n - 1)) over ordered pairs."""
    return values * (1.0 if directed else 2.0) / (n * (n - 1))


# ----------------------------------------------------------------------------- exact
@pytest.mark.parametrize("directed", [True, False])
@pytest.mark.parametrize("weights", ["none", "dyadic", "real"])
def test_betweenness_matches_networkx_on_random_graphs(directed, weights):
    rng = np.random.default_rng(100 + directed + 10 * len(weights))
    nonzero = 0
    for _ in range(12):
        case = random_case(rng, directed, "real" if weights == "real" else "dyadic")
        wt = None if weights == "none" else "length"
        for normalized in (True, False):
            for endpoints in (True, False):
                want = nx.betweenness_centrality(
                    case.nx, normalized=normalized, endpoints=endpoints, weight=wt
                )
                got = betweenness(
                    case.g,
                    weight=weights != "none",
                    normalized=normalized,
                    endpoints=endpoints,
                )
                assert got.name == "betweenness"
                assert list(got.index) == list(range(case.n))
                close(got.to_numpy(), nx_values(want, case.n))
                nonzero += int((got > 0).sum())
    assert nonzero > 50  # the graphs do have brokers


def test_betweenness_matches_networkx_on_a_grid_with_many_ties():
    case = grid_case()
    for weight in (False, True):
        want = nx.betweenness_centrality(case.nx, weight="length" if weight else None)
        close(betweenness(case.g, weight=weight), nx_values(want, case.n))


@pytest.mark.parametrize("directed", [True, False])
def test_betweenness_matches_igraph(directed):
    rng = np.random.default_rng(7 + directed)
    for i in range(10):
        case = random_case(rng, directed, "real" if i % 2 else "dyadic")
        h = case.igraph()
        close(betweenness(case.g, normalized=False), h.betweenness(directed=directed))
        close(
            betweenness(case.g, weight=True, normalized=False),
            h.betweenness(directed=directed, weights="length"),
        )


def test_betweenness_weights_are_tie_strength():
    # a - b - c strongly tied, a - c weakly: with weights the path a -> c goes through b.
    df = pd.DataFrame({"source": ["a", "b", "a"], "target": ["b", "c", "c"], "w": [5, 5, 1]})
    g = Graph.from_pandas(df, weight="w", directed=False)
    assert betweenness(g, normalized=False).tolist() == [0.0, 0.0, 0.0]
    assert betweenness(g, weight=True, normalized=False).tolist() == [0.0, 1.0, 0.0]
    # Equal lengths (1/2 + 1/2 = 1/1) tie and split the pair.
    df["w"] = [2, 2, 1]
    g = Graph.from_pandas(df, weight="w", directed=False)
    assert betweenness(g, weight="weight", normalized=False).tolist() == [0.0, 0.5, 0.0]


def test_zero_weight_edges_lie_on_no_path():
    rng = np.random.default_rng(3)
    for directed in (True, False):
        case = random_case(rng, directed)
        w = case.w.copy()
        w[::3] = 0.0
        case = Case(case.n, case.pairs, w, directed)
        want = nx.betweenness_centrality(case.nx, weight="length")
        close(betweenness(case.g, weight=True), nx_values(want, case.n))
        want = nx.harmonic_centrality(case.nx, distance="length")
        close(harmonic(case.g, weight=True), nx_values(want, case.n))


def test_decayed_weight_uses_the_decayed_tie_strength():
    rng = np.random.default_rng(5)
    n = 30
    s, t = rng.integers(0, n, 120), rng.integers(0, n, 120)
    times = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 300, 120), unit="D")
    df = pd.DataFrame({"source": s, "target": t, "time": times})
    g = Graph.from_pandas(
        df, timestamp="time", half_life="30D", nodes=list(range(n)), self_loops="keep"
    )
    edges = g.to_pandas()
    G = nx.DiGraph()
    G.add_nodes_from(range(n))
    for a, b, d in zip(edges["source"], edges["target"], edges["decayed_weight"], strict=True):
        G.add_edge(int(a), int(b), length=1.0 / d)
    close(
        betweenness(g, weight="decayed"),
        nx_values(nx.betweenness_centrality(G, weight="length"), n),
    )
    close(harmonic(g, weight="decayed"), nx_values(nx.harmonic_centrality(G, distance="length"), n))
    with pytest.raises(InputError):
        betweenness(Graph.from_pandas(df, self_loops="keep"), weight="decayed")


def test_tiny_and_empty_graphs():
    empty = Graph.from_pandas(pd.DataFrame({"source": [], "target": []}))
    assert betweenness(empty).empty and harmonic(empty).empty
    assert betweenness(empty, epsilon=0.1).empty
    one = Graph.from_pandas(pd.DataFrame({"source": [], "target": []}), nodes=["x"])
    assert betweenness(one).tolist() == [0.0]
    assert harmonic(one, normalized=True).tolist() == [0.0]
    two = Graph.from_pandas(pd.DataFrame({"source": ["x"], "target": ["y"]}), directed=False)
    assert betweenness(two).tolist() == [0.0, 0.0]
    assert betweenness(two, endpoints=True).tolist() == [1.0, 1.0]
    assert betweenness(two, epsilon=0.1).tolist() == [0.0, 0.0]


def test_karate_club():
    case = karate_case()
    assert case.n == 34
    want = nx.betweenness_centrality(case.nx)
    got = betweenness(case.g)
    close(got, nx_values(want, case.n))
    # The instructor and the administrator broker the club (Zachary 1977).
    assert got.idxmax() == case.g.nodes[0]
    assert math.isclose(got.max(), 0.43763528138528146, rel_tol=1e-12)
    close(harmonic(case.g), nx_values(nx.harmonic_centrality(case.nx), case.n))
    est = betweenness(case.g, normalized=False, epsilon=0.02, seed=3)
    exact = betweenness(case.g, normalized=False)
    err = np.abs(rk_scale(est.to_numpy() - exact.to_numpy(), case.n, False)).max()
    assert err <= 0.02


# ----------------------------------------------------------------------------- harmonic
@pytest.mark.parametrize("directed", [True, False])
@pytest.mark.parametrize("weights", ["none", "dyadic", "real"])
def test_harmonic_matches_networkx(directed, weights):
    rng = np.random.default_rng(300 + directed + 10 * len(weights))
    for _ in range(12):
        case = random_case(rng, directed, "real" if weights == "real" else "dyadic")
        wt = None if weights == "none" else "length"
        want = nx_values(nx.harmonic_centrality(case.nx, distance=wt), case.n)
        got = harmonic(case.g, weight=weights != "none")
        assert got.name == "harmonic"
        close(got, want)
        norm = harmonic(case.g, weight=weights != "none", normalized=True)
        close(norm, want / (case.n - 1) if case.n > 1 else want * 0)


def test_harmonic_matches_igraph_incoming_distances():
    rng = np.random.default_rng(11)
    for _ in range(8):
        case = random_case(rng, directed=True, weights="real")
        if case.n < 2:
            continue
        h = case.igraph()
        close(harmonic(case.g, normalized=True), h.harmonic_centrality(mode="in"))
        close(
            harmonic(case.g, weight=True, normalized=True),
            h.harmonic_centrality(mode="in", weights="length"),
        )


def test_harmonic_beyond_one_word_of_sources():
    # 300 nodes: the multi-source search handles several 64-node batches, long paths included.
    rng = np.random.default_rng(12)
    pairs = sorted(
        {(i, i + 1) for i in range(299)} | {tuple(p) for p in rng.integers(0, 300, (60, 2))}
    )
    case = Case(300, pairs, np.ones(len(pairs)), True)
    close(harmonic(case.g), nx_values(nx.harmonic_centrality(case.nx), 300))


# ----------------------------------------------------------------------------- sampled
def sampled_error(case: Case, weight: bool, epsilon: float, seed: int) -> tuple[float, pd.Series]:
    exact = betweenness(case.g, weight=weight, normalized=False).to_numpy()
    est = betweenness(
        case.g,
        weight=weight,
        normalized=False,
        epsilon=epsilon,
        seed=seed,
        exact_if_cheaper=False,
    )
    assert est.attrs["exact"] is False
    diff = rk_scale(est.to_numpy() - exact, case.n, case.directed)
    return float(np.abs(diff).max()), est


@pytest.mark.parametrize(
    ("directed", "weights"), [(False, "none"), (True, "none"), (False, "real"), (True, "dyadic")]
)
def test_sampled_betweenness_is_within_epsilon(directed, weights):
    rng = np.random.default_rng(400 + directed)
    k = 150
    pairs = sorted(
        {
            (int(a), int(b)) if directed else (int(min(a, b)), int(max(a, b)))
            for a, b in rng.integers(0, k, (450, 2))
        }
    )
    w = (
        rng.uniform(0.5, 4.0, len(pairs))
        if weights == "real"
        else rng.choice([1.0, 2.0, 4.0], len(pairs))
    )
    case = Case(k + 5, pairs, w, directed)
    err, est = sampled_error(case, weights != "none", 0.02, seed=1)
    assert err <= 0.02
    assert est.attrs["epsilon"] == 0.02 and est.attrs["delta"] == 0.1 and est.attrs["seed"] == 1
    # The sample size follows Riondato and Kornaropoulos with c = 0.5.
    vd = est.attrs["vertex_diameter_bound"]
    r = math.ceil(0.5 / 0.02**2 * (math.floor(math.log2(max(vd - 2, 1))) + 1 + math.log(10)))
    assert est.attrs["samples"] == r


def vertex_diameter(G) -> int:
    """Most nodes on a shortest path (hops, or the unique weighted ones)."""
    best = 1
    for _, paths in nx.all_pairs_dijkstra_path(G, weight="length"):
        for p in paths.values():
            best = max(best, len(p))
    return best


@pytest.mark.parametrize("directed", [True, False])
def test_vertex_diameter_bound_is_an_upper_bound(directed):
    rng = np.random.default_rng(500 + directed)
    for _ in range(10):
        case = random_case(rng, directed, "real")
        if case.n < 2:
            continue
        for weight in (False, True):
            est = betweenness(case.g, weight=weight, epsilon=0.3)
            G = case.nx
            if not weight:
                G = G.copy()
                nx.set_edge_attributes(G, 1.0, "length")
            assert est.attrs["vertex_diameter_bound"] >= vertex_diameter(G)
            assert est.attrs["vertex_diameter_bound"] <= case.n


def test_sampled_failures_over_seeds_are_consistent_with_delta_and_unbiased():
    case = grid_case()  # uneven tie multiplicities: a biased path choice would show
    errors, estimates = [], []
    for seed in range(20):
        err, est = sampled_error(case, False, 0.02, seed)
        errors.append(err)
        estimates.append(rk_scale(est.to_numpy(), case.n, False))
    failures = sum(e > 0.02 for e in errors)
    # P(Binomial(20, 0.1) >= 7) < 0.003.
    assert failures <= 6
    exact = rk_scale(betweenness(case.g, normalized=False).to_numpy(), case.n, False)
    # Mean of 20 independent estimates: standard error below 0.5 / sqrt(20 r) ~ 0.0013.
    assert np.abs(np.mean(estimates, axis=0) - exact).max() < 0.006
    assert len({e.tobytes() for e in estimates}) == 20  # seeds matter


def test_sampled_paths_are_uniform_among_ties():
    # 0 -> {1, 2, 3}; {1, 2} -> 4; 3 -> 5; {4, 5} -> 6: three shortest 0-6 paths, two via 4.
    pairs = [(0, 1), (0, 2), (0, 3), (1, 4), (2, 4), (3, 5), (4, 6), (5, 6)]
    case = Case(7, pairs, np.ones(len(pairs)), True)
    exact = rk_scale(betweenness(case.g, normalized=False).to_numpy(), 7, True)
    est = betweenness(case.g, normalized=False, epsilon=0.005, seed=2, exact_if_cheaper=False)
    assert np.abs(rk_scale(est.to_numpy(), 7, True) - exact).max() <= 0.005


def test_sampled_scale_matches_exact_for_every_option():
    rng = np.random.default_rng(9)
    case = random_case(rng, False)
    while case.n < 20:
        case = random_case(rng, False)
    for normalized in (True, False):
        for endpoints in (True, False):
            exact = betweenness(case.g, normalized=normalized, endpoints=endpoints)
            est = betweenness(
                case.g,
                normalized=normalized,
                endpoints=endpoints,
                epsilon=0.01,
                seed=4,
                exact_if_cheaper=False,
            )
            n = case.n
            # epsilon on the n (n - 1) scale, converted to the output scale.
            if normalized:
                bound = 0.01 * (1.0 if endpoints else n / (n - 2))
            else:
                bound = 0.01 * n * (n - 1) / 2
            assert np.abs(est - exact).max() <= bound


def test_seed_none_draws_and_reports_a_seed():
    case = grid_case()
    est = betweenness(case.g, epsilon=0.1, seed=None, exact_if_cheaper=False)
    again = betweenness(case.g, epsilon=0.1, seed=est.attrs["seed"], exact_if_cheaper=False)
    assert est.equals(again)


@pytest.mark.parametrize("weight", [False, True])
def test_sampling_gives_way_to_the_exact_values_when_they_cost_less(weight):
    # The karate club: epsilon = 0.01 asks for 26,513 samples, Brandes for 34 sources.
    club = nx.karate_club_graph()
    pairs = sorted(club.edges())
    case = Case(34, pairs, np.array([club.edges[e]["weight"] for e in pairs], float), False)
    exact = betweenness(case.g, weight=weight)
    est = betweenness(case.g, weight=weight, epsilon=0.01, seed=5)
    assert est.attrs["exact"] is True
    assert est.attrs["samples"] > 20_000
    assert est.equals(exact)
    drawn = betweenness(case.g, weight=weight, epsilon=0.01, seed=5, exact_if_cheaper=False)
    assert drawn.attrs["exact"] is False and not drawn.equals(exact)
    assert np.abs(drawn - exact).max() <= 0.01 * case.n / (case.n - 2)
    # A sparse graph of 3,000 customers: a bidirectional search scans far fewer arcs than
    # 3,000 full ones, so the samples are drawn, the same ones as when forced.
    big = big_case(3000, seed=4, directed=False).g
    auto = betweenness(big, weight=weight, epsilon=0.02, seed=5)
    assert auto.attrs["exact"] is False
    forced = betweenness(big, weight=weight, epsilon=0.02, seed=5, exact_if_cheaper=False)
    assert auto.equals(forced)
    with pytest.raises(InputTypeError, match="exact_if_cheaper"):
        betweenness(case.g, epsilon=0.1, exact_if_cheaper="yes")


# ----------------------------------------------------------------------------- determinism
def big_case(n: int = 3000, seed: int = 0, directed: bool = True) -> Case:
    rng = np.random.default_rng(seed)
    pairs = sorted({(int(a), int(b)) for a, b in rng.integers(0, n, (4 * n, 2)) if a != b})
    if not directed:
        pairs = sorted({(min(a, b), max(a, b)) for a, b in pairs})
    return Case(n, pairs, rng.choice([1.0, 2.0, 3.0], len(pairs)), directed)


def digest(*series: pd.Series) -> str:
    return hashlib.sha256(b"".join(s.to_numpy().tobytes() for s in series)).hexdigest()


def all_measures(g: Graph, n_threads: int | None = None) -> str:
    return digest(
        betweenness(g, n_threads=n_threads),
        betweenness(g, weight=True, n_threads=n_threads),
        betweenness(g, epsilon=0.05, seed=3, n_threads=n_threads),
        betweenness(g, weight=True, epsilon=0.05, seed=3, n_threads=n_threads),
        harmonic(g, n_threads=n_threads),
        harmonic(g, weight=True, n_threads=n_threads),
    )


def test_identical_on_one_and_two_threads():
    g = big_case(1500).g
    assert all_measures(g, 1) == all_measures(g, 2)


def test_identical_for_any_rayon_num_threads():
    script = textwrap.dedent(
        """
        import sys
        sys.path.insert(0, {here!r})
        from test_influence_paths import all_measures, big_case
        print(all_measures(big_case(1500, directed=False).g))
        """
    ).format(here=str(Path(__file__).parent))
    out = set()
    for k in ("1", "4"):
        env = {**os.environ, "RAYON_NUM_THREADS": k}
        res = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        out.add(res.stdout.strip())
    assert len(out) == 1
    assert out.pop() == all_measures(big_case(1500, directed=False).g)


# ----------------------------------------------------------------------------- runtime
def test_betweenness_stops_on_ctrl_c_and_reports_progress():
    g = big_case(40_000, seed=1).g
    seen: list[tuple[int, int]] = []
    start = time.perf_counter()
    with pytest.raises(KeyboardInterrupt), ctrl_c(after=0.3):
        betweenness(g, n_threads=1, progress=lambda d, t: seen.append((d, t)))
        time.sleep(5)  # not reached when the call is interrupted
    assert time.perf_counter() - start < 2.5
    assert seen and all(t == 40_000 for _, t in seen)
    assert 0 < seen[-1][0] < 40_000


def test_sampled_betweenness_releases_the_gil():
    g = big_case(20_000, seed=2).g
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
    est = betweenness(g, weight=True, epsilon=0.02, n_threads=1)
    elapsed = time.perf_counter() - start
    stop.set()
    t.join()
    assert est.attrs["samples"] > 5_000
    assert elapsed > 0.1
    assert ticks > 0.3 * elapsed / 0.0011


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("bad", [0, 1, 1.0, -0.1, 1.5, float("nan"), float("inf")])
def test_epsilon_and_delta_outside_the_unit_interval(bad):
    g = grid_case().g
    with pytest.raises(InputError, match="epsilon"):
        betweenness(g, epsilon=bad)
    with pytest.raises(InputError, match="delta"):
        betweenness(g, epsilon=0.1, delta=bad)


def test_other_bad_arguments():
    g = grid_case().g
    with pytest.raises(InputTypeError, match="epsilon"):
        betweenness(g, epsilon="0.1")
    with pytest.raises(InputTypeError, match="delta"):
        betweenness(g, epsilon=0.1, delta=None)
    with pytest.raises(InputError, match="seed"):
        betweenness(g, epsilon=0.1, seed=-1)
    with pytest.raises(InputError, match="seed"):
        betweenness(g, epsilon=0.1, seed=2**64)
    with pytest.raises(InputError, match="n_threads"):
        betweenness(g, n_threads=0)
    with pytest.raises(InputError, match="n_threads"):
        harmonic(g, n_threads=-2)
    with pytest.raises(InputTypeError, match="progress"):
        harmonic(g, progress="yes")
    with pytest.raises(InputTypeError, match="normalized"):
        betweenness(g, normalized="yes")
    with pytest.raises(InputTypeError, match="endpoints"):
        betweenness(g, endpoints=None)
    with pytest.raises(InputError, match="weight"):
        harmonic(g, weight="strength")
    with pytest.raises(InputError, match="decayed"):
        harmonic(g, weight="decayed")


# ----------------------------------------------------------------------------- docs
def test_module_doctests():
    res = doctest.testmod(socialcrm._paths, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert res.attempted > 0
    assert res.failed == 0
