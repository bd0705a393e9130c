"""Community detection: Leiden, Louvain, label propagation and resolution profiles."""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from . import _checks, _core
from ._partition import Partition, check_directed, check_objective, check_resolution
from .exceptions import InputError
from .graph import Graph

__all__ = ["label_propagation", "leiden", "louvain", "resolution_profile"]


def _iterations(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < -1:
        raise InputError(
            f"n_iterations must be -1 (until stable) or an integer >= 0, got {value!r}"
        )
    return int(value)


def _partition(
    g: Graph, found: tuple[Any, ...], algorithm: str, seed: int, **attrs: Any
) -> Partition:
    membership, levels, quality, iterations = found
    return Partition(
        g,
        membership,
        levels=list(levels),
        quality=quality,
        algorithm=algorithm,
        seed=seed,
        iterations=int(iterations),
        **attrs,
    )


def leiden(
    g: Graph,
    *,
    resolution: float = 1.0,
    objective: str = "modularity",
    weight: bool | str | None = True,
    directed: bool | None = None,
    seed: int | None = 0,
    n_iterations: int = -1,
    parallel: bool = False,
    incremental: bool = True,
    n_threads: int | None = None,
    progress: _checks.Progress | None = None,
) -> Partition:
    """Communities by the Leiden algorithm: well-connected groups of customers.

    Each iteration runs Leiden's three phases level by level (Traag, Waltman & van Eck 2019):
    *fast local moving* (nodes in a queue move to the neighbouring community with the best
    strictly positive gain; neighbours of a moved node re-enter the queue), *refinement*
    (inside every community, nodes still alone merge at random into well-connected
    sub-communities with probability :math:`\\propto \\exp(\\Delta H / \\theta)`,
    :math:`\\theta = 0.01`, over the merges with :math:`\\Delta H \\ge 0`, the gain
    measured in edge-weight units (:math:`m` times the modularity gain) as in leidenalg; this
    guarantees that every community is connected) and *aggregation* (one node per refined
    sub-community, starting from the unrefined partition), until no community merges.
    Further iterations restart from the original graph with the partition found. The first
    two are full; on graphs of at least 65,536 edges the later ones are incremental: as fast
    local moving only revisits what changed, they first queue only the customers moved at a
    coarser level by the previous iteration (and their neighbours), refine only the
    communities that their moves touched (the others stay whole, and are connected), and at
    the next level first queue only the pieces of the refined communities (and their
    neighbours). Inside a refined community of at least 512 customers only the changed
    customers and their neighbours start alone; the largest connected piece of the others
    starts as one sub-community, so a late iteration re-examines the region around what
    moved rather than the whole community. Against full iterations, until stable, that
    made runs 1.6 to 2.3 times faster on LFR graphs of :math:`10^5` nodes and 1.9 times at
    :math:`10^6`, at a mean modularity lower by 1e-5 to 2.3e-4; on github, whose
    iterations keep finding small gains anywhere, 3.7 times faster and 0.0014 lower (one
    benchmark run, three seeds). Smaller graphs always get full iterations: they take
    milliseconds there, and find better optima. ``incremental=False`` turns all of this off.

    Parameters
    ----------
    g : Graph
        The customer graph.
    resolution : float, default 1.0
        Resolution :math:`\\gamma \\ge 0`: larger values give more, smaller communities.
    objective : {"modularity", "cpm"}, default "modularity"
        The quality function optimised (see Notes).
    weight : bool or str, default True
        True or "weight": summed event weight; False/None: every edge weighs 1; "decayed":
        time-decayed weight.
    directed : bool, optional
        None follows ``g.directed``. On a directed graph, True optimises the directed form and
        False the undirected view, in which the weights of ``a -> b`` and ``b -> a`` add (as
        :meth:`Graph.to_undirected`). True on an undirected graph is an error.
    seed : int, optional
        Seed of every random choice (node order, refinement merges); None draws one,
        recorded in ``attrs["seed"]``. The result depends only on the seed, not on the
        number of threads (unless ``parallel``).
    n_iterations : int, default -1
        Full iterations; -1 iterates until an iteration changes nothing or raises the
        quality by less than :math:`10^{-6} m` (:math:`m` the total edge weight: a
        modularity gain below :math:`10^{-6}`), at most 1000 iterations. With incremental
        iterations, the run also stops after an iteration that moves no sub-community above
        the first level: the next one would have nothing to revisit
        (``attrs["iterations"]`` says how many ran).
    parallel : bool, default False
        Local moving on all threads at once, as NetworKit's PLM does: in rounds, every
        thread moves its share of the queued customers, reading the communities as the
        others leave them, and the customers next to a move enter the next round. Faster
        with several threads (on 2 cores, 14-33% less time on LFR graphs of :math:`10^5`
        nodes and 18% at :math:`10^6`, at a modularity within 3e-4 of the default's, in
        one benchmark run); but the moves race, so the result depends on thread timing
        and is **not reproducible**, even with a seed (``attrs["parallel"]`` records the
        choice). Refinement and
        aggregation are the same either way, so every community is still connected. Used
        only where at least 4096 nodes are queued and more than one thread runs; with one
        thread the result is the default's.
        Iterations after the second revisit only what the previous one changed, as
        described above, on graphs of at least 65,536 edges
        (``socialcrm._core.LEIDEN_INCREMENTAL_MIN_EDGES``). False makes every iteration
        full, as the first two are, and as leidenalg and igraph iterate: every customer
        queued, every community refined from singletons, and (with ``n_iterations=-1``)
        iterations until one changes nothing or gains less than :math:`10^{-6}`; see above
        for what that costs and gains. ``attrs["incremental"]`` records whether incremental
        iterations were used.
    n_threads : int, optional
        Threads for local moving (with ``parallel``), refinement and aggregation; default all
        (or ``RAYON_NUM_THREADS``).
    progress : callable, optional
        ``progress(done, total)`` about every 50 ms (levels done).

    Returns
    -------
    Partition
        With :attr:`Partition.levels` the partitions after each level of the first
        iteration, and the objective's value in :meth:`Partition.quality`.

    Raises
    ------
    InputError
        Negative or non-finite resolution, unknown objective, bad weight, seed, n_iterations
        or directed.
    InputTypeError
        ``parallel`` or ``incremental`` not a bool.

    Notes
    -----
    Modularity with resolution (Newman 2006), :math:`m` the total edge weight, :math:`k_i`
    the weighted degree (a self-loop counts twice, as in networkx and igraph):

    .. math::

        Q = \\frac{1}{2m} \\sum_{ij} \\Big(A_{ij} - \\gamma \\frac{k_i k_j}{2m}\\Big)
            \\delta(c_i, c_j)

    and on a directed graph (Leicht & Newman 2008)

    .. math::

        Q = \\frac{1}{m} \\sum_{ij} \\Big(A_{ij} - \\gamma \\frac{k_i^{out} k_j^{in}}{m}\\Big)
            \\delta(c_i, c_j).

    The Constant Potts Model (Traag, Van Dooren & Nesterov 2011), with :math:`e_c` the edge
    weight inside community :math:`c` and :math:`n_c` its size,

    .. math:: H = \\sum_c \\Big(e_c - \\gamma \\frac{n_c (n_c - 1)}{2}\\Big)

    (ordered pairs :math:`n_c (n_c - 1)` on a directed graph); :math:`\\gamma` is then a
    density threshold: communities are denser than :math:`\\gamma` inside.

    Modularity does not depend on the scale of the weights; when the largest lies beyond
    :math:`2^{\\pm 128}` (about 3e38 and 3e-39) they are multiplied exactly by a power of two
    that brings it near 1, since the squared sums would overflow or underflow. CPM weights are
    used as given (:math:`\\gamma` is in their units).

    References
    ----------
    .. [1] V. A. Traag, L. Waltman and N. J. van Eck, "From Louvain to Leiden: guaranteeing
       well-connected communities", Scientific Reports 9, 5233 (2019).
    .. [2] M. E. J. Newman, "Modularity and community structure in networks", PNAS 103 (2006).
    .. [3] E. A. Leicht and M. E. J. Newman, "Community structure in directed networks",
       Phys. Rev. Lett. 100, 118703 (2008).
    .. [4] V. A. Traag, P. Van Dooren and Y. Nesterov, "Narrow scope for resolution-limit-free
       community detection", Phys. Rev. E 84, 016114 (2011).

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm import Graph
    >>> from socialcrm.community import leiden
    >>> df = pd.DataFrame({"source": ["a", "b", "c", "d", "e", "f", "c"],
    ...                    "target": ["b", "c", "a", "e", "f", "d", "d"]})
    >>> p = leiden(Graph.from_pandas(df, directed=False))
    >>> p.membership.tolist()
    [0, 0, 0, 1, 1, 1]
    >>> round(p.quality(), 4)
    0.3571
    """
    objective = check_objective(objective)
    resolution = check_resolution(resolution)
    w = g._weight_name(weight)
    d = check_directed(g, directed)
    s = _checks.seed(seed)
    found = _core.leiden(
        g._csr,
        objective=objective,
        resolution=resolution,
        weight=w,
        directed=d,
        seed=s,
        n_iterations=_iterations(n_iterations),
        parallel=_checks.flag("parallel", parallel),
        incremental=_checks.flag("incremental", incremental),
        n_threads=_checks.n_threads(n_threads),
        progress=_checks.progress(progress),
    )
    p = _partition(
        g,
        found,
        "leiden",
        s,
        parallel=parallel,
        objective=objective,
        resolution=resolution,
        weight=weight,
        directed=d,
    )
    p._attrs["incremental"] = incremental and g.n_edges >= _core.LEIDEN_INCREMENTAL_MIN_EDGES
    return p


def louvain(
    g: Graph,
    *,
    resolution: float = 1.0,
    weight: bool | str | None = True,
    directed: bool | None = None,
    seed: int | None = 0,
    n_iterations: int = 1,
    parallel: bool = False,
    n_threads: int | None = None,
    progress: _checks.Progress | None = None,
) -> Partition:
    """Communities by the Louvain method (modularity).

    Level by level: local moving (here queue-based, as Leiden's fast local moving: nodes move
    to the neighbouring community with the best strictly positive modularity gain), then
    aggregation of every community into one node, until nothing moves (Blondel et al. 2008).
    Louvain has no refinement, so a community can end up internally disconnected; prefer
    :func:`leiden`.

    Parameters
    ----------
    g : Graph
        The customer graph.
    resolution : float, default 1.0
        Resolution :math:`\\gamma \\ge 0` of the modularity.
    weight : bool or str, default True
        True or "weight": summed event weight; False/None: every edge weighs 1; "decayed":
        time-decayed weight.
    directed : bool, optional
        As in :func:`leiden`: None follows ``g.directed``; False uses the undirected view of
        a directed graph (weights of both directions add).
    seed : int, optional
        Seed of the node orders; None draws one (``attrs["seed"]``).
    n_iterations : int, default 1
        Full multi-level passes (1 is the classic method); -1 repeats until a pass changes
        nothing or raises the modularity by less than :math:`10^{-6}`.
    parallel : bool, default False
        Racing local moving on all threads, as in :func:`leiden`: faster with several
        threads, but the result is then not reproducible.
    n_threads : int, optional
        Threads for aggregation (and local moving with ``parallel``); the result does not
        depend on it unless ``parallel``.
    progress : callable, optional
        ``progress(done, total)`` about every 50 ms.

    Returns
    -------
    Partition
        :attr:`Partition.levels` holds the partition after each aggregation level.

    Raises
    ------
    InputError
        Bad resolution, weight, seed, n_iterations or directed.
    InputTypeError
        ``parallel`` not a bool.

    Notes
    -----
    Optimises the modularity of :func:`leiden` (Notes there):

    .. math::

        Q = \\frac{1}{2m} \\sum_{ij} \\Big(A_{ij} - \\gamma \\frac{k_i k_j}{2m}\\Big)
            \\delta(c_i, c_j).

    References
    ----------
    .. [1] V. D. Blondel, J.-L. Guillaume, R. Lambiotte and E. Lefebvre, "Fast unfolding of
       communities in large networks", J. Stat. Mech. P10008 (2008).

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm import Graph
    >>> from socialcrm.community import louvain
    >>> df = pd.DataFrame({"source": ["a", "b", "c", "d", "e", "f", "c"],
    ...                    "target": ["b", "c", "a", "e", "f", "d", "d"]})
    >>> louvain(Graph.from_pandas(df, directed=False)).sizes.tolist()
    [3, 3]
    """
    resolution = check_resolution(resolution)
    w = g._weight_name(weight)
    d = check_directed(g, directed)
    s = _checks.seed(seed)
    found = _core.louvain(
        g._csr,
        resolution=resolution,
        weight=w,
        directed=d,
        seed=s,
        n_iterations=_iterations(n_iterations),
        parallel=_checks.flag("parallel", parallel),
        n_threads=_checks.n_threads(n_threads),
        progress=_checks.progress(progress),
    )
    return _partition(
        g,
        found,
        "louvain",
        s,
        resolution=resolution,
        weight=weight,
        directed=d,
        parallel=parallel,
    )


def label_propagation(
    g: Graph,
    *,
    weight: bool | str | None = True,
    seed: int | None = 0,
    max_iter: int = 100,
    n_threads: int | None = None,
    progress: _checks.Progress | None = None,
) -> Partition:
    """Communities by asynchronous label propagation (Raghavan, Albert & Kumara 2007).

    Every customer starts with their own label. Each sweep visits the customers in a fresh
    random order; a customer whose label is not among the labels of largest total edge
    weight around them adopts one of those, chosen at random. It stops after a sweep in which
    every customer already held such a label, or after ``max_iter`` sweeps. Fast and
    parameter-free, but less stable than :func:`leiden`.

    Parameters
    ----------
    g : Graph
        The customer graph; a directed graph is read in its undirected view (the weights of
        ``a -> b`` and ``b -> a`` add). Self-loops are ignored.
    weight : bool or str, default True
        True or "weight": summed event weight; False/None: every edge weighs 1; "decayed":
        time-decayed weight.
    seed : int, optional
        Seed of the visiting orders and tie breaks; None draws one (``attrs["seed"]``).
    max_iter : int, default 100
        Maximum number of sweeps (``attrs["iterations"]`` says how many ran).
    n_threads : int, optional
        Accepted for uniformity; the sweeps are sequential.
    progress : callable, optional
        ``progress(done, total)`` about every 50 ms (sweeps).

    Returns
    -------
    Partition
        Its :meth:`~Partition.quality` is the undirected modularity (:math:`\\gamma = 1`).

    Raises
    ------
    InputError
        Bad weight, seed or max_iter.

    Notes
    -----
    Node :math:`i` takes a label :math:`\\ell` maximising :math:`\\sum_{j \\in N(i)} w_{ij}
    [\\ell_j = \\ell]`, ties broken uniformly at random; the result is a local optimum where

    .. math:: \\ell_i \\in \\arg\\max_\\ell \\sum_{j \\in N(i)} w_{ij} [\\ell_j = \\ell]
              \\quad \\text{for every } i.

    References
    ----------
    .. [1] U. N. Raghavan, R. Albert and S. Kumara, "Near linear time algorithm to detect
       community structures in large-scale networks", Phys. Rev. E 76, 036106 (2007).

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm import Graph
    >>> from socialcrm.community import label_propagation
    >>> df = pd.DataFrame({"source": ["a", "b", "c", "d", "e", "f"],
    ...                    "target": ["b", "c", "a", "e", "f", "d"]})
    >>> label_propagation(Graph.from_pandas(df, directed=False)).membership.tolist()
    [0, 0, 0, 1, 1, 1]
    """
    w = g._weight_name(weight)
    s = _checks.seed(seed)
    found = _core.label_propagation(
        g._csr,
        weight=w,
        seed=s,
        max_iter=_checks.positive_int("max_iter", max_iter),
        n_threads=_checks.n_threads(n_threads),
        progress=_checks.progress(progress),
    )
    return _partition(g, found, "label_propagation", s, weight=weight, directed=False)


def resolution_profile(
    g: Graph,
    resolutions: Iterable[float] | None = None,
    *,
    objective: str = "modularity",
    weight: bool | str | None = True,
    directed: bool | None = None,
    seed: int | None = 0,
    n_iterations: int = -1,
    n_threads: int | None = None,
    progress: _checks.Progress | None = None,
) -> pd.DataFrame:
    """Leiden at a range of resolutions, to choose how fine a segmentation to use.

    Parameters
    ----------
    g : Graph
        The customer graph.
    resolutions : sequence of float, optional
        Resolutions to try. Default: 13 log-spaced values from 0.1 to 10 for modularity; for
        CPM, 13 log-spaced values from 1e-4 to 1 (CPM's resolution is a density).
    objective, weight, directed, seed, n_iterations, n_threads, progress
        As in :func:`leiden` (the same seed at every resolution).

    Returns
    -------
    pandas.DataFrame
        One row per resolution (in the order given): ``resolution``, ``n_communities``,
        ``quality`` (the objective at that resolution), ``modularity`` (standard modularity,
        :math:`\\gamma = 1`, comparable across rows), ``largest_share`` (share of customers in
        the largest community) and ``partition`` (the :class:`Partition`).

    Raises
    ------
    InputError
        An empty list or a negative resolution, or as :func:`leiden`.

    Notes
    -----
    Modularity at :math:`\\gamma = 1`,

    .. math::

        Q = \\frac{1}{2m} \\sum_{ij} \\Big(A_{ij} - \\frac{k_i k_j}{2m}\\Big) \\delta(c_i, c_j),

    peaks near the resolution whose communities stand out most from a random graph; the
    plateaus of ``n_communities`` are the stable granularities.

    References
    ----------
    .. [1] V. A. Traag, L. Waltman and N. J. van Eck, "From Louvain to Leiden: guaranteeing
       well-connected communities", Scientific Reports 9, 5233 (2019).

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm import Graph
    >>> from socialcrm.community import resolution_profile
    >>> df = pd.DataFrame({"source": ["a", "b", "c", "d", "e", "f", "c"],
    ...                    "target": ["b", "c", "a", "e", "f", "d", "d"]})
    >>> prof = resolution_profile(Graph.from_pandas(df, directed=False), [0.1, 1.0, 5.0])
    >>> prof[["resolution", "n_communities", "largest_share"]]
       resolution  n_communities  largest_share
    0         0.1              1       1.000000
    1         1.0              2       0.500000
    2         5.0              6       0.166667
    """
    objective = check_objective(objective)
    if resolutions is None:
        hi = 10.0 if objective == "modularity" else 1.0
        lo = 0.1 if objective == "modularity" else 1e-4
        res = [float(x) for x in np.geomspace(lo, hi, 13)]
    else:
        res = [check_resolution(x) for x in resolutions]
        if not res:
            raise InputError("resolutions must hold at least one value")
    d = check_directed(g, directed)
    s = _checks.seed(seed)
    rows = []
    for r in res:
        p = leiden(
            g,
            resolution=r,
            objective=objective,
            weight=weight,
            directed=d,
            seed=s,
            n_iterations=n_iterations,
            n_threads=n_threads,
            progress=progress,
        )
        modularity = _core.community_quality(
            g._csr,
            np.ascontiguousarray(p.codes, dtype=np.uint32),
            weight=g._weight_name(weight),
            directed=d,
        )
        n = max(g.n_nodes, 1)
        rows.append(
            {
                "resolution": r,
                "n_communities": p.n_communities,
                "quality": p.quality(),
                "modularity": float(modularity),
                "largest_share": float(p.sizes.iloc[0]) / n if len(p) else 0.0,
                "partition": p,
            }
        )
    return pd.DataFrame(rows)
