"""``ruadapt pipeline recipe.yaml``: run a multi-stage recipe, resumable stage by stage."""

from __future__ import annotations

import typer


def pipeline(
    recipe: str = typer.Argument(..., help="Recipe YAML (see examples/recipes/)."),
    output: str | None = typer.Option(None, "--output", "-o", help="Override the recipe's output."),
    start_from: str | None = typer.Option(None, "--from", help="Rerun from this stage on."),
    set_: list[str] = typer.Option([], "--set", help="Stage option: STAGE.key=value (repeatable)."),
) -> None:
    """Run the stages of a recipe; finished stages whose config is unchanged are skipped."""
    from ruadapt.cli import registry
    from ruadapt.pipeline import parse_overrides, run_pipeline

    state = run_pipeline(
        recipe,
        output=output,
        start_from=start_from,
        overrides=parse_overrides(set_),
        registry=registry(),
        echo=typer.echo,
    )
    typer.echo(f"pipeline complete: {len(state['stages'])} stages")


def register(app: typer.Typer) -> None:
    app.command("pipeline")(pipeline)
