"""Tests for socialcrm.Graph: construction, ids, time decay, kinds, views and forum posts.

The aggregation, degrees, to_undirected and subgraph are checked against networkx on seeded
random graphs; everything else against small hand-worked tables.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

from socialcrm import Graph
from socialcrm.exceptions import DataQualityWarning
from socialcrm.influence import degree

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
SEEDS = range(10)
BASE_COLUMNS = ["source", "target", "count", "weight"]


# ---------------------------------------------------------------- helpers
def _random_events(seed: int, *, weighted: bool) -> tuple[pd.DataFrame, list]:
    """Random events with repeated pairs, self-loops and zero weights, plus a node list with
    isolated customers. Even seeds use int ids, odd seeds str ids."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 25))
    m = int(rng.integers(0, 4 * n))
    labels = [int(x) for x in rng.permutation(10 * n)[: n + 3] * 3 + 1]
    if seed % 2:
        labels = [f"c{x}" for x in labels]
    src = rng.integers(0, n, m)
    dst = rng.integers(0, n, m)
    df = pd.DataFrame(
        {
            "source": pd.Series([labels[i] for i in src], dtype=object),
            "target": pd.Series([labels[i] for i in dst], dtype=object),
        }
    )
    if seed % 2 == 0:
        df = df.astype("int64")
    if weighted:
        # Multiples of 0.25: every sum is exact in float64, whatever the order.
        df["w"] = rng.integers(0, 9, m) * 0.25
    return df, labels  # labels[n:] are isolated customers


def _aggregate(df: pd.DataFrame, *, directed: bool, weighted: bool) -> dict:
    """{(u, v): [count, weight]}; undirected keys are sorted pairs."""
    agg: dict = defaultdict(lambda: [0, 0.0])
    weights = df["w"] if weighted else np.ones(len(df))
    for u, v, w in zip(df["source"], df["target"], weights, strict=True):
        key = (u, v) if directed else tuple(sorted((u, v)))
        agg[key][0] += 1
        agg[key][1] += float(w)
    return dict(agg)


def _nx_graph(nodes, agg: dict, *, directed: bool) -> nx.Graph:
    G = nx.DiGraph() if directed else nx.Graph()
    G.add_nodes_from(nodes)
    for (u, v), (c, w) in agg.items():
        G.add_edge(u, v, count=c, weight=w)
    return G


def _edges(g: Graph) -> dict:
    """{(u, v): (count, weight)} from to_pandas; undirected keys are sorted pairs."""
    e = g.to_pandas()
    out = {}
    for u, v, c, w in zip(e["source"], e["target"], e["count"], e["weight"], strict=True):
        key = (u, v) if g.directed else tuple(sorted((u, v)))
        assert key not in out, f"edge {key} listed twice"
        out[key] = (int(c), float(w))
    return out


def _nx_edges(G: nx.Graph) -> dict:
    out = {}
    for u, v, d in G.edges(data=True):
        key = (u, v) if G.is_directed() else tuple(sorted((u, v)))
        out[key] = (d["count"], d["weight"])
    return out


def _check_degree(g: Graph, G: nx.Graph, context: str) -> None:
    d = degree(g)
    assert d.index.equals(g.nodes), context
    if G.is_directed():
        expected = pd.DataFrame(
            {
                "in_degree": dict(G.in_degree()),
                "out_degree": dict(G.out_degree()),
                "in_strength": dict(G.in_degree(weight="weight")),
                "out_strength": dict(G.out_degree(weight="weight")),
            }
        )
    else:
        k, s = dict(G.degree()), dict(G.degree(weight="weight"))
        expected = pd.DataFrame(
            {"in_degree": k, "out_degree": k, "in_strength": s, "out_strength": s}
        )
    expected = expected.reindex(list(g.nodes)).astype(
        {"in_degree": "int64", "out_degree": "int64", "in_strength": float, "out_strength": float}
    )
    pd.testing.assert_frame_equal(d, expected, check_index_type=False, obj=context)


