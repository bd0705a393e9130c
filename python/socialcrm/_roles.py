"""Roles of customers inside their communities (Guimerà & Amaral 2005)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from . import _checks, _core
from .exceptions import InputError, InputTypeError, UnknownIdError
from .graph import Graph

__all__ = ["ROLE_LABELS", "roles"]

#: Role names R1..R7, in order.
ROLE_LABELS = (
    "ultra-peripheral",
    "peripheral",
    "connector",
    "kinless",
    "provincial hub",
    "connector hub",
    "kinless hub",
)


def _is_partition(obj: Any) -> bool:
    return all(hasattr(obj, a) for a in ("codes", "graph", "membership"))


def membership_codes(g: Graph, membership: Any) -> tuple[np.ndarray, pd.Index]:
    """``(codes, labels)``: the community code (uint32) of every node of ``g`` and the label of
    each code. ``membership`` is a Partition, a Series indexed by customer id, or an array
    aligned with ``g.nodes``; every customer of ``g`` needs exactly one non-null community."""
    if _is_partition(membership):
        if membership.graph is g:
            codes = np.ascontiguousarray(membership.codes, dtype=np.uint32)
            k = int(codes.max()) + 1 if len(codes) else 0
            return codes, pd.RangeIndex(k, name="community")
        membership = membership.membership
    if isinstance(membership, pd.DataFrame):
        raise InputTypeError(
            "membership must be a Partition, a Series (customer -> community) or an array "
            "aligned with g.nodes, got a DataFrame; pass one column, e.g. df['community']"
        )
    if isinstance(membership, pd.Series):
        values = _series_on_nodes(g, membership)
    else:
        module = type(membership).__module__.split(".")[0]
        if module in ("polars", "pyarrow"):
            membership = membership.to_pandas()
        if np.ndim(membership) != 1 or len(membership) != g.n_nodes:
            raise InputError(
                f"membership: an array must hold one community per customer of the graph "
                f"({g.n_nodes}), got shape {np.shape(membership)}"
            )
        values = pd.Series(membership).reset_index(drop=True)
    null = values.isna().to_numpy()
    if null.any():
        shown = ", ".join(repr(x) for x in g.nodes[null][:5])
        raise InputError(
            f"membership: {int(null.sum())} customers of the graph have no community "
            f"(e.g. {shown}); give every customer one"
        )
    try:
        codes, labels = pd.factorize(values, sort=True)
    except TypeError:  # labels of incomparable types
        codes, labels = pd.factorize(values, sort=False)
    labels = pd.Index(labels, name="community")
    return np.ascontiguousarray(codes, dtype=np.uint32), labels


def _series_on_nodes(g: Graph, s: pd.Series) -> pd.Series:
    """The Series' values in node order, after checking its index against ``g.nodes``."""
    if s.index.equals(g.nodes):  # the common case: no hashing needed
        return s.reset_index(drop=True)
    dup = s.index.duplicated()
    if dup.any():
        raise InputError(
            f"membership: {int(dup.sum())} customers appear more than once "
            f"(e.g. {s.index[dup][0]!r}); give each customer one community"
        )
    pos = g.nodes.get_indexer(s.index)
    unknown = pos < 0
    if unknown.any():
        shown = ", ".join(repr(x) for x in s.index[unknown][:5])
        raise UnknownIdError(
            f"membership: {int(unknown.sum())} ids are not customers of this graph: {shown}"
        )
    if len(s) == g.n_nodes and (pos == np.arange(len(pos))).all():
        return s.reset_index(drop=True)
    out = pd.Series(pd.NA, index=np.arange(g.n_nodes), dtype=object)
    out.iloc[pos] = s.to_numpy(dtype=object)
    if len(s) == g.n_nodes:
        out = out.astype(s.dtype)
    return out


