"""Brokerage and cohesion: core numbers and Burt's structural holes.

Core numbers say how deep in the dense centre of the network a customer sits. Burt's measures
say whether a customer's contacts are connected to each other (a closed, constraining network)
or not (structural holes the customer can broker across).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import _core
from ._centrality import Progress, _check_progress, _check_threads
from ._frames import frame

if TYPE_CHECKING:
    from .graph import Graph

__all__ = ["constraint", "effective_size", "efficiency", "hierarchy", "kcore", "structural_holes"]


def kcore(
    g: Graph,
    *,
    n_threads: int | None = None,
    progress: Progress | None = None,
) -> pd.Series:
    """Core number of every customer: how deep in the dense centre of the network they sit.

    The k-core is the largest group in which every customer has at least ``k`` connections to
    other members; a customer's core number is the largest ``k`` whose core contains them. Same
    semantics as :func:`networkx.core_number`.

    Parameters
    ----------
    g : Graph
        The customer graph.
    n_threads : int, optional
        Threads for the degree count (the peeling itself is sequential).
    progress : callable, optional
        Called as ``progress(done, total)`` about every 50 ms, counting customers peeled.

    Returns
    -------
    pandas.Series
        ``kcore`` (int64) per customer; 0 for isolated customers.

    Notes
    -----
    .. math::

        \\operatorname{core}(v) = \\max \\{ k : v \\in H,\\ H \\subseteq G,\\
        \\deg_H(u) \\ge k \\ \\forall u \\in H \\}

    computed by peeling level by level (the PKC scheme of Kabir & Madduri, run on one thread):
    at level :math:`k` every remaining customer with :math:`k` remaining connections gets core
    number :math:`k` and is removed, in rounds, until none is left at that level. Core numbers
    are unique, so the result is the one of any other exact algorithm (networkx and igraph use
    the bucket algorithm of Batagelj & Zaversnik). Edge weights play no role. On a directed
    graph the degree is in-degree plus out-degree, so a reciprocated pair ``a -> b``,
    ``b -> a`` counts twice, as in networkx. **Self-loops are ignored** (networkx refuses
    graphs with self-loops; a customer is not their own contact).

    References
    ----------
    .. [1] S. Seidman, "Network structure and minimum degree", Social Networks 5(3), 1983.
    .. [2] V. Batagelj and M. Zaversnik, "An O(m) algorithm for cores decomposition of
       networks", arXiv:cs/0310049, 2003.
    .. [3] H. Kabir and K. Madduri, "Parallel k-core decomposition on multicore platforms",
       IEEE IPDPSW, 2017.

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm import Graph
    >>> from socialcrm.influence import kcore
    >>> df = pd.DataFrame({"source": ["a", "b", "c", "c"], "target": ["b", "c", "a", "d"]})
    >>> kcore(Graph.from_pandas(df, directed=False))
    a    2
    b    2
    c    2
    d    1
    Name: kcore, dtype: int64
    """
    cores = _core.kcore(
        g._csr, n_threads=_check_threads(n_threads), progress=_check_progress(progress)
    )
    return pd.Series(cores.astype(np.int64), index=g.nodes, name="kcore")


def structural_holes(
    g: Graph,
    *,
    weight: bool | str | None = True,
    n_threads: int | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """All of Burt's structural-hole measures at once (they share one pass over the graph).

    Parameters
    ----------
    g : Graph
        The customer graph.
    weight : bool or str, default True
        Tie weight :math:`a_{ij}`: summed event weight (``True``/``"weight"``), 1 per edge
        (``False``/``None``) or the time-decayed weight (``"decayed"``).
    n_threads : int, optional
        Threads to use. Results do not depend on it.
    progress : callable, optional
        Called as ``progress(done, total)`` about every 50 ms, counting customers.

    Returns
    -------
    pandas.DataFrame
        Indexed by customer, columns ``n_contacts`` (int64), ``constraint``,
        ``effective_size``, ``efficiency`` and ``hierarchy``; see :func:`constraint`,
        :func:`effective_size`, :func:`efficiency` and :func:`hierarchy` for the formulas.
        Customers without contacts get NaN.

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm import Graph
    >>> from socialcrm.influence import structural_holes
    >>> df = pd.DataFrame({"source": ["a", "a", "a", "b"], "target": ["b", "c", "d", "c"]})
    >>> structural_holes(Graph.from_pandas(df, directed=False)).round(3)
       n_contacts  constraint  effective_size  efficiency  hierarchy
    a           3       0.611           2.333       0.778      0.052
    b           2       1.007           1.000       0.500      0.010
    c           2       1.007           1.000       0.500      0.010
    d           1       1.000           1.000       1.000      0.000
    """
    c, e, h, f, n = _structural_holes(g, weight, n_threads, progress)
    return frame(g.nodes, _HOLES_COLUMNS, [n.astype(np.int64), c, e, f, h])


_HOLES_COLUMNS = ("n_contacts", "constraint", "effective_size", "efficiency", "hierarchy")


def _structural_holes(
    g: Graph, weight: bool | str | None, n_threads, progress, measures: str = "all"
) -> tuple:
    """The core's arrays: constraint, effective size, hierarchy, efficiency, contacts."""
    return _core.structural_holes(
        g._csr,
        weight=g._weight_name(weight),
        measures=measures,
        n_threads=_check_threads(n_threads),
        progress=_check_progress(progress),
    )


