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


def _documented_commands(text: str) -> list[str]:
    """`ruadapt ...` lines of the bash blocks, comments and continuation lines joined."""
    lines = []
    for block in text.split("```bash")[1:]:
        joined = block.split("```", 1)[0].replace("\\\n", " ")
        for line in joined.splitlines():
            for part in line.split(" #", 1)[0].replace("&&", ";").split(";"):
                part = part.split(" | ", 1)[0].strip()
                if part.startswith("ruadapt ") and "[" not in part:  # [..]: a synopsis
                    lines.append(part)
    return lines


def test_every_command_in_the_readme_and_docs_parses():
    """Options documented for a command exist (a renamed flag breaks the docs, not users)."""
    import shlex

    import typer

    from ruadapt.cli import build_app

    root = typer.main.get_command(build_app())
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    checked, bad = 0, []
    for page in pages:
        for line in _documented_commands(page.read_text(encoding="utf-8")):
            args = shlex.split(line.replace("$", "X"))[1:]
            command, name = root, "ruadapt"
            while hasattr(command, "list_commands") and args and not args[0].startswith("-"):
                name = args.pop(0)
                command = command.get_command(typer.Context(command), name)
                if command is None:
                    bad.append(f"{page.name}: {line} (no command {name!r})")
                    break
            else:
                try:
                    command.make_context(name, list(args), resilient_parsing=False)
                except typer.Exit:
                    pass
                except Exception as exc:  # typer's click: unknown option, missing value...
                    bad.append(f"{page.name}: {line} ({exc})")
                checked += 1
    assert checked > 30
    assert not bad, "\n".join(bad)
