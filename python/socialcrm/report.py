"""The HTML report of a :class:`~socialcrm.Scorecard`: one self-contained file a marketer can open.

Sections, in order (each present in every report; a section whose inputs are missing says so):
key figures, community map, influence and value distributions, CLV x CRV quadrants, top
influencers, top contributors, communities, community health over time, and data-quality notes.
Figures are matplotlib PNGs embedded as data URIs, so the file needs nothing else.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import __version__, _plots

if TYPE_CHECKING:
    from .analysis import Scorecard

__all__ = ["SECTIONS", "write_report"]

#: Section ids of the report, in order, with their headings.
SECTIONS = {
    "key-figures": "Key figures",
    "community-map": "Community map",
    "distributions": "Influence and value distributions",
    "quadrants": "CLV x CRV quadrants",
    "top-influencers": "Top influencers",
    "top-contributors": "Top contributors",
    "communities": "Communities",
    "community-health": "Community health over time",
    "data-quality": "Data-quality notes",
}

_CSS = """
body { font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
       margin: 2rem auto; max-width: 1100px; color: #222; line-height: 1.45; padding: 0 1rem; }
h1 { font-size: 1.7rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.25rem; border-bottom: 1px solid #ddd; padding-bottom: 0.2rem;
     margin-top: 2.2rem; }
.sub { color: #666; margin-top: 0; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr));
           gap: 0.7rem; }
.figure { background: #f5f7fa; border-radius: 6px; padding: 0.6rem 0.8rem; }
.figure .v { font-size: 1.35rem; font-weight: 600; }
.figure .k { color: #555; font-size: 0.85rem; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.5rem 0; }
th, td { padding: 0.25rem 0.6rem; border-bottom: 1px solid #e5e5e5; text-align: right; }
th { background: #f0f2f5; }
td:first-child, th:first-child { text-align: left; }
img { max-width: 100%; }
.row { display: flex; flex-wrap: wrap; gap: 1rem; }
.na { color: #777; font-style: italic; }
.note { margin: 0.2rem 0; }
"""


def _esc(text: Any) -> str:
    return html.escape(str(text))


def _table(df: pd.DataFrame, digits: int = 4) -> str:
    def fmt(x: float) -> str:
        if x == 0 or abs(x) >= 1000:
            return f"{x:,.0f}"
        return f"{x:.{digits}g}" if abs(x) < 1 else f"{x:,.2f}"

    shown = df.copy()
    for col in shown.columns:
        if shown[col].map(lambda v: isinstance(v, (list, tuple))).any():
            shown[col] = shown[col].map(
                lambda v: ", ".join(map(str, v)) if isinstance(v, (list, tuple)) else v
            )
    return shown.to_html(float_format=fmt, border=0, escape=True, na_rep="")


def _img(uri: str, alt: str) -> str:
    return f'<img src="{uri}" alt="{_esc(alt)}">'


def _na(reason: str) -> str:
    return f'<p class="na">Not available: {_esc(reason)}</p>'


def _key_figures(card: Scorecard) -> str:
    items = []
    for key, value in card.figures.items():
        if isinstance(value, dict):
            continue
        shown = (
            f"{value:,.2f}"
            if isinstance(value, float)
            else f"{value:,}"
            if isinstance(value, int)
            else str(value)
        )
        items.append(
            f'<div class="figure"><div class="v">{_esc(shown)}</div>'
            f'<div class="k">{_esc(key)}</div></div>'
        )
    return f'<div class="figures">{"".join(items)}</div>'


def _community_map(card: Scorecard) -> str:
    com = card.communities
    if com is None or len(com) == 0 or "size" not in com:
        return _na("no communities (the analysis needs interactions or posts)")
    value = next((c for c in ("cev_total", "clv_total") if c in com and com[c].sum() > 0), "size")
    links = card.tables.get("community_links")
    shown = _sizeable(com)
    note = ""
    if len(shown) < len(com):
        note = (
            f'<p class="sub">{len(shown)} communities of at least {_MIN_SIZE} customers; '
            f"{len(com) - len(shown)} smaller groups (mostly single customers) not drawn.</p>"
        )
    return _img(_plots.community_map(shown, links, value), "community map") + note


_MIN_SIZE = 3


def _sizeable(com: pd.DataFrame) -> pd.DataFrame:
    big = com[com["size"] >= _MIN_SIZE] if "size" in com else com
    return big if len(big) else com


def _distributions(card: Scorecard) -> str:
    c = card.customers
    figs = []
    if "pagerank" in c:
        figs.append(
            _img(
                _plots.histogram(c["pagerank"], "PageRank", "PageRank (log)", True),
                "PageRank distribution",
            )
        )
    if "in_strength" in c:
        figs.append(
            _img(
                _plots.histogram(
                    c["in_strength"] + 1,
                    "Attention received",
                    "interactions received + 1 (log)",
                    True,
                ),
                "in-strength distribution",
            )
        )
    for col, title in (("cev", "Customer engagement value"), ("clv", "Customer lifetime value")):
        if col in c and (c[col] > 0).any():
            figs.append(
                _img(
                    _plots.histogram(c[col], title, f"{col.upper()} (log)", True),
                    f"{col} distribution",
                )
            )
            break
    if not figs:
        return _na("no influence or value columns")
    return f'<div class="row">{"".join(figs)}</div>'


def _quadrants(card: Scorecard) -> str:
    c = card.customers
    if not {"clv", "crv", "value_quadrant"} <= set(c.columns):
        return _na("needs transactions and referrals")
    counts = c["value_quadrant"].value_counts().rename("customers").to_frame()
    return _img(_plots.quadrants(c.dropna(subset=["clv", "crv"])), "quadrants") + _table(counts)


def _top(card: Scorecard, by: list[str], columns: list[str], reason: str) -> str:
    c = card.customers
    if "is_staff" in c:
        c = c[~c["is_staff"].astype(bool)]
    key = next((b for b in by if b in c and c[b].notna().any()), None)
    if key is None:
        return _na(reason)
    n = card.config.report.top_n
    cols = [key] + [x for x in columns if x in c and x != key]
    return _table(c.nlargest(n, key)[cols])


def _communities(card: Scorecard) -> str:
    com = card.communities
    if com is None or len(com) == 0:
        return _na("no communities")
    cols = [
        c
        for c in (
            "size",
            "internal_density",
            "conductance",
            "health",
            "active_last_90d",
            "active_change",
            "cev_total",
            "clv_total",
            "top_members",
        )
        if c in com
    ]
    shown = _sizeable(com)[cols].head(card.config.report.top_n * 2).copy()
    if "top_members" in shown:
        shown["top_members"] = shown["top_members"].map(
            lambda v: ", ".join(map(str, list(v)[:3])) if isinstance(v, (list, tuple)) else v
        )
    parts = [_table(shown)]
    events = card.tables.get("community_events")
    if events is not None and len(events):
        parts.append("<h3>Changes in the latest period</h3>")
        latest = events[events["period"] == events["period"].max()].copy()
        for col in ("community", "dynamic_community"):
            if col in latest:
                latest[col] = latest[col].astype("Int64")
        parts.append(_table(latest.head(30)))
    return "".join(parts)


def _health(card: Scorecard) -> str:
    health = card.tables.get("community_health")
    if health is None or len(health) == 0 or "health_index" not in health:
        return _na("needs a posts table with timestamps")
    biggest = health.groupby("community")["health_index"].size().sort_values(ascending=False).index
    return _img(_plots.health_over_time(health, list(biggest[:8])), "community health")


def _notes(card: Scorecard) -> str:
    if not card.notes:
        return "<p>No data-quality notes: every input row was used.</p>"
    return "".join(f'<p class="note">&bull; {_esc(n)}</p>' for n in card.notes)


def render(card: Scorecard) -> str:
    """The report as one HTML string."""
    influence_cols = ["authority", "betweenness", "in_degree", "core_number", "community", "role"]
    contributor_cols = [
        "accepted_answers",
        "answers",
        "customers_helped",
        "ideas_implemented",
        "ckv",
        "cev",
    ]
    bodies = {
        "key-figures": _key_figures(card),
        "community-map": _community_map(card),
        "distributions": _distributions(card),
        "quadrants": _quadrants(card),
        "top-influencers": _top(card, ["pagerank"], influence_cols, "needs interactions or posts"),
        "top-contributors": _top(
            card, ["ckv", "accepted_answers", "answers"], contributor_cols, "needs posts or ideas"
        ),
        "communities": _communities(card),
        "community-health": _health(card),
        "data-quality": _notes(card),
    }
    sections = "".join(
        f'<section id="{sid}"><h2>{_esc(title)}</h2>{bodies[sid]}</section>'
        for sid, title in SECTIONS.items()
    )
    n = card.figures.get("customers", len(card.customers))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Social CRM report</title><style>{_CSS}</style></head><body>"
        f'<h1>Social CRM report</h1><p class="sub">{n:,} customers &middot; socialcrm '
        f"{_esc(__version__)} &middot; seed {card.config.seed}</p>{sections}</body></html>\n"
    )


def write_report(card: Scorecard, path: str | os.PathLike[str] = "report.html") -> Path:
    """Write :func:`render` to ``path`` (via a temporary file, so it is never half-written)."""
    final = Path(path)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.with_name(f".{final.name}.tmp")
    try:
        tmp.write_text(render(card), encoding="utf-8")
        tmp.replace(final)
    finally:
        if tmp.exists():
            tmp.unlink()
    return final