def _sorted_edges(g: Graph) -> pd.DataFrame:
    e = g.to_pandas()
    key = e["source"].astype(str) + "\x00" + e["target"].astype(str)
    return e.iloc[np.argsort(key.to_numpy(), kind="stable")].reset_index(drop=True)


# ---------------------------------------------------------------- networkx oracle
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("directed", [True, False], ids=["directed", "undirected"])
def test_from_pandas_matches_networkx(directed, weighted):
    for seed in SEEDS:
        df, labels = _random_events(seed, weighted=weighted)
        g = Graph.from_pandas(
            df,
            weight="w" if weighted else None,
            directed=directed,
            nodes=labels,
            self_loops="keep",
        )
        context = f"seed={seed}"
        agg = _aggregate(df, directed=directed, weighted=weighted)
        G = _nx_graph(labels, agg, directed=directed)
        assert g.directed is directed
        assert set(g.nodes) == set(G.nodes), context
        assert g.n_nodes == G.number_of_nodes() == len(labels), context
        assert g.n_edges == G.number_of_edges(), context
        assert _edges(g) == _nx_edges(G), context
        _check_degree(g, G, context)


@pytest.mark.parametrize("how", ["sum", "max"])
def test_to_undirected_matches_networkx(how):
    combine = {"sum": lambda a, b: a + b, "max": max}[how]
    for seed in SEEDS:
        df, labels = _random_events(seed, weighted=True)
        g = Graph.from_pandas(df, weight="w", nodes=labels, self_loops="keep")
        D = _nx_graph(labels, _aggregate(df, directed=True, weighted=True), directed=True)
        # Weights combined independently from the directed graph; a self-loop is its own reverse.
        expected: dict = {}
        for u, v, d in D.edges(data=True):
            key = tuple(sorted((u, v)))
            if key in expected:
                c, w = expected[key]
                expected[key] = (c + d["count"], combine(w, d["weight"]))
            else:
                expected[key] = (d["count"], d["weight"])
        U = D.to_undirected()
        assert set(expected) == {tuple(sorted(e)) for e in U.edges()}
        for (u, v), (c, w) in expected.items():
            U[u][v].update(count=c, weight=w)
        u_g = g.to_undirected(how)
        context = f"seed={seed}, how={how}"
        assert not u_g.directed
        assert u_g.nodes.equals(g.nodes), context
        assert _edges(u_g) == _nx_edges(U), context
        _check_degree(u_g, U, context)
        # Already undirected: nothing changes.
        assert _edges(u_g.to_undirected(how)) == _edges(u_g), context


@pytest.mark.parametrize("directed", [True, False], ids=["directed", "undirected"])
def test_subgraph_matches_networkx(directed):
    for seed in SEEDS:
        df, labels = _random_events(seed, weighted=True)
        g = Graph.from_pandas(df, weight="w", directed=directed, nodes=labels, self_loops="keep")
        G = _nx_graph(labels, _aggregate(df, directed=directed, weighted=True), directed=directed)
        rng = np.random.default_rng(1000 + seed)
        keep = [labels[i] for i in rng.permutation(len(labels))[: int(rng.integers(0, 12))]]
        s = g.subgraph(keep)
        S = G.subgraph(keep)
        context = f"seed={seed}"
        assert set(s.nodes) == set(S.nodes), context
        # Customers keep their relative order.
        assert list(s.nodes) == [x for x in g.nodes if x in set(keep)], context
        assert _edges(s) == _nx_edges(S), context
        _check_degree(s, S, context)


def test_subgraph_keeps_attributes_and_ignores_repeats():
    df = pd.DataFrame(
        {
            "source": ["a", "b", "c"],
            "target": ["b", "c", "a"],
            "k": ["x", "y", "x"],
            "t": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]),
        }
    )
    g = Graph.from_pandas(df, kind="k", timestamp="t", half_life="1D")
    s = g.subgraph(["c", "a", "c"])
    assert list(s.nodes) == ["a", "c"]
    assert s.kinds == g.kinds and s.as_of == g.as_of and s.half_life == g.half_life
    e = s.to_pandas()
    assert e[["source", "target", "kinds"]].values.tolist() == [["c", "a", "x"]]
    assert e["decayed_weight"].tolist() == [1.0]


