"""RFM summaries and calibration/holdout splits against lifetimes, hand-worked cases, bad input."""

from __future__ import annotations

import doctest
import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from _shared import lifetimes, shared_file

from socialcrm import _rfm
from socialcrm.exceptions import DataQualityWarning, InputError, MissingColumnError
from socialcrm.value import calibration_holdout, rfm


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    df = pd.read_csv(shared_file("cdnow_master_transactions.csv.gz"), parse_dates=["date"])
    return df


def _lifetimes_summary(df, **kw):
    utils = lifetimes().utils
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return utils.summary_data_from_transaction_data(df, **kw)


@pytest.mark.parametrize("freq", ["W", "D"])
def test_rfm_matches_lifetimes_on_cdnow(cdnow, freq):
    ours = rfm(cdnow, customer="customer_id", timestamp="date", amount="dollar_value", freq=freq)
    theirs = _lifetimes_summary(
        cdnow,
        customer_id_col="customer_id",
        datetime_col="date",
        monetary_value_col="dollar_value",
        freq=freq,
    ).sort_index()
    assert len(ours) == len(theirs) == 23570
    assert (ours.index.to_numpy() == theirs.index.to_numpy()).all()
    for col in ["frequency", "recency", "T"]:
        np.testing.assert_array_equal(ours[col].to_numpy(), theirs[col].to_numpy())
    np.testing.assert_allclose(
        ours["monetary_value"].to_numpy(), theirs["monetary_value"].to_numpy(), rtol=1e-12
    )


def test_rfm_with_observation_end_matches_lifetimes_and_warns(cdnow):
    end = "1997-09-30"
    with pytest.warns(DataQualityWarning, match=r"rows after observation_end"):
        ours = rfm(
            cdnow,
            customer="customer_id",
            timestamp="date",
            amount="dollar_value",
            freq="W",
            observation_end=end,
        )
    theirs = _lifetimes_summary(
        cdnow,
        customer_id_col="customer_id",
        datetime_col="date",
        monetary_value_col="dollar_value",
        freq="W",
        observation_period_end=end,
    ).sort_index()
    pd.testing.assert_frame_equal(
        ours, theirs.rename_axis("customer_id"), check_exact=False, rtol=1e-12
    )


def test_rfm_reproduces_the_published_cdnow_summary():
    sample = pd.read_csv(shared_file("cdnow_sample_transactions.csv.gz"), parse_dates=["date"])
    summary = pd.read_csv(shared_file("cdnow_customers_summary.csv.gz"), index_col="ID")
    with pytest.warns(DataQualityWarning):
        ours = rfm(
            sample,
            customer="customer_id_sample",
            timestamp="date",
            freq="D",
            observation_end="1997-09-30",
        )
    ours = ours.reindex(summary.index)
    np.testing.assert_array_equal(ours["frequency"], summary["frequency"])
    np.testing.assert_allclose(ours["recency"] / 7, summary["recency"], atol=0.005)
    np.testing.assert_allclose(ours["T"] / 7, summary["T"], atol=0.005)


