"""Benchmark of the co-creation measures.

- peer_support and community_health on 10^5 and 10^6 synthetic posts, against a
  straightforward pandas implementation of the same figures written here (the "peer");
- influencer_value (Rust core, two hops: sparse matrix-vector passes) on the 10^4, 10^5 and
  10^6-node LFR graphs from benches/_graphs.py (no peer library computes this measure).

Writes bench-results/cocreation.json and prints a Markdown table. ``--quick`` runs the small
sizes only. Times are the best of a few runs (graph and table construction not timed).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _graphs import ROOT, lfr

from socialcrm import Graph
from socialcrm.value import community_health, influencer_value, peer_support

OUT = ROOT / "bench-results" / "cocreation.json"


def synthetic_posts(n: int, seed: int = 0) -> pd.DataFrame:
    """n posts: 40% questions with tags, the rest answers to random earlier questions."""
    rng = np.random.default_rng(seed)
    n_q = int(0.4 * n)
    parent = np.full(n, -1)
    parent[n_q:] = rng.integers(0, n_q, n - n_q)
    t = np.datetime64("2020-01-01") + rng.integers(0, 10**8, n).astype("timedelta64[s]")
    t[n_q:] = t[parent[n_q:]] + rng.integers(60, 10**5, n - n_q).astype("timedelta64[s]")
    accepted = np.full(n, -1)
    ans_rows = np.arange(n_q, n)
    pick = rng.random(n - n_q) < 0.4
    accepted[parent[n_q:][pick]] = ans_rows[pick]
    df = pd.DataFrame(
        {
            "post_id": np.arange(n),
            "parent_id": pd.array(np.where(parent >= 0, parent, 0), dtype="Int64"),
            "post_type": np.where(parent >= 0, "answer", "question"),
            "author": rng.integers(0, max(10, n // 20), n),
            "created_at": t,
            "accepted_answer_id": pd.array(np.where(accepted >= 0, accepted, 0), dtype="Int64"),
            "community": rng.choice([f"board{i}" for i in range(20)], n),
        }
    )
    df.loc[: n_q - 1, "parent_id"] = pd.NA
    df.loc[np.flatnonzero(accepted < 0), "accepted_answer_id"] = pd.NA
    return df


def peer_pandas(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The same per-customer and per-community-month figures, the plain pandas way (merges and
    groupbys; answers hang directly under questions)."""
    q = df[df["parent_id"].isna()].set_index("post_id")
    a = df[df["parent_id"].notna()]
    a = a.merge(
        q[["author", "created_at", "accepted_answer_id", "community"]],
        left_on="parent_id",
        right_index=True,
        suffixes=("", "_q"),
    )
    other = a[a["author"] != a["author_q"]]
    first = other.groupby("parent_id")["created_at"].min()
    th = q.assign(
        first=(first.reindex(q.index) - q["created_at"]) / pd.Timedelta(hours=1),
        answered=q.index.isin(other["parent_id"]),
        solved=q["accepted_answer_id"].notna(),
        period=q["created_at"].dt.to_period("M").dt.start_time,
    )
    acc = a[a["post_id"].isin(q["accepted_answer_id"].dropna())]
    cust = pd.DataFrame(
        {
            "questions": q.groupby("author").size(),
            "answers": a.groupby("author").size(),
            "accepted": acc.groupby("author").size(),
            "helped": other.groupby("author")["author_q"].nunique(),
            "median_hours": ((a["created_at"] - a["created_at_q"]) / pd.Timedelta(hours=1))
            .groupby(a["author"])
            .median(),
        }
    ).fillna({"questions": 0, "answers": 0, "accepted": 0, "helped": 0})
    g = th.groupby(["community", "period"])
    comm = pd.DataFrame(
        {
            "threads": g.size(),
            "solution_rate": g["solved"].mean(),
            "median_first": g["first"].median(),
            "p90_first": g["first"].quantile(0.9),
            "unanswered": 1 - g["answered"].mean(),
        }
    )
    return cust, comm


