from collections.abc import Callable
from typing import final

import numpy as np
import numpy.typing as npt

__all__ = [
    "LEIDEN_INCREMENTAL_MIN_EDGES",
    "CsrGraph",
    "attribute_influence",
    "betweenness",
    "bgnbd_expected_new",
    "bgnbd_fit",
    "bgnbd_predict",
    "build_graph",
    "check_config",
    "check_panic_handling",
    "check_run",
    "code_strings",
    "community_profile",
    "community_quality",
    "community_roles",
    "community_stats",
    "default_config",
    "degree",
    "edge_slots",
    "edge_table",
    "eigenvector",
    "gamma_gamma_fit",
    "graph_stats",
    "grouped_item_counts",
    "grouped_quantiles",
    "harmonic",
    "hits",
    "induced_subgraph",
    "katz",
    "kcore",
    "label_propagation",
    "leiden",
    "louvain",
    "maximize",
    "pagerank",
    "rfm_summary",
    "sampled_betweenness",
    "spectral_radius",
    "spread",
    "structural_holes",
    "tie_pairs",
    "to_undirected",
]

_U32 = npt.NDArray[np.uint32]
_U64 = npt.NDArray[np.uint64]
_I64 = npt.NDArray[np.int64]
_F64 = npt.NDArray[np.float64]

@final
class CsrGraph:
    @property
    def n_nodes(self) -> int: ...
    @property
    def n_edges(self) -> int: ...
    @property
    def n_self_loops(self) -> int: ...
    @property
    def directed(self) -> bool: ...
    def memory_bytes(self) -> int: ...

