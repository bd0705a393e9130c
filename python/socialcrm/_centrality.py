"""Spectral centralities: PageRank, Katz, eigenvector and HITS (hubs and authorities).

All four run in the Rust core on the graph's adjacency in "pull" form, by power iteration
(PageRank, Katz, directed eigenvector) or restarted Lanczos (HITS, undirected eigenvector, and
Katz's default lambda_max on undirected graphs): each customer's new score is one sum over the
customers pointing at them, in a fixed order, and the global sums (residual, norm, dangling mass,
dot products) are folded in fixed chunks. Scores are therefore bit-identical whatever the number
of threads.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _checks, _core
from ._frames import frame
from .exceptions import ConvergenceError, InputError

if TYPE_CHECKING:
    from .graph import Graph

__all__ = ["eigenvector", "hits", "katz", "pagerank"]

Progress = Callable[[int, int], object]

#: Share of ``1 / lambda_max`` used as Katz's default attenuation.
KATZ_ALPHA_SHARE = 0.85
#: Katz attenuation used by default when the graph has no cycle (``lambda_max = 0``).
KATZ_ACYCLIC_ALPHA = 0.1
#: Iteration limit (power steps or Lanczos products) of the estimate of ``lambda_max``.
SPECTRAL_RADIUS_MAX_ITER = 10_000


# ---------------------------------------------------------------- argument checks (shared)
def _check_real(name: str, value: Any, *, low: float, high: float = math.inf) -> float:
    """``value`` as a float, finite and in ``[low, high)``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputError(f"{name} must be a number, got {value!r}")
    x = float(value)
    if not (math.isfinite(x) and low <= x < high):
        bound = f"in [{low:g}, {high:g})" if math.isfinite(high) else f">= {low:g}"
        raise InputError(f"{name} must be a finite number {bound}, got {value!r}")
    return x


def _check_positive(name: str, value: Any) -> float:
    x = _check_real(name, value, low=0.0)
    if x <= 0:
        raise InputError(f"{name} must be > 0, got {value!r}")
    return x


_check_count = _checks.positive_int
_check_threads = _checks.n_threads
_check_progress = _checks.progress


