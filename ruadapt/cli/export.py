"""``ruadapt export gguf|ollama|check``: thin wrappers over ``ruadapt.export``.

ruadapt export gguf out/cpt -o out/model.gguf --outtype q8_0
ruadapt export ollama out/cpt -o out/ollama     (then: ollama create ru -f out/ollama/Modelfile)
ruadapt export check out/cpt                    (what vLLM / TGI read from the folder)
"""

from __future__ import annotations

import json
import time

import typer

export_app = typer.Typer(
    help="Export a model for serving engines: GGUF (llama.cpp), Ollama, checks for vLLM/TGI.",
    no_args_is_help=True,
)

_OUTTYPE_HELP = "Weight type: f32, f16, bf16 or q8_0 (norms and biases stay f32)."


@export_app.command("gguf")
def gguf(
    model: str = typer.Argument(
        ..., help="Model or run folder, adapter folder (merged first), `tiny` or `smollm2`."
    ),
    output: str = typer.Option(..., "--output", "-o", help="The .gguf file to write."),
    outtype: str = typer.Option("f16", "--outtype", help=_OUTTYPE_HELP),
    pre: str | None = typer.Option(
        None, "--pre", help="llama.cpp's pre-tokenizer name (default: recorded or detected)."
    ),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing file."),
) -> None:
    """Write MODEL as one GGUF file for llama.cpp, llama-cpp-python, LM Studio or Ollama.

    Example: ruadapt export gguf out/cpt -o out/model.gguf --outtype q8_0
    """
    from ruadapt.export.gguf_export import export_gguf

    start = time.perf_counter()
    out = export_gguf(model, output, outtype, overwrite=overwrite, pre=pre)
    size = out.stat().st_size / 2**20
    typer.echo(f"wrote {out} ({size:.1f} MiB, {outtype}) in {time.perf_counter() - start:.1f} s")


@export_app.command("ollama")
def ollama(
    model: str = typer.Argument(
        ..., help="Model or run folder, adapter folder (merged first), `tiny` or `smollm2`."
    ),
    output: str = typer.Option(..., "--output", "-o", help="Folder for model.gguf + Modelfile."),
    outtype: str = typer.Option("f16", "--outtype", help=_OUTTYPE_HELP),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing output."),
) -> None:
    """Write a folder Ollama builds a model from: model.gguf and a Modelfile (FROM, TEMPLATE
    translated from the chat template, SYSTEM, stop tokens).

    Example: ruadapt export ollama out/cpt -o out/ollama && ollama create ru -f out/ollama/Modelfile
    """
    from ruadapt.export.ollama import export_ollama

    out = export_ollama(model, output, outtype, overwrite=overwrite)
    typer.echo(f"wrote {out}/model.gguf and {out}/Modelfile")
    typer.echo(f"next: cd {out} && ollama create NAME -f Modelfile && ollama run NAME")


@export_app.command("check")
def check(
    model: str = typer.Argument(..., help="Model folder to serve with vLLM or TGI."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Check that a folder has what vLLM and TGI read (config, tokenizer.json, safetensors,
    generation_config.json whose eos includes the tokenizer's). Exit 1 when something is off."""
    from ruadapt.errors import UserError
    from ruadapt.export.serving import serving_check
    from ruadapt.models import resolve_model

    result = serving_check(resolve_model(model))
    if as_json:
        typer.echo(json.dumps(result, indent=2))
    elif result["ok"]:
        typer.echo(f"ok: {model} has what vLLM and TGI read (eos ids {result['eos_token_ids']})")
    if not result["ok"]:
        raise UserError(f"{model}: " + "; ".join(result["problems"]))


def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")
