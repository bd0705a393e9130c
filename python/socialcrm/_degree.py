"""Degree and strength."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _core
from ._frames import frame
from .graph import Graph


def degree(g: Graph) -> pd.DataFrame:
    """In/out degree and strength of every customer.

    Parameters
    ----------
    g : Graph
        The customer graph.

    Returns
    -------
    pandas.DataFrame
        Indexed by customer, columns ``in_degree`` (customers who reached them),
        ``out_degree`` (customers they reached), ``in_strength`` and ``out_strength`` (summed
        edge weight). On an undirected graph in- and out- columns are equal.

    Notes
    -----
    .. math::

        k_i^{in} = |\\{j : (j, i) \\in E\\}|, \\qquad s_i^{in} = \\sum_{j : (j, i) \\in E} w_{ji}

    and likewise out of :math:`i` (Barrat et al. 2004); an edge of weight 0 still counts in the
    degree. Strength uses the summed event weight
    (the event count when the table has no weight column). On an undirected graph a self-loop
    adds 2 to the degree and twice its weight to the strength, as in networkx.

    References
    ----------
    .. [1] A. Barrat, M. Barthelemy, R. Pastor-Satorras and A. Vespignani, "The architecture of
       complex weighted networks", PNAS 101(11), 2004.

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm import Graph
    >>> from socialcrm.influence import degree
    >>> df = pd.DataFrame({"source": ["a", "a", "b"], "target": ["b", "c", "c"]})
    >>> degree(Graph.from_pandas(df))
       in_degree  out_degree  in_strength  out_strength
    a          0           2          0.0           2.0
    b          1           1          1.0           1.0
    c          2           0          2.0           0.0
    """
    return frame(g.nodes, _COLUMNS, _degree_arrays(g))


def _degree_arrays(g: Graph) -> list[np.ndarray]:
    """The columns of :func:`degree`, in order, as arrays."""
    in_deg, out_deg, in_str, out_str = _core.degree(g._csr)
    return [in_deg.astype(np.int64), out_deg.astype(np.int64), in_str, out_str]


_COLUMNS = ("in_degree", "out_degree", "in_strength", "out_strength")
