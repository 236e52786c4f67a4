"""Every shipped recipe parses, references earlier stages only, and uses known options."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from ruadapt.pipeline import load_recipe, plan
from ruadapt.plugins import load_plugins
from ruadapt.registry import collect
from ruadapt.runner import configure
from tests.helpers import activate, install_example

ROOT = Path(__file__).parent.parent
RECIPES = sorted((ROOT / "examples" / "recipes").glob("*.yaml")) + [
    Path(str(resources.files("ruadapt").joinpath("recipes", "demo.yaml")))
]


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    # the leaderboard recipes use orpo, the example third-party plugin: installed as a user would
    root = tmp_path_factory.mktemp("site")
    install_example(root)
    with pytest.MonkeyPatch.context() as mp:
        activate(mp, root)
        return collect(load_plugins())


@pytest.mark.parametrize("path", RECIPES, ids=lambda p: p.name)
def test_recipe_is_valid(path, registry):
    recipe = load_recipe(path)
    assert path.read_text().startswith("#"), "a recipe starts with a comment giving its command"
    for stage, options, _, out in plan(recipe):
        assert out.parent == recipe.output
        if stage.method:
            missing = [k for k in ("output",) if k in options]
            assert not missing
            # configure() raises on an unknown key or a bad value, exactly as a run would
            configure(stage.method, registry, sets=options, output=str(out))
