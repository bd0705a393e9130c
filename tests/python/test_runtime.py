"""Runtime contract of the core: Ctrl-C, GIL release, panics, progress, thread counts."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest
from _shared import ctrl_c

from socialcrm import InternalError, _core


def _big_events(n_rows: int, n_nodes: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    src = rng.integers(0, n_nodes, n_rows, dtype=np.uint32)
    dst = rng.integers(0, n_nodes, n_rows, dtype=np.uint32)
    w = rng.random(n_rows)
    return src, dst, w


def test_build_graph_stops_on_ctrl_c():
    src, dst, w = _big_events(12_000_000, 2_000_000)
    start = time.perf_counter()
    with pytest.raises(KeyboardInterrupt), ctrl_c(after=0.2):
        for _ in range(20):  # until the interrupt lands
            _core.build_graph(src, dst, 2_000_000, weight=w, n_threads=1)
    assert time.perf_counter() - start < 2.2


def test_build_graph_releases_the_gil():
    src, dst, w = _big_events(4_000_000, 500_000)
    ticks = 0
    stop = threading.Event()

    def tick():
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0.001)

    t = threading.Thread(target=tick)
    t.start()
    start = time.perf_counter()
    _core.build_graph(src, dst, 500_000, weight=w, n_threads=1)
    elapsed = time.perf_counter() - start
    stop.set()
    t.join()
    # A thread blocked on the GIL would barely tick.
    assert ticks > 0.3 * elapsed / 0.0012


def test_build_graph_reports_progress():
    src, dst, w = _big_events(4_000_000, 500_000)
    seen = []
    _core.build_graph(
        src, dst, 500_000, weight=w, n_threads=1, progress=lambda d, t: seen.append((d, t))
    )
    assert seen, "progress was never called"
    assert all(0 <= d <= t for d, t in seen)


def test_build_graph_progress_error_stops_the_job():
    src, dst, w = _big_events(4_000_000, 500_000)

    def broken(done, total):
        raise RuntimeError("progress bar broke")

    with pytest.raises(RuntimeError, match="progress bar broke"):
        _core.build_graph(src, dst, 500_000, weight=w, n_threads=1, progress=broken)


def test_core_panic_becomes_internal_error():
    with pytest.raises(InternalError, match="deliberate panic"):
        _core.check_panic_handling()


_DIGEST_SCRIPT = textwrap.dedent(
    """
    import hashlib, numpy as np, pandas as pd
    from socialcrm import Graph
    from socialcrm.influence import degree
    rng = np.random.default_rng(7)
    n = 400_000
    df = pd.DataFrame({
        "source": rng.integers(0, 50_000, n), "target": rng.integers(0, 50_000, n),
        "weight": rng.random(n) * 1e3,
        "timestamp": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 10**7, n), "s"),
    })
    df = df[df.source != df.target]
    h = hashlib.sha256()
    for directed in (True, False):
        g = Graph.from_pandas(df, weight="weight", timestamp="timestamp", half_life="30D",
                              directed=directed)
        e = g.to_pandas()
        h.update(e["weight"].to_numpy().tobytes())
        h.update(e["decayed_weight"].to_numpy().tobytes())
        h.update(degree(g).to_numpy().tobytes())
        h.update(g.tie_strength()["score"].to_numpy().tobytes())
    print(h.hexdigest())
    """
)


def test_results_identical_for_any_thread_count():
    digests = set()
    for threads in ("1", "2", "4"):
        env = dict(os.environ, RAYON_NUM_THREADS=threads)
        done = subprocess.run(
            [sys.executable, "-c", _DIGEST_SCRIPT], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        digests.add(done.stdout.strip())
    assert len(digests) == 1


def test_explicit_n_threads_matches_default():
    src, dst, w = _big_events(300_000, 20_000, seed=3)
    a, _ = _core.build_graph(src, dst, 20_000, weight=w, n_threads=1)
    b, _ = _core.build_graph(src, dst, 20_000, weight=w, n_threads=3)
    wa, wb = _core.edge_table(a)[3], _core.edge_table(b)[3]
    assert hashlib.sha256(wa.tobytes()).digest() == hashlib.sha256(wb.tobytes()).digest()
