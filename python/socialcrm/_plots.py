"""The report's figures, drawn with matplotlib (Agg) and embedded as PNG data URIs."""

from __future__ import annotations

import base64
import io
from typing import Any

import numpy as np
import pandas as pd

_PALETTE = ["#3b6ea8", "#e07b39", "#5a9e4b", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#8c8c8c"]


def _figure(width: float = 7.0, height: float = 4.0) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(width, height), dpi=110)
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def to_data_uri(fig: Any) -> str:
    """The figure as a ``data:image/png;base64,...`` URI; closes the figure."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def layout(n: int, links: np.ndarray, weights: np.ndarray, seed: int = 0) -> np.ndarray:
    """Force-directed positions (Fruchterman-Reingold) of ``n`` nodes, shape ``(n, 2)``.

    ``links`` is an ``(m, 2)`` integer array of node pairs and ``weights`` their weights;
    heavier links pull harder. Deterministic given ``seed``.
    """
    rng = np.random.default_rng(seed)
    pos = rng.uniform(-1.0, 1.0, size=(n, 2))
    if n <= 1:
        return np.zeros((n, 2))
    k = 2.0 / np.sqrt(n)
    w = weights / weights.max() if len(weights) and weights.max() > 0 else weights
    temperature = 0.1
    for _ in range(200):
        delta = pos[:, None, :] - pos[None, :, :]
        dist = np.maximum(np.linalg.norm(delta, axis=-1), 1e-3)
        force = (delta / dist[..., None] * (k * k / dist)[..., None]).sum(axis=1)
        if len(links):
            d = pos[links[:, 0]] - pos[links[:, 1]]
            dl = np.maximum(np.linalg.norm(d, axis=1), 1e-3)
            pull = d * (dl * (0.2 + w) / k)[:, None] * 0.5
            np.add.at(force, links[:, 0], -pull)
            np.add.at(force, links[:, 1], pull)
        length = np.maximum(np.linalg.norm(force, axis=1), 1e-9)
        pos += force / length[:, None] * np.minimum(length, temperature)[:, None]
        temperature *= 0.98
    pos -= pos.mean(axis=0)
    scale = np.abs(pos).max()
    return pos / scale if scale > 0 else pos


def community_map(communities: pd.DataFrame, links: pd.DataFrame | None, value: str) -> str:
    """Communities as circles sized by ``value`` (or size), linked by their interactions."""
    top = communities.head(40)
    index = {c: i for i, c in enumerate(top.index)}
    pairs, weights = np.empty((0, 2), dtype=np.int64), np.empty(0)
    if links is not None and len(links):
        keep = links[links["source"].isin(index) & links["target"].isin(index)]
        keep = keep[keep["source"] != keep["target"]]
        pairs = np.column_stack(
            [keep["source"].map(index).to_numpy(), keep["target"].map(index).to_numpy()]
        ).astype(np.int64)
        weights = keep["weight"].to_numpy(dtype=float)
    pos = layout(len(top), pairs, weights)
    fig, ax = _figure(7.5, 6.0)
    if len(weights):
        wmax = weights.max()
        for (a, b), w in zip(pairs, weights, strict=True):
            ax.plot(*pos[[a, b]].T, color="#999999", lw=0.3 + 4 * w / wmax, alpha=0.5, zorder=1)
    size = top[value].clip(lower=0).to_numpy(dtype=float)
    area = 80 + 2500 * size / size.max() if size.max() > 0 else np.full(len(top), 300.0)
    colors = [_PALETTE[i % len(_PALETTE)] for i in range(len(top))]
    ax.scatter(pos[:, 0], pos[:, 1], s=area, c=colors, alpha=0.85, edgecolors="white", zorder=2)
    for (x, y), label, n in zip(pos, top.index, top["size"], strict=True):
        ax.annotate(f"{label}\n({n})", (x, y), ha="center", va="center", fontsize=7, zorder=3)
    ax.set_axis_off()
    ax.set_title(f"Communities, sized by {value.replace('_', ' ')}; lines: interactions between")
    return to_data_uri(fig)


def histogram(values: pd.Series, title: str, xlabel: str, log: bool = False) -> str:
    v = values.dropna().to_numpy(dtype=float)
    fig, ax = _figure(4.6, 3.2)
    if log:
        v = v[v > 0]
        bins = np.logspace(np.log10(v.min()), np.log10(v.max()), 40) if len(v) else 10
        ax.set_xscale("log")
    else:
        bins = 40
    ax.hist(v, bins=bins, color=_PALETTE[0], alpha=0.85)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("customers")
    return to_data_uri(fig)


def quadrants(card: pd.DataFrame) -> str:
    fig, ax = _figure(6.0, 4.6)
    for i, (name, part) in enumerate(card.groupby("value_quadrant", observed=True)):
        ax.scatter(part["clv"], part["crv"], s=10, alpha=0.6, label=name, color=_PALETTE[i])
    ax.axvline(card["clv"].median(), color="#666666", lw=0.8, ls="--")
    ax.axhline(card["crv"].median(), color="#666666", lw=0.8, ls="--")
    # Values are heavy-tailed and often 0: linear near 0, logarithmic beyond.
    ax.set_xscale("symlog", linthresh=max(1.0, float(card["clv"].median())))
    ax.set_yscale("symlog", linthresh=max(1.0, float(card["crv"].median())))
    ax.set_xlim(left=min(0.0, float(card["clv"].min())))
    ax.set_ylim(bottom=min(0.0, float(card["crv"].min())))
    ax.set_xlabel("CLV (purchase value)")
    ax.set_ylabel("CRV (referral value)")
    ax.set_title("Customers by purchase and referral value")
    ax.legend(frameon=False, fontsize=8)
    return to_data_uri(fig)


def health_over_time(health: pd.DataFrame, top: list[Any]) -> str:
    fig, ax = _figure(7.5, 3.8)
    for i, c in enumerate(top):
        part = health[health["community"] == c].sort_values("period")
        ax.plot(
            part["period"],
            part["health_index"],
            marker="o",
            ms=3,
            label=str(c),
            color=_PALETTE[i % len(_PALETTE)],
        )
    ax.set_ylabel("health index")
    ax.set_title("Community health over time")
    ax.legend(frameon=False, fontsize=7, ncols=2)
    fig.autofmt_xdate()
    return to_data_uri(fig)
