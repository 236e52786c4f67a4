"""Plugin loading through the `ruadapt` entry-point group, as a third party's package would."""

from __future__ import annotations

import json
import sys

import pytest

import ruadapt
from ruadapt.errors import UserError
from ruadapt.plugins import load_plugins
from ruadapt.registry import collect
from tests.helpers import activate, fake_distribution, invoke

# A complete third-party method: it trains the LM head bias-free with plain torch for
# `max_steps` steps and logs the loss, so `ruadapt run --plugin echo-lm` exercises the contract.
GOOD = """
from dataclasses import dataclass
import ruadapt
from ruadapt.config import opt

@dataclass
class EchoConfig:
    lr: float = opt(0.01, "SGD learning rate")
    def __post_init__(self):
        if self.lr <= 0:
            raise ruadapt.UserError(f"lr must be > 0, got {self.lr}")

def train(run, config):
    import torch
    model, tok = run.model, run.tokenizer
    opt_ = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=config.lr)
    texts = [row["text"] for row in run.dataset]
    steps = run.options.max_steps if run.options.max_steps > 0 else 2
    for step in range(1, steps + 1):
        batch = tok(texts[step % len(texts)], return_tensors="pt")
        loss = model(**batch, labels=batch["input_ids"]).loss
        loss.backward(); opt_.step(); opt_.zero_grad()
        run.log({"loss": loss.item()}, step=step)

@ruadapt.hookimpl
def register_methods(register):
    register(ruadapt.Method(name="echo-lm", config=EchoConfig, data_kind="text", train=train,
                            summary="test method"))
"""

DUPLICATE = """
import ruadapt
from thirdparty_good import EchoConfig, train

@ruadapt.hookimpl
def register_methods(register):
    register(ruadapt.Method(name="echo-lm", config=EchoConfig, data_kind="text", train=train))
"""

BROKEN = "import module_that_does_not_exist\n"

TYPO = """
import ruadapt

@ruadapt.hookimpl
def register_method(register):  # typo: the hook is register_methods
    pass
"""


@pytest.fixture
def site(tmp_path, monkeypatch):
    root = tmp_path / "site"
    fake_distribution(
        root, "ruadapt-echo", "0.3", {"thirdparty_good": GOOD}, {"echo": "thirdparty_good"}
    )
    fake_distribution(
        root,
        "ruadapt-broken",
        "0.2",
        {"thirdparty_broken": BROKEN},
        {"broken": "thirdparty_broken"},
    )
    fake_distribution(
        root, "ruadapt-typo", "0.1", {"thirdparty_typo": TYPO}, {"typo": "thirdparty_typo"}
    )
    activate(monkeypatch, root)
    return root


def test_third_party_entry_point_loads_like_builtins(site):
    plugins = load_plugins()
    registry = collect(plugins)
    assert "echo-lm" in registry.methods
    assert registry.owners[("method", "echo-lm")] == "echo"
    assert plugins.origins["echo"].distribution == "ruadapt-echo"
    assert plugins.origins["echo"].version == "0.3"
    assert plugins.origins["sft"].builtin  # built-ins come through the same entry points


def test_broken_plugin_is_reported_and_others_still_load(site):
    plugins = load_plugins()
    assert "broken" in plugins.failures
    assert "ruadapt-broken 0.2" in plugins.failures["broken"]
    assert "ModuleNotFoundError" in plugins.failures["broken"]
    assert "echo-lm" in collect(plugins).methods


def test_hook_name_typo_is_reported_and_plugin_dropped(site):
    plugins = load_plugins()
    assert "typo" in plugins.failures
    assert "register_method" in plugins.failures["typo"]
    assert plugins.pm.get_plugin("typo") is None


def test_duplicate_method_name_fails_only_where_the_name_is_used(site, monkeypatch, capsys):
    fake_distribution(
        site, "ruadapt-dup", "0.4", {"thirdparty_dup": DUPLICATE}, {"dup": "thirdparty_dup"}
    )
    activate(monkeypatch, site)
    plugins = load_plugins()
    registry = collect(plugins)  # no error here: every other name still works
    assert "echo-lm" not in registry.methods and "sft" in registry.methods  # no silent winner
    with pytest.raises(UserError) as err:
        registry.method("echo-lm")
    message = str(err.value)
    assert "'echo-lm' is registered by both" in message
    assert "ruadapt-echo 0.3" in message and "ruadapt-dup 0.4" in message
    # recorded as the failure of the plugin that registered it second (entry points load by name)
    assert plugins.failures["echo"] == message and "dup" not in plugins.failures

    for args in (["--help"], ["plugins"], ["plugins", "info", "sft"]):
        code, _, err_ = invoke(args, capsys)
        assert code == 0, (args, err_)
    code, out, _ = invoke(["plugins", "--json"], capsys)
    assert {"name": "echo", "error": message} in json.loads(out)["failed"]
    code, _, err_ = invoke(["run", "--plugin", "echo-lm", "-o", "x"], capsys)
    assert code == 1 and "ruadapt-echo 0.3" in err_ and "ruadapt-dup 0.4" in err_
    assert "Traceback" not in err_
    for name in ("echo", "dup"):  # both loaded; each shows the contested name
        code, out, err_ = invoke(["plugins", "info", name], capsys)
        assert code == 0 and f"ruadapt-{name}" in out and "registered by both" in err_


