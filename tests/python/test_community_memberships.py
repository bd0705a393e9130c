"""Explicit memberships: per-customer summary, community overlap, segmentation."""

from __future__ import annotations

import doctest
import itertools

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import socialcrm._memberships
from socialcrm.community import from_memberships
from socialcrm.exceptions import InputError, MissingColumnError


def random_memberships(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n_rows = int(rng.integers(1, 300))
    n_c, n_g = int(rng.integers(1, 60)), int(rng.integers(1, 15))
    return pd.DataFrame(
        {
            "customer": [f"u{x:03d}" for x in rng.integers(0, n_c, n_rows)],
            "forum": [f"f{x:02d}" for x in rng.integers(0, n_g, n_rows)],
            # Small integers make weight ties (and so the tie rules) frequent.
            "posts": rng.integers(0, 4, n_rows).astype(float),
        }
    )


def nmi(a: np.ndarray, b: np.ndarray) -> float:
    """Normalized mutual information (arithmetic mean normalisation)."""
    _, a = np.unique(a, return_inverse=True)
    _, b = np.unique(b, return_inverse=True)
    joint = np.zeros((a.max() + 1, b.max() + 1))
    np.add.at(joint, (a, b), 1)
    p = joint / joint.sum()
    pa_, pb = p.sum(1), p.sum(0)
    nz = p > 0
    mi = (p[nz] * np.log(p[nz] / np.outer(pa_, pb)[nz])).sum()
    h = -(pa_[pa_ > 0] * np.log(pa_[pa_ > 0])).sum() - (pb[pb > 0] * np.log(pb[pb > 0])).sum()
    return 2 * mi / h if h > 0 else 1.0


@pytest.mark.parametrize("seed", range(25))
def test_from_memberships_matches_pandas(seed):
    df = random_memberships(seed)
    m = from_memberships(df, community="forum", weight="posts")
    agg = df.groupby(["customer", "forum"])["posts"].sum().reset_index()
    size = agg.groupby("forum").size()
    agg["size"] = agg["forum"].map(size)
    primary = (
        agg.sort_values(
            ["customer", "posts", "size", "forum"], ascending=[True, False, False, True]
        )
        .drop_duplicates("customer")
        .set_index("customer")["forum"]
    )
    c = m.customers
    assert list(c.index) == sorted(df["customer"].unique())
    assert (c["primary_community"] == primary.reindex(c.index)).all()
    assert (c["n_memberships"] == agg.groupby("customer").size().reindex(c.index)).all()
    np.testing.assert_allclose(c["total_weight"], df.groupby("customer")["posts"].sum()[c.index])
    assert (c["bridging"] == (c["n_memberships"] >= 2)).all()
    assert (m.communities["size"] == size.reindex(m.communities.index)).all()
    members = agg.groupby("forum")["customer"].apply(set)
    want = {}
    for a, b in itertools.combinations(sorted(members.index), 2):
        shared = len(members[a] & members[b])
        if shared:
            want[(a, b)] = (shared, shared / len(members[a] | members[b]))
    got = {
        (r.community_a, r.community_b): (r.shared_members, r.jaccard)
        for r in m.overlap.itertuples()
    }
    assert got.keys() == want.keys()
    for key, (shared, jac) in want.items():
        assert got[key][0] == shared and got[key][1] == pytest.approx(jac, rel=1e-12)
    assert m.overlap["jaccard"].is_monotonic_decreasing
    # Segments cover every customer and every community.
    assert c["segment"].between(0, len(m.segments) - 1).all()
    assert m.segments["customers"].sum() == len(c)
    assert m.segments["n_communities"].sum() == len(m.communities)


def test_from_memberships_min_share_and_duplicates_summed():
    df = pd.DataFrame(
        {
            "customer": ["a", "a", "a", "b", "b"],
            "community": ["x", "y", "y", "x", "y"],
            "w": [1.0, 4.0, 5.0, 5.0, 5.0],
        }
    )
    m = from_memberships(df, weight="w", min_share=0.2)
    assert m.customers.loc["a", "total_weight"] == 10.0
    assert m.customers.loc["a", "primary_community"] == "y"
    assert not m.customers.loc["a", "bridging"]  # x holds 10 % < 20 %
    assert m.customers.loc["b", "bridging"]
    assert m.customers.loc["b", "primary_community"] == "x"  # tie: same size, smaller label
    assert from_memberships(df).customers.loc["a", "bridging"]


def test_from_memberships_overlap_matrix():
    df = random_memberships(3)
    m = from_memberships(df, community="forum")
    jac = m.overlap_matrix()
    shared = m.overlap_matrix("shared")
    assert (np.diag(jac) == 1.0).all()
    assert (np.diag(shared) == m.communities["size"].reindex(shared.index)).all()
    np.testing.assert_array_equal(jac.to_numpy(), jac.to_numpy().T)
    for r in m.overlap.itertuples():
        assert jac.loc[r.community_a, r.community_b] == r.jaccard
        assert shared.loc[r.community_b, r.community_a] == r.shared_members
    assert (shared.to_numpy() > 0).sum() == len(m.communities) + 2 * len(m.overlap)
    with pytest.raises(InputError, match="max_communities"):
        m.overlap_matrix(max_communities=1)
    with pytest.raises(InputError, match="kind"):
        m.overlap_matrix("cosine")


def test_from_memberships_recovers_planted_groups():
    rng = np.random.default_rng(1)
    rows, truth = [], {}
    for c in range(600):
        group = c % 3
        truth[c] = group
        for _ in range(int(rng.integers(2, 6))):
            home = rng.random() > 0.1
            g = group if home else int(rng.integers(0, 3))
            rows.append((c, f"g{g}_forum{int(rng.integers(0, 8))}"))
    df = pd.DataFrame(rows, columns=["customer", "community"])
    m = from_memberships(df, seed=0)
    seg = m.customers["segment"]
    planted = pd.Series(truth)[seg.index]
    # Modularity may split a planted group into equally good sub-segments (seed-dependent), but
    # a segment must not mix groups: nearly every customer shares its segment's majority group.
    purity = pd.crosstab(seg, planted).max(axis=1).sum() / len(seg)
    assert purity > 0.95
    assert nmi(seg.to_numpy(), planted.to_numpy()) > 0.8
    assert m.modularity > 0.3
    # Forums fall in the segment of their group.
    forum_group = m.communities.index.str[1].astype(int)
    assert nmi(m.communities["segment"].to_numpy(), forum_group.to_numpy()) > 0.85
    again = from_memberships(df.sample(frac=1.0, random_state=2), seed=0)
    pd.testing.assert_frame_equal(m.customers, again.customers)


def test_from_memberships_accepts_polars_and_arrow():
    df = random_memberships(5)
    want = from_memberships(df, community="forum", weight="posts")
    for other in (pl.from_pandas(df), pa.Table.from_pandas(df)):
        got = from_memberships(other, community="forum", weight="posts")
        pd.testing.assert_frame_equal(got.customers, want.customers)
        pd.testing.assert_frame_equal(got.overlap, want.overlap)


def test_from_memberships_bad_input():
    df = random_memberships(0)
    with pytest.raises(MissingColumnError, match="community"):
        from_memberships(df)
    bad = df.copy()
    bad.loc[[2, 5], "customer"] = None
    with pytest.raises(InputError, match=r"column 'customer': 2 rows are null customer ids"):
        from_memberships(bad, community="forum")
    bad = df.copy()
    bad.loc[[1, 4, 7], "posts"] = -1.0
    with pytest.raises(InputError, match=r"column 'posts': 3 rows are negative \(first at row 1\)"):
        from_memberships(bad, community="forum", weight="posts")
    bad = df.copy()
    bad.loc[0, "forum"] = np.nan
    with pytest.raises(InputError, match="null community labels"):
        from_memberships(bad, community="forum")
    with pytest.raises(InputError, match="min_share"):
        from_memberships(df, community="forum", min_share=2)
    with pytest.raises(InputError, match="resolution"):
        from_memberships(df, community="forum", resolution=0)


def test_memberships_doctests():
    res = doctest.testmod(socialcrm._memberships)
    assert res.attempted > 0 and res.failed == 0
