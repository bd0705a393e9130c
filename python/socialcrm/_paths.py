"""Shortest-path influence: betweenness (exact and sampled) and harmonic closeness."""

from __future__ import annotations

import numbers
from collections.abc import Callable

import pandas as pd

from . import _checks, _core
from .exceptions import InputError, InputTypeError
from .graph import Graph

__all__ = ["betweenness", "harmonic"]

Progress = Callable[[int, int], object]


def _check_run_options(n_threads: int | None, progress: Progress | None) -> None:
    _checks.n_threads(n_threads)
    _checks.progress(progress)


def _open_unit(name: str, value: object) -> float:
    """A float strictly between 0 and 1, or InputError naming the parameter."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputTypeError(f"{name} must be a number strictly between 0 and 1, got {value!r}")
    x = float(value)
    if not 0.0 < x < 1.0:
        raise InputError(f"{name} must be strictly between 0 and 1, got {value!r}")
    return x


_seed = _checks.seed


def betweenness(
    g: Graph,
    *,
    weight: bool | str | None = None,
    normalized: bool = True,
    endpoints: bool = False,
    epsilon: float | None = None,
    delta: float = 0.1,
    seed: int | None = 0,
    exact_if_cheaper: bool = True,
    n_threads: int | None = None,
    progress: Progress | None = None,
) -> pd.Series:
    """Betweenness centrality: how often a customer lies on the shortest paths between others.

    Customers with high betweenness broker between groups that would otherwise not hear of
    each other. Exact by default (Brandes' algorithm); with ``epsilon``, estimated from random
    shortest paths with a guaranteed maximum error (Riondato and Kornaropoulos), which is far
    faster on large graphs.

    Parameters
    ----------
    g : Graph
        The customer graph.
    weight : bool or {"weight", "decayed"}, optional
        Edge weight read as tie strength: ``True``/``"weight"`` the summed event weight,
        ``"decayed"`` the time-decayed weight; ``None``/``False`` counts hops. A weighted path's
        length is the sum of ``1 / w`` over its edges, so strong ties are short. Edges of
        weight 0 have infinite length and lie on no path.
    normalized : bool, default True
        Divide by the number of ordered pairs that can have the customer on their path (see
        Notes). Unnormalized values of an undirected graph count each unordered pair once.
    endpoints : bool, default False
        Count the two ends of each path as on it.
    epsilon : float, optional
        Estimate instead of computing exactly: with probability at least ``1 - delta`` every
        estimate is within ``epsilon`` of the exact value on the scale :math:`B(v) / (n(n-1))`.
        In ``(0, 1)``.
    delta : float, default 0.1
        Probability that some estimate misses by more than ``epsilon``. In ``(0, 1)``. Only
        used with ``epsilon``.
    seed : int or None, default 0
        Seed of the sampling; ``None`` draws one (reported in ``result.attrs["seed"]``). The
        result depends on the seed only, never on the number of threads.
    exact_if_cheaper : bool, default True
        With ``epsilon``: return the exact values instead when Brandes' algorithm would scan
        fewer arcs than the samples (small graphs, or a small ``epsilon``); see Notes.
        ``False`` always samples.
    n_threads : int, optional
        Threads to use; default all (or ``RAYON_NUM_THREADS``).
    progress : callable, optional
        Called as ``progress(done, total)`` about every 50 ms, counting sources (exact) or
        samples (estimated).

    Returns
    -------
    pandas.Series
        Named ``"betweenness"``, indexed by customer. With ``epsilon``, ``attrs`` holds
        ``epsilon``, ``delta``, ``seed``, ``samples`` (the sample size :math:`r` the guarantee
        requires), ``vertex_diameter_bound`` and ``exact`` (whether the exact values were
        computed instead of drawing the samples).

    Raises
    ------
    InputError
        ``epsilon`` or ``delta`` outside ``(0, 1)``, a bad ``seed`` or ``n_threads``, or
        ``weight="decayed"`` on a graph built without a half-life.

    Notes
    -----
    With :math:`\\sigma_{st}` the number of shortest paths from :math:`s` to :math:`t` and
    :math:`\\sigma_{st}(v)` the number through :math:`v`,

    .. math::

        B(v) = \\sum_{s \\ne v \\ne t} \\frac{\\sigma_{st}(v)}{\\sigma_{st}}

    over ordered pairs, as in ``networkx.betweenness_centrality`` (same values, directed or
    not). Normalized, :math:`B(v)` is divided by :math:`(n-1)(n-2)` (by :math:`n(n-1)` with
    endpoints); unnormalized, an undirected graph's :math:`B(v)` is halved. Graphs with fewer
    than 3 customers (2 with endpoints) are all zero. On a directed graph paths follow the
    edge direction; an undirected graph is used as it is. Self-loops lie on no shortest path.

    Weighted lengths that differ by at most :math:`10^{-10}` relative count as tied (as in
    igraph), so that for instance :math:`1/3 + 1/3 + 1/3` and :math:`1` split the paths.

    The exact computation takes :math:`O(nm)` time (:math:`O(nm \\log n)` weighted), in
    parallel over sources, each source's dependencies added in fixed point, so results are
    bit-identical on any number of threads.

    The estimate draws :math:`r` ordered pairs :math:`(u, v)` uniformly, and for each a
    uniformly random shortest path (found by a balanced bidirectional BFS, or Dijkstra when
    weighted); :math:`\\tilde b(w)` is the share of samples with :math:`w` inside the path.

    .. math::

        r = \\left\\lceil \\frac{c}{\\varepsilon^2} \\left(\\lfloor \\log_2(VD - 2) \\rfloor
            + 1 + \\ln \\frac{1}{\\delta}\\right) \\right\\rceil, \\quad c = 0.5,

    where :math:`VD` bounds the number of nodes on a shortest path (:math:`VD` replaces
    :math:`VD - 2` with endpoints). Then
    :math:`\\Pr[\\max_w |\\tilde b(w) - B(w)/(n(n-1))| \\le \\varepsilon] \\ge 1 - \\delta`.
    :math:`VD` is bounded per strongly connected component (connected component when
    undirected) by :math:`ecc_{out}(x) + ecc_{in}(x) + 1` nodes from one node :math:`x`
    (:math:`2\\,ecc(x) + 1` undirected), or by the component's length bound divided by its
    shortest edge when weighted, and never more than the component's size; components are
    chained along the condensation. The returned value is :math:`\\tilde b(w)\\, n(n-1)`
    rescaled like the exact one, so ``epsilon`` bounds the error of normalized values by
    :math:`\\varepsilon\\, n/(n-2)` (by :math:`\\varepsilon` with endpoints). Sample :math:`i`
    uses its own random stream of ``seed``.

    The first 128 samples measure the mean number of arcs :math:`a` one search scans. When
    the exact computation would cost less, :math:`0.4\\, n m < r a` with :math:`m` arcs (an
    arc of Brandes' ordered sweeps measured about 0.4 times the cost of an arc of a sample's
    search), and ``exact_if_cheaper`` is set, the exact values are returned: their error is
    0, so the guarantee holds with certainty. On the 34-customer karate club,
    ``epsilon=0.01`` asks for 26,513 samples against 34 sources. The decision depends on the
    seed and the graph only, not on timing or threads.

    References
    ----------
    .. [1] U. Brandes, "A faster algorithm for betweenness centrality", Journal of
       Mathematical Sociology 25(2), 2001.
    .. [2] M. Riondato and E. M. Kornaropoulos, "Fast approximation of betweenness centrality
       through sampling", Data Mining and Knowledge Discovery 30(2), 2016.
    .. [3] M. Borassi and E. Natale, "KADABRA is an adaptive algorithm for betweenness via
       random approximation", ACM J. Exp. Algorithmics 24, 2019 (balanced bidirectional BFS).

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm import Graph
    >>> from socialcrm.influence import betweenness
    >>> df = pd.DataFrame({"source": ["a", "b", "b", "c"], "target": ["b", "c", "d", "d"]})
    >>> g = Graph.from_pandas(df, directed=False)
    >>> betweenness(g, normalized=False)
    a    0.0
    b    2.0
    c    0.0
    d    0.0
    Name: betweenness, dtype: float64
    >>> est = betweenness(g, normalized=False, epsilon=0.05, seed=1)
    >>> est.attrs["samples"], est.attrs["vertex_diameter_bound"], est.attrs["exact"]
    (661, 3, True)
    >>> drawn = betweenness(g, normalized=False, epsilon=0.05, seed=1, exact_if_cheaper=False)
    >>> drawn.attrs["exact"], bool(abs(drawn["b"] - 2.0) <= 0.05 * 4 * 3 / 2)
    (False, True)
    """
    _check_run_options(n_threads, progress)
    how = g._weight_name(weight)
    normalized = _checks.flag("normalized", normalized)
    endpoints = _checks.flag("endpoints", endpoints)
    if epsilon is None:
        scores = _core.betweenness(
            g._csr,
            weight=how,
            normalized=normalized,
            endpoints=endpoints,
            n_threads=n_threads,
            progress=progress,
        )
        return pd.Series(scores, index=g.nodes, name="betweenness")
    eps = _open_unit("epsilon", epsilon)
    dlt = _open_unit("delta", delta)
    used_seed = _seed(seed)
    scores, samples, vd, exact = _core.sampled_betweenness(
        g._csr,
        epsilon=eps,
        delta=dlt,
        weight=how,
        normalized=normalized,
        endpoints=endpoints,
        seed=used_seed,
        exact_if_cheaper=_checks.flag("exact_if_cheaper", exact_if_cheaper),
        n_threads=n_threads,
        progress=progress,
    )
    out = pd.Series(scores, index=g.nodes, name="betweenness")
    out.attrs.update(
        epsilon=eps,
        delta=dlt,
        seed=used_seed,
        samples=samples,
        vertex_diameter_bound=vd,
        exact=exact,
    )
    return out


def harmonic(
    g: Graph,
    *,
    weight: bool | str | None = None,
    normalized: bool = False,
    n_threads: int | None = None,
    progress: Progress | None = None,
) -> pd.Series:
    """Harmonic closeness: how near a customer is to everyone else, summing inverse distances.

    Unlike classic closeness it stays meaningful on disconnected graphs: a customer no one can
    reach adds nothing.

    Parameters
    ----------
    g : Graph
        The customer graph.
    weight : bool or {"weight", "decayed"}, optional
        Edge weight read as tie strength: ``True``/``"weight"`` the summed event weight,
        ``"decayed"`` the time-decayed weight; ``None``/``False`` counts hops. A weighted
        distance sums ``1 / w`` over the path's edges (strong ties are short); edges of weight
        0 are never used.
    normalized : bool, default False
        Divide by :math:`n - 1`, the value of a customer every other one reaches in one hop.
    n_threads : int, optional
        Threads to use; default all (or ``RAYON_NUM_THREADS``).
    progress : callable, optional
        Called as ``progress(done, total)`` about every 50 ms, counting customers.

    Returns
    -------
    pandas.Series
        Named ``"harmonic"``, indexed by customer.

    Raises
    ------
    InputError
        A bad ``n_threads``, or ``weight="decayed"`` on a graph built without a half-life.

    Notes
    -----
    .. math::

        H(u) = \\sum_{v \\ne u} \\frac{1}{d(v, u)}, \\qquad \\frac{1}{\\infty} = 0,

    as ``networkx.harmonic_centrality``: on a directed graph :math:`d(v, u)` is the distance
    *from* each other customer :math:`v` *to* :math:`u`, so a customer scores high when others
    reach them easily (their messages arrive). An undirected graph is used as it is. Hop
    distances use a multi-source BFS (64 customers per traversal); weighted ones Dijkstra.
    Each customer's sum is computed by one task in a fixed order: results do not depend on the
    number of threads. Graphs of one customer score 0.

    References
    ----------
    .. [1] M. Marchiori and V. Latora, "Harmony in the small-world", Physica A 285, 2000.
    .. [2] P. Boldi and S. Vigna, "Axioms for centrality", Internet Mathematics 10, 2014.

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm import Graph
    >>> from socialcrm.influence import harmonic
    >>> df = pd.DataFrame({"source": ["a", "b"], "target": ["b", "c"]})
    >>> harmonic(Graph.from_pandas(df))
    a    0.0
    b    1.0
    c    1.5
    Name: harmonic, dtype: float64
    """
    _check_run_options(n_threads, progress)
    how = g._weight_name(weight)
    normalized = _checks.flag("normalized", normalized)
    scores = _core.harmonic(
        g._csr, weight=how, normalized=normalized, n_threads=n_threads, progress=progress
    )
    return pd.Series(scores, index=g.nodes, name="harmonic")
