"""``ruadapt data``: validate, inspect, convert and list data sets (thin over ruadapt.data)."""

from __future__ import annotations

import json
from typing import Any

import typer

data_app = typer.Typer(
    help="Check, describe and convert data sets; list the bundled ones.", no_args_is_help=True
)

SPEC_HELP = "A file, files (a,b), a glob, a save_to_disk folder, a bundled name or a hub id."
KIND_HELP = (
    "Check as data of this kind: text, chat, preference, binary, prompts "
    "(or an eval set: parallel, multiple-choice)."
)
FORMAT_HELP = "Force this format instead of detecting it (see `ruadapt data formats`)."
MODEL_HELP = "Also count tokens with this model's tokenizer and chat template."


@data_app.command("validate")
def validate_command(
    spec: str = typer.Argument(..., help=SPEC_HELP),
    kind: str | None = typer.Option(None, "--kind", "-k", help=KIND_HELP),
    format: str | None = typer.Option(None, "--format", "-f", help=FORMAT_HELP),
    max_errors: int = typer.Option(50, "--max-errors", help="Show at most N errors (0: all)."),
    model: str | None = typer.Option(None, "--model", "-m", help=MODEL_HELP),
    max_length: int | None = typer.Option(
        None, "--max-length", help="Token limit for --model (default: the model's context)."
    ),
    no_russian_check: bool = typer.Option(
        False, "--no-russian-check", help="Do not warn when text is mostly not Cyrillic."
    ),
    no_duplicate_check: bool = typer.Option(
        False,
        "--no-duplicate-check",
        help="Skip the duplicate check (16 bytes a record): memory fully constant.",
    ),
    strict: bool = typer.Option(False, "--strict", help="Fail on warnings too."),
) -> None:
    """Check a data set; one line per problem (file:line: field: message), exit 1 on errors.

    Example: ruadapt data validate prefs.jsonl --kind preference --model out/sft
    """
    from ruadapt.cli import registry
    from ruadapt.data import validate

    tokenizer, limit = _tokenizer(model, max_length)
    report = validate(
        spec,
        registry(),
        kind=kind,
        format=format,
        tokenizer=tokenizer,
        max_length=limit,
        max_errors=max_errors,
        russian=not no_russian_check,
        duplicates=not no_duplicate_check,
    )
    for problem in report.errors + report.warnings:
        typer.echo(str(problem))
    for count, shown, what in (
        (report.error_count, report.errors, "errors"),
        (report.warning_count, report.warnings, "warnings"),
    ):
        if count > len(shown):
            typer.echo(f"... {count - len(shown)} more {what} not shown (--max-errors)")
    for note in report.notes:
        typer.echo(f"note: {note}")
    typer.echo(
        f"{report.summary()}; {report.bytes / 1e6:.1f} MB in {report.seconds:.1f} s",
        err=not report.ok,
    )
    if not report.ok or (strict and report.warning_count):
        raise typer.Exit(1)


