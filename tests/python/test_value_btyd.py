"""BG/NBD and Gamma-Gamma: published CDNOW estimates, lifetimes' predictions, simulated data,
extreme customers, bad input, determinism."""

from __future__ import annotations

import doctest
import os
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from _shared import lifetimes, shared_file

from socialcrm import _btyd
from socialcrm.exceptions import ConvergenceError, InputError, MissingColumnError
from socialcrm.value import BetaGeo, GammaGamma


def simulate_bgnbd(n, r, alpha, a, b, seed, t_range=(20.0, 60.0)):
    """Summaries drawn from the BG/NBD process: rate ~ Gamma(r, alpha), drop-out probability
    ~ Beta(a, b) after each repeat purchase; the last of x purchases among N uniform times."""
    rng = np.random.default_rng(seed)
    age = rng.uniform(*t_range, n)
    lam = rng.gamma(r, 1.0 / alpha, n)
    p = rng.beta(a, b, n)
    dies_after = rng.geometric(p)
    n_poisson = rng.poisson(lam * age)
    x = np.minimum(n_poisson, dies_after)
    tx = np.zeros(n)
    pos = x > 0
    tx[pos] = age[pos] * rng.beta(x[pos], n_poisson[pos] - x[pos] + 1)
    return pd.DataFrame({"frequency": x.astype(float), "recency": tx, "T": age})


def simulate_spend(x, p, q, v, seed):
    """Mean value of x purchases, each Gamma(p, nu), nu ~ Gamma(q, v) per customer (0 if x = 0)."""
    rng = np.random.default_rng(seed)
    x = np.asarray(x, dtype=float)
    nu = rng.gamma(q, 1.0 / v, len(x))
    m = np.zeros(len(x))
    pos = x > 0
    m[pos] = rng.gamma(p * x[pos], 1.0 / (nu[pos] * x[pos]))
    return m


@pytest.fixture(scope="module")
def summary() -> pd.DataFrame:
    return pd.read_csv(shared_file("cdnow_customers_summary.csv.gz"), index_col="ID")


