"""Customer lifetime value against lifetimes' customer_lifetime_value, hand checks, bad input."""

from __future__ import annotations

import doctest
import warnings

import numpy as np
import pandas as pd
import pytest
from _shared import lifetimes, shared_file

from socialcrm import _clv
from socialcrm.datasets import synthetic_community
from socialcrm.exceptions import InputError
from socialcrm.value import BetaGeo, GammaGamma, clv, clv_from_rfm, rfm


@pytest.fixture(scope="module")
def with_money() -> pd.DataFrame:
    df = pd.read_csv(
        shared_file("cdnow_customers_summary_with_transactions.csv.gz"), index_col="ID"
    )
    return df.rename(columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"})


def _lifetimes_clv(summary, months, rate, freq, penalizer=0.0):
    lt = lifetimes()
    x, tx, t, m = (summary[c] for c in ("frequency", "recency", "T", "monetary_value"))
    rep = x > 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bgf = lt.BetaGeoFitter(penalizer_coef=penalizer).fit(
            x.to_numpy(), tx.to_numpy(), t.to_numpy()
        )
        ggf = lt.GammaGammaFitter(penalizer_coef=penalizer).fit(
            x[rep].to_numpy(), m[rep].to_numpy()
        )
        value = ggf.customer_lifetime_value(
            bgf, x, tx, t, m, time=months, discount_rate=rate, freq=freq
        )
        spend = ggf.conditional_expected_average_profit(x, m)
        alive = bgf.conditional_probability_alive(x.to_numpy(), tx.to_numpy(), t.to_numpy())
    return value.to_numpy(), spend.to_numpy(), alive, bgf, ggf


@pytest.mark.parametrize(("months", "rate"), [(12, 0.01), (3, 0.0), (24, 0.05)])
def test_clv_matches_lifetimes_on_cdnow(with_money, months, rate):
    value, spend, alive, bgf, _ = _lifetimes_clv(with_money, months, rate, "W")
    ours = clv_from_rfm(with_money, horizon=f"{months}M", discount_rate=rate, freq="W")
    assert ours.index.tolist() == with_money.index.tolist()
    np.testing.assert_allclose(ours["clv"].to_numpy(), value, rtol=1e-4)
    np.testing.assert_allclose(ours["expected_spend"].to_numpy(), spend, rtol=1e-4)
    np.testing.assert_allclose(ours["p_alive"].to_numpy(), alive, rtol=1e-4)
    x, tx, t = (with_money[c].to_numpy() for c in ("frequency", "recency", "T"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = bgf.conditional_expected_number_of_purchases_up_to_time(months * 4.345, x, tx, t)
    np.testing.assert_allclose(ours["expected_purchases"].to_numpy(), want, rtol=1e-4)


def test_clv_with_identical_models_matches_lifetimes_to_rounding(with_money):
    value, _, _, bgf, ggf = _lifetimes_clv(with_money, 12, 0.01, "W")
    purchases = BetaGeo().fit(with_money)
    purchases.params_ = bgf.params_.copy()
    spend = GammaGamma().fit(with_money)
    spend.params_ = ggf.params_.copy()
    ours = clv_from_rfm(with_money, purchases=purchases, spend=spend)
    np.testing.assert_allclose(ours["clv"].to_numpy(), value, rtol=1e-9)


def test_clv_penalized_matches_lifetimes(with_money):
    value, *_ = _lifetimes_clv(with_money, 12, 0.01, "W", penalizer=0.001)
    ours = clv_from_rfm(with_money, penalizer_coef=0.001)
    np.testing.assert_allclose(ours["clv"].to_numpy(), value, rtol=1e-4)


def test_clv_from_transactions_equals_clv_from_rfm():
    tx = synthetic_community(n_customers=400, seed=3).transactions
    direct = clv(tx, freq="D")
    summary = rfm(tx, amount="amount", freq="D")
    via = clv_from_rfm(summary, freq="D")
    pd.testing.assert_frame_equal(direct, via)
    assert direct.index.name == "customer"
    assert np.all(np.isfinite(direct.to_numpy()))


def test_clv_hand_worked_one_month_no_discount(with_money):
    purchases, spend = BetaGeo().fit(with_money), GammaGamma().fit(with_money)
    ours = clv_from_rfm(
        with_money.iloc[:50], horizon=1, discount_rate=0.0, purchases=purchases, spend=spend
    )
    # One month: clv = E[M] * E[X(4.345 weeks)].
    np.testing.assert_allclose(
        ours["clv"], ours["expected_spend"] * ours["expected_purchases"], rtol=1e-14
    )


def test_clv_discounting_lowers_value(with_money):
    a = clv_from_rfm(with_money, discount_rate=0.0)["clv"]
    b = clv_from_rfm(with_money, discount_rate=0.05)["clv"]
    assert (b <= a).all() and (b < a).any()


def test_clv_bad_parameters(with_money):
    for horizon in ("12Y", 0, "M", 1.5, True):
        with pytest.raises(InputError, match="horizon"):
            clv_from_rfm(with_money, horizon=horizon)
    with pytest.raises(InputError, match="discount_rate"):
        clv_from_rfm(with_money, discount_rate=-1.0)
    with pytest.raises(InputError, match="freq"):
        clv_from_rfm(with_money, freq="Q")
    with pytest.raises(InputError, match="no customer has repeat purchases"):
        clv_from_rfm(with_money.assign(frequency=0.0, recency=0.0, monetary_value=0.0))


def test_clv_doctests():
    result = doctest.testmod(_clv)
    assert result.attempted > 0 and result.failed == 0
