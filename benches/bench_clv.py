"""Purchase-value benchmark: BG/NBD and Gamma-Gamma fits and RFM summaries, socialcrm vs
lifetimes, on data drawn from the BG/NBD and Gamma-Gamma processes with CDNOW-like parameters.

    python benches/bench_clv.py            # 10^5 and 10^6 customers, rfm on 10^7 transactions
    python benches/bench_clv.py --quick    # 10^5 customers, rfm on 10^6 transactions

Writes bench-results/clv.json and prints a Markdown table. Data generation is not timed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from socialcrm.value import BetaGeo, GammaGamma, rfm

BG = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}  # Fader, Hardie & Lee (2005)
GG = {"p": 6.25, "q": 3.74, "v": 15.44}


def customers(n: int, seed: int = 0) -> pd.DataFrame:
    """RFM summaries of ``n`` customers from the BG/NBD process (weeks, ages 27-39 as CDNOW)
    with Gamma-Gamma mean spend."""
    rng = np.random.default_rng(seed)
    age = rng.uniform(27.0, 39.0, n)
    lam = rng.gamma(BG["r"], 1.0 / BG["alpha"], n)
    p = rng.beta(BG["a"], BG["b"], n)
    n_poisson = rng.poisson(lam * age)
    x = np.minimum(n_poisson, rng.geometric(p))
    tx = np.zeros(n)
    pos = x > 0
    tx[pos] = age[pos] * rng.beta(x[pos], n_poisson[pos] - x[pos] + 1)
    nu = rng.gamma(GG["q"], 1.0 / GG["v"], n)
    m = np.zeros(n)
    m[pos] = rng.gamma(GG["p"] * x[pos], 1.0 / (nu[pos] * x[pos]))
    # Weeks with 2 decimals, as the published CDNOW summary.
    return pd.DataFrame(
        {
            "frequency": x.astype(float),
            "recency": tx.round(2),
            "T": age.round(2),
            "monetary_value": m.round(2),
        }
    )


def transactions(n_rows: int, seed: int = 0) -> pd.DataFrame:
    """``n_rows`` purchases of ``n_rows / 10`` customers at random minutes of two years."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2023-01-01T00:00", "m").astype(np.int64)
    minutes = rng.integers(0, 2 * 365 * 24 * 60, n_rows) + start
    return pd.DataFrame(
        {
            "customer": rng.integers(0, n_rows // 10, n_rows),
            "timestamp": minutes.astype("datetime64[m]").astype("datetime64[ns]"),
            "amount": rng.gamma(2.0, 20.0, n_rows).round(2),
        }
    )


def best_of(fn, repeats: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def _quiet(fn):
    def run():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn()

    return run


def bench_fits(n: int, lifetimes_repeats: int) -> list[dict]:
    import lifetimes

    df = customers(n)
    rep = df[df["frequency"] > 0]
    x, tx, t = (df[c].to_numpy() for c in ("frequency", "recency", "T"))
    rows = []
    ours_bg_s, ours_bg = best_of(lambda: BetaGeo().fit(df), 3)
    ours_gg_s, ours_gg = best_of(lambda: GammaGamma().fit(rep), 3)
    theirs_bg_s, theirs_bg = best_of(
        _quiet(lambda: lifetimes.BetaGeoFitter().fit(x, tx, t)), lifetimes_repeats
    )
    theirs_gg_s, theirs_gg = best_of(
        _quiet(
            lambda: lifetimes.GammaGammaFitter().fit(
                rep["frequency"].to_numpy(), rep["monetary_value"].to_numpy()
            )
        ),
        lifetimes_repeats,
    )
    for task, ours_s, ours, theirs_s, theirs in (
        ("BG/NBD fit", ours_bg_s, ours_bg, theirs_bg_s, theirs_bg),
        ("Gamma-Gamma fit", ours_gg_s, ours_gg, theirs_gg_s, theirs_gg),
    ):
        diff = float(np.max(np.abs(ours.params_.to_numpy() / theirs.params_.to_numpy() - 1)))
        rows.append(
            {
                "task": task,
                "size": n,
                "rows_fitted": int(len(df) if task.startswith("BG") else len(rep)),
                "socialcrm_s": ours_s,
                "lifetimes_s": theirs_s,
                "speedup": theirs_s / ours_s,
                "max_param_rel_diff": diff,
                "params": ours.params_.round(4).to_dict(),
            }
        )
    return rows


def bench_rfm(n_rows: int) -> dict:
    from lifetimes.utils import summary_data_from_transaction_data

    tx = transactions(n_rows)
    ours_s, ours = best_of(lambda: rfm(tx, amount="amount", freq="D"), 3)
    theirs_s, theirs = best_of(
        _quiet(
            lambda: summary_data_from_transaction_data(
                tx, "customer", "timestamp", monetary_value_col="amount", freq="D"
            )
        ),
        1,
    )
    theirs = theirs.sort_index()
    same = bool(
        np.array_equal(ours["frequency"].to_numpy(), theirs["frequency"].to_numpy())
        and np.array_equal(ours["T"].to_numpy(), theirs["T"].to_numpy())
        and np.allclose(ours["monetary_value"], theirs["monetary_value"], rtol=1e-12)
    )
    return {
        "task": "rfm summary (freq D)",
        "size": n_rows,
        "socialcrm_s": ours_s,
        "lifetimes_s": theirs_s,
        "speedup": theirs_s / ours_s,
        "identical": same,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="10^5 customers, 10^6 transactions")
    args = ap.parse_args()
    sizes = [10**5] if args.quick else [10**5, 10**6]
    results = []
    for n in sizes:
        results += bench_fits(n, lifetimes_repeats=2 if n <= 10**5 else 1)
    results.append(bench_rfm(10**6 if args.quick else 10**7))
    out = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "note": "shared 2-core machine, other builds and benchmarks running at the same time",
        },
        "results": results,
    }
    Path("bench-results").mkdir(exist_ok=True)
    Path("bench-results/clv.json").write_text(json.dumps(out, indent=2) + "\n")
    print("| task | size | socialcrm (s) | lifetimes (s) | speed-up |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for r in results:
        print(
            f"| {r['task']} | {r['size']:,} | {r['socialcrm_s']:.3f} | {r['lifetimes_s']:.2f} "
            f"| {r['speedup']:.0f}x |"
        )


if __name__ == "__main__":
    main()