@pytest.fixture(scope="module")
def with_money() -> pd.DataFrame:
    df = pd.read_csv(
        shared_file("cdnow_customers_summary_with_transactions.csv.gz"), index_col="ID"
    )
    return df.rename(columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"})


@pytest.fixture(scope="module")
def bg(summary) -> BetaGeo:
    return BetaGeo().fit(summary)


@pytest.fixture(scope="module")
def lifetimes_bg(summary):
    lt = lifetimes()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return lt.BetaGeoFitter().fit(
            summary["frequency"].to_numpy(),
            summary["recency"].to_numpy(),
            summary["T"].to_numpy(),
        )


def test_bgnbd_reproduces_the_published_cdnow_estimates(bg):
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    assert bg.params_.round(3).to_dict() == published
    assert np.isfinite(bg.log_likelihood_)
    assert bg.log_likelihood_ == pytest.approx(-9582.4, abs=0.1)  # Fader et al. 2005, Table 1


def test_bgnbd_log_likelihood_matches_lifetimes_formula(bg, summary, lifetimes_bg):
    lt = lifetimes()
    lp = np.log(bg.params_.to_numpy())
    x, tx, t = (summary[c].to_numpy() for c in ("frequency", "recency", "T"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mean_nll = lt.BetaGeoFitter._negative_log_likelihood(lp, x, tx, t, np.ones_like(x), 0.0)
    assert bg.log_likelihood_ == pytest.approx(-mean_nll * len(x), rel=1e-12)
    assert bg.log_likelihoods().sum() == pytest.approx(bg.log_likelihood_, rel=1e-12)
    np.testing.assert_allclose(bg.params_.to_numpy(), lifetimes_bg.params_.to_numpy(), rtol=1e-4)


@pytest.mark.parametrize("t", [1.0, 10.0, 39.0, 52.0, 200.0])
def test_bgnbd_predictions_match_lifetimes(bg, summary, lifetimes_bg, t):
    x, tx, age = (summary[c].to_numpy() for c in ("frequency", "recency", "T"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want_e = lifetimes_bg.conditional_expected_number_of_purchases_up_to_time(t, x, tx, age)
        want_p = lifetimes_bg.conditional_probability_alive(x, tx, age)
        want_new = lifetimes_bg.expected_number_of_purchases_up_to_time(t)
    np.testing.assert_allclose(bg.expected_purchases(t).to_numpy(), want_e, rtol=1e-4)
    np.testing.assert_allclose(bg.p_alive().to_numpy(), want_p, rtol=1e-4)
    assert bg.expected_purchases_new(t) == pytest.approx(want_new, rel=1e-4)
    # With identical parameters the formulas agree to rounding.
    same = BetaGeo().fit(summary)
    same.params_ = lifetimes_bg.params_.copy()
    np.testing.assert_allclose(same.expected_purchases(t).to_numpy(), want_e, rtol=1e-10)
    np.testing.assert_allclose(same.p_alive().to_numpy(), want_p, rtol=1e-12)
    assert same.expected_purchases_new(t) == pytest.approx(want_new, rel=1e-10)


def test_bgnbd_predictions_are_indexed_by_customer(bg, summary):
    e = bg.expected_purchases(39.0, summary.iloc[:5])
    assert e.index.tolist() == summary.index[:5].tolist()
    assert e.name == "expected_purchases"
    np.testing.assert_array_equal(e.to_numpy(), bg.expected_purchases(39.0).to_numpy()[:5])
    new = bg.expected_purchases_new(np.array([0.0, 10.0, 20.0]))
    assert new.shape == (3,) and new[0] == 0.0 and np.all(np.diff(new) > 0)


def test_bgnbd_penalizer_matches_lifetimes(summary):
    lt = lifetimes()
    x, tx, t = (summary[c].to_numpy() for c in ("frequency", "recency", "T"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = lt.BetaGeoFitter(penalizer_coef=0.01).fit(x, tx, t)
    ours = BetaGeo(penalizer_coef=0.01).fit(frequency=x, recency=tx, T=t)
    np.testing.assert_allclose(ours.params_.to_numpy(), theirs.params_.to_numpy(), rtol=1e-4)


def test_bgnbd_recovers_simulated_parameters():
    truth = np.array([0.25, 4.0, 0.8, 2.5])
    data = simulate_bgnbd(40_000, *truth, seed=11)
    model = BetaGeo().fit(data)
    se = model.standard_errors_.to_numpy()
    assert np.all(np.isfinite(se)) and np.all(se > 0)
    z = (model.params_.to_numpy() - truth) / se
    assert np.all(np.abs(z) < 4), (model.params_, se)
    assert np.all(np.abs(model.params_.to_numpy() / truth - 1) < 0.25)


def test_bgnbd_standard_errors_are_plausible(bg):
    se = bg.standard_errors_
    # Fader, Hardie & Lee's estimates come with standard errors of this order.
    assert 0.005 < se["r"] < 0.03 and 0.1 < se["alpha"] < 0.6
    assert list(bg.summary().columns) == ["estimate", "standard_error", "lower_95", "upper_95"]


def test_extreme_customers_give_finite_numbers(bg):
    extreme = pd.DataFrame(
        {
            "frequency": [1e4, 1e4, 0.0, 3.0, 1e4, 0.0],
            "recency": [1e-6, 1e-6, 0.0, 40.0, 0.0, 0.0],
            "T": [1e-6, 500.0, 1e-9, 40.0, 1e3, 0.0],
        }
    )
    for t in (0.0, 1e-6, 52.0, 1e4):
        e = bg.expected_purchases(t, extreme)
        assert np.all(np.isfinite(e)) and np.all(e >= 0), (t, e)
    p = bg.p_alive(extreme)
    assert np.all(np.isfinite(p)) and p.between(0, 1).all()
    assert np.all(np.isfinite(bg.log_likelihoods(extreme)))
    # Fitting a table with such customers stays finite too.
    base = simulate_bgnbd(3000, 0.25, 4.0, 0.8, 2.5, seed=3)
    model = BetaGeo().fit(pd.concat([base, extreme.iloc[:4]], ignore_index=True))
    assert np.all(np.isfinite(model.params_)) and np.isfinite(model.log_likelihood_)
    # 10^4 repeat purchases all at time 0 make the likelihood unbounded (alpha -> 0): the fit
    # must fail cleanly, not return NaN.
    with pytest.raises(ConvergenceError):
        BetaGeo().fit(pd.concat([base, extreme.iloc[4:5]], ignore_index=True))


def test_all_zero_frequencies_fit_or_fail_cleanly():
    zeros = pd.DataFrame({"frequency": 0.0, "recency": 0.0, "T": np.linspace(1, 50, 200)})
    try:
        model = BetaGeo().fit(zeros)
    except ConvergenceError:
        return
    assert np.all(np.isfinite(model.params_))
    assert np.all(np.isfinite(model.expected_purchases(10.0)))
    assert (model.p_alive() == 1.0).all()


def test_gamma_gamma_reproduces_published_cdnow_estimates(with_money):
    rep = with_money[with_money["frequency"] > 0]
    gg = GammaGamma().fit(rep)
    # Published: p = 6.25, q = 3.74, v = 15.44; the maximum is at v = 15.4477 (lifetimes too).
    assert gg.params_.round(2)[["p", "q"]].to_dict() == {"p": 6.25, "q": 3.74}
    assert abs(gg.params_["v"] - 15.44) < 0.01
    # Rows without repeat purchases are ignored by the fit.
    same = GammaGamma().fit(with_money)
    np.testing.assert_array_equal(same.params_.to_numpy(), gg.params_.to_numpy())


def test_gamma_gamma_recovers_simulated_parameters():
    x = simulate_bgnbd(40_000, 0.25, 4.0, 0.8, 2.5, seed=2)["frequency"]
    m = simulate_spend(x, 6.0, 4.0, 15.0, seed=4)
    gg = GammaGamma().fit(frequency=x, monetary_value=m)
    z = (gg.params_.to_numpy() - [6.0, 4.0, 15.0]) / gg.standard_errors_.to_numpy()
    assert np.all(np.abs(z) < 4), (gg.params_, gg.standard_errors_)


def test_gamma_gamma_matches_lifetimes(with_money):
    lt = lifetimes()
    rep = with_money[with_money["frequency"] > 0]
    x, m = rep["frequency"].to_numpy(), rep["monetary_value"].to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = lt.GammaGammaFitter().fit(x, m)
        want = theirs.conditional_expected_average_profit(
            with_money["frequency"], with_money["monetary_value"]
        ).to_numpy()
        mean_nll = lt.GammaGammaFitter._negative_log_likelihood(
            np.log(theirs.params_.to_numpy()), x, m, np.ones_like(x), 0.0
        )
        pen = lt.GammaGammaFitter(penalizer_coef=0.05).fit(x, m)
    gg = GammaGamma().fit(with_money)
    np.testing.assert_allclose(gg.params_.to_numpy(), theirs.params_.to_numpy(), rtol=1e-4)
    np.testing.assert_allclose(gg.expected_spend().to_numpy(), want, rtol=1e-4)
    gg.params_ = theirs.params_.copy()
    assert gg.log_likelihood_ == pytest.approx(-mean_nll * len(x), rel=1e-6)
    np.testing.assert_allclose(gg.expected_spend().to_numpy(), want, rtol=1e-12)
    ours_pen = GammaGamma(penalizer_coef=0.05).fit(frequency=x, monetary_value=m)
    np.testing.assert_allclose(ours_pen.params_.to_numpy(), pen.params_.to_numpy(), rtol=1e-4)


def test_gamma_gamma_non_repeaters_get_the_population_mean(with_money):
    gg = GammaGamma().fit(with_money)
    spend = gg.expected_spend()
    zero = with_money["frequency"] == 0
    assert np.allclose(spend[zero], gg.population_mean_spend_, rtol=1e-15)
    p, q, v = gg.params_
    assert gg.population_mean_spend_ == pytest.approx(p * v / (q - 1))


def test_fits_are_deterministic_across_thread_counts():
    data = simulate_bgnbd(30_000, 0.25, 4.0, 0.8, 2.5, seed=5)
    fits = [BetaGeo().fit(data, n_threads=k).params_.to_numpy() for k in (1, 2, 4)]
    assert all(np.array_equal(fits[0], f) for f in fits[1:])
    money = data.assign(monetary_value=simulate_spend(data["frequency"], 6.0, 4.0, 15.0, seed=1))
    ggs = [GammaGamma().fit(money, n_threads=k).params_.to_numpy() for k in (1, 4)]
    assert np.array_equal(ggs[0], ggs[1])


def test_fit_is_identical_with_rayon_num_threads_1_and_4(tmp_path):
    data = simulate_bgnbd(20_000, 0.25, 4.0, 0.8, 2.5, seed=9)
    path = tmp_path / "summary.parquet"
    data.to_parquet(path)
    code = (
        "import pandas as pd; from socialcrm.value import BetaGeo; "
        f"m = BetaGeo().fit(pd.read_parquet({str(path)!r})); "
        "print([v.hex() for v in m.params_], m.log_likelihood_.hex(), "
        "[v.hex() for v in m.expected_purchases(10.0)[:100]])"
    )
    outs = []
    for n in ("1", "4"):
        env = {**os.environ, "RAYON_NUM_THREADS": n}
        res = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        outs.append(res.stdout)
    assert outs[0] == outs[1] and outs[0]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (
            {"frequency": [-1.0, 1.0], "recency": [0.0, 1.0], "T": [2.0, 2.0]},
            r"'frequency': 1 rows are negative \(first at row 0\)",
        ),
        (
            {"frequency": [1.0, 1.0], "recency": [3.0, 1.0], "T": [2.0, 2.0]},
            r"'recency': 1 rows exceed T",
        ),
        (
            {"frequency": [0.0, 1.0], "recency": [1.0, 1.0], "T": [2.0, 2.0]},
            r"not 0 although frequency is 0",
        ),
        (
            {"frequency": [np.nan, 1.0], "recency": [0.0, 1.0], "T": [2.0, 2.0]},
            r"'frequency': 1 rows are missing",
        ),
        ({"frequency": [1.0], "recency": [0.0, 1.0], "T": [2.0, 2.0]}, r"has 2 rows, expected 1"),
        ({"frequency": [1.0], "recency": [0.0]}, r"missing T"),
    ],
)
def test_bgnbd_bad_input(kwargs, match):
    with pytest.raises(InputError, match=match):
        BetaGeo().fit(**kwargs)


def test_bad_parameters_and_states(summary):
    with pytest.raises(InputError, match="penalizer_coef"):
        BetaGeo(penalizer_coef=-1.0)
    with pytest.raises(InputError, match="not fitted"):
        BetaGeo().p_alive()
    with pytest.raises(MissingColumnError):
        BetaGeo().fit(summary.drop(columns="T"))
    with pytest.raises(InputError, match="not both"):
        BetaGeo().fit(summary, frequency=summary["frequency"])
    with pytest.raises(ConvergenceError):
        BetaGeo().fit(summary, max_iter=2)
    with pytest.raises(InputError, match="t must be"):
        BetaGeo().fit(summary).expected_purchases(-1.0)
    with pytest.raises(InputError, match="no customer has repeat purchases"):
        GammaGamma().fit(frequency=[0.0, 0.0], monetary_value=[0.0, 0.0])
    with pytest.raises(InputError, match="are 0 for customers with repeat purchases"):
        GammaGamma().fit(frequency=[1.0, 2.0], monetary_value=[0.0, 3.0])


def test_btyd_doctests():
    result = doctest.testmod(_btyd)
    assert result.attempted > 0 and result.failed == 0
