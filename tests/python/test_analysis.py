"""analyze(): whatever tables are given, one row per customer, notes, output files."""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import socialcrm.analysis
from socialcrm import AnalysisConfig, InputError, ResourceError, Scorecard, _memory, analyze
from socialcrm.datasets import synthetic_community


@pytest.fixture(scope="module")
def data():
    return synthetic_community(300, seed=3)


@pytest.fixture(scope="module")
def full(data):
    tables = {k: v for k, v in data.tables().items() if k != "staff"}
    return analyze(**tables, staff=data.staff, progress=False)


def _all_ids(data) -> set:
    ids = set(data.customers["customer"])
    ids |= set(data.interactions["source"]) | set(data.interactions["target"])
    ids |= set(data.memberships["customer"]) | set(data.posts["author"].dropna())
    ids |= set(data.transactions["customer"])
    ids |= set(data.referrals["referrer"]) | set(data.referrals["referee"])
    ids |= set(data.ideas["author"]) | set(data.votes["voter"])
    return ids


def test_every_customer_of_every_table_gets_one_row(data, full):
    c = full.customers
    assert c.index.name == "customer" and c.index.is_unique
    assert set(c.index) == _all_ids(data)
    assert c.loc[list(data.staff), "is_staff"].all()
    assert c["is_staff"].sum() == len(set(data.staff))


def test_influence_columns_match_the_direct_calls(data, full):
    from socialcrm import Graph
    from socialcrm.influence import pagerank

    g = Graph.from_pandas(
        data.interactions, timestamp="timestamp", kind="kind", nodes=full.customers.index.to_frame()
    )
    pr = pagerank(g)
    np.testing.assert_allclose(full.customers.loc[pr.index, "pagerank"], pr, rtol=1e-12)
    assert full.customers["rank_pagerank"].min() == 1
    top = full.customers["pagerank"].idxmax()
    assert full.customers.loc[top, "rank_pagerank"] == 1


def test_advocates_exclude_staff_and_reach_grows(data, full):
    adv = full.advocates
    assert len(adv) == full.config.influence.advocates
    assert not set(adv["customer"]) & set(data.staff)
    assert adv["reach"].is_monotonic_increasing


def test_missing_tables_are_notes_not_errors(data):
    card = analyze(interactions=data.interactions, progress=False)
    text = "\n".join(card.notes)
    for table in ("customers table", "transactions table", "referrals table", "posts table"):
        assert table in text
    assert "clv" not in card.customers
    assert "pagerank" in card.customers


def test_no_tables_at_all_gives_an_empty_scorecard():
    card = analyze(progress=False)
    assert len(card.customers) == 0 and "no interactions" in "\n".join(card.notes)


def test_polars_and_arrow_inputs_give_the_same_result(data):
    pl = pytest.importorskip("polars")
    base = analyze(interactions=data.interactions, progress=False).customers
    arrow = analyze(interactions=pa.Table.from_pandas(data.interactions), progress=False)
    polars = analyze(interactions=pl.from_pandas(data.interactions), progress=False)
    pd.testing.assert_frame_equal(arrow.customers, base)
    pd.testing.assert_frame_equal(polars.customers, base)


def test_same_seed_same_results(data):
    a = analyze(interactions=data.interactions, progress=False, config={"seed": 4})
    b = analyze(interactions=data.interactions, progress=False, config={"seed": 4})
    pd.testing.assert_frame_equal(a.customers, b.customers)
    pd.testing.assert_frame_equal(a.advocates, b.advocates)


def test_bad_input_names_the_column(data):
    bad = data.interactions.copy()
    bad.loc[[0, 5], "source"] = None
    with pytest.raises(InputError, match="source"):
        analyze(interactions=bad, progress=False)
    with pytest.raises(InputError, match="interactions"):
        analyze(interactions=[1, 2, 3], progress=False)


def test_too_large_a_job_fails_before_allocating(data, monkeypatch):
    monkeypatch.setattr(_memory, "available_bytes", lambda: 10_000)
    with pytest.raises(ResourceError, match="GiB"):
        analyze(interactions=data.interactions, progress=False)
    assert _memory.estimate_bytes(10**7, 0, 10**6) < 20 * 2**30  # the benchmark size fits


def test_parquet_round_trip_and_config_saved(full, tmp_path):
    paths = full.to_parquet(tmp_path)
    assert {p.name for p in paths} >= {"customers.parquet", "config.json", "notes.json"}
    back = Scorecard.load(tmp_path)
    pd.testing.assert_frame_equal(back.customers, full.customers, check_freq=False)
    assert back.config == full.config and back.notes == full.notes
    assert AnalysisConfig.load(tmp_path / "config.json") == full.config
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_csv_and_excel(full, tmp_path):
    full.to_csv(tmp_path / "csv")
    back = pd.read_csv(tmp_path / "csv" / "customers.csv", index_col=0)
    assert len(back) == len(full.customers)
    pytest.importorskip("openpyxl")
    path = full.to_excel(tmp_path / "card.xlsx")
    sheets = pd.read_excel(path, sheet_name=None, index_col=0)
    assert {"customers", "advocates", "notes", "config"} <= set(sheets)
    assert len(sheets["customers"]) == len(full.customers)


def test_an_interrupted_write_leaves_nothing_half_written(full, tmp_path, monkeypatch):
    calls = {"n": 0}
    real = pd.DataFrame.to_parquet

    def flaky(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", flaky)
    with pytest.raises(KeyboardInterrupt):
        full.to_parquet(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_summary_and_repr(full):
    s = full.summary()
    assert s["customers"] == len(full.customers)
    assert "advocate reach" in s and "Scorecard(" in repr(full)


def test_examples_run():
    result = doctest.testmod(socialcrm.analysis, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_ctrl_c_stops_analyze_within_a_second_and_writes_nothing(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    script = f"""
import signal
signal.signal(signal.SIGINT, signal.default_int_handler)  # as interactive, even in a background job
import socialcrm
data = socialcrm.datasets.synthetic_community(30000, seed=0)
tables = {{k: v for k, v in data.tables().items() if k != "staff"}}
print("READY", flush=True)
card = socialcrm.analyze(**tables, staff=data.staff, progress=False)
card.to_parquet({str(tmp_path / "out")!r})
print("FINISHED", flush=True)
"""
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "READY"
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    sent = time.perf_counter()
    out, err = proc.communicate(timeout=30)
    waited = time.perf_counter() - sent
    assert "FINISHED" not in out, "the analysis finished before the interrupt; make it bigger"
    assert proc.returncode != 0 and "KeyboardInterrupt" in err
    assert waited < 1.5
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_the_configuration_reaches_the_measures(data):
    from socialcrm import Graph
    from socialcrm.community import leiden
    from socialcrm.influence import pagerank

    cfg = {"influence": {"damping": 0.5, "advocates": 3}, "community": {"resolution": 2.0}}
    card = analyze(interactions=data.interactions, config=cfg, progress=False)
    g = Graph.from_pandas(
        data.interactions, timestamp="timestamp", kind="kind", nodes=card.customers.index.to_frame()
    )
    pr = pagerank(g, damping=0.5)
    np.testing.assert_allclose(card.customers.loc[pr.index, "pagerank"], pr, rtol=1e-12)
    assert len(card.advocates) == 3
    part = leiden(g, resolution=2.0, seed=0)
    assert card.figures["communities"] == part.n_communities
