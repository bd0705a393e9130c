"""Benchmark: building the customer graph from an interaction table, against networkx and igraph.

Each measurement runs in a fresh process: the table is made first (not timed), then the graph is
built from it with repeated pairs aggregated (summed weights). Reports wall time, the peak memory
added during the build (resident set, read from /proc) and, for socialcrm, the final CSR size.

Peers, each doing the same job the way its users would:
- networkx: ``DataFrame.groupby`` to sum repeated pairs, then ``nx.from_pandas_edgelist``;
- igraph: ``igraph.Graph.DataFrame`` then ``simplify(combine_edges="sum")``.

Usage: ``python benches/bench_graph_build.py [--sizes 100000,1000000,10000000] [--quick]``.
Results go to ``bench-results/graph_build.json`` and a Markdown table to stdout.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap
from pathlib import Path

WORKER = textwrap.dedent(
    """
    import json, sys, time
    import numpy as np, pandas as pd
    tool, n_rows, ids = sys.argv[1], int(sys.argv[2]), sys.argv[3]

    def status(key):
        for line in open("/proc/self/status"):
            if line.startswith(key):
                return int(line.split()[1]) * 1024

    rng = np.random.default_rng(0)
    n_nodes = max(10, n_rows // 10)
    # Heavy-tailed activity, like real customers: Zipf-like sampling of ids.
    p = 1.0 / np.arange(1, n_nodes + 1) ** 0.8
    p /= p.sum()
    src = rng.choice(n_nodes, n_rows, p=p)
    dst = rng.choice(n_nodes, n_rows, p=p)
    if ids == "int":
        s, t = src, dst
    else:
        names = np.array([f"C{i:08d}" for i in range(n_nodes)], dtype=object)
        s, t = names[src], names[dst]
    df = pd.DataFrame({"source": s, "target": t, "weight": rng.random(n_rows)})
    if ids == "arrow":
        df = df.astype({"source": "string[pyarrow]", "target": "string[pyarrow]"})
    df = df[df["source"] != df["target"]].reset_index(drop=True)
    import gc; gc.collect()
    if tool == "socialcrm":
        from socialcrm import Graph
    elif tool == "networkx":
        import networkx as nx
    else:
        import igraph as ig
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    base = status("VmRSS:")
    start = time.perf_counter()
    if tool == "socialcrm":
        g = Graph.from_pandas(df, weight="weight")
        edges, final = g.n_edges, g.memory_bytes()
    elif tool == "networkx":
        agg = df.groupby(["source", "target"], sort=False, as_index=False)["weight"].sum()
        g = nx.from_pandas_edgelist(agg, edge_attr="weight", create_using=nx.DiGraph)
        edges, final = g.number_of_edges(), None
    else:
        g = ig.Graph.DataFrame(df, directed=True, use_vids=False)
        g.simplify(multiple=True, loops=False, combine_edges="sum")
        edges, final = g.ecount(), None
    seconds = time.perf_counter() - start
    peak = status("VmHWM:") - base
    print(json.dumps({"tool": tool, "rows": len(df), "ids": ids, "seconds": seconds,
                      "peak_extra_bytes": peak, "final_bytes": final, "edges": edges}))
    """
)


def run(tool: str, n_rows: int, ids: str) -> dict | None:
    done = subprocess.run(
        [sys.executable, "-c", WORKER, tool, str(n_rows), ids],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if done.returncode != 0:
        print(f"  {tool} {n_rows} {ids} failed: {done.stderr.strip().splitlines()[-1:]}")
        return None
    return {"size": n_rows, **json.loads(done.stdout.strip().splitlines()[-1])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000,1000000,10000000")
    parser.add_argument("--quick", action="store_true", help="only 10^5 rows")
    parser.add_argument("--out", default="bench-results/graph_build.json")
    args = parser.parse_args()
    sizes = [100_000] if args.quick else [int(s) for s in args.sizes.split(",")]
    results = []
    for n in sizes:
        for ids in ("int", "str", "arrow"):
            tools = ["socialcrm", "igraph"] + (["networkx"] if n <= 1_000_000 else [])
            for tool in tools:
                r = run(tool, n, ids)
                if r:
                    results.append(r)
                    print(
                        f"  {tool:10s} {n:>10,d} {ids:5s} {r['seconds']:8.2f} s "
                        f"{r['peak_extra_bytes'] / 2**20:8.0f} MiB",
                        flush=True,
                    )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1))
    print()
    print(
        "| rows | ids | socialcrm s | igraph s | networkx s | fastest peer / socialcrm "
        "| socialcrm peak extra MiB | final CSR MiB | peak / final |"
    )
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for n in sizes:
        for ids in ("int", "str", "arrow"):
            row = {r["tool"]: r for r in results if r["size"] == n and r["ids"] == ids}
            ours = row.get("socialcrm")
            if not ours:
                continue
            peers = [row[t]["seconds"] for t in ("igraph", "networkx") if t in row]
            ratio = f"{min(peers) / ours['seconds']:.1f}x" if peers else "-"
            secs = {
                t: f"{row[t]['seconds']:.2f}" if t in row else "-" for t in ("igraph", "networkx")
            }
            final = ours["final_bytes"] / 2**20
            peak = ours["peak_extra_bytes"] / 2**20
            print(
                f"| {n:,} | {ids} | {ours['seconds']:.2f} | {secs['igraph']} | {secs['networkx']} "
                f"| {ratio} | {peak:.0f} | {final:.0f} | {peak / final:.2f} |"
            )


if __name__ == "__main__":
    main()
