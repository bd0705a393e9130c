"""The ``socialcrm`` command: score a customer community from files, run the demo, or write the
report of saved results."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from . import __version__
from .analysis import Scorecard, analyze
from .config import AnalysisConfig, as_config
from .datasets import synthetic_community
from .exceptions import SocialCrmError


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


def _fmt(df: pd.DataFrame) -> str:
    return df.to_string(float_format=lambda x: f"{x:,.4g}")


def _summary(card: Scorecard, paths: Sequence[Path], seconds: float) -> str:
    """The terminal summary: key figures, top customers and communities, notes, files."""
    c = card.customers
    people = c[~c["is_staff"].astype(bool)] if "is_staff" in c else c
    top_n = card.config.report.top_n
    lines = [f"socialcrm {__version__}: scored {len(c)} customers in {seconds:.2f} s", ""]
    lines += ["Key figures", card.summary().to_string(), ""]
    if "pagerank" in people:
        cols = [
            x
            for x in (
                "pagerank",
                "authority",
                "betweenness",
                "core_number",
                "in_degree",
                "community",
                "role",
            )
            if x in people
        ]
        lines += ["Top influencers (by PageRank)", _fmt(people.nlargest(top_n, "pagerank")[cols])]
        strong, weak = int(c["strong_ties"].sum()) // 2, int(c["weak_ties"].sum()) // 2
        lines += [f"Ties: {strong + weak} customer pairs, {strong} strong and {weak} weak", ""]
    if len(card.advocates):
        reach = float(card.advocates["reach"].iloc[-1])
        lines += [
            f"Advocate seed set: {len(card.advocates)} customers expected to reach {reach:.0f} "
            "customers by word of mouth (IMM)",
            _fmt(card.advocates),
            "",
        ]
    key = next((k for k in ("ckv", "accepted_answers") if k in people), None)
    if key is not None:
        cols = [
            x
            for x in (
                "ckv",
                "accepted_answers",
                "answers",
                "customers_helped",
                "ideas_implemented",
                "cev",
            )
            if x in people
        ]
        lines += ["Top contributors", _fmt(people.nlargest(top_n, key)[cols]), ""]
    com = card.communities
    if len(com):
        big = com[com["size"] >= 3] if "size" in com else com
        cols = [
            c
            for c in (
                "size",
                "internal_density",
                "conductance",
                "health",
                "active_change",
                "cev_total",
                "top_members",
            )
            if c in big
        ]
        shown = big[cols].head(top_n).copy()
        if "top_members" in shown:
            shown["top_members"] = shown["top_members"].map(
                lambda v: ", ".join(map(str, list(v)[:3])) if isinstance(v, (list, tuple)) else v
            )
        lines += [
            f"Communities ({len(big)} of 3+ customers; all {len(com)} in communities.*)",
            _fmt(shown),
            "",
        ]
    health = card.tables.get("community_health_latest")
    if health is not None and len(health):
        cols = [
            c
            for c in (
                "period",
                "members",
                "content",
                "liveliness",
                "responsiveness_hours",
                "health_index",
            )
            if c in health
        ]
        table = health[cols].sort_values("health_index", ascending=False).head(top_n)
        lines += ["Community health (latest period)", _fmt(table), ""]
    if card.notes:
        lines += ["Data-quality notes", *[f"  - {n}" for n in card.notes], ""]
    lines += ["Written:", *[f"  {p}" for p in paths]]
    return "\n".join(lines)


def _write_all(card: Scorecard, out: str) -> list[Path]:
    paths = card.to_parquet(out)
    paths += [p for p in card.to_csv(out) if p.suffix == ".csv"]
    paths.append(card.report(Path(out) / "report.html"))
    return paths


def _demo(args: argparse.Namespace) -> str:
    start = time.perf_counter()
    data = synthetic_community(n_customers=args.customers, seed=args.seed)
    planted = ["interest_community", "true_influence"]
    tables = {k: v for k, v in data.tables().items() if k != "staff"}
    tables["customers"] = data.customers.drop(columns=planted)
    config = as_config(args.config) if args.config else AnalysisConfig()
    config = config.replace(
        influence={"advocates": args.advocates}, graph={"half_life": args.half_life}
    )
    card = analyze(**tables, staff=data.staff, config=config, progress=None)
    paths = _write_all(card, args.out)
    return _summary(card, paths, time.perf_counter() - start)


def _score(args: argparse.Namespace) -> str:
    start = time.perf_counter()
    tables = {
        name: _read_table(getattr(args, name))
        for name in (
            "interactions",
            "customers",
            "memberships",
            "posts",
            "transactions",
            "referrals",
            "ideas",
            "votes",
        )
        if getattr(args, name)
    }
    if not tables:
        raise SocialCrmError("give at least one table, e.g. --interactions events.csv")
    if "interactions" in tables:
        rename = {args.source: "source", args.target: "target"}
        for flag, name in (
            (args.weight, "weight"),
            (args.timestamp, "timestamp"),
            (args.kind, "kind"),
        ):
            if flag:
                rename[flag] = name
        missing = [c for c in rename if c not in tables["interactions"]]
        if missing:
            raise SocialCrmError(f"interactions: no column {missing[0]!r}")
        tables["interactions"] = tables["interactions"].rename(columns=rename)
    if "customers" in tables and args.customer != "customer":
        tables["customers"] = tables["customers"].rename(columns={args.customer: "customer"})
    staff = pd.read_csv(args.staff).iloc[:, 0] if args.staff else None
    config = as_config(args.config) if args.config else AnalysisConfig()
    changes: dict = {}
    if args.advocates is not None:
        changes["influence"] = {"advocates": args.advocates}
    graph = {}
    if args.undirected:
        graph["directed"] = False
    if args.half_life:
        graph["half_life"] = args.half_life
    if graph:
        changes["graph"] = graph
    card = analyze(**tables, staff=staff, config=config.replace(**changes), progress=None)
    paths = _write_all(card, args.out)
    return _summary(card, paths, time.perf_counter() - start)


def _report(args: argparse.Namespace) -> str:
    card = Scorecard.load(args.dir)
    path = card.report(Path(args.out) if args.out else Path(args.dir) / "report.html")
    return f"report written: {path}"


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

    demo.add_argument("--config", help="JSON configuration (see socialcrm.config)")

    score = sub.add_parser(
        "score", help="score customers from your tables (CSV or Parquet, data-model columns)"
    )
    for name, what in (
        ("interactions", "one row per event between two parties"),
        ("customers", "one row per customer, with attributes to carry"),
        ("memberships", "customer x community (forum, group) rows"),
        ("posts", "forum posts (questions, answers, comments)"),
        ("transactions", "purchases: customer, timestamp, amount"),
        ("referrals", "referrer, referee, timestamp"),
        ("ideas", "submitted ideas: idea_id, author, created_at, status"),
        ("votes", "votes on ideas: idea_id, voter, created_at"),
    ):
        score.add_argument(f"--{name}", help=f"CSV or Parquet: {what}")
    score.add_argument("--nodes", dest="customers", help=argparse.SUPPRESS)
    score.add_argument("--customer", default="customer", help="id column of --customers")
    score.add_argument("--staff", help="CSV whose first column lists the company's own accounts")
    score.add_argument("--config", help="JSON configuration (see socialcrm.config)")
    score.add_argument("--out", required=True, help="output directory")
    score.add_argument("--source", default="source", help="interactions: who reached out")
    score.add_argument("--target", default="target", help="interactions: who was reached")
    score.add_argument("--weight", help="interactions: column of event weights (default 1)")
    score.add_argument("--timestamp", help="interactions: column of event times")
    score.add_argument("--kind", help="interactions: column of event kinds")
    score.add_argument("--half-life", help="decay half-life of events, e.g. 90D (needs times)")
    score.add_argument("--undirected", action="store_true", help="ignore who reached whom")
    score.add_argument("--advocates", type=int, help="size of the advocate seed set")
    score.set_defaults(run=_score)

    report = sub.add_parser("report", help="write the HTML report of a results directory")
    report.add_argument("dir", help="directory written by `socialcrm score` or `demo`")
    report.add_argument("--out", help="report path (default: DIR/report.html)")
    report.set_defaults(run=_report)
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
