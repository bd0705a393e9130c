"""Graphs shared by the benchmarks: LFR graphs with planted communities and the real graphs.

LFR graphs come from NetworKit's generator (Lancichinetti, Fortunato & Radicchi 2008) with
power-law degrees (exponent 2, average 10, maximum 1% of n capped at 1000) and power-law
community sizes (exponent 1), mixing ``mu``. They are cached in ``bench-results/cache`` so each
graph is generated once. Every function returns plain numpy edge arrays ``(source, target,
n_nodes)`` with node codes ``0..n_nodes``, so each tool builds its own graph from the same edges.
"""

from __future__ import annotations

import argparse
import gzip
import json
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench-results" / "cache"
SHARED = ROOT.parent / "shared" / "data"

Edges = tuple[np.ndarray, np.ndarray, int]

REAL = {
    "karate": "karate_edges.csv.gz",
    "dolphins": "dolphins_edges.csv.gz",
    "football": "football_edges.csv.gz",
    "polbooks": "polbooks_edges.csv.gz",
    "facebook": "facebook_combined_edges.csv.gz",
    "github": "github_musae_edges.csv.gz",
}


def lfr(n: int, mu: float = 0.3, seed: int = 1) -> Edges:
    """Undirected LFR graph of ``n`` nodes (each edge once, ``source < target``)."""
    path = CACHE / f"lfr_{n}_{mu}_{seed}.npz"
    if not path.exists():
        import networkit as nk

        nk.setSeed(seed, False)
        gen = nk.generators.LFRGenerator(n)
        gen.generatePowerlawDegreeSequence(10, max(20, min(1000, n // 100)), -2)
        gen.generatePowerlawCommunitySizeSequence(20, max(100, min(5000, n // 20)), -1)
        gen.setMu(mu)
        g = gen.generate()
        edges = np.array(list(g.iterEdges()), dtype=np.int64).reshape(-1, 2)
        truth = np.array(gen.getPartition().getVector(), dtype=np.int64)
        CACHE.mkdir(parents=True, exist_ok=True)
        np.savez(path, edges=np.sort(edges, axis=1), truth=truth, n=n)
    data = np.load(path)
    e = data["edges"]
    return e[:, 0].copy(), e[:, 1].copy(), int(data["n"])


def lfr_truth(n: int, mu: float = 0.3, seed: int = 1) -> np.ndarray:
    """Planted community of each node of :func:`lfr` ``(n, mu, seed)``."""
    lfr(n, mu, seed)
    return np.load(CACHE / f"lfr_{n}_{mu}_{seed}.npz")["truth"]


def directed(edges: Edges, reciprocity: float = 0.3, seed: int = 0) -> Edges:
    """A directed version: each undirected edge gets a random direction, and a share
    ``reciprocity`` of them both directions (customer conversations are partly two-way)."""
    s, t, n = edges
    rng = np.random.default_rng(seed)
    flip = rng.random(len(s)) < 0.5
    src, dst = np.where(flip, t, s), np.where(flip, s, t)
    both = rng.random(len(s)) < reciprocity
    return np.concatenate([src, dst[both]]), np.concatenate([dst, src[both]]), n


def real(name: str) -> Edges | None:
    """A real graph from ../shared/data as undirected edges, or None when the data is absent."""
    path = SHARED / REAL[name]
    if not path.exists():
        return None
    with gzip.open(path) as f:
        df = pd.read_csv(f)
    a, b = df.columns[:2]
    both = np.concatenate([df[a].to_numpy(), df[b].to_numpy()])
    ids, codes = np.unique(both, return_inverse=True)
    s, t = codes[: len(df)], codes[len(df) :]
    keep = s != t
    lo, hi = np.minimum(s, t)[keep], np.maximum(s, t)[keep]
    pairs = np.unique(np.stack([lo, hi], axis=1), axis=0)
    return pairs[:, 0].copy(), pairs[:, 1].copy(), len(ids)


TRUTH = {
    "karate": ("karate_nodes.csv.gz", "club"),
    "dolphins": ("dolphins_nodes.csv.gz", "group_unofficial"),
    "football": ("football_nodes.csv.gz", "conference"),
    "polbooks": ("polbooks_nodes.csv.gz", "leaning"),
    "github": ("github_musae_target.csv.gz", "ml_target"),
}


def real_truth(name: str) -> np.ndarray | None:
    """The known group of each node of :func:`real` ``(name)`` (by node code), or None."""
    if name not in TRUTH or real(name) is None:
        return None
    file, column = TRUTH[name]
    with gzip.open(SHARED / REAL[name]) as f:
        df = pd.read_csv(f)
    a, b = df.columns[:2]
    ids = np.unique(np.concatenate([df[a].to_numpy(), df[b].to_numpy()]))
    with gzip.open(SHARED / file) as f:
        nodes = pd.read_csv(f)
    group = nodes.set_index(nodes.columns[0])[column]
    return pd.factorize(group.reindex(ids))[0]


def bench_graphs(sizes: tuple[int, ...] = (10_000, 100_000, 1_000_000)) -> dict[str, Edges]:
    """The standard set: the real graphs present, then LFR graphs of the given sizes."""
    out: dict[str, Edges] = {}
    for name in REAL:
        e = real(name)
        if e is not None:
            out[name] = e
    for n in sizes:
        out[f"lfr_{n}"] = lfr(n)
    return out


def memory_bandwidth_gbs(n_bytes: int = 1 << 28, repeats: int = 5) -> float:
    """Sustained read bandwidth (GB/s), from summing a large float64 array with numpy."""
    import time

    x = np.ones(n_bytes // 8)
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        x.sum()
        best = min(best, time.perf_counter() - t0)
    return n_bytes / best / 1e9


def bench_main(
    doc: str,
    name: str,
    run: Callable[[bool, int], dict],
    markdown: Callable[[dict], str],
    repeats: int = 3,
) -> None:
    """Command line shared by the benchmarks: ``--quick``, ``--repeats``, ``--shared``; writes
    ``bench-results/<name>.json`` and prints the Markdown tables."""
    global SHARED
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small graphs only")
    parser.add_argument("--repeats", type=int, default=repeats, help="runs per measurement (best)")
    parser.add_argument("--shared", type=Path, help="folder of the real graphs")
    args = parser.parse_args()
    if args.shared is not None:
        SHARED = args.shared
    result = run(args.quick, args.repeats)
    out = ROOT / "bench-results" / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(markdown(result))


def find_shared() -> None:
    """Use the nearest ``shared/data`` above the repository when the default one is absent."""
    global SHARED
    if SHARED.is_dir():
        return
    for parent in Path(__file__).resolve().parents:
        if (parent / "shared" / "data").is_dir():
            SHARED = parent / "shared" / "data"
            return


def time_peers(
    row: dict,
    jobs: dict[str, Callable[[], object] | None],
    measure: str,
    timer: Callable[[Callable[[], object]], float],
    too_slow: set,
    slow_seconds: float,
    peers: Sequence[str],
) -> None:
    """Times each peer's job into ``row[tool]`` and adds the fastest peer and the ratios of
    ``row["socialcrm"]`` and ``row["socialcrm_1t"]`` to it. A peer that fails is recorded, not
    fatal; one slower than ``slow_seconds`` is skipped for that measure on later graphs."""
    for tool, job in jobs.items():
        if job is None or (tool, measure) in too_slow:
            continue
        try:
            row[tool] = timer(job)
        except Exception as err:  # a peer failing is reported, not fatal
            row[f"{tool}_error"] = f"{type(err).__name__}: {err}"[:120]
            continue
        if row[tool] > slow_seconds:
            too_slow.add((tool, measure))
    times = [row[t] for t in peers if t in row]
    if times:
        fastest = min(times)
        row["fastest_peer"] = next(t for t in peers if row.get(t) == fastest)
        row["ratio"] = row["socialcrm"] / fastest
        row["ratio_1t"] = row["socialcrm_1t"] / fastest
