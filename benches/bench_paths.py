"""Benchmark: betweenness (exact and sampled) and harmonic closeness against igraph, NetworKit,
rustworkx and networkx, on the real graphs and LFR graphs of 10^4 to 10^6 nodes.

Every tool gets the same undirected edges (``benches/_graphs.py``); graph construction is not
timed. Tasks:

- ``bc``: exact betweenness, unweighted (socialcrm, igraph, NetworKit ``Betweenness``,
  rustworkx ``betweenness_centrality``, networkx);
- ``bc_weighted``: exact betweenness with tie strengths ``w`` in 1..5 and lengths ``1 / w``
  (socialcrm ``weight=True``; the peers get the lengths; rustworkx has no weighted version);
- ``bc_sampled``: betweenness with error at most ``epsilon = 0.02`` with probability 0.9
  (socialcrm ``epsilon=0.02``; NetworKit ``ApproxBetweenness`` (the same Riondato-Kornaropoulos
  sample size, ``universalConstant=0.5``) and ``KadabraBetweenness``); the error column is the
  largest ``|estimate - exact|`` on the ``1 / (n (n - 1))`` scale, where the exact values were
  computed;
- ``harmonic``: harmonic closeness (socialcrm, igraph, NetworKit ``HarmonicCloseness``,
  networkx).

Where an exact all-pairs task is too slow for a peer (more than ``--budget`` edge visits, about
``n * 2m``), the peer runs from a fixed number of sources only (igraph ``sources=`` /
``vertices=``, NetworKit ``EstimateBetweenness``, which runs Brandes from that many sources) and
its time is extrapolated linearly to all ``n`` sources; such entries are marked ``~``. Peers
without a source subset are skipped there. socialcrm always runs in full, except the 10^6
graph where only sampling is feasible for anyone.

Threads: socialcrm, NetworKit and rustworkx use every core (2 here); igraph and networkx run on
one. Times are the best of ``--repeats`` runs for calls under a second.

Usage: ``python benches/bench_paths.py [--quick] [--repeats 3] [--out bench-results/paths.json]``.
``--quick`` runs only the small real graphs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _graphs

EPSILON, DELTA = 0.02, 0.1
PEERS = ("igraph", "networkit", "rustworkx", "networkx")
NETWORKX_MAX_NODES = 1_000


def timed(f: Callable[[], object], repeats: int) -> tuple[float, object]:
    """Best of ``repeats`` runs (one if it takes over a second; up to 50 while under 0.2 s)."""
    best, out, total, i = float("inf"), None, 0.0, 0
    while i < repeats or (total < 0.2 and i < 50):
        t0 = time.perf_counter()
        out = f()
        took = time.perf_counter() - t0
        best, total, i = min(best, took), total + took, i + 1
        if best > 1.0:
            break
    return best, out


class _Enough(Exception):
    pass


def ours_extrapolated(f: Callable[..., object], n: int, seconds: float) -> tuple[float, int]:
    """Runs ``f(progress=...)`` until ``seconds`` have passed, then extrapolates its rate (in
    sources done, as reported by the progress callback) to all ``n`` sources."""
    t0 = time.perf_counter()
    seen = {"done": 0, "at": 0.0}

    def progress(done: int, total: int) -> None:
        seen["done"], seen["at"] = done, time.perf_counter() - t0
        if seen["at"] > seconds and done > 0:
            raise _Enough

    try:
        f(progress=progress)
    except _Enough:
        return seen["at"] * n / seen["done"], seen["done"]
    return time.perf_counter() - t0, n


PEER_SAMPLED = """
import json, sys, time
import numpy as np
sys.path.insert(0, {benches!r})
import _graphs
_graphs.SHARED = __import__("pathlib").Path({shared!r})
name, algo, eps, delta = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
s, t, n = _graphs.real(name) if name in _graphs.REAL else _graphs.lfr(int(name.split("_")[1]))
import networkit as nk
nk.setNumberOfThreads({threads})
nk.setSeed(1, True)
g = nk.Graph(n, weighted=False, directed=False)
g.addEdges((np.ones(len(s)), (s, t)))
t0 = time.perf_counter()
if algo == "approx":
    a = nk.centrality.ApproxBetweenness(g, eps, delta, 0.5).run()
else:
    a = nk.centrality.KadabraBetweenness(g, eps, delta).run()
