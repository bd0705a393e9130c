"""Helpers the test modules share: the public data sets and the lifetimes oracle."""

from __future__ import annotations

import _thread
import signal
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def ctrl_c(after: float, every: float = 0.25) -> Iterator[None]:
    """Presses Ctrl-C for the main thread ``after`` seconds into the block, and again every
    ``every`` seconds until the block ends.

    Python swallows a KeyboardInterrupt that lands in a finalizer or a weakref callback
    ("Exception ignored in ..."), so a single simulated press can be lost through no fault of the
    code under test; a user would press again, and so does this helper. Ctrl-C is handled as in
    an interactive session even when the tests run in a background job (which starts with SIGINT
    ignored, so Python installs no handler).
    """
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    stop = threading.Event()

    def press() -> None:
        if stop.wait(after):
            return
        while True:
            _thread.interrupt_main()
            if stop.wait(every):
                return

    presser = threading.Thread(target=press, daemon=True)
    presser.start()
    try:
        yield
    finally:
        stop.set()
        presser.join()
        try:  # a press sent while the block was ending fires here, not in the next test
            time.sleep(0.01)
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGINT, previous)
