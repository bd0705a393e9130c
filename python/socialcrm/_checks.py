"""Checks of the keyword arguments the analyses share (threads, progress, seeds, counts)."""

from __future__ import annotations

import numbers
import secrets
from collections.abc import Callable
from typing import Any

from .exceptions import InputError, InputTypeError

Progress = Callable[[int, int], object]


def positive_int(name: str, value: Any) -> int:
    """``value`` as an int >= 1, or InputError naming the parameter."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise InputError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def flag(name: str, value: Any) -> bool:
    """``value`` as a bool, or InputTypeError naming the parameter."""
    if not isinstance(value, bool):
        raise InputTypeError(f"{name} must be True or False, got {value!r}")
    return value


def n_threads(value: Any) -> int | None:
    """A thread count (None: all threads)."""
    return None if value is None else positive_int("n_threads", value)


def progress(value: Any) -> Progress | None:
    """A ``progress(done, total)`` callable, or None."""
    if value is not None and not callable(value):
        raise InputTypeError(f"progress must be a callable progress(done, total), got {value!r}")
    return value


def seed(value: Any) -> int:
    """A seed in ``[0, 2**64)``; None draws a fresh one (reported by the caller)."""
    if value is None:
        return secrets.randbits(63)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not 0 <= value < 2**64:
        raise InputError(f"seed must be an integer in [0, 2**64) or None, got {value!r}")
    return int(value)
