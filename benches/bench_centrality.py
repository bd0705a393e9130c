"""Benchmark: PageRank, Katz, eigenvector, HITS, core numbers and constraint against the peers.

Every tool builds its own graph from the same edge arrays (not timed) and then runs the measure;
the best of a few runs is reported. Peers run as they do by default (NetworKit uses every core,
the others one); socialcrm is reported on one thread and on its default (every core). Graphs:
the real graphs of ``../shared/data`` (undirected) and LFR graphs of 10^4, 10^5 and 10^6 nodes;
PageRank and HITS run on the directed version of each LFR graph (random directions, 30%
reciprocated), the other measures on the undirected one. networkx only runs up to 10^4 nodes.

Stopping rules are made comparable: PageRank, Katz and eigenvector use networkx's rule
(L1 change below ``n * tol``) in socialcrm, networkx and rustworkx, and NetworKit gets the same
L1 threshold where it has the option; igraph solves to its own fixed precision (PRPACK, ARPACK).
Katz uses ``alpha = 0.5 / lambda_max`` everywhere.

The last table is PageRank's time per iteration on the largest directed LFR graph against the
memory-bandwidth bound. Bytes counted per iteration: the in-adjacency read once (8-byte offsets
per node, 4-byte sources per arc) and five float64 node arrays read or written once (pulled
values, old scores, inverse out-strengths, new scores, new pulled values): ``8 (n + 1) + 4 m +
40 n``. Reading each neighbour's value is not counted separately (it is one of the five arrays
when the reads hit the cache). The bound is those bytes divided by the sustained read bandwidth
``_graphs.memory_bandwidth_gbs()`` measured in the same run. The time per iteration is the
difference between runs of 90 and 40 iterations (``tol=0``) divided by 50, on 1 and 2 threads;
on graphs of 2^17 nodes or more such long runs continue, after iteration 2, with the nodes
renumbered by decreasing out-degree, so the difference measures the renumbered iterations and
the renumbering cost cancels. The total is one full run at ``tol=1e-10`` (renumbering
included when the run takes it), best of the repeats.

Usage: ``python benches/bench_centrality.py [--quick] [--shared DIR] [--repeats N]``. Results go
to ``bench-results/centrality.json`` and Markdown tables to stdout.
"""

from __future__ import annotations

import json
import platform
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _graphs

from socialcrm import Graph
from socialcrm import _core as core
from socialcrm.exceptions import ConvergenceError
from socialcrm.influence import (
    constraint,
    eigenvector,
    hits,
    katz,
    kcore,
    pagerank,
)

MEASURES = ["pagerank", "katz", "eigenvector", "hits", "kcore", "constraint"]
DIRECTED_MEASURES = {"pagerank", "hits"}
PEERS = ["networkx", "igraph", "networkit", "rustworkx"]
NETWORKX_MAX_NODES = 10_000
PR_TOL = 1e-10
KATZ_TOL = 1e-10
EIG_TOL = 1e-8
HITS_TOL = 1e-8
MAX_ITER = 10_000
# A peer slower than this on one graph is not run on larger graphs for that measure.
SLOW_SECONDS = 120.0


# ---------------------------------------------------------------- graphs per tool
def build(tool: str, edges: _graphs.Edges, directed: bool):
    s, t, n = edges
    if tool == "socialcrm":
        df = pd.DataFrame({"source": s, "target": t})
        return Graph.from_pandas(df, directed=directed, nodes=np.arange(n))
    if tool == "networkx":
        import networkx as nx

        G = nx.DiGraph() if directed else nx.Graph()
        G.add_nodes_from(range(n))
        G.add_edges_from(zip(s.tolist(), t.tolist(), strict=True))
        return G
    if tool == "igraph":
        import igraph as ig

        return ig.Graph(n=n, edges=np.column_stack([s, t]).tolist(), directed=directed)
    if tool == "networkit":
        import networkit as nk

        G = nk.Graph(n, weighted=False, directed=directed)
        G.addEdges((s.astype(np.uint64), t.astype(np.uint64)))
        return G
    if tool == "rustworkx":
        import rustworkx as rx

        G = rx.PyDiGraph(multigraph=False) if directed else rx.PyGraph(multigraph=False)
        G.add_nodes_from(range(n))
        G.extend_from_edge_list(list(zip(s.tolist(), t.tolist(), strict=True)))
        return G
    raise ValueError(tool)


# ---------------------------------------------------------------- one callable per tool/measure
def socialcrm_job(measure: str, g, alpha: float, n_threads: int | None) -> Callable[[], object]:
    kw = {"n_threads": n_threads}
    return {
        "pagerank": lambda: pagerank(g, weight=False, tol=PR_TOL, max_iter=MAX_ITER, **kw),
        "katz": lambda: katz(g, alpha=alpha, weight=False, tol=KATZ_TOL, max_iter=MAX_ITER, **kw),
        "eigenvector": lambda: eigenvector(g, weight=False, tol=EIG_TOL, max_iter=MAX_ITER, **kw),
        "hits": lambda: hits(g, weight=False, tol=HITS_TOL, max_iter=MAX_ITER, **kw),
        "kcore": lambda: kcore(g, **kw),
        "constraint": lambda: constraint(g, weight=False, **kw),
    }[measure]