sec = time.perf_counter() - t0
np.save(sys.argv[5], np.asarray(a.scores()))
print(json.dumps({{"seconds": sec}}))
"""


def peer_sampled(name: str, algo: str, timeout: float) -> tuple[float | None, np.ndarray | None]:
    """NetworKit's sampled betweenness in a child process (it can run for very long)."""
    import subprocess
    import tempfile

    code = PEER_SAMPLED.format(
        benches=str(Path(__file__).resolve().parent),
        shared=str(_graphs.SHARED),
        threads=os.cpu_count() or 1,
    )
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "scores.npy"
        argv = [sys.executable, "-c", code, name, algo, str(EPSILON), str(DELTA), str(out)]
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return None, None
        if done.returncode != 0:
            print(done.stderr[-500:])
            return None, None
        return json.loads(done.stdout.strip().splitlines()[-1])["seconds"], np.load(out)


class Tools:
    """The same edges as every tool's own graph, unweighted and weighted (lengths 1 / w)."""

    def __init__(self, s: np.ndarray, t: np.ndarray, n: int):
        from socialcrm import Graph

        self.n, self.m = n, len(s)
        rng = np.random.default_rng(42)
        self.w = rng.integers(1, 6, len(s)).astype(float)
        self.lengths = 1.0 / self.w
        df = pd.DataFrame({"source": s, "target": t, "w": self.w})
        self.ours = Graph.from_pandas(df, weight="w", directed=False, nodes=np.arange(n))
        self.s, self.t = s, t
        self._cache: dict[str, object] = {}

    def igraph(self):
        if "ig" not in self._cache:
            import igraph as ig

            self._cache["ig"] = ig.Graph(
                n=self.n, edges=np.stack([self.s, self.t], 1), directed=False
            )
        return self._cache["ig"]

    def networkit(self, weighted: bool):
        key = f"nk{weighted}"
        if key not in self._cache:
            import networkit as nk

            g = nk.Graph(self.n, weighted=weighted, directed=False)
            if weighted:
                g.addEdges((self.lengths, (self.s, self.t)))
            else:
                g.addEdges((np.ones(self.m), (self.s, self.t)))
            self._cache[key] = g
        return self._cache[key]

    def rustworkx(self):
        if "rx" not in self._cache:
            import rustworkx as rx

            g = rx.PyGraph(multigraph=False)
            g.add_nodes_from(range(self.n))
            g.add_edges_from_no_data(list(zip(self.s.tolist(), self.t.tolist(), strict=True)))
            self._cache["rx"] = g
        return self._cache["rx"]

    def networkx(self):
        if "nx" not in self._cache:
            import networkx as nx

            g = nx.Graph()
            g.add_nodes_from(range(self.n))
            for a, b, x in zip(self.s.tolist(), self.t.tolist(), self.lengths, strict=True):
                g.add_edge(a, b, length=x)
            self._cache["nx"] = g
        return self._cache["nx"]


def rk_error(estimate: np.ndarray, exact_unnormalized: np.ndarray, n: int) -> float:
    """Largest error on the 1 / (n (n - 1)) scale (exact: undirected, unnormalized)."""
    return float(np.abs(estimate - 2.0 * exact_unnormalized / (n * (n - 1))).max())


def bench_exact(weighted: bool, ctx, record, subset) -> np.ndarray | None:
    """Exact betweenness by every tool; returns socialcrm's unnormalized values if computed."""
    import networkit as nk

    from socialcrm.influence import betweenness

    tools, n, work, peers_full, peer_sources, small, reps, args = ctx
    task = "bc_weighted" if weighted else "bc"
    ours = None
    if weighted and work > args.ours_weighted_budget:
        sec, k = ours_extrapolated(
            lambda progress: betweenness(tools.ours, weight=True, progress=progress),
            n,
            args.ours_seconds,
        )
        record(task, "socialcrm", sec, extrapolated=True, sources=k)
    else:
        sec, b = timed(lambda: betweenness(tools.ours, weight=weighted, normalized=False), reps)
        ours = b.to_numpy()
        record(task, "socialcrm", sec)
    h = tools.igraph()
    wts = tools.lengths if weighted else None
    if peers_full:
        sec, theirs = timed(lambda: h.betweenness(directed=False, weights=wts), reps)
        note = ""
        if ours is not None:
            note = f"max diff vs socialcrm {np.abs(np.asarray(theirs) - ours).max():.1e}"
        record(task, "igraph", sec, note=note)
    else:
        src = subset(peer_sources)
        sec, _ = timed(lambda: h.betweenness(directed=False, weights=wts, sources=src), 1)
        record(task, "igraph", sec * n / len(src), extrapolated=True, sources=len(src))
    g = tools.networkit(weighted)
    if peers_full:
        sec, _ = timed(lambda: nk.centrality.Betweenness(g).run(), reps)
        record(task, "networkit", sec)
    else:
        k = peer_sources
        sec, _ = timed(lambda: nk.centrality.EstimateBetweenness(g, k, False, True).run(), 1)
        record(task, "networkit", sec * n / k, extrapolated=True, sources=k)
    if not weighted and peers_full:
        import rustworkx as rx

        rg = tools.rustworkx()
        sec, _ = timed(lambda: rx.betweenness_centrality(rg, normalized=False), reps)
        record(task, "rustworkx", sec)
    if small:
        import networkx as nx

        G = tools.networkx()
        wt = "length" if weighted else None
        sec, _ = timed(lambda: nx.betweenness_centrality(G, normalized=False, weight=wt), 1)
        record(task, "networkx", sec)
    return ours


