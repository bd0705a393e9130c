"""The fixed cost of a call: small jobs run on the calling thread, explicit thread counts reuse
one pool each, and the public measures keep their exact results, types and labels."""

from __future__ import annotations

import threading
import time

import numpy as np
import pandas as pd
import pytest
from _shared import ctrl_c

import socialcrm as sc
from socialcrm import InputError, InternalError, _core, community, influence

SMALL = 1
LARGE = 1 << 40  # far beyond the inline limit: always on a worker thread


# ---------------------------------------------------------------- the two paths of run_sized
def test_tiny_job_runs_on_the_calling_thread_alone():
    same_thread, threads, _ = _core.check_run(work=SMALL)
    assert same_thread
    assert threads == 1


def test_large_job_runs_on_a_worker_thread_with_the_global_pool():
    same_thread, threads, _ = _core.check_run(work=LARGE)
    assert not same_thread
    assert threads >= 1


@pytest.mark.parametrize("work", [SMALL, LARGE])
def test_panic_becomes_internal_error_on_both_paths(work):
    with pytest.raises(InternalError, match="deliberate panic from check_run"):
        _core.check_run(work=work, panic=True)
    # and the thread is still usable afterwards
    assert _core.check_run(work=work)[1] >= 1


@pytest.mark.parametrize("work", [SMALL, LARGE])
def test_zero_threads_is_an_input_error_on_both_paths(work):
    with pytest.raises(InputError, match="n_threads"):
        _core.check_run(work=work, n_threads=0)


@pytest.mark.parametrize("work", [SMALL, LARGE])
def test_n_threads_is_honoured(work):
    for n in (1, 2, 3):
        assert _core.check_run(work=work, n_threads=n)[1] == n


def _pool(name: str | None) -> str:
    assert name is not None and name.startswith("socialcrm-pool"), name
    return name.rsplit("-", 1)[0]


def test_explicit_thread_counts_reuse_one_cached_pool_each():
    two = {_pool(_core.check_run(work=w, n_threads=2)[2]) for w in (SMALL, LARGE) * 5}
    three = {_pool(_core.check_run(work=w, n_threads=3)[2]) for w in (SMALL, LARGE) * 5}
    assert len(two) == 1 and len(three) == 1
    assert two != three


def test_one_thread_inline_needs_no_pool():
    same_thread, threads, _ = _core.check_run(work=SMALL, n_threads=1)
    assert same_thread and threads == 1


