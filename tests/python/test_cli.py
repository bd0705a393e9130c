"""The socialcrm command: demo, score from files, bad input."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from socialcrm import AnalysisConfig
from socialcrm.cli import main
from socialcrm.scorecard import SCORECARD_COLUMNS


def test_demo_writes_the_scorecard_and_a_summary(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path), "--customers", "300"]) == 0
    out = capsys.readouterr().out
    assert "Key figures" in out and "strong" in out
    assert "Top influencers" in out and "Advocate seed set: 10 customers" in out
    csv = pd.read_csv(tmp_path / "customers.csv", index_col=0)
    parquet = pd.read_parquet(tmp_path / "customers.parquet")
    assert len(csv) == len(parquet) >= 300
    for col in SCORECARD_COLUMNS:
        assert col in parquet.columns
    assert parquet["pagerank"].sum() == pytest.approx(1.0)
    advocates = pd.read_parquet(tmp_path / "advocates.parquet")
    assert len(advocates) == 10 and advocates["customer"].is_unique
    assert not parquet.loc[advocates["customer"], "is_staff"].any()
    assert advocates["reach"].is_monotonic_increasing
    assert "true_influence" not in parquet.columns  # planted truth stays out of the product
    assert not list(tmp_path.glob(".*"))
    assert (tmp_path / "report.html").stat().st_size > 10_000
    assert (tmp_path / "config.json").exists()


def test_score_reads_csv_and_parquet(tmp_path, capsys):
    events = pd.DataFrame(
        {"from": ["a", "b", "a", "c"], "to": ["b", "a", "c", "a"], "n": [1.0, 2.0, 1.0, 0.5]}
    )
    customers = pd.DataFrame({"customer": ["a", "b", "c", "d"], "region": list("NNSS")})
    events.to_csv(tmp_path / "events.csv", index=False)
    customers.to_parquet(tmp_path / "customers.parquet")
    code = main(
        [
            "score",
            "--interactions", str(tmp_path / "events.csv"),
            "--customers", str(tmp_path / "customers.parquet"),
            "--source", "from", "--target", "to", "--weight", "n",
            "--out", str(tmp_path / "out"),
        ]
    )  # fmt: skip
    assert code == 0
    card = pd.read_parquet(tmp_path / "out" / "customers.parquet")
    assert sorted(card.index) == ["a", "b", "c", "d"]
    assert card.loc["a", "in_strength"] == 2.5
    assert card.loc["d", "ties"] == 0 and card.loc["d", "region"] == "S"
    capsys.readouterr()


def test_score_bad_input_exits_2_with_one_line(tmp_path, capsys):
    pd.DataFrame({"source": ["a", None], "target": ["b", "c"]}).to_csv(
        tmp_path / "e.csv", index=False
    )
    code = main(["score", "--interactions", str(tmp_path / "e.csv"), "--out", str(tmp_path)])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1
    assert "column 'source'" in err and "1 row" in err


def test_score_with_a_config_file(tmp_path, capsys):
    pd.DataFrame({"source": list("abca"), "target": list("bcab")}).to_csv(
        tmp_path / "e.csv", index=False
    )
    (tmp_path / "cfg.json").write_text('{"influence": {"damping": 0.5, "advocates": 2}}')
    args = ["score", "--interactions", str(tmp_path / "e.csv"), "--out", str(tmp_path / "o")]
    assert main([*args, "--config", str(tmp_path / "cfg.json")]) == 0
    saved = AnalysisConfig.load(tmp_path / "o" / "config.json")
    assert saved.influence.damping == 0.5 and saved.influence.advocates == 2
    (tmp_path / "bad.json").write_text('{"influence": {"damping": 2}}')
    capsys.readouterr()
    assert main([*args, "--config", str(tmp_path / "bad.json")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "influence.damping" in err


def test_score_needs_a_table(tmp_path, capsys):
    assert main(["score", "--out", str(tmp_path)]) == 2
    assert "at least one table" in capsys.readouterr().err


def test_score_missing_file_exits_2(tmp_path, capsys):
    code = main(["score", "--interactions", str(tmp_path / "nope.csv"), "--out", str(tmp_path)])
    assert code == 2
    assert "no such file" in capsys.readouterr().err


def test_cli_help_runs_as_a_command():
    done = subprocess.run(
        [sys.executable, "-m", "socialcrm.cli", "--help"], capture_output=True, text=True
    )
    assert done.returncode == 0
    assert "demo" in done.stdout and "score" in done.stdout and "report" in done.stdout


def test_cli_requires_a_command():
    with pytest.raises(SystemExit):
        main([])
