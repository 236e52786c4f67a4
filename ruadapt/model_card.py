"""Model cards (README.md) for every model folder ruadapt writes: runs, merges, extensions.

A card says what made the folder: the method, the base model, the data, every option, the
ruadapt version and the final metrics, with hub metadata (``base_model``, ``datasets``,
``tags``) so the hub links it to its parents. Built with ``huggingface_hub.ModelCard``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ruadapt.outputs import write_atomic
from ruadapt.version import __version__

CARD = "README.md"


def _hub_id(spec: str | None) -> str | None:
    """``spec`` if it looks like a hub id (``owner/name``, not a local path), else None."""
    if not spec or Path(spec).expanduser().exists() or spec.startswith((".", "/", "~")):
        return None
    return spec if spec.count("/") == 1 else None


def _metadata(
    base: str | None, data: str | None, tags: list[str], library: str, pipeline: str
) -> Any:
    from huggingface_hub import ModelCardData

    base_id, data_id = _hub_id(base), _hub_id(data)
    return ModelCardData(
        language=["ru"],
        library_name=library,
        pipeline_tag=pipeline,
        base_model=base_id,
        datasets=[data_id] if data_id else None,
        tags=["ruadapt", *tags],
    )


def render(title: str, metadata: Any, sections: list[tuple[str, str]], *, intro: str = "") -> str:
    """The card's text: YAML metadata, a title, an intro paragraph, then ``## sections``."""
    from huggingface_hub import ModelCard

    body = [f"# {title}", "", intro] if intro else [f"# {title}"]
    for heading, text in sections:
        body += ["", f"## {heading}", "", text.rstrip()]
    card = ModelCard(f"---\n{metadata.to_yaml()}\n---\n\n" + "\n".join(body) + "\n")
    return str(card)


def _load_snippet(folder_name: str, adapter: bool, reward: bool) -> str:
    if reward:
        cls = "AutoModelForSequenceClassification"
    else:
        cls = "AutoPeftModelForCausalLM" if adapter else "AutoModelForCausalLM"
    module = "peft" if adapter else "transformers"
    return (
        "```python\n"
        f"from {module} import {cls}\n"
        "from transformers import AutoTokenizer\n\n"
        f'model = {cls}.from_pretrained("{folder_name}")\n'
        f'tokenizer = AutoTokenizer.from_pretrained("{folder_name}")\n'
        "```"
    )


def write_run_card(run: Any, folder: Path) -> Path:
    """Write README.md for the output of ``ruadapt run`` into ``folder``."""
    o = run.options
    method = run.method
    adapter = run.adapter.name if run.adapter else None
    reward = method.data_kind == "preference" and method.name == "reward"
    tags = [method.name, *([adapter] if adapter else []), "trl"]
    meta = _metadata(
        o.model,
        o.data,
        tags,
        library="peft" if adapter else "transformers",
        pipeline="text-classification" if reward else "text-generation",
    )
    command = f"ruadapt run --plugin {method.name}" + (f" --adapter {adapter}" if adapter else "")
    intro = f"Trained with ruadapt {__version__} (`{command}`): {method.summary or method.name}."
    facts = [
        ("method", f"`{method.name}`"),
        ("base model", f"`{o.model}`"),
        ("data", f"`{o.data}`" + (f" (format `{o.format}`)" if o.format else "")),
        ("adapter", f"`{adapter}`" if adapter else "none (all weights trained)"),
        ("ruadapt", __version__),
    ]
    final = {**(run.extra.get("final_metrics") or {}), **(run.extra.get("eval_metrics") or {})}
    sections = [
        ("Training", "\n".join(f"- **{k}**: {v}" for k, v in facts)),
        ("Options", "```yaml\n" + run.config.to_yaml() + "```"),
    ]
    if final:
        sections.append(
            ("Final metrics", "```json\n" + json.dumps(final, indent=2, default=str) + "\n```")
        )
    sections.append(("Use", _load_snippet(run.output_dir.name, bool(adapter), reward)))
    path = folder / CARD
    write_atomic(path, render(f"{method.name} of {o.model}", meta, sections, intro=intro))
    return path


def write_card(
    folder: str | Path,
    *,
    title: str,
    what: str,
    base_model: str | None,
    data: str | None = None,
    tags: list[str] | None = None,
    facts: dict[str, Any] | None = None,
    name: str | None = None,
) -> Path:
    """README.md for a folder made by another command (``merge``, ``tokenizer extend``);
    ``name`` is the folder's final name when ``folder`` is a staging folder."""
    folder = Path(folder)
    meta = _metadata(base_model, data, tags or [], "transformers", "text-generation")
    intro = f"Made with ruadapt {__version__}: {what}"
    rows = {"base model": f"`{base_model}`", **(facts or {}), "ruadapt": __version__}
    sections = [
        ("Provenance", "\n".join(f"- **{k}**: {v}" for k, v in rows.items())),
        ("Use", _load_snippet(name or folder.name, adapter=False, reward=False)),
    ]
    path = folder / CARD
    write_atomic(path, render(title, meta, sections, intro=intro))
    return path


def add_metadata(
    card: str | Path,
    *,
    command: str,
    base_model: str | None,
    data: str | None = None,
    tags: list[str] | None = None,
) -> Path:
    """Put hub metadata and the ruadapt version on a card another module wrote."""
    card = Path(card)
    meta = _metadata(base_model, data, tags or [], "transformers", "text-generation")
    body = card.read_text(encoding="utf-8") if card.is_file() else ""
    made = f"Made with ruadapt {__version__} (`{command}`) from `{base_model}`.\n\n"
    write_atomic(card, f"---\n{meta.to_yaml()}\n---\n\n{made}{body}")
    return card
