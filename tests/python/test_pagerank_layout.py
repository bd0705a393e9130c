"""PageRank on graphs large enough for the renumbered (locality-ordered) iterations.

Graphs of 2^17 nodes or more switch to nodes renumbered by decreasing out-degree when many
iterations remain; these tests check that path against an independent scipy power iteration
(networkx's semantics) and for bit-identical results across thread counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from socialcrm import Graph
from socialcrm.exceptions import ConvergenceError
from socialcrm.influence import pagerank

N = 140_000  # above the 2^17 nodes from which the renumbering is used


def random_graph(seed: int, directed: bool, weighted: bool) -> tuple[Graph, np.ndarray]:
    """A random graph with skewed degrees, self-loops, dangling nodes and 5% isolated nodes;
    returns the graph and its adjacency as a scipy CSR matrix of summed weights."""
    rng = np.random.default_rng(seed)
    live = N - N // 20
    m = 4 * N
    # Skewed sources (some nodes send a lot), uniform targets.
    s = np.minimum((rng.pareto(1.5, m) * 50).astype(np.int64), live - 1)
    s = rng.permutation(live)[s]
    t = rng.integers(0, live, m)
    # A ring through a quarter of the nodes mixes slowly: many iterations before convergence.
    ring = rng.permutation(live)[: live // 4]
    s = np.concatenate([s, ring, ring])
    t = np.concatenate([t, np.roll(ring, 1), np.roll(ring, 1)])
    m = len(s)
    w = rng.uniform(0.5, 3.0, m) if weighted else np.ones(m)
    df = pd.DataFrame({"source": s, "target": t, "weight": w})
    g = Graph.from_pandas(
        df, weight="weight", directed=directed, nodes=np.arange(N), self_loops="keep"
    )
    a = sp.coo_matrix((w, (s, t)), shape=(N, N)).tocsr()
    a.sum_duplicates()
    if not directed:
        a = (a + a.T - sp.diags(a.diagonal())).tocsr()
    if not weighted:  # duplicate events make one edge of weight 1
        a.data[:] = 1.0
    return g, a


def reference(a, damping: float, p: np.ndarray, tol: float) -> tuple[np.ndarray, list[float]]:
    """networkx's pagerank iteration, written with scipy; also returns the residuals."""
    n = a.shape[0]
    out = np.asarray(a.sum(axis=1)).ravel()
    inv = np.divide(1.0, out, out=np.zeros(n), where=out > 0)
    at = (sp.diags(inv) @ a).T.tocsr()
    dangling = out == 0
    x = np.full(n, 1.0 / n)
    residuals = []
    for _ in range(10_000):
        new = damping * (at @ x + x[dangling].sum() * p) + (1 - damping) * p
        residuals.append(np.abs(new - x).sum())
        if residuals[-1] < n * tol:
            return new, residuals
        x = new
    raise AssertionError("reference did not converge")


@pytest.mark.parametrize(
    ("seed", "directed", "weighted", "personalized"),
    [
        (1, True, False, False),
        (2, True, True, True),
        (3, False, False, True),
        (4, False, True, False),
    ],
)
def test_renumbered_iterations_match_the_reference(seed, directed, weighted, personalized):
    g, a = random_graph(seed, directed, weighted)
    rng = np.random.default_rng(seed + 100)
    p = rng.uniform(0, 1, N) if personalized else np.ones(N)
    pers = pd.Series(p, index=np.arange(N)) if personalized else None
    tol = 1e-13
    got = pagerank(g, weight=weighted, personalization=pers, tol=tol, max_iter=1000)
    want, residuals = reference(a, 0.85, p / p.sum(), tol)
    assert abs(got.attrs["iterations"] - len(residuals)) <= 1
    # The core's rule: renumber after an iteration k >= 2 when the last contraction predicts
    # at least 32 more; check that the renumbered path ran for a good part of the run.
    r = residuals
    predicted = [np.log(N * tol / r[k]) / np.log(r[k] / r[k - 1]) for k in range(1, len(r) - 1)]
    first = next(k for k, p in enumerate(predicted) if p >= 32)
    assert first < len(r) // 2
    np.testing.assert_allclose(got.to_numpy(), want, rtol=1e-9, atol=1e-15)
    assert abs(got.sum() - 1.0) < 1e-12


def test_renumbered_iterations_are_identical_across_thread_counts():
    g, _ = random_graph(5, True, True)
    runs = [pagerank(g, tol=1e-12, max_iter=1000, n_threads=k) for k in (1, 2, 3)]
    for r in runs[1:]:
        assert r.attrs["iterations"] == runs[0].attrs["iterations"]
        assert np.array_equal(r.to_numpy(), runs[0].to_numpy())


def test_short_runs_and_iteration_limits_on_a_large_graph():
    g, _ = random_graph(6, True, False)
    # The default tolerance converges in a few iterations, without renumbering.
    quick = pagerank(g, weight=False)
    assert quick.attrs["iterations"] < 10
    # Running out of iterations after the switch still raises.
    with pytest.raises(ConvergenceError):
        pagerank(g, weight=False, tol=0.0, max_iter=40)
