"""``ruadapt merge``: fold a trained adapter into its base model (a standalone model)."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import typer

from ruadapt.errors import UserError


def adapter_name(directory: Path) -> str:
    """Which adapter plugin made ``directory``: run.json's record, else PEFT's type."""
    run_info = directory / "run.json"
    if run_info.is_file():
        name = json.loads(run_info.read_text(encoding="utf-8")).get("adapter")
        if name:
            return name
    config = json.loads((directory / "adapter_config.json").read_text(encoding="utf-8"))
    return str(config.get("peft_type", "lora")).lower()


def merge_adapter(
    adapter: str,
    output: str,
    *,
    overwrite: bool = False,
    registry=None,
    push_to_hub: str | None = None,
    private: bool | None = None,
) -> Path:
    """Merge the adapter saved in ``adapter`` into its base and save the result at ``output``
    with a model card; ``push_to_hub`` (a repository name) then publishes it.

    The adapter plugin that made the directory does the merge (``Adapter.merge``); this
    function checks the paths first so no plugin can clobber an output by mistake.
    """
    from ruadapt.model_card import write_card
    from ruadapt.models import adapter_base, is_adapter_dir
    from ruadapt.outputs import check_output, staged_folder
    from ruadapt.registry import get_registry

    if push_to_hub:
        from ruadapt.hub import check_can_push

        check_can_push()  # before the work, not after it
    src = Path(adapter).expanduser()
    if not src.is_dir() or not is_adapter_dir(src):
        raise UserError(f"{src} is not an adapter directory (no adapter_config.json)")
    inputs = {"adapter": src, "base model": adapter_base(src)}
    out = check_output(output, overwrite=overwrite, inputs=inputs)
    plugin = (registry or get_registry()).adapter(adapter_name(src))
    if plugin.merge is None:
        raise UserError(f"adapter {plugin.name!r} cannot be merged into its base model")
    kwargs = (
        {"overwrite": True} if "overwrite" in inspect.signature(plugin.merge).parameters else {}
    )
    with staged_folder(out, "merge", checked=True) as staging:
        plugin.merge(str(src), str(staging), **kwargs)  # the plugin writes only the staging
        write_card(
            staging,
            title=f"{out.name}: {src.name} merged into its base",
            what=f"the `{plugin.name}` adapter `{src}` folded into its base model "
            "(`ruadapt merge`).",
            base_model=adapter_base(src),
            tags=["merged", plugin.name],
            facts={"adapter": f"`{src}`", "adapter type": plugin.name},
            name=out.name,
        )
    if push_to_hub:
        from ruadapt.hub import push_folder

        push_folder(out, push_to_hub, private=private)
    return out


def merge(
    adapter: str = typer.Argument(
        ..., help="Adapter directory (a run's output with --adapter); with --with, a model."
    ),
    output: str = typer.Option(..., "--output", "-o", help="Where to write the merged model."),
    original: str | None = typer.Option(
        None,
        "--with",
        help="Interpolate the model with this source model instead (ElChat): shared "
        "parameters blended, new vocabulary rows kept.",
    ),
    weight: float = typer.Option(
        0.5, "--weight", help="With --with: the original's share, 0 (adapted) to 1 (original)."
    ),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing output."),
    push_to_hub: str | None = typer.Option(
        None, "--push-to-hub", help="Publish the merged model to this hub repository."
    ),
    private: bool | None = typer.Option(
        None, "--private/--public", help="Visibility of a hub repository --push-to-hub creates."
    ),
) -> None:
    """Merge a trained adapter (e.g. LoRA) into its base model and save a standalone model,
    or (--with) interpolate an adapted model with the model it came from.

    Example: ruadapt merge out/sft-lora -o out/sft-merged
    Example: ruadapt merge out/adapted --with smollm2 --weight 0.3 -o out/blend
    """
    from ruadapt.cli import registry

    if original is not None:
        from ruadapt.model_merge import merge_with_original

        if push_to_hub:
            raise UserError("--push-to-hub is not available with --with; push the output after")
        info = merge_with_original(adapter, original, output, weight=weight, overwrite=overwrite)
        typer.echo(
            f"merged: {output} ({info['tensors']} tensors at weight {weight}; "
            f"{info['new_rows_kept']} new rows kept)"
        )
        return
    out = merge_adapter(
        adapter,
        output,
        overwrite=overwrite,
        registry=registry(),
        push_to_hub=push_to_hub,
        private=private,
    )
    typer.echo(f"merged: {out}")


def register(app: typer.Typer) -> None:
    app.command("merge")(merge)
