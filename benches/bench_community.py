"""Benchmark: community detection (modularity) against the peers.

Every tool builds its own graph from the same undirected edge arrays of ``_graphs.py`` (not
timed) and then detects communities; the best of a few runs is reported (one run on the
10^6-node graph). Reported per tool: time, modularity (recomputed by socialcrm for every
membership, resolution 1, unweighted) and NMI against the planted LFR communities.

Tools: socialcrm ``leiden`` (until stable, ``n_iterations=-1``, and 2 iterations) and
``louvain``; leidenalg ``ModularityVertexPartition`` (``n_iterations=-1``; skipped above 10^5
nodes, too slow); igraph ``community_leiden(objective_function="modularity",
n_iterations=-1)`` and ``community_multilevel``; NetworKit ``PLM`` (with refinement) and
``ParallelLeiden``; ``graspologic_native.leiden`` (its default of one iteration).

Usage: ``python benches/bench_community.py [--quick] [--shared DIR] [--repeats N]``. Results go
to ``bench-results/community.json`` and a Markdown table to stdout.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _graphs

from socialcrm import Graph
from socialcrm.community import leiden, louvain, modularity, nmi

OUT = _graphs.ROOT / "bench-results" / "community.json"
LEIDENALG_MAX = 100_000


def best_time(fn: Callable[[], np.ndarray], repeats: int) -> tuple[float, np.ndarray]:
    best, out = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    assert out is not None
    return best, np.asarray(out)


def tools(s: np.ndarray, t: np.ndarray, n: int) -> dict[str, Callable[[], np.ndarray]]:
    """Each tool's prepared graph and a call returning a membership per node code."""
    import graspologic_native as gn
    import igraph as ig
    import leidenalg as la
    import networkit as nk

    g = Graph.from_pandas(
        pd.DataFrame({"source": s, "target": t}), directed=False, nodes=np.arange(n)
    )
    G = ig.Graph(n=n, edges=np.stack([s, t], axis=1))
    K = nk.Graph(n, weighted=False, directed=False)
    K.addEdges((s.astype(np.uint64), t.astype(np.uint64)))
    edges = [(str(a), str(b), 1.0) for a, b in zip(s.tolist(), t.tolist(), strict=False)]

    def gn_leiden() -> np.ndarray:
        _, parts = gn.leiden(edges=edges, seed=1)
        out = np.arange(n, dtype=np.int64) + n  # nodes without edges: own community
        for k, v in parts.items():
            out[int(k)] = v
        return out

    def nk_run(algo: Callable[[], object]) -> np.ndarray:
        a = algo()
        a.run()
        return np.array(a.getPartition().getVector())

    out: dict[str, Callable[[], np.ndarray]] = {
        "socialcrm leiden": lambda: leiden(g, seed=0).codes,
        "socialcrm leiden (2 it.)": lambda: leiden(g, seed=0, n_iterations=2).codes,
        "socialcrm louvain": lambda: louvain(g, seed=0).codes,
        "igraph leiden": lambda: (
            G.community_leiden(objective_function="modularity", n_iterations=-1).membership
        ),
        "igraph multilevel": lambda: G.community_multilevel().membership,
        "networkit PLM": lambda: nk_run(lambda: nk.community.PLM(K, refine=True)),
        "networkit ParallelLeiden": lambda: nk_run(lambda: nk.community.ParallelLeiden(K)),
        "graspologic leiden": gn_leiden,
    }
    if n <= LEIDENALG_MAX:
        out["leidenalg"] = lambda: (
            la.find_partition(G, la.ModularityVertexPartition, n_iterations=-1, seed=0).membership
        )
    return out, g


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="small graphs only")
    ap.add_argument("--shared", type=Path, default=None, help="folder of the real graphs")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    if args.shared is not None:
        _graphs.SHARED = args.shared
    elif not _graphs.SHARED.is_dir():
        alt = _graphs.ROOT.parent.parent / "shared" / "data"
        if alt.is_dir():
            _graphs.SHARED = alt
    sizes = (10_000,) if args.quick else (10_000, 100_000, 1_000_000)
    graphs = _graphs.bench_graphs(sizes)
    if args.quick:
        graphs = {k: v for k, v in graphs.items() if k not in ("github", "facebook")}
    results = []
    for name, (s, t, n) in graphs.items():
        truth = _graphs.lfr_truth(int(name[4:])) if name.startswith("lfr_") else None
        runs, g = tools(s, t, n)
        repeats = 1 if n >= 1_000_000 else args.repeats
        for tool, fn in runs.items():
            secs, memb = best_time(fn, repeats)
            row = {
                "graph": name,
                "nodes": n,
                "edges": len(s),
                "tool": tool,
                "seconds": secs,
                "modularity": modularity(g, memb, weight=False),
                "communities": len(np.unique(memb)),
                "nmi": None if truth is None else nmi(memb, truth),
            }
            results.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(
            json.dumps(
                {
                    "machine": platform.platform(),
                    "cpus": __import__("os").cpu_count(),
                    "results": results,
                },
                indent=1,
            )
        )
    print(markdown(pd.DataFrame(results)))


def markdown(df: pd.DataFrame) -> str:
    lines = [
        "| graph | tool | seconds | x fastest peer | modularity | communities | NMI |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, part in df.groupby("graph", sort=False):
        peers = part[~part["tool"].str.startswith("socialcrm")]
        fastest = peers["seconds"].min()
        for r in part.itertuples():
            nmi_ = "" if r.nmi is None or pd.isna(r.nmi) else f"{r.nmi:.4f}"
            lines.append(
                f"| {name} | {r.tool} | {r.seconds:.3f} | {r.seconds / fastest:.2f} | "
                f"{r.modularity:.5f} | {r.communities} | {nmi_} |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
