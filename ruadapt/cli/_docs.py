"""Generate ``docs/cli.md`` from the Typer app, so the reference cannot drift.

python -m ruadapt.cli._docs > docs/cli.md
"""

from __future__ import annotations

from typing import Any

import typer.main


def _option_row(param: Any) -> str:
    names = ", ".join(f"`{n}`" for n in (*param.opts, *param.secondary_opts))
    if getattr(param, "param_type_name", "") == "argument":
        names = f"`{param.name.upper()}`"
    help_text = (getattr(param, "help", None) or "").replace("|", "\\|").replace("\n", " ")
    default = getattr(param, "default", None)
    shown = "" if default in (None, False, [], ()) or param.required else f" (default: `{default}`)"
    return f"| {names} | {help_text}{shown} |"


def _section(cmd: Any, path: list[str], lines: list[str]) -> None:
    title = " ".join(path)
    lines += [f"## `{title}`", ""]
    doc = (cmd.help or "").strip()
    if doc:
        lines += [doc.replace("``", "`"), ""]
    params = [p for p in cmd.params if p.name not in ("help",) and not getattr(p, "hidden", False)]
    if params:
        lines += ["| option | meaning |", "|---|---|"]
        lines += [_option_row(p) for p in params]
        lines.append("")
    if hasattr(cmd, "commands"):
        for name in sorted(cmd.commands):
            _section(cmd.commands[name], [*path, name], lines)


def generate() -> str:
    from ruadapt.cli import build_app

    root = typer.main.get_command(build_app())
    lines = [
        "# Command-line reference",
        "",
        "Generated from the Typer app by `python -m ruadapt.cli._docs > docs/cli.md`;",
        "a test fails when this file and the code disagree.",
        "",
    ]
    _section(root, ["ruadapt"], lines)
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    print(generate(), end="")
