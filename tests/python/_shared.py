"""Helpers the test modules share: the public data sets and the lifetimes oracle."""

from __future__ import annotations

import warnings
from pathlib import Path
from types import ModuleType

import pytest


def shared_dir() -> Path | None:
    """The nearest ``shared/data`` folder above the tests (the public data sets), or None."""
    for parent in Path(__file__).resolve().parents:
        if (parent / "shared" / "data").is_dir():
            return parent / "shared" / "data"
    return None


def shared_file(name: str) -> Path:
    """A public data file, read in place (never copied); skips the test when it is absent."""
    folder = shared_dir()
    if folder is None or not (folder / name).is_file():
        pytest.skip(f"public data file {name} not found in a shared/data folder above the tests")
    return folder / name


def lifetimes() -> ModuleType:
    """The lifetimes package, without its deprecation warnings."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import lifetimes as module
        import lifetimes.utils
    return module
