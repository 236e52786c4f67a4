"""``ruadapt plugins``: what is installed, where it came from, what it registers."""

from __future__ import annotations

import json

import typer

from ruadapt.errors import UserError

plugins_app = typer.Typer(help="List and inspect plugins (methods, adapters, tasks, formats).")


@plugins_app.callback(invoke_without_command=True)
def list_plugins(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    third_party: bool = typer.Option(False, "--third-party", help="Hide built-in plugins."),
) -> None:
    """List plugins with version, origin and what each registers."""
    if ctx.invoked_subcommand is not None:
        return
    from ruadapt.cli import registry
    from ruadapt.plugins_info import describe_plugins, failed_plugins
    from ruadapt.text_table import table

    reg = registry()
    rows = describe_plugins(reg, include_builtin=not third_party)
    failures = failed_plugins(reg)
    if as_json:
        typer.echo(json.dumps({"plugins": rows, "failed": failures}, indent=2, ensure_ascii=False))
        return
    body = []
    for row in rows:
        registers = "; ".join(
            f"{k}: {', '.join(sorted(v))}" for k, v in sorted(row["registers"].items())
        )
        body.append(
            (row["name"], row["version"], row["origin"], row["distribution"], registers or "-")
        )
    typer.echo(table(body, ("plugin", "version", "origin", "distribution", "registers")))
    for name, warning in sorted(reg.plugins.warnings.items()):
        typer.secho(f"warning: {name}: {warning}", err=True, fg=typer.colors.YELLOW)
    for failure in failures:
        typer.secho(
            f"failed: {failure['name']}: {failure['error']}", err=True, fg=typer.colors.YELLOW
        )


@plugins_app.command("info")
def info(name: str = typer.Argument(..., help="Plugin or method name.")) -> None:
    """Details of one plugin: origin, hooks, and the options of each method it registers."""
    from ruadapt.cli import registry
    from ruadapt.cli._format import print_config_help
    from ruadapt.plugins_info import describe_plugins, plugin_problem, plugin_problems

    reg = registry()
    rows = {row["name"]: row for row in describe_plugins(reg)}
    if name not in rows and ("method", name) in reg.owners:
        name = reg.owners[("method", name)]
    if name not in rows:
        raise UserError(
            plugin_problem(reg, name) or f"no plugin {name!r}; installed: {', '.join(sorted(rows))}"
        )
    row = rows[name]
    for key in ("name", "distribution", "version", "origin", "module"):
        typer.echo(f"{key}: {row[key]}")
    typer.echo(f"hooks: {', '.join(row['hooks'])}")
    for problem in plugin_problems(reg, name):
        typer.secho(f"failed: {problem}", err=True, fg=typer.colors.YELLOW)
    for method_name in row["registers"].get("method", []):
        typer.echo("")
        print_config_help(reg.method(method_name))


@plugins_app.command("new")
def new(
    name: str = typer.Argument(..., help="Method name, e.g. `orpo` (package: ruadapt-NAME)."),
    output: str | None = typer.Option(
        None, "-o", "--output", help="Folder to create (default: ./ruadapt-NAME)."
    ),
) -> None:
    """Write a new plugin package skeleton that passes its own tests."""
    from ruadapt.cli import registry
    from ruadapt.scaffold import new_plugin

    path, files = new_plugin(name, output, taken=registry().methods)
    typer.echo(f"created {path}/")
    for file in files:
        typer.echo(f"  {file}")
    typer.echo(
        f'next: cd {path} && pip install -e ".[test]" && pytest -q\n'
        f"      ruadapt run --method {name} --model tiny --max-steps 10 -o out/{name}"
    )


def register(app: typer.Typer) -> None:
    app.add_typer(plugins_app, name="plugins")
