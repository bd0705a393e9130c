"""Shared fixtures: the synthetic community and the public data sets beside the repository."""

from __future__ import annotations

from pathlib import Path

import pytest
from _shared import shared_dir

from socialcrm.datasets import synthetic_community

SHARED_DATA = shared_dir() or Path(__file__).resolve().parents[2].parent / "shared" / "data"


@pytest.fixture(scope="session")
def community():
    """The 2,000-customer synthetic community of the demo."""
    return synthetic_community(n_customers=2000, seed=0)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of public data sets; tests using it skip when it is absent (a user's clone)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"public data sets not found at {SHARED_DATA}")
    return SHARED_DATA
