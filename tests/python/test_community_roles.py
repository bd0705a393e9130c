"""Roles inside communities: z-score, participation and the Guimerà-Amaral roles."""

from __future__ import annotations

import doctest
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest

import socialcrm._roles
from socialcrm import Graph
from socialcrm.community import ROLE_LABELS, roles
from socialcrm.exceptions import InputError, UnknownIdError


def random_case(seed: int, *, directed: bool, weighted: bool):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 60))
    m = int(rng.integers(0, 4 * n))
    s = rng.integers(0, n, m)
    t = rng.integers(0, n, m)
    w = np.round(rng.random(m) * 5, 3) if weighted else np.ones(m)
    df = pd.DataFrame({"source": s, "target": t, "w": w})
    g = Graph.from_pandas(df, weight="w", directed=directed, nodes=np.arange(n), self_loops="keep")
    k = int(rng.integers(1, 6))
    labels = np.array([f"c{i}" for i in range(k)])
    membership = pd.Series(labels[rng.integers(0, k, n)], index=np.arange(n))
    return df, g, membership


def oracle(df, n, membership, *, directed, weighted, direction="all"):
    """Pure-Python z-score, participation and role."""
    adj: list[dict[int, float]] = [defaultdict(float) for _ in range(n)]
    for s, t, w in zip(df["source"], df["target"], df["w"], strict=True):
        if s == t:
            continue
        if not directed or direction in ("all", "out"):
            adj[s][t] += w
        if not directed or direction in ("all", "in"):
            adj[t][s] += w
    comm = membership.to_numpy()
    rows = []
    for u in range(n):
        ks: dict[str, float] = defaultdict(float)
        for v, w in adj[u].items():
            ks[comm[v]] += w if weighted else 1.0
        k = sum(ks.values())
        p = 1.0 - sum((x / k) ** 2 for x in ks.values()) if k > 0 else 0.0
        rows.append((k, ks.get(comm[u], 0.0), p))
    out = pd.DataFrame(rows, columns=["degree", "within", "p"], index=np.arange(n))
    grp = out.groupby(comm)["within"]
    mean, sd = grp.transform("mean"), grp.transform(lambda x: np.std(x.to_numpy()))
    out["z"] = np.where(sd > 1e-9, (out["within"] - mean) / sd.where(sd > 1e-9, 1.0), 0.0)
    return out


def expected_role(z: float, p: float) -> str:
    if z >= 2.5:
        return ROLE_LABELS[4] if p <= 0.30 else ROLE_LABELS[5] if p <= 0.75 else ROLE_LABELS[6]
    if p <= 0.05:
        return ROLE_LABELS[0]
    return ROLE_LABELS[1] if p <= 0.62 else ROLE_LABELS[2] if p <= 0.80 else ROLE_LABELS[3]


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_roles_match_a_pure_python_oracle_on_random_graphs(directed, weighted):
    directions = ["all", "in", "out"] if directed else ["all"]
    n_checked_roles = 0
    for seed in range(40):
        df, g, membership = random_case(seed, directed=directed, weighted=weighted)
        for direction in directions:
            r = roles(g, membership, weight=weighted, direction=direction)
            o = oracle(
                df, g.n_nodes, membership, directed=directed, weighted=weighted, direction=direction
            )
            assert list(r.index) == list(range(g.n_nodes))
            assert (r["community"] == membership).all()
            np.testing.assert_allclose(r["degree"], o["degree"], rtol=1e-12, atol=1e-12)
            np.testing.assert_allclose(r["within_degree"], o["within"], rtol=1e-12, atol=1e-12)
            np.testing.assert_allclose(r["participation"], o["p"], rtol=1e-12, atol=1e-12)
            np.testing.assert_allclose(r["z_score"], o["z"], rtol=1e-9, atol=1e-9)
            clear = (np.abs(o["z"] - 2.5) > 1e-9) & np.all(
                [np.abs(o["p"] - x) > 1e-9 for x in (0.05, 0.62, 0.8, 0.3, 0.75)], axis=0
            )
            want = [expected_role(z, p) for z, p in zip(o["z"], o["p"], strict=True)]
            assert (r["role"].astype(str)[clear] == np.array(want)[clear]).all()
            assert (r["is_hub"] == (r["z_score"] >= 2.5)).all()
            n_checked_roles += int(clear.sum())
    assert n_checked_roles > 500


def test_roles_unweighted_degrees_are_integers_and_role_is_ordered():
    _, g, membership = random_case(3, directed=False, weighted=False)
    r = roles(g, membership)
    assert r["degree"].dtype == np.int64 and r["within_degree"].dtype == np.int64
    assert list(r["role"].cat.categories) == list(ROLE_LABELS)
    assert r["role"].cat.ordered


def star_world(hub_links: list[int], leaf_links: list[int]):
    """Community 0: a hub with 30 leaves; communities 1..9: rings of 16. The hub and leaf 0
    get hub_links[k] / leaf_links[k] edges into community k + 1."""
    edges = [("h", f"l{i}") for i in range(30)]
    member = {"h": 0} | {f"l{i}": 0 for i in range(30)}
    for c in range(1, 10):
        ring = [f"c{c}_{i}" for i in range(16)]
        edges += list(zip(ring, ring[1:] + ring[:1], strict=True))
        member |= dict.fromkeys(ring, c)
    for who, links in (("h", hub_links), ("l0", leaf_links)):
        for c, count in enumerate(links, start=1):
            edges += [(who, f"c{c}_{i}") for i in range(count)]
    df = pd.DataFrame(edges, columns=["source", "target"])
    return Graph.from_pandas(df, directed=False), pd.Series(member)