def peer_job(tool: str, measure: str, G, n: int, alpha: float) -> Callable[[], object] | None:
    if tool == "networkx":
        import networkx as nx

        return {
            "pagerank": lambda: nx.pagerank(G, tol=PR_TOL, max_iter=MAX_ITER, weight=None),
            "katz": lambda: nx.katz_centrality(G, alpha=alpha, tol=KATZ_TOL, max_iter=MAX_ITER),
            "eigenvector": lambda: nx.eigenvector_centrality(G, tol=EIG_TOL, max_iter=MAX_ITER),
            "hits": lambda: nx.hits(G, tol=HITS_TOL, max_iter=MAX_ITER),
            "kcore": lambda: nx.core_number(G),
            "constraint": lambda: nx.constraint(G),
        }[measure]
    if tool == "igraph":
        return {
            "pagerank": lambda: G.pagerank(),
            "eigenvector": lambda: G.eigenvector_centrality(scale=False),
            "hits": lambda: (G.hub_score(), G.authority_score()),
            "kcore": lambda: G.coreness(mode="all"),
            "constraint": lambda: G.constraint(),
        }.get(measure)
    if tool == "networkit":
        import networkit as nk

        def pr():
            a = nk.centrality.PageRank(
                G,
                damp=0.85,
                tol=n * PR_TOL,
                distributeSinks=nk.centrality.SinkHandling.DistributeSinks,
            )
            a.norm = nk.centrality.Norm.L1_NORM
            return a.run().scores()

        jobs = {
            "pagerank": pr,
            "katz": lambda: (
                nk.centrality.KatzCentrality(G, alpha, 1.0, n * KATZ_TOL).run().scores()
            ),
            "kcore": lambda: nk.centrality.CoreDecomposition(G).run().scores(),
        }
        if not G.isDirected():
            jobs["eigenvector"] = lambda: (
                nk.centrality.EigenvectorCentrality(G, EIG_TOL).run().scores()
            )
        return jobs.get(measure)
    if tool == "rustworkx":
        import rustworkx as rx

        if measure in ("pagerank", "hits") and not isinstance(G, rx.PyDiGraph):
            return None  # rustworkx has them for directed graphs only
        return {
            "pagerank": lambda: rx.pagerank(G, tol=PR_TOL, max_iter=MAX_ITER),
            "katz": lambda: rx.katz_centrality(G, alpha=alpha, tol=KATZ_TOL, max_iter=MAX_ITER),
            "eigenvector": lambda: rx.eigenvector_centrality(G, tol=EIG_TOL, max_iter=MAX_ITER),
            "hits": lambda: rx.hits(G, tol=HITS_TOL, max_iter=MAX_ITER),
            "kcore": lambda: rx.core_number(G),
        }.get(measure)
    raise ValueError(tool)