def test_a_plugin_that_fails_to_import_says_so_where_it_is_used(site, capsys):
    code, _, err = invoke(["plugins", "info", "broken"], capsys)
    assert code == 1 and "Traceback" not in err
    assert "plugin 'broken' is installed but failed to load" in err
    assert "ruadapt-broken 0.2" in err and "No module named 'module_that_does_not_exist'" in err
    print(err.strip(), file=sys.__stderr__)  # the messages, for the record of the issue
    code, _, err = invoke(["run", "--plugin", "broken", "-o", "x"], capsys)
    assert code == 1 and "Traceback" not in err
    assert "method 'broken': plugin 'broken' is installed but failed to load" in err
    assert "ModuleNotFoundError" in err and "unknown method" not in err
    print(err.strip(), file=sys.__stderr__)


def test_disable_env_skips_named_plugins(site, monkeypatch):
    monkeypatch.setenv("RUADAPT_DISABLE_PLUGINS", "echo, broken")
    plugins = load_plugins()
    assert "echo" not in plugins.origins and "broken" not in plugins.failures
    assert "echo-lm" not in collect(plugins).methods


def test_plugin_raising_during_registration_is_skipped():
    class Exploding:
        @ruadapt.hookimpl
        def register_methods(self, register):
            raise RuntimeError("boom")

    plugins = load_plugins(entry_points=False, objects={"exploding": Exploding()})
    collect(plugins)
    assert "RuntimeError: boom" in plugins.failures["exploding"]


def test_plugins_command_lists_origin_version_and_failures(site, capsys):
    code, out, err = invoke(["plugins", "--json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    echo = next(p for p in data["plugins"] if p["name"] == "echo")
    assert echo["distribution"] == "ruadapt-echo" and echo["version"] == "0.3"
    assert echo["registers"] == {"method": ["echo-lm"]}
    assert echo["origin"] == "entry-point"
    assert {f["name"] for f in data["failed"]} >= {"broken", "typo"}


def test_third_party_method_runs_through_cli(site, tiny_model, tiny_data, tmp_path, capsys):
    out = tmp_path / "run"
    code, stdout, err = invoke(
        [
            "run",
            "--plugin",
            "echo-lm",
            "--model",
            tiny_model,
            "--data",
            tiny_data("text"),
            "-o",
            str(out),
            "--max-steps",
            "2",
            "--lr",
            "0.05",
        ],
        capsys,
    )
    assert code == 0, err
    lines = [json.loads(x) for x in (out / "metrics.jsonl").read_text().splitlines()]
    assert [x["step"] for x in lines] == [1, 2]
    assert "lr: 0.05" in (out / "config.yaml").read_text()
    assert json.loads((out / "run.json").read_text())["plugin"] == "echo-lm"


def test_unknown_plugin_lists_available(capsys):
    code, _, err = invoke(["run", "--plugin", "sfft", "-o", "x"], capsys)
    assert code == 1
    assert "unknown method 'sfft'" in err and "Did you mean 'sft'" in err and "Available:" in err
    assert "Traceback" not in err


def test_plugin_module_option_registers_a_module(site, capsys):
    # A module that no installed distribution declares: only loaded when named explicitly.
    (site / "thirdparty_plain.py").write_text(GOOD.replace('"echo-lm"', '"plain-lm"'))
    code, out, _ = invoke(["plugins", "--json"], capsys)
    assert "thirdparty_plain" not in out
    code, out, err = invoke(["--plugin-module", "thirdparty_plain", "plugins", "--json"], capsys)
    assert code == 0, err
    names = {p["name"]: p for p in json.loads(out)["plugins"]}
    assert names["thirdparty_plain"]["origin"] == "module"
    assert names["thirdparty_plain"]["registers"] == {"method": ["plain-lm"]}


def test_plugin_declaring_another_ruadapt_version_gets_a_warning(tmp_path, monkeypatch):
    root = tmp_path / "site2"
    fake_distribution(
        root,
        "ruadapt-old",
        "1.0",
        {"thirdparty_old": GOOD.replace('"echo-lm"', '"old-lm"')},
        {"old": "thirdparty_old"},
    )
    meta = root / "ruadapt_old-1.0.dist-info" / "METADATA"
    meta.write_text(meta.read_text() + "Requires-Dist: ruadapt<0.1\n")
    activate(monkeypatch, root)
    plugins = load_plugins()
    assert "declares ruadapt<0.1 but ruadapt 0.1.0 is installed" in plugins.warnings["old"]
    assert "old-lm" in collect(plugins).methods  # still usable: a warning, not a failure


def test_plugin_raising_in_register_commands_is_reported_not_fatal():
    import typer

    from ruadapt.registry import add_commands

    class Crashing:
        @ruadapt.hookimpl
        def register_commands(self, app):
            raise RuntimeError("no CLI today")

    class Fine:
        @ruadapt.hookimpl
        def register_commands(self, app):
            @app.command("fine")
            def fine() -> None:
                pass

    plugins = load_plugins(entry_points=False, objects={"crashing": Crashing(), "fine": Fine()})
    registry = collect(plugins)
    app = typer.Typer()
    add_commands(registry, app)
    assert "register_commands raised RuntimeError: no CLI today" in plugins.failures["crashing"]
    assert [c.name for c in app.registered_commands] == ["fine"]


def test_contract_check_catches_missing_step_zero_and_tokens_per_second(
    site, tiny_model, tiny_data, tmp_path
):
    """echo-lm logs only its loss from a hand-written loop: as a Trainer-based method it would
    miss the step-0 parameter line and tokens_per_second that run.callback() writes."""
    from ruadapt.testing import check_method_contract

    with pytest.raises(AssertionError, match="step-0 line with trainable_parameters"):
        check_method_contract("echo-lm", tiny_model, tiny_data("text"), tmp_path / "a")
    check_method_contract("echo-lm", tiny_model, tiny_data("text"), tmp_path / "b", own_loop=True)
