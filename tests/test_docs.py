"""Documentation that is generated or checked against the code."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_cli_reference_is_up_to_date():
    from ruadapt.cli._docs import generate

    current = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == generate(), "docs/cli.md is stale: python -m ruadapt.cli._docs > docs/cli.md"


def test_readme_has_exactly_two_setup_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = readme.split("## Set up", 1)[1].split("\n## ", 1)[0]
    block = setup.split("```bash", 1)[1].split("```", 1)[0]
    commands = [line for line in block.splitlines() if line.strip() and not line.startswith("#")]
    assert len(commands) == 2
    assert commands[0].endswith("ruadapt demo")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = commands[1].replace(".venv/bin/pip install", ".venv/bin/pip install -q")
    assert test_command in ci
