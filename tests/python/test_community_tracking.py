"""Communities over time: event labels, lineage and Leiden per period."""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest

import socialcrm._tracking
from socialcrm.community import leiden_over_time, track
from socialcrm.exceptions import InputError


def snap(groups: dict[str, range | list[int]]) -> pd.Series:
    return pd.Series({i: label for label, members in groups.items() for i in members})


P1 = snap({"A": range(1, 11), "B": range(11, 21), "C": range(21, 31), "D": range(31, 41)})
P2 = snap(
    {
        "A": range(1, 11),  # continuation (J = 1)
        "B": [*range(11, 21), *range(41, 46)],  # growth (J = 10/15, +50 %)
        "C1": [*range(21, 26), 46],  # split part (J = 5/11)
        "C2": range(26, 31),  # split part (J = 5/10): keeps C's lineage
        "E": range(51, 56),  # birth; D dies
    }
)
P3 = snap(
    {
        "M": [*range(1, 21), *range(41, 46)],  # merge of A (J = 10/25) and B (J = 15/25)
        "C1": [*range(21, 26), 46],  # continuation
        "C2": range(26, 29),  # contraction (-40 %); E dies
    }
)


def rows(t, period):
    ev = t.events[t.events["period"] == period]
    return {
        (r.event, r.community if isinstance(r.community, str) else None): (
            list(r.previous),
            r.dynamic_community,
        )
        for r in ev.itertuples()
    }


def test_track_labels_every_event_type():
    t = track({"p1": P1, "p2": P2, "p3": P3})
    assert rows(t, "p1") == {("birth", x): ([], i) for i, x in enumerate("ABCD")}
    assert rows(t, "p2") == {
        ("continuation", "A"): (["A"], 0),
        ("growth", "B"): (["B"], 1),
        ("split", "C1"): (["C"], 4),
        ("split", "C2"): (["C"], 2),
        ("birth", "E"): ([], 5),
        ("death", None): (["D"], 3),
    }
    assert rows(t, "p3") == {
        ("continuation", "C1"): (["C1"], 4),
        ("contraction", "C2"): (["C2"], 2),
        ("merge", "M"): (["B", "A"], 1),
        ("death", None): (["E"], 5),
    }
    ev = t.events.set_index(["period", "community"])
    assert ev.loc[("p2", "B"), "jaccard"] == pytest.approx(10 / 15)
    assert ev.loc[("p2", "B"), "size_change"] == pytest.approx(0.5)
    assert ev.loc[("p2", "C1"), "jaccard"] == pytest.approx(5 / 11)
    assert ev.loc[("p3", "M"), "jaccard"] == pytest.approx(15 / 25)
    assert ev.loc[("p3", "M"), "size_change"] == pytest.approx(10 / 15)
    assert ev.loc[("p3", "C2"), "size_change"] == pytest.approx(-0.4)
    assert set(t.events["event"]) == set(socialcrm._tracking.EVENTS)
    death = t.events[t.events["event"] == "death"]
    assert (death["size"] == 0).all() and (death["size_change"] == -1).all()
    assert death["community"].isna().all()


def test_track_lineage_sizes_and_emerging():
    t = track([("p1", P1), ("p2", P2), ("p3", P3)])
    assert len(t.lineage) == 4 + 5 + 3
    sizes = t.sizes()
    assert list(sizes.columns) == ["p1", "p2", "p3"]
    assert sizes.loc[1].tolist() == [10, 15, 25]  # B's lineage carries the merge
    assert sizes.loc[2].tolist() == [10, 5, 3]
    assert sizes.loc[3].tolist() == [10, 0, 0]
    em = t.emerging()
    assert list(zip(em["period"], em["event"], em["community"], strict=True)) == [
        ("p2", "birth", "E"),
        ("p2", "growth", "B"),
    ]
    assert t.emerging(periods=1).empty
    assert len(track({"only": P1}).emerging()) == 4


def test_track_threshold_and_change_parameters():
    strict = track({"p1": P1, "p2": P2}, threshold=0.7)
    assert rows(strict, "p2")[("birth", "B")] == ([], 4)  # J = 2/3 < 0.7: B is new
    loose = track({"p1": P1, "p2": P2}, change=0.6)
    assert ("continuation", "B") in rows(loose, "p2")


def test_track_ignores_nulls_and_small_communities():
    p1 = pd.Series({1: "a", 2: "a", 3: "a", 4: "b", 5: None})
    p2 = pd.Series({1: "x", 2: "x", 3: "x", 4: "y", 5: "y"})
    t = track({1: p1, 2: p2}, min_size=3)
    assert t.lineage["community"].tolist() == ["a", "x"]
    assert t.events["event"].tolist() == ["birth", "continuation"]
    t1 = track({1: p1, 2: p2})
    ev = t1.events.set_index(["period", "event"])
    assert ev.loc[(2, "growth"), "community"] == "y"  # b -> y: {4} -> {4, 5}


