"""Extend an English-centric BPE tokenizer with Russian tokens, keeping every existing id.

The new tokens are real BPE vocabulary: learned merges are appended to ``model.merges`` after
all base merges and the merged strings get fresh ids after the largest id in use. Because BPE
applies merges by rank, the base merges still fire first and produce exactly the base
segmentation; the new merges then join base tokens of Cyrillic words. Text without Cyrillic
never contains a new merge's pair, so it encodes to the same ids as before.

The pieces: ``family.py`` (which tokenizers, what their strings stand for), ``learn.py`` (the
merges, learned on top of the base vocabulary), ``card.py`` (the Markdown card of a result);
this module puts the new vocabulary into a new tokenizer.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ruadapt.errors import UserError
from ruadapt.tokenizer.family import (
    BYTE_LEVEL,
    SENTENCEPIECE,
    has_cyrillic,
    inspect_tokenizer,
    token_bytes,
    tokenizer_family,
)
from ruadapt.tokenizer.learn import count_words, learn_tokens
from ruadapt.tokenizer.pretok import record_base_tokenizer

# Re-exported: callers and plugins import these from here.
__all__ = [
    "BYTE_LEVEL",
    "FILLER_FORMAT",
    "FILLER_PATTERN",
    "SENTENCEPIECE",
    "ExtensionResult",
    "NewToken",
    "extend_tokenizer",
    "has_cyrillic",
    "token_bytes",
    "tokenizer_family",
]

log = logging.getLogger(__name__)

# A space never survives either family's normalizer/pre-tokenizer (byte-level maps it to Ġ,
# SentencePiece-style to ▁), so a filler name with a space can never be produced by encoding.
FILLER_FORMAT = "<ruadapt unused {}>"
FILLER_PATTERN = re.compile(r"^<ruadapt unused \d+>$")


@dataclass
class NewToken:
    """One token added to the vocabulary."""

    token: str  # the vocabulary string (byte-level or ▁ form)
    id: int
    text: str  # what it decodes to
    frequency: int  # pair count (or character count) when it was added
    merge: tuple[str, str] | None  # None for a character added without a merge
    example: str  # the corpus pre-token it was learned from (vocabulary form)


@dataclass
class ExtensionResult:
    """What ``extend_tokenizer`` built: the new tokenizer and a record of what was added."""

    tokenizer: Any
    family: str
    base_vocab_size: int  # len(base tokenizer), added tokens included
    requested: int
    new_tokens: list[NewToken]
    merges_added: int
    skipped_existing: int  # candidate pairs whose merged string the base already had
    filler_tokens: list[tuple[str, int]] = field(default_factory=list)
    corpus: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def new_token_ids(self) -> list[int]:
        """Ids of the learned tokens (fillers excluded)."""
        return [t.id for t in self.new_tokens]

    @property
    def vocab_size(self) -> int:
        """Rows the embedding matrix needs: the largest id in use + 1."""
        return 1 + max(self.tokenizer.get_vocab().values())

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable summary (the tokenizer itself left out)."""
        return {
            "family": self.family,
            "base_vocab_size": self.base_vocab_size,
            "vocab_size": self.vocab_size,
            "requested": self.requested,
            "new_tokens": len(self.new_tokens),
            "merges_added": self.merges_added,
            "skipped_existing": self.skipped_existing,
            "filler_tokens": len(self.filler_tokens),
            "corpus": dict(self.corpus),
            "seconds": round(self.seconds, 3),
            "tokens": [
                {"token": t.token, "id": t.id, "text": t.text, "frequency": t.frequency}
                for t in self.new_tokens
            ],
        }


def _special_kwargs(tokenizer: Any) -> dict[str, Any]:
    """Special-token and behaviour attributes to carry over to the new tokenizer object."""
    kwargs: dict[str, Any] = {}
    for name in ("bos", "eos", "unk", "sep", "pad", "cls", "mask"):
        value = getattr(tokenizer, f"_{name}_token", None)
        if value is None:
            value = getattr(tokenizer, f"{name}_token", None)
        kwargs[f"{name}_token"] = None if value is None else str(value)
    extra = getattr(tokenizer, "extra_special_tokens", None)
    if extra is None:
        extra = getattr(tokenizer, "additional_special_tokens", None)
    if isinstance(extra, dict):
        kwargs["extra_special_tokens"] = dict(extra)
    elif extra:
        kwargs["additional_special_tokens"] = [str(t) for t in extra]
    for name in (
        "model_max_length",
        "padding_side",
        "truncation_side",
        "clean_up_tokenization_spaces",
        "model_input_names",
    ):
        if hasattr(tokenizer, name):
            kwargs[name] = getattr(tokenizer, name)
    return kwargs