def build_graph(
    source: _U32,
    target: _U32,
    n_nodes: int,
    *,
    weight: _F64 | None = None,
    time: _I64 | None = None,
    kind: npt.NDArray[np.uint8] | None = None,
    directed: bool = True,
    self_loops: str = "drop",
    as_of: int | None = None,
    half_life: float | None = None,
    n_threads: int | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> tuple[CsrGraph, int]: ...
def code_strings(
    columns: list[tuple[_I64, npt.NDArray[np.uint8]]], *, n_threads: int | None = None
) -> tuple[list[_U32], _I64, npt.NDArray[np.uint8]]: ...
def edge_table(
    g: CsrGraph,
) -> tuple[_U32, _U32, _U32, _F64, _F64 | None, _I64 | None, _I64 | None, _U64 | None]: ...
def graph_stats(
    g: CsrGraph,
) -> tuple[int, float, int, int, int, int | None, int | None]: ...
def tie_pairs(
    g: CsrGraph,
) -> tuple[
    _U32, _U32, _U32, _U32, _F64, _F64, _F64 | None, _I64 | None, _I64 | None, _U64 | None
]: ...
def induced_subgraph(g: CsrGraph, keep: _U32) -> CsrGraph: ...
def to_undirected(g: CsrGraph, how: str = "sum") -> CsrGraph: ...
def degree(g: CsrGraph) -> tuple[_U32, _U32, _F64, _F64]: ...
def check_panic_handling() -> None: ...
def check_run(
    *, work: int, n_threads: int | None = None, panic: bool = False
) -> tuple[bool, int, str | None]: ...

# -- centrality --
def pagerank(
    g: CsrGraph,
    *,
    damping: float = 0.85,
    personalization: _F64 | None = None,
    weight: str = "weight",
    tol: float = 1e-6,
    max_iter: int = 100,
    n_threads: int | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> tuple[_F64, int, float]: ...
def katz(
    g: CsrGraph,
    *,
    alpha: float,
    beta: float = 1.0,
    weight: str = "weight",
    normalized: bool = True,
    tol: float = 1e-6,
    max_iter: int = 1000,
    n_threads: int | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> tuple[_F64, int, float]: ...
def spectral_radius(
    g: CsrGraph,
    *,
    weight: str = "weight",
    max_iter: int = 10000,
    stop_below: float | None = None,
    n_threads: int | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> tuple[float, float, bool, int]: ...
def eigenvector(
    g: CsrGraph,
    *,
    weight: str = "weight",
    tol: float = 1e-6,
    max_iter: int = 100,
    n_threads: int | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> tuple[_F64, int, float]: ...
def hits(
    g: CsrGraph,
    *,
    weight: str = "weight",
    tol: float = 1e-8,
    max_iter: int = 1000,
    n_threads: int | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> tuple[_F64, _F64, int, float]: ...
def kcore(
    g: CsrGraph,
    *,
    n_threads: int | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> _U32: ...
def structural_holes(
    g: CsrGraph,
    *,
    weight: str = "weight",
    measures: str = "all",
    n_threads: int | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> tuple[_F64, _F64, _F64, _F64, _U32]: ...

# -- paths --
def betweenness(
    g: CsrGraph,
    *,
    weight: str = "none",
    normalized: bool = True,
    endpoints: bool = False,
    n_threads: int | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> _F64: ...
def sampled_betweenness(
    g: CsrGraph,
    *,
    epsilon: float,
    delta: float = 0.1,
    weight: str = "none",
    normalized: bool = True,
    endpoints: bool = False,
    seed: int = 0,
    exact_if_cheaper: bool = True,
    n_threads: int | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> tuple[_F64, int, int, bool]: ...
def harmonic(
    g: CsrGraph,
    *,
    weight: str = "none",
    normalized: bool = False,
    n_threads: int | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> _F64: ...

# -- diffusion --
def edge_slots(g: CsrGraph, source: _U32, target: _U32) -> tuple[npt.NDArray[np.int64], int]: ...
def spread(
    g: CsrGraph,
    seeds: _U32,
    *,
    model: str = "ic",
    p: float | None = None,
    p_slots: _F64 | None = None,
    weight: str = "weight",
    simulations: int = 10000,
    seed: int = 0,
    value: _F64 | None = None,
    n_threads: int | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> tuple[float, float, float | None, float | None, _F64]: ...
def maximize(
    g: CsrGraph,
    k: int,
    *,
    model: str = "ic",
    p: float | None = None,
    p_slots: _F64 | None = None,
    weight: str = "weight",
    epsilon: float = 0.1,
    ell: float = 1.0,
    seed: int = 0,
    value: _F64 | None = None,
    n_threads: int | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> tuple[_U32, _F64, tuple[int, int, int, float, float, int]]: ...

# -- analysis configuration --

def default_config() -> str: ...
def check_config(text: str) -> str: ...

# -- community detection --
_Found = tuple[_U32, npt.NDArray[np.uint32], float, int]

LEIDEN_INCREMENTAL_MIN_EDGES: int

def leiden(
    g: CsrGraph,
    *,
    objective: str = "modularity",
    resolution: float = 1.0,
    weight: str = "weight",
    directed: bool = True,
    seed: int = 0,
    n_iterations: int = ...,  # -1 (pyo3 renders negative defaults as ...)
    theta: float = 0.01,
    initial: _U32 | None = None,
    parallel: bool = False,
    incremental: bool = True,
    n_threads: int | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> _Found: ...
def louvain(
    g: CsrGraph,
    *,
    resolution: float = 1.0,
    weight: str = "weight",
    directed: bool = True,
    seed: int = 0,
    n_iterations: int = 1,
    parallel: bool = False,
    n_threads: int | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> _Found: ...
def label_propagation(
    g: CsrGraph,
    *,
    weight: str = "weight",
    seed: int = 0,
    max_iter: int = 100,
    n_threads: int | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> _Found: ...

# -- community evaluation --
def community_quality(
    g: CsrGraph,
    membership: _U32,
    *,
    objective: str = "modularity",
    resolution: float = 1.0,
    weight: str = "weight",
    directed: bool = True,
    n_threads: int | None = None,
) -> float: ...
def community_stats(
    g: CsrGraph,
    membership: _U32,
    *,
    weight: str = "weight",
    n_threads: int | None = None,
) -> tuple[_F64, _F64, float]: ...

# -- community roles and profiles --
def community_roles(
    g: CsrGraph,
    membership: _U32,
    n_communities: int,
    *,
    weight: str = "none",
    direction: str = "all",
    n_threads: int | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> tuple[_F64, _F64, _F64, _F64, npt.NDArray[np.uint8]]: ...
def community_profile(
    g: CsrGraph,
    membership: _U32,
    n_communities: int,
    *,
    weight: str = "weight",
    n_threads: int | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> tuple[_U64, _F64, _F64, _U64, _F64, _F64, _F64, _F64]: ...

# -- purchase value --

def rfm_summary(
    codes: _U32,
    periods: _I64,
    n_customers: int,
    end: int,
    *,
    amounts: _F64 | None = None,
    n_threads: int | None = None,
) -> tuple[_F64, _F64, _F64, _F64, _F64]: ...
def bgnbd_fit(
    frequency: _F64,
    recency: _F64,
    T: _F64,
    *,
    penalizer_coef: float = 0.0,
    max_iter: int = 1000,
    n_threads: int | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> tuple[_F64, float, _F64 | None, int, float, int]: ...
def gamma_gamma_fit(
    frequency: _F64,
    monetary_value: _F64,
    *,
    penalizer_coef: float = 0.0,
    max_iter: int = 1000,
    n_threads: int | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> tuple[_F64, float, _F64 | None, int, float, int]: ...
def bgnbd_predict(
    params: _F64,
    what: str,
    frequency: _F64,
    recency: _F64,
    T: _F64,
    *,
    t: float = 0.0,
    n_threads: int | None = None,
) -> _F64: ...
def bgnbd_expected_new(params: _F64, t: _F64) -> _F64: ...

# -- co-creation value --
def attribute_influence(
    g: CsrGraph,
    value: _F64,
    *,
    max_hops: int = 2,
    decay: float = 0.5,
    weight: str = "weight",
    n_threads: int | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> tuple[_F64, _F64]: ...
def grouped_quantiles(
    groups: _U32,
    values: _F64,
    n_groups: int,
    qs: _F64,
    *,
    n_threads: int | None = None,
) -> _F64: ...
def grouped_item_counts(
    groups: _U32,
    items: _U32,
    n_groups: int,
    *,
    top_per: int = 100,
    n_threads: int | None = None,
) -> tuple[_U64, _U64]: ...