def best_time(job: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            job()
        best = min(best, time.perf_counter() - t0)
        if best > SLOW_SECONDS / 4:
            break
    return best


# ---------------------------------------------------------------- PageRank per iteration
PER_ITERATION_RUNS = (40, 90)


def pagerank_per_iteration(g: Graph, n_threads: int, repeats: int) -> float:
    """Seconds per iteration, from the difference of two fixed iteration counts (tol = 0)."""

    def run(k: int) -> Callable[[], object]:
        def job():
            try:
                pagerank(g, weight=False, tol=0.0, max_iter=k, n_threads=n_threads)
            except ConvergenceError:
                pass

        return job

    short, long = PER_ITERATION_RUNS
    return (best_time(run(long), repeats) - best_time(run(short), repeats)) / (long - short)


def bandwidth_row(name: str, g: Graph, n_edges: int, repeats: int) -> dict:
    n = g.n_nodes
    bytes_touched = 8 * (n + 1) + 4 * n_edges + 5 * 8 * n
    gbs = _graphs.memory_bandwidth_gbs()
    bound = bytes_touched / (gbs * 1e9)
    row = {
        "graph": name,
        "n": n,
        "m": n_edges,
        "bytes_per_iteration": bytes_touched,
        "bytes_counted": "8 (n + 1) + 4 m + 40 n: in-adjacency once, five float64 node arrays",
        "bandwidth_gbs": gbs,
        "bound_seconds": bound,
    }
    for threads in (1, 2):
        per = pagerank_per_iteration(g, threads, repeats)
        total = best_time(
            lambda threads=threads: pagerank(
                g, weight=False, tol=PR_TOL, max_iter=MAX_ITER, n_threads=threads
            ),
            repeats,
        )
        row[f"seconds_per_iteration_{threads}t"] = per
        row[f"ratio_to_bound_{threads}t"] = per / bound
        row[f"total_seconds_{threads}t"] = total
    row["total_iterations"] = pagerank(g, weight=False, tol=PR_TOL, max_iter=MAX_ITER).attrs[
        "iterations"
    ]
    return row


# ---------------------------------------------------------------- driver
def run(quick: bool, repeats: int) -> dict:
    sizes = (10_000,) if quick else (10_000, 100_000, 1_000_000)
    graphs = _graphs.bench_graphs(sizes)
    if quick:
        graphs = {k: v for k, v in graphs.items() if k in ("karate", "dolphins", "lfr_10000")}
    rows: list[dict] = []
    too_slow: set[tuple[str, str]] = set()
    for name, undirected_edges in graphs.items():
        n = undirected_edges[2]
        reps = repeats if n <= 100_000 else max(1, repeats - 1)
        is_lfr = name.startswith("lfr")
        versions = {False: undirected_edges}
        if is_lfr:
            versions[True] = _graphs.directed(undirected_edges)
        for directed, edges in versions.items():
            measures = [m for m in MEASURES if (m in DIRECTED_MEASURES) == directed or not is_lfr]
            if not measures:
                continue
            label = f"{name}{' (directed)' if directed else ''}"
            g = build("socialcrm", edges, directed)
            lam = core.spectral_radius(g._csr, weight="none")[0]
            alpha = 0.5 / lam if lam > 0 else 0.1
            print(f"# {label}: {g.n_nodes} nodes, {g.n_edges} edges", file=sys.stderr)
            tools = {}
            for tool in PEERS:
                if tool == "networkx" and n > NETWORKX_MAX_NODES:
                    continue
                tools[tool] = build(tool, edges, directed)
            for measure in measures:
                row = {"graph": label, "n": g.n_nodes, "m": g.n_edges, "measure": measure}
                sc1 = socialcrm_job(measure, g, alpha, 1)
                row["socialcrm_1t"] = best_time(sc1, reps)
                row["socialcrm"] = best_time(socialcrm_job(measure, g, alpha, None), reps)
                if measure in ("pagerank", "katz", "eigenvector", "hits"):
                    row["iterations"] = sc1().attrs["iterations"]
                jobs = {
                    tool: peer_job(tool, measure, G, g.n_nodes, alpha) for tool, G in tools.items()
                }
                _graphs.time_peers(
                    row,
                    jobs,
                    measure,
                    lambda j, reps=reps: best_time(j, reps),
                    too_slow,
                    SLOW_SECONDS,
                    PEERS,
                )
                rows.append(row)
                print(f"  {measure}: {json.dumps(row)}", file=sys.stderr)
    big = max((k for k in graphs if k.startswith("lfr")), key=lambda k: graphs[k][2])
    d = _graphs.directed(graphs[big])
    gd = build("socialcrm", d, True)
    bw = bandwidth_row(f"{big} (directed)", gd, gd.n_edges, repeats)
    return {
        "machine": {"platform": platform.platform(), "python": sys.version.split()[0]},
        "rows": rows,
        "pagerank_bandwidth": bw,
    }


def fmt(x: float | None) -> str:
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return "-"
    return f"{x * 1e3:.2f} ms" if x < 1 else f"{x:.2f} s"


def markdown(result: dict) -> str:
    head = ["graph", "measure", "socialcrm 1 thread", "socialcrm", *PEERS, "ratio", "ratio 1t"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in result["rows"]:
        cells = [r["graph"], r["measure"], fmt(r["socialcrm_1t"]), fmt(r["socialcrm"])]
        cells += [
            fmt(r.get(t)) if t in r else ("error" if f"{t}_error" in r else "-") for t in PEERS
        ]
        ratio = r.get("ratio")
        cells.append("-" if ratio is None else f"{ratio:.2f} ({r['fastest_peer']})")
        cells.append("-" if ratio is None else f"{r['ratio_1t']:.2f}")
        lines.append("| " + " | ".join(cells) + " |")
    bw = result["pagerank_bandwidth"]
    lines += [
        "",
        f"PageRank per iteration on {bw['graph']} ({bw['n']} nodes, {bw['m']} arcs): "
        f"{bw['bytes_per_iteration'] / 1e6:.1f} MB counted per iteration "
        f"({bw['bytes_counted']}), measured bandwidth {bw['bandwidth_gbs']:.1f} GB/s, "
        f"bound {fmt(bw['bound_seconds'])} per iteration.",
        "",
        f"| threads | per iteration | ratio to bound | total at tol={PR_TOL:g} "
        f"({bw['total_iterations']} iterations, renumbering included) |",
        "|---|---|---|---|",
    ]
    for threads in (1, 2):
        lines.append(
            f"| {threads} | {fmt(bw[f'seconds_per_iteration_{threads}t'])} | "
            f"{bw[f'ratio_to_bound_{threads}t']:.1f} | {fmt(bw[f'total_seconds_{threads}t'])} |"
        )
    return "\n".join(lines)


def main() -> None:
    _graphs.bench_main(__doc__ or "", "centrality", run, markdown, repeats=3)


if __name__ == "__main__":
    main()