_POSITION = {"constraint": 0, "effective_size": 1, "hierarchy": 2, "efficiency": 3}


def _column(g: Graph, name: str, weight: bool | str | None, n_threads, progress) -> pd.Series:
    """One measure, computing only what it needs (the core leaves the other columns empty)."""
    values = _structural_holes(g, weight, n_threads, progress, measures=name)[_POSITION[name]]
    return pd.Series(values, index=g.nodes, name=name)


def constraint(
    g: Graph,
    *,
    weight: bool | str | None = True,
    n_threads: int | None = None,
    progress: Progress | None = None,
) -> pd.Series:
    """Burt's constraint: how much a customer's contacts are tied to each other.

    High constraint: the customer's time and attention go to contacts who all know each other
    (a closed group, little brokerage). Low constraint: the contacts are disconnected, and the
    customer spans structural holes. Same semantics as :func:`networkx.constraint`.

    Parameters
    ----------
    g : Graph
        The customer graph.
    weight : bool or str, default True
        Tie weight :math:`a_{ij}`: summed event weight (``True``/``"weight"``), 1 per edge
        (``False``/``None``) or the time-decayed weight (``"decayed"``).
    n_threads : int, optional
        Threads to use. Results do not depend on it.
    progress : callable, optional
        Called as ``progress(done, total)`` about every 50 ms, counting customers.

    Returns
    -------
    pandas.Series
        ``constraint`` per customer: 1 with a single contact, lower the more the contacts are
        disconnected from each other; NaN without contacts.

    Notes
    -----
    With the mutual weight :math:`m_{ij} = a_{ij} + a_{ji}` (on a directed graph both
    directions add; contacts are in- or out-neighbours) and the proportional tie strength
    :math:`p_{ij} = m_{ij} / \\sum_k m_{ik}`:

    .. math::

        C_i = \\sum_{j \\in N(i)} c_{ij}, \\qquad
        c_{ij} = \\Big( p_{ij} + \\sum_{q \\in N(i)} p_{iq} p_{qj} \\Big)^2

    where :math:`N(i)` are the contacts of :math:`i`: customers :math:`j \\ne i` with
    :math:`m_{ij} > 0`. Self-loops are ignored (networkx counts a customer with a self-loop as
    their own contact, inconsistently between its two code paths); edges of weight 0 are not
    contacts, as in networkx's default path.

    References
    ----------
    .. [1] R. Burt, *Structural Holes: The Social Structure of Competition*, Harvard University
       Press, 1992.
    .. [2] R. Burt, "Structural holes and good ideas", American Journal of Sociology 110(2),
       2004.

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm import Graph
    >>> from socialcrm.influence import constraint
    >>> df = pd.DataFrame({"source": ["a", "a", "a"], "target": ["b", "c", "d"]})
    >>> constraint(Graph.from_pandas(df, directed=False)).round(4)
    a    0.3333
    b    1.0000
    c    1.0000
    d    1.0000
    Name: constraint, dtype: float64
    """
    return _column(g, "constraint", weight, n_threads, progress)


def effective_size(
    g: Graph,
    *,
    weight: bool | str | None = True,
    n_threads: int | None = None,
    progress: Progress | None = None,
) -> pd.Series:
    """Burt's effective size: the number of contacts, less their redundancy.

    Same semantics as :func:`networkx.effective_size`.

    Parameters
    ----------
    g : Graph
        The customer graph.
    weight : bool or str, default True
        Tie weight :math:`a_{ij}`: summed event weight (``True``/``"weight"``), 1 per edge
        (``False``/``None``) or the time-decayed weight (``"decayed"``).
    n_threads : int, optional
        Threads to use. Results do not depend on it.
    progress : callable, optional
        Called as ``progress(done, total)`` about every 50 ms, counting customers.

    Returns
    -------
    pandas.Series
        ``effective_size`` per customer, between 1 and the number of contacts; NaN without
        contacts.

    Notes
    -----
    With :math:`m_{ij}`, :math:`p_{ij}` and the contacts :math:`N(i)` as in :func:`constraint`
    and :math:`\\hat m_{jq} = m_{jq} / \\max_k m_{jk}`:

    .. math::

        E_i = \\sum_{j \\in N(i)} \\Big( 1 - \\sum_{q \\in N(i)} p_{iq} \\hat m_{jq} \\Big)

    On an unweighted undirected graph this is Borgatti's :math:`E_i = n - 2t/n`, with
    :math:`n` contacts and :math:`t` ties among them. Self-loops are ignored.

    This is what networkx computes node by node (``effective_size(G, nodes=...)``). Its default
    whole-graph path divides :math:`m_{jq}` by the strongest tie of :math:`q` instead of
    :math:`j`, which departs from Burt on weighted and on directed graphs; the two agree on
    unweighted undirected graphs.

    References
    ----------
    .. [1] R. Burt, *Structural Holes: The Social Structure of Competition*, Harvard University
       Press, 1992.
    .. [2] S. Borgatti, "Structural holes: unpacking Burt's redundancy measures", Connections
       20(1), 1997.

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm import Graph
    >>> from socialcrm.influence import effective_size
    >>> df = pd.DataFrame({"source": ["a", "a", "a", "b"], "target": ["b", "c", "d", "c"]})
    >>> effective_size(Graph.from_pandas(df, directed=False)).round(4)
    a    2.3333
    b    1.0000
    c    1.0000
    d    1.0000
    Name: effective_size, dtype: float64
    """
    return _column(g, "effective_size", weight, n_threads, progress)


