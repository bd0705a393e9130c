"""Benchmark: community detection (modularity) against the peers.

Every tool builds its own graph from the same undirected edge arrays of ``_graphs.py`` (not
timed) and then detects communities. Every tool that takes a seed runs with several seeds
(five on the small real graphs; three on github and on every LFR graph of 10^4 and 10^5 nodes;
one at 10^6): the time is the best run, modularity the mean over seeds with its
range, since single runs of any Leiden differ by several thousandths on graphs like github.
Modularity is recomputed by socialcrm for every membership (resolution 1, unweighted); NMI and
ARI compare with the known groups: the planted LFR communities, and for the real graphs the
karate club split, the dolphins' groups, the football conferences, the polbooks leanings and
github's web/ML developer label (the last two are attributes rather than communities, so every
tool scores low there). LFR graphs of 10^4 nodes (and 10^5 without ``--quick``) also run at
mixing 0.1 to 0.5.

Tools: socialcrm ``leiden`` (until stable, ``n_iterations=-1``; 2 and 3 iterations; full
iterations until stable, ``incremental=False``; and until stable, 2 and 3 iterations with the
racing ``parallel=True`` local moving, not reproducible) and ``louvain``; leidenalg
``ModularityVertexPartition`` (``n_iterations=-1``; skipped above 10^5 nodes, too slow); igraph
``community_leiden(objective_function="modularity", n_iterations=-1)`` and
``community_multilevel``; NetworKit ``PLM`` (with refinement) and ``ParallelLeiden``;
``graspologic_native.leiden`` (its default of one iteration).

A second table sets every peer against the fastest socialcrm setting whose mean modularity is
at least the peer's, less ``EQUAL_MODULARITY`` (1e-4, a tenth of the usual spread between
seeds): the speed-up at equal or better modularity.

Usage: ``python benches/bench_community.py [--quick] [--shared DIR] [--only NAMES]``. Results go
to ``bench-results/community.json`` (``results``, and ``matched`` for the second table) and
both Markdown tables to stdout.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections.abc import Callable, Collection
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _graphs

from socialcrm import Graph
from socialcrm.community import ari, leiden, louvain, modularity, nmi

OUT = _graphs.ROOT / "bench-results" / "community.json"
LEIDENALG_MAX = 100_000
# Mean modularities this close count as equal: seeds alone move a mean by more.
EQUAL_MODULARITY = 1e-4


MIXINGS = (0.1, 0.2, 0.3, 0.4, 0.5)


def seeds_for(n: int) -> int:
    if n >= 1_000_000:
        return 1
    return 5 if n < 10_000 else 3


def tools(
    s: np.ndarray, t: np.ndarray, n: int, keep: Collection[str] | None = None
) -> tuple[dict[str, Callable], Graph]:
    """Each tool's prepared graph and a call ``seed -> membership per node code``; only the
    tools named in ``keep`` (default all) get their graph built."""
    import random

    import graspologic_native as gn
    import igraph as ig
    import leidenalg as la
    import networkit as nk

    def wanted(*prefixes: str) -> bool:
        return keep is None or any(k.startswith(prefixes) for k in keep)

    g = Graph.from_pandas(
        pd.DataFrame({"source": s, "target": t}), directed=False, nodes=np.arange(n)
    )
    G = ig.Graph(n=n, edges=np.stack([s, t], axis=1)) if wanted("igraph", "leidenalg") else None
    K = nk.Graph(n, weighted=False, directed=False)
    if wanted("networkit"):
        K.addEdges((s.astype(np.uint64), t.astype(np.uint64)))
    edges = (
        [(str(a), str(b), 1.0) for a, b in zip(s.tolist(), t.tolist(), strict=False)]
        if wanted("graspologic")
        else []
    )

    def gn_leiden(seed: int) -> np.ndarray:
        _, parts = gn.leiden(edges=edges, seed=seed + 1)
        out = np.arange(n, dtype=np.int64) + n  # nodes without edges: own community
        for k, v in parts.items():
            out[int(k)] = v
        return out

    def nk_run(seed: int, algo: Callable[[], object]) -> np.ndarray:
        nk.setSeed(seed + 1, False)
        a = algo()
        a.run()
        return np.array(a.getPartition().getVector())

    def ig_run(seed: int, fn: Callable[[], object]) -> np.ndarray:
        random.seed(seed)  # igraph draws from Python's random module
        return np.array(fn().membership)

    out: dict[str, Callable] = {
        "socialcrm leiden": lambda seed: leiden(g, seed=seed).codes,
        "socialcrm leiden (2 it.)": lambda seed: leiden(g, seed=seed, n_iterations=2).codes,
        "socialcrm leiden (3 it.)": lambda seed: leiden(g, seed=seed, n_iterations=3).codes,
        "socialcrm leiden (full iterations)": lambda seed: (
            leiden(g, seed=seed, incremental=False).codes
        ),
        "socialcrm leiden (parallel)": lambda seed: leiden(g, seed=seed, parallel=True).codes,
        "socialcrm leiden (parallel, 2 it.)": lambda seed: (
            leiden(g, seed=seed, parallel=True, n_iterations=2).codes
        ),
        "socialcrm leiden (parallel, 3 it.)": lambda seed: (
            leiden(g, seed=seed, parallel=True, n_iterations=3).codes
        ),
        "socialcrm louvain": lambda seed: louvain(g, seed=seed).codes,
        "igraph leiden": lambda seed: ig_run(
            seed,
            lambda: G.community_leiden(objective_function="modularity", n_iterations=-1),
        ),
        "igraph multilevel": lambda seed: ig_run(seed, G.community_multilevel),
        "networkit PLM": lambda seed: nk_run(seed, lambda: nk.community.PLM(K, refine=True)),
        "networkit ParallelLeiden": lambda seed: nk_run(
            seed, lambda: nk.community.ParallelLeiden(K)
        ),
        "graspologic leiden": gn_leiden,
    }
    if n <= LEIDENALG_MAX:
        out["leidenalg"] = lambda seed: np.array(
            la.find_partition(
                G, la.ModularityVertexPartition, n_iterations=-1, seed=seed
            ).membership
        )
    if keep is not None:
        out = {k: v for k, v in out.items() if k in keep}
    return out, g


def measure(name: str, s: np.ndarray, t: np.ndarray, n: int, truth: np.ndarray | None) -> list:
    runs, g = tools(s, t, n)
    runs_of: dict[str, dict[str, list]] = {
        tool: {"secs": [], "qs": [], "nmis": [], "aris": [], "ks": []} for tool in runs
    }
    # Seeds outside, tools inside: every tool's runs spread over the same stretch of time, so a
    # busy spell on a shared machine does not fall on one tool alone.
    for seed in range(seeds_for(n)):
        for tool, fn in runs.items():
            r = runs_of[tool]
            t0 = time.perf_counter()
            memb = np.asarray(fn(seed))
            r["secs"].append(time.perf_counter() - t0)
            r["qs"].append(modularity(g, memb, weight=False))
            r["ks"].append(len(np.unique(memb)))
            if truth is not None:
                r["nmis"].append(nmi(memb, truth))
                r["aris"].append(ari(memb, truth))
    rows = []
    for tool, r in runs_of.items():
        row = {
            "graph": name,
            "nodes": n,
            "edges": len(s),
            "tool": tool,
            "seeds": len(r["qs"]),
            "seconds": min(r["secs"]),
            "modularity": float(np.mean(r["qs"])),
            "modularity_min": min(r["qs"]),
            "modularity_max": max(r["qs"]),
            "communities": float(np.mean(r["ks"])),
            "nmi": float(np.mean(r["nmis"])) if r["nmis"] else None,
            "ari": float(np.mean(r["aris"])) if r["aris"] else None,
        }
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="small graphs only")
    ap.add_argument("--shared", type=Path, default=None, help="folder of the real graphs")
    ap.add_argument("--only", default=None, help="comma-separated graph names to run")
    args = ap.parse_args()
    if args.shared is not None:
        _graphs.SHARED = args.shared
    else:
        _graphs.find_shared()
    sizes = (10_000,) if args.quick else (10_000, 100_000, 1_000_000)
    graphs = {
        name: (edges, _graphs.real_truth(name)) for name, edges in _graphs.bench_graphs(()).items()
    }
    if args.quick:
        graphs = {k: v for k, v in graphs.items() if k not in ("github", "facebook")}
    for n in sizes:
        graphs[f"lfr_{n}"] = (_graphs.lfr(n), _graphs.lfr_truth(n))
    for n in (10_000,) if args.quick else (10_000, 100_000):
        for mu in MIXINGS:
            if mu != 0.3:
                graphs[f"lfr_{n}_mu{mu}"] = (_graphs.lfr(n, mu), _graphs.lfr_truth(n, mu))
    if args.only:
        keep = set(args.only.split(","))
        graphs = {k: v for k, v in graphs.items() if k in keep}
    results = []
    for name, ((s, t, n), truth) in graphs.items():
        results += measure(name, s, t, n, truth)
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(
            json.dumps(
                {
                    "machine": platform.platform(),
                    "cpus": __import__("os").cpu_count(),
                    "load": __import__("os").getloadavg(),
                    "results": results,
                    "matched": json.loads(matched(pd.DataFrame(results)).to_json(orient="records")),
                },
                indent=1,
            )
        )
    df = pd.DataFrame(results)
    print(markdown(df))
    print()
    print(matched_markdown(matched(df)))


def matched(df: pd.DataFrame) -> pd.DataFrame:
    """Every peer on every graph against the fastest socialcrm setting at equal or better
    modularity (mean over seeds, less ``EQUAL_MODULARITY``); ``speedup`` is the peer's time over
    ours, NaN when no setting reaches the peer's modularity."""
    rows = []
    for name, part in df.groupby("graph", sort=False):
        ours = part[part["tool"].str.startswith("socialcrm")]
        for peer in part[~part["tool"].str.startswith("socialcrm")].itertuples():
            good = ours[ours["modularity"] >= peer.modularity - EQUAL_MODULARITY]
            best = good.loc[good["seconds"].idxmin()] if len(good) else None
            rows.append(
                {
                    "graph": name,
                    "peer": peer.tool,
                    "peer_seconds": peer.seconds,
                    "peer_modularity": peer.modularity,
                    "socialcrm": None if best is None else best["tool"],
                    "seconds": np.nan if best is None else best["seconds"],
                    "modularity": np.nan if best is None else best["modularity"],
                    "speedup": np.nan if best is None else peer.seconds / best["seconds"],
                }
            )
    return pd.DataFrame(rows)