@data_app.command("inspect")
def inspect_command(
    spec: str = typer.Argument(..., help=SPEC_HELP),
    kind: str | None = typer.Option(None, "--kind", "-k", help=KIND_HELP),
    format: str | None = typer.Option(None, "--format", "-f", help=FORMAT_HELP),
    model: str | None = typer.Option(None, "--model", "-m", help=MODEL_HELP),
    examples: int = typer.Option(3, "--examples", help="How many records to show."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Counts, format, length statistics, Russian share and a few records of a data set."""
    from ruadapt.cli import registry
    from ruadapt.data import inspect
    from ruadapt.data.bundled import EVAL_KINDS
    from ruadapt.text_table import table

    tokenizer, _ = _tokenizer(model, None)
    found = inspect(
        spec, registry(), kind=kind, format=format, tokenizer=tokenizer, examples=examples
    )
    if as_json:
        typer.echo(json.dumps(found.as_dict(), ensure_ascii=False, indent=2))
        return
    formats = ", ".join(f"{name} ({n} rows)" for name, n in found.formats.items())
    formats = formats or ("eval set" if found.kind in EVAL_KINDS else "-")
    typer.echo(f"{spec}: {', '.join(found.sources)}")
    typer.echo(f"format: {formats} -> {found.kind} data")
    typer.echo(f"records: {found.records:,} from {found.rows:,} rows")
    if found.invalid_rows:
        typer.echo(f"invalid rows: {found.invalid_rows:,}, first: {found.first_problem}")
    columns = ("count", "mean", "min", "p50", "p95", "max")
    rows = [(n, *(s.get(c, "-") for c in columns)) for n, s in found.lengths.items()]
    typer.echo("\nlength per record:\n" + table(rows, ("", *columns)))
    if found.russian_share_overall is not None:
        fields = ", ".join(f"{k} {v:.0%}" for k, v in found.russian_share.items())
        typer.echo(f"\nCyrillic share of letters: {found.russian_share_overall:.0%} ({fields})")
    if found.counts:
        typer.echo("counts: " + ", ".join(f"{k} {v:,}" for k, v in found.counts.items()))
    if found.categories:
        typer.echo("categories: " + ", ".join(f"{k} {v:,}" for k, v in found.categories.items()))
    for note in found.notes:
        typer.echo(f"note: {note}")
    typer.echo("\nexamples:")
    for i, record in enumerate(found.examples, start=1):
        text = json.dumps(record, ensure_ascii=False)
        typer.echo(f"  {i}. {text if len(text) <= 400 else text[:397] + '...'}")


@data_app.command("convert")
def convert_command(
    source: str = typer.Argument(..., help=SPEC_HELP),
    output: str = typer.Argument(..., help="Output .jsonl file (written atomically)."),
    to: str = typer.Option(
        ..., "--to", help="Kind to write: text, chat, preference, binary, prompts."
    ),
    format: str | None = typer.Option(None, "--format", "-f", help=FORMAT_HELP),
    system_prompt: str | None = typer.Option(
        None, "--system-prompt", help="Add this system message to conversations without one."
    ),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing output."),
    max_errors: int = typer.Option(50, "--max-errors", help="Show at most N errors (0: all)."),
) -> None:
    """Write the canonical records of a kind as JSONL; nothing is written if a record fails.

    Example: ruadapt data convert ranked.jsonl pairs.jsonl --to preference
    """
    from ruadapt.cli import registry
    from ruadapt.data import convert

    report = convert(
        source,
        output,
        to,
        registry(),
        format=format,
        system_prompt=system_prompt,
        overwrite=overwrite,
        max_errors=max_errors,
    )
    for problem in report.errors:
        typer.echo(str(problem))
    for note in report.notes:
        typer.echo(f"note: {note}")
    if not report.ok:
        typer.echo(f"{report.summary()}; nothing written", err=True)
        raise typer.Exit(1)
    typer.echo(f"wrote {report.records:,} {report.kind} records to {output}")


@data_app.command("list")
def list_command(as_json: bool = typer.Option(False, "--json", help="Machine-readable.")) -> None:
    """The bundled data sets: name, kind, size and purpose (from each set's card)."""
    from ruadapt.data.bundled import bundled_sets
    from ruadapt.text_table import table

    sets = bundled_sets()
    if as_json:
        typer.echo(json.dumps(sets, ensure_ascii=False, indent=2))
        return
    rows = [
        (
            s["name"],
            s["kind"],
            s["records"] if s["present"] else "missing",
            _size(s["bytes"]),
            s["purpose"],
        )
        for s in sets
    ]
    typer.echo(table(rows, ("name", "kind", "records", "size", "purpose")))


@data_app.command("formats")
def formats_command() -> None:
    """The registered data formats, the kind each converts to and the plugin providing it."""
    from ruadapt.cli import registry
    from ruadapt.text_table import table

    reg = registry()
    rows = [
        (
            f.name,
            f.kind,
            f.summary or "-",
            str(f.priority),
            reg.owners.get(("data format", f.name), "?"),
        )
        for f in sorted(reg.data_formats.values(), key=lambda f: (f.kind, -f.priority, f.name))
    ]
    typer.echo(table(rows, ("format", "kind", "fields", "priority", "plugin")))


def _tokenizer(model: str | None, max_length: int | None) -> tuple[Any, int | None]:
    """The tokenizer of ``--model`` (with a chat template) and its token limit."""
    if model is None:
        return None, None
    from ruadapt.data.templates import ensure_chat_template, model_max_length
    from ruadapt.models import load_tokenizer, resolve_model

    tokenizer = load_tokenizer(model)
    ensure_chat_template(tokenizer)
    return tokenizer, max_length or model_max_length(tokenizer, resolve_model(model))


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} KB"


def register(app: typer.Typer) -> None:
    app.add_typer(data_app, name="data")