def test_track_is_deterministic_and_order_of_rows_does_not_matter():
    a = track({"p1": P1, "p2": P2, "p3": P3})
    shuffled = {
        k: v.sample(frac=1.0, random_state=3) for k, v in {"p1": P1, "p2": P2, "p3": P3}.items()
    }
    b = track(shuffled)
    pd.testing.assert_frame_equal(a.events, b.events)
    pd.testing.assert_frame_equal(a.lineage, b.lineage)


def test_track_bad_input():
    with pytest.raises(InputError, match="threshold"):
        track({"p": P1}, threshold=0)
    with pytest.raises(InputError, match="unique"):
        track([("p", P1), ("p", P2)])
    with pytest.raises(TypeError, match="Series"):
        track({"p": P1.to_numpy()})
    with pytest.raises(InputError, match="more than once"):
        track({"p": pd.concat([P1, P1.iloc[:1]])})
    with pytest.raises(TypeError, match="mapping"):
        track(P1)
    with pytest.raises(InputError, match="min_size"):
        track({"p": P1}, min_size=0)


def planted_interactions(seed: int = 0) -> pd.DataFrame:
    """Four quarters; communities G0, G1 (40 customers each, dense inside) all year, G2 (40
    new customers) only from the third quarter. Sparse noise between groups."""
    rng = np.random.default_rng(seed)
    rows = []
    for q, month in enumerate([1, 4, 7, 10]):
        groups = [range(0, 40), range(40, 80)] + ([range(80, 120)] if q >= 2 else [])
        day = pd.Timestamp(2024, month, 1)
        for grp in groups:
            members = np.array(grp)
            for _ in range(400):
                a, b = rng.choice(members, 2, replace=False)
                rows.append((a, b, day + pd.Timedelta(days=int(rng.integers(0, 80)))))
        active = np.concatenate([np.array(g) for g in groups])
        for _ in range(15):
            a, b = rng.choice(active, 2, replace=False)
            rows.append((a, b, day + pd.Timedelta(days=int(rng.integers(0, 80)))))
    return pd.DataFrame(rows, columns=["source", "target", "timestamp"])


def test_leiden_over_time_finds_the_community_born_in_the_third_quarter():
    df = planted_interactions()
    t = leiden_over_time(df, freq="QS", directed=False)
    periods = list(dict.fromkeys(t.lineage["period"]))
    assert periods == list(pd.date_range("2024-01-01", periods=4, freq="QS"))
    assert set(t.partitions) == set(periods)
    births = t.events[(t.events["event"] == "birth") & (t.events["period"] != periods[0])]
    assert len(births) == 1 and births.iloc[0]["period"] == periods[2]
    born = t.partitions[periods[2]].membership
    members = set(born.index[born == births.iloc[0]["community"]])
    assert len(members & set(range(80, 120))) >= 36 and len(members - set(range(80, 120))) <= 4
    later = t.events[t.events["period"] != periods[0]]
    assert set(later["event"]) <= {"birth", "continuation", "growth", "contraction"}
    assert t.events["dynamic_community"].max() == 2
    em = t.emerging()
    assert em.iloc[0]["event"] == "birth" and em.iloc[0]["period"] == periods[2]


def test_leiden_over_time_windows():
    df = planted_interactions()
    sliding = leiden_over_time(df, freq="QS", directed=False, window=2)
    cum = leiden_over_time(df, freq="QS", directed=False, window="cumulative")
    for t in (sliding, cum):
        births = t.events[t.events["event"] == "birth"]
        assert sorted(births["period"].dt.month.tolist()) == [1, 1, 7]
    assert "death" not in set(cum.events["event"])
    with pytest.raises(InputError, match="window"):
        leiden_over_time(df, window=0)
    with pytest.raises(InputError, match="freq"):
        leiden_over_time(df, freq="fortnightly")


def test_tracking_doctests():
    res = doctest.testmod(socialcrm._tracking)
    assert res.attempted > 0 and res.failed == 0


def test_leiden_over_time_reports_progress_per_period():
    import pandas as pd

    from socialcrm.community import leiden_over_time

    rows = [("a", "b", "2024-01-10"), ("b", "c", "2024-04-10"), ("c", "a", "2024-07-10")]
    df = pd.DataFrame(rows, columns=["source", "target", "timestamp"])
    calls = []
    leiden_over_time(df, freq="QS", min_size=1, progress=lambda d, t: calls.append((d, t)))
    assert calls[0] == (0, 3) and calls[-1] == (3, 3)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
