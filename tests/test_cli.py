"""Every command's --help works; user errors are one line with a non-zero exit."""

from __future__ import annotations

import typer.main

from ruadapt.cli import build_app
from tests.helpers import invoke


def _commands(group, prefix=()):
    for name, cmd in getattr(group, "commands", {}).items():
        yield (*prefix, name)
        yield from _commands(cmd, (*prefix, name))


def test_every_command_has_working_help(capsys):
    click_app = typer.main.get_command(build_app())
    paths = list(_commands(click_app))
    assert ("run",) in paths and ("plugins",) in paths and ("tiny-model",) in paths
    for path in paths:
        code, out, err = invoke([*path, "--help"], capsys)
        assert code == 0, (path, err)
        assert "Usage" in out


def test_version(capsys):
    code, out, _ = invoke(["--version"], capsys)
    assert code == 0 and out.startswith("ruadapt ")


def test_help_config_prints_method_and_run_options(capsys):
    code, out, err = invoke(["run", "--plugin", "sft", "--help-config"], capsys)
    assert code == 0, err
    assert "assistant_only_loss" in out and "learning_rate" in out and "max_steps" in out


def test_method_selects_the_method_and_plugin_is_its_alias(capsys):
    code, out, err = invoke(["run", "--method", "dpo", "--help-config"], capsys)
    assert code == 0, err
    assert out.startswith("dpo: ") and "keeps a frozen reference model" in out
    code, alias, _ = invoke(["run", "--plugin", "dpo", "--help-config"], capsys)
    assert code == 0 and alias == out
    code, sft, _ = invoke(["run", "--method", "sft", "--help-config"], capsys)
    assert code == 0 and "reference model" not in sft.splitlines()[0]


def test_unknown_option_gets_a_suggestion_and_no_traceback(capsys, tmp_path):
    code, _, err = invoke(
        ["run", "--plugin", "sft", "-o", str(tmp_path / "o"), "--set", "packng=true"], capsys
    )
    assert code == 1
    assert "did you mean 'packing'" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_missing_model_path_is_named(capsys, tmp_path):
    code, _, err = invoke(
        ["run", "--plugin", "sft", "--model", str(tmp_path / "nope"), "-o", str(tmp_path / "o")],
        capsys,
    )
    assert code == 1 and f"model path {tmp_path / 'nope'} does not exist" in err
