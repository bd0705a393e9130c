"""String ids coded by the core from Arrow buffers agree with pandas' own numbering."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from socialcrm import Graph, _tables

WORDS = ["b", "a", "é", "", "Zoë", "a", "日本", "b", "ab", "a\x00b", "😀"]


def generic(columns):
    """Reference numbering: sorted union of the ids, by Python's own comparison."""
    nodes = sorted(set().union(*[set(c) for c in columns]))
    where = {x: i for i, x in enumerate(nodes)}
    return [np.array([where[x] for x in c], dtype=np.uint32) for c in columns], nodes


@pytest.mark.parametrize("dtype", [object, "str", "string[pyarrow]", pd.ArrowDtype(pa.string())])
def test_core_coding_matches_python_sort_order(dtype):
    s = pd.Series(WORDS, dtype=dtype)
    t = pd.Series([*WORDS[::-1], "zz"], dtype=dtype)
    fast = _tables._code_arrow_strings([s, t], None)
    assert fast is not None, "string columns take the core path"
    codes, nodes = fast
    want_codes, want_nodes = generic([list(s), list(t)])
    assert list(nodes) == want_nodes
    for got, want in zip(codes, want_codes, strict=True):
        np.testing.assert_array_equal(got, want)
        assert got.dtype == np.uint32


def test_sliced_and_chunked_arrow_columns():
    arr = pa.chunked_array([pa.array(["x", "y", "z"]), pa.array(["y", "w"])])
    sliced = pa.array(["q", "b", "c", "a"]).slice(1, 3)
    s = pd.Series(pd.arrays.ArrowExtensionArray(arr))
    t = pd.Series(pd.arrays.ArrowExtensionArray(pa.chunked_array([sliced])))
    extra = pd.Series(["m"], dtype="str")
    codes, nodes = _tables.code_ids([s, t], extra)
    assert list(nodes) == ["a", "b", "c", "m", "w", "x", "y", "z"]
    assert codes[0].tolist() == [5, 6, 7, 6, 4]
    assert codes[1].tolist() == [1, 2, 0]


def test_non_string_objects_take_the_generic_path():
    mixed = pd.Series(["a", 1, "b"], dtype=object)
    assert _tables._as_arrow_strings(mixed) is None
    codes, nodes = _tables.code_ids([mixed, pd.Series([1, 1, 1], dtype=object)])
    assert len(nodes) == 3
    assert codes[1].tolist() == [codes[0][1]] * 3


def test_graph_is_the_same_whatever_the_string_dtype():
    rng = np.random.default_rng(3)
    names = np.array([f"C{i}" for i in range(300)], dtype=object)
    df = pd.DataFrame(
        {"source": names[rng.integers(0, 300, 5000)], "target": names[rng.integers(0, 300, 5000)]}
    )
    frames = [df, df.astype("str"), df.astype("category")]
    tables = [Graph.from_pandas(f, self_loops="keep").to_pandas() for f in frames]
    for other in tables[1:]:
        pd.testing.assert_frame_equal(
            tables[0].astype({"source": object, "target": object}),
            other.astype({"source": object, "target": object}),
        )
