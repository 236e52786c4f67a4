"""What may load as a plugin, and what happens when one misbehaves (issue 10's safety list).

Complements tests/test_plugins.py: only entry points of the ``ruadapt`` group and modules
named with ``--plugin-module`` load; ``RUADAPT_DISABLE_PLUGINS`` blocks any of them; a plugin
that raises while registering is reported and skipped as a whole.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import ruadapt
from ruadapt.plugins import load_plugins
from ruadapt.registry import collect
from tests.helpers import activate, fake_distribution, invoke

METHOD = """
from dataclasses import dataclass
import ruadapt

@dataclass
class Options:
    pass

@ruadapt.hookimpl
def register_methods(register):
    register(ruadapt.Method(name="{name}", config=Options, data_kind="text",
                            train=lambda run, config: None))
"""

HALF = """
import ruadapt
from thirdparty_method import Options

@ruadapt.hookimpl
def register_methods(register):
    register(ruadapt.Method(name="half-method", config=Options, data_kind="text",
                            train=lambda run, config: None))
    raise RuntimeError("registry unreachable")
"""


@dataclass
class NoOptions:
    pass


def test_plugin_raising_midway_leaves_nothing_registered():
    class Half:
        @ruadapt.hookimpl
        def register_methods(self, register):
            register(ruadapt.Method("half", NoOptions, data_kind="text", train=print))
            raise RuntimeError("boom")

        @ruadapt.hookimpl
        def register_rewards(self, register):
            register(ruadapt.Reward("half-reward", score=lambda prompts, outs: [0.0] * len(outs)))

    class Fine:
        @ruadapt.hookimpl
        def register_methods(self, register):
            register(ruadapt.Method("fine", NoOptions, data_kind="text", train=print))

    plugins = load_plugins(entry_points=False, objects={"half": Half(), "fine": Fine()})
    registry = collect(plugins)
    assert "register_methods raised RuntimeError: boom" in plugins.failures["half"]
    assert "half" not in registry.methods and "half-reward" not in registry.rewards
    assert registry.registered_by("half") == {}
    assert plugins.pm.get_plugin("half") is None and "half" not in plugins.origins
    assert "fine" in registry.methods


def test_cli_reports_a_raising_entry_point_and_keeps_working(tmp_path, monkeypatch, capsys):
    site = tmp_path / "site"
    fake_distribution(
        site,
        "ruadapt-method",
        "1.0",
        {"thirdparty_method": METHOD.format(name="good-method"), "thirdparty_half": HALF},
        {"good": "thirdparty_method", "half": "thirdparty_half"},
    )
    activate(monkeypatch, site)
    code, out, err = invoke(["plugins", "--json", "--third-party"], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert [p["name"] for p in data["plugins"]] == ["good"]
    (failure,) = [f for f in data["failed"] if f["name"] == "half"]
    assert "ruadapt-method 1.0" in failure["error"] and "registry unreachable" in failure["error"]
    code, _, err = invoke(["run", "--plugin", "half-method", "-o", "x"], capsys)
    assert code == 1 and "unknown method 'half-method'" in err and "Traceback" not in err


def test_only_the_ruadapt_entry_point_group_loads(tmp_path, monkeypatch):
    site = tmp_path / "site"
    fake_distribution(
        site, "other-tool", "1.0", {"thirdparty_other": METHOD.format(name="other")}, {}
    )
    info = site / "other_tool-1.0.dist-info" / "entry_points.txt"
    info.write_text("[other_tool]\nother = thirdparty_other\n")  # another program's group
    (site / "ruadapt_lookalike.py").write_text(METHOD.format(name="lookalike"))  # on sys.path
    activate(monkeypatch, site)
    plugins = load_plugins()
    methods = collect(plugins).methods
    assert "other" not in methods and "lookalike" not in methods
    assert not any(
        o.module in ("thirdparty_other", "ruadapt_lookalike") for o in plugins.origins.values()
    )
    # Named explicitly, the same module does load.
    assert "lookalike" in collect(load_plugins(modules=["ruadapt_lookalike"])).methods


def test_plugin_module_that_fails_to_import_is_reported(tmp_path, monkeypatch, capsys):
    (tmp_path / "thirdparty_crash.py").write_text("raise ImportError('needs libfoo')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    args = ["--plugin-module", "thirdparty_crash", "--plugin-module", "thirdparty_missing"]
    code, out, err = invoke([*args, "plugins", "--json"], capsys)
    assert code == 0, err
    failed = {f["name"]: f["error"] for f in json.loads(out)["failed"]}
    assert "ImportError: needs libfoo" in failed["thirdparty_crash"]
    assert "ModuleNotFoundError" in failed["thirdparty_missing"]
    assert "sft" in {p["name"] for p in json.loads(out)["plugins"]}  # the others still load


def test_disable_env_blocks_builtins_and_explicit_modules(tmp_path, monkeypatch):
    (tmp_path / "thirdparty_explicit.py").write_text(METHOD.format(name="explicit"))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("RUADAPT_DISABLE_PLUGINS", "simpo,thirdparty_explicit")
    plugins = load_plugins(modules=["thirdparty_explicit"])
    methods = collect(plugins).methods
    assert "simpo" not in methods and "explicit" not in methods
    assert "sft" in methods
    assert set(plugins.disabled) == {"simpo", "thirdparty_explicit"}
