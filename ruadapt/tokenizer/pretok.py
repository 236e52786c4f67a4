"""The pre-tokenizer's identity, as serving engines name it, recorded when a tokenizer is extended.

llama.cpp does not read a tokenizer's pre-tokenizer rules from the file: a GGUF names one of
its built-in pre-tokenizers (``tokenizer.ggml.pre``, e.g. ``gpt-2``), and llama.cpp's own
converter guesses that name by hashing the token ids of a fixed text. Extension adds Russian
tokens, which changes those ids but not the pre-tokenizer, so the guess fails
("BPE pre-tokenizer was not recognized"). ruadapt therefore names the pre-tokenizer from its
rules (the ``pre_tokenizer`` section of ``tokenizer.json``, which extension never changes) and
records that name with the base tokenizer's size in the extended tokenizer's
``tokenizer_config.json`` (key :data:`RECORD_KEY`), where it survives every later save
(cpt, sft, merge). ``ruadapt export gguf`` reads it back.
"""

from __future__ import annotations

import json
from typing import Any

RECORD_KEY = "ruadapt_base_tokenizer"
# Names recorded by earlier versions -> llama.cpp's spelling (it refuses an unknown name).
_ALIASES = {"gpt2": "gpt-2"}

# The split patterns llama.cpp's pre-tokenizer types apply, as a tokenizer.json spells them.
_GPT2_REGEX_BYTELEVEL = {"type": "ByteLevel", "use_regex": True}
_LLAMA3_SPLIT = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+|\s+(?!\S)|\s+"
)
_QWEN2_SPLIT = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+|\s+(?!\S)|\s+"
)


def _parts(pre: Any) -> list[dict]:
    if not isinstance(pre, dict):
        return []
    if pre.get("type") == "Sequence":
        return [p for p in pre.get("pretokenizers", []) if isinstance(p, dict)]
    return [pre]


def _is(part: dict, **fields: Any) -> bool:
    return all(part.get(k, True if k == "use_regex" else None) == v for k, v in fields.items())


def _split_regex(part: dict) -> str | None:
    pattern = part.get("pattern") or {}
    if part.get("type") != "Split" or part.get("behavior") != "Isolated" or part.get("invert"):
        return None
    return pattern.get("Regex")


def llama_cpp_pre_name(pre_tokenizer: Any) -> str | None:
    """llama.cpp's name (``tokenizer.ggml.pre``) for a tokenizer.json ``pre_tokenizer``
    section, or None when none of the known ones matches.

    Known: ``gpt-2`` (byte-level with GPT-2's regex: GPT-2, the tiny model), ``smollm``
    (single digits, then GPT-2's regex), ``llama-bpe`` (Llama 3) and ``qwen2`` (Qwen2).
    """
    parts = _parts(pre_tokenizer)
    if len(parts) == 1 and _is(parts[0], **_GPT2_REGEX_BYTELEVEL):
        return "gpt-2"
    if (
        len(parts) == 2
        and _is(parts[0], type="Digits", individual_digits=True)
        and _is(parts[1], **_GPT2_REGEX_BYTELEVEL)
    ):
        return "smollm"
    if len(parts) == 2 and _is(parts[1], type="ByteLevel", use_regex=False):
        regex = _split_regex(parts[0])
        if regex == _LLAMA3_SPLIT:
            return "llama-bpe"
        if regex == _QWEN2_SPLIT:
            return "qwen2"
    return None


def tokenizer_json(tokenizer: Any) -> dict:
    """The fast tokenizer's ``tokenizer.json`` content."""
    return json.loads(tokenizer.backend_tokenizer.to_str())


def base_tokenizer_record(tokenizer: Any) -> dict[str, Any]:
    """What an extension records about its base tokenizer: llama.cpp's pre-tokenizer name
    (None when unknown), the base's size and merge count, and where it came from. A base that
    is itself extended passes its own record on (the first base is the one that counts)."""
    previous = getattr(tokenizer, "init_kwargs", {}).get(RECORD_KEY)
    if isinstance(previous, dict):
        return dict(previous)
    data = tokenizer_json(tokenizer)
    return {
        "llama_cpp_pre": llama_cpp_pre_name(data.get("pre_tokenizer")),
        "pre_tokenizer": data.get("pre_tokenizer"),
        "vocab_size": len(tokenizer),
        "merges": len((data.get("model") or {}).get("merges") or []),
        "name_or_path": str(getattr(tokenizer, "name_or_path", "") or ""),
    }


def record_base_tokenizer(new_tokenizer: Any, base_tokenizer: Any) -> None:
    """Store :func:`base_tokenizer_record` in ``new_tokenizer``'s saved config."""
    new_tokenizer.init_kwargs[RECORD_KEY] = base_tokenizer_record(base_tokenizer)


def recorded_pre_name(tokenizer: Any) -> str | None:
    """The llama.cpp pre-tokenizer name recorded at extension time, if any."""
    record = getattr(tokenizer, "init_kwargs", {}).get(RECORD_KEY)
    if isinstance(record, dict) and isinstance(record.get("llama_cpp_pre"), str):
        return _ALIASES.get(record["llama_cpp_pre"], record["llama_cpp_pre"])
    return None
