"""Benchmark: socialcrm's Leiden against the fastest peers, run in interleaved pairs.

``bench_community.py`` keeps the best of a few runs per tool; on a shared 2-core machine a busy
spell can still fall on one tool. Here each socialcrm setting and each peer (NetworKit's
``PLM`` with refinement and ``ParallelLeiden``, the only peers within a few times of socialcrm)
run back to back, in alternating order, many times over: every pair sees the same state of the
machine. Reported per graph, setting and peer: the median time of each, the median over pairs of
the peer's time over socialcrm's (the speed-up), its 10th and 90th percentiles, the share of
pairs socialcrm won, and the mean modularity of each (recomputed by socialcrm, unweighted).

Settings: ``leiden(n_iterations=2)`` and ``leiden(n_iterations=3)`` (reproducible), and
``leiden(parallel=True, n_iterations=2)`` (racing local moves, not reproducible).

Usage: ``python benches/bench_community_pairs.py [--rounds R] [--only NAMES]``; graphs are the
LFR graphs of 10^5 nodes at mixing 0.1 to 0.5 and of 10^6 at 0.3. Results go to
``bench-results/community_pairs.json`` and a Markdown table to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _graphs
from bench_community import MIXINGS, tools

from socialcrm.community import modularity

OUT = _graphs.ROOT / "bench-results" / "community_pairs.json"
OURS = (
    "socialcrm leiden (2 it.)",
    "socialcrm leiden (3 it.)",
    "socialcrm leiden (parallel, 2 it.)",
)
PEERS = ("networkit PLM", "networkit ParallelLeiden")


def graphs() -> dict[str, tuple[np.ndarray, np.ndarray, int]]:
    out = {f"lfr_100000_mu{mu}": _graphs.lfr(100_000, mu) for mu in MIXINGS}
    out["lfr_1000000"] = _graphs.lfr(1_000_000)
    return out


def pairs(name: str, s: np.ndarray, t: np.ndarray, n: int, rounds: int) -> list[dict]:
    runs, g = tools(s, t, n, keep=OURS + PEERS)
    seeds = 1 if n >= 1_000_000 else 3
    # (ours, peer) -> list of (our seconds, peer seconds, our modularity, peer modularity)
    got: dict[tuple[str, str], list[tuple[float, float, float, float]]] = {
        (o, p): [] for o in OURS for p in PEERS
    }

    def timed(tool: str, seed: int) -> tuple[float, float]:
        t0 = time.perf_counter()
        memb = np.asarray(runs[tool](seed))
        secs = time.perf_counter() - t0
        return secs, modularity(g, memb, weight=False)

    for r in range(rounds):
        for seed in range(seeds):
            for k, (ours, peer) in enumerate(got):
                # Alternate who goes first, so that neither always runs on a warmed cache.
                if (r + seed + k) % 2 == 0:
                    a, b = timed(ours, seed), timed(peer, seed)
                else:
                    b, a = timed(peer, seed), timed(ours, seed)
                got[(ours, peer)].append((a[0], b[0], a[1], b[1]))
    rows = []
    for (ours, peer), xs in got.items():
        x = np.array(xs)
        ratio = x[:, 1] / x[:, 0]
        row = {
            "graph": name,
            "socialcrm": ours,
            "peer": peer,
            "pairs": len(x),
            "seconds": float(np.median(x[:, 0])),
            "peer_seconds": float(np.median(x[:, 1])),
            "speedup": float(np.median(ratio)),
            "speedup_p10": float(np.percentile(ratio, 10)),
            "speedup_p90": float(np.percentile(ratio, 90)),
            "won": float(np.mean(ratio > 1.0)),
            "modularity": float(np.mean(x[:, 2])),
            "peer_modularity": float(np.mean(x[:, 3])),
        }
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    return rows


def markdown(df: pd.DataFrame) -> str:
    lines = [
        "| graph | socialcrm | peer | pairs | seconds | peer seconds | speed-up (median) "
        "| 10th-90th percentile | pairs won | modularity | peer modularity |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in df.itertuples():
        lines.append(
            f"| {r.graph} | {r.socialcrm.removeprefix('socialcrm ')} | {r.peer} | {r.pairs} "
            f"| {r.seconds:.3f} | {r.peer_seconds:.3f} | {r.speedup:.2f} "
            f"| {r.speedup_p10:.2f}-{r.speedup_p90:.2f} | {r.won:.0%} | {r.modularity:.6f} "
            f"| {r.peer_modularity:.6f} |"
        )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=7, help="rounds of pairs (per seed)")
    ap.add_argument("--only", default=None, help="comma-separated graph names to run")
    args = ap.parse_args()
    todo = graphs()
    if args.only:
        keep = set(args.only.split(","))
        todo = {k: v for k, v in todo.items() if k in keep}
    rows: list[dict] = []
    for name, (s, t, n) in todo.items():
        rounds = max(1, args.rounds // 2) if n >= 1_000_000 else args.rounds
        rows += pairs(name, s, t, n, rounds)
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(
            json.dumps(
                {
                    "machine": platform.platform(),
                    "cpus": os.cpu_count(),
                    "load": os.getloadavg(),
                    "results": rows,
                },
                indent=1,
            )
        )
    print(markdown(pd.DataFrame(rows)))


if __name__ == "__main__":
    main()
