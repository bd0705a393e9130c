"""Tie strength: which customer relationships are strong and which are weak.

Granovetter (1973) defines the strength of a tie as a combination of the amount of time, the
emotional intensity, the intimacy and the reciprocal services that characterize it. Marsden &
Campbell (1984) and Gilbert & Karahalios (2009) measure it from interaction logs by frequency,
recency, reciprocity and multiplexity (the number of different ways two people interact). This
module turns the aggregated interactions of a :class:`~socialcrm.Graph` into those four signals
and one documented score.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _core
from .exceptions import InputError

if TYPE_CHECKING:
    from .graph import Graph

__all__ = ["DEFAULT_TIE_WEIGHTS", "tie_counts", "tie_strength"]

#: Default weight of each signal in the tie-strength score.
DEFAULT_TIE_WEIGHTS = {
    "intensity": 0.35,
    "reciprocity": 0.35,
    "recency": 0.15,
    "multiplexity": 0.15,
}

#: Recency half-life used when the graph has none.
DEFAULT_RECENCY_HALF_LIFE = pd.Timedelta("90D")


def tie_strength(
    g: Graph,
    *,
    weights: dict[str, float] | None = None,
    strong_threshold: float = 0.5,
    recency_half_life: str | pd.Timedelta | None = None,
) -> pd.DataFrame:
    """One row per pair of customers who interacted, with the strength of their tie.

    Parameters
    ----------
    g : Graph
        The customer graph.
    weights : dict, optional
        Weight of each signal in the score; keys among ``intensity``, ``reciprocity``,
        ``recency``, ``multiplexity``. Default :data:`DEFAULT_TIE_WEIGHTS`.
    strong_threshold : float, default 0.5
        Ties whose score is at least this are ``strong``.
    recency_half_life : str or pandas.Timedelta, optional
        Half-life of the recency signal; default the graph's ``half_life``, else 90 days.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``(customer_a, customer_b)`` (node order, ``a`` before ``b``), columns:
        ``interactions`` (events both ways), ``weight``, ``decayed_weight`` (equal to ``weight``
        without decay), ``reciprocity``, ``recency_days`` (days from the last event to
        ``as_of``; NaN without times), ``multiplexity`` (distinct kinds; NaN without kinds),
        the normalised signals ``intensity``, ``recency_score``, ``multiplexity_score``, then
        ``score`` and ``strong``.

    Notes
    -----
    With :math:`w_{ab}` the weight from ``a`` to ``b``, :math:`\\tilde w` the decayed weight of
    the pair, :math:`\\Delta` the days since the pair's last event, :math:`h` the recency
    half-life in days, :math:`K_{ab}` the kinds of the pair and :math:`K` those of the graph:

    .. math::

        I &= \\frac{|\\{\\text{pairs } p : \\tilde w_p < \\tilde w_{ab}\\}|}{|\\text{pairs}| - 1}
        \\qquad R = \\frac{2 \\min(w_{ab}, w_{ba})}{w_{ab} + w_{ba}} \\\\
        T &= 2^{-\\Delta / h} \\qquad M = \\frac{|K_{ab}| - 1}{|K| - 1} \\\\
        \\text{score} &= \\frac{\\sum_s c_s s}{\\sum_s c_s},
        \\quad s \\in \\{I, R, T, M\\}

    ``reciprocity`` in the table is :math:`\\min(w_{ab}, w_{ba}) / (w_{ab} + w_{ba})`, the share
    of the pair's traffic in the weaker direction (0 one-way, 0.5 balanced); :math:`R` rescales
    it to [0, 1]. Intensity is a percentile, so it is robust to heavy-tailed activity: the
    weakest pairs score 0, the strongest 1. A signal the graph cannot measure (reciprocity on an
    undirected graph, recency without times, multiplexity with fewer than two kinds) is left out
    of the score and the remaining weights are renormalised. Every signal and the score lie in
    [0, 1].

    References
    ----------
    .. [1] M. Granovetter, "The Strength of Weak Ties", American Journal of Sociology 78(6), 1973.
    .. [2] P. V. Marsden and K. E. Campbell, "Measuring Tie Strength", Social Forces 63(2), 1984.
    .. [3] E. Gilbert and K. Karahalios, "Predicting Tie Strength with Social Media", CHI 2009.

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm import Graph
    >>> df = pd.DataFrame({"source": list("abab") + ["c"], "target": list("baba") + ["a"]})
    >>> ties = Graph.from_pandas(df).tie_strength()
    >>> ties[["interactions", "reciprocity", "score", "strong"]]
                           interactions  reciprocity  score  strong
    customer_a customer_b
    a          b                      4          0.5    1.0    True
               c                      1          0.0    0.0   False
    """
    coef = dict(DEFAULT_TIE_WEIGHTS if weights is None else weights)
    unknown = set(coef) - set(DEFAULT_TIE_WEIGHTS)
    if unknown or any(not np.isfinite(v) or v < 0 for v in coef.values()):
        raise InputError(
            f"weights must map {sorted(DEFAULT_TIE_WEIGHTS)} to finite numbers >= 0, got {coef}"
        )
    if not 0 <= strong_threshold <= 1:
        raise InputError(f"strong_threshold must be in [0, 1], got {strong_threshold}")
    u, v, c_uv, c_vu, w_uv, w_vu, decayed, _, last, kinds = _core.tie_pairs(g._csr)
    weight = w_uv + w_vu
    decayed = weight if decayed is None else decayed
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(weight > 0, np.minimum(w_uv, w_vu) / weight, 0.0)
    n_pairs = len(u)
    below = pd.Series(decayed).rank(method="min").to_numpy() - 1
    intensity = below / max(n_pairs - 1, 1)
    signals: dict[str, np.ndarray] = {"intensity": intensity}
    if g.directed:
        signals["reciprocity"] = 2 * share
    recency_days = np.full(n_pairs, np.nan)
    if last is not None and g.as_of is not None:
        h = pd.Timedelta(recency_half_life or g.half_life or DEFAULT_RECENCY_HALF_LIFE)
        if h <= pd.Timedelta(0):
            raise InputError(f"recency_half_life must be positive, got {recency_half_life!r}")
        as_of_ns = g.as_of.value if g.as_of.tz is None else g.as_of.tz_convert("UTC").value
        recency_days = (as_of_ns - last) / 86_400e9
        signals["recency"] = np.exp2(-recency_days / (h.value / 86_400e9))
    n_kinds = np.full(n_pairs, np.nan)
    if kinds is not None:
        n_kinds = _popcount(kinds).astype(float)
        if len(g.kinds) > 1:
            signals["multiplexity"] = (n_kinds - 1) / (len(g.kinds) - 1)
    used = {k: coef.get(k, 0.0) for k in signals}
    total = sum(used.values())
    if total <= 0:
        raise InputError(f"weights give no weight to any signal this graph has: {sorted(signals)}")
    score = sum(c * signals[k] for k, c in used.items()) / total
    index = pd.MultiIndex.from_arrays(
        [g.nodes.take(u), g.nodes.take(v)], names=["customer_a", "customer_b"]
    )
    return pd.DataFrame(
        {
            "interactions": (c_uv.astype(np.int64) + c_vu),
            "weight": weight,
            "decayed_weight": decayed,
            "reciprocity": share if g.directed else np.full(n_pairs, np.nan),
            "recency_days": recency_days,
            "multiplexity": n_kinds,
            "intensity": intensity,
            "recency_score": signals.get("recency", np.full(n_pairs, np.nan)),
            "multiplexity_score": signals.get("multiplexity", np.full(n_pairs, np.nan)),
            "score": np.asarray(score, dtype=float) if n_pairs else np.zeros(0),
            "strong": np.asarray(score >= strong_threshold, dtype=bool)
            if n_pairs
            else np.zeros(0, dtype=bool),
        },
        index=index,
    )


def tie_counts(g: Graph, ties: pd.DataFrame | None = None, **kwargs: Any) -> pd.DataFrame:
    """Number of strong and weak ties of every customer.

    Parameters
    ----------
    g : Graph
        The customer graph.
    ties : pandas.DataFrame, optional
        The result of :func:`tie_strength` for ``g``; computed with ``kwargs`` when absent.

    Returns
    -------
    pandas.DataFrame
        Indexed by customer (every node of ``g``), columns ``ties``, ``strong_ties``,
        ``weak_ties`` and ``mean_tie_strength`` (NaN for customers without ties).

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm import Graph
    >>> from socialcrm.ties import tie_counts
    >>> df = pd.DataFrame({"source": ["a", "b", "c"], "target": ["b", "a", "a"]})
    >>> tie_counts(Graph.from_pandas(df))[["strong_ties", "weak_ties"]]
       strong_ties  weak_ties
    a            1          1
    b            1          0
    c            0          1
    """
    ties = tie_strength(g, **kwargs) if ties is None else ties
    n = g.n_nodes
    a = g._codes_of(ties.index.get_level_values(0))
    b = g._codes_of(ties.index.get_level_values(1))
    strong = ties["strong"].to_numpy()
    score = ties["score"].to_numpy()
    count = np.bincount(a, minlength=n) + np.bincount(b, minlength=n)
    n_strong = np.bincount(a[strong], minlength=n) + np.bincount(b[strong], minlength=n)
    total = np.bincount(a, weights=score, minlength=n) + np.bincount(b, weights=score, minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    return pd.DataFrame(
        {
            "ties": count.astype(np.int64),
            "strong_ties": n_strong.astype(np.int64),
            "weak_ties": (count - n_strong).astype(np.int64),
            "mean_tie_strength": mean,
        },
        index=g.nodes,
    )


def _popcount(x: np.ndarray) -> np.ndarray:
    x = x.astype(np.uint64)
    count = np.zeros(len(x), dtype=np.int64)
    for _ in range(64):
        count += (x & np.uint64(1)).astype(np.int64)
        x = x >> np.uint64(1)
    return count