# ---------------------------------------------------------------- ids
def _round_trip(df: pd.DataFrame, nodes=None) -> Graph:
    g = Graph.from_pandas(df, nodes=nodes)
    d = degree(g)
    assert d.index.equals(g.nodes)
    e = g.to_pandas()
    expected = set(zip(df["source"].tolist(), df["target"].tolist(), strict=True))
    assert set(zip(e["source"].tolist(), e["target"].tolist(), strict=True)) == expected
    wanted = set(df["source"].tolist()) | set(df["target"].tolist())
    if nodes is not None:
        wanted |= set(nodes)
    assert set(g.nodes.tolist()) == wanted
    return g


def test_from_pandas_int_ids_round_trip():
    df = pd.DataFrame({"source": [30, 10, 20], "target": [10, 20, 30]})
    g = _round_trip(df)
    assert g.nodes.tolist() == [10, 20, 30]
    assert pd.api.types.is_integer_dtype(g.nodes)
    assert pd.api.types.is_integer_dtype(g.to_pandas()["source"])


def test_from_pandas_str_ids_round_trip():
    df = pd.DataFrame({"source": ["zoe", "ann", "bob"], "target": ["ann", "bob", "zoe"]})
    g = _round_trip(df)
    assert g.nodes.tolist() == ["ann", "bob", "zoe"]
    assert degree(g).loc["zoe", "out_degree"] == 1


def test_from_pandas_categorical_ids_round_trip():
    df = pd.DataFrame(
        {
            "source": pd.Categorical(["b", "a", "c"], categories=["c", "b", "a", "unused"]),
            "target": pd.Categorical(["a", "c", "b"]),
        }
    )
    g = _round_trip(df)
    # Only ids that occur are customers, not unused categories.
    assert g.nodes.tolist() == ["a", "b", "c"]
    assert degree(g).loc["b", "out_degree"] == 1


def test_from_pandas_pyarrow_string_ids_round_trip():
    df = pd.DataFrame({"source": ["b", "a", "c"], "target": ["a", "c", "b"]}).astype(
        "string[pyarrow]"
    )
    g = _round_trip(df)
    assert g.nodes.tolist() == ["a", "b", "c"]
    expected = _round_trip(df.astype(object))
    pd.testing.assert_frame_equal(
        g.to_pandas().astype({"source": object, "target": object}),
        expected.to_pandas().astype({"source": object, "target": object}),
    )


def test_from_pandas_mixed_int_str_ids_round_trip():
    df = pd.DataFrame(
        {
            "source": pd.Series([1, "a", 2], dtype=object),
            "target": pd.Series(["a", 2, "b"], dtype=object),
        }
    )
    g = _round_trip(df, nodes=["zz", 5])
    assert len(g.nodes) == 6
    d = degree(g)
    assert d.loc[1, "out_degree"] == 1 and d.loc["a", "in_degree"] == 1
    assert d.loc[5].sum() == 0 and d.loc["zz"].sum() == 0
    # 1 and "1" stay distinct customers.
    g2 = Graph.from_pandas(
        pd.DataFrame({"source": pd.Series([1], dtype=object), "target": pd.Series(["1"])})
    )
    assert g2.n_nodes == 2 and g2.n_edges == 1


def test_from_pandas_ids_only_in_nodes():
    df = pd.DataFrame({"source": [3, 1], "target": [1, 2]})
    g = _round_trip(df, nodes=[10, 3, 0])
    assert g.nodes.tolist() == [0, 1, 2, 3, 10]
    d = degree(g)
    assert d.loc[[0, 10]].to_numpy().sum() == 0
    # nodes given as a customer table, polars and pyarrow too.
    table = pd.DataFrame({"customer": [10, 3, 0], "region": ["n", "s", "e"]})
    for nodes in (table, pl.from_pandas(table), pa.Table.from_pandas(table)):
        assert Graph.from_pandas(df, nodes=nodes).nodes.equals(g.nodes)
    by_id = table.rename(columns={"customer": "id"})
    assert Graph.from_pandas(df, nodes=by_id, node_column="id").nodes.equals(g.nodes)
    # Customers only in nodes= of an empty table.
    empty = Graph.from_pandas(df.iloc[:0], nodes=pd.Index(["x", "y"]))
    assert empty.nodes.tolist() == ["x", "y"] and empty.n_edges == 0


