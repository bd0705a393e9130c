"""The steps of :func:`socialcrm.analyze`, each run only when its input tables exist."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd

from . import _core
from .community import from_memberships, leiden, leiden_over_time, profile, roles
from .config import AnalysisConfig
from .exceptions import ConvergenceError, InputError
from .graph import Graph
from .influence import maximize
from .scorecard import SCORECARD_COLUMNS, customer_scorecard
from .value import (
    clv,
    community_health,
    company_centrality,
    engagement_value,
    ideation,
    influencer_value,
    knowledge_value,
    peer_support,
    referral_value,
    value_quadrants,
)

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
        self.values: dict[str, pd.Series] = {}
        self.support: Any = None
        self.ideation: Any = None
        self._plan: list[tuple[str, Callable[[Report], None]]] | None = None
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
                ("communities", self.communities_step),
            ]
            inter = t.get("interactions")
            if inter is not None and "timestamp" in inter:
                out.append(("communities over time", self.tracking))
        if "memberships" in t or self._has_tags():
            out.append(("membership segments", self.membership_segments))
        if "posts" in t:
            out.append(("peer support", self.peer_support))
        if "ideas" in t:
            out.append(("ideas", self.ideas))
        if "transactions" in t:
            out.append(("purchase value (CLV)", self.purchase_value))
        if "referrals" in t and "transactions" in t:
            out.append(("referral value (CRV)", self.referral_value))
        elif "referrals" in t:
            self.notes.append(
                "referrals without transactions: CRV needs the referees' CLV, skipped"
            )
        if "transactions" in t and ("interactions" in t or "posts" in t):
            out.append(("influence value (CIV)", self.influence_value))
        out.append(("engagement value and profiles", self.engagement))
        return out

    def step_names(self) -> list[str]:
        if self._plan is None:
            self._plan = self.plan()
        return [name for name, _ in self._plan]

    def steps(self) -> Iterator[tuple[str, Callable[[Report], None]]]:
        if self._plan is None:
            self._plan = self.plan()
        yield from self._plan

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
        i = self.cfg.influence
        self.card = customer_scorecard(
            self.graph,
            customers=customers,
            staff=self.staff,
            seed=self.cfg.seed,
            score_options={
                "weight": self._weight(),
                "damping": i.damping,
                "epsilon": i.betweenness_epsilon,
                "delta": i.betweenness_delta,
                "n_threads": self.cfg.n_threads,
                "progress": report,
            },
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

    # -- communities --

    def communities_step(self, report: Report) -> None:
        assert self.graph is not None
        c, g = self.cfg.community, self.graph
        part = leiden(
            g,
            resolution=c.resolution,
            objective=c.objective,
            weight=self._weight(),
            seed=self.cfg.seed,
            n_threads=self.cfg.n_threads,
            progress=report,
        )
        self.membership = part.membership
        r = roles(g, part, n_threads=self.cfg.n_threads)
        self.columns.append(r[["community", "role", "z_score", "participation"]])
        self.figures["communities"] = int(part.n_communities)
        self.figures["communities of 3+ customers"] = int((part.sizes >= 3).sum())
        self.figures["modularity"] = round(float(part.quality()), 4)
        self.details["community_links"] = _community_links(g, part.codes)
        if len(self.staff):
            cc = company_centrality(g, self.staff.intersection(g.nodes), membership=part.membership)
            self.details["company_centrality"] = cc
            overall = cc.iloc[0]
            self.figures["staff share of interactions"] = round(float(overall.iloc[1]), 4)

    def tracking(self, report: Report) -> None:
        c = self.cfg.community
        inter = self.tables["interactions"]
        try:
            tracked = leiden_over_time(
                inter,
                freq=c.track_freq,
                resolution=c.resolution,
                seed=self.cfg.seed,
                threshold=c.track_threshold,
                directed=self.cfg.graph.directed,
                n_threads=self.cfg.n_threads,
                progress=report,
            )
        except InputError as exc:
            self.notes.append(f"communities over time skipped: {exc}")
            return
        self.details["community_events"] = tracked.events
        latest = tracked.events[tracked.events["period"] == tracked.events["period"].max()]
        self.figures["community births, latest period"] = int((latest["event"] == "birth").sum())

    def membership_segments(self, report: Report) -> None:
        t = self.tables
        if "memberships" in t:
            df, source = t["memberships"], "memberships"
        else:
            df, source = _tag_memberships(t["posts"]), "tags of posts"
            self.notes.append("membership segments from the tags of posts (no memberships table)")
        weight = "weight" if "weight" in df else None
        m = from_memberships(
            df,
            weight=weight,
            resolution=self.cfg.community.membership_resolution,
            seed=self.cfg.seed,
        )
        cols = m.customers.rename(
            columns={"segment": "membership_segment", "primary_community": "primary_membership"}
        )
        self.columns.append(
            cols[["membership_segment", "primary_membership", "n_memberships", "bridging"]]
        )
        self.details["membership_overlap"] = m.overlap
        self.figures["membership segments"] = int(cols["membership_segment"].nunique())
        self.figures[f"bridging customers ({source})"] = int(cols["bridging"].sum())

    # -- co-creation --

    def peer_support(self, report: Report) -> None:
        posts = self.tables["posts"]
        v = self.cfg.value
        ps = peer_support(
            posts,
            tags="tags" if "tags" in posts else None,
            community="community" if "community" in posts else None,
            cost_per_contact=v.cost_per_contact,
            deflection_rate=v.deflection_rate,
            staff=self.staff if len(self.staff) else None,
        )
        self.support = ps
        keep = ["questions", "answers", "accepted_answers", "customers_helped"]
        keep += ["median_response_hours"]
        self.columns.append(ps.customers[keep])
        self.details["support_by_period"] = ps.communities
        self.details["support_deflection"] = ps.deflection
        threads = ps.threads
        self.figures["forum threads"] = len(threads)
        self.figures["peer-solved share"] = round(float(threads["peer_solved"].mean()), 4)
        self.figures["support deflection value"] = round(float(ps.deflection["savings"].sum()), 2)
        self._health()

    def _health(self) -> None:
        posts = self.tables["posts"]
        members = self.tables.get("memberships")
        by_forum = community_health(
            posts,
            members,
            tags="tags" if "community" not in posts and "tags" in posts else None,
            community="community" if "community" in posts else None,
            freq="MS",
        )
        self.details["forum_health"] = by_forum.reset_index()
        if self.membership is None:
            return
        # The health of each detected community: posts belong to their author's community.
        segment = posts["author"].map(self.membership)
        own = posts[segment.notna()].assign(segment=segment.dropna().astype("int64"))
        if own.empty:
            return
        health = community_health(
            own.drop(columns=[c for c in ("community", "tags") if c in own]),
            community="segment",
            freq="MS",
        ).reset_index()
        health["community"] = pd.to_numeric(health["community"]).astype("int64")
        self.details["community_health"] = health

    def ideas(self, report: Report) -> None:
        result = ideation(self.tables["ideas"], self.tables.get("votes"))
        self.ideation = result
        cols = result.customers.rename(
            columns={
                "ideas_submitted": "ideas",
                "implemented": "ideas_implemented",
                "votes_received": "idea_votes",
            }
        )
        self.columns.append(cols[["ideas", "ideas_implemented", "idea_votes"]])
        self.figures["ideas"] = int(cols["ideas"].sum())
        self.figures["ideas implemented"] = int(cols["ideas_implemented"].sum())

    # -- value --

    def purchase_value(self, report: Report) -> None:
        v = self.cfg.value
        try:
            values = clv(
                self.tables["transactions"],
                horizon=v.horizon,
                discount_rate=v.discount_rate,
                freq=v.rfm_freq,
                penalizer_coef=v.penalizer_coef,
                n_threads=self.cfg.n_threads,
            )
        except (InputError, ConvergenceError) as exc:
            self.notes.append(f"CLV skipped: {exc}")
            return
        keep = ["frequency", "recency", "T", "monetary_value", "p_alive", "expected_purchases"]
        self.columns.append(values[[*keep, "clv"]])
        self.values["clv"] = values["clv"]
        self.figures["total CLV"] = round(float(values["clv"].sum()), 2)

    def _clv_everyone(self) -> pd.Series:
        return self.values["clv"].reindex(self.ids).fillna(0.0)

    def referral_value(self, report: Report) -> None:
        if "clv" not in self.values:
            return
        v = self.cfg.value
        refs = self.tables["referrals"]
        out = referral_value(
            refs,
            self._clv_everyone(),
            timestamp="timestamp" if "timestamp" in refs else None,
            incentive="incentive" if "incentive" in refs else None,
            would_join_anyway="would_join_anyway" if "would_join_anyway" in refs else None,
            acquisition_cost=v.acquisition_cost,
            horizon=v.horizon,
            discount_rate=v.discount_rate,
        )
        self.values["crv"] = out["crv"]
        quadrants = value_quadrants(self._clv_everyone(), out["crv"].reindex(self.ids).fillna(0))
        self.columns.append(
            pd.concat(
                [
                    out[["crv"]],
                    quadrants[["quadrant"]].rename(columns={"quadrant": "value_quadrant"}),
                ],
                axis=1,
            )
        )
        self.figures["total CRV"] = round(float(out["crv"].sum()), 2)

    def influence_value(self, report: Report) -> None:
        if "clv" not in self.values or self.graph is None:
            return
        out = influencer_value(
            self.graph,
            self._clv_everyone().reindex(self.graph.nodes),
            influenced_share=self.cfg.value.influenced_share,
            weight=self._weight(),
            n_threads=self.cfg.n_threads,
            progress=report,
        )
        self.values["civ"] = out["civ"]
        self.columns.append(out[["civ"]])
        self.figures["total CIV"] = round(float(out["civ"].sum()), 2)

    def engagement(self, report: Report) -> None:
        v = self.cfg.value
        if self.support is not None or self.ideation is not None:
            ckv = knowledge_value(
                self.support,
                self.ideation,
                value_per_implemented_idea=v.value_per_implemented_idea,
                horizon=v.horizon,
                discount_rate=v.discount_rate,
            )
            self.values["ckv"] = ckv["ckv"]
            self.columns.append(ckv[["ckv"]])
            self.figures["total CKV"] = round(float(ckv["ckv"].sum()), 2)
        if self.values:
            parts = {k: s.reindex(self.ids).fillna(0.0) for k, s in self.values.items()}
            cev = engagement_value(**parts)
            self.columns.append(
                cev[["cev", "dominant"]].rename(columns={"dominant": "dominant_value"})
            )
            self.figures["total CEV"] = round(float(cev["cev"].sum()), 2)
            self.values["cev"] = cev["cev"]
        if self.membership is not None and self.graph is not None:
            self.communities = self._profile()

    def _profile(self) -> pd.DataFrame:
        assert self.graph is not None and self.membership is not None
        numeric = pd.DataFrame({k: s for k, s in self.values.items()}).reindex(self.graph.nodes)
        score = None
        if self.card is not None:
            # Top members are customers: the company's own accounts rank last.
            score = self.card["pagerank"].where(~self.card["is_staff"], -1.0)
        prof = profile(
            self.graph,
            self.membership,
            customers=numeric if len(numeric.columns) else None,
            score=score,
            top=self.cfg.community.top_members,
            weight=self._weight(),
            n_threads=self.cfg.n_threads,
        )
        prof = prof.rename(columns={f"sum_{k}": f"{k}_total" for k in self.values})
        prof = prof.drop(columns=[f"mean_{k}" for k in self.values if f"mean_{k}" in prof])
        health = self.details.get("community_health")
        if health is not None and len(health):
            latest = health.sort_values("period").groupby("community").tail(1)
            prof = prof.join(
                latest.set_index("community")[["health_index"]].rename(
                    columns={"health_index": "health"}
                )
            )
            self.details["community_health_latest"] = latest.set_index("community")
        change = _activity_change(self.tables.get("interactions"), self.membership)
        prof = prof.join(change)
        if "active_last_90d" in prof:
            prof["active_last_90d"] = prof["active_last_90d"].fillna(0).astype("int64")
        return prof

    def _weight(self) -> str | bool:
        w = self.cfg.graph.weight
        if w == "decayed" and (self.graph is None or self.graph.half_life is None):
            return True
        return {"weight": True, "none": False}.get(w, w)

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
        _fill_counts(card)
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


def _community_links(g: Graph, codes: np.ndarray) -> pd.DataFrame:
    """Interaction weight between each pair of communities (either direction, summed)."""
    src, dst, _, summed, *_ = _core.edge_table(g._csr)
    if len(src) == 0:
        return pd.DataFrame(columns=["source", "target", "weight"])
    a, b = codes[src], codes[dst]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    keep = lo != hi
    links = (
        pd.DataFrame({"source": lo[keep], "target": hi[keep], "weight": summed[keep]})
        .groupby(["source", "target"], sort=True, as_index=False)["weight"]
        .sum()
    )
    return links


def _tag_memberships(posts: pd.DataFrame) -> pd.DataFrame:
    """Customer x tag rows from a posts table: askers get their question's tags, answerers and
    commenters those of the question they replied to; weight = posts."""
    pid = posts["post_id"]
    tags = posts["tags"]
    parent = posts["parent_id"] if "parent_id" in posts else pd.Series(np.nan, index=posts.index)
    own = tags.where(tags.notna(), parent.map(pd.Series(tags.to_numpy(), index=pid)))
    df = pd.DataFrame({"customer": posts["author"], "community": own}).dropna()
    df = df.assign(community=df["community"].astype(str).str.split("|")).explode("community")
    df = df[df["community"] != ""]
    return (
        df.groupby(["customer", "community"], as_index=False)
        .size()
        .rename(columns={"size": "weight"})
    )


def _activity_change(interactions: pd.DataFrame | None, membership: pd.Series) -> pd.DataFrame:
    """Members active in the last 90 days of the data vs the 90 days before, per community."""
    cols = ["active_last_90d", "active_change"]
    if interactions is None or "timestamp" not in interactions:
        return pd.DataFrame(columns=cols)
    t = pd.to_datetime(interactions["timestamp"])
    end = t.max()
    recent = interactions["source"][t > end - pd.Timedelta(days=90)]
    before = interactions["source"][
        (t <= end - pd.Timedelta(days=90)) & (t > end - pd.Timedelta(days=180))
    ]
    now = membership.reindex(pd.unique(recent)).value_counts()
    then = membership.reindex(pd.unique(before)).value_counts()
    out = pd.DataFrame({"active_last_90d": now, "before": then}).fillna(0)
    out["active_change"] = (out["active_last_90d"] - out["before"]) / out["before"].where(
        out["before"] > 0
    )
    out.index = out.index.astype("int64")
    return out[cols].astype({"active_last_90d": "int64"})


# Counts that are 0, and flags that are False, for a customer absent from the table they count.
_ZERO_COUNTS = [
    "n_memberships",
    "questions",
    "answers",
    "accepted_answers",
    "customers_helped",
    "ideas",
    "ideas_implemented",
    "idea_votes",
]


def _fill_counts(card: pd.DataFrame) -> None:
    for col in _ZERO_COUNTS:
        if col in card:
            card[col] = card[col].fillna(0).astype("int64")
    if "bridging" in card:
        card["bridging"] = card["bridging"].fillna(False).astype(bool)


def _ranks(card: pd.DataFrame) -> None:
    for col in ("pagerank", "cev"):
        if col in card and card[col].notna().any():
            card[f"rank_{col}"] = (
                card[col].rank(ascending=False, method="min", na_option="keep").astype("Int64")
            )
