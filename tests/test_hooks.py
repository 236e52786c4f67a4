"""One test per hook (a meta-test checks that every hookspec has one), via throwaway plugins."""

from __future__ import annotations

import inspect
import json
from dataclasses import dataclass

import typer
from typer.testing import CliRunner

import ruadapt
from ruadapt import hookspecs
from ruadapt.config import opt
from ruadapt.plugins import load_plugins
from ruadapt.registry import collect


@dataclass
class NoOptions:
    pass


@dataclass
class ScaleOptions:
    scale: float = opt(1.0, "multiplier")


def _registry(obj):
    return collect(load_plugins(entry_points=False, objects={"toy": obj}))


def test_hook_register_methods():
    class P:
        @ruadapt.hookimpl
        def register_methods(self, register):
            register(
                ruadapt.Method("toy-method", NoOptions, data_kind="chat", train=lambda r, c: None)
            )

    registry = _registry(P())
    assert registry.method("toy-method").data_kind == "chat"
    assert registry.registered_by("toy") == {"method": ["toy-method"]}


def test_hook_register_adapters():
    calls = []

    class P:
        @ruadapt.hookimpl
        def register_adapters(self, register):
            register(
                ruadapt.Adapter(
                    "toy-adapter",
                    ScaleOptions,
                    apply=lambda model, cfg, run: calls.append(cfg.scale) or model,
                )
            )

    adapter = _registry(P()).adapter("toy-adapter")
    assert adapter.apply("model", ScaleOptions(scale=2.0), None) == "model"
    assert calls == [2.0]


def test_hook_register_data_formats():
    fmt = ruadapt.DataFormat(
        "qa",
        kind="chat",
        detect=lambda cols: {"q", "a"} <= cols,
        convert=lambda r: [
            {
                "messages": [
                    {"role": "user", "content": r["q"]},
                    {"role": "assistant", "content": r["a"]},
                ]
            }
        ],
    )

    class P:
        @ruadapt.hookimpl
        def register_data_formats(self, register):
            register(fmt)

    registry = _registry(P())
    assert registry.data_formats["qa"] is fmt
    assert registry.data_formats["qa"].convert({"q": "Кто?", "a": "Я."})[0]["messages"][1] == {
        "role": "assistant",
        "content": "Я.",
    }


def test_hook_register_eval_tasks():
    class P:
        @ruadapt.hookimpl
        def register_eval_tasks(self, register):
            register(ruadapt.EvalTask("length", run=lambda ctx: {"ru": {"n": 1}, "en": {"n": 2}}))

    task = _registry(P()).eval_task("length")
    assert task.run(None) == {"ru": {"n": 1}, "en": {"n": 2}}


def test_hook_register_rewards():
    class P:
        @ruadapt.hookimpl
        def register_rewards(self, register):
            register(
                ruadapt.Reward("exclaim", score=lambda ps, cs: [float(c.count("!")) for c in cs])
            )

    reward = _registry(P()).reward("exclaim")
    assert reward.score(["a", "b"], ["hi!", "hi!!"]) == [1.0, 2.0]


def test_hook_register_commands():
    class P:
        @ruadapt.hookimpl
        def register_commands(self, app):
            @app.command("hello")
            def hello(name: str = "мир") -> None:
                typer.echo(f"привет, {name}")

    plugins = load_plugins(entry_points=False, objects={"toy": P()})
    app = typer.Typer()

    @app.command("noop")
    def noop() -> None:  # Typer needs two commands to build a group
        pass

    plugins.pm.hook.register_commands(app=app)
    result = CliRunner().invoke(app, ["hello", "--name", "Казань"])
    assert result.exit_code == 0 and result.output.strip() == "привет, Казань"


def test_wrong_record_type_is_that_plugins_failure_only():
    class P:
        @ruadapt.hookimpl
        def register_methods(self, register):
            register({"name": "not-a-method"})

    plugins = load_plugins(objects={"wrong": P()})
    registry = collect(plugins)  # does not raise: one bad plugin never locks the CLI
    assert "where a ruadapt.Method was expected" in plugins.failures["wrong"]
    assert "not-a-method" not in registry.methods and "sft" in registry.methods
    assert plugins.pm.get_plugin("wrong") is None


def _hookspecs():
    return [
        name
        for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
        if name.startswith("register_")
    ]


def test_every_hook_has_a_test():
    missing = [h for h in _hookspecs() if f"test_hook_{h}" not in globals()]
    assert not missing, f"hooks without a test_hook_<name>: {missing}"


def test_every_hook_is_documented_with_its_signature():
    from pathlib import Path

    docs = (Path(__file__).parent.parent / "docs" / "plugins.md").read_text(encoding="utf-8")
    for name in _hookspecs():
        args = inspect.signature(getattr(hookspecs, name)).parameters
        assert f"{name}({', '.join(args)})" in docs, f"docs/plugins.md lacks {name}"


def test_registering_imports_no_torch():
    import subprocess
    import sys

    code = (
        "import sys; from ruadapt.registry import collect; from ruadapt.plugins import "
        "load_plugins; collect(load_plugins()); "
        "print(json.dumps(sorted(m for m in ('torch','transformers','trl') if m in sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", "import json; " + code], capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
