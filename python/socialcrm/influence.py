"""Influence: who shapes what other customers know and buy.

Every function takes a :class:`~socialcrm.Graph`, runs in the Rust core in parallel with the GIL
released, and returns pandas objects indexed by customer id.

- Reach and attention: :func:`degree`, :func:`pagerank`, :func:`katz`, :func:`eigenvector`,
  :func:`hits`, :func:`harmonic`.
- Brokerage: :func:`betweenness` (exact or sampled with a guarantee), Burt's structural holes
  (:func:`constraint`, :func:`effective_size`, :func:`efficiency`, :func:`hierarchy`, or all at
  once with :func:`structural_holes`), and the engaged core (:func:`kcore`).
- Diffusion: :func:`spread` (expected word-of-mouth reach of a seed set) and :func:`maximize`
  (the advocate seed set, by IMM).
- :func:`scores`: every near-linear measure in one table, for the scorecard.
"""

from __future__ import annotations

from ._brokerage import (
    constraint,
    effective_size,
    efficiency,
    hierarchy,
    kcore,
    structural_holes,
)
from ._centrality import eigenvector, hits, katz, pagerank
from ._degree import degree
from ._diffusion import SpreadResult, maximize, spread
from ._paths import betweenness, harmonic
from ._scores import SCORE_COLUMNS, scores

__all__ = [
    "SCORE_COLUMNS",
    "SpreadResult",
    "betweenness",
    "constraint",
    "degree",
    "effective_size",
    "efficiency",
    "eigenvector",
    "harmonic",
    "hierarchy",
    "hits",
    "katz",
    "kcore",
    "maximize",
    "pagerank",
    "scores",
    "spread",
    "structural_holes",
]
