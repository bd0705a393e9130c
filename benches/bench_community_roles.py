"""Benchmark: community roles (z-score, participation, role) and community profiles.

Graphs: LFR graphs of 10^4, 10^5 and 10^6 nodes (undirected), with their planted communities
as the membership, and the real graphs of ``../shared/data`` with a membership of 50 random
communities. None of igraph, NetworKit or rustworkx has the Guimerà-Amaral roles or a
per-community profile, so the peers are reference implementations: a vectorised pandas/numpy
one (every graph) and a networkx one (up to 10^4 nodes). socialcrm is timed on one thread and
on its default (every core), from a membership Series indexed by customer id; graph
construction is not timed. Best of a few runs.

Usage: ``python benches/bench_community_roles.py [--quick] [--repeats N]``. Results go to
``bench-results/community_roles.json`` and a Markdown table to stdout.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _graphs

from socialcrm import Graph
from socialcrm.community import profile, roles

NETWORKX_MAX_NODES = 10_000


def pandas_roles(s: np.ndarray, t: np.ndarray, memb: np.ndarray) -> pd.DataFrame:
    src, dst = np.concatenate([s, t]), np.concatenate([t, s])
    k_is = pd.DataFrame({"u": src, "c": memb[dst]}).groupby(["u", "c"]).size()
    u = k_is.index.get_level_values(0).to_numpy()
    c = k_is.index.get_level_values(1).to_numpy()
    kis = k_is.to_numpy().astype(float)
    n = len(memb)
    k = np.bincount(u, weights=kis, minlength=n)
    p = 1 - np.bincount(u, weights=(kis / k[u]) ** 2, minlength=n)
    within = np.zeros(n)
    own = memb[u] == c
    within[u[own]] = kis[own]
    df = pd.DataFrame({"within": within, "c": memb})
    grp = df.groupby("c")["within"]
    sd = grp.transform("std", ddof=0)
    z = np.where(sd > 0, (within - grp.transform("mean")) / sd.where(sd > 0, 1), 0.0)
    return pd.DataFrame({"z": z, "p": np.where(k > 0, p, 0.0)})


def pandas_profile(s: np.ndarray, t: np.ndarray, memb: np.ndarray) -> pd.DataFrame:
    cs, ct = memb[s], memb[t]
    inside = cs == ct
    kk = int(memb.max()) + 1
    internal = np.bincount(cs[inside], minlength=kk)
    cut = np.bincount(cs[~inside], minlength=kk) + np.bincount(ct[~inside], minlength=kk)
    deg = np.bincount(s, minlength=len(memb)) + np.bincount(t, minlength=len(memb))
    vol = np.bincount(memb, weights=deg, minlength=kk)
    size = np.bincount(memb, minlength=kk)
    top = (
        pd.DataFrame({"c": memb, "d": deg})
        .sort_values(["c", "d"], ascending=[True, False])
        .groupby("c")
        .head(5)
    )
    return pd.DataFrame(
        {
            "size": size,
            "internal": internal,
            "cut": cut,
            "density": 2 * internal / np.maximum(size * (size - 1), 1),
            "conductance": cut / np.minimum(vol, vol.sum() - vol).clip(min=1),
            "top": top.groupby("c").size(),
        }
    )


def networkx_roles(G, memb: np.ndarray) -> dict:
    within, part = {}, {}
    for u in G:
        cnt = Counter(memb[v] for v in G[u])
        k = sum(cnt.values())
        within[u] = cnt.get(memb[u], 0)
        part[u] = 1 - sum((x / k) ** 2 for x in cnt.values()) if k else 0.0
    by_c: dict[int, list[int]] = {}
    for u, c in enumerate(memb):
        by_c.setdefault(c, []).append(u)
    z = {}
    for members in by_c.values():
        x = np.array([within[u] for u in members], dtype=float)
        m, sd = x.mean(), x.std()
        for u, v in zip(members, x, strict=True):
            z[u] = (v - m) / sd if sd > 0 else 0.0
    return {"z": z, "p": part}


def networkx_profile(G, memb: np.ndarray) -> list:
    import networkx as nx

    by_c: dict[int, list[int]] = {}
    for u, c in enumerate(memb):
        by_c.setdefault(c, []).append(u)
    out = []
    for members in by_c.values():
        sub = G.subgraph(members)
        cut = nx.cut_size(G, members)
        out.append((len(members), sub.size(), cut, nx.density(sub), nx.conductance(G, members)))
    return out


def best(job: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        job()
        times.append(time.perf_counter() - t0)
    return min(times)


def cases(quick: bool) -> dict[str, tuple[_graphs.Edges, np.ndarray]]:
    sizes = (10_000,) if quick else (10_000, 100_000, 1_000_000)
    out = {}
    for name in _graphs.REAL:
        e = _graphs.real(name)
        if e is not None and not quick:
            out[name] = (e, np.random.default_rng(0).integers(0, 50, e[2]))
    for n in sizes:
        out[f"lfr_{n}"] = (_graphs.lfr(n), _graphs.lfr_truth(n).astype(np.int64))
    return out


def run(quick: bool, repeats: int) -> dict:
    rows = []
    for name, ((s, t, n), memb) in cases(quick).items():
        _, memb = np.unique(memb, return_inverse=True)
        g = Graph.from_pandas(
            pd.DataFrame({"source": s, "target": t}), directed=False, nodes=np.arange(n)
        )
        series = pd.Series(memb, index=g.nodes)
        G = None
        if n <= NETWORKX_MAX_NODES:
            import networkx as nx

            G = nx.Graph()
            G.add_nodes_from(range(n))
            G.add_edges_from(zip(s.tolist(), t.tolist(), strict=True))
        for measure in ("roles", "profile"):
            ours = roles if measure == "roles" else profile
            peer_pd = pandas_roles if measure == "roles" else pandas_profile
            peer_nx = networkx_roles if measure == "roles" else networkx_profile
            row = {
                "graph": name,
                "nodes": n,
                "edges": len(s),
                "communities": int(memb.max()) + 1,
                "measure": measure,
                "socialcrm_1": best(lambda f=ours, g=g, m=series: f(g, m, n_threads=1), repeats),
                "socialcrm": best(lambda f=ours, g=g, m=series: f(g, m), repeats),
                "pandas": best(lambda f=peer_pd, s=s, t=t, m=memb: f(s, t, m), repeats),
                "networkx": None
                if G is None
                else best(lambda f=peer_nx, G=G, m=memb: f(G, m), max(1, repeats // 3)),
            }
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)
    return {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "note": "2 cores shared with other engineers' builds and benchmarks",
        },
        "rows": rows,
    }


def fmt(x: float | None) -> str:
    return "-" if x is None else f"{x * 1000:.1f}"


def markdown(result: dict) -> str:
    lines = [
        "| graph | measure | nodes | edges | socialcrm 1 thr (ms) | socialcrm (ms) "
        "| pandas (ms) | networkx (ms) | pandas / socialcrm | networkx / socialcrm |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in result["rows"]:
        ratio_pd = r["pandas"] / r["socialcrm"]
        ratio_nx = "-" if r["networkx"] is None else f"{r['networkx'] / r['socialcrm']:.1f}x"
        lines.append(
            f"| {r['graph']} | {r['measure']} | {r['nodes']} | {r['edges']} "
            f"| {fmt(r['socialcrm_1'])} | {fmt(r['socialcrm'])} | {fmt(r['pandas'])} "
            f"| {fmt(r['networkx'])} | {ratio_pd:.1f}x | {ratio_nx} |"
        )
    return "\n".join(lines)


def main() -> None:
    _graphs.bench_main(__doc__ or "", "community_roles", run, markdown, repeats=3)


if __name__ == "__main__":
    main()
