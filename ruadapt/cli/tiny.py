"""``ruadapt tiny-model``: build the embedded tiny default model."""

from __future__ import annotations

import json

import typer

from ruadapt.tiny import DEFAULT_STEPS


def tiny_model(
    output: str | None = typer.Option(
        None, "--output", "-o", help="Write here (default: the cache)."
    ),
    steps: int = typer.Option(
        DEFAULT_STEPS, "--steps", help="Pretraining steps (0: random init, for tests)."
    ),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    overwrite: bool = typer.Option(
        False, "--overwrite", help="Replace an existing output (only one ruadapt wrote)."
    ),
) -> None:
    """Build the tiny English-centric Llama-style model from the bundled corpora.

    Without --output it fills the cache used by `--model tiny`.
    """
    from ruadapt.tiny import build_tiny_model, tiny_cache_path

    target = output or str(tiny_cache_path(steps))
    summary = build_tiny_model(target, steps, seed=seed, overwrite=overwrite or not output)
    typer.echo(json.dumps(summary, indent=2))
    typer.echo(f"saved: {target}")


def register(app: typer.Typer) -> None:
    app.command("tiny-model")(tiny_model)
