"""Shared printing helpers for CLI commands."""

from __future__ import annotations

import typer

from ruadapt.config import RunConfig, describe
from ruadapt.text_table import table


def print_config_help(method, adapter=None) -> None:
    """Options of a method (and adapter), then the common run options."""
    reference = "; keeps a frozen reference model" if method.reference_model else ""
    typer.echo(f"{method.name}: {method.summary}  (data kind: {method.data_kind}{reference})\n")
    typer.echo(f"Method options ({method.config.__name__}):")
    typer.echo(table(describe(method.config), ("option", "type", "default", "help")))
    if adapter is not None:
        typer.echo(f"\nAdapter options ({adapter.name}, {adapter.config.__name__}):")
        typer.echo(table(describe(adapter.config), ("option", "type", "default", "help")))
    rows = describe(RunConfig)
    defaults = method.run_defaults
    rows = [(n, t, repr(defaults[n]) if n in defaults else d, h) for n, t, d, h in rows]
    typer.echo("\nRun options (RunConfig; set with flags, --set key=value or a --config YAML):")
    typer.echo(table(rows, ("option", "type", "default", "help")))
    if method.trainer_config:
        typer.echo(
            f"\nAlso: every field of {method.trainer_config} (e.g. --set optim=adamw_torch_fused, "
            "save_total_limit=2, eval_strategy=steps); TRL's long names of the options above "
            "(per_device_train_batch_size, num_train_epochs, lr_scheduler_type) are aliases."
        )