def test_calibration_holdout_matches_lifetimes(cdnow):
    utils = lifetimes().utils
    kw = dict(calibration_end="1997-09-30", observation_end="1998-06-30", freq="W")
    ours = calibration_holdout(
        cdnow, customer="customer_id", timestamp="date", amount="dollar_value", **kw
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = utils.calibration_and_holdout_data(
            cdnow,
            "customer_id",
            "date",
            calibration_period_end="1997-09-30",
            observation_period_end="1998-06-30",
            freq="W",
            monetary_value_col="dollar_value",
        ).sort_index()
    assert list(ours.columns) == list(theirs.columns)
    assert (ours.index.to_numpy() == theirs.index.to_numpy()).all()
    for col in ours.columns:
        np.testing.assert_allclose(ours[col].to_numpy(), theirs[col].to_numpy(), rtol=1e-12)


def test_rfm_hand_worked_days_and_hours():
    tx = pd.DataFrame(
        {
            "customer": [7, 7, 7, 3, 7],
            "timestamp": pd.to_datetime(
                [
                    "2024-03-01 10:00",
                    "2024-03-01 23:00",
                    "2024-03-04 08:00",
                    "2024-03-02 00:30",
                    "2024-03-06 09:00",
                ]
            ),
            "amount": [1.0, 2.0, 4.0, 8.0, 16.0],
        }
    )
    d = rfm(tx, amount="amount", freq="D", observation_end="2024-03-10")
    assert d.index.tolist() == [3, 7]
    assert d.loc[7].tolist() == [2.0, 5.0, 9.0, 10.0]  # periods 1, 4, 6; repeats 4 and 16
    assert d.loc[3].tolist() == [0.0, 0.0, 8.0, 0.0]
    h = rfm(tx, freq="H")
    assert h.loc[7, "frequency"] == 3.0 and h.loc[7, "recency"] == 5 * 24 - 1
    assert "monetary_value" not in h.columns


def test_rfm_accepts_polars_arrow_strings_and_time_zones():
    pl = pytest.importorskip("polars")
    tx = pd.DataFrame(
        {
            "customer": ["x", "y", "x", "x"],
            "timestamp": ["2024-01-01", "2024-01-02", "2024-01-09", "2024-01-20"],
            "amount": [3.0, 4.0, 5.0, 6.0],
        }
    )
    want = rfm(tx, amount="amount", freq="D")
    pd.testing.assert_frame_equal(rfm(pl.from_pandas(tx), amount="amount", freq="D"), want)
    pd.testing.assert_frame_equal(rfm(pa.Table.from_pandas(tx), amount="amount", freq="D"), want)
    # Aware times are cut into periods on the local calendar.
    local = tx.assign(timestamp=pd.to_datetime(tx["timestamp"]).dt.tz_localize("Asia/Tokyo"))
    pd.testing.assert_frame_equal(rfm(local, amount="amount", freq="D"), want)


def test_rfm_is_deterministic_across_thread_counts(cdnow):
    kw = dict(customer="customer_id", timestamp="date", amount="dollar_value", freq="D")
    one = rfm(cdnow, n_threads=1, **kw)
    two = rfm(cdnow, n_threads=2, **kw)
    pd.testing.assert_frame_equal(one, two, check_exact=True)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda d: d.drop(columns="amount"), r"no column 'amount'"),
        (lambda d: d.assign(customer=[None, "a", "b"]), r"'customer': 1 row is missing"),
        (lambda d: d.assign(timestamp=[None, "2024-01-01", "2024-01-02"]), r"'timestamp': 1 row"),
        (
            lambda d: d.assign(timestamp=["2024-01-01", "2024-02-30", "2024-02-31"]),
            r"2 rows cannot be parsed",
        ),
        (lambda d: d.assign(timestamp=[1, 2, 3]), r"holds numbers"),
        (lambda d: d.assign(amount=[1.0, -2.0, -1.0]), r"'amount': 2 rows are negative \(first at"),
        (lambda d: d.assign(amount=[1.0, np.nan, 1.0]), r"1 row is missing"),
        (lambda d: d.iloc[:0], r"no rows"),
    ],
)
def test_rfm_bad_input_names_column_problem_and_rows(change, match):
    tx = pd.DataFrame(
        {
            "customer": ["a", "a", "b"],
            "timestamp": ["2024-01-01", "2024-01-05", "2024-01-02"],
            "amount": [1.0, 2.0, 3.0],
        }
    )
    with pytest.raises(InputError, match=match):
        rfm(change(tx), amount="amount")


def test_rfm_bad_parameters():
    tx = pd.DataFrame({"customer": ["a"], "timestamp": ["2024-01-01"]})
    with pytest.raises(InputError, match="freq must be one of"):
        rfm(tx, freq="M")
    with pytest.raises(MissingColumnError):
        rfm(tx, customer="id")
    with pytest.raises(InputError, match="no rows up to observation_end"):
        with pytest.warns(DataQualityWarning):
            rfm(tx, observation_end="2023-01-01")
    with pytest.raises(InputError, match="calibration_end"):
        calibration_holdout(tx, calibration_end="2025-01-01", observation_end="2024-06-01")


def test_rfm_doctests():
    result = doctest.testmod(_rfm)
    assert result.attempted > 0 and result.failed == 0
