"""``ruadapt eval`` and ``ruadapt report``: thin wrappers over ``ruadapt_evals``.

ruadapt eval --model out/ext --baseline tiny -o out/report
ruadapt report out/sft out/dpo out/simpo -o out/compare
"""

from __future__ import annotations

import typer


def eval_command(
    model: str = typer.Option(..., "--model", "-m", help="Model directory, hub id or `tiny`."),
    output: str = typer.Option(..., "--output", "-o", help="Folder for report.json/md/html."),
    baseline: str | None = typer.Option(
        None, "--baseline", "-b", help="Compare with this model (e.g. the base before adaptation)."
    ),
    tasks: str | None = typer.Option(
        None,
        "--tasks",
        "-t",
        help="Comma-separated tasks (default: all registered): "
        "speed,tokenization,lm,generation,mc,preference.",
    ),
    prompts: str | None = typer.Option(
        None,
        "--prompts",
        help="JSONL with `ru`/`en` (+ optional `ru_reference`/`en_reference`); "
        "default: bundled ru-en-parallel.",
    ),
    max_prompts: int | None = typer.Option(None, "--max-prompts", help="Use the first N prompts."),
    max_new_tokens: int = typer.Option(32, "--max-new-tokens", help="Generation budget."),
    batch_size: int = typer.Option(16, "--batch-size", help="Prompts per generation batch."),
    reward_model: str | None = typer.Option(
        None, "--reward-model", help="Sequence-classification reward model for win rates."
    ),
    mc_items: str | None = typer.Option(
        None, "--mc", help="Multiple-choice JSONL (default: bundled ru-en-mc)."
    ),
    speed_repeats: int = typer.Option(
        5, "--speed-repeats", help="Timed repeats, at least (the median; more while loose)."
    ),
    speed_ci_target: float = typer.Option(
        0.05,
        "--speed-ci-target",
        help="With a baseline: add repeats until the speed ratio's interval is within +-this "
        "(relative); 0: exactly --speed-repeats.",
    ),
    speed_max_repeats: int = typer.Option(
        15, "--speed-max-repeats", help="Most timed repeats when adding them."
    ),
    speed_prompts: int = typer.Option(32, "--speed-prompts", help="Prompts per language timed."),
    speed_isolation: str = typer.Option(
        "process",
        "--speed-isolation",
        help="With --baseline: `process` times each model in its own process, repeats "
        "interleaved; `none` times them in this process, one after the other.",
    ),
    prompt_format: str = typer.Option(
        "auto", "--prompt-format", help="auto (chat template if any), chat or plain."
    ),
    lm_eval_tasks: str | None = typer.Option(
        None,
        "--lm-eval-tasks",
        help="Also run these lm-evaluation-harness tasks (needs ruadapt[lm-eval]), "
        "e.g. belebele_rus_Cyrl,belebele_eng_Latn.",
    ),
    device: str = typer.Option("auto", "--device", help="auto, cpu, cuda, cuda:1, ..."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing report."),
) -> None:
    """Evaluate a model in Russian against English on the same content (quality and speed).

    Example: ruadapt eval --model out/ext --baseline tiny -o out/report
    """
    from ruadapt.cli import registry
    from ruadapt.pipeline import write_eval

    report = write_eval(
        output,
        registry(),
        model=model,
        baseline=baseline,
        tasks=tasks,
        prompts=prompts,
        overwrite=overwrite,
        max_prompts=max_prompts,
        max_new_tokens=max_new_tokens,
        batch_size=batch_size,
        reward_model=reward_model,
        mc_items=mc_items,
        speed_repeats=speed_repeats,
        speed_ci_target=speed_ci_target,
        speed_max_repeats=speed_max_repeats,
        speed_prompts=speed_prompts,
        speed_isolation=speed_isolation,
        prompt_format=prompt_format,
        lm_eval_tasks=lm_eval_tasks,
        device=device,
    )
    from ruadapt_evals.render import md_table
    from ruadapt_evals.tables import headline_rows

    typer.echo(md_table(*headline_rows(report)))
    typer.echo(f"report: {output}/report.html ({report['seconds']['total']:.0f} s)")


def report_command(
    runs: list[str] = typer.Argument(..., help="Eval output folders and/or training run folders."),
    output: str = typer.Option(..., "--output", "-o", help="Folder for the comparison report."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing report."),
) -> None:
    """Compare several eval and training runs side by side (quality, speed, cost).

    Example: ruadapt report out/sft out/dpo out/simpo -o out/compare
    """
    from ruadapt_evals.compare import compare

    from ruadapt.outputs import check_output, staged_folder

    out = check_output(output, overwrite=overwrite, inputs={"run": list(runs)})
    with staged_folder(out, "report", checked=True) as staging:
        report = compare(runs, str(staging), overwrite=True)
    typer.echo(f"compared {len(report['runs'])} runs: {output}/report.html")


def register(app: typer.Typer) -> None:
    app.command("eval")(eval_command)
    app.command("report")(report_command)
