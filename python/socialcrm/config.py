"""Every parameter of :func:`socialcrm.analyze`, in one typed, serializable value.

A run saves its :class:`AnalysisConfig` beside its results as ``config.json``; loading that file
repeats the run exactly. JSON is read and checked by the Rust core (serde): missing fields take
their defaults, unknown fields and values outside their domain raise
:class:`~socialcrm.InputError` naming the field.

Examples
--------
>>> from socialcrm.config import AnalysisConfig
>>> cfg = AnalysisConfig.from_dict({"influence": {"damping": 0.9}, "seed": 7})
>>> cfg.influence.damping, cfg.seed, cfg.community.resolution
(0.9, 7, 1.0)
>>> AnalysisConfig.from_json(cfg.to_json()) == cfg
True
>>> AnalysisConfig.from_dict({"influence": {"dampign": 0.9}})  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
socialcrm.exceptions.InputError: configuration: unknown field `dampign`, expected one of ...
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

from . import _core
from .exceptions import InputTypeError

__all__ = [
    "AnalysisConfig",
    "CommunityConfig",
    "GraphConfig",
    "InfluenceConfig",
    "ReportConfig",
    "ValueConfig",
]


@dataclass(frozen=True)
class GraphConfig:
    """How the customer graph is built from the interactions.

    Attributes
    ----------
    directed : bool, default True
        Keep who reached whom; ``False`` treats every interaction as mutual.
    half_life : str or None, default None
        Half-life of the exponential time decay of interactions (``"90D"``); with it, the
        ``"decayed"`` weight counts an interaction :math:`\\Delta t` before the latest one as
        :math:`2^{-\\Delta t / h}`.
    weight : {"weight", "none", "decayed"}, default "weight"
        Edge weight of the measures: summed event weight, 1 per edge, or the decayed weight.
    """

    directed: bool = True
    half_life: str | None = None
    weight: str = "weight"


@dataclass(frozen=True)
class InfluenceConfig:
    """Influence measures and the advocate seed set.

    Attributes
    ----------
    damping : float, default 0.85
        PageRank damping factor.
    betweenness_epsilon, betweenness_delta : float, default 0.05, 0.1
        The sampled betweenness is within ``epsilon`` of the exact value for every customer
        with probability at least ``1 - delta``.
    advocates : int, default 10
        Size of the advocate seed set; 0 skips it.
    diffusion_model : {"ic", "lt"}, default "ic"
        Diffusion model of the advocate seed set (independent cascade or linear threshold).
    imm_epsilon : float, default 0.1
        IMM's approximation parameter: the seed set reaches at least
        :math:`(1 - 1/e - \\varepsilon)` of the best possible reach.
    """

    damping: float = 0.85
    betweenness_epsilon: float = 0.05
    betweenness_delta: float = 0.1
    advocates: int = 10
    diffusion_model: str = "ic"
    imm_epsilon: float = 0.1


@dataclass(frozen=True)
class CommunityConfig:
    """Community detection, tracking and profiles.

    Attributes
    ----------
    resolution : float, default 1.0
        Resolution :math:`\\gamma` of the Leiden objective; larger gives smaller communities.
    objective : {"modularity", "cpm"}, default "modularity"
    track_freq : str, default "QS"
        Window of the community tracking (a pandas offset alias: "MS", "QS", "YS", ...).
    track_threshold : float, default 0.3
        Least Jaccard overlap for a community to continue into the next window.
    membership_resolution : float, default 1.0
        Resolution of the segmentation by explicit memberships.
    top_members : int, default 5
        Members listed per community in the profile.
    """

    resolution: float = 1.0
    objective: str = "modularity"
    track_freq: str = "QS"
    track_threshold: float = 0.3
    membership_resolution: float = 1.0
    top_members: int = 5


@dataclass(frozen=True)
class ValueConfig:
    """Purchase value and co-created value.

    Attributes
    ----------
    rfm_freq : {"D", "W"}, default "W"
        Time unit of the purchase models.
    horizon : str, default "12M"
        Horizon of every value (CLV, CRV, CIV, CKV).
    discount_rate : float, default 0.01
        Discount rate per month.
    penalizer_coef : float, default 0.0
        L2 penalty of the BG/NBD and Gamma-Gamma fits.
    cost_per_contact : float, default 15.0
        Cost of one support contact, in the currency of the amounts.
    deflection_rate : float, default 0.5
        Share of peer-solved threads that would otherwise have become a support contact.
    value_per_implemented_idea : float, default 1000.0
        Value of one implemented idea when the ideas table has no ``value`` column.
    acquisition_cost : float, default 50.0
        Cost of acquiring one customer through paid channels, saved by each referral.
    influenced_share : float, default 0.2
        Share of a customer's CLV attributable to the influence of other customers.
    """

    rfm_freq: str = "W"
    horizon: str = "12M"
    discount_rate: float = 0.01
    penalizer_coef: float = 0.0
    cost_per_contact: float = 15.0
    deflection_rate: float = 0.5
    value_per_implemented_idea: float = 1000.0
    acquisition_cost: float = 50.0
    influenced_share: float = 0.2


@dataclass(frozen=True)
class ReportConfig:
    """The written report.

    Attributes
    ----------
    top_n : int, default 10
        Rows of the top-N tables (influencers, contributors, communities).
    """

    top_n: int = 10


@dataclass(frozen=True)
class AnalysisConfig:
    """Every parameter of :func:`socialcrm.analyze`, with documented defaults.

    Attributes
    ----------
    seed : int, default 0
        Seed of every randomized step; a run is reproducible from its configuration.
    n_threads : int or None, default None
        Worker threads of the core; None uses all cores.
    graph, influence, community, value, report
        The settings of each part: :class:`GraphConfig`, :class:`InfluenceConfig`,
        :class:`CommunityConfig`, :class:`ValueConfig`, :class:`ReportConfig`.
    """

    seed: int = 0
    n_threads: int | None = None
    graph: GraphConfig = field(default_factory=GraphConfig)
    influence: InfluenceConfig = field(default_factory=InfluenceConfig)
    community: CommunityConfig = field(default_factory=CommunityConfig)
    value: ValueConfig = field(default_factory=ValueConfig)
    report: ReportConfig = field(default_factory=ReportConfig)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> AnalysisConfig:
        """A configuration from a (possibly partial, nested) dict; missing fields take defaults."""
        return cls.from_json(json.dumps(values))

    @classmethod
    def from_json(cls, text: str) -> AnalysisConfig:
        """A configuration from JSON text, checked by the core."""
        checked = json.loads(_core.check_config(text))
        sections = {f.name: f.type for f in fields(cls)}
        kinds = {
            "graph": GraphConfig,
            "influence": InfluenceConfig,
            "community": CommunityConfig,
            "value": ValueConfig,
            "report": ReportConfig,
        }
        args = {
            name: kinds[name](**value) if name in kinds else value
            for name, value in checked.items()
            if name in sections
        }
        return cls(**args)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> AnalysisConfig:
        """Read a configuration saved with :meth:`save` (or written by hand)."""
        return cls.from_json(Path(path).read_text(encoding="utf-8"))

    def to_dict(self) -> dict[str, Any]:
        """The configuration as a nested dict."""
        return asdict(self)

    def to_json(self) -> str:
        """The configuration as JSON with every field present."""
        return json.dumps(self.to_dict(), indent=2)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`to_json` to ``path``; returns the path."""
        p = Path(path)
        p.write_text(self.to_json() + "\n", encoding="utf-8")
        return p

    def replace(self, **changes: Any) -> AnalysisConfig:
        """A copy with some settings changed.

        ``cfg.replace(seed=1, influence={"damping": 0.9})`` changes the seed and one influence
        setting and keeps the others.
        """
        merged = self.to_dict()
        for key, value in changes.items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = {**merged[key], **value}
            elif is_dataclass(value) and not isinstance(value, type):
                merged[key] = asdict(value)
            else:
                merged[key] = value
        return AnalysisConfig.from_dict(merged)


def as_config(
    value: AnalysisConfig | dict[str, Any] | str | os.PathLike[str] | None,
) -> AnalysisConfig:
    """An :class:`AnalysisConfig` from a config, a dict, a JSON file path, or None (defaults)."""
    if value is None:
        return AnalysisConfig()
    if isinstance(value, AnalysisConfig):
        return value
    if isinstance(value, dict):
        return AnalysisConfig.from_dict(value)
    if isinstance(value, (str, os.PathLike)):
        return AnalysisConfig.load(value)
    raise InputTypeError(
        "config must be an AnalysisConfig, a dict or a path to a JSON file, "
        f"got {type(value).__name__}"
    )
