"""Benchmark: Monte Carlo spread (IC, LT) and IMM influence maximization.

Spread: time per simulation of socialcrm (1 thread and all threads) against cynetdiff (a compiled
per-simulation IC/LT loop, single-threaded) and a reference numpy/networkx implementation (small
graphs only), on the same edges and the same seed set, for

- ``ic-wc``: Independent Cascade, weighted cascade ``p_uv = 1 / in-degree(v)``;
- ``ic-p``: Independent Cascade, constant ``p`` (0.02);
- ``lt``: Linear Threshold, ``b_uv = 1 / in-degree(v)``.

LFR graphs are made directed (``_graphs.directed``); the real graphs are undirected, so every
edge spreads both ways (each tool gets both directions). Graph and model construction are not
timed. Each timing
is the best of three runs. socialcrm's time per simulation is the marginal cost,
``(t(R) - t(1)) / (R - 1)``; its fixed cost per call (edge probabilities, scratch arrays,
``t(1)``) is reported as setup, and the ratio "incl. setup" divides cynetdiff's time by
socialcrm's ``t(R) / R``. The mean reach of every tool is reported too, to show the tools
simulate the same process. igraph, NetworKit and rustworkx have no IC/LT simulation.

Maximize: IMM with ``k = 50``, ``epsilon = 0.1`` (weighted cascade) on LFR 10^5 and 10^6 in a
fresh process each (wall time, RR sets, peak resident memory added), and on LFR 10^4 against a
CELF greedy baseline (Leskovec et al. 2007) driven by cynetdiff's Monte Carlo marginal gains;
both seed sets are then scored by socialcrm.spread with 10,000 simulations.

Usage: ``python benches/bench_diffusion.py [--quick] [--no-maximize] [--shared DIR]`` (``DIR``
holds the real graphs, default ``../shared/data``). Results go to
``bench-results/diffusion.json`` and Markdown tables to stdout.
"""

from __future__ import annotations

import argparse
import array
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _graphs

P_CONST = 0.02
MODELS = ("ic-wc", "ic-p", "lt")


# ---------------------------------------------------------------------------- graphs
def arcs(name: str, edges: _graphs.Edges) -> tuple[np.ndarray, np.ndarray, int, bool]:
    """Directed arcs sorted by (source, target): LFR directed, real graphs both ways."""
    s, t, n = edges
    if name.startswith("lfr"):
        s, t, n = _graphs.directed(edges)
        directed = True
    else:
        s, t = np.concatenate([s, t]), np.concatenate([t, s])
        directed = False
    order = np.lexsort((t, s))
    return s[order].astype(np.int64), t[order].astype(np.int64), n, directed


def sims_for(n: int) -> int:
    """Enough simulations that a call's fixed cost (~0.3 ms) is small against the total."""
    return 100_000 if n < 1_000 else 10_000 if n < 50_000 else 5_000 if n < 500_000 else 2_000


def seeds_for(n: int) -> np.ndarray:
    k = 50 if n >= 5_000 else 5
    return np.sort(np.random.default_rng(42).choice(n, k, replace=False))


def best_of(f, runs: int = 3) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t0)
    return best, out


# ---------------------------------------------------------------------------- tools
def run_socialcrm(s, t, n, directed, seeds, model, sims, threads):
    from socialcrm import Graph
    from socialcrm.influence import spread

    if directed:
        df = pd.DataFrame({"source": s, "target": t})
    else:
        keep = s < t
        df = pd.DataFrame({"source": s[keep], "target": t[keep]})
    g = Graph.from_pandas(df, directed=directed, nodes=np.arange(n))
    kw = {"ic-wc": {}, "ic-p": {"p": P_CONST}, "lt": {"model": "lt"}}[model]

    def run(r):
        return spread(g, seeds, weight=False, simulations=r, n_threads=threads, **kw)

    once, _ = best_of(lambda: run(1))
    sec, r = best_of(lambda: run(sims))
    # Per simulation: the marginal cost beyond one call's fixed cost (probabilities, scratch),
    # which is reported separately as setup.
    return {
        "us_per_sim": max(sec - once, 0.0) / (sims - 1) * 1e6,
        "us_per_sim_with_setup": sec / sims * 1e6,
        "setup_ms": once * 1e3,
        "mean_reach": r.mean,
        "se": r.std_error,
    }