def matched_markdown(m: pd.DataFrame) -> str:
    lines = [
        "| graph | peer | seconds | modularity | socialcrm at equal or better modularity "
        "| seconds | modularity | speed-up |",
        "| --- | --- | ---: | ---: | --- | ---: | ---: | ---: |",
    ]
    for r in m.itertuples():
        if not isinstance(r.socialcrm, str):
            lines.append(
                f"| {r.graph} | {r.peer} | {r.peer_seconds:.3f} | {r.peer_modularity:.4f} "
                "| none | | | |"
            )
            continue
        lines.append(
            f"| {r.graph} | {r.peer} | {r.peer_seconds:.3f} | {r.peer_modularity:.4f} "
            f"| {r.socialcrm.removeprefix('socialcrm ')} | {r.seconds:.3f} | {r.modularity:.4f} "
            f"| {r.speedup:.2f} |"
        )
    return "\n".join(lines)


def markdown(df: pd.DataFrame) -> str:
    lines = [
        "| graph | tool | seconds | x fastest peer | modularity (range over seeds) "
        "| communities | NMI | ARI |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, part in df.groupby("graph", sort=False):
        peers = part[~part["tool"].str.startswith("socialcrm")]
        fastest = peers["seconds"].min()
        for r in part.itertuples():
            nmi_ = "" if r.nmi is None or pd.isna(r.nmi) else f"{r.nmi:.3f}"
            ari_ = "" if r.ari is None or pd.isna(r.ari) else f"{r.ari:.3f}"
            spread = f" ({r.modularity_min:.4f}-{r.modularity_max:.4f})" if r.seeds > 1 else ""
            lines.append(
                f"| {name} | {r.tool} | {r.seconds:.3f} | {r.seconds / fastest:.2f} | "
                f"{r.modularity:.4f}{spread} | {r.communities:.0f} | {nmi_} | {ari_} |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
