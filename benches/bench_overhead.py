"""Benchmark: the fixed cost of one call on small graphs (karate, dolphins, football).

On a graph of a few dozen customers the work of any measure takes microseconds, so the time of a
call is almost all fixed cost: argument checks, the hand-over to the Rust core, and building the
pandas result. This benchmark times one call of each influence measure and of community detection
in microseconds, next to igraph's, NetworKit's and rustworkx's equivalent where they have one, and
next to the floor any pandas result pays: ``pd.Series(np.zeros(n), index=g.nodes, name="x")``.

Every tool gets the same undirected edges (``benches/_graphs.py``); graph construction is not
timed. Each time is the best of ``--repeats`` rounds of enough calls to last about 20 ms, divided
by the number of calls. Peers' results are plain lists or arrays, not labelled tables.

``--large`` also times PageRank on a 10^5-node LFR graph (socialcrm and igraph), to check that
work on big graphs is not slowed by the small-graph paths.

Usage: ``python benches/bench_overhead.py [--repeats 5] [--large]
[--out bench-results/overhead.json]``.
``--quick`` is accepted for symmetry with the other benchmarks (this one only has small graphs).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _graphs

import socialcrm as sc
from socialcrm import community, influence

GRAPHS = ("karate", "dolphins", "football")
PEERS = ("igraph", "networkit", "rustworkx")


def per_call_us(f: Callable[[], object], repeats: int) -> float:
    """Best per-call time in microseconds over ``repeats`` rounds of ~20 ms each."""
    f()
    start = time.perf_counter()
    calls = 0
    while time.perf_counter() - start < 0.005:
        f()
        calls += 1
    per = (time.perf_counter() - start) / calls
    number = max(1, int(0.02 / per))
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(number):
            f()
        best = min(best, (time.perf_counter() - t0) / number)
    return best * 1e6


def socialcrm_tasks(g: sc.Graph) -> dict[str, Callable[[], object]]:
    n = g.n_nodes
    return {
        "pandas_floor": lambda: pd.Series(np.zeros(n), index=g.nodes, name="x"),
        "degree": lambda: influence.degree(g),
        "pagerank": lambda: influence.pagerank(g),
        "katz": lambda: influence.katz(g),
        "eigenvector": lambda: influence.eigenvector(g),
        "hits": lambda: influence.hits(g),
        "harmonic": lambda: influence.harmonic(g),
        "betweenness": lambda: influence.betweenness(g),
        # epsilon 0.01 asks for tens of thousands of samples: exact values are cheaper here.
        "betweenness_eps": lambda: influence.betweenness(g, epsilon=0.01),
        "betweenness_eps_sampled": lambda: influence.betweenness(
            g, epsilon=0.01, exact_if_cheaper=False
        ),
        "kcore": lambda: influence.kcore(g),
        "constraint": lambda: influence.constraint(g),
        "effective_size": lambda: influence.effective_size(g),
        "hierarchy": lambda: influence.hierarchy(g),
        "efficiency": lambda: influence.efficiency(g),
        "structural_holes": lambda: influence.structural_holes(g),
        "scores": lambda: influence.scores(g),
        "leiden": lambda: community.leiden(g),
        "louvain": lambda: community.louvain(g),
    }


def igraph_tasks(s: np.ndarray, t: np.ndarray, n: int) -> dict[str, Callable[[], object]]:
    import igraph as ig

    G = ig.Graph(n=n, edges=list(zip(s.tolist(), t.tolist(), strict=True)))
    return {
        "degree": G.degree,
        "pagerank": G.pagerank,
        "eigenvector": G.eigenvector_centrality,
        "hits": lambda: (G.hub_score(), G.authority_score()),
        "harmonic": G.harmonic_centrality,
        "betweenness": G.betweenness,
        "kcore": G.coreness,
        "constraint": G.constraint,
        "leiden": lambda: G.community_leiden(objective_function="modularity", n_iterations=-1),
        "louvain": G.community_multilevel,
    }


def networkit_tasks(s: np.ndarray, t: np.ndarray, n: int) -> dict[str, Callable[[], object]]:
    import networkit as nk

    nk.setNumberOfThreads(2)
    G = nk.Graph(n)
    for a, b in zip(s.tolist(), t.tolist(), strict=True):
        G.addEdge(a, b)

    def run(algo: Callable[[], object]) -> Callable[[], object]:
        def call() -> object:
            a = algo()
            a.run()
            return a.scores()

        return call

    def plm() -> object:
        a = nk.community.PLM(G, refine=False)
        a.run()
        return a.getPartition()

    def leiden() -> object:
        a = nk.community.ParallelLeiden(G)
        a.run()
        return a.getPartition()

    return {
        "degree": run(lambda: nk.centrality.DegreeCentrality(G)),
        "pagerank": run(lambda: nk.centrality.PageRank(G, 0.85, 1e-6)),
        "katz": run(lambda: nk.centrality.KatzCentrality(G)),
        "eigenvector": run(lambda: nk.centrality.EigenvectorCentrality(G)),
        "harmonic": run(lambda: nk.centrality.HarmonicCloseness(G, normalized=False)),
        "betweenness": run(lambda: nk.centrality.Betweenness(G, normalized=True)),
        "kcore": run(lambda: nk.centrality.CoreDecomposition(G)),
        "leiden": leiden,
        "louvain": plm,
    }


def rustworkx_tasks(s: np.ndarray, t: np.ndarray, n: int) -> dict[str, Callable[[], object]]:
    import rustworkx as rx

    G = rx.PyGraph()
    G.add_nodes_from(range(n))
    G.add_edges_from_no_data(list(zip(s.tolist(), t.tolist(), strict=True)))
    D = rx.PyDiGraph()
    D.add_nodes_from(range(n))
    both = zip(np.concatenate([s, t]).tolist(), np.concatenate([t, s]).tolist(), strict=True)
    D.add_edges_from_no_data(list(both))
    a = np.zeros((n, n))
    a[s, t] = a[t, s] = 1.0
    alpha = 0.85 / float(np.max(np.abs(np.linalg.eigvals(a))))  # socialcrm's default
    return {
        "pagerank": lambda: rx.pagerank(D),
        "katz": lambda: rx.katz_centrality(G, alpha=alpha, max_iter=10_000),
        "eigenvector": lambda: rx.eigenvector_centrality(G),
        "hits": lambda: rx.hits(D),
        "betweenness": lambda: rx.betweenness_centrality(G),
        "kcore": lambda: rx.core_number(G),
    }


def _fmt(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:.1f}" if x < 100 else f"{x:.0f}"


def bench_small(repeats: int) -> list[dict]:
    rows = []
    for name in GRAPHS:
        edges = _graphs.real(name)
        if edges is None:
            print(f"# {name}: data absent, skipped", file=sys.stderr)
            continue
        s, t, n = edges
        df = pd.DataFrame({"source": s, "target": t})
        g = sc.Graph.from_pandas(df, directed=False, nodes=np.arange(n))
        peers: dict[str, dict[str, Callable[[], object]]] = {}
        for peer, make in (
            ("igraph", igraph_tasks),
            ("networkit", networkit_tasks),
            ("rustworkx", rustworkx_tasks),
        ):
            try:
                peers[peer] = make(s, t, n)
            except ImportError:
                print(f"# {peer} not installed, skipped", file=sys.stderr)
        for task, f in socialcrm_tasks(g).items():
            row: dict = {"graph": name, "n": n, "m": len(s), "task": task}
            row["socialcrm"] = per_call_us(f, repeats)
            for peer in PEERS:
                pf = peers.get(peer, {}).get(task)
                row[peer] = None if pf is None else per_call_us(pf, repeats)
            rows.append(row)
            print(
                f"# {name} {task}: {_fmt(row['socialcrm'])} us",
                file=sys.stderr,
                flush=True,
            )
    return rows


def bench_large(repeats: int) -> list[dict]:
    import igraph as ig

    s, t, n = _graphs.lfr(100_000)
    df = pd.DataFrame({"source": s, "target": t})
    g = sc.Graph.from_pandas(df, directed=False, nodes=np.arange(n))
    G = ig.Graph(n=n, edges=np.column_stack([s, t]).tolist())
    out = []
    for task, f, p in (
        ("pagerank", lambda: influence.pagerank(g), G.pagerank),
        ("kcore", lambda: influence.kcore(g), G.coreness),
    ):
        best, peer = np.inf, np.inf
        for _ in range(repeats):
            t0 = time.perf_counter()
            f()
            best = min(best, time.perf_counter() - t0)
            t0 = time.perf_counter()
            p()
            peer = min(peer, time.perf_counter() - t0)
        out.append(
            {"graph": "lfr_100000", "n": n, "m": len(s), "task": task}
            | {"socialcrm": best * 1e6, "igraph": peer * 1e6, "networkit": None, "rustworkx": None}
        )
    return out


def table(rows: list[dict]) -> str:
    floor = {r["graph"]: r["socialcrm"] for r in rows if r["task"] == "pandas_floor"}
    lines = [
        "| graph | task | socialcrm µs | x pandas floor | igraph | NetworKit | rustworkx "
        "| ratio to fastest peer |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        peers = [r[p] for p in PEERS if r[p] is not None]
        ratio = f"{r['socialcrm'] / min(peers):.1f}" if peers else "-"
        fl = floor.get(r["graph"])
        xf = f"{r['socialcrm'] / fl:.1f}" if fl else "-"
        lines.append(
            f"| {r['graph']} | {r['task']} | {_fmt(r['socialcrm'])} | {xf} | "
            + " | ".join(_fmt(r[p]) for p in PEERS)
            + f" | {ratio} |"
        )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="small graphs only (the default)")
    ap.add_argument("--large", action="store_true", help="also PageRank/k-core on LFR 10^5")
    ap.add_argument("--out", default="bench-results/overhead.json")
    args = ap.parse_args()
    _graphs.find_shared()
    warnings.simplefilter("ignore")
    rows = bench_small(args.repeats)
    if args.large and not args.quick:
        rows += bench_large(args.repeats)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"unit": "microseconds per call", "rows": rows}, indent=1))
    print(table(rows))


if __name__ == "__main__":
    main()