def run_cynetdiff(s, t, n, seeds, model, sims):
    from cynetdiff.models import IndependentCascadeModel, LinearThresholdModel

    starts = array.array("I", np.searchsorted(s, np.arange(n)).astype(np.uint32).tobytes())
    edges = array.array("I", t.astype(np.uint32).tobytes())
    indeg = np.bincount(t, minlength=n)
    if model == "ic-wc":
        probs = array.array("f", (1.0 / indeg[t]).astype(np.float32).tobytes())
        m = IndependentCascadeModel(starts, edges, activation_probs=probs, rng=1)
    elif model == "ic-p":
        m = IndependentCascadeModel(starts, edges, activation_prob=P_CONST, rng=1)
    else:
        m = LinearThresholdModel(starts, edges, rng=1)
    seed_list = [int(x) for x in seeds]
    sec, out = best_of(lambda: m.compute_marginal_gains(seed_list, [], sims))
    return {"us_per_sim": sec / sims * 1e6, "mean_reach": float(out[0]), "se": float("nan")}


def run_reference(s, t, n, seeds, model, sims):
    """Straightforward per-simulation loops: networkx adjacency, numpy draws."""
    import networkx as nx

    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    g.add_edges_from(zip(s.tolist(), t.tolist(), strict=True))
    indeg = dict(g.in_degree())
    succ = {u: np.fromiter(g.successors(u), dtype=np.int64) for u in g}
    prob = {
        u: (np.full(len(v), P_CONST) if model == "ic-p" else 1.0 / np.array([indeg[x] for x in v]))
        for u, v in succ.items()
    }
    rng = np.random.default_rng(0)
    start = [int(x) for x in seeds]

    def ic() -> float:
        total = 0
        for _ in range(sims):
            active, frontier = set(start), list(start)
            while frontier:
                nxt = []
                for u in frontier:
                    nb = succ[u]
                    if len(nb):
                        for v in nb[rng.random(len(nb)) < prob[u]].tolist():
                            if v not in active:
                                active.add(v)
                                nxt.append(v)
                frontier = nxt
            total += len(active)
        return total / sims

    def lt() -> float:
        total = 0
        for _ in range(sims):
            active, frontier, acc, theta = set(start), list(start), {}, {}
            while frontier:
                nxt = []
                for u in frontier:
                    for v, b in zip(succ[u].tolist(), prob[u].tolist(), strict=True):
                        if v in active:
                            continue
                        acc[v] = acc.get(v, 0.0) + b
                        if v not in theta:
                            theta[v] = rng.random()
                        if acc[v] >= theta[v]:
                            active.add(v)
                            nxt.append(v)
                frontier = nxt
            total += len(active)
        return total / sims

    sec, mean = best_of(lt if model == "lt" else ic, runs=1)
    return {"us_per_sim": sec / sims * 1e6, "mean_reach": mean, "se": float("nan")}


# ---------------------------------------------------------------------------- maximize
IMM_WORKER = textwrap.dedent(
    """
    import json, sys, time
    sys.path.insert(0, sys.argv[3])
    import numpy as np, pandas as pd
    import _graphs
    from socialcrm import Graph
    from socialcrm.influence import maximize, spread

    def status(key):
        for line in open("/proc/self/status"):
            if line.startswith(key):
                return int(line.split()[1]) * 1024

    n, k = int(sys.argv[1]), int(sys.argv[2])
    s, t, n = _graphs.directed(_graphs.lfr(n))
    g = Graph.from_pandas(pd.DataFrame({"source": s, "target": t}), nodes=np.arange(n))
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    base = status("VmRSS:")
    t0 = time.perf_counter()
    top = maximize(g, k, epsilon=0.1, weight=False)
    sec = time.perf_counter() - t0
    peak = status("VmHWM:") - base
    check = spread(g, top["customer"], weight=False, simulations=2000, seed=1)
    print(json.dumps({"n": n, "k": k, "seconds": sec, "peak_extra_bytes": peak,
                      "rr_sets": top.attrs["rr_sets"],
                      "sampling_rr_sets": top.attrs["sampling_rr_sets"],
                      "rr_total_size": top.attrs["rr_total_size"],
                      "memory_bytes": top.attrs["memory_bytes"],
                      "imm_reach": float(top["reach"].iloc[-1]),
                      "simulated_reach": check.mean, "simulated_se": check.std_error}))
    """
)


