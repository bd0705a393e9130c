"""Diffusion: how far word of mouth travels from a seed set, and which seeds travel furthest.

Two models of Kempe, Kleinberg & Tardos (2003): Independent Cascade (``model="ic"``) and Linear
Threshold (``model="lt"``). :func:`spread` estimates the expected reach of a seed set by Monte
Carlo simulation; :func:`maximize` chooses seeds by IMM (Tang, Shi & Xiao 2015).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from numbers import Real
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _checks, _core
from .exceptions import InputError, InputTypeError

if TYPE_CHECKING:
    from .graph import Graph

__all__ = ["SpreadResult", "maximize", "spread"]

Progress = Callable[[int, int], object]

#: Two-sided 95% quantile of the standard normal distribution.
_Z95 = 1.959963984540054
_MODELS = ("ic", "lt")


@dataclass(frozen=True, eq=False)
class SpreadResult:
    """Monte Carlo estimate of the expected reach of a seed set (see :func:`spread`).

    Attributes
    ----------
    mean : float
        Expected number of customers active at the end, seeds included.
    std_error : float
        Standard error of ``mean`` (sample standard deviation / sqrt(simulations)).
    ci_low, ci_high : float
        95% normal confidence interval ``mean -/+ 1.96 std_error``.
    simulations : int
        Number of simulations.
    activation : pandas.Series
        Per customer, the share of simulations in which they ended active (1 for seeds).
    value_mean, value_std_error, value_ci_low, value_ci_high : float or None
        The same for the value reached, ``sum of value over active customers``, when
        ``value=`` was given.
    model : str
        ``"ic"`` or ``"lt"``.
    seed : int
        Seed of the random streams (drawn when ``seed=None`` was passed).
    """

    mean: float
    std_error: float
    ci_low: float
    ci_high: float
    simulations: int
    activation: pd.Series
    value_mean: float | None = None
    value_std_error: float | None = None
    value_ci_low: float | None = None
    value_ci_high: float | None = None
    model: str = "ic"
    seed: int = 0

    def summary(self) -> pd.Series:
        """The figures as a Series (without the per-customer activation)."""
        fig: dict[str, Any] = {
            "model": self.model,
            "simulations": self.simulations,
            "seed": self.seed,
            "mean": self.mean,
            "std_error": self.std_error,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
        }
        if self.value_mean is not None:
            fig.update(
                value_mean=self.value_mean,
                value_std_error=self.value_std_error,
                value_ci_low=self.value_ci_low,
                value_ci_high=self.value_ci_high,
            )
        return pd.Series(fig, dtype=object, name="spread")

    def __repr__(self) -> str:
        text = (
            f"SpreadResult(model={self.model!r}, simulations={self.simulations}, "
            f"mean={self.mean:.4g}, std_error={self.std_error:.2g}, "
            f"ci95=({self.ci_low:.4g}, {self.ci_high:.4g})"
        )
        if self.value_mean is not None:
            text += (
                f", value_mean={self.value_mean:.4g}, "
                f"value_ci95=({self.value_ci_low:.4g}, {self.value_ci_high:.4g})"
            )
        return text + ")"


def spread(
    g: Graph,
    seeds: Iterable[Any],
    *,
    model: str = "ic",
    p: float | str | pd.Series | None = None,
    weight: bool | str | None = True,
    simulations: int = 10_000,
    seed: int | None = 0,
    value: pd.Series | None = None,
    n_threads: int | None = None,
    progress: Progress | None = None,
) -> SpreadResult:
    """Expected reach of a seed set under Independent Cascade or Linear Threshold diffusion.

    Runs ``simulations`` independent diffusions from ``seeds`` and averages how many
    customers end up active (seeds included), with a 95% confidence interval, every
    customer's activation probability and, with ``value=``, the expected value reached.

    Parameters
    ----------
    g : Graph
        The customer graph. On an undirected graph every edge spreads both ways.
    seeds : iterable of customer ids
        The seed set; duplicates count once; may be empty (reach 0).
    model : {"ic", "lt"}, default "ic"
        Independent Cascade or Linear Threshold.
    p : None, float, "tie_strength" or pandas.Series, optional
        IC edge probabilities :math:`p_{uv}`:

        - ``None`` (default): the weighted cascade
          :math:`p_{uv} = w_{uv} / \\sum_{x \\ne v} w_{xv}`, the common default of the
          influence-maximization literature (Kempe et al. 2003; ``1 / in-degree`` with
          ``weight=False``);
        - a float in [0, 1]: the same probability on every edge;
        - ``"tie_strength"``: the ``score`` of the pair in :meth:`Graph.tie_strength`, in both
          directions;
        - a Series of probabilities in [0, 1] indexed by ``(source, target)`` id pairs, one per
          edge (on an undirected graph a pair sets the edge both ways and must appear once).
          Pairs that are not edges, and edges without a value, are errors; values on
          self-loops are ignored.

        The LT model uses the normalised weights :math:`b_{uv}` instead and rejects ``p``.
    weight : bool or str, default True
        Edge weight :math:`w` of the weighted cascade and of LT: True or ``"weight"`` for the
        summed event weight (the event count without a weight column), False or None for 1
        per edge, ``"decayed"`` for the time-decayed weight.
    simulations : int, default 10000
        Number of simulations.
    seed : int or None, default 0
        Seed of the random streams; the result depends on it alone, not on the thread count.
        None draws one (reported as ``SpreadResult.seed``).
    value : pandas.Series, optional
        Non-negative value per customer id (e.g. customer lifetime value); customers missing
        from it count 0. Adds the expected value reached.
    n_threads : int, optional
        Threads to use; default all (or ``RAYON_NUM_THREADS``).
    progress : callable, optional
        Called as ``progress(simulations_done, simulations)`` about every 50 ms.

    Returns
    -------
    SpreadResult
        ``mean``, ``std_error``, ``ci_low``, ``ci_high``, ``simulations``, ``activation`` (a
        Series indexed by customer) and, with ``value``, ``value_mean`` and its interval.

    Raises
    ------
    UnknownIdError
        A seed, a ``p`` pair or a ``value`` id is not a customer of ``g``.
    InputError
        Unknown ``model``; ``p`` out of [0, 1], not an edge, missing edges or given with LT;
        NaN or negative values; ``simulations < 1``.

    Notes
    -----
    *Independent Cascade*: when a customer :math:`u` becomes active, it gets one chance to
    activate each inactive out-neighbour :math:`v`, succeeding with probability
    :math:`p_{uv}`. *Linear Threshold*: each customer draws a threshold
    :math:`\\theta_v \\sim U[0, 1]` per simulation and becomes active once

    .. math::

        \\sum_{u \\in N^{in}(v) \\text{ active}} b_{uv} \\ge \\theta_v, \\qquad
        b_{uv} = \\frac{w_{uv}}{\\sum_{x \\ne v} w_{xv}}.

    The estimate is :math:`\\hat\\sigma(S) = \\frac{1}{R}\\sum_{r=1}^R |A_r|` over the
    :math:`R` final active sets, with standard error :math:`s / \\sqrt{R}`; the value reached
    is :math:`\\frac{1}{R}\\sum_r \\sum_{v \\in A_r} x_v`. Self-loops never activate anyone and
    do not count in the sums of in-weights; a customer whose in-weights are all 0 is reached
    only as a seed. Probabilities are held as multiples of :math:`2^{-31}` (0 and 1 exactly)
    and compared with 31-bit random integers; in long rows of unlikely edges the live edges are
    found by geometric skips (Guo et al. 2020), which draws the same law faster. Simulation
    :math:`i` draws from its own random stream of ``seed``, so results are identical on any
    number of threads.

    References
    ----------
    .. [1] D. Kempe, J. Kleinberg and E. Tardos, "Maximizing the Spread of Influence through a
       Social Network", KDD 2003.
    .. [2] Q. Guo, S. Wang, Z. Wei and M. Chen, "Influence Maximization Revisited: Efficient
       Reverse Reachable Set Generation with Bound Tightened", SIGMOD 2020.

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm import Graph
    >>> from socialcrm.influence import spread
    >>> df = pd.DataFrame({"source": ["ann", "bob", "bob"], "target": ["bob", "cid", "dan"]})
    >>> g = Graph.from_pandas(df)
    >>> spread(g, ["ann"], p=1.0, simulations=100).mean
    4.0
    >>> r = spread(g, ["ann"], p=0.5, simulations=20_000)
    >>> round(r.mean, 1)  # exactly 1 + 0.5 * (1 + 0.5 + 0.5) = 2
    2.0
    >>> abs(r.mean - 2) < 4 * r.std_error
    True
    >>> spread(g, ["bob"], p=1.0, simulations=100).activation
    ann    0.0
    bob    1.0
    cid    1.0
    dan    1.0
    Name: activation, dtype: float64
    """
    m = _model(model)
    codes = _seed_codes(g, seeds)
    p_const, p_slots = _probabilities(g, m, p)
    x = _values(g, value)
    sims = _positive_int(simulations, "simulations")
    s = _seed(seed)
    mean, se, vmean, vse, act = _core.spread(
        g._csr,
        codes,
        model=m,
        p=p_const,
        p_slots=p_slots,
        weight=g._weight_name(weight),
        simulations=sims,
        seed=s,
        value=x,
        n_threads=n_threads,
        progress=_callable(progress),
    )
    vlow, vhigh = (None, None) if vmean is None else _ci(vmean, vse)
    return SpreadResult(
        mean=mean,
        std_error=se,
        ci_low=_ci(mean, se)[0],
        ci_high=_ci(mean, se)[1],
        simulations=sims,
        activation=pd.Series(act, index=g.nodes, name="activation"),
        value_mean=vmean,
        value_std_error=vse,
        value_ci_low=vlow,
        value_ci_high=vhigh,
        model=m,
        seed=s,
    )


def maximize(
    g: Graph,
    k: int,
    *,
    model: str = "ic",
    p: float | str | pd.Series | None = None,
    weight: bool | str | None = True,
    epsilon: float = 0.1,
    ell: float = 1.0,
    seed: int | None = 0,
    value: pd.Series | None = None,
    n_threads: int | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """The ``k`` seed customers of near-maximal expected reach, by IMM.

    Influence maximization (Kempe et al. 2003) asks for the seed set :math:`S`, :math:`|S| = k`,
    maximizing the expected reach :math:`\\sigma(S)` of :func:`spread`. IMM (Tang, Shi & Xiao
    2015) samples reverse-reachable (RR) sets, random sets of customers who would have reached
    a random customer, and greedily picks the customers covering the most of them; its seed
    set is within :math:`1 - 1/e - \\varepsilon` of the optimum with probability at least
    :math:`1 - 1/n^\\ell`.

    Parameters
    ----------
    g : Graph
        The customer graph. On an undirected graph every edge spreads both ways.
    k : int
        Number of seeds, at most the number of customers; 0 gives an empty frame.
    model, p, weight
        Diffusion model and edge probabilities, as in :func:`spread`.
    epsilon : float, default 0.1
        Approximation slack :math:`\\varepsilon` in (0, 1); the number of RR sets grows as
        :math:`1/\\varepsilon^2`.
    ell : float, default 1.0
        Confidence exponent :math:`\\ell > 0`.
    seed : int or None, default 0
        Seed of the random streams (None draws one, reported in ``attrs["seed"]``).
    value : pandas.Series, optional
        Non-negative value per customer id (missing customers count 0): maximizes the expected
        value reached instead of the number of customers. RR roots are then drawn in proportion
        to value, so covering a set estimates value; ``reach`` is in value units.
    n_threads : int, optional
        Threads to use; default all (or ``RAYON_NUM_THREADS``).
    progress : callable, optional
        Called as ``progress(rr_sets_done, rr_sets)`` of the current round about every 50 ms.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``rank`` 1..k, columns ``customer``, ``marginal_gain`` (estimated reach the
        seed adds to those ranked above it) and ``reach`` (estimated reach of the top ``rank``
        seeds). ``attrs`` holds ``rr_sets`` (RR sets of the selection), ``sampling_rr_sets``,
        ``rr_total_size`` (summed set sizes), ``lower_bound`` (of the optimum),
        ``approximation`` (:math:`1 - 1/e - \\varepsilon`), ``confidence``
        (:math:`1 - 1/n^\\ell`), ``guarantee`` (the two in words), ``memory_bytes`` (peak bytes
        of RR sets, inverted index and probabilities), ``model``, ``epsilon``, ``ell``,
        ``ell_adjusted`` and ``seed``.

    Raises
    ------
    UnknownIdError
        A ``p`` pair or ``value`` id is not a customer of ``g``.
    InputError
        ``k`` out of range, ``epsilon`` outside (0, 1), ``ell <= 0``, a bad ``p`` or ``value``
        (as in :func:`spread`), or values that are all 0.

    Notes
    -----
    With :math:`\\Gamma = n` (or the total value), :math:`\\varepsilon' = \\sqrt2\\varepsilon`
    and :math:`\\ell` raised to :math:`\\ell (1 + \\ln 2 / \\ln n)` as in the paper, the
    *sampling phase* draws, for :math:`x = \\Gamma / 2^i`, :math:`i = 1, 2, \\dots`,
    :math:`\\lambda' / x` RR sets,

    .. math::

        \\lambda' = \\frac{(2 + \\frac23 \\varepsilon')
        (\\ln \\binom{n}{k} + \\ell \\ln n + \\ln \\log_2 (\\Gamma / LB_0)) \\Gamma}
        {\\varepsilon'^2},

    until the greedy cover :math:`S_i` has :math:`\\Gamma F_R(S_i) \\ge (1 + \\varepsilon')x`,
    giving :math:`LB = \\Gamma F_R(S_i) / (1 + \\varepsilon')` (else :math:`LB_0`, the value
    of the :math:`k` largest customers, i.e. :math:`k`). The *selection phase* draws
    :math:`\\theta = \\lambda^* / LB` fresh RR sets,

    .. math::

        \\lambda^* = 2\\Gamma \\left((1 - \\tfrac1e)\\alpha + \\beta\\right)^2 \\varepsilon^{-2},
        \\quad \\alpha = \\sqrt{\\ell \\ln n + \\ln 2}, \\quad
        \\beta = \\sqrt{(1 - \\tfrac1e)(\\ln \\tbinom{n}{k} + \\ell \\ln n + \\ln 2)},

    and returns the greedy maximum cover of those (lazy greedy, ties to the first customer);
    ``marginal_gain`` is :math:`\\Gamma` times the share of sets each seed newly covers. The
    selection sets are drawn independently of the sampling ones, the fix of Chen (2018) to
    the paper's analysis. IC RR sets follow live in-edges backwards from a random root; LT RR
    sets walk back along one in-edge per customer, chosen with probability :math:`b_{uv}`.
    RR sets are stored flat (node codes and offsets) with an inverted index built once per
    round; set :math:`j` uses its own random stream, so the result does not depend on the
    thread count.

    References
    ----------
    .. [1] Y. Tang, Y. Shi and X. Xiao, "Influence Maximization in Near-Linear Time: A
       Martingale Approach", SIGMOD 2015.
    .. [2] W. Chen, "An Issue in the Martingale Analysis of the Influence Maximization
       Algorithm IMM", CSoNet 2018.
    .. [3] C. Borgs, M. Brautbar, J. Chayes and B. Lucier, "Maximizing Social Influence in
       Nearly Optimal Time", SODA 2014.

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm import Graph
    >>> from socialcrm.influence import maximize
    >>> df = pd.DataFrame({"source": ["hub"] * 4 + ["eve"], "target": list("abcd") + ["f"]})
    >>> top = maximize(Graph.from_pandas(df), 2, p=1.0)
    >>> top.round(0)
         customer  marginal_gain  reach
    rank
    1         hub            5.0    5.0
    2         eve            2.0    7.0
    >>> top.attrs["guarantee"]
    'reach >= (1 - 1/e - 0.1) x optimal with probability >= 1 - 1/7^1'
    """
    m = _model(model)
    n = g.n_nodes
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 <= k <= n:
        raise InputError(f"k must be an integer in 0..{n} (the number of customers), got {k!r}")
    if not isinstance(epsilon, Real) or not 0 < epsilon < 1:
        raise InputError(f"epsilon must be in (0, 1), got {epsilon!r}")
    if not isinstance(ell, Real) or not (0 < ell < math.inf):
        raise InputError(f"ell must be positive and finite, got {ell!r}")
    p_const, p_slots = _probabilities(g, m, p)
    x = _values(g, value)
    if x is not None and k > 0 and not x.sum() > 0:
        raise InputError("value must be positive for at least one customer of the graph")
    s = _seed(seed)
    codes, gains, info = _core.maximize(
        g._csr,
        int(k),
        model=m,
        p=p_const,
        p_slots=p_slots,
        weight=g._weight_name(weight),
        epsilon=float(epsilon),
        ell=float(ell),
        seed=s,
        value=x,
        n_threads=n_threads,
        progress=_callable(progress),
    )
    out = pd.DataFrame(
        {"customer": g.nodes.take(codes), "marginal_gain": gains, "reach": np.cumsum(gains)},
        index=pd.RangeIndex(1, len(codes) + 1, name="rank"),
    )
    rr_sets, sampling, total, lower, ell_adj, memory = info
    out.attrs.update(
        rr_sets=int(rr_sets),
        sampling_rr_sets=int(sampling),
        rr_total_size=int(total),
        lower_bound=float(lower),
        approximation=1 - 1 / math.e - float(epsilon),
        confidence=1 - float(max(n, 1)) ** -float(ell),
        guarantee=(
            f"reach >= (1 - 1/e - {epsilon:g}) x optimal with probability >= 1 - 1/{n}^{ell:g}"
        ),
        memory_bytes=int(memory),
        model=m,
        epsilon=float(epsilon),
        ell=float(ell),
        ell_adjusted=float(ell_adj),
        seed=s,
    )
    return out


# ---------------------------------------------------------------------- argument checks
def _model(model: Any) -> str:
    if model not in _MODELS:
        raise InputError(f"model must be 'ic' (independent cascade) or 'lt', got {model!r}")
    return str(model)


def _seed_codes(g: Graph, seeds: Any) -> np.ndarray:
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Iterable):
        raise InputTypeError(f"seeds must be an iterable of customer ids, got {seeds!r}")
    ids = list(seeds)
    if not ids:
        return np.zeros(0, dtype=np.uint32)
    return np.ascontiguousarray(np.unique(g._codes_of(ids)), dtype=np.uint32)


def _positive_int(x: Any, name: str) -> int:
    return _checks.positive_int(name, x)


_seed = _checks.seed
_callable = _checks.progress


def _ci(mean: float, se: float) -> tuple[float, float]:
    return mean - _Z95 * se, mean + _Z95 * se


def _values(g: Graph, value: Any) -> np.ndarray | None:
    """Per-node values (0 for customers missing from ``value``), checked."""
    if value is None:
        return None
    if not isinstance(value, pd.Series):
        raise InputTypeError(
            f"value must be a pandas Series indexed by customer id, got {type(value).__name__}"
        )
    if not pd.api.types.is_numeric_dtype(value.dtype) or pd.api.types.is_bool_dtype(value.dtype):
        raise InputTypeError(f"value must hold numbers, got dtype {value.dtype}")
    dup = value.index.duplicated()
    if dup.any():
        raise InputError(f"value: {int(dup.sum())} customer ids appear more than once")
    x = value.to_numpy(dtype=float, na_value=np.nan)
    bad = ~np.isfinite(x) | (x < 0)
    if bad.any():
        first = value.index[np.flatnonzero(bad)[0]]
        raise InputError(
            f"value: {int(bad.sum())} values are NaN, infinite or negative "
            f"(first for customer {first!r}); values must be finite and >= 0"
        )
    out = np.zeros(g.n_nodes)
    if len(value):
        out[g._codes_of(value.index)] = x
    return out


def _probabilities(g: Graph, model: str, p: Any) -> tuple[float | None, np.ndarray | None]:
    """``(constant, per-slot array)`` for the core; both None for the weighted cascade."""
    if p is None:
        return None, None
    if model == "lt":
        raise InputError(
            "p is not used by the linear threshold model, which normalises the in-weights "
            "(b_uv = w_uv / sum of v's in-weights); pass p=None or model='ic'"
        )
    if isinstance(p, str):
        if p != "tie_strength":
            raise InputError(f"p must be None, a float, 'tie_strength' or a Series, got {p!r}")
        ties = g.tie_strength()
        a = g._codes_of(ties.index.get_level_values(0))
        b = g._codes_of(ties.index.get_level_values(1))
        return None, _per_slot(g, a, b, ties["score"].to_numpy(dtype=float), both_ways=True)
    if isinstance(p, pd.Series):
        return None, _series_probabilities(g, p)
    if isinstance(p, Real) and not isinstance(p, bool):
        if not 0 <= p <= 1:
            raise InputError(f"p must be a probability in [0, 1], got {p!r}")
        return float(p), None
    raise InputTypeError(
        f"p must be None, a float, 'tie_strength' or a Series, got {type(p).__name__}"
    )


def _series_probabilities(g: Graph, p: pd.Series) -> np.ndarray:
    if not isinstance(p.index, pd.MultiIndex) or p.index.nlevels != 2:
        raise InputError("p as a Series must be indexed by (source, target) customer id pairs")
    if not pd.api.types.is_numeric_dtype(p.dtype) or pd.api.types.is_bool_dtype(p.dtype):
        raise InputTypeError(f"p must hold numbers, got dtype {p.dtype}")
    x = p.to_numpy(dtype=float, na_value=np.nan)
    bad = ~((x >= 0) & (x <= 1))
    if bad.any():
        raise InputError(
            f"p: {int(bad.sum())} values are not probabilities in [0, 1] "
            f"(first at pair {p.index[np.flatnonzero(bad)[0]]!r})"
        )
    a = g._codes_of(p.index.get_level_values(0))
    b = g._codes_of(p.index.get_level_values(1))
    return _per_slot(g, a, b, x, both_ways=not g.directed, pairs=p.index)


def _per_slot(
    g: Graph,
    a: np.ndarray,
    b: np.ndarray,
    x: np.ndarray,
    *,
    both_ways: bool,
    pairs: pd.MultiIndex | None = None,
) -> np.ndarray:
    """Probabilities per out-slot from values on pairs ``a -> b`` (and ``b -> a``).

    With ``pairs`` (the user's index), pairs that are not edges and edges given twice are
    errors; without, pairs with no edge in a direction are skipped.
    """
    fwd, n_slots = _core.edge_slots(g._csr, a, b)
    if pairs is not None and (fwd < 0).any():
        missing = fwd < 0
        shown = ", ".join(repr(t) for t in pairs[missing][:3])
        raise InputError(f"p: {int(missing.sum())} pairs are not edges of the graph (e.g. {shown})")
    if both_ways:
        back, _ = _core.edge_slots(g._csr, b, a)
        loop = a == b
        slots = np.concatenate([fwd, back[~loop]])
        vals = np.concatenate([x, x[~loop]])
    else:
        slots, vals = fwd, x
    keep = slots >= 0
    slots, vals = slots[keep], vals[keep]
    if pairs is not None:
        _, counts = np.unique(slots, return_counts=True)
        if (counts > 1).any():
            raise InputError(
                f"p: {int((counts > 1).sum())} edges are given more than once"
                + (" (a pair and its reverse name the same edge)" if not g.directed else "")
            )
    out = np.full(n_slots, np.nan)
    out[slots] = vals
    src, dst, *_ = _core.edge_table(g._csr)
    edge_slot, _ = _core.edge_slots(g._csr, src, dst)
    lacking = np.isnan(out[edge_slot]) & (src != dst)
    if lacking.any():
        first = (g.nodes[src[lacking][0]], g.nodes[dst[lacking][0]])
        raise InputError(
            f"p: {int(lacking.sum())} edges of the graph have no probability "
            f"(e.g. {first!r}); give one per edge"
        )
    out[np.isnan(out)] = 0.0  # self-loops, which never spread
    return np.ascontiguousarray(out)
