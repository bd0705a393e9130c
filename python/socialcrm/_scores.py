"""All the cheap influence measures in one table: the influence part of the scorecard."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ._brokerage import _structural_holes, kcore
from ._centrality import hits, pagerank
from ._degree import _COLUMNS as _DEGREE_COLUMNS
from ._degree import _degree_arrays
from ._frames import frame
from ._paths import betweenness
from .graph import Graph

#: Columns of :func:`scores` and what they mean.
SCORE_COLUMNS = {
    "in_degree": "distinct customers who reached this customer",
    "out_degree": "distinct customers this customer reached",
    "in_strength": "summed weight of interactions received",
    "out_strength": "summed weight of interactions initiated",
    "pagerank": "share of attention that flows to the customer (PageRank, damping 0.85)",
    "hub": "HITS hub score: reaches out to the customers others seek",
    "authority": "HITS authority score: sought out by the customers who reach out most",
    "core_number": "k-core number: depth in the engaged core of the network",
    "betweenness": "share of shortest paths through the customer (sampled, or exact when cheaper)",
    "constraint": "Burt's constraint: low for brokers between otherwise separate contacts",
    "effective_size": "Burt's effective size: non-redundant contacts",
    "efficiency": "effective size per contact",
    "hierarchy": "Burt's hierarchy: how much the constraint is concentrated on one contact",
}


def scores(
    g: Graph,
    *,
    weight: bool | str | None = True,
    damping: float = 0.85,
    epsilon: float = 0.05,
    delta: float = 0.1,
    seed: int | None = 0,
    n_threads: int | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> pd.DataFrame:
    """Every near-linear-time influence measure of every customer, in one DataFrame.

    One call for the scorecard: degree and strength, PageRank, HITS hub and authority, core
    number, Burt's structural holes, and betweenness sampled with an :math:`(\\varepsilon,
    \\delta)` guarantee (computed exactly instead where that is cheaper, e.g. on a few hundred
    customers). Katz and eigenvector centrality are left out (they may not converge on a
    directed customer graph), as are exact betweenness and harmonic closeness (quadratic time);
    call them directly when wanted.

    Parameters
    ----------
    g : Graph
        The customer graph.
    weight : bool or str, default True
        Edge weight for PageRank, HITS and the structural-hole measures: summed event weight
        (``True``), 1 per edge (``False``/``None``) or time-decayed (``"decayed"``).
        Betweenness is unweighted (hops between customers).
    damping : float, default 0.85
        PageRank damping factor (see :func:`~socialcrm.influence.pagerank`).
    epsilon, delta : float, default 0.05, 0.1
        Accuracy of the sampled betweenness: with probability at least ``1 - delta`` every
        estimate is within ``epsilon`` of the exact value on the Riondato-Kornaropoulos scale
        (see :func:`~socialcrm.influence.betweenness`).
    seed : int, default 0
        Seed of the betweenness sample; results do not depend on the number of threads.
    n_threads : int, optional
        Threads to use.
    progress : callable, optional
        Called as ``progress(done, total)`` with the number of measures finished.

    Returns
    -------
    pandas.DataFrame
        Indexed by customer, with the columns of :data:`SCORE_COLUMNS` in that order.

    Examples
    --------
    >>> from socialcrm import Graph, datasets
    >>> from socialcrm.influence import SCORE_COLUMNS, scores
    >>> data = datasets.synthetic_community(n_customers=300, seed=1)
    >>> g = Graph.from_pandas(data.interactions, nodes=data.customers)
    >>> s = scores(g)
    >>> list(s.columns) == list(SCORE_COLUMNS)
    True
    >>> len(s) == g.n_nodes
    True
    """

    def holes() -> dict[str, np.ndarray]:
        c, e, h, f, _ = _structural_holes(g, weight, n_threads, None)
        return {"constraint": c, "effective_size": e, "efficiency": f, "hierarchy": h}

    def hubs() -> dict[str, np.ndarray]:
        ha = hits(g, weight=weight, n_threads=n_threads)
        return {"hub": ha["hub"].to_numpy(), "authority": ha["authority"].to_numpy()}

    # Each step gives plain arrays: on a small graph, taking columns out of pandas results
    # (dropping one, indexing the others) would cost more than all the measures.
    steps: list[Callable[[], dict[str, np.ndarray]]] = [
        lambda: dict(zip(_DEGREE_COLUMNS, _degree_arrays(g), strict=True)),
        lambda: {
            "pagerank": pagerank(g, damping=damping, weight=weight, n_threads=n_threads).to_numpy()
        },
        hubs,
        lambda: {"core_number": kcore(g, n_threads=n_threads).to_numpy()},
        lambda: {
            "betweenness": betweenness(
                g, epsilon=epsilon, delta=delta, seed=seed, n_threads=n_threads
            ).to_numpy()
        },
        holes,
    ]
    columns: dict[str, np.ndarray] = {}
    for done, step in enumerate(steps):
        if progress is not None:
            progress(done, len(steps))
        columns.update(step())
    if progress is not None:
        progress(len(steps), len(steps))
    names = list(SCORE_COLUMNS)
    return frame(g.nodes.copy(), names, [columns[c] for c in names])