def _personalization(g: Graph, personalization: Any) -> np.ndarray:
    """Dense teleport weights (one per customer) from a Series or mapping id -> weight."""
    if isinstance(personalization, Mapping):
        personalization = pd.Series(dict(personalization), dtype=object)
    if not isinstance(personalization, pd.Series):
        raise InputError(
            "personalization must be a pandas Series or a dict mapping customer id to weight, "
            f"got {type(personalization).__name__}"
        )
    if personalization.index.has_duplicates:
        dup = personalization.index[personalization.index.duplicated()][:5].tolist()
        raise InputError(f"personalization has repeated customer ids: {dup}")
    try:
        values = personalization.to_numpy(dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise InputError(f"personalization values must be numbers: {err}") from None
    bad = ~(np.isfinite(values) & (values >= 0))
    if bad.any():
        first = personalization.index[np.flatnonzero(bad)[0]]
        raise InputError(
            f"personalization: {int(bad.sum())} weights are negative or not finite "
            f"(first for customer {first!r}: {values[bad][0]!r})"
        )
    codes = g._codes_of(personalization.index)
    if not (values > 0).any():
        raise InputError("personalization must give a positive weight to at least one customer")
    dense = np.zeros(g.n_nodes, dtype=np.float64)
    dense[codes] = values
    return dense


def _series(g: Graph, values: np.ndarray, name: str, **attrs: Any) -> pd.Series:
    s = pd.Series(values, index=g.nodes, name=name)
    s.attrs.update(attrs)
    return s


# ---------------------------------------------------------------- PageRank
def pagerank(
    g: Graph,
    *,
    damping: float = 0.85,
    personalization: pd.Series | Mapping[Any, float] | None = None,
    weight: bool | str | None = True,
    tol: float = 1e-6,
    max_iter: int = 100,
    n_threads: int | None = None,
    progress: Progress | None = None,
) -> pd.Series:
    """PageRank: the share of time a random walker spends at each customer.

    The walker follows an outgoing edge with probability ``damping`` (choosing among them in
    proportion to their weight) and otherwise jumps to a customer drawn from the
    personalization (uniform by default). Customers reached by many, or by highly ranked,
    customers rank high. Same semantics as :func:`networkx.pagerank`.

    Parameters
    ----------
    g : Graph
        The customer graph.
    damping : float, default 0.85
        Probability ``d`` of following an edge, in ``[0, 1)``.
    personalization : pandas.Series or dict, optional
        Teleport weight per customer id (non-negative, at least one positive; normalized to sum
        1). Customers not listed get 0. Use it for "influence around these customers", e.g. the
        customers who churned or bought a product. Default: uniform.
    weight : bool or str, default True
        ``True``/``"weight"``: transition probabilities in proportion to the summed event weight;
        ``False``/``None``: every edge counts 1; ``"decayed"``: time-decayed weight (graphs built
        with ``half_life``).
    tol : float, default 1e-6
        Stop when the L1 change of the scores is below ``n * tol``.
    max_iter : int, default 100
        Iterations before giving up.
    n_threads : int, optional
        Threads to use (default: all, or ``RAYON_NUM_THREADS``). Scores do not depend on it.
    progress : callable, optional
        Called as ``progress(done, total)`` about every 50 ms, counting iterations.

    Returns
    -------
    pandas.Series
        ``pagerank`` score per customer, summing to 1; ``.attrs["iterations"]`` holds the
        iterations run. An empty graph gives an empty Series.

    Raises
    ------
    InputError
        For a bad parameter, negative or non-finite personalization weights, or all of them 0.
    UnknownIdError
        For personalization ids that are not customers of the graph.
    ConvergenceError
        If the tolerance is not met within ``max_iter`` iterations.

    Notes
    -----
    With :math:`P_{uv} = w_{uv} / s_u` (:math:`s_u` the out-strength of :math:`u`), the
    normalized personalization :math:`p` and the set :math:`D` of dangling customers (no
    outgoing weight), power iteration from the uniform vector computes

    .. math::

        x'_v = d \\Big( \\sum_{u \\to v} x_u P_{uv} + p_v \\sum_{u \\in D} x_u \\Big)
               + (1 - d)\\, p_v

    so a dangling customer's score is spread like the teleport, as networkx does with its
    default ``dangling=None``. On an undirected graph every edge counts both ways; a self-loop
    is one edge from the customer to itself. Note the direction: in a graph of replies
    (answerer -> asker, as :meth:`Graph.from_posts` builds it) PageRank flows to the askers.

    References
    ----------
    .. [1] L. Page, S. Brin, R. Motwani and T. Winograd, "The PageRank citation ranking:
       Bringing order to the Web", Stanford InfoLab, 1999.
    .. [2] A. Langville and C. Meyer, "Deeper inside PageRank", Internet Mathematics 1(3), 2004.

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm import Graph
    >>> from socialcrm.influence import pagerank
    >>> df = pd.DataFrame({"source": ["a", "b", "c", "d"], "target": ["b", "c", "a", "c"]})
    >>> pagerank(Graph.from_pandas(df)).round(4)
    a    0.3202
    b    0.3097
    c    0.3326
    d    0.0375
    Name: pagerank, dtype: float64
    """
    damping = _check_real("damping", damping, low=0.0, high=1.0)
    tol = _check_real("tol", tol, low=0.0)
    max_iter = _check_count("max_iter", max_iter)
    w = g._weight_name(weight)
    p = None if personalization is None else _personalization(g, personalization)
    scores, iterations, _ = _core.pagerank(
        g._csr,
        damping=damping,
        personalization=p,
        weight=w,
        tol=tol,
        max_iter=max_iter,
        n_threads=_check_threads(n_threads),
        progress=_check_progress(progress),
    )
    return _series(g, scores, "pagerank", iterations=iterations)


# ---------------------------------------------------------------- Katz
def katz(
    g: Graph,
    *,
    alpha: float | None = None,
    beta: float = 1.0,
    weight: bool | str | None = True,
    normalized: bool = True,
    tol: float = 1e-6,
    max_iter: int = 1000,
    n_threads: int | None = None,
    progress: Progress | None = None,
) -> pd.Series:
    """Katz centrality: every walk that reaches a customer counts, shorter walks more.

    Same semantics as :func:`networkx.katz_centrality` (a customer scores from the customers
    pointing at them), except for the default ``alpha``, which here adapts to the graph.

    Parameters
    ----------
    g : Graph
        The customer graph.
    alpha : float, optional
        Attenuation per step, ``0 < alpha < 1 / lambda_max`` where ``lambda_max`` is the
        largest eigenvalue (spectral radius) of the weighted adjacency matrix. Default
        ``0.85 / lambda_max``, with ``lambda_max`` estimated numerically (see Notes); on a graph
        without a cycle (``lambda_max = 0``, every ``alpha`` converges) the default is 0.1.
    beta : float, default 1.0
        Score every customer receives on their own (> 0).
    weight : bool or str, default True
        Entries of the adjacency matrix: summed event weight (``True``/``"weight"``), 1 per edge
        (``False``/``None``) or the time-decayed weight (``"decayed"``).
    normalized : bool, default True
        Scale the scores to unit Euclidean norm.
    tol : float, default 1e-6
        Stop when the L1 change of the (unnormalized) scores is below ``n * tol``.
    max_iter : int, default 1000
        Iterations before giving up.
    n_threads : int, optional
        Threads to use. Scores do not depend on it.
    progress : callable, optional
        Called as ``progress(done, total)`` about every 50 ms, counting iterations (first of
        the estimate of ``lambda_max``, then of the scores).

    Returns
    -------
    pandas.Series
        ``katz`` score per customer. ``.attrs`` holds ``alpha`` (the one used), ``lambda_max``
        (the estimate, or None when ``alpha`` was given and proved small enough without it) and
        ``iterations``.

    Raises
    ------
    InputError
        For a bad parameter, in particular ``alpha >= 1 / lambda_max``.
    ConvergenceError
        If the tolerance is not met within ``max_iter`` iterations, or the estimate of
        ``lambda_max`` for the default ``alpha`` does not converge (pass ``alpha`` then).

    Notes
    -----
    .. math::

        x = \\alpha A^T x + \\beta \\mathbf{1}
        \\quad\\Longleftrightarrow\\quad
        x = \\beta \\sum_{k \\ge 0} \\alpha^k (A^T)^k \\mathbf{1}

    iterated from :math:`x = 0`. The series converges only for
    :math:`\\alpha < 1 / \\lambda_{max}`. For the default ``alpha`` on an undirected graph,
    :math:`\\lambda_{max}` is the largest eigenvalue of the symmetric :math:`A`, found by
    restarted Lanczos (as in :func:`eigenvector`) to a relative residual of :math:`10^{-7}`,
    which puts it within :math:`10^{-14} \\lambda_{max}^2 / \\mathrm{gap}` (relative errors
    of :math:`10^{-15}` to :math:`10^{-14}` against scipy's ``eigsh`` on the benchmark graphs);
    otherwise it is estimated by power iteration on :math:`A^T + I` (the shift avoids
    oscillation on bipartite or periodic graphs) to a relative precision of about
    :math:`10^{-13}`, and the Collatz-Wielandt bound
    :math:`\\max_v (A^T x)_v / x_v \\ge \\lambda_{max}` accepts a small explicit ``alpha``
    early. On an undirected graph every edge counts both ways.

    Weights are used at their own scale unless the largest lies beyond :math:`2^{\\pm 128}`
    (about 3e38 and 3e-39); they are then multiplied exactly by a power of two that brings it
    near 1, since products would overflow or lose every digit; the estimate is scaled back.

    References
    ----------
    .. [1] L. Katz, "A new status index derived from sociometric analysis", Psychometrika 18,
       1953.

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm import Graph
    >>> from socialcrm.influence import katz
    >>> df = pd.DataFrame({"source": ["a", "a", "b"], "target": ["b", "c", "c"]})
    >>> katz(Graph.from_pandas(df), alpha=0.5, normalized=False)
    a    1.00
    b    1.50
    c    2.25
    Name: katz, dtype: float64
    """
    beta = _check_positive("beta", beta)
    tol = _check_real("tol", tol, low=0.0)
    max_iter = _check_count("max_iter", max_iter)
    w = g._weight_name(weight)
    n_threads = _check_threads(n_threads)
    progress = _check_progress(progress)
    if alpha is not None:
        alpha = _check_positive("alpha", alpha)
    lam, upper, converged, _ = _core.spectral_radius(
        g._csr,
        weight=w,
        max_iter=SPECTRAL_RADIUS_MAX_ITER,
        stop_below=None if alpha is None else 1.0 / alpha,
        n_threads=n_threads,
        progress=progress,
    )
    # The bound stopped the estimate early: alpha is proved small enough, lam is rough.
    proved_small = alpha is not None and upper * alpha < 1
    if alpha is None:
        if not converged:
            raise ConvergenceError(
                "the iteration estimating lambda_max (for the default alpha = "
                f"{KATZ_ALPHA_SHARE} / lambda_max) did not converge in "
                f"{SPECTRAL_RADIUS_MAX_ITER} iterations; pass alpha explicitly"
            )
        alpha = KATZ_ALPHA_SHARE / lam if lam > 0 else KATZ_ACYCLIC_ALPHA
    elif not proved_small and converged and alpha * lam >= 1:
        raise InputError(
            f"alpha must be below 1 / lambda_max = {1 / lam:.6g}, where lambda_max = {lam:.6g} "
            "is the largest eigenvalue of the weighted adjacency matrix (the Katz series "
            f"diverges otherwise); got alpha={alpha!r}"
        )
    lam_out = lam if converged and not proved_small else None
    scores, iterations, _ = _core.katz(
        g._csr,
        alpha=alpha,
        beta=beta,
        weight=w,
        normalized=bool(normalized),
        tol=tol,
        max_iter=max_iter,
        n_threads=n_threads,
        progress=progress,
    )
    return _series(g, scores, "katz", alpha=alpha, lambda_max=lam_out, iterations=iterations)


# ---------------------------------------------------------------- eigenvector
def eigenvector(
    g: Graph,
    *,
    weight: bool | str | None = True,
    tol: float = 1e-6,
    max_iter: int = 100,
    n_threads: int | None = None,
    progress: Progress | None = None,
) -> pd.Series:
    """Eigenvector centrality: customers reached by well-connected customers score high.

    Same semantics as :func:`networkx.eigenvector_centrality`: the left Perron eigenvector of
    the weighted adjacency matrix, so a customer scores from the customers pointing at them.

    Parameters
    ----------
    g : Graph
        The customer graph.
    weight : bool or str, default True
        Entries of the adjacency matrix: summed event weight (``True``/``"weight"``), 1 per edge
        (``False``/``None``) or the time-decayed weight (``"decayed"``).
    tol : float, default 1e-6
        Stop when the L1 change of the normalized scores is below ``n * tol`` (on an undirected
        graph: when one more power step would change them by less than that; see Notes).
    max_iter : int, default 100
        Iterations (products with the adjacency matrix) before giving up.
    n_threads : int, optional
        Threads to use. Scores do not depend on it.
    progress : callable, optional
        Called as ``progress(done, total)`` about every 50 ms, counting iterations.

    Returns
    -------
    pandas.Series
        ``eigenvector`` score per customer, unit Euclidean norm; ``.attrs["iterations"]``.

    Raises
    ------
    InputError
        For a bad parameter.
    ConvergenceError
        If the tolerance is not met within ``max_iter`` iterations.

    Notes
    -----
    .. math::

        \\lambda x_v = \\sum_{u \\to v} w_{uv} x_u

    On a directed graph it is computed, like networkx, by power iteration on :math:`A^T + I`
    from the uniform vector, normalizing to unit Euclidean norm after each step (the shift has
    the same eigenvectors and avoids oscillation on bipartite graphs). On an undirected graph
    :math:`A` is symmetric and restarted Lanczos [3]_ finds the same vector: power iteration
    needs about :math:`\\ln(1/\\mathrm{tol}) / (1 - (\\lambda_2 + 1)/(\\lambda_1 + 1))`
    steps, thousands when two communities are about equally strong, and Lanczos roughly the
    square root of that. It stops once :math:`\\sqrt{n}\\,\\lVert A x - \\lambda x \\rVert_2
    \\le n\\,\\mathrm{tol}\\,(\\lambda + 1)`, which bounds the L1 change one more power step
    would make by ``n * tol``. On an undirected graph every edge counts both ways; a graph
    without edges gives :math:`1/\\sqrt{n}` to everyone.

    Weights are used at their own scale unless the largest lies beyond :math:`2^{\\pm 128}`
    (about 3e38 and 3e-39); they are then multiplied exactly by a power of two that brings it
    near 1, since products would overflow or lose every digit; the scores do not depend on it.

    **Directed graphs that are not strongly connected**: the Perron vector is then zero for
    every customer who cannot be reached from the dominant strongly connected component(s);
    customers who only point at others (sources) get (close to) 0, and after a finite number of
    iterations such customers still carry small non-zero values. Prefer :func:`pagerank` or
    :func:`katz` there, or use the undirected view (:meth:`Graph.to_undirected`).

    References
    ----------
    .. [1] P. Bonacich, "Factoring and weighting approaches to status scores and clique
       identification", Journal of Mathematical Sociology 2(1), 1972.
    .. [2] M. Newman, *Networks*, 2nd ed., Oxford University Press, 2018, section 7.1.
    .. [3] Y. Saad, "Numerical Methods for Large Eigenvalue Problems", 2nd ed., SIAM 2011,
       chapters 6 and 7.

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm import Graph
    >>> from socialcrm.influence import eigenvector
    >>> df = pd.DataFrame({"source": ["a", "b"], "target": ["b", "c"]})
    >>> eigenvector(Graph.from_pandas(df, directed=False), tol=1e-12, max_iter=1000).round(4)
    a    0.5000
    b    0.7071
    c    0.5000
    Name: eigenvector, dtype: float64
    """
    tol = _check_real("tol", tol, low=0.0)
    max_iter = _check_count("max_iter", max_iter)
    scores, iterations, _ = _core.eigenvector(
        g._csr,
        weight=g._weight_name(weight),
        tol=tol,
        max_iter=max_iter,
        n_threads=_check_threads(n_threads),
        progress=_check_progress(progress),
    )
    return _series(g, scores, "eigenvector", iterations=iterations)


# ---------------------------------------------------------------- HITS
def hits(
    g: Graph,
    *,
    weight: bool | str | None = True,
    tol: float = 1e-8,
    max_iter: int = 1000,
    n_threads: int | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Hubs and authorities (HITS): who points at the right people, and who they point at.

    A good hub points at good authorities; a good authority is pointed at by good hubs. Same
    semantics as :func:`networkx.hits`, including its use of the edge weights.

    Parameters
    ----------
    g : Graph
        The customer graph.
    weight : bool or str, default True
        Entries of the adjacency matrix: summed event weight (``True``/``"weight"``), 1 per edge
        (``False``/``None``) or the time-decayed weight (``"decayed"``).
    tol : float, default 1e-8
        Stop when the relative residual :math:`\\lVert A A^T h - \\sigma^2 h \\rVert /
        \\sigma^2` of the unit hub vector :math:`h` is at most ``tol`` (ARPACK's criterion, the
        one networkx's sparse SVD uses).
    max_iter : int, default 1000
        Products with :math:`A A^T` before giving up.
    n_threads : int, optional
        Threads to use. Scores do not depend on it.
    progress : callable, optional
        Called as ``progress(done, total)`` about every 50 ms, counting products with
        :math:`A A^T`.

    Returns
    -------
    pandas.DataFrame
        Indexed by customer, columns ``hub`` and ``authority``, each summing to 1;
        ``.attrs["iterations"]`` (products with :math:`A A^T`) and ``.attrs["residual"]``
        (the relative residual reached). A graph without edges gives ``1/n`` everywhere.

    Raises
    ------
    InputError
        For a bad parameter.
    ConvergenceError
        If the tolerance is not met within ``max_iter`` products.

    Notes
    -----
    .. math::

        a = A^T h, \\qquad h = A a

    i.e. :math:`h` and :math:`a` are the leading left and right singular vectors of the
    weighted adjacency matrix :math:`A` (:math:`A_{uv} = w_{uv}` for an edge :math:`u \\to v`).
    networkx computes them with a sparse SVD (ARPACK); here :math:`h` is the leading
    eigenvector of :math:`A A^T`, found by restarted Lanczos from the uniform vector (Krylov
    bases of 12 vectors, re-orthogonalised), and :math:`a = A^T h`. Power iteration, the
    textbook method, needs about :math:`\\ln(1/\\mathrm{tol}) / (1 - \\sigma_2^2/\\sigma_1^2)`
    steps, thousands when two parts of the graph are about equally strong; Lanczos needs
    roughly the square root of that [3]_. When the leading singular value is repeated (two
    equally strong disconnected groups, or an undirected bipartite graph) the scores are not
    unique: the result is the projection of the uniform start on the leading singular space,
    as power iteration would give.

    Weights are used at their own scale unless the largest lies beyond :math:`2^{\\pm 128}`
    (about 3e38 and 3e-39); they are then multiplied exactly by a power of two that brings it
    near 1, since products would overflow or lose every digit; the scores do not depend on it.

    **Which is which in a Q&A community.** :meth:`Graph.from_posts` draws each answer as an
    edge answerer -> asker. There the **hub** score marks the *experts*: customers who answer
    the people whom other strong answerers also answer. The **authority** score marks the
    *askers* whose questions draw answers from strong experts. Built the other way round
    (asker -> answerer) the roles swap, and authority is expertise (Jurczyk & Agichtein
    2007). On an undirected graph hub and authority scores are equal.

    References
    ----------
    .. [1] J. Kleinberg, "Authoritative sources in a hyperlinked environment", Journal of the
       ACM 46(5), 1999.
    .. [2] P. Jurczyk and E. Agichtein, "Discovering authorities in question answer
       communities by using link analysis", CIKM 2007.
    .. [3] Y. Saad, "Numerical Methods for Large Eigenvalue Problems", 2nd ed., SIAM 2011,
       chapters 6 and 7.

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm import Graph
    >>> from socialcrm.influence import hits
    >>> answers = pd.DataFrame({"answerer": ["ann", "ann", "bob"], "asker": ["cy", "di", "cy"]})
    >>> hits(Graph.from_pandas(answers, "answerer", "asker")).round(3)
           hub  authority
    ann  0.618      0.000
    bob  0.382      0.000
    cy   0.000      0.618
    di   0.000      0.382
    """
    tol = _check_real("tol", tol, low=0.0)
    max_iter = _check_count("max_iter", max_iter)
    hub, authority, iterations, residual = _core.hits(
        g._csr,
        weight=g._weight_name(weight),
        tol=tol,
        max_iter=max_iter,
        n_threads=_check_threads(n_threads),
        progress=_check_progress(progress),
    )
    out = frame(g.nodes, ("hub", "authority"), [hub, authority])
    out.attrs["iterations"] = iterations
    out.attrs["residual"] = residual
    return out