def extend_tokenizer(
    tokenizer: Any,
    texts: Iterable[str],
    new_tokens: int,
    *,
    pad_to_multiple_of: int | None = None,
    min_frequency: int = 2,
    show_progress: bool = True,
) -> ExtensionResult:
    """Learn ``new_tokens`` Russian BPE tokens from ``texts`` and return a new tokenizer.

    The input tokenizer is not modified. Every base token keeps its id and string; new tokens
    get ids after the largest id in use (added tokens included) and their merges are appended
    after all base merges. With ``pad_to_multiple_of`` the id space is padded with unused
    filler tokens (``<ruadapt unused N>``, unreachable by encoding). Fewer than ``new_tokens``
    are added (with a warning) only when the corpus has no more pairs seen ``min_frequency``
    times. Raises ``UserError`` for tokenizers other than byte-level or byte-fallback BPE.
    """
    from tokenizers import Tokenizer
    from transformers import PreTrainedTokenizerFast

    start = time.perf_counter()
    if isinstance(new_tokens, bool) or not isinstance(new_tokens, int) or new_tokens < 0:
        raise UserError(f"new_tokens must be a non-negative integer, got {new_tokens!r}")
    if min_frequency < 1:
        raise UserError(f"min_frequency must be at least 1, got {min_frequency}")
    if pad_to_multiple_of is not None and pad_to_multiple_of < 1:
        raise UserError(f"pad_to_multiple_of must be positive, got {pad_to_multiple_of}")
    if isinstance(texts, str):
        texts = [texts]  # a single string is one text, not an iterable of characters
    data, family = inspect_tokenizer(tokenizer)
    backend = tokenizer.backend_tokenizer
    vocab: dict[str, int] = data["model"]["vocab"]
    added_tokens = data.get("added_tokens") or []
    # Strings of added tokens count as taken: a vocabulary entry with the same string but
    # another id would make token -> id lookups ambiguous.
    taken = set(vocab) | {t["content"] for t in added_tokens}
    next_id = 1 + max([*vocab.values(), *(t["id"] for t in added_tokens), -1])

    words, corpus = count_words(texts, backend, family, show_progress)
    learned, skipped = learn_tokens(
        words, backend.model, vocab, set(taken), family, new_tokens, min_frequency, show_progress
    )
    if len(learned) < new_tokens:
        log.warning(
            "learned %d of %d requested tokens: no more Cyrillic pairs occur %d+ times",
            len(learned),
            new_tokens,
            min_frequency,
        )

    new_vocab = dict(vocab)
    # `tokenizers` gives added tokens that are missing from the model vocabulary the ids right
    # after it on load, ignoring the stored ids (Llama 3 and Qwen specials live there). Growing
    # the model vocabulary would shift them, so they are pinned into it at their own ids; the
    # added-token matcher still extracts them before BPE runs, so encoding is unchanged.
    for t in added_tokens:
        new_vocab.setdefault(t["content"], t["id"])
    merges = list(data["model"]["merges"])
    as_strings = bool(merges) and isinstance(merges[0], str)  # tokenizers < 0.20 format
    records: list[NewToken] = []
    for token, freq, merge, example in learned:
        new_vocab[token] = next_id
        if merge is not None:
            merges.append(f"{merge[0]} {merge[1]}" if as_strings else list(merge))
        text = token_bytes(token, family).decode("utf-8", "replace")
        records.append(NewToken(token, next_id, text, freq, merge, example))
        next_id += 1
    fillers: list[tuple[str, int]] = []
    if pad_to_multiple_of:
        while next_id % pad_to_multiple_of:
            name = FILLER_FORMAT.format(len(fillers))
            new_vocab[name] = next_id
            fillers.append((name, next_id))
            next_id += 1
    data["model"]["vocab"] = new_vocab
    data["model"]["merges"] = merges

    new_backend = Tokenizer.from_str(json.dumps(data, ensure_ascii=False))
    new_tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=new_backend, **_special_kwargs(tokenizer)
    )
    if getattr(tokenizer, "chat_template", None) is not None:
        new_tokenizer.chat_template = tokenizer.chat_template
    # llama.cpp names the pre-tokenizer by hashing token ids, which the new tokens change:
    # record the base's identity now for `ruadapt export gguf` (see ruadapt.tokenizer.pretok)
    record_base_tokenizer(new_tokenizer, tokenizer)
    result = ExtensionResult(
        tokenizer=new_tokenizer,
        family=family,
        base_vocab_size=len(tokenizer),
        requested=new_tokens,
        new_tokens=records,
        merges_added=sum(r.merge is not None for r in records),
        skipped_existing=skipped,
        filler_tokens=fillers,
        corpus=corpus,
    )
    result.seconds = time.perf_counter() - start
    return result
