"""The example third-party package examples/ruadapt-orpo, "installed" as pip would leave it.

Nothing is pip-installed here: the package's module is put on a throwaway site directory
beside a ``dist-info`` built from its own pyproject.toml (entry points, version, requirements),
which is all ``importlib.metadata`` sees of a real install. CI also installs it for real
(``.ci/run``) and runs its own tests.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ruadapt.plugins import load_plugins
from ruadapt.registry import collect
from tests.helpers import EXAMPLE, activate, install_example, invoke

tomllib = pytest.importorskip("tomllib")


@pytest.fixture
def installed(tmp_path, monkeypatch) -> Path:
    info = install_example(tmp_path / "site")
    activate(monkeypatch, tmp_path / "site")
    return info


def test_example_declares_a_ruadapt_entry_point_and_supports_this_version(installed):
    plugins = load_plugins()
    registry = collect(plugins)
    assert registry.owners[("method", "orpo")] == "orpo"
    assert registry.methods["orpo"].data_kind == "preference"
    assert (plugins.origins["orpo"].distribution, plugins.origins["orpo"].version) == (
        "ruadapt-orpo",
        "0.1.0",
    )
    assert "orpo" not in plugins.failures and "orpo" not in plugins.warnings


def test_plugins_lists_it_and_uninstalling_removes_it(installed, capsys):
    code, out, err = invoke(["plugins", "--json", "--third-party"], capsys)
    assert code == 0, err
    (row,) = [p for p in json.loads(out)["plugins"] if p["name"] == "orpo"]
    assert row["registers"] == {"method": ["orpo"]} and row["origin"] == "entry-point"

    code, out, _ = invoke(["plugins", "info", "orpo"], capsys)
    assert code == 0 and "ruadapt-orpo" in out and "beta" in out

    shutil.rmtree(installed)  # what `pip uninstall ruadapt-orpo` leaves behind
    code, out, _ = invoke(["plugins", "--json"], capsys)
    assert "orpo" not in {p["name"] for p in json.loads(out)["plugins"]}
    code, _, err = invoke(["run", "--plugin", "orpo", "-o", "x"], capsys)
    assert code == 1 and "unknown method 'orpo'" in err and "Traceback" not in err


def test_run_plugin_orpo_on_preference_data(installed, tiny_model, tiny_data, tmp_path, capsys):
    out = tmp_path / "orpo"
    args = ["run", "--plugin", "orpo", "--model", tiny_model, "--data", tiny_data("preference")]
    code, _, err = invoke(
        [*args, "-o", str(out), "--max-steps", "2", "--beta", "0.2", "--set", "logging_steps=1"],
        capsys,
    )
    assert code == 0, err
    lines = [json.loads(x) for x in (out / "metrics.jsonl").read_text().splitlines() if x]
    steps = [x["step"] for x in lines if "loss" in x]
    assert steps and max(steps) == 2  # --max-steps respected
    assert all("nll_loss" in x and "log_odds_ratio" in x for x in lines if "loss" in x)
    assert "beta: 0.2" in (out / "config.yaml").read_text()
    summary = json.loads((out / "run.json").read_text())
    assert summary["status"] == "complete" and summary["plugin"] == "orpo"
    assert list(out.glob("*.safetensors"))


def test_bad_beta_is_one_line_error_before_any_model_loads(installed, capsys):
    code, _, err = invoke(["run", "--plugin", "orpo", "-o", "x", "--beta", "0"], capsys)
    assert code == 1
    assert "beta must be > 0" in err and "Traceback" not in err


def test_ecosystem_page_lists_every_builtin_plugin_and_the_example():
    root = EXAMPLE.parent.parent
    page = (root / "docs" / "ecosystem.md").read_text(encoding="utf-8")
    builtins = tomllib.loads((root / "pyproject.toml").read_text())["project"]["entry-points"]
    missing = [name for name in builtins["ruadapt"] if f"| `{name}` |" not in page]
    assert not missing, f"docs/ecosystem.md lacks built-in plugins {missing}"
    assert "| `ruadapt-orpo` | `orpo` |" in page
