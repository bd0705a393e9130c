"""How good a segmentation is (modularity, conductance, coverage) and how alike two are (NMI,
ARI, variation of information)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from . import _checks, _core
from ._partition import Partition, check_directed, check_resolution, factorize_membership
from .exceptions import InputError
from .graph import Graph

__all__ = [
    "ari",
    "conductance",
    "coverage",
    "modularity",
    "nmi",
    "variation_of_information",
]


def _codes_and_labels(g: Graph, membership: Any) -> tuple[np.ndarray, pd.Index]:
    """uint32 community codes per node of ``g`` and the community label of each code."""
    if isinstance(membership, Partition):
        if membership.graph is not g and not membership.graph.nodes.equals(g.nodes):
            raise InputError("the partition belongs to another graph (different customers)")
        codes = np.ascontiguousarray(membership.codes, dtype=np.uint32)
        return codes, pd.RangeIndex(membership.n_communities, name="community")
    codes = factorize_membership(g, membership)
    if isinstance(membership, pd.Series):
        values = membership.reindex(g.nodes).to_numpy()
    else:
        values = np.asarray(membership)
    _, uniques = pd.factorize(values)
    return np.ascontiguousarray(codes, dtype=np.uint32), pd.Index(uniques, name="community")


def modularity(
    g: Graph,
    membership: Any,
    *,
    resolution: float = 1.0,
    weight: bool | str | None = True,
    directed: bool | None = None,
    n_threads: int | None = None,
) -> float:
    """Modularity of a partition of the customers.

    Parameters
    ----------
    g : Graph
        The customer graph.
    membership : Partition, pandas.Series or array
        Community of every customer: a :class:`Partition`, a Series indexed by customer id
        (any hashable labels), or an array aligned with ``g.nodes``.
    resolution : float, default 1.0
        Resolution :math:`\\gamma \\ge 0`.
    weight : bool or str, default True
        True or "weight": summed event weight; False/None: every edge weighs 1; "decayed":
        time-decayed weight.
    directed : bool, optional
        None follows ``g.directed``; False on a directed graph uses the undirected view (the
        weights of ``a -> b`` and ``b -> a`` add).
    n_threads : int, optional
        Threads; the value does not depend on it.

    Returns
    -------
    float
        NaN on a graph without edge weight.

    Raises
    ------
    InputError
        Unknown or missing customers, negative resolution, bad weight or directed.

    Notes
    -----
    With :math:`m` the total edge weight and :math:`k_i` the weighted degree (a self-loop adds
    twice its weight, as in networkx and igraph),

    .. math::

        Q = \\sum_c \\Big[\\frac{e_c}{m} - \\gamma \\Big(\\frac{K_c}{2m}\\Big)^2\\Big]

    where :math:`e_c` is the weight inside community :math:`c` (self-loops once) and
    :math:`K_c` its summed degree; on a directed graph (Leicht & Newman 2008)

    .. math:: Q = \\sum_c \\Big[\\frac{e_c}{m} - \\gamma \\frac{K_c^{out} K_c^{in}}{m^2}\\Big].

    These equal networkx's ``community.modularity``. Weights whose largest lies beyond
    :math:`2^{\\pm 128}` are first multiplied exactly by a power of two that brings it near 1
    (the value does not change; the squared sums would overflow or underflow).

    References
    ----------
    .. [1] M. E. J. Newman, "Modularity and community structure in networks", PNAS 103 (2006).
    .. [2] E. A. Leicht and M. E. J. Newman, "Community structure in directed networks",
       Phys. Rev. Lett. 100, 118703 (2008).

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm import Graph
    >>> from socialcrm.community import modularity
    >>> df = pd.DataFrame({"source": ["a", "b", "c", "d"], "target": ["b", "c", "a", "e"]})
    >>> g = Graph.from_pandas(df, directed=False)
    >>> modularity(g, {"a": 1, "b": 1, "c": 1, "d": 2, "e": 2})
    0.375
    """
    codes, _ = _codes_and_labels(g, _series(membership))
    return float(
        _core.community_quality(
            g._csr,
            codes,
            resolution=check_resolution(resolution),
            weight=g._weight_name(weight),
            directed=check_directed(g, directed),
            n_threads=_checks.n_threads(n_threads),
        )
    )


def _series(membership: Any) -> Any:
    if isinstance(membership, dict):
        return pd.Series(membership, dtype=object)
    return membership


def _stats(g: Graph, membership: Any, weight: Any) -> tuple[np.ndarray, np.ndarray, float, Any]:
    codes, labels = _codes_and_labels(g, _series(membership))
    inside, volume, total = _core.community_stats(g._csr, codes, weight=g._weight_name(weight))
    return inside, volume, float(total), labels


def conductance(g: Graph, membership: Any, *, weight: bool | str | None = True) -> pd.Series:
    """Conductance of every community: the share of its edge volume that leaves it.

    Parameters
    ----------
    g : Graph
        The customer graph; a directed graph is read in its undirected view (the weights of
        ``a -> b`` and ``b -> a`` add).
    membership : Partition, pandas.Series or array
        As in :func:`modularity`.
    weight : bool or str, default True
        True or "weight": summed event weight; False/None: every edge weighs 1; "decayed":
        time-decayed weight.

    Returns
    -------
    pandas.Series
        Indexed by community (the partition's numbers, or the labels given); lower is a better
        separated community. NaN where both volumes are 0.

    Notes
    -----
    With :math:`\\mathrm{cut}(c)` the weight of the edges with one end in :math:`c` and
    :math:`\\mathrm{vol}(c) = \\sum_{i \\in c} k_i` (self-loops twice),

    .. math::

        \\phi(c) = \\frac{\\mathrm{cut}(c)}
                        {\\min(\\mathrm{vol}(c), \\mathrm{vol}(V \\setminus c))}.

    References
    ----------
    .. [1] R. Kannan, S. Vempala and A. Vetta, "On clusterings: good, bad and spectral",
       J. ACM 51(3) (2004).

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm import Graph
    >>> from socialcrm.community import conductance
    >>> df = pd.DataFrame({"source": ["a", "b", "c", "d", "e", "f", "c"],
    ...                    "target": ["b", "c", "a", "e", "f", "d", "d"]})
    >>> g = Graph.from_pandas(df, directed=False)
    >>> conductance(g, {"a": "x", "b": "x", "c": "x", "d": "y", "e": "y", "f": "y"})
    community
    x    0.142857
    y    0.142857
    Name: conductance, dtype: float64
    """
    inside, volume, total, labels = _stats(g, membership, weight)
    cut = volume - 2.0 * inside
    rest = 2.0 * total - volume
    denom = np.minimum(volume, rest)
    with np.errstate(divide="ignore", invalid="ignore"):
        phi = np.where(denom > 0, cut / np.where(denom > 0, denom, 1.0), np.nan)
    return pd.Series(phi, index=labels, name="conductance")


def coverage(g: Graph, membership: Any, *, weight: bool | str | None = True) -> float:
    """Share of the edge weight that falls inside communities.

    Parameters
    ----------
    g : Graph
        The customer graph; on a directed graph both directions count.
    membership : Partition, pandas.Series or array
        As in :func:`modularity`.
    weight : bool or str, default True
        True or "weight": summed event weight; False/None: every edge counts 1 (networkx's
        ``partition_quality`` coverage); "decayed": time-decayed weight.

    Returns
    -------
    float
        In [0, 1]; NaN on a graph without edge weight.

    Notes
    -----
    .. math:: \\mathrm{coverage} = \\frac{\\sum_c e_c}{m}

    with :math:`e_c` the weight inside community :math:`c` (self-loops included) and
    :math:`m` the total weight.

    References
    ----------
    .. [1] S. Fortunato, "Community detection in graphs", Physics Reports 486 (2010).

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm import Graph
    >>> from socialcrm.community import coverage
    >>> df = pd.DataFrame({"source": ["a", "b", "c", "d"], "target": ["b", "c", "a", "e"]})
    >>> coverage(Graph.from_pandas(df, directed=False), {"a": 0, "b": 0, "c": 1, "d": 2, "e": 2})
    0.5
    """
    inside, _, total, _ = _stats(g, membership, weight)
    return float(inside.sum() / total) if total > 0 else float("nan")


# ---------------------------------------------------------------------- comparisons
def _labels_of(x: Any, name: str) -> tuple[np.ndarray, pd.Index | None]:
    if isinstance(x, Partition):
        x = x.membership
    if isinstance(x, dict):
        x = pd.Series(x, dtype=object)
    if isinstance(x, pd.Series):
        if x.index.has_duplicates:
            raise InputError(f"{name}: the index has duplicate ids")
        return x.to_numpy(), x.index
    arr = np.asarray(x)
    if arr.ndim != 1:
        raise InputError(f"{name}: expected a 1-d array of labels, got shape {arr.shape}")
    return arr, None


def _pair(a: Any, b: Any) -> tuple[np.ndarray, np.ndarray]:
    va, ia = _labels_of(a, "a")
    vb, ib = _labels_of(b, "b")
    if ia is not None and ib is not None:
        only_a, only_b = ia.difference(ib), ib.difference(ia)
        if len(only_a) or len(only_b):
            shown = ", ".join(repr(x) for x in list(only_a[:3]) + list(only_b[:3]))
            raise InputError(
                f"the two memberships cover different customers: {len(only_a)} ids only in a, "
                f"{len(only_b)} only in b ({shown})"
            )
        vb = pd.Series(vb, index=ib).reindex(ia).to_numpy()
    elif len(va) != len(vb):
        raise InputError(f"the two memberships have {len(va)} and {len(vb)} entries")
    ca, _ = pd.factorize(va)
    cb, _ = pd.factorize(vb)
    if (ca < 0).any() or (cb < 0).any():
        raise InputError("memberships must not hold null labels")
    return ca, cb


def _contingency(a: Any, b: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Non-zero cells n_ij, row sums n_i., column sums n_.j and n."""
    ca, cb = _pair(a, b)
    kb = int(cb.max()) + 1 if len(cb) else 1
    _, cells = np.unique(ca.astype(np.int64) * kb + cb, return_counts=True)
    return cells, np.bincount(ca), np.bincount(cb), len(ca)


def _entropy(counts: np.ndarray, n: int) -> float:
    p = counts[counts > 0] / n
    return float(-(p * np.log(p)).sum())


def _mutual_information(cells: np.ndarray, ra: np.ndarray, rb: np.ndarray, n: int) -> float:
    # I = sum n_ij/n log(n n_ij / (n_i. n_.j)) = sum p_ij log p_ij + H(a) + H(b)
    p = cells / n
    return max(float((p * np.log(p)).sum()) + _entropy(ra, n) + _entropy(rb, n), 0.0)


def nmi(a: Any, b: Any) -> float:
    """Normalised mutual information of two memberships (arithmetic-mean normalisation).

    Parameters
    ----------
    a, b : Partition, pandas.Series or array
        Memberships; Series (and partitions) are aligned by customer id, arrays by position.

    Returns
    -------
    float
        In [0, 1]; 1 for identical partitions (also when both are a single community).

    Raises
    ------
    InputError
        Series over different customers, arrays of different lengths, null labels.

    Notes
    -----
    .. math::

        \\mathrm{NMI}(A, B) = \\frac{I(A; B)}{\\tfrac12 [H(A) + H(B)]}, \\qquad
        I(A; B) = \\sum_{ij} \\frac{n_{ij}}{n} \\ln \\frac{n \\, n_{ij}}{n_{i\\cdot} n_{\\cdot j}}

    from the contingency table :math:`n_{ij}`; the arithmetic mean is scikit-learn's default
    ``average_method``, and its special cases are kept (0 when only one side is a single
    community).

    References
    ----------
    .. [1] L. Danon, A. Diaz-Guilera, J. Duch and A. Arenas, "Comparing community structure
       identification", J. Stat. Mech. P09008 (2005).

    Examples
    --------
    >>> from socialcrm.community import nmi
    >>> nmi([0, 0, 1, 1], [5, 5, 7, 7])
    1.0
    >>> round(nmi([0, 0, 1, 1], [0, 1, 0, 1]), 6)
    0.0
    """
    cells, ra, rb, n = _contingency(a, b)
    if (len(ra) == len(rb) == 1) or n == 0:
        return 1.0
    mi = _mutual_information(cells, ra, rb, n)
    if mi == 0.0:
        return 0.0
    return min(mi / ((_entropy(ra, n) + _entropy(rb, n)) / 2.0), 1.0)


def ari(a: Any, b: Any) -> float:
    """Adjusted Rand index of two memberships (Hubert & Arabie 1985).

    Parameters
    ----------
    a, b : Partition, pandas.Series or array
        Memberships; Series (and partitions) are aligned by customer id, arrays by position.

    Returns
    -------
    float
        1 for identical partitions, about 0 for independent ones (can be negative).

    Raises
    ------
    InputError
        Series over different customers, arrays of different lengths, null labels.

    Notes
    -----
    .. math::

        \\mathrm{ARI} = \\frac{\\sum_{ij} \\binom{n_{ij}}{2} - E}
            {\\tfrac12 \\big[\\sum_i \\binom{n_{i\\cdot}}{2}
                    + \\sum_j \\binom{n_{\\cdot j}}{2}\\big] - E},
        \\qquad E = \\frac{\\sum_i \\binom{n_{i\\cdot}}{2} \\sum_j \\binom{n_{\\cdot j}}{2}}
                          {\\binom{n}{2}}.

    Pair counts are exact integers. When both partitions are the same trivial one (one
    community, or all singletons) the result is 1.

    References
    ----------
    .. [1] L. Hubert and P. Arabie, "Comparing partitions", Journal of Classification 2 (1985).

    Examples
    --------
    >>> from socialcrm.community import ari
    >>> ari([0, 0, 1, 1], [1, 1, 0, 0])
    1.0
    >>> round(ari([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]), 6)
    0.242424
    """
    cells, ra, rb, n = _contingency(a, b)

    def pairs(x: np.ndarray) -> int:
        x = x.astype(np.int64)
        return int((x * (x - 1) // 2).sum())

    index, sa, sb = pairs(cells), pairs(ra), pairs(rb)
    total = n * (n - 1) // 2
    if total == 0 or (sa == sb == index and (sa == 0 or sa == total)):
        return 1.0
    expected = sa * sb / total
    top = (sa + sb) / 2.0
    if top == expected:
        return 1.0
    return (index - expected) / (top - expected)


def variation_of_information(a: Any, b: Any) -> float:
    """Variation of information between two memberships (Meila 2007), in nats.

    Parameters
    ----------
    a, b : Partition, pandas.Series or array
        Memberships; Series (and partitions) are aligned by customer id, arrays by position.

    Returns
    -------
    float
        0 for identical partitions, at most :math:`\\ln n`.

    Raises
    ------
    InputError
        Series over different customers, arrays of different lengths, null labels.

    Notes
    -----
    A true metric on partitions, with natural logarithms:

    .. math::

        VI(A, B) = H(A \\mid B) + H(B \\mid A)
                 = -\\sum_{ij} \\frac{n_{ij}}{n}
                   \\Big[\\ln \\frac{n_{ij}}{n_{i\\cdot}} + \\ln \\frac{n_{ij}}{n_{\\cdot j}}\\Big].

    References
    ----------
    .. [1] M. Meila, "Comparing clusterings - an information based distance", Journal of
       Multivariate Analysis 98(5) (2007).

    Examples
    --------
    >>> from socialcrm.community import variation_of_information
    >>> variation_of_information([0, 0, 1, 1], [0, 0, 1, 1])
    0.0
    >>> round(variation_of_information([0, 0, 1, 1], [0, 0, 0, 0]), 6)  # ln 2
    0.693147
    """
    ca, cb = _pair(a, b)
    n = len(ca)
    if n == 0:
        return 0.0
    kb = int(cb.max()) + 1
    keys, cells = np.unique(ca.astype(np.int64) * kb + cb, return_counts=True)
    ra, rb = np.bincount(ca), np.bincount(cb)
    ni, nj = ra[keys // kb], rb[keys % kb]
    vi = -(cells / n * (np.log(cells / ni) + np.log(cells / nj))).sum()
    return float(vi) if vi > 0 else 0.0
