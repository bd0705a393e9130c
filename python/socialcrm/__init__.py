"""socialcrm: Social CRM analytics from a company's customer tables.

Customers get much of their value from their relationships with each other. socialcrm measures
those relationships: the customer graph (:class:`Graph`), tie strength (:mod:`socialcrm.ties`),
influence (:mod:`socialcrm.influence`), and a per-customer scorecard
(:mod:`socialcrm.scorecard`), with a built-in synthetic community (:mod:`socialcrm.datasets`).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from . import (
    analysis,
    community,
    config,
    datasets,
    exceptions,
    influence,
    io,
    scorecard,
    ties,
    value,
)
from .analysis import Scorecard, analyze
from .config import AnalysisConfig
from .exceptions import (
    ConvergenceError,
    DataQualityWarning,
    InputError,
    InternalError,
    ResourceError,
    SocialCrmError,
)
from .graph import Graph

try:
    __version__ = version("socialcrm")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "AnalysisConfig",
    "ConvergenceError",
    "DataQualityWarning",
    "Graph",
    "InputError",
    "InternalError",
    "ResourceError",
    "Scorecard",
    "SocialCrmError",
    "__version__",
    "analysis",
    "analyze",
    "community",
    "config",
    "datasets",
    "exceptions",
    "influence",
    "io",
    "scorecard",
    "ties",
    "value",
]