def run_imm(n: int, k: int = 50) -> dict | None:
    here = str(Path(__file__).resolve().parent)
    done = subprocess.run(
        [sys.executable, "-c", IMM_WORKER, str(n), str(k), here],
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if done.returncode != 0:
        print(f"  IMM {n} failed: {done.stderr.strip().splitlines()[-1:]}")
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def celf_vs_imm(n: int = 10_000, k: int = 50, trials: int = 100) -> dict:
    """CELF greedy on cynetdiff Monte Carlo gains vs IMM, both scored by socialcrm.spread."""
    from cynetdiff.models import IndependentCascadeModel

    from socialcrm import Graph
    from socialcrm.influence import maximize, spread

    s, t, n, _ = arcs(f"lfr_{n}", _graphs.lfr(n))
    g = Graph.from_pandas(pd.DataFrame({"source": s, "target": t}), nodes=np.arange(n))
    starts = array.array("I", np.searchsorted(s, np.arange(n)).astype(np.uint32).tobytes())
    indeg = np.bincount(t, minlength=n)
    probs = array.array("f", (1.0 / indeg[t]).astype(np.float32).tobytes())
    model = IndependentCascadeModel(
        starts, array.array("I", t.astype(np.uint32).tobytes()), activation_probs=probs, rng=3
    )
    t0 = time.perf_counter()
    chosen: list[int] = []
    candidates = [int(v) for v in np.flatnonzero(np.bincount(s, minlength=n))]
    # Lazy greedy: (negated stale gain, node, round the gain was computed in).
    import heapq

    heap = [(-model.compute_marginal_gains([], [v], trials)[1], v, 0) for v in candidates]
    heapq.heapify(heap)
    evaluations = len(heap)
    while len(chosen) < k and heap:
        _, v, when = heapq.heappop(heap)
        if when == len(chosen):
            chosen.append(v)
            continue
        fresh = model.compute_marginal_gains(chosen, [v], trials)[1]
        evaluations += 1
        heapq.heappush(heap, (-fresh, v, len(chosen)))
    celf_sec = time.perf_counter() - t0
    t0 = time.perf_counter()
    top = maximize(g, k, epsilon=0.1, weight=False)
    imm_sec = time.perf_counter() - t0
    score = {
        name: spread(g, seeds, weight=False, simulations=10_000, seed=7)
        for name, seeds in (("celf", chosen), ("imm", list(top["customer"])))
    }
    return {
        "n": n,
        "k": k,
        "celf_trials": trials,
        "celf_evaluations": evaluations,
        "celf_seconds": celf_sec,
        "imm_seconds": imm_sec,
        "imm_rr_sets": top.attrs["rr_sets"],
        "celf_reach": score["celf"].mean,
        "celf_se": score["celf"].std_error,
        "imm_reach": score["imm"].mean,
        "imm_se": score["imm"].std_error,
    }


# ---------------------------------------------------------------------------- main
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="only the small graphs")
    parser.add_argument("--no-maximize", action="store_true", help="skip the IMM benchmarks")
    parser.add_argument("--out", default="bench-results/diffusion.json")
    parser.add_argument(
        "--shared", type=Path, default=_graphs.SHARED, help="folder of the real graphs"
    )
    args = parser.parse_args()
    _graphs.SHARED = args.shared
    sizes = (10_000,) if args.quick else (10_000, 100_000, 1_000_000)
    graphs = _graphs.bench_graphs(sizes)
    if args.quick:
        graphs = {k: v for k, v in graphs.items() if v[2] <= 10_000}
    threads = os.cpu_count() or 1
    print(f"memory bandwidth ~{_graphs.memory_bandwidth_gbs():.1f} GB/s, {threads} cores")
    rows = []
    for name, edges in graphs.items():
        s, t, n, directed = arcs(name, edges)
        seeds, sims = seeds_for(n), sims_for(n)
        for model in MODELS:
            row = {"graph": name, "nodes": n, "arcs": len(s), "model": model, "seeds": len(seeds)}
            tools = [
                ("socialcrm_1t", run_socialcrm, (s, t, n, directed, seeds, model, sims, 1)),
                (
                    f"socialcrm_{threads}t",
                    run_socialcrm,
                    (s, t, n, directed, seeds, model, sims, threads),
                ),
                ("cynetdiff", run_cynetdiff, (s, t, n, seeds, model, max(sims // 5, 200))),
            ]
            if n <= 5_000:
                tools.append(("reference", run_reference, (s, t, n, seeds, model, 200)))
            for tool, f, f_args in tools:
                row[tool] = res = f(*f_args)
                print(
                    f"  {name:12s} {model:6s} {tool:14s} {res['us_per_sim']:10.2f} us/sim  "
                    f"reach {res['mean_reach']:10.2f}  setup {res.get('setup_ms', 0):.1f} ms",
                    flush=True,
                )
            rows.append(row)
    results: dict = {"spread": rows, "threads": threads}
    if not args.no_maximize:
        results["celf_vs_imm"] = celf_vs_imm()
        print("  CELF vs IMM:", results["celf_vs_imm"], flush=True)
        if not args.quick:
            results["imm"] = [r for r in (run_imm(n) for n in (100_000, 1_000_000)) if r]
            for r in results["imm"]:
                print("  IMM:", r, flush=True)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1))
    report(results, threads)


def report(results: dict, threads: int) -> None:
    many = f"socialcrm_{threads}t"
    print()
    print(
        f"| graph | nodes | arcs | model | socialcrm 1 thread us/sim | socialcrm {threads} threads "
        "us/sim | socialcrm setup ms | cynetdiff us/sim | reference us/sim "
        f"| cynetdiff / socialcrm 1t | cynetdiff / socialcrm {threads}t "
        "| same incl. setup | reach socialcrm / cynetdiff |"
    )
    print("| --- | ---: | ---: | --- |" + " ---: |" * 8 + " --- |")
    for r in results["spread"]:
        one, many_t, cy = r["socialcrm_1t"], r[many], r["cynetdiff"]
        ref = f"{r['reference']['us_per_sim']:.1f}" if "reference" in r else "-"
        with_setup = cy["us_per_sim"] / many_t["us_per_sim_with_setup"]
        print(
            f"| {r['graph']} | {r['nodes']:,} | {r['arcs']:,} | {r['model']} "
            f"| {one['us_per_sim']:.2f} | {many_t['us_per_sim']:.2f} | {many_t['setup_ms']:.1f} "
            f"| {cy['us_per_sim']:.2f} | {ref} | {cy['us_per_sim'] / one['us_per_sim']:.1f}x "
            f"| {cy['us_per_sim'] / many_t['us_per_sim']:.1f}x | {with_setup:.1f}x "
            f"| {many_t['mean_reach']:.1f} ± {many_t['se']:.1f} / {cy['mean_reach']:.1f} |"
        )
    if "celf_vs_imm" in results:
        c = results["celf_vs_imm"]
        print()
        print("| LFR 10^4, k = 50 | seconds | MC evaluations / RR sets | reach (10^4 sims) |")
        print("| --- | ---: | ---: | ---: |")
        print(
            f"| CELF ({c['celf_trials']} sims per gain, cynetdiff) | {c['celf_seconds']:.1f} "
            f"| {c['celf_evaluations']:,} | {c['celf_reach']:.1f} ± {c['celf_se']:.1f} |"
        )
        print(
            f"| IMM (socialcrm, epsilon 0.1) | {c['imm_seconds']:.1f} | {c['imm_rr_sets']:,} "
            f"| {c['imm_reach']:.1f} ± {c['imm_se']:.1f} |"
        )
    if results.get("imm"):
        print()
        print(
            "| IMM k = 50, epsilon 0.1 | seconds | RR sets (selection + sampling) "
            "| summed RR size | reported MiB | peak RSS added MiB | IMM reach | simulated reach |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for r in results["imm"]:
            print(
                f"| LFR {r['n']:,} | {r['seconds']:.1f} | {r['rr_sets']:,} + "
                f"{r['sampling_rr_sets']:,} | {r['rr_total_size']:,} "
                f"| {r['memory_bytes'] / 2**20:.0f} | {r['peak_extra_bytes'] / 2**20:.0f} "
                f"| {r['imm_reach']:.0f} | {r['simulated_reach']:.0f} ± {r['simulated_se']:.0f} |"
            )


if __name__ == "__main__":
    main()