def health_pandas(df: pd.DataFrame) -> pd.DataFrame:
    """Six health factors and an equal-weight percentile index, the plain pandas way."""
    q = df[df["parent_id"].isna()].set_index("post_id")
    a = df[df["parent_id"].notna()].merge(
        q[["community", "author"]], left_on="parent_id", right_index=True, suffixes=("", "_q")
    )
    posts = pd.concat(
        [
            q.reset_index()[["community", "author", "created_at"]],
            a[["community_q", "author", "created_at"]].rename(columns={"community_q": "community"}),
        ]
    )
    posts["period"] = posts["created_at"].dt.to_period("M").dt.start_time
    g = posts.groupby(["community", "period"])
    out = pd.DataFrame(
        {
            "members": g["author"].nunique(),
            "content": g.size(),
            "liveliness": g["created_at"].agg(lambda s: s.dt.normalize().nunique()) / 30.0,
        }
    )
    other = a[a["author"] != a["author_q"]]
    first = other.groupby("parent_id")["created_at"].min()
    q = q.assign(
        replies=a.groupby("parent_id").size().reindex(q.index, fill_value=0),
        first=(first.reindex(q.index) - q["created_at"]) / pd.Timedelta(hours=1),
        period=q["created_at"].dt.to_period("M").dt.start_time,
    )
    tg = q.groupby(["community", "period"])
    out["interaction"] = tg["replies"].mean()
    out["responsiveness"] = tg["first"].median()
    scores = out.rank(pct=True)
    scores["responsiveness"] = (-out["responsiveness"]).rank(pct=True)
    out["index"] = scores.mean(axis=1)
    return out


def best(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    post_sizes = (10**5,) if args.quick else (10**5, 10**6)
    graph_sizes = (10**4,) if args.quick else (10**4, 10**5, 10**6)
    rows = []
    for n in post_sizes:
        df = synthetic_posts(n)
        reps = 3 if n <= 10**5 else 2
        cases = [
            (
                "peer_support",
                lambda df=df: peer_support(df, community="community"),
                lambda df=df: peer_pandas(df),
            ),
            (
                "community_health",
                lambda df=df: community_health(df, community="community"),
                lambda df=df: health_pandas(df),
            ),
        ]
        for name, ours, peer in cases:
            t_ours = best(ours, reps)
            t_peer = best(peer, reps)
            rows.append(
                {
                    "measure": name,
                    "input": f"{n:,} posts",
                    "socialcrm_s": t_ours,
                    "pandas_peer_s": t_peer,
                    "ratio_to_peer": t_ours / t_peer,
                }
            )
            print(rows[-1], flush=True)
            OUT.parent.mkdir(parents=True, exist_ok=True)
            OUT.write_text(json.dumps(rows, indent=2))
    for n in graph_sizes:
        s, t, nn = lfr(n)
        g = Graph.from_pandas(
            pd.DataFrame({"source": s, "target": t}), directed=False, nodes=np.arange(nn)
        )
        clv = pd.Series(np.random.default_rng(0).gamma(2.0, 50.0, nn), index=g.nodes)
        reps = 3 if n <= 10**5 else 1
        t_ours = best(lambda g=g, clv=clv: influencer_value(g, clv, max_hops=2), reps)
        rows.append(
            {
                "measure": "influencer_value (katz, 2 hops)",
                "input": f"LFR {n:,} nodes, {len(s):,} edges",
                "socialcrm_s": t_ours,
                "pandas_peer_s": None,
                "ratio_to_peer": None,
            }
        )
        print(rows[-1], flush=True)
        OUT.write_text(json.dumps(rows, indent=2))
    print("\n| measure | input | socialcrm (s) | pandas peer (s) | socialcrm / peer |")
    print("|---|---|---:|---:|---:|")
    for r in rows:
        peer = "-" if r["pandas_peer_s"] is None else f"{r['pandas_peer_s']:.3f}"
        ratio = "-" if r["ratio_to_peer"] is None else f"{r['ratio_to_peer']:.2f}"
        print(f"| {r['measure']} | {r['input']} | {r['socialcrm_s']:.3f} | {peer} | {ratio} |")


if __name__ == "__main__":
    Path(OUT.parent).mkdir(parents=True, exist_ok=True)
    main()
