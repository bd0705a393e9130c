"""Exceptions raised by socialcrm.

Every error a user can cause is an :class:`InputError`, which is also a :class:`ValueError`;
wrong column types are also :class:`TypeError`, missing columns also :class:`KeyError`. Messages
name the table, the column, the problem and how many rows have it.
"""

from __future__ import annotations

__all__ = [
    "ConvergenceError",
    "DataQualityWarning",
    "InputError",
    "InputTypeError",
    "InternalError",
    "MissingColumnError",
    "ResourceError",
    "SocialCrmError",
    "UnknownIdError",
]


class SocialCrmError(Exception):
    """Base class of every socialcrm exception."""


class InputError(SocialCrmError, ValueError):
    """The input tables or parameters are not acceptable."""


class InputTypeError(InputError, TypeError):
    """A column or argument has the wrong type."""


class _PlainKeyError(KeyError):
    def __str__(self) -> str:
        # KeyError would show the repr of the message; show it as written.
        return str(self.args[0]) if self.args else ""


class MissingColumnError(InputError, _PlainKeyError):
    """A table lacks a column the call needs."""


class UnknownIdError(InputError, _PlainKeyError):
    """Ids that are not customers of the graph."""


class ResourceError(SocialCrmError, MemoryError):
    """The job needs more memory than the machine has; raised before any big allocation."""


class ConvergenceError(SocialCrmError, RuntimeError):
    """An iterative method did not reach its tolerance."""


class InternalError(SocialCrmError, RuntimeError):
    """A defect inside socialcrm; please report it with the message."""


class DataQualityWarning(UserWarning):
    """Rows were left out or repaired; the message says which table, column and how many."""
