"""The per-customer scorecard."""

from __future__ import annotations

import pandas as pd

from socialcrm import Graph
from socialcrm.scorecard import customer_scorecard


def test_customer_scorecard_every_customer_gets_a_row_with_attributes():
    g = Graph.from_pandas(pd.DataFrame({"source": ["a", "b"], "target": ["b", "a"]}))
    customers = pd.DataFrame({"customer": ["a", "c", "s"], "region": ["N", "S", "HQ"]})
    card = customer_scorecard(g, customers=customers, staff=["s"])
    assert sorted(card.index) == ["a", "b", "c", "s"]
    assert card.loc["c", ["in_degree", "ties"]].tolist() == [0, 0]
    assert card.loc["c", "in_strength"] == 0.0
    assert pd.isna(card.loc["c", "mean_tie_strength"])
    assert card["in_degree"].dtype == "int64"
    # Staff without interactions are still flagged.
    assert card["is_staff"].tolist() == [False, False, False, True]
    assert card.loc["a", "region"] == "N" and pd.isna(card.loc["b", "region"])
