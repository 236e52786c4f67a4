"""``ruadapt adapt``: the whole adaptation as one command; ``ruadapt teacher-answers``: the
original model's own answers to Russian prompts, as chat data."""

from __future__ import annotations

import typer


def adapt(
    model: str = typer.Option(
        ..., "--model", "-m", help="Chat model to adapt: folder, hub id, `tiny` or `smollm2`."
    ),
    output: str = typer.Option("runs/adapt", "--output", "-o", help="Output folder (resumable)."),
    corpus: str | None = typer.Option(
        None,
        "--corpus",
        "-c",
        help="Russian text for the new tokens and cpt [default: razdel-ru, else ru-corpus].",
    ),
    new_tokens: int | None = typer.Option(
        None, "--new-tokens", "-n", help="Russian tokens to add [default: 8000]."
    ),
    export: str | None = typer.Option(
        None, "--export", help="Also export the adapted model: gguf (OUT/model.gguf)."
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Print the stages and a time estimate; run nothing."
    ),
    fast: bool = typer.Option(False, "--fast", help="Every stage in miniature (a first look)."),
    fresh: bool = typer.Option(False, "--fresh", help="Rerun every stage."),
) -> None:
    """Adapt a chat model to Russian: extend the tokenizer, train, evaluate against the original.

    extend (Russian tokens, norm-matched rows) -> the original answers Russian prompts once ->
    cpt on Russian prose with English replay -> training on those answers and ru-sft in the
    new tokens -> eval.
    The ready chat model is OUT/model, the report OUT/eval/report.html, the verdicts
    OUT/adapt.json. Rerunning resumes: finished stages are skipped.

    Example: ruadapt adapt --model smollm2 -o out/adapted
    """
    from ruadapt.adapt import adapt as run_adapt
    from ruadapt.adapt import describe_plan, english_replay, overrides_for
    from ruadapt.cli import registry

    if dry_run:
        replay = english_replay(write=False)  # written when the run starts
        for line in describe_plan(model, output, overrides_for(corpus, new_tokens, fast, replay)):
            typer.echo(line)
        return
    run_adapt(
        model,
        output,
        corpus=corpus,
        new_tokens=new_tokens,
        fast=fast,
        fresh=fresh,
        export=export,
        registry=registry(),
        echo=typer.echo,
    )


def teacher_answers(
    model: str = typer.Option(..., "--model", "-m", help="The teacher: the original chat model."),
    output: str = typer.Option(..., "--output", "-o", help="Output folder (data.jsonl)."),
    prompts: str = typer.Option(
        "ru-prompts,ru-sft,ru-prefs,ru-kto",
        "--prompts",
        help="Bundled sets or JSONL files whose user turns are the prompts (comma-separated).",
    ),
    max_prompts: int = typer.Option(240, "--max-prompts", help="Prompts to answer."),
    max_new_tokens: int = typer.Option(96, "--max-new-tokens", help="Answer length in tokens."),
    temperature: float = typer.Option(
        0.7, "--temperature", help="Sampling temperature (0: greedy)."
    ),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing output."),
) -> None:
    """Let the original model answer Russian prompts once, as chat data for the adapted model.

    Example: ruadapt teacher-answers --model smollm2 -o out/teacher
    """
    from ruadapt.teacher_answers import teacher_answers as run

    record = run(
        model,
        output,
        prompts=prompts,
        max_prompts=max_prompts,
        max_new_tokens=max_new_tokens,
        temperature=temperature,
        overwrite=overwrite,
    )
    dropped = ", ".join(f"{v} {k}" for k, v in record["dropped"].items())
    typer.echo(f"answers: {record['kept']} of {record['prompts_used']} kept ({dropped} dropped)")
    typer.echo(f"saved: {output}/data.jsonl")


def register(app: typer.Typer) -> None:
    app.command("adapt")(adapt)
    app.command("teacher-answers")(teacher_answers)
