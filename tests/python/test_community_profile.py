"""Community profiles against networkx and pandas."""

from __future__ import annotations

import doctest

import networkx as nx
import numpy as np
import pandas as pd
import polars as pl
import pytest

import socialcrm._profile
from socialcrm import Graph
from socialcrm.community import profile
from socialcrm.exceptions import InputError, MissingColumnError


def random_case(seed: int, *, directed: bool, weighted: bool):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 50))
    m = int(rng.integers(0, 4 * n))
    s, t = rng.integers(0, n, m), rng.integers(0, n, m)
    w = np.round(rng.random(m) * 5, 3) if weighted else np.ones(m)
    df = pd.DataFrame({"source": s, "target": t, "w": w})
    g = Graph.from_pandas(df, weight="w", directed=directed, nodes=np.arange(n), self_loops="keep")
    k = int(rng.integers(1, 7))
    membership = pd.Series(rng.integers(0, k, n) * 3 + 1, index=np.arange(n))
    nxg = nx.DiGraph() if directed else nx.Graph()
    nxg.add_nodes_from(range(n))
    for a, b, x in zip(s, t, w, strict=True):
        if nxg.has_edge(a, b):
            nxg[a][b]["weight"] += x
        else:
            nxg.add_edge(a, b, weight=x)
    return g, membership, nxg


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_profile_matches_networkx_on_random_graphs(directed, weighted):
    checked = 0
    for seed in range(40):
        g, membership, nxg = random_case(seed, directed=directed, weighted=weighted)
        p = profile(g, membership, weight=weighted)
        wkey = "weight" if weighted else None
        sizes = membership.value_counts()
        assert list(p["size"]) == sorted(sizes, reverse=True)
        for label, row in p.iterrows():
            members = set(membership.index[membership == label])
            rest = set(nxg) - members
            sub = nxg.subgraph(members)
            assert row["size"] == len(members)
            assert row["internal_interactions"] == pytest.approx(sub.size(weight=wkey), abs=1e-9)
            cut = nx.cut_size(nxg, members, rest, weight=wkey) if rest else 0.0
            assert row["external_interactions"] == pytest.approx(cut, abs=1e-9)
            loops = nx.number_of_selfloops(sub)
            assert row["internal_edges"] == sub.number_of_edges() - loops
            plain = nx.DiGraph(sub) if directed else nx.Graph(sub)
            plain.remove_edges_from(nx.selfloop_edges(plain))
            density = nx.density(plain) if len(members) > 1 else 0.0
            assert row["internal_density"] == pytest.approx(density, abs=1e-12)
            # Volume in the undirected view: in + out (weighted) degree, a self-loop twice.
            vol_s = sum(d for _, d in nxg.degree(members, weight=wkey))
            vol_t = sum(d for _, d in nxg.degree(rest, weight=wkey))
            phi = cut / min(vol_s, vol_t) if cut > 0 else 0.0
            assert row["conductance"] == pytest.approx(phi, rel=1e-9, abs=1e-12)
            if not directed and cut > 0:
                phi_nx = nx.conductance(nxg, members, rest, weight=wkey)
                assert row["conductance"] == pytest.approx(phi_nx, rel=1e-9)
            checked += 1
    assert checked > 100


def test_profile_top_members_and_customer_columns_match_pandas():
    g, membership, nxg = random_case(4, directed=False, weighted=True)
    rng = np.random.default_rng(0)
    n = g.n_nodes
    customers = pd.DataFrame(
        {
            "customer": np.arange(n),
            "spend": rng.random(n) * 100,
            "orders": rng.integers(0, 9, n),
            "vip": rng.random(n) < 0.3,
            "city": ["x"] * n,
        }
    )
    customers.loc[3, "spend"] = np.nan
    p = profile(g, membership, customers=customers, top=3)
    assert [c for c in p.columns if c.startswith(("sum_", "mean_"))] == [
        "sum_spend",
        "mean_spend",
        "sum_orders",
        "mean_orders",
        "sum_vip",
        "mean_vip",
    ]
    grouped = customers.set_index("customer").groupby(membership)
    for col in ("spend", "orders", "vip"):
        np.testing.assert_allclose(p[f"sum_{col}"], grouped[col].sum().reindex(p.index))
        np.testing.assert_allclose(
            p[f"mean_{col}"], grouped[col].mean().astype(float).reindex(p.index)
        )
    strength = pd.Series(dict(nxg.degree(weight="weight")))
    for label, members in p["top_members"].items():
        s = strength[membership == label]
        want = sorted(s.index, key=lambda i: (-s[i], i))[:3]
        assert members == want
    by_spend = profile(g, membership, customers=customers, score="spend", top=2)
    spend = customers.set_index("customer")["spend"].fillna(-np.inf)
    for label, members in by_spend["top_members"].items():
        s = spend[membership == label]
        assert members == sorted(s.index, key=lambda i: (-s[i], i))[:2]
    # Same through a Series score and through polars.
    via_series = profile(g, membership, score=customers.set_index("customer")["spend"], top=2)
    assert list(via_series["top_members"]) == list(by_spend["top_members"])
    via_polars = profile(g, membership, customers=pl.from_pandas(customers), top=3)
    pd.testing.assert_frame_equal(via_polars, p)


def test_profile_is_sorted_by_size_and_deterministic_across_threads():
    rng = np.random.default_rng(9)
    n = 30_000
    df = pd.DataFrame(
        {
            "source": rng.integers(0, n, 300_000),
            "target": rng.integers(0, n, 300_000),
            "w": rng.random(300_000),
        }
    )
    g = Graph.from_pandas(df, weight="w", directed=False, self_loops="keep")
    membership = pd.Series(rng.integers(0, 300, g.n_nodes), index=g.nodes)
    one = profile(g, membership, n_threads=1)
    two = profile(g, membership, n_threads=2)
    pd.testing.assert_frame_equal(one, two, check_exact=True)
    assert one["size"].is_monotonic_decreasing


def test_profile_bad_input():
    g, membership, _ = random_case(1, directed=True, weighted=False)
    with pytest.raises(InputError, match="top"):
        profile(g, membership, top=0)
    with pytest.raises(MissingColumnError, match="score"):
        profile(g, membership, score="spend")
    dup = pd.DataFrame({"customer": [0, 0], "spend": [1.0, 2.0]})
    with pytest.raises(InputError, match="duplicates"):
        profile(g, membership, customers=dup)
    with pytest.raises(TypeError, match="numeric"):
        profile(g, membership, score=pd.Series("a", index=g.nodes))
    with pytest.raises(InputError, match="no community"):
        profile(g, membership.iloc[:-1])


def test_profile_doctests():
    res = doctest.testmod(socialcrm._profile)
    assert res.attempted > 0 and res.failed == 0