def efficiency(
    g: Graph,
    *,
    weight: bool | str | None = True,
    n_threads: int | None = None,
    progress: Progress | None = None,
) -> pd.Series:
    """Burt's efficiency: effective size per contact, the non-redundant share of a network.

    Parameters
    ----------
    g : Graph
        The customer graph.
    weight : bool or str, default True
        Tie weight :math:`a_{ij}`: summed event weight (``True``/``"weight"``), 1 per edge
        (``False``/``None``) or the time-decayed weight (``"decayed"``).
    n_threads : int, optional
        Threads to use. Results do not depend on it.
    progress : callable, optional
        Called as ``progress(done, total)`` about every 50 ms, counting customers.

    Returns
    -------
    pandas.Series
        ``efficiency`` per customer, in ``(0, 1]``; NaN without contacts.

    Notes
    -----
    .. math:: \\operatorname{eff}_i = E_i / N_i

    with :math:`E_i` the effective size (:func:`effective_size`) and :math:`N_i` the number of
    contacts. Self-loops are ignored.

    References
    ----------
    .. [1] R. Burt, *Structural Holes: The Social Structure of Competition*, Harvard University
       Press, 1992.

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm import Graph
    >>> from socialcrm.influence import efficiency
    >>> df = pd.DataFrame({"source": ["a", "a", "a", "b"], "target": ["b", "c", "d", "c"]})
    >>> efficiency(Graph.from_pandas(df, directed=False)).round(4)
    a    0.7778
    b    0.5000
    c    0.5000
    d    1.0000
    Name: efficiency, dtype: float64
    """
    return _column(g, "efficiency", weight, n_threads, progress)


def hierarchy(
    g: Graph,
    *,
    weight: bool | str | None = True,
    n_threads: int | None = None,
    progress: Progress | None = None,
) -> pd.Series:
    """Burt's hierarchy: how much of a customer's constraint comes from a single contact.

    Parameters
    ----------
    g : Graph
        The customer graph.
    weight : bool or str, default True
        Tie weight :math:`a_{ij}`: summed event weight (``True``/``"weight"``), 1 per edge
        (``False``/``None``) or the time-decayed weight (``"decayed"``).
    n_threads : int, optional
        Threads to use. Results do not depend on it.
    progress : callable, optional
        Called as ``progress(done, total)`` about every 50 ms, counting customers.

    Returns
    -------
    pandas.Series
        ``hierarchy`` per customer, in ``[0, 1]``: 0 when the constraint is spread evenly over
        the contacts, near 1 when one contact accounts for all of it. **0 for a customer with a
        single contact** (there is nothing to spread unevenly; the formula is 0/0 there), NaN
        without contacts.

    Notes
    -----
    With the dyadic constraints :math:`c_{ij}` and :math:`C_i = \\sum_j c_{ij}` of
    :func:`constraint` and :math:`N_i` contacts (Burt 1992, p. 71):

    .. math::

        H_i = \\frac{\\sum_{j \\in N(i)} r_{ij} \\ln r_{ij}}{N_i \\ln N_i},
        \\qquad r_{ij} = \\frac{c_{ij}}{C_i / N_i}

    (the Coleman-Theil disorder index). networkx has no hierarchy. Self-loops are ignored.

    References
    ----------
    .. [1] R. Burt, *Structural Holes: The Social Structure of Competition*, Harvard University
       Press, 1992.

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm import Graph
    >>> from socialcrm.influence import hierarchy
    >>> df = pd.DataFrame({"source": ["a", "a", "a", "b"], "target": ["b", "c", "d", "c"]})
    >>> hierarchy(Graph.from_pandas(df, directed=False)).round(4)
    a    0.0522
    b    0.0099
    c    0.0099
    d    0.0000
    Name: hierarchy, dtype: float64
    """
    return _column(g, "hierarchy", weight, n_threads, progress)
