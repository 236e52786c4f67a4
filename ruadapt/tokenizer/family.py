"""Tokenizer families ruadapt can extend, and what their vocabulary strings stand for.

Byte-level BPE (GPT-2, Llama 3, Qwen) stores bytes as printable characters; SentencePiece-style
BPE with byte fallback (Llama 2, Mistral) stores ``▁`` for a space and ``<0xNN>`` for raw bytes.
The extension, the embedding initialisation and the statistics all read tokens through here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from ruadapt.errors import UserError

BYTE_LEVEL = "byte_level"
SENTENCEPIECE = "sentencepiece"
SUPPORTED = (
    "supported: fast BPE tokenizers, byte-level (GPT-2, Llama 3, Qwen) or SentencePiece-style "
    "with byte_fallback (Llama 2, Mistral)"
)
# Cyrillic, Cyrillic Supplement, Extended-A/B/C: every block a Russian-adjacent word can use.
CYRILLIC = re.compile("[\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f]")
SPIECE_SPACE = "\u2581"  # ▁
BYTE_TOKEN = re.compile(r"^<0x([0-9A-Fa-f]{2})>$")


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2's reversible byte -> printable character map used by byte-level BPE."""
    printable = (
        list(range(ord("!"), ord("~") + 1))
        + list(range(ord("¡"), ord("¬") + 1))
        + list(range(ord("®"), ord("ÿ") + 1))
    )
    chars = list(printable)
    extra = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            chars.append(256 + extra)
            extra += 1
    return dict(zip(printable, map(chr, chars), strict=True))


# byte-level character -> the latin-1 character of its byte, for a C-speed str.translate
_BYTE_TABLE = {ord(c): b for b, c in bytes_to_unicode().items()}


def token_bytes(token: str, family: str) -> bytes:
    """The UTF-8 bytes a vocabulary string stands for in ``family`` (for Cyrillic checks)."""
    if family == BYTE_LEVEL:
        try:
            return token.translate(_BYTE_TABLE).encode("latin-1")
        except UnicodeEncodeError:
            return token.encode("utf-8")  # special tokens are stored verbatim
    match = BYTE_TOKEN.match(token)
    if match:
        return bytes([int(match.group(1), 16)])
    return token.replace(SPIECE_SPACE, " ").encode("utf-8")


def has_cyrillic(text: str) -> bool:
    """Whether ``text`` contains at least one Cyrillic character."""
    return CYRILLIC.search(text) is not None


def complete_chars(data: bytes) -> bool:
    """Whether ``data`` is whole UTF-8 characters (no partial sequence at either end)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _walk(node: Any) -> Iterator[dict]:
    """Every component dict of a (possibly nested Sequence) normalizer/pre-tokenizer JSON."""
    if isinstance(node, dict):
        yield node
        for child in node.get("normalizers", []) + node.get("pretokenizers", []):
            yield from _walk(child)


def tokenizer_family(tokenizer: Any) -> str:
    """``"byte_level"`` or ``"sentencepiece"``; a ``UserError`` for anything unsupported."""
    return inspect_tokenizer(tokenizer)[1]


def inspect_tokenizer(tokenizer: Any) -> tuple[dict, str]:
    """The tokenizer's JSON and its family; a ``UserError`` for anything unsupported."""
    backend = getattr(tokenizer, "backend_tokenizer", None)
    name = type(tokenizer).__name__
    if backend is None:
        raise UserError(f"{name} is a slow (Python) tokenizer; {SUPPORTED}")
    data = json.loads(backend.to_str())
    model = data.get("model") or {}
    if model.get("type") != "BPE":
        raise UserError(f"the tokenizer's model is {model.get('type')}, not BPE; {SUPPORTED}")
    if model.get("continuing_subword_prefix") or model.get("end_of_word_suffix"):
        raise UserError(f"BPE with subword prefixes/suffixes is not supported; {SUPPORTED}")
    pre = list(_walk(data.get("pre_tokenizer")))
    norm = list(_walk(data.get("normalizer")))
    if any(p.get("type") == "ByteLevel" for p in pre):
        return data, BYTE_LEVEL
    spaces_to_metaspace = any(p.get("type") == "Metaspace" for p in pre) or any(
        n.get("type") == "Replace"
        and n.get("pattern", {}).get("String") == " "
        and n.get("content") == SPIECE_SPACE
        for n in norm
    )
    if spaces_to_metaspace and model.get("byte_fallback"):
        return data, SENTENCEPIECE
    if spaces_to_metaspace:
        raise UserError(
            f"SentencePiece-style BPE without byte_fallback is not supported; {SUPPORTED}"
        )
    raise UserError(f"BPE tokenizer without a ByteLevel or Metaspace pre-tokenizer; {SUPPORTED}")