@pytest.mark.parametrize("kind", ["polars", "pyarrow"])
def test_from_pandas_nodes_as_other_library_series(kind):
    df = pd.DataFrame({"source": [3, 1], "target": [1, 2]})
    nodes = pl.Series("customer", [10, 3]) if kind == "polars" else pa.array([10, 3])
    assert Graph.from_pandas(df, nodes=nodes).nodes.tolist() == [1, 2, 3, 10]


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_from_pandas_row_order_does_not_matter(weighted):
    for seed in SEEDS[:4]:
        df, labels = _random_events(seed, weighted=weighted)
        rng = np.random.default_rng(seed)
        df["t"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 10**6, len(df)), "s")
        df["k"] = rng.choice(["reply", "share", "mention"], len(df))
        kwargs = dict(
            weight="w" if weighted else None,
            timestamp="t",
            kind="k",
            half_life="7D",
            self_loops="keep",
        )
        g = Graph.from_pandas(df, nodes=labels, **kwargs)
        shuffled = df.sample(frac=1.0, random_state=seed)
        h = Graph.from_pandas(shuffled, nodes=list(reversed(labels)), **kwargs)
        assert g.nodes.equals(h.nodes), f"seed={seed}"
        pd.testing.assert_frame_equal(_sorted_edges(g), _sorted_edges(h), obj=f"seed={seed}")


# ---------------------------------------------------------------- other frame libraries
def _typed_events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source": ["a", "b", "a", "c", "a"],
            "target": ["b", "a", "b", "a", "c"],
            "w": [1.0, 2.0, 0.5, 4.0, 3.0],
            "t": pd.to_datetime(
                ["2024-01-01", "2024-01-05", "2024-02-01", "2024-03-01", "2024-03-02"]
            ).tz_localize("UTC"),
            "k": ["reply", "share", "mention", "reply", "reply"],
            "extra": [1, 2, 3, 4, 5],
        }
    )


@pytest.mark.parametrize("library", ["polars", "pyarrow"])
def test_from_pandas_other_libraries_same_graph(library):
    df = _typed_events()
    other = pl.from_pandas(df) if library == "polars" else pa.Table.from_pandas(df)
    kwargs = dict(weight="w", timestamp="t", kind="k", half_life="30D", nodes=["z"])
    g = Graph.from_pandas(df, **kwargs)
    h = Graph.from_pandas(other, **kwargs)
    assert h.nodes.tolist() == g.nodes.tolist()
    assert (h.as_of, h.half_life, h.kinds) == (g.as_of, g.half_life, g.kinds)
    pd.testing.assert_frame_equal(
        h.to_pandas().astype({"source": object, "target": object}),
        g.to_pandas().astype({"source": object, "target": object}),
    )
    pd.testing.assert_frame_equal(degree(h), degree(g), check_index_type=False)


# ---------------------------------------------------------------- time
AS_OF = pd.Timestamp("2024-06-30 12:00")


def _decay_events(as_of: pd.Timestamp) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source": ["a", "a", "a"],
            "target": ["b", "b", "b"],
            "w": [1.0, 2.0, 4.0],
            "t": [as_of, as_of - pd.Timedelta("90D"), as_of - pd.Timedelta("180D")],
        }
    )


def test_from_pandas_decay_hand_worked():
    # 1 * 2**0 + 2 * 2**-1 + 4 * 2**-2 = 3
    g = Graph.from_pandas(_decay_events(AS_OF), weight="w", timestamp="t", half_life="90D")
    e = g.to_pandas()
    assert e["weight"].tolist() == [7.0]
    assert e["decayed_weight"].tolist() == [3.0]
    assert e["count"].tolist() == [3]
    # Default as_of is the latest event.
    assert g.as_of == AS_OF
    assert g.half_life == pd.Timedelta("90D")
    assert e["first_seen"].tolist() == [AS_OF - pd.Timedelta("180D")]
    assert e["last_seen"].tolist() == [AS_OF]