def roles(
    g: Graph,
    membership: Any,
    *,
    weight: bool | str | None = False,
    direction: str = "all",
    n_threads: int | None = None,
    progress: _checks.Progress | None = None,
) -> pd.DataFrame:
    """The role of every customer inside their community: hub or not, and how far their links
    reach into other communities (Guimerà & Amaral 2005).

    Parameters
    ----------
    g : Graph
        The customer graph.
    membership : Partition, pandas.Series or array-like
        The community of every customer: a :class:`~socialcrm.community.Partition`, a Series
        indexed by customer id (every customer of ``g`` exactly once), or an array aligned with
        ``g.nodes``. Labels may be of any type.
    weight : bool or str, default False
        False/None counts links (degree); True/"weight" sums event weights (strength);
        "decayed" sums time-decayed weights.
    direction : {"all", "in", "out"}, default "all"
        On a directed graph, which links count: "all" uses the undirected view (each distinct
        neighbour once, with the summed weight of both directions), "in"/"out" only incoming /
        outgoing edges. Ignored on undirected graphs.
    n_threads : int, optional
        Threads to use; default all (or ``RAYON_NUM_THREADS``).
    progress : callable, optional
        Called as ``progress(done, total)`` about every 50 ms.

    Returns
    -------
    pandas.DataFrame
        Indexed by customer: ``community`` (the label), ``degree`` (:math:`k_i`),
        ``within_degree`` (:math:`k_i^{c_i}`), ``z_score``, ``participation``, ``role``
        (ordered categorical, R1..R7) and ``is_hub``. Degrees are integers when unweighted.

    Raises
    ------
    InputError
        A customer without a community, a customer listed twice, an id not in ``g``, an
        array of the wrong length, a bad ``weight`` or ``direction``.

    Notes
    -----
    With :math:`k_{is}` the links (or weight) from customer :math:`i` to members of community
    :math:`s`, :math:`k_i = \\sum_s k_{is}` and :math:`c_i` the community of :math:`i`:

    .. math::

        z_i = \\frac{k_i^{c_i} - \\bar k^{c_i}}{\\sigma^{c_i}}, \\qquad
        P_i = 1 - \\sum_s \\left(\\frac{k_{is}}{k_i}\\right)^2

    where :math:`\\bar k^{c}` and :math:`\\sigma^{c}` are the mean and the population standard
    deviation of :math:`k_j^{c}` over the members of :math:`c` (:math:`z_i = 0` when
    :math:`\\sigma^{c} = 0`; :math:`P_i = 0` when :math:`k_i = 0`). Self-loops are ignored.

    Roles (Guimerà & Amaral 2005): hubs have :math:`z \\ge 2.5`. Non-hubs are R1
    ultra-peripheral (:math:`P \\le 0.05`), R2 peripheral (:math:`P \\le 0.62`), R3
    connector (:math:`P \\le 0.80`), R4 kinless (above). Hubs are R5 provincial hub
    (:math:`P \\le 0.30`), R6 connector hub (:math:`P \\le 0.75`), R7 kinless hub (above).
    In CRM terms: provincial hubs anchor their own community, connectors and connector hubs
    carry messages between communities.

    The per-customer, per-community counts run in the Rust core in parallel; each customer is
    computed by one task in neighbour order, so results do not depend on the thread count.

    References
    ----------
    .. [1] R. Guimerà and L. A. N. Amaral, "Functional cartography of complex metabolic
       networks", Nature 433:895-900, 2005.

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm import Graph
    >>> from socialcrm.community import roles
    >>> df = pd.DataFrame({"source": ["a", "a", "b", "c", "d"],
    ...                    "target": ["b", "c", "c", "d", "e"]})
    >>> g = Graph.from_pandas(df, directed=False)
    >>> membership = pd.Series({"a": 1, "b": 1, "c": 1, "d": 2, "e": 2})
    >>> roles(g, membership)[["community", "degree", "participation", "role"]]
       community  degree  participation              role
    a          1       2       0.000000  ultra-peripheral
    b          1       2       0.000000  ultra-peripheral
    c          1       3       0.444444        peripheral
    d          2       2       0.500000        peripheral
    e          2       1       0.000000  ultra-peripheral
    """
    if direction not in ("all", "in", "out"):
        raise InputError(f"direction must be 'all', 'in' or 'out', got {direction!r}")
    wname = g._weight_name(weight)
    codes, labels = membership_codes(g, membership)
    deg, within, z, p, role = _core.community_roles(
        g._csr,
        codes,
        len(labels),
        weight=wname,
        direction=direction,
        n_threads=_checks.n_threads(n_threads),
        progress=_checks.progress(progress),
    )
    if wname == "none":
        deg, within = deg.astype(np.int64), within.astype(np.int64)
    cat = pd.Categorical.from_codes(role.astype(np.int8) - 1, categories=ROLE_LABELS, ordered=True)
    return pd.DataFrame(
        {
            "community": labels.take(codes).to_numpy(),
            "degree": deg,
            "within_degree": within,
            "z_score": z,
            "participation": p,
            "role": cat,
            "is_hub": role >= 5,
        },
        index=g.nodes,
    )
