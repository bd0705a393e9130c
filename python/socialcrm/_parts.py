"""The steps of :func:`socialcrm.analyze`, each run only when its input tables exist."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd

from .config import AnalysisConfig
from .exceptions import InputError
from .graph import Graph
from .influence import maximize
from .scorecard import SCORECARD_COLUMNS, customer_scorecard

Report = Callable[[int, int], object]

# Id columns of each table, as in the data model.
ID_COLUMNS = {
    "customers": ["customer"],
    "interactions": ["source", "target"],
    "memberships": ["customer"],
    "posts": ["author"],
    "transactions": ["customer"],
    "referrals": ["referrer", "referee"],
    "ideas": ["author"],
    "votes": ["voter"],
}

CUSTOMER_COLUMNS: dict[str, str] = {
    **SCORECARD_COLUMNS,
    "community": "community detected by Leiden on the customer graph (0 = the largest)",
    "role": "Guimera-Amaral role inside the community (hub, connector, peripheral, ...)",
    "z_score": "within-community degree z-score",
    "participation": "participation coefficient: how evenly the ties spread over communities",
    "membership_segment": "segment by explicit memberships (forums, groups, tags joined)",
    "primary_membership": "the community the customer is most active in",
    "n_memberships": "communities joined",
    "bridging": "active in several communities",
    "questions": "questions asked",
    "answers": "answers given",
    "accepted_answers": "answers accepted by the asker",
    "customers_helped": "distinct customers whose questions this customer answered",
    "median_response_hours": "median hours from a question to this customer's answer",
    "ideas": "ideas submitted",
    "ideas_implemented": "ideas the company implemented",
    "idea_votes": "votes received on ideas",
    "frequency": "repeat purchase periods (BG/NBD)",
    "recency": "periods from the first to the last purchase",
    "T": "periods from the first purchase to the end of the data",
    "monetary_value": "mean spend per repeat purchase",
    "p_alive": "probability the customer is still active (BG/NBD)",
    "expected_purchases": "expected purchases over the horizon",
    "clv": "customer lifetime value over the horizon, discounted (BG/NBD x Gamma-Gamma)",
    "crv": "customer referral value over the horizon, discounted (Kumar et al.)",
    "civ": "customer influence value: other customers' CLV attributable to this customer",
    "ckv": "customer knowledge value: deflected support and implemented ideas",
    "cev": "customer engagement value = clv + crv + civ + ckv",
    "value_quadrant": "CLV x CRV quadrant: Champions, Affluents, Advocates, Misers",
    "dominant_value": "largest CEV component: buyer, referrer, influencer, contributor",
    "rank_pagerank": "rank by PageRank (1 = most central)",
    "rank_cev": "rank by CEV (1 = most valuable)",
}


def _to_pandas(table: Any, name: str) -> pd.DataFrame:
    if isinstance(table, pd.DataFrame):
        return table
    to_pandas = getattr(table, "to_pandas", None)
    if to_pandas is None:
        raise InputError(
            f"{name}: expected a pandas or polars DataFrame or a pyarrow Table, "
            f"got {type(table).__name__}"
        )
    return to_pandas()


def _universe(tables: dict[str, pd.DataFrame]) -> pd.Index:
    """Every customer id found in any table, sorted when the ids are comparable."""
    parts = []
    for name, cols in ID_COLUMNS.items():
        df = tables.get(name)
        if df is None:
            continue
        for col in cols:
            if col in df:
                parts.append(pd.Series(df[col]).dropna())
    if not parts:
        return pd.Index([], name="customer")
    ids = pd.Index(pd.unique(pd.concat(parts, ignore_index=True)), name="customer")
    try:
        return ids.sort_values()
    except TypeError:
        return ids


class Run:
    """The state of one analysis: inputs, the graph, and the per-customer columns found."""

    def __init__(self, cfg: AnalysisConfig, given: dict[str, Any], staff: Any) -> None:
        self.cfg = cfg
        self.notes: list[str] = []
        self.tables = {k: _to_pandas(v, k) for k, v in given.items() if v is not None}
        self.staff = pd.Index([] if staff is None else list(pd.Series(staff).dropna()))
        self.ids = _universe(self.tables)
        self.columns: list[pd.DataFrame] = []
        self.graph: Graph | None = None
        self.card: pd.DataFrame | None = None
        self.membership: pd.Series | None = None
        self.advocates = pd.DataFrame()
        self.communities = pd.DataFrame()
        self.details: dict[str, pd.DataFrame] = {}
        self.figures: dict[str, Any] = {}
        self._missing_notes()

    # -- planning --

    def size(self) -> tuple[int, int, int]:
        n_inter = len(self.tables.get("interactions", ()))
        others = sum(len(t) for k, t in self.tables.items() if k != "interactions")
        return n_inter, others, len(self.ids)

    def _missing_notes(self) -> None:
        t = self.tables
        if "customers" not in t:
            self.notes.append(
                "no customers table: customer attributes are not carried into the scorecard"
            )
        if "interactions" not in t and "posts" not in t:
            self.notes.append(
                "no interactions and no posts: influence, communities and advocates skipped"
            )
        if "memberships" not in t and not self._has_tags():
            self.notes.append(
                "no memberships table and no tags in posts: membership segments skipped"
            )
        if "posts" not in t:
            self.notes.append("no posts table: peer support and community health skipped")
        if "transactions" not in t:
            self.notes.append("no transactions table: CLV skipped (CEV counts it as 0)")
        if "referrals" not in t:
            self.notes.append("no referrals table: CRV skipped (CEV counts it as 0)")
        if "ideas" not in t:
            self.notes.append("no ideas table: ideation skipped")

    def _has_tags(self) -> bool:
        posts = self.tables.get("posts")
        return posts is not None and "tags" in posts and posts["tags"].notna().any()

    def plan(self) -> list[tuple[str, Callable[[Report], None]]]:
        t = self.tables
        out: list[tuple[str, Callable[[Report], None]]] = []
        if "interactions" in t or "posts" in t:
            out += [
                ("customer graph", self.build_graph),
                ("influence", self.influence),
                ("advocate seed set", self.advocate_set),
            ]
        return out

    def step_names(self) -> list[str]:
        return [name for name, _ in self.plan()]

    def steps(self) -> Iterator[tuple[str, Callable[[Report], None]]]:
        yield from self.plan()

    # -- graph and influence --

    def build_graph(self, report: Report) -> None:
        g = self.cfg.graph
        nodes = pd.DataFrame({"customer": self.ids})
        threads = self.cfg.n_threads
        if "interactions" in self.tables:
            df = self.tables["interactions"]
            self.graph = Graph.from_pandas(
                df,
                weight="weight" if "weight" in df else None,
                timestamp="timestamp" if "timestamp" in df else None,
                kind="kind" if "kind" in df else None,
                directed=g.directed,
                half_life=g.half_life if "timestamp" in df else None,
                nodes=nodes,
                n_threads=threads,
                progress=report,
            )
        else:
            posts = self.tables["posts"]
            self.graph = Graph.from_posts(
                posts,
                accepted_answer_id="accepted_answer_id" if "accepted_answer_id" in posts else None,
                directed=g.directed,
                half_life=g.half_life,
                nodes=nodes,
                n_threads=threads,
                progress=report,
            )
            self.notes.append("customer graph built from posts: answerer -> asker")
        self.notes.extend(self.graph.notes)

    def influence(self, report: Report) -> None:
        assert self.graph is not None
        customers = self.tables.get("customers")
        self.card = customer_scorecard(
            self.graph, customers=customers, staff=self.staff, seed=self.cfg.seed
        )

    def advocate_set(self, report: Report) -> None:
        assert self.graph is not None
        k = self.cfg.influence.advocates
        people = self.graph.nodes.difference(self.staff)
        if k == 0 or len(people) == 0:
            return
        sub = self.graph.subgraph(people)
        self.advocates = maximize(
            sub,
            min(k, len(people)),
            model=self.cfg.influence.diffusion_model,
            epsilon=self.cfg.influence.imm_epsilon,
            seed=self.cfg.seed,
            n_threads=self.cfg.n_threads,
            progress=report,
        )

    # -- assembly --

    def scorecard(self, seconds: dict[str, float]) -> Any:
        from .analysis import Scorecard

        card = pd.DataFrame(index=self.ids)
        if self.card is not None:
            card = card.join(self.card.reindex(self.ids))
        elif "customers" in self.tables:
            attrs = self.tables["customers"].set_index("customer")
            card = card.join(attrs)
        for extra in self.columns:
            card = card.join(extra.reindex(self.ids))
        if "is_staff" not in card:
            card.insert(0, "is_staff", card.index.isin(self.staff))
        card.index.name = "customer"
        _ranks(card)
        figures = {
            "customers": len(card),
            "staff accounts": int(card["is_staff"].sum()),
            **self.figures,
            "seconds": seconds,
        }
        if self.graph is not None:
            figures["interactions"] = int(self.graph.summary()["interactions"])
            figures["customer pairs"] = int(self.graph.n_edges)
        if len(self.advocates):
            figures["advocates"] = len(self.advocates)
            figures["advocate reach"] = round(float(self.advocates["reach"].iloc[-1]), 1)
        return Scorecard(
            customers=card,
            communities=self.communities,
            advocates=self.advocates,
            tables=self.details,
            notes=self.notes,
            config=self.cfg,
            figures=figures,
        )


def _ranks(card: pd.DataFrame) -> None:
    for col in ("pagerank", "cev"):
        if col in card and card[col].notna().any():
            card[f"rank_{col}"] = (
                card[col].rank(ascending=False, method="min", na_option="keep").astype("Int64")
            )
