"""``ruadapt reward score``: score prompt/response pairs with a trained reward model."""

from __future__ import annotations

import typer

reward_app = typer.Typer(help="Reward models: score responses.", no_args_is_help=True)


@reward_app.command("score")
def score_command(
    model: str = typer.Option(..., "--model", "-m", help="Reward model directory (plugin reward)."),
    data: str = typer.Option(
        ..., "--data", "-d", help="JSONL with prompt + response (or chosen/rejected)."
    ),
    output: str = typer.Option(..., "--output", "-o", help="Where to write the scores (JSONL)."),
    batch_size: int = typer.Option(8, "--batch-size", min=1, help="Responses per forward pass."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing output file."),
) -> None:
    """Score every prompt/response pair with a reward model; one JSON line per response.

    Example: ruadapt reward score --model out/rm --data pairs.jsonl -o scores.jsonl
    """
    from ruadapt.errors import UserError

    try:
        from ruadapt_plugins.reward import score_file
    except ImportError:
        raise UserError("the reward plugin is not installed (ruadapt_plugins.reward)") from None
    out = score_file(model, data, output, batch_size=batch_size, overwrite=overwrite)
    typer.echo(f"scores: {out}")


def register(app: typer.Typer) -> None:
    app.add_typer(reward_app, name="reward")