@pytest.mark.parametrize(
    ("hub_links", "leaf_links", "hub_role", "leaf_role"),
    [
        ([], [], "provincial hub", "ultra-peripheral"),  # hub P = 0, leaf P = 0
        ([15], [1], "connector hub", "peripheral"),  # hub P = 4/9, leaf P = 1/2
        ([10] * 9, [1, 1, 1], "kinless hub", "connector"),  # hub P = 7/8, leaf P = 3/4
        ([5], [1] * 5, "provincial hub", "kinless"),  # hub P = 1 - 36/49 - 1/49, leaf 5/6
    ],
)
def test_roles_hand_worked_labels(hub_links, leaf_links, hub_role, leaf_role):
    g, membership = star_world(hub_links, leaf_links)
    r = roles(g, membership)
    assert r.loc["h", "role"] == hub_role and r.loc["h", "is_hub"]
    assert r.loc["l0", "role"] == leaf_role and not r.loc["l0", "is_hub"]
    k_h = 30 + sum(hub_links)
    p_h = 1 - (30 / k_h) ** 2 - sum((x / k_h) ** 2 for x in hub_links)
    assert r.loc["h", "participation"] == pytest.approx(p_h, abs=1e-12)
    within = np.array([30] + [1] * 30, dtype=float)
    z_h = (30 - within.mean()) / within.std()
    assert r.loc["h", "z_score"] == pytest.approx(z_h, rel=1e-12)
    # Ring members: all within degree 2, so z = 0 for every member.
    assert (r.loc[r["community"] == 5, "z_score"] == 0).all()


def test_roles_accepts_arrays_and_reordered_series_alike():
    _, g, membership = random_case(7, directed=True, weighted=True)
    a = roles(g, membership, weight=True)
    b = roles(g, membership.to_numpy(), weight=True)
    c = roles(g, membership.sample(frac=1.0, random_state=1), weight=True)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(a, c)


def test_roles_label_types_do_not_change_results():
    _, g, membership = random_case(11, directed=False, weighted=False)
    as_int = membership.str[1:].astype(int) * 10
    a, b = roles(g, membership), roles(g, as_int)
    pd.testing.assert_frame_equal(a.drop(columns="community"), b.drop(columns="community"))
    assert (b["community"] == as_int).all()


def test_roles_identical_on_one_and_two_threads():
    rng = np.random.default_rng(5)
    n = 20_000
    df = pd.DataFrame(
        {
            "source": rng.integers(0, n, 200_000),
            "target": rng.integers(0, n, 200_000),
            "w": rng.random(200_000),
        }
    )
    g = Graph.from_pandas(df, weight="w", directed=True, self_loops="keep")
    membership = pd.Series(rng.integers(0, 50, g.n_nodes), index=g.nodes)
    one = roles(g, membership, weight=True, n_threads=1)
    two = roles(g, membership, weight=True, n_threads=2)
    pd.testing.assert_frame_equal(one, two, check_exact=True)


def test_roles_bad_input():
    _, g, membership = random_case(2, directed=False, weighted=False)
    with pytest.raises(InputError, match="1 customers of the graph have no community"):
        roles(g, membership.iloc[1:])
    with pytest.raises(UnknownIdError, match="not customers"):
        roles(g, pd.concat([membership, pd.Series({"zz": "c0"})]))
    with pytest.raises(InputError, match="one community per customer"):
        roles(g, membership.to_numpy()[1:])
    bad = membership.copy()
    bad.iloc[0] = None
    with pytest.raises(InputError, match="no community"):
        roles(g, bad)
    with pytest.raises(InputError, match="more than once"):
        roles(g, pd.concat([membership, membership.iloc[:1]]))
    with pytest.raises(InputError, match="direction"):
        roles(g, membership, direction="both")
    with pytest.raises(InputError, match="weight"):
        roles(g, membership, weight="amount")
    with pytest.raises(TypeError, match="DataFrame"):
        roles(g, membership.to_frame())
    with pytest.raises(InputError, match="n_threads"):
        roles(g, membership, n_threads=0)


def test_roles_doctests():
    res = doctest.testmod(socialcrm._roles)
    assert res.attempted > 0 and res.failed == 0


def test_roles_and_profile_accept_a_partition():
    from socialcrm.community import Partition, leiden, profile

    _, g, membership = random_case(8, directed=False, weighted=True)
    part = leiden(g, seed=1)
    via_part = roles(g, part, weight=True)
    via_series = roles(g, part.membership, weight=True)
    pd.testing.assert_frame_equal(via_part, via_series)
    assert (via_part["community"] == part.membership).all()
    from_series = Partition.from_membership(g, membership)
    pd.testing.assert_frame_equal(
        roles(g, from_series).drop(columns="community"),
        roles(g, membership).drop(columns="community"),
    )
    pd.testing.assert_frame_equal(profile(g, part), profile(g, part.membership))
