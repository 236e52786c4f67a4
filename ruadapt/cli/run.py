"""``ruadapt run --method NAME``: train with any registered method (``--plugin`` is an alias)."""

from __future__ import annotations

import typer

from ruadapt.errors import UserError


def _extra_options(args: list[str]) -> dict[str, str]:
    """Method options given as flags (``--beta 0.2``, ``--ref DIR``) become ``--set`` pairs."""
    out: dict[str, str] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        if not arg.startswith("--"):
            raise UserError(f"unexpected argument {arg!r}")
        key, sep, value = arg[2:].partition("=")
        if not sep:
            if i + 1 < len(args) and not args[i + 1].startswith("--"):
                value, i = args[i + 1], i + 1
            else:
                value = "true"
        out[key.replace("-", "_")] = value
        i += 1
    return out


def run_command(
    ctx: typer.Context,
    method_name: str = typer.Option(
        ...,
        "--method",
        "--plugin",
        "-p",
        help="Method to run (see `ruadapt plugins`); --plugin is another name for it.",
    ),
    config: str | None = typer.Option(None, "--config", "-c", help="YAML recipe with options."),
    set_: list[str] = typer.Option([], "--set", help="Override an option: key=value (repeatable)."),
    model: str | None = typer.Option(
        None, "--model", "-m", help="Model directory, hub id or `tiny`."
    ),
    data: str | None = typer.Option(
        None, "--data", "-d", help="Data file(s), folder, bundled name."
    ),
    output: str | None = typer.Option(None, "--output", "-o", help="Output directory."),
    adapter: str | None = typer.Option(
        None, "--adapter", "-a", help="Adapter to train, e.g. lora."
    ),
    seed: int | None = typer.Option(None, "--seed", help="Random seed."),
    max_steps: int | None = typer.Option(None, "--max-steps", help="Stop after N optimizer steps."),
    resume: bool = typer.Option(False, "--resume", help="Continue from the latest checkpoint."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing output."),
    allow_changes: bool = typer.Option(
        False,
        "--allow-changes",
        help="With --resume: apply changed options from the checkpoint on (run.json records "
        "each change and its step); without it a resume with other options is refused.",
    ),
    push_to_hub: str | None = typer.Option(
        None,
        "--push-to-hub",
        help="Publish the finished output to this hub repository (NAME or USER/NAME).",
    ),
    help_config: bool = typer.Option(False, "--help-config", help="Print the method's options."),
    launcher: str | None = typer.Option(
        None, "--launcher", help="Start several processes: `accelerate` (DDP/FSDP/DeepSpeed)."
    ),
    num_processes: int = typer.Option(2, "--num-processes", help="Processes for --launcher."),
    accelerate_config: str | None = typer.Option(
        None, "--accelerate-config", help="accelerate config file (see examples/accelerate/)."
    ),
) -> None:
    """Train with a registered method (see `ruadapt plugins`).

    Method options may also be given as flags (--beta 0.2) or with --set beta=0.2.

    Example: ruadapt run --method sft --model tiny --data ru-sft -o out/sft --max-steps 50
    """
    from ruadapt.cli import registry
    from ruadapt.cli._format import print_config_help
    from ruadapt.runner import configure, run_method

    reg = registry()
    method = reg.method(method_name)
    if launcher is not None:
        _relaunch(launcher, num_processes, accelerate_config)
        return
    if help_config:
        adapter_record = reg.adapter(adapter) if adapter else None
        print_config_help(method, adapter_record)
        return
    sets = dict(pair.split("=", 1) if "=" in pair else (pair, "") for pair in set_)
    for pair in set_:
        if "=" not in pair:
            raise UserError(f"--set {pair!r}: expected key=value")
    sets.update(_extra_options(ctx.args))
    flags = {
        "model": model,
        "data": data,
        "output": output,
        "adapter": adapter,
        "seed": seed,
        "max_steps": max_steps,
        "resume": resume or None,
        "overwrite": overwrite or None,
        "allow_changes": allow_changes or None,
        "push_to_hub": True if push_to_hub else None,
        "hub_model_id": push_to_hub,
    }
    resolved = configure(method_name, reg, config_file=config, sets=sets, **flags)
    out = run_method(resolved, reg)
    typer.echo(f"done: {out}")


def _relaunch(launcher: str, num_processes: int, config_file: str | None) -> None:
    """Re-run this very command under the launcher, minus the launcher options."""
    from ruadapt import distributed
    from ruadapt.cli import _state

    if launcher != "accelerate":
        raise UserError(f"--launcher {launcher!r}: only 'accelerate' is supported")
    argv, args, skip = list(_state["argv"]), [], 0  # type: ignore[call-overload]
    for arg in argv:
        if skip:
            skip -= 1
            continue
        name = arg.split("=", 1)[0]
        if name in ("--launcher", "--num-processes", "--accelerate-config"):
            skip = 0 if "=" in arg else 1
            continue
        args.append(arg)
    code = distributed.launch(args, num_processes, config_file)
    if code:
        raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    app.command(
        "run",
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    )(run_command)