def bench_graph(name: str, edges, args, results: list[dict]) -> None:
    from socialcrm.influence import betweenness, harmonic

    s, t, n = edges
    tools = Tools(s, t, n)
    slots = 2 * tools.m
    work = n * slots  # edge visits of one all-pairs traversal
    small = n <= NETWORKX_MAX_NODES
    peer_sources = max(50, min(n, int(args.budget // max(slots, 1))))
    peers_full = work <= args.budget
    exact_ok = work <= args.ours_budget
    reps = args.repeats
    print(f"## {name}: n={n:,} m={tools.m:,}", flush=True)

    def record(task, tool, seconds, *, extrapolated=False, sources=None, error=None, note=""):
        r = {
            "graph": name,
            "n": n,
            "m": tools.m,
            "task": task,
            "tool": tool,
            "seconds": seconds,
            "extrapolated": extrapolated,
            "sources": sources,
            "error": error,
            "note": note,
        }
        results.append(r)
        mark = "~" if extrapolated else " "
        err = f" err {error:.4f}" if error is not None else ""
        if seconds != seconds:
            mark = "!"
        print(f"  {task:12s} {tool:22s} {mark}{seconds:10.3f} s{err} {note}", flush=True)

    def subset(k: int) -> list[int]:
        return sorted(np.random.default_rng(0).choice(n, k, replace=False).tolist())

    import networkit as nk

    nk.setNumberOfThreads(os.cpu_count() or 1)

    exact: dict[bool, np.ndarray] = {}
    if exact_ok:
        for weighted in (False, True):
            ctx = (tools, n, work, peers_full, peer_sources, small, reps, args)
            b = bench_exact(weighted, ctx, record, subset)
            if b is not None:
                exact[weighted] = b

    # Sampled betweenness, epsilon = 0.02 on the 1 / (n (n - 1)) scale, delta = 0.1.
    sec, est = timed(lambda: betweenness(tools.ours, epsilon=EPSILON, delta=DELTA, seed=1), reps)
    err = None
    if False in exact:
        err = rk_error(est.to_numpy() * (n - 2) / n, exact[False], n)
    note = f"r={est.attrs['samples']} VD<={est.attrs['vertex_diameter_bound']}"
    record("bc_sampled", "socialcrm", sec, error=err, note=note)
    for algo, label in (
        ("approx", "networkit ApproxBetweenness"),
        ("kadabra", "networkit Kadabra"),
    ):
        sec, scores = peer_sampled(name, algo, args.peer_timeout)
        if sec is None:
            record("bc_sampled", label, float("nan"), note=f"> {args.peer_timeout:.0f} s, stopped")
            continue
        # Kadabra's undirected scores come out at twice the 1 / (n (n - 1)) scale (measured
        # against exact values on the real graphs); ApproxBetweenness's are on that scale.
        if algo == "kadabra":
            scores = scores / 2.0
        err = rk_error(scores, exact[False], n) if False in exact else None
        record("bc_sampled", label, sec, error=err)

    # Harmonic closeness.
    if work <= args.ours_budget:
        sec, hv = timed(lambda: harmonic(tools.ours), reps)
        record("harmonic", "socialcrm", sec)
        h = tools.igraph()
        if peers_full:
            sec, theirs = timed(lambda: h.harmonic_centrality(normalized=False), reps)
            agree = float(np.abs(np.asarray(theirs) - hv.to_numpy()).max())
            record("harmonic", "igraph", sec, note=f"max diff {agree:.1e}")
        else:
            src = subset(peer_sources)
            sec, _ = timed(lambda: h.harmonic_centrality(vertices=src, normalized=False), 1)
            record("harmonic", "igraph", sec * n / len(src), extrapolated=True, sources=len(src))
        if n <= args.networkit_harmonic_max:
            g = tools.networkit(False)
            sec, _ = timed(lambda: nk.centrality.HarmonicCloseness(g, False).run(), reps)
            record("harmonic", "networkit", sec)
        if small:
            import networkx as nx

            sec, _ = timed(lambda: nx.harmonic_centrality(tools.networkx()), 1)
            record("harmonic", "networkx", sec)


def table(results: list[dict]) -> str:
    lines = [
        "| graph | n | task | socialcrm s | igraph s | NetworKit s | rustworkx s | networkx s "
        "| fastest peer / socialcrm | notes |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    keys = []
    for r in results:
        k = (r["graph"], r["task"])
        if k not in keys:
            keys.append(k)
    for graph, task in keys:
        rows = [r for r in results if r["graph"] == graph and r["task"] == task]
        ours = next((r for r in rows if r["tool"] == "socialcrm"), None)
        if ours is None:
            continue

        def cell(prefix: str, rows: list[dict] = rows) -> str:
            found = [r for r in rows if r["tool"].startswith(prefix)]
            if not found:
                return "-"
            return " / ".join(
                ("~" if r["extrapolated"] else "")
                + (f"{r['seconds']:.3g}" if r["seconds"] == r["seconds"] else "stopped")
                for r in found
            )

        peers = [
            r["seconds"] for r in rows if r["tool"] != "socialcrm" and r["seconds"] == r["seconds"]
        ]
        ratio = f"{min(peers) / ours['seconds']:.1f}x" if peers else "-"
        notes = []
        if ours["note"]:
            notes.append(ours["note"])
        errs = [f"{r['tool']} err {r['error']:.4f}" for r in rows if r["error"] is not None]
        notes += errs
        extrapolated = [f"{r['tool']} {r['sources']}" for r in rows if r["extrapolated"]]
        if extrapolated:
            notes.append("~ = extrapolated from sources: " + ", ".join(extrapolated))
        lines.append(
            f"| {graph} | {ours['n']:,} | {task} | {cell('socialcrm')} | {cell('igraph')} "
            f"| {cell('networkit')} | {cell('rustworkx')} | {cell('networkx')} | {ratio} "
            f"| {'; '.join(notes)} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="only the small real graphs")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--graphs", default=None, help="comma-separated subset of graph names")
    parser.add_argument(
        "--budget", type=float, default=2e9, help="edge visits above which peers extrapolate"
    )
    parser.add_argument(
        "--ours-budget", type=float, default=3e11, help="edge visits above which exact is skipped"
    )
    parser.add_argument(
        "--ours-weighted-budget",
        type=float,
        default=1e10,
        help="edge visits above which socialcrm's weighted exact run is extrapolated",
    )
    parser.add_argument("--ours-seconds", type=float, default=60.0)
    parser.add_argument("--peer-timeout", type=float, default=120.0)
    parser.add_argument("--networkit-harmonic-max", type=int, default=10_000)
    parser.add_argument("--out", default="bench-results/paths.json")
    args = parser.parse_args()
    _graphs.find_shared()
    if args.quick:
        graphs = {
            k: e for k in ("karate", "dolphins", "football", "polbooks") if (e := _graphs.real(k))
        }
    else:
        graphs = _graphs.bench_graphs()
    if args.graphs:
        wanted = args.graphs.split(",")
        graphs = {k: v for k, v in graphs.items() if k in wanted}
    results: list[dict] = []
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    meta = {"cpus": os.cpu_count(), "memory_bandwidth_gbs": _graphs.memory_bandwidth_gbs()}
    for name, edges in graphs.items():
        bench_graph(name, edges, args, results)
        # Written after every graph, so a long run that is stopped keeps what it measured.
        out.write_text(json.dumps({"meta": meta, "results": results}, indent=1))
    print()
    print(table(results))


if __name__ == "__main__":
    main()
