"""Bad input to Graph.from_pandas, Graph.from_posts and the graph views.

Every error a user can cause must be an InputError whose message names the table, the column and
how many rows are wrong, and must also be the builtin type users catch (ValueError; TypeError
for wrong types; KeyError for missing columns and unknown ids).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import socialcrm._tables
from socialcrm import Graph
from socialcrm.exceptions import (
    DataQualityWarning,
    InputError,
    InputTypeError,
    MissingColumnError,
    SocialCrmError,
)


@pytest.fixture
def events() -> pd.DataFrame:
    """Six valid events; tests break one column at a time."""
    return pd.DataFrame(
        {
            "source": ["a", "b", "c", "d", "e", "f"],
            "target": ["b", "c", "d", "e", "f", "a"],
            "w": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
            "t": pd.to_datetime(
                ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05", "2024-01-06"]
            ),
            "k": ["reply", "share", "reply", "mention", "reply", "share"],
        }
    )


def _raises(builtin: type[Exception], match: str, func, *args, **kwargs) -> Exception:
    """Runs func; it must raise an InputError that is also ``builtin``, matching ``match``."""
    with pytest.raises(InputError, match=match) as info:
        func(*args, **kwargs)
    assert isinstance(info.value, builtin)
    assert isinstance(info.value, SocialCrmError)
    return info.value


# ---------------------------------------------------------------- columns and tables
def test_from_pandas_missing_column_keyerror(events):
    err = _raises(KeyError, r"no column 'weight'", Graph.from_pandas, events, weight="weight")
    assert isinstance(err, MissingColumnError)
    # The message lists the columns that exist, and is shown as written (not repr-quoted).
    assert "'source', 'target', 'w', 't', 'k'" in str(err)
    assert str(err).startswith("table 'interactions'")


def test_from_pandas_missing_columns_all_listed(events):
    _raises(
        KeyError,
        r"table 'interactions' has no column 'from', 'to'",
        Graph.from_pandas,
        events,
        source="from",
        target="to",
    )


@pytest.mark.parametrize("column", ["timestamp", "kind"])
def test_from_pandas_missing_optional_column_keyerror(events, column):
    _raises(KeyError, r"no column 'when'", Graph.from_pandas, events, **{column: "when"})


@pytest.mark.parametrize("library", ["polars", "pyarrow"])
def test_from_pandas_missing_column_other_libraries(events, library):
    df = events[["source", "target"]]
    table = pl.from_pandas(df) if library == "polars" else pa.Table.from_pandas(df)
    _raises(KeyError, r"no column 'w'", Graph.from_pandas, table, weight="w")


@pytest.mark.parametrize(
    "data",
    [
        {"source": ["a"], "target": ["b"]},
        [("a", "b")],
        np.array([["a", "b"]]),
        pd.Series(["a"]),
        None,
    ],
    ids=["dict", "list", "ndarray", "series", "none"],
)
def test_from_pandas_not_a_table_typeerror(data):
    err = _raises(
        TypeError,
        r"must be a pandas or polars DataFrame or a pyarrow Table",
        Graph.from_pandas,
        data,
    )
    assert isinstance(err, InputTypeError)
    assert type(data).__name__ in str(err)


# ---------------------------------------------------------------- ids
@pytest.mark.parametrize(("column", "rows"), [("source", [0, 3]), ("target", [1, 2, 5])])
def test_from_pandas_null_ids_counted(events, column, rows):
    events.loc[rows, column] = None
    _raises(
        ValueError,
        rf"column '{column}': {len(rows)} rows are null ids \(first at row {rows[0]}\)",
        Graph.from_pandas,
        events,
    )


@pytest.mark.parametrize("library", ["polars", "pyarrow"])
def test_from_pandas_null_ids_other_libraries(library):
    df = pd.DataFrame({"source": ["a", None, None], "target": ["b", "c", "d"]})
    table = pl.from_pandas(df) if library == "polars" else pa.Table.from_pandas(df)
    _raises(ValueError, r"column 'source': 2 rows are null ids", Graph.from_pandas, table)


def test_from_pandas_null_categorical_and_pyarrow_ids_counted():
    df = pd.DataFrame(
        {
            "source": pd.Categorical(["a", None, "b", None]),
            "target": pd.array(["b", "a", None, "a"], dtype="string[pyarrow]"),
        }
    )
    _raises(ValueError, r"column 'source': 2 rows are null ids", Graph.from_pandas, df)
    df["source"] = df["source"].cat.add_categories("z").fillna("z")
    _raises(ValueError, r"column 'target': 1 row", Graph.from_pandas, df)


def test_from_pandas_single_bad_row_message_grammar(events):
    events.loc[2, "source"] = None
    with pytest.raises(InputError) as info:
        Graph.from_pandas(events)
    assert "1 row are" not in str(info.value)


# ---------------------------------------------------------------- weights
@pytest.mark.parametrize(
    ("values", "what", "count", "first"),
    [
        ([1.0, np.nan, 3.0, np.nan, np.nan, 6.0], r"missing \(NaN\)", 3, 1),
        ([1.0, 2.0, np.inf, 4.0, -np.inf, 6.0], "infinite", 2, 2),
        ([1.0, 2.0, 3.0, -4.0, 5.0, -0.5], "negative", 2, 3),
    ],
    ids=["nan", "inf", "negative"],
)
def test_from_pandas_bad_weights_counted(events, values, what, count, first):
    events["w"] = values
    _raises(
        ValueError,
        rf"column 'w': {count} rows are {what} \(first at row {first}\)",
        Graph.from_pandas,
        events,
        weight="w",
    )


def test_from_pandas_nullable_weight_na_counted(events):
    events["w"] = pd.array([1, None, 3, None, 5, 6], dtype="Int64")
    _raises(ValueError, r"column 'w': 2 rows are missing", Graph.from_pandas, events, weight="w")
    events["w"] = pd.array([1.0, None, 3.0, 4.0, None, 6.0], dtype="Float64")
    _raises(ValueError, r"column 'w': 2 rows are missing", Graph.from_pandas, events, weight="w")


@pytest.mark.parametrize(
    "values",
    [
        ["1", "2", "3", "4", "5", "6"],
        [True, False, True, True, False, True],
        pd.Series([1.0, "x", 3.0, 4.0, 5.0, 6.0], dtype=object),
        pd.to_datetime(["2024-01-01"] * 6),
    ],
    ids=["str", "bool", "object", "datetime"],
)
def test_from_pandas_non_numeric_weight_typeerror(events, values):
    events["w"] = values
    err = _raises(
        TypeError, r"column 'w': weights must be numeric", Graph.from_pandas, events, weight="w"
    )
    assert isinstance(err, InputTypeError)


# ---------------------------------------------------------------- times
def test_from_pandas_unparsable_times_counted(events):
    events["t"] = ["2024-01-01", "nope", "2024-01-03", "2024-01-04", "never", "later"]
    _raises(
        ValueError,
        r"column 't': 3 rows cannot be parsed as times \(first at row 1: 'nope'\)",
        Graph.from_pandas,
        events,
        timestamp="t",
    )


def test_from_pandas_null_times_counted(events):
    events.loc[[2, 4], "t"] = pd.NaT
    _raises(ValueError, r"column 't': 2 rows are missing", Graph.from_pandas, events, timestamp="t")
    events["t"] = [None, "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05", "2024-01-06"]
    _raises(ValueError, r"column 't': 1 row", Graph.from_pandas, events, timestamp="t")


def test_from_pandas_mixed_naive_aware_times(events):
    events["t"] = [
        "2024-01-01",
        "2024-01-02T00:00:00+01:00",
        "2024-01-03",
        "2024-01-04T00:00:00Z",
        "2024-01-05",
        "2024-01-06",
    ]
    _raises(
        ValueError,
        r"column 't': mixes 2 rows with a time zone and 4 rows without \(first without at row 0\)",
        Graph.from_pandas,
        events,
        timestamp="t",
    )
    naive, aware = pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-02", tz="UTC")
    events["t"] = pd.Series([aware, naive, aware, aware, aware, aware], dtype=object)
    _raises(
        ValueError,
        r"column 't': mixes 5 rows with a time zone and 1 row without \(first without at row 1\)",
        Graph.from_pandas,
        events,
        timestamp="t",
    )


def test_from_pandas_mixed_utc_offsets(events):
    events["t"] = [f"2024-01-0{i}T00:00:00+0{1 + i % 2}:00" for i in range(1, 7)]
    _raises(
        ValueError,
        r"column 't': mixes 2 time zones or UTC offsets \(\+0100, \+0200\)",
        Graph.from_pandas,
        events,
        timestamp="t",
    )
    paris = pd.Timestamp("2024-01-01", tz="Europe/Paris")
    utc = pd.Timestamp("2024-01-02", tz="UTC")
    events["t"] = pd.Series([paris, utc, utc, paris, utc, utc], dtype=object)
    _raises(
        ValueError,
        r"column 't': mixes 2 time zones .*Europe/Paris, UTC",
        Graph.from_pandas,
        events,
        timestamp="t",
    )


@pytest.mark.parametrize("values", [[1, 2, 3, 4, 5, 6], [1.5e9] * 6], ids=["int", "float"])
def test_from_pandas_numeric_times_typeerror(events, values):
    events["t"] = values
    err = _raises(
        TypeError,
        r"column 't': holds numbers .*not times",
        Graph.from_pandas,
        events,
        timestamp="t",
    )
    assert "unit='s'" in str(err)


def test_from_pandas_half_life_without_timestamp(events):
    _raises(ValueError, r"half_life needs event times", Graph.from_pandas, events, half_life="90D")
    _raises(ValueError, r"as_of needs event times", Graph.from_pandas, events, as_of="2024-02-01")


@pytest.mark.parametrize(
    "half_life", ["-1D", "0D", 0, pd.Timedelta(days=-3)], ids=["neg-str", "zero-str", "zero", "neg"]
)
def test_from_pandas_non_positive_half_life(events, half_life):
    _raises(
        ValueError,
        r"half_life must be a positive duration",
        Graph.from_pandas,
        events,
        timestamp="t",
        half_life=half_life,
    )


def test_from_pandas_unparsable_half_life(events):
    _raises(
        ValueError,
        r"half_life must be a duration such as '90D', got 'soon'",
        Graph.from_pandas,
        events,
        timestamp="t",
        half_life="soon",
    )


def test_from_pandas_events_after_as_of_counted(events):
    _raises(
        ValueError,
        r"column 't': 3 rows are after as_of=2024-01-03 .*\(first at row 3\)",
        Graph.from_pandas,
        events,
        timestamp="t",
        half_life="7D",
        as_of="2024-01-03",
    )


def test_from_pandas_as_of_time_zone_mismatch(events):
    _raises(
        ValueError,
        r"as_of=.* must be naive, like the event times",
        Graph.from_pandas,
        events,
        timestamp="t",
        as_of=pd.Timestamp("2024-02-01", tz="UTC"),
    )
    events["t"] = events["t"].dt.tz_localize("Europe/Paris")
    _raises(
        ValueError,
        r"as_of='2024-02-01' must be in time zone Europe/Paris",
        Graph.from_pandas,
        events,
        timestamp="t",
        as_of="2024-02-01",
    )


def test_from_pandas_unparsable_as_of(events):
    _raises(
        ValueError,
        r"as_of must be a time, got 'whenever'",
        Graph.from_pandas,
        events,
        timestamp="t",
        as_of="whenever",
    )


# ---------------------------------------------------------------- kinds
def test_from_pandas_null_kinds_counted(events):
    events.loc[[1, 2, 5], "k"] = None
    _raises(
        ValueError,
        r"column 'k': 3 rows are missing \(first at row 1\)",
        Graph.from_pandas,
        events,
        kind="k",
    )


def test_from_pandas_more_than_64_kinds():
    df = pd.DataFrame(
        {"source": ["a"] * 70, "target": ["b"] * 70, "k": [f"k{i}" for i in range(70)]}
    )
    _raises(
        ValueError,
        r"column 'k': 70 distinct kinds exceed the limit of 64",
        Graph.from_pandas,
        df,
        kind="k",
    )


# ---------------------------------------------------------------- nodes
def test_from_pandas_duplicate_node_ids(events):
    _raises(
        ValueError,
        r"table 'nodes', column 'customer': 2 ids are duplicates \(first at row 2\)",
        Graph.from_pandas,
        events,
        nodes=["a", "z", "a", "y", "z"],
    )
    table = pd.DataFrame({"id": [1, 2, 2]})
    df = pd.DataFrame({"source": [1], "target": [2]})
    _raises(
        ValueError,
        r"table 'nodes', column 'id': 1 ids are duplicates",
        Graph.from_pandas,
        df,
        nodes=table,
        node_column="id",
    )


def test_from_pandas_null_node_ids(events):
    _raises(
        ValueError,
        r"table 'nodes', column 'customer': 2 rows are null ids \(first at row 1\)",
        Graph.from_pandas,
        events,
        nodes=["a", None, "z", None],
    )
    table = pl.DataFrame({"customer": ["a", None, None, None]})
    _raises(
        ValueError,
        r"column 'customer': 3 rows are null ids",
        Graph.from_pandas,
        events,
        nodes=table,
    )


def test_from_pandas_nodes_table_missing_column(events):
    _raises(
        KeyError,
        r"table 'nodes' has no column 'customer'; its columns are: 'id'",
        Graph.from_pandas,
        events,
        nodes=pd.DataFrame({"id": ["a"]}),
    )


def test_from_pandas_too_many_customers(events, monkeypatch):
    monkeypatch.setattr(socialcrm._tables, "MAX_NODES", 5)
    _raises(
        ValueError,
        r"6 distinct customers exceed the limit of 5",
        Graph.from_pandas,
        events,
    )
    # Customers only in nodes= count too.
    _raises(
        ValueError,
        r"7 distinct customers exceed the limit of 5",
        Graph.from_pandas,
        events.iloc[:2],
        nodes=["v", "w", "x", "y"],
    )
    assert Graph.from_pandas(events.iloc[:2], nodes=["a", "z"]).n_nodes == 4


# ---------------------------------------------------------------- options and views
def test_from_pandas_bad_self_loops(events):
    _raises(
        ValueError,
        r"self_loops must be 'drop' or 'keep', got 'maybe'",
        Graph.from_pandas,
        events,
        self_loops="maybe",
    )


def test_from_pandas_bad_n_threads(events):
    _raises(ValueError, r"n_threads", Graph.from_pandas, events, n_threads=0)


def test_subgraph_unknown_ids_keyerror(events):
    g = Graph.from_pandas(events)
    with pytest.raises(KeyError, match=r"3 ids are not customers of this graph: 'x', 'y', 'z'"):
        g.subgraph(["a", "x", "y", "b", "z"])
    with pytest.raises(KeyError, match=r"1 ids are not customers"):
        g.subgraph([1])


def test_to_undirected_bad_how(events):
    g = Graph.from_pandas(events)
    _raises(ValueError, r"how must be 'sum' or 'max', got 'mean'", g.to_undirected, how="mean")


def test_from_posts_bad_input():
    posts = pd.DataFrame(
        {"post_id": [1, 2, 2, 3], "author": ["a", "b", "c", "d"], "parent_id": [None, 1, 1, 1]}
    )
    kw = dict(post_type=None, created_at=None)
    _raises(
        ValueError,
        r"table 'posts', column 'post_id': 1 post ids are duplicates \(first at row 2\)",
        Graph.from_posts,
        posts,
        **kw,
    )
    posts["post_id"] = [1, None, None, 3]
    _raises(
        ValueError, r"column 'post_id': 2 rows are null post ids", Graph.from_posts, posts, **kw
    )
    _raises(
        ValueError,
        r"exactly one of parent_id .* or thread_id",
        Graph.from_posts,
        posts.assign(thread_id=1),
        thread_id="thread_id",
        **kw,
    )
    _raises(
        KeyError,
        r"table 'posts' has no column 'post_type', 'created_at'",
        Graph.from_posts,
        posts,
    )


# ---------------------------------------------------------------- nothing half-built, no mutation
def test_from_pandas_failure_returns_nothing_and_warns_nothing(events):
    # Self-loops that would be dropped (with a warning) plus an event after as_of: the call
    # fails before anything is built, so no warning is emitted and nothing is returned.
    events.loc[0, "target"] = "a"
    g = None
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        with pytest.raises(InputError):
            g = Graph.from_pandas(events, timestamp="t", as_of="2024-01-02")
    assert g is None
    assert record == []


def _rich_events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source": pd.Categorical(["a", "b", "a", "c"]),
            "target": pd.array(["b", "a", "a", "a"], dtype="string[pyarrow]"),
            "w": [1.0, 2.0, 3.0, 4.0],
            "t": pd.date_range("2024-01-01", periods=4, freq="D", tz="Europe/Paris"),
            "s": ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"],
            "k": ["x", "y", "x", "y"],
        },
        index=[9, 7, 7, 3],
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(weight="w", timestamp="t", kind="k", half_life="2D", self_loops="keep"),
        dict(weight="w", timestamp="s", kind="k", directed=False, self_loops="keep"),
        dict(weight="w", timestamp="t", as_of="2024-01-02"),  # fails: naive as_of
        dict(weight="w", timestamp="t", as_of=pd.Timestamp("2024-01-02", tz="UTC")),  # fails
        dict(weight="k"),  # fails: non-numeric
        dict(timestamp="w"),  # fails: numeric times
        dict(nodes=["a", "a"]),  # fails: duplicate nodes
    ],
)
def test_from_pandas_input_not_modified(kwargs):
    df = _rich_events()
    before = df.copy(deep=True)
    nodes = kwargs.get("nodes")
    nodes_before = list(nodes) if nodes is not None else None
    try:
        Graph.from_pandas(df, **kwargs)
    except InputError:
        pass
    pd.testing.assert_frame_equal(df, before)
    assert list(df.columns) == list(before.columns)
    assert nodes_before is None or list(nodes) == nodes_before


def test_from_pandas_input_not_modified_by_self_loop_drop():
    df = _rich_events()
    before = df.copy(deep=True)
    with pytest.warns(DataQualityWarning, match="1 self-loop rows"):
        Graph.from_pandas(df, weight="w", timestamp="t", kind="k")
    pd.testing.assert_frame_equal(df, before)


def test_from_posts_input_not_modified():
    posts = pd.DataFrame(
        {
            "post_id": [1, 2, 3, 4],
            "thread_id": [10, 10, 10, 20],
            "author": ["a", "b", "c", "d"],
            "created_at": pd.to_datetime(["2024-01-02", "2024-01-01", "2024-01-03", "2024-01-04"]),
        },
        index=[5, 5, 1, 0],
    )
    before = posts.copy(deep=True)
    g = Graph.from_posts(posts, parent_id=None, thread_id="thread_id", post_type=None)
    assert g.n_edges == 2
    pd.testing.assert_frame_equal(posts, before)
    posts_bad = posts.assign(post_id=[1, 1, 2, 3])
    before = posts_bad.copy(deep=True)
    with pytest.raises(InputError):
        Graph.from_posts(posts_bad, parent_id=None, thread_id="thread_id", post_type=None)
    pd.testing.assert_frame_equal(posts_bad, before)
