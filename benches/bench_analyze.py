"""End-to-end benchmark of ``socialcrm.analyze``: seconds per step and peak memory.

Runs the whole product on the synthetic community (every table: interactions, customers,
memberships, posts, transactions, referrals, ideas, votes) at 2,000 customers and at 10^6
customers (about 2 x 10^7 interactions), each in a fresh process so the peak resident memory
(``ru_maxrss``) belongs to that run alone. Tables are generated once and cached as Parquet in
``bench-results/cache``. No other library does this whole job, so there is no peer to compare;
the per-capability benchmarks (bench_centrality.py, bench_community.py, bench_clv.py, ...)
compare each step with its peers.

Usage: python benches/bench_analyze.py [--quick] [--sizes 2000 1000000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench-results" / "cache"
OUT = ROOT / "bench-results" / "analyze.json"

TABLES = [
    "customers",
    "interactions",
    "memberships",
    "posts",
    "transactions",
    "referrals",
    "ideas",
    "votes",
    "staff",
]


def _tables(n: int) -> Path:
    folder = CACHE / f"community_{n}"
    if not (folder / "staff.parquet").exists():
        from socialcrm.datasets import synthetic_community

        data = synthetic_community(n, seed=0)
        folder.mkdir(parents=True, exist_ok=True)
        for name, table in data.tables().items():
            frame = table.to_frame() if hasattr(table, "to_frame") else table
            frame.to_parquet(folder / f"{name}.parquet")
    return folder


def _child(folder: str) -> None:
    """Runs one analysis and prints its figures as JSON (in a fresh process)."""
    import pandas as pd

    import socialcrm

    tables = {name: pd.read_parquet(Path(folder) / f"{name}.parquet") for name in TABLES}
    staff = tables.pop("staff").iloc[:, 0]
    tables["customers"] = tables["customers"].drop(columns=["interest_community", "true_influence"])
    rows = {name: len(t) for name, t in tables.items()}
    start = time.perf_counter()
    card = socialcrm.analyze(**tables, staff=staff, progress=True)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(
        json.dumps(
            {
                "rows": rows,
                "customers": len(card.customers),
                "seconds": round(seconds, 2),
                "steps": card.figures["seconds"],
                "peak_rss_gib": round(peak / 2**30, 2),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the 2,000-customer run")
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 1_000_000])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child)
        return
    sizes = [2000] if args.quick else args.sizes
    results = {}
    for n in sizes:
        folder = _tables(n)
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(folder)],
            stdout=subprocess.PIPE,  # progress bars go to this terminal
            text=True,
            check=True,
        )
        results[n] = json.loads(done.stdout.strip().splitlines()[-1])
        r = results[n]
        print(
            f"{n:>9,} customers, {r['rows']['interactions']:>11,} interactions: "
            f"{r['seconds']:8.1f} s, peak RSS {r['peak_rss_gib']:.2f} GiB",
            flush=True,
        )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n")
    print("\n| customers | interactions | all rows | seconds | peak RSS GiB | slowest steps |")
    print("|---:|---:|---:|---:|---:|---|")
    for n, r in results.items():
        slow = sorted(r["steps"].items(), key=lambda kv: -kv[1])[:3]
        steps = ", ".join(f"{k} {v:.1f} s" for k, v in slow)
        print(
            f"| {n:,} | {r['rows']['interactions']:,} | {sum(r['rows'].values()):,} | "
            f"{r['seconds']:.1f} | {r['peak_rss_gib']:.2f} | {steps} |"
        )


if __name__ == "__main__":
    main()
