"""Config merging: defaults < method run_defaults < YAML < --set < flags, typed and checked."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import yaml

from ruadapt.config import coerce, opt, parse_set, resolve
from ruadapt.errors import UserError


@dataclass
class ToyConfig:
    beta: float = opt(0.1, "strength")
    loss_type: str = opt("sigmoid", "variant")
    layers: list[str] = opt(["q", "v"], "modules")
    use_dora: bool = opt(False, "switch")

    def __post_init__(self):
        if self.beta <= 0:
            raise UserError(f"beta must be > 0, got {self.beta}")


def test_merge_order_later_layers_win():
    cfg = resolve(
        "toy",
        ToyConfig,
        run_defaults={"learning_rate": 1e-3, "data": "ru-prefs"},
        yaml_values={"plugin": "toy", "learning_rate": 2e-3, "beta": 0.2, "seed": 7},
        set_values={"beta": "0.3", "batch_size": "2"},
        flags={"seed": 9, "model": None},
    )
    assert cfg.run.learning_rate == 2e-3  # yaml beats run_defaults
    assert cfg.run.data == "ru-prefs"  # run_defaults beat dataclass defaults
    assert cfg.method.beta == 0.3  # --set beats yaml
    assert cfg.run.batch_size == 2 and isinstance(cfg.run.batch_size, int)
    assert cfg.run.seed == 9  # flags beat everything; None flags are ignored
    assert cfg.run.model == "tiny"


def test_set_values_are_typed_by_field():
    cfg = resolve(
        "toy",
        ToyConfig,
        set_values={
            "use_dora": "true",
            "layers": "q,k,v",
            "max_samples": "none",
            "learning_rate": "1e-4",
        },
    )
    assert cfg.method.use_dora is True
    assert cfg.method.layers == ["q", "k", "v"]
    assert cfg.run.max_samples is None
    assert cfg.run.learning_rate == pytest.approx(1e-4)


@pytest.mark.parametrize(
    ("value", "tp"), [("abc", int), ("1.5", int), ("maybe", bool), ("x", float)]
)
def test_wrong_types_fail_naming_the_key(value, tp):
    with pytest.raises(UserError, match="option 'k': expected"):
        coerce("k", value, tp)


def test_unknown_key_suggests_the_closest():
    with pytest.raises(UserError) as err:
        resolve("toy", ToyConfig, set_values={"bta": "1"})
    assert "unknown --set key 'bta'" in str(err.value) and "did you mean 'beta'" in str(err.value)
    with pytest.raises(UserError, match="did you mean 'learning_rate'"):
        resolve("toy", ToyConfig, yaml_values={"learning_rat": 1})


def test_out_of_range_values_fail_before_any_model_loads():
    with pytest.raises(UserError, match="beta must be > 0"):
        resolve("toy", ToyConfig, set_values={"beta": "0"})
    with pytest.raises(UserError, match="batch_size must be >= 1"):
        resolve("toy", ToyConfig, set_values={"batch_size": "0"})
    with pytest.raises(UserError, match="exclude each other"):
        resolve("toy", ToyConfig, flags={"resume": True, "overwrite": True})


def test_parse_set_requires_key_value():
    assert parse_set(["a=1", "b=x=y"]) == {"a": "1", "b": "x=y"}
    with pytest.raises(UserError, match="expected key=value"):
        parse_set(["novalue"])


def test_resolved_config_round_trips_through_yaml():
    cfg = resolve("toy", ToyConfig, set_values={"beta": "0.5"}, flags={"output": "o"})
    data = yaml.safe_load(cfg.to_yaml())
    assert data["plugin"] == "toy" and data["beta"] == 0.5 and data["output"] == "o"
    again = resolve("toy", ToyConfig, yaml_values=data)
    assert again.to_dict() == cfg.to_dict()


def test_invalid_yaml_names_file_and_line(tmp_path):
    from ruadapt.config import load_yaml

    bad = tmp_path / "recipe.yaml"
    bad.write_text("beta: 0.1\nlearning_rate: [1, 2\n")
    with pytest.raises(UserError, match=r"recipe.yaml:\d+: invalid YAML"):
        load_yaml(bad)
    with pytest.raises(UserError, match="config file not found"):
        load_yaml(tmp_path / "missing.yaml")