def test_from_pandas_decay_explicit_as_of_and_timedelta():
    # One more half-life later, every event counts half as much: 1.5.
    g = Graph.from_pandas(
        _decay_events(AS_OF),
        weight="w",
        timestamp="t",
        half_life=pd.Timedelta(days=90),
        as_of=AS_OF + pd.Timedelta("90D"),
    )
    assert g.as_of == AS_OF + pd.Timedelta("90D")
    assert g.to_pandas()["decayed_weight"].tolist() == [1.5]
    # Without weights every event weighs 1: 1 + 1/2 + 1/4.
    g = Graph.from_pandas(_decay_events(AS_OF), timestamp="t", half_life="90D")
    assert g.to_pandas()["decayed_weight"].tolist() == [1.75]


def test_from_pandas_decay_undirected_and_to_undirected():
    df = _decay_events(AS_OF)
    df.loc[1, ["source", "target"]] = ["b", "a"]
    u = Graph.from_pandas(df, weight="w", timestamp="t", half_life="90D", directed=False)
    assert u.to_pandas()["decayed_weight"].tolist() == [3.0]
    g = Graph.from_pandas(df, weight="w", timestamp="t", half_life="90D")
    assert g.to_undirected("sum").to_pandas()["decayed_weight"].tolist() == [3.0]
    # a->b decays to 1 + 1, b->a to 1.
    assert g.to_undirected("max").to_pandas()["decayed_weight"].tolist() == [2.0]
    assert g.to_undirected("max").to_pandas()["weight"].tolist() == [5.0]


def test_from_pandas_no_decay_without_half_life():
    g = Graph.from_pandas(_decay_events(AS_OF), weight="w", timestamp="t")
    e = g.to_pandas()
    assert "decayed_weight" not in e.columns
    assert g.half_life is None and g.as_of == AS_OF
    assert g.has_timestamps
    assert not Graph.from_pandas(_decay_events(AS_OF)).has_timestamps


@pytest.mark.parametrize("tz", ["UTC", "Europe/Paris", "America/New_York"])
def test_from_pandas_tz_aware_times(tz):
    as_of = AS_OF.tz_localize(tz)
    g = Graph.from_pandas(_decay_events(as_of), weight="w", timestamp="t", half_life="90D")
    e = g.to_pandas()
    # Durations are absolute: the 90-day steps cross DST changes and still decay exactly.
    assert e["decayed_weight"].tolist() == [3.0]
    assert g.as_of == as_of and str(g.as_of.tz) == tz
    for col in ("first_seen", "last_seen"):
        assert isinstance(e[col].dtype, pd.DatetimeTZDtype)
        assert str(e[col].dt.tz) == tz
    assert e["first_seen"].iloc[0] == as_of - pd.Timedelta("180D")
    assert e["last_seen"].iloc[0] == as_of
    # as_of in another zone is the same instant.
    h = Graph.from_pandas(
        _decay_events(as_of),
        weight="w",
        timestamp="t",
        half_life="90D",
        as_of=as_of.tz_convert("Asia/Tokyo"),
    )
    assert h.to_pandas()["decayed_weight"].tolist() == [3.0]


def test_from_pandas_dst_elapsed_time_is_real_time():
    # Local midnights on 2 Jan (+01:00) and 30 Jun (+02:00) in Paris are 180 days minus an hour
    # apart; the decay uses the real elapsed time.
    times = pd.DatetimeIndex(["2024-06-30", "2024-01-02"]).tz_localize("Europe/Paris")
    df = pd.DataFrame({"source": ["a", "a"], "target": ["b", "b"], "t": times})
    g = Graph.from_pandas(df, timestamp="t", half_life="90D")
    hours = (times[0] - times[1]) / pd.Timedelta("1h")
    assert hours == 180 * 24 - 1
    assert g.to_pandas()["decayed_weight"].iloc[0] == pytest.approx(1 + 2 ** (-hours / 2160))