def test_inline_path_from_other_python_threads():
    out: list[tuple[bool, int, str | None]] = []
    workers = [
        threading.Thread(target=lambda: out.append(_core.check_run(work=SMALL))) for _ in range(4)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert len(out) == 4
    assert all(same_thread and threads == 1 for same_thread, threads, _ in out)


def test_ctrl_c_during_a_loop_of_tiny_calls_stops_promptly(karate):
    start = time.perf_counter()
    with pytest.raises(KeyboardInterrupt), ctrl_c(after=0.2):
        for _ in range(10**7):
            influence.pagerank(karate)
    assert time.perf_counter() - start < 2.0


# ---------------------------------------------------------------- public results
@pytest.fixture(scope="module")
def karate() -> sc.Graph:
    rng = np.random.default_rng(5)
    n = 34
    s = rng.integers(0, n, 120)
    t = rng.integers(0, n, 120)
    keep = s != t
    df = pd.DataFrame({"source": s[keep], "target": t[keep], "weight": rng.random(keep.sum())})
    return sc.Graph.from_pandas(df, weight="weight", directed=False, nodes=np.arange(n))


@pytest.fixture(scope="module", params=[False, True], ids=["undirected", "directed"])
def small(request) -> sc.Graph:
    rng = np.random.default_rng(11)
    n = 40
    s = rng.integers(0, n - 3, 150)  # the last three customers are isolated
    t = rng.integers(0, n - 3, 150)
    t = np.where(s == t, (t + 1) % (n - 3), t)
    ids = [f"c{i}" for i in range(n)]
    df = pd.DataFrame(
        {
            "source": [ids[i] for i in s],
            "target": [ids[i] for i in t],
            "weight": rng.integers(1, 5, 150).astype(float),
        }
    )
    return sc.Graph.from_pandas(df, weight="weight", directed=request.param, nodes=ids)


SERIES = {
    "pagerank": (influence.pagerank, "float64"),
    "katz": (influence.katz, "float64"),
    "eigenvector": (influence.eigenvector, "float64"),
    "harmonic": (influence.harmonic, "float64"),
    "betweenness": (influence.betweenness, "float64"),
    "kcore": (influence.kcore, "int64"),
    "constraint": (influence.constraint, "float64"),
    "effective_size": (influence.effective_size, "float64"),
    "hierarchy": (influence.hierarchy, "float64"),
    "efficiency": (influence.efficiency, "float64"),
}

FRAMES = {
    "degree": (
        influence.degree,
        {
            "in_degree": "int64",
            "out_degree": "int64",
            "in_strength": "float64",
            "out_strength": "float64",
        },
    ),
    "hits": (influence.hits, {"hub": "float64", "authority": "float64"}),
    "structural_holes": (
        influence.structural_holes,
        {
            "n_contacts": "int64",
            "constraint": "float64",
            "effective_size": "float64",
            "efficiency": "float64",
            "hierarchy": "float64",
        },
    ),
}


def _threads_free(f, g, **kw):
    if f is influence.degree:
        return f(g)
    return f(g, **kw)


@pytest.mark.parametrize("name", sorted(SERIES))
def test_series_measures_keep_name_dtype_index_and_results_on_any_thread_count(small, name):
    f, dtype = SERIES[name]
    base = f(small)
    assert isinstance(base, pd.Series)
    assert base.name == name
    assert str(base.dtype) == dtype
    assert base.index.equals(small.nodes)
    for n in (1, 2, 3):
        other = f(small, n_threads=n)
        pd.testing.assert_series_equal(base, other, check_exact=True)
        assert other.attrs == base.attrs


@pytest.mark.parametrize("name", sorted(FRAMES))
def test_frame_measures_keep_columns_dtypes_index_and_results(small, name):
    f, columns = FRAMES[name]
    base = f(small)
    assert isinstance(base, pd.DataFrame)
    assert list(base.columns) == list(columns)
    assert {c: str(t) for c, t in base.dtypes.items()} == columns
    assert base.index.equals(small.nodes)
    if f is not influence.degree:
        for n in (1, 2):
            pd.testing.assert_frame_equal(base, f(small, n_threads=n), check_exact=True)
    # the frame owns its data: editing it leaves the next call's result alone
    base.iloc[:, -1] = -1.0
    assert not (f(small).iloc[:, -1] == -1.0).all()


def test_degree_matches_a_direct_count(small):
    d = influence.degree(small)
    e = small.to_pandas()
    src = e["source"].map(lambda x: x).to_numpy()
    tgt = e["target"].to_numpy()
    w = e["weight"].to_numpy()
    out_deg = pd.Series(src).value_counts().reindex(small.nodes, fill_value=0)
    in_deg = pd.Series(tgt).value_counts().reindex(small.nodes, fill_value=0)
    out_str = pd.Series(w).groupby(src).sum().reindex(small.nodes, fill_value=0.0)
    in_str = pd.Series(w).groupby(tgt).sum().reindex(small.nodes, fill_value=0.0)
    if small.directed:
        np.testing.assert_array_equal(d["out_degree"], out_deg)
        np.testing.assert_array_equal(d["in_degree"], in_deg)
        np.testing.assert_allclose(d["out_strength"], out_str, rtol=1e-12)
        np.testing.assert_allclose(d["in_strength"], in_str, rtol=1e-12)
    else:
        np.testing.assert_array_equal(d["out_degree"], out_deg + in_deg)
        np.testing.assert_allclose(d["out_strength"], out_str + in_str, rtol=1e-12)
        pd.testing.assert_series_equal(
            d["in_degree"], d["out_degree"], check_names=False, check_exact=True
        )


def test_scores_columns_and_dtypes(small):
    s = influence.scores(small)
    assert list(s.columns) == list(influence.SCORE_COLUMNS)
    assert s.index.equals(small.nodes)
    again = influence.scores(small, n_threads=1)
    pd.testing.assert_frame_equal(s, again, check_exact=True)


@pytest.mark.parametrize("method", ["leiden", "louvain"])
def test_community_detection_same_on_any_thread_count(small, method):
    f = getattr(community, method)
    base = f(small)
    for n in (1, 2):
        other = f(small, n_threads=n)
        pd.testing.assert_series_equal(base.membership, other.membership, check_exact=True)


# ---------------------------------------------------------------- cheap pandas construction
@pytest.mark.parametrize("mixed", [False, True])
@pytest.mark.parametrize("n", [0, 1, 37])
def test_frame_equals_the_dict_constructor(mixed, n):
    from socialcrm._frames import frame

    rng = np.random.default_rng(n)
    names = ["a", "b", "c"]
    arrays = [rng.random(n), rng.integers(0, 9, n) if mixed else rng.random(n), rng.random(n)]
    index = pd.Index([f"id{i}" for i in range(n)])
    got = frame(index, names, [a.copy() for a in arrays])
    want = pd.DataFrame(dict(zip(names, arrays, strict=True)), index=index)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert got.columns.equals(want.columns) and got.columns.dtype == want.columns.dtype
    if n:
        got.iloc[0, 0] = -5.0  # writable, and the next frame is not affected
        assert frame(index, names, [a.copy() for a in arrays]).iloc[0, 0] == arrays[0][0]


def test_canonical_rows_match_one_by_one():
    from socialcrm._partition import _canonical_rows, canonical

    rng = np.random.default_rng(3)
    for _ in range(50):
        n = int(rng.integers(1, 60))
        k = int(rng.integers(2, 6))
        rows = [rng.integers(0, int(rng.integers(1, 12)), n).astype(np.uint32) for _ in range(k)]
        got = _canonical_rows(rows)
        for r, x in zip(rows, got, strict=True):
            np.testing.assert_array_equal(x, canonical(r))
            assert x.dtype == np.uint32
    odd = [np.array([5, -1, 5]), np.array([2, 2, 9])]  # negative labels: one by one
    for r, x in zip(odd, _canonical_rows(odd), strict=True):
        np.testing.assert_array_equal(x, canonical(r))
