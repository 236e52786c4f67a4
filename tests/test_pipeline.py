"""Recipes: stages feed each other, finished unchanged stages are skipped, --from reruns."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
import yaml

import ruadapt
from ruadapt.config import opt
from ruadapt.errors import UserError
from ruadapt.pipeline import load_recipe, parse_overrides, plan, run_pipeline
from ruadapt.plugins import load_plugins
from ruadapt.registry import collect

CALLS: list[tuple[str, str]] = []


@dataclass
class NoteConfig:
    note: str = opt("", "anything; changes the stage hash")


def _train(run, config):
    CALLS.append((run.output_dir.name, run.options.model))
    run.log({"loss": 1.0}, step=1)


class NotePlugin:
    @ruadapt.hookimpl
    def register_methods(self, register):
        register(ruadapt.Method("note", NoteConfig, data_kind="text", train=_train))


@pytest.fixture
def registry():
    return collect(load_plugins(entry_points=False, objects={"note": NotePlugin()}))


@pytest.fixture
def recipe(tmp_path, tiny_model, tiny_data):
    CALLS.clear()
    path = tmp_path / "recipe.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "model": tiny_model,
                "output": str(tmp_path / "runs"),
                "defaults": {"data": tiny_data("text")},
                "stages": [
                    {"name": "a", "plugin": "note"},
                    {"name": "b", "plugin": "note", "note": "first"},
                    {"name": "c", "plugin": "note", "model": "@a"},
                ],
            }
        )
    )
    return path


def test_stages_chain_and_rerun_skips_finished(recipe, registry, tiny_model, tmp_path):
    lines = []
    run_pipeline(recipe, registry=registry, echo=lines.append)
    runs = tmp_path / "runs"
    assert CALLS == [("a", tiny_model), ("b", str(runs / "a")), ("c", str(runs / "a"))]
    state = json.loads((runs / "pipeline.json").read_text())
    assert set(state["stages"]) == {"a", "b", "c"}
    CALLS.clear()
    lines.clear()
    run_pipeline(recipe, registry=registry, echo=lines.append)
    assert CALLS == []
    assert sum("skipped" in line for line in lines) == 3


def test_changed_stage_reruns_with_its_dependents_only(recipe, registry, tmp_path):
    run_pipeline(recipe, registry=registry, echo=lambda _: None)
    CALLS.clear()
    run_pipeline(
        recipe, registry=registry, overrides={"b": {"note": "second"}}, echo=lambda _: None
    )
    assert [name for name, _ in CALLS] == ["b"]  # c reads @a, not b
    CALLS.clear()
    run_pipeline(recipe, registry=registry, overrides={"a": {"note": "x"}}, echo=lambda _: None)
    assert [name for name, _ in CALLS] == ["a", "b", "c"]


def test_from_reruns_that_stage_and_the_rest(recipe, registry):
    run_pipeline(recipe, registry=registry, echo=lambda _: None)
    CALLS.clear()
    run_pipeline(recipe, registry=registry, start_from="b", echo=lambda _: None)
    assert [name for name, _ in CALLS] == ["b", "c"]
    with pytest.raises(UserError, match="no such stage"):
        run_pipeline(recipe, registry=registry, start_from="zzz")


def test_incomplete_stage_is_not_skipped(recipe, registry, tmp_path):
    run_pipeline(recipe, registry=registry, echo=lambda _: None)
    (tmp_path / "runs" / "b" / "run.json").unlink()  # as if b crashed before finishing
    CALLS.clear()
    run_pipeline(recipe, registry=registry, echo=lambda _: None)
    assert [name for name, _ in CALLS] == ["b"]


@pytest.mark.parametrize(
    ("stages", "message"),
    [
        ([{"plugin": "note"}], "needs a 'name'"),
        ([{"name": "a"}], "exactly one of 'method' or 'step'"),
        ([{"name": "a", "method": "note", "plugin": "note"}], "not both"),
        ([{"name": "a", "step": "nope"}], "unknown step 'nope'"),
        ([{"name": "a", "plugin": "note"}, {"name": "a", "plugin": "note"}], "unique"),
        ([{"name": "a", "plugin": "note", "model": "@later"}], "not an earlier stage"),
    ],
)
def test_bad_recipes_name_file_and_stage(tmp_path, stages, message):
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump({"output": str(tmp_path / "o"), "stages": stages}))
    with pytest.raises(UserError, match=message):
        plan(load_recipe(path))


def test_method_and_its_alias_plugin_plan_the_same_stages(recipe):
    """``method:`` is the stage key, ``plugin:`` (the fixture's) an alias: same plan, same
    hashes, so a recipe edited from one to the other reruns nothing."""
    before = plan(load_recipe(recipe))
    recipe.write_text(recipe.read_text().replace("plugin:", "method:"))
    after = plan(load_recipe(recipe))
    assert [(s.method, h) for s, _, h, _ in after] == [(s.method, h) for s, _, h, _ in before]
    assert [s.method for s, *_ in after] == ["note", "note", "note"]


def test_unknown_plugin_fails_before_any_stage_runs(recipe, registry, tmp_path):
    data = yaml.safe_load(recipe.read_text())
    data["stages"].append({"name": "d", "plugin": "nosuch"})
    recipe.write_text(yaml.safe_dump(data))
    CALLS.clear()
    with pytest.raises(UserError, match="unknown method 'nosuch'"):
        run_pipeline(recipe, registry=registry)
    assert CALLS == []


def test_parse_overrides():
    assert parse_overrides(["sft.max_steps=5"]) == {"sft": {"max_steps": "5"}}
    with pytest.raises(UserError):
        parse_overrides(["max_steps=5"])