def test_from_pandas_string_times_parsed():
    df = _decay_events(AS_OF)
    df["t"] = df["t"].dt.strftime("%Y-%m-%d %H:%M:%S")
    g = Graph.from_pandas(df, weight="w", timestamp="t", half_life="90D")
    e = g.to_pandas()
    assert e["decayed_weight"].tolist() == [3.0]
    assert g.as_of == AS_OF
    assert e["first_seen"].tolist() == [AS_OF - pd.Timedelta("180D")]
    # ISO strings with one UTC offset keep that offset.
    df["t"] = [
        "2024-06-30T00:00:00+02:00",
        "2024-04-01T00:00:00+02:00",
        "2024-01-02T00:00:00+02:00",
    ]
    e = Graph.from_pandas(df, timestamp="t").to_pandas()
    assert e["last_seen"].iloc[0] == pd.Timestamp("2024-06-29 22:00", tz="UTC")
    assert e["last_seen"].iloc[0].utcoffset() == pd.Timedelta("2h")


def test_from_pandas_iso_times_of_mixed_precision_parsed():
    df = pd.DataFrame(
        {
            "source": ["a", "a"],
            "target": ["b", "b"],
            "t": ["2016-08-02T15:39:14.947", "2016-08-03T09:00:00"],
        }
    )
    g = Graph.from_pandas(df, timestamp="t")
    assert g.as_of == pd.Timestamp("2016-08-03 09:00")
    assert g.to_pandas()["first_seen"].iloc[0] == pd.Timestamp("2016-08-02 15:39:14.947")


def test_from_pandas_times_any_resolution():
    df = _decay_events(AS_OF)
    for unit in ("s", "ms", "us", "ns"):
        df["t"] = df["t"].astype(f"datetime64[{unit}]")
        g = Graph.from_pandas(df, weight="w", timestamp="t", half_life="90D")
        assert g.to_pandas()["decayed_weight"].tolist() == [3.0], unit
        assert g.as_of == AS_OF, unit


# ---------------------------------------------------------------- kinds
def test_from_pandas_kinds_sorted_and_distinct():
    df = pd.DataFrame(
        {
            "source": ["a", "a", "a", "a", "b", "b"],
            "target": ["b", "b", "b", "b", "a", "c"],
            "k": ["share", "reply", "reply", "mention", "reply", "answer"],
        }
    )
    g = Graph.from_pandas(df, kind="k")
    assert g.kinds == ("answer", "mention", "reply", "share")
    e = g.to_pandas().set_index(["source", "target"])
    assert e.loc[("a", "b"), "kinds"] == "mention|reply|share"
    assert e.loc[("b", "a"), "kinds"] == "reply"
    assert e.loc[("b", "c"), "kinds"] == "answer"
    assert e.loc[("a", "b"), "count"] == 4
    u = g.to_undirected().to_pandas().set_index(["source", "target"])
    assert u.loc[("a", "b"), "kinds"] == "mention|reply|share"
    assert u.loc[("a", "b"), "count"] == 5
    assert "kinds" not in Graph.from_pandas(df).to_pandas().columns


def test_from_pandas_sixty_four_kinds_allowed():
    kinds = [f"k{i:02d}" for i in range(64)]
    df = pd.DataFrame({"source": ["a"] * 64, "target": ["b"] * 64, "k": kinds[::-1]})
    g = Graph.from_pandas(df, kind="k")
    assert g.kinds == tuple(kinds)
    assert g.to_pandas()["kinds"].iloc[0] == "|".join(kinds)


# ---------------------------------------------------------------- self-loops
def test_from_pandas_self_loops_dropped_with_warning():
    df = pd.DataFrame({"source": ["a", "a", "b", "b", "c"], "target": ["a", "b", "b", "b", "a"]})
    with pytest.warns(DataQualityWarning, match=r"3 self-loop rows") as record:
        g = Graph.from_pandas(df)
    assert len(record) == 1
    assert len(g.notes) == 1 and "3 self-loop rows" in g.notes[0]
    assert "interactions" in g.notes[0]
    assert set(_edges(g)) == {("a", "b"), ("c", "a")}
    # A customer seen only in self-loops is still a customer.
    assert set(g.nodes) == {"a", "b", "c"}
    assert g.summary()["self_loops"] == 0


