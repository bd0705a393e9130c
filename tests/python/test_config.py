"""AnalysisConfig: defaults agree with the core, JSON round trip, checks by field name."""

from __future__ import annotations

import doctest
import json

import pytest

import socialcrm.config
from socialcrm import AnalysisConfig, InputError, _core
from socialcrm.config import as_config


def test_python_defaults_equal_the_core_defaults():
    assert AnalysisConfig().to_dict() == json.loads(_core.default_config())


def test_json_round_trip_and_file(tmp_path):
    cfg = AnalysisConfig().replace(seed=5, community={"resolution": 0.5}, n_threads=2)
    assert AnalysisConfig.from_json(cfg.to_json()) == cfg
    path = cfg.save(tmp_path / "cfg.json")
    assert AnalysisConfig.load(path) == cfg
    assert as_config(str(path)) == cfg and as_config(cfg.to_dict()) == cfg


def test_partial_dicts_keep_the_other_defaults():
    cfg = AnalysisConfig.from_dict({"value": {"discount_rate": 0.02}})
    assert cfg.value.discount_rate == 0.02
    assert cfg.value.horizon == "12M" and cfg.influence == AnalysisConfig().influence


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"influence": {"damping": 1.2}}, "influence.damping"),
        ({"influence": {"diffusion_model": "sir"}}, "influence.diffusion_model"),
        ({"community": {"objective": "entropy"}}, "community.objective"),
        ({"value": {"horizon": "twelve"}}, "value.horizon"),
        ({"value": {"rfm_freq": "M"}}, "value.rfm_freq"),
        ({"graph": {"half_life": "-3D"}}, "graph.half_life"),
        ({"n_threads": 0}, "n_threads"),
        ({"influence": {"dampng": 0.8}}, "dampng"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_values_name_the_field(values, field):
    with pytest.raises(InputError, match=field.replace(".", r"\.")):
        AnalysisConfig.from_dict(values)


def test_wrong_types_are_input_errors():
    with pytest.raises(InputError, match="invalid type"):
        AnalysisConfig.from_dict({"seed": "zero"})
    with pytest.raises(InputError):
        AnalysisConfig.from_json("{not json")
    with pytest.raises(TypeError):
        as_config(42)


def test_examples_run():
    result = doctest.testmod(socialcrm.config, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
