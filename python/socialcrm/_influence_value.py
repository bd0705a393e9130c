"""Customer influence value (CIV): the part of other customers' value a customer's influence
brought about."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _checks, _core
from ._value_inputs import nonneg_float, value_series
from .exceptions import InputError

if TYPE_CHECKING:
    from .graph import Graph

__all__ = ["influencer_value"]

Progress = Callable[[int, int], object]
_METHODS = ("katz", "spread")


def influencer_value(
    g: Graph,
    clv: pd.Series,
    *,
    method: str = "katz",
    influenced_share: float = 0.2,
    max_hops: int = 2,
    decay: float = 0.5,
    weight: bool | str | None = True,
    customers: Any = None,
    model: str = "ic",
    p: float | str | pd.Series | None = None,
    simulations: int = 1000,
    seed: int | None = 0,
    n_threads: int | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Customer influence value (CIV): other customers' CLV attributable to a customer.

    Only the influenced part of each customer's CLV, :math:`s\\,\\mathrm{CLV}_j`, is shared
    out among the customers who influenced :math:`j`, so no CLV is counted twice: the value
    attributed to all influencers of :math:`j` together is at most
    :math:`s\\,\\mathrm{CLV}_j`, and nobody is credited with their own CLV.

    Parameters
    ----------
    g : Graph
        The interaction graph; an edge :math:`u \\to v` (e.g. answerer -> asker, the data
        model's direction) exposes :math:`v` to :math:`u`. On an undirected graph every edge
        exposes both ways.
    clv : pandas.Series
        Non-negative CLV per customer id; customers of ``g`` missing from it count 0, ids not
        in ``g`` are an error.
    method : {"katz", "spread"}, default "katz"
        ``"katz"``: attribution along short exposure walks (below); ``"spread"``: by the
        probability that each candidate's word of mouth reaches :math:`j`
        (:func:`socialcrm.influence.spread`).
    influenced_share : float, default 0.2
        Share :math:`s \\in [0, 1]` of a customer's CLV taken to be due to other customers'
        influence. There is no universal value: Kumar et al. (2013) estimate it from purchase
        changes after social-media exposure; set it from your own data (0.2 is illustrative).
    max_hops : int, default 2
        ``"katz"``: longest exposure walk :math:`K` (1..6; 1 = direct contacts only).
    decay : float, default 0.5
        ``"katz"``: weight :math:`\\delta \\in [0, 1]` of each further hop.
    weight : bool or str, default True
        Edge weight: summed event weight (True/"weight"), 1 per edge (False/None) or
        "decayed".
    customers : list-like, optional
        ``"spread"``: candidate influencers to evaluate (default all; one simulation batch per
        candidate, so restrict it on large graphs).
    model, p, simulations, seed
        ``"spread"``: diffusion model, edge probabilities, simulations per candidate and seed,
        as in :func:`socialcrm.influence.spread`.
    n_threads : int, optional
        Threads to use; results do not depend on it.
    progress : callable, optional
        ``progress(done, total)`` about every 50 ms (``"katz"``: nodes of the
        ``2 * max_hops + 1`` passes).

    Returns
    -------
    pandas.DataFrame
        Per customer of ``g``: ``clv``, ``influenced_value`` (:math:`s\\,\\mathrm{CLV}_j`),
        ``attributed_out`` (the part of it credited to influencers; equal to
        ``influenced_value`` when someone reached the customer, else 0), ``exposure``
        (:math:`E_j`, ``"katz"`` only; for ``"spread"`` the summed reach probabilities) and
        ``civ``. ``attrs`` holds the parameters.

    Raises
    ------
    InputError
        Unknown ``method``; ``influenced_share``, ``decay`` or ``max_hops`` out of range;
        CLV values NaN, infinite or negative; unknown ids (``UnknownIdError``).

    Notes
    -----
    Influence value has no single standard formula; Kumar et al. (2013) measure it from the
    spread of a customer's messages and the purchases that follow. Ours (``"katz"``): with
    :math:`b_{uv} = w_{uv} / \\sum_{x \\ne v} w_{xv}` the share of :math:`v`'s exposure coming
    from :math:`u` (self-loops ignored), a truncated Katz/Hubbell walk sum

    .. math::

        W_{ij} = \\sum_{k=1}^{K} \\delta^{k-1} (B^k)_{ij}, \\qquad
        E_j = \\sum_{i \\ne j} W_{ij}, \\qquad
        \\mathrm{CIV}_i = \\sum_{j \\ne i} s\\,\\mathrm{CLV}_j \\frac{W_{ij}}{E_j}

    (terms with :math:`E_j = 0` are 0). Hence :math:`\\sum_{i \\ne j} a_{ij} =
    s\\,\\mathrm{CLV}_j` for every reached :math:`j` and :math:`\\sum_i \\mathrm{CIV}_i =
    s \\sum_{j: E_j > 0} \\mathrm{CLV}_j`. Walks returning to :math:`j` itself are left out of
    both sums. The sums are computed as sparse matrix-vector products,
    :math:`E = \\sum_k \\delta^{k-1} (\\mathbf 1^\\top B^k - \\operatorname{diag} B^k)` and
    :math:`\\mathrm{CIV} = \\sum_k \\delta^{k-1} (B^k y - \\operatorname{diag}(B^k)\\, y)` with
    :math:`y_j = s\\,\\mathrm{CLV}_j / E_j`, in :math:`O(K |E|)` time; the closed walks
    :math:`\\operatorname{diag} B^k` cost :math:`O(|E|)` for :math:`K \\le 2` (reciprocal edges)
    and the walks of :math:`\\lceil K/2 \\rceil` hops from every node beyond, so keep ``max_hops``
    at 2 on large graphs. ``"spread"``: with :math:`P_{ij}` the probability that a cascade
    seeded at candidate :math:`i` activates :math:`j \\ne i`,

    .. math::

        \\mathrm{CIV}_i = \\sum_{j \\ne i} s\\,\\mathrm{CLV}_j
        \\frac{P_{ij}}{\\max(1, \\sum_{i' \\ne j} P_{i'j})},

    so overlapping reach is shared out, never counted twice, and never inflated.

    References
    ----------
    .. [1] V. Kumar, V. Bhaskaran, R. Mirchandani and M. Shah, "Creating a Measurable Social
       Media Marketing Strategy: Increasing the Value and ROI of Intangibles and Tangibles
       for Hokey Pokey", Marketing Science 32(2), 2013.
    .. [2] C. H. Hubbell, "An Input-Output Approach to Clique Identification", Sociometry
       28(4), 1965; L. Katz, Psychometrika 18, 1953.

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm import Graph
    >>> from socialcrm.value import influencer_value
    >>> g = Graph.from_pandas(pd.DataFrame({"source": ["hub", "hub", "hub"],
    ...                                     "target": ["a", "b", "c"]}))
    >>> clv = pd.Series({"hub": 500.0, "a": 100.0, "b": 200.0, "c": 300.0})
    >>> influencer_value(g, clv, influenced_share=0.1)["civ"]
    a       0.0
    b       0.0
    c       0.0
    hub    60.0
    Name: civ, dtype: float64
    """
    if method not in _METHODS:
        raise InputError(f"method must be 'katz' or 'spread', got {method!r}")
    s = nonneg_float(influenced_share, "influenced_share", upper=1.0)
    x = _node_values(g, clv)
    if method == "katz":
        hops = _checks.positive_int("max_hops", max_hops)
        if hops > 6:
            raise InputError(f"max_hops must be at most 6, got {max_hops!r}")
        dec = nonneg_float(decay, "decay", upper=1.0)
        civ, exposure = _core.attribute_influence(
            g._csr,
            np.ascontiguousarray(s * x),
            max_hops=hops,
            decay=dec,
            weight=g._weight_name(weight),
            n_threads=_checks.n_threads(n_threads),
            progress=_checks.progress(progress),
        )
        attributed_out = np.where(exposure > 0, s * x, 0.0)
        params: dict[str, Any] = {"max_hops": hops, "decay": dec}
    else:
        civ, exposure, attributed_out = _by_spread(
            g, s * x, customers, model, p, weight, simulations, seed, n_threads
        )
        params = {"model": model, "simulations": simulations, "seed": seed}
    out = pd.DataFrame(
        {
            "clv": x,
            "influenced_value": s * x,
            "attributed_out": attributed_out,
            "exposure": exposure,
            "civ": civ,
        },
        index=g.nodes,
    )
    out.attrs.update(method=method, influenced_share=s, **params)
    return out


def _node_values(g: Graph, clv: Any) -> np.ndarray:
    v = value_series(clv, "clv", nonneg=True)
    x = np.zeros(g.n_nodes)
    if len(v):
        x[g._codes_of(v.index)] = v.to_numpy()
    return x


def _by_spread(
    g: Graph,
    influenced: np.ndarray,
    customers: Any,
    model: str,
    p: Any,
    weight: Any,
    simulations: int,
    seed: int | None,
    n_threads: int | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    from ._diffusion import spread

    cand = np.arange(g.n_nodes) if customers is None else np.unique(g._codes_of(customers))
    base = _checks.seed(seed)
    reach = np.zeros((len(cand), g.n_nodes))
    for row, c in enumerate(cand):
        r = spread(
            g,
            [g.nodes[c]],
            model=model,
            p=p,
            weight=weight,
            simulations=simulations,
            seed=(base + int(c)) % 2**64,
            n_threads=n_threads,
        )
        reach[row] = r.activation.to_numpy()
        reach[row, c] = 0.0  # a seed does not influence itself
    total = reach.sum(axis=0)
    share = influenced / np.maximum(1.0, total)
    civ = np.zeros(g.n_nodes)
    civ[cand] = reach @ share
    return civ, total, share * total