def test_from_pandas_self_loops_kept_as_edges():
    df = pd.DataFrame({"source": ["a", "a", "b", "b", "c"], "target": ["a", "b", "b", "b", "a"]})
    g = Graph.from_pandas(df, self_loops="keep")
    assert g.notes == ()
    assert _edges(g) == {("a", "a"): (1, 1.0), ("a", "b"): (1, 1.0), ("b", "b"): (2, 2.0),
                         ("c", "a"): (1, 1.0)}  # fmt: skip
    assert g.summary()["self_loops"] == 2
    d = degree(g)
    # b: in from a and b, out to b; the self-loop counts once each way, as in networkx.
    assert d.loc["b"].tolist() == [2, 1, 3.0, 2.0]


def test_from_pandas_no_self_loops_no_warning_no_notes():
    g = Graph.from_pandas(pd.DataFrame({"source": ["a"], "target": ["b"]}))
    assert g.notes == ()


# ---------------------------------------------------------------- empty
def test_from_pandas_empty_frame_empty_graph():
    df = pd.DataFrame({"source": ["a"], "target": ["b"]}).iloc[:0]
    g = Graph.from_pandas(df)
    assert (g.n_nodes, g.n_edges, len(g)) == (0, 0, 0)
    e = g.to_pandas()
    assert e.empty and list(e.columns) == BASE_COLUMNS
    assert degree(g).empty
    s = g.summary()
    assert (s["customers"], s["edges"], s["isolated_customers"]) == (0, 0, 0)


def test_from_pandas_empty_frame_all_columns():
    df = _typed_events().iloc[:0]
    g = Graph.from_pandas(df, weight="w", timestamp="t", kind="k")
    e = g.to_pandas()
    assert e.empty
    assert list(e.columns) == [*BASE_COLUMNS, "first_seen", "last_seen", "kinds"]
    assert g.as_of is None
    cols = pd.DataFrame(columns=["source", "target", "t", "k"])  # object columns
    assert Graph.from_pandas(cols, timestamp="t", kind="k").n_nodes == 0


def test_from_pandas_empty_frame_explicit_as_of_has_decayed_weight():
    df = _typed_events().iloc[:0]
    g = Graph.from_pandas(df, timestamp="t", half_life="1D", as_of=AS_OF.tz_localize("UTC"))
    assert "decayed_weight" in g.to_pandas().columns


def test_from_pandas_empty_frame_with_half_life_has_decayed_weight():
    df = _typed_events().iloc[:0]
    g = Graph.from_pandas(df, weight="w", timestamp="t", kind="k", half_life="1D")
    assert g.half_life == pd.Timedelta("1D")
    assert list(g.to_pandas().columns) == [
        *BASE_COLUMNS,
        "decayed_weight",
        "first_seen",
        "last_seen",
        "kinds",
    ]


def test_from_pandas_empty_frame_with_nodes_isolated():
    df = pd.DataFrame({"source": [1], "target": [2]}).iloc[:0]
    g = Graph.from_pandas(df, nodes=[5, 3, 4])
    assert g.nodes.tolist() == [3, 4, 5]
    assert g.n_edges == 0
    assert degree(g).to_numpy().sum() == 0
    assert g.summary()["isolated_customers"] == 3


# ---------------------------------------------------------------- summary, memory
def test_summary_hand_made_graph():
    # a<->b reciprocated, b->c, c->a one way; d isolated. 2 of 4 edges have their reverse.
    df = pd.DataFrame(
        {"source": ["a", "b", "b", "c", "a"], "target": ["b", "a", "c", "a", "b"], "w": [1.0] * 5}
    )
    g = Graph.from_pandas(df, weight="w", nodes=["a", "b", "c", "d"])
    s = g.summary()
    assert s["customers"] == 4
    assert s["edges"] == 4
    assert s["isolated_customers"] == 1
    assert s["reciprocity"] == pytest.approx(0.5)
    assert s["interactions"] == 5
    assert s["total_weight"] == 5.0
    assert s["density"] == pytest.approx(4 / 12)
    assert s["directed"] is True
    u = g.to_undirected().summary()
    assert u["edges"] == 3 and "reciprocity" not in u.index
    assert u["density"] == pytest.approx(3 / 6)


