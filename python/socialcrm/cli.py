"""The ``socialcrm`` command: score a customer community from files, or run the demo."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from . import __version__
from .datasets import synthetic_community
from .exceptions import SocialCrmError
from .graph import Graph
from .influence import maximize
from .scorecard import customer_scorecard, write_scorecard


def _read_table(path: str) -> pd.DataFrame:
    p = Path(path)
    if not p.exists():
        raise SocialCrmError(f"no such file: {path}")
    name = p.name.lower()
    if name.endswith((".parquet", ".pq")):
        return pd.read_parquet(p)
    if name.endswith((".csv", ".csv.gz", ".tsv", ".txt")):
        return pd.read_csv(p, sep="\t" if name.endswith(".tsv") else ",")
    raise SocialCrmError(f"{path}: unknown file type; use .csv, .csv.gz or .parquet")


def _advocates(g: Graph, staff: object, k: int) -> pd.DataFrame:
    """The advocate seed set: IMM seeds among customers (staff accounts excluded)."""
    if k <= 0 or g.n_nodes == 0:
        return pd.DataFrame()
    customers = g.nodes.difference(pd.Index([] if staff is None else list(staff)))
    return maximize(g.subgraph(customers), min(k, len(customers)), seed=0)


def _report(
    g: Graph,
    card: pd.DataFrame,
    advocates: pd.DataFrame,
    paths: Sequence[Path],
    seconds: float,
) -> str:
    s = g.summary()
    people = card[~card["is_staff"]] if "is_staff" in card else card
    top = people.nlargest(10, ["pagerank", "in_strength"])
    lines = [
        f"socialcrm {__version__}: scored {len(card)} customers in {seconds:.2f} s",
        "",
        "Customer graph",
    ]
    for key, value in s.items():
        shown = f"{value:.4f}" if isinstance(value, float) else str(value)
        lines.append(f"  {key:<20} {shown}")
    strong, weak = int(card["strong_ties"].sum()) // 2, int(card["weak_ties"].sum()) // 2
    lines += [
        "",
        f"Ties: {strong + weak} customer pairs, {strong} strong and {weak} weak",
        f"Customers without any interaction: {int((card['ties'] == 0).sum())}",
        "",
        "Top influencers (by PageRank)",
        top[["pagerank", "authority", "betweenness", "core_number", "in_degree"]].to_string(
            float_format=lambda x: f"{x:.4f}"
        ),
    ]
    if len(advocates):
        reach = float(advocates["reach"].iloc[-1])
        lines += [
            "",
            f"Advocate seed set: {len(advocates)} customers expected to reach {reach:.0f} "
            f"customers by word of mouth (IMM, independent cascade, weighted-cascade "
            f"probabilities)",
            advocates.to_string(float_format=lambda x: f"{x:.1f}"),
        ]
    if g.notes:
        lines += ["", "Data-quality notes", *[f"  - {n}" for n in g.notes]]
    lines += ["", "Written:", *[f"  {p}" for p in paths]]
    return "\n".join(lines)


def _demo(args: argparse.Namespace) -> str:
    start = time.perf_counter()
    data = synthetic_community(n_customers=args.customers, seed=args.seed)
    g = Graph.from_pandas(
        data.interactions,
        timestamp="timestamp",
        kind="kind",
        half_life=args.half_life,
        nodes=data.customers,
    )
    planted = ["interest_community", "true_influence"]
    customers = data.customers.drop(columns=[c for c in planted if c in data.customers])
    card = customer_scorecard(g, customers=customers, staff=data.staff)
    paths = write_scorecard(card, args.out)
    advocates = _advocates(g, data.staff, args.advocates)
    if len(advocates):
        paths += write_scorecard(advocates, args.out, name="advocates")
    return _report(g, card, advocates, paths, time.perf_counter() - start)


def _score(args: argparse.Namespace) -> str:
    start = time.perf_counter()
    interactions = _read_table(args.interactions)
    customers = _read_table(args.nodes) if args.nodes else None
    staff = pd.read_csv(args.staff).iloc[:, 0] if args.staff else None
    g = Graph.from_pandas(
        interactions,
        source=args.source,
        target=args.target,
        weight=args.weight,
        timestamp=args.timestamp,
        kind=args.kind,
        directed=not args.undirected,
        half_life=args.half_life,
        nodes=customers,
        node_column=args.customer,
        self_loops=args.self_loops,
    )
    card = customer_scorecard(g, customers=customers, customer=args.customer, staff=staff)
    paths = write_scorecard(card, args.out)
    advocates = _advocates(g, staff, args.advocates)
    if len(advocates):
        paths += write_scorecard(advocates, args.out, name="advocates")
    return _report(g, card, advocates, paths, time.perf_counter() - start)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``socialcrm`` command."""
    parser = argparse.ArgumentParser(
        prog="socialcrm",
        description="Social CRM analytics: score customers by their relationships with each other.",
    )
    parser.add_argument("--version", action="version", version=f"socialcrm {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="score the built-in synthetic customer community")
    demo.add_argument(
        "--out", default="demo-report", help="output directory (default: %(default)s)"
    )
    demo.add_argument("--customers", type=int, default=2000, help="community size")
    demo.add_argument("--seed", type=int, default=0, help="random seed of the synthetic data")
    demo.add_argument("--half-life", default="90D", help="decay half-life of interactions")
    demo.add_argument("--advocates", type=int, default=10, help="size of the advocate seed set")
    demo.set_defaults(run=_demo)

    score = sub.add_parser("score", help="score customers from an interaction table")
    score.add_argument("--interactions", required=True, help="CSV or Parquet, one row per event")
    score.add_argument("--nodes", help="customer table (CSV or Parquet) to include every customer")
    score.add_argument("--customer", default="customer", help="id column of --nodes")
    score.add_argument("--staff", help="CSV whose first column lists the company's own accounts")
    score.add_argument("--out", required=True, help="output directory")
    score.add_argument("--source", default="source", help="column of who reached out")
    score.add_argument("--target", default="target", help="column of who was reached")
    score.add_argument("--weight", help="column of event weights (default: 1 per event)")
    score.add_argument("--timestamp", help="column of event times")
    score.add_argument("--kind", help="column of event kinds")
    score.add_argument("--half-life", help="decay half-life of events, e.g. 90D (needs times)")
    score.add_argument("--undirected", action="store_true", help="ignore who reached whom")
    score.add_argument("--self-loops", choices=["drop", "keep"], default="drop")
    score.add_argument("--advocates", type=int, default=10, help="size of the advocate seed set")
    score.set_defaults(run=_score)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command; returns the exit code (0 ok, 2 bad input)."""
    args = build_parser().parse_args(argv)
    try:
        print(args.run(args))
    except (SocialCrmError, OSError) as exc:
        print(f"socialcrm: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("socialcrm: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
