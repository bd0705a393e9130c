"""Progress of a multi-step analysis: one line per step, fed by the core's progress callbacks."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

Callback = Callable[[int, int], object]


def _in_notebook() -> bool:
    shell = sys.modules.get("IPython")
    get = getattr(shell, "get_ipython", None) if shell else None
    ip = get() if get else None
    return ip is not None and type(ip).__name__ == "ZMQInteractiveShell"


def wanted(show: bool | None) -> bool:
    """Whether to draw bars: True/False as given; None draws in terminals and notebooks."""
    if show is not None:
        return bool(show)
    return _in_notebook() or bool(getattr(sys.stderr, "isatty", lambda: False)())


class Steps:
    """Reports the steps of an analysis with tqdm bars (or not at all) and times each step.

    ``with steps.step("influence") as report:`` gives a ``report(done, total)`` callable to pass
    as ``progress=`` to a core function; the core calls it from the Python thread at most a few
    times a second, so a bar costs nothing measurable.
    """

    def __init__(self, names: list[str], show: bool | None = None) -> None:
        self.names = names
        self.show = wanted(show)
        self.seconds: dict[str, float] = {}
        self._done = 0

    @contextmanager
    def step(self, name: str) -> Iterator[Callback]:
        start = time.perf_counter()
        bar: Any = None
        if self.show:
            from tqdm.auto import tqdm

            self._done += 1
            label = f"[{self._done}/{len(self.names)}] {name}"
            bar = tqdm(total=1, desc=label, leave=True, dynamic_ncols=True, file=sys.stderr)

        def report(done: int, total: int) -> None:
            if bar is not None:
                if bar.total != max(total, 1):
                    bar.total = max(total, 1)
                bar.n = min(done, bar.total)
                bar.refresh()

        try:
            yield report
            if bar is not None:
                bar.n = bar.total
                bar.refresh()
        finally:
            if bar is not None:
                bar.close()
            self.seconds[name] = round(time.perf_counter() - start, 3)