def test_summary_reciprocity_against_networkx():
    for seed in SEEDS[:6]:
        df, labels = _random_events(seed, weighted=False)
        g = Graph.from_pandas(df, nodes=labels, self_loops="keep")
        if g.n_edges == 0:
            continue
        D = nx.DiGraph(_aggregate(df, directed=True, weighted=False).keys())
        D.remove_edges_from(list(nx.selfloop_edges(D)))
        if D.number_of_edges() == 0:
            continue
        assert g.summary()["reciprocity"] == pytest.approx(nx.reciprocity(D)), f"seed={seed}"


@pytest.mark.parametrize("directed", [True, False])
def test_summary_agrees_with_the_edge_table(directed):
    rng = np.random.default_rng(11)
    n = 400
    df = pd.DataFrame(
        {
            "source": rng.integers(0, 60, n),
            "target": rng.integers(0, 60, n),
            "w": rng.random(n),
            "t": pd.Timestamp("2024-01-01", tz="UTC")
            + pd.to_timedelta(rng.integers(0, 10**6, n), unit="s"),
        }
    )
    g = Graph.from_pandas(df, weight="w", timestamp="t", directed=directed, self_loops="keep")
    s, e = g.summary(), g.to_pandas()
    assert s["interactions"] == e["count"].sum() == n
    assert s["total_weight"] == pytest.approx(e["weight"].sum(), rel=1e-12)
    assert s["first_event"] == e["first_seen"].min() == df["t"].min()
    assert s["last_event"] == e["last_seen"].max() == df["t"].max()
    assert s["self_loops"] == int((e["source"] == e["target"]).sum())


def test_memory_bytes_positive_and_grows():
    small = Graph.from_pandas(pd.DataFrame({"source": [1], "target": [2]}))
    rng = np.random.default_rng(0)
    big = Graph.from_pandas(
        pd.DataFrame({"source": rng.integers(0, 100, 5000), "target": rng.integers(0, 100, 5000)}),
        self_loops="keep",
    )
    dense = Graph.from_pandas(
        pd.DataFrame(
            {"source": rng.integers(0, 100, 50_000), "target": rng.integers(0, 100, 50_000)}
        ),
        self_loops="keep",
    )
    assert small.memory_bytes() > 0
    assert big.n_edges < dense.n_edges
    assert small.memory_bytes() < big.memory_bytes() < dense.memory_bytes()
    assert big.summary()["memory_mb"] == round(big.memory_bytes() / 2**20, 3)


def test_graph_repr_and_len():
    g = Graph.from_pandas(pd.DataFrame({"source": ["a"], "target": ["b"]}), directed=False)
    assert repr(g) == "<socialcrm.Graph undirected: 2 customers, 1 edges>"
    assert len(g) == 2


@pytest.mark.parametrize("dtype", ["string[pyarrow]", "str"])
def test_from_pandas_arrow_strings_match_object_strings(dtype):
    rng = np.random.default_rng(11)
    names = np.array([f"c{i}" for i in rng.permutation(300)], dtype=object)
    df = pd.DataFrame(
        {
            "source": names[rng.integers(0, 250, 3000)],
            "target": names[rng.integers(50, 300, 3000)],
            "weight": rng.random(3000),
        }
    )
    df = df[df["source"] != df["target"]]
    extra = pd.Series(["zz_only_here", "c1"], dtype=object)
    plain = Graph.from_pandas(df, weight="weight", nodes=extra)
    fast = Graph.from_pandas(
        df.astype({"source": dtype, "target": dtype}),
        weight="weight",
        nodes=extra.astype(dtype),
    )
    assert list(fast.nodes) == list(plain.nodes) == sorted(plain.nodes)
    a, b = plain.to_pandas(), fast.to_pandas()
    assert a["source"].tolist() == b["source"].tolist()
    assert a["target"].tolist() == b["target"].tolist()
    np.testing.assert_array_equal(a["weight"].to_numpy(), b["weight"].to_numpy())
