"""Language-modelling metrics that stay comparable across tokenizers.

Every character of every text is scored. A text longer than the model's window goes through a
sliding window: each window advances by ``stride`` tokens and scores only the tokens no earlier
window scored, so every token is scored exactly once and (after the first window of a text)
with at least ``window - stride`` tokens of context — half a window with the default stride.
Nothing is cut away, so bits per character divides the bits of all the characters by all the
characters, whatever the tokenizer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

DEFAULT_WINDOW = 1024  # tokens per forward pass; clamped to the model's position limit
LOGITS_BUDGET = 2**27  # logits elements per forward pass (512 MB in float32)


@dataclass(frozen=True)
class LMScore:
    """Bits of a set of texts under one model, with what was scored.

    ``text_bits``/``text_chars``/``text_bytes``/``text_tokens`` hold one entry per text, so
    callers can bootstrap over texts; the totals are their sums.
    """

    text_bits: tuple[float, ...]
    text_chars: tuple[int, ...]
    text_bytes: tuple[int, ...]
    text_tokens: tuple[int, ...]
    window: int
    stride: int

    @property
    def bits(self) -> float:
        return sum(self.text_bits)

    @property
    def chars(self) -> int:
        return sum(self.text_chars)

    @property
    def bytes(self) -> int:
        return sum(self.text_bytes)

    @property
    def tokens(self) -> int:
        return sum(self.text_tokens)

    @property
    def bits_per_char(self) -> float:
        return self.bits / self.chars if self.chars else math.nan

    @property
    def bits_per_byte(self) -> float:
        return self.bits / self.bytes if self.bytes else math.nan

    @property
    def bits_per_token(self) -> float:
        return self.bits / self.tokens if self.tokens else math.nan

    def summary(self) -> dict[str, Any]:
        """The headline numbers and what they were computed over (for JSON reports)."""
        return {
            "bits_per_char": self.bits_per_char,
            "bits_per_byte": self.bits_per_byte,
            "bits_per_text": self.bits / len(self.text_bits) if self.text_bits else math.nan,
            "scored_chars": self.chars,
            "scored_bytes": self.bytes,
            "scored_tokens": self.tokens,
            "texts": len(self.text_bits),
            "window": self.window,
            "stride": self.stride,
        }


def plan_windows(length: int, window: int, stride: int) -> list[tuple[int, int, int]]:
    """``(start, end, first_scored)`` spans over a sequence of ``length`` positions.

    Position 0 is the BOS prefix and is never a target. A span feeds positions ``start:end``
    and scores the targets at ``first_scored:end``; together the spans score every position
    ``1..length-1`` exactly once, each target after the first window seeing at least
    ``window - stride`` positions of context.
    """
    if window < 2 or not 1 <= stride <= window - 1:
        raise ValueError(f"need window >= 2 and 1 <= stride < window, got {window}, {stride}")
    if length < 2:
        return []
    end = min(window, length)
    spans = [(0, end, 1)]
    while end < length:
        new_end = min(end + stride, length)
        spans.append((new_end - window if new_end > window else 0, new_end, end))
        end = new_end
    return spans


def score_texts(
    model: Any,
    tokenizer: Any,
    texts: Sequence[str],
    *,
    window: int | None = None,
    stride: int | None = None,
    batch_size: int = 8,
) -> LMScore:
    """Bits of every token of every text, with a sliding window over long texts.

    Each text is scored after a BOS (or EOS) token, so its first token is predicted too.
    ``window`` defaults to ``DEFAULT_WINDOW`` and is clamped to the model's
    ``max_position_embeddings``; ``stride`` defaults to half the window (every token then
    sees at least half a window of context, except near the start of its text).
    """
    import torch

    limit = getattr(getattr(model, "config", None), "max_position_embeddings", None)
    window = window or DEFAULT_WINDOW
    if isinstance(limit, int) and limit > 1:
        window = min(window, limit)
    stride = stride or max(1, window // 2)
    prefix = (
        tokenizer.bos_token_id if tokenizer.bos_token_id is not None else tokenizer.eos_token_id
    )
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else prefix
    sequences = [
        [prefix] + tokenizer(t, add_special_tokens=False, verbose=False)["input_ids"] for t in texts
    ]
    # every window of every text, longest first so a batch pads little
    jobs = [
        (i, start, end, first)
        for i, seq in enumerate(sequences)
        for start, end, first in plan_windows(len(seq), window, stride)
    ]
    jobs.sort(key=lambda job: job[2] - job[1], reverse=True)
    vocab = getattr(getattr(model, "config", None), "vocab_size", None) or 1
    per_batch = max(1, min(batch_size, LOGITS_BUDGET // (window * vocab)))
    device = next(model.parameters()).device
    nats = [0.0] * len(texts)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            for b in range(0, len(jobs), per_batch):
                batch = jobs[b : b + per_batch]
                width = max(end - start for _, start, end, _ in batch)
                ids = torch.full((len(batch), width), pad, dtype=torch.long)
                mask = torch.zeros_like(ids)
                for row, (i, start, end, _) in enumerate(batch):
                    ids[row, : end - start] = torch.tensor(sequences[i][start:end])
                    mask[row, : end - start] = 1
                logits = model(input_ids=ids.to(device), attention_mask=mask.to(device)).logits
                for row, (i, start, end, first) in enumerate(batch):
                    # logits at position p - 1 predict the token at position p
                    pred = logits[row, first - start - 1 : end - start - 1].float()
                    target = ids[row, first - start : end - start].to(pred.device)
                    loss = torch.nn.functional.cross_entropy(pred, target, reduction="sum")
                    nats[i] += loss.item()
                del logits
    finally:
        model.train(was_training)
    return LMScore(
        text_bits=tuple(n / math.log(2) for n in nats),
        text_chars=tuple(len(t) for t in texts),
        text_bytes=tuple(len(t.encode("utf-8")) for t in texts),
        text_tokens=tuple(len(seq) - 1 for seq in sequences),
        window=window,
        stride=stride,
    )


def bits_per_char(
    model: Any,
    tokenizer: Any,
    texts: Sequence[str],
    *,
    batch_size: int = 8,
    max_length: int | None = None,
    stride: int | None = None,
) -> float:
    """Total negative log-likelihood of ``texts`` in bits divided by their characters.

    Unlike perplexity, this does not depend on how many tokens the text was cut into, so a
    model with an extended tokenizer can be compared with its base. ``max_length`` is the
    sliding window (see ``score_texts``); long texts are scored whole, never truncated.
    """
    score = score_texts(
        model, tokenizer, texts, window=max_length, stride=stride, batch_size=batch_size
    )
    return score.bits_per_char


def bits_per_byte(
    model: Any,
    tokenizer: Any,
    texts: Sequence[str],
    *,
    batch_size: int = 8,
    max_length: int | None = None,
    stride: int | None = None,
) -> float:
    """Like ``bits_per_char`` but divided by UTF-8 bytes (scripts with multi-byte letters)."""
    score = score_texts(
        model, tokenizer, texts, window=max_length, stride=stride, batch_size=batch_size
    )
    return score.bits_per_byte
