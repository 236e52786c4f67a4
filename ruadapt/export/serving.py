"""What vLLM and Text Generation Inference read from a model folder, checked without them.

Both load a Hugging Face folder directly: ``config.json`` (a known architecture),
``tokenizer.json`` (their fast-tokenizer path), ``tokenizer_config.json`` (special tokens,
chat template), safetensors weights, and ``generation_config.json``, whose ``eos_token_id``
is where they stop generating: it must include the tokenizer's end-of-answer token, or the
adapted model talks past its answer. An adapter folder must be merged first
(``ruadapt merge``) unless the server is started with LoRA support.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def serving_check(folder: str | Path) -> dict[str, Any]:
    """``{"ok": bool, "problems": [...], "eos_token_ids": [...]}`` for a model folder."""
    folder = Path(folder).expanduser()
    problems: list[str] = []
    config = _read(folder / "config.json")
    if (folder / "adapter_config.json").is_file() and config is None:
        problems.append("an adapter folder: merge it first (ruadapt merge ADAPTER -o DIR)")
    elif not isinstance(config, dict) or not config.get("architectures"):
        problems.append("config.json missing or names no architectures")
    if not (folder / "tokenizer.json").is_file():
        problems.append("tokenizer.json missing (the fast tokenizer both servers load)")
    tok_config = _read(folder / "tokenizer_config.json")
    if not isinstance(tok_config, dict):
        problems.append("tokenizer_config.json missing")
        tok_config = {}
    if not any(folder.glob("*.safetensors")):
        problems.append("no .safetensors weights")
    generation = _read(folder / "generation_config.json")
    eos_ids: list[int] = []
    if not isinstance(generation, dict):
        problems.append("generation_config.json missing (servers then stop only at config's eos)")
    else:
        raw = generation.get("eos_token_id")
        eos_ids = [raw] if isinstance(raw, int) else [i for i in raw or [] if isinstance(i, int)]
        eos_text = tok_config.get("eos_token")
        eos_text = eos_text.get("content") if isinstance(eos_text, dict) else eos_text
        if eos_text:
            vocab_id = _token_id(folder, str(eos_text))
            if vocab_id is not None and vocab_id not in eos_ids:
                problems.append(
                    f"generation_config.json eos_token_id {eos_ids} lacks the tokenizer's eos "
                    f"{eos_text!r} (id {vocab_id})"
                )
    return {"ok": not problems, "problems": problems, "eos_token_ids": eos_ids}


def _token_id(folder: Path, token: str) -> int | None:
    data = _read(folder / "tokenizer.json")
    if not isinstance(data, dict):
        return None
    for added in data.get("added_tokens") or []:
        if added.get("content") == token:
            return int(added["id"])
    vocab = (data.get("model") or {}).get("vocab") or {}
    return vocab.get(token) if isinstance(vocab, dict) else None
