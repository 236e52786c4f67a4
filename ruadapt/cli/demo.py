"""``ruadapt demo``: the whole Russian adaptation chain on the embedded tiny default."""

from __future__ import annotations

import typer


def demo(
    output: str = typer.Option("runs/demo", "--output", "-o", help="Where the runs go."),
    fast: bool = typer.Option(False, "--fast", help="A ~1-minute version (a few steps each)."),
    fresh: bool = typer.Option(False, "--fresh", help="Rerun every stage."),
) -> None:
    """Extend the tiny model's tokenizer with Russian tokens, train embeddings, LoRA SFT,
    KTO, SimPO, then evaluate Russian vs English against the original model.

    Re-running resumes: finished stages are skipped.
    """
    from ruadapt.cli import registry
    from ruadapt.demo import run_demo

    run_demo(output=output, fast=fast, fresh=fresh, registry=registry(), echo=typer.echo)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
