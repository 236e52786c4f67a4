"""What a model *writes*: letters per generated token, use of new tokens, degeneration.

A tokenizer's ceiling (reference characters per token) says how much text one token *could*
carry; these functions measure what the model's own answers carry. Pure functions of the
decoded answers, the ids the model generated and a tokenizer (no torch, no model), shared by
the ``generation`` eval task and the adaptation benchmarks:

    from ruadapt_evals.writing import writing_stats
    stats = writing_stats(texts, ids, tokenizer, base_vocab_size=49152, prompts=prompts)
    stats["letters_per_token"], stats["writing_efficiency"], stats["echo_rate"]

Definitions (``docs/evals.md`` says the same in prose):

- *tokens generated*: the generated ids that are not special tokens (an EOS the model emitted,
  padding), i.e. the ids that carry text; the canonical re-tokenisation has no special
  tokens either, so the two counts compare like with like.
- ``chars_per_token``, ``letters_per_token``, ``cyrillic_letters_per_token``: characters,
  letters (Cyrillic + Latin) and Cyrillic letters of the decoded answers per token generated
  (ratio of sums over answers).
- ``writing_efficiency``: ``len(tokenizer.encode(text, add_special_tokens=False))`` summed
  over answers / tokens generated. 1.0: the model writes with the tokens its tokenizer would
  choose for the same text; below 1: it spells words out in more, smaller pieces than needed
  (an extended model that ignores its new tokens).
- ``new_token_share``: share of generated tokens with id >= ``base_vocab_size`` (the tokens an
  extension added); ``canonical_new_token_share``: the same share in the canonical
  re-tokenisation of the same text, i.e. how often the new tokens *would* be used.
- ``repeated_ngram_share``: per answer, the share of its word ``n``-grams (razdel words,
  case-folded) that repeat an ``n``-gram seen earlier in the same answer; averaged over the
  answers that have at least one ``n``-gram (shorter answers cannot repeat one).
- ``early_stop_rate``: share of answers that ended before the token budget (the model emitted
  an end-of-answer token). An answer counts as stopped early when its ids end with a stop id,
  or when it is shorter than ``max_new_tokens``; without ``max_new_tokens`` the budget is
  taken to be the longest answer's length (right whenever at least one answer used it all).
- ``echo_rate``: share of answers that mostly repeat their own prompt: at least
  ``ECHO_SHARE`` (80%) of the answer's characters lie inside runs of ``ECHO_MIN_CHARS`` (12)
  or more characters copied verbatim from the prompt (both case-folded, whitespace collapsed).
  "The capital of France is Paris." after "What is the capital of France?" is not an echo
  (68% copied); "What is the capital of France? The capital" is. A long shared run, not a
  similarity score: chrF of answer against prompt also rewards an on-topic answer.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from ruadapt_evals.metrics import _is_cyrillic, _is_latin, words

ECHO_MIN_CHARS = 12  # a copied run this long is no coincidence of two common words
ECHO_SHARE = 0.8  # "mostly": four fifths of the answer copied from its prompt
NGRAM = 4

# per-item list -> what one entry is (the eval keeps these for bootstrap intervals)
PER_ITEM_KEYS = (
    "gen_chars",  # characters of the decoded answer
    "gen_letters",  # Cyrillic + Latin letters
    "gen_cyrillic",  # Cyrillic letters
    "gen_tokens",  # non-special generated ids
    "canonical_tokens",  # len(tokenizer.encode(answer, add_special_tokens=False))
    "new_ids",  # generated ids >= base_vocab_size (only with a base vocabulary size)
    "canonical_new_ids",  # canonical ids >= base_vocab_size (only with a base size)
    "ngrams",  # word n-grams of the answer
    "repeated_ngrams",  # of which repeat an earlier one
    "early_stop",  # 1 when the answer ended before the token budget
    "echo",  # 1 when the answer mostly repeats its prompt (only with prompts)
    "echo_share",  # share of the answer's characters copied from the prompt (with prompts)
)


def count_letters(text: str) -> tuple[int, int]:
    """``(letters, cyrillic letters)`` of ``text``: letters are Cyrillic + Latin."""
    cyrillic = sum(map(_is_cyrillic, text))
    return cyrillic + sum(map(_is_latin, text)), cyrillic


def repeated_ngrams(text: str, n: int = NGRAM) -> tuple[int, int]:
    """``(n-grams, n-grams that repeat an earlier one)`` of the answer's case-folded words."""
    tokens = [w.casefold() for w in words(text)]
    grams = [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
    seen: set[tuple[str, ...]] = set()
    repeats = 0
    for gram in grams:
        repeats += gram in seen
        seen.add(gram)
    return len(grams), repeats


def _normalise(text: str) -> str:
    return " ".join(text.casefold().split())


def echo_share(answer: str, prompt: str, min_chars: int = ECHO_MIN_CHARS) -> float:
    """Share of the answer's characters inside runs of ``min_chars`` or more characters that
    also occur in ``prompt`` (both case-folded, whitespace collapsed); 0 for an empty or
    shorter answer. Every ``min_chars``-window of the answer found in the prompt marks its
    characters, so overlapping windows cover a longer copied run, however often repeated."""
    a, p = _normalise(answer), _normalise(prompt)
    if len(a) < min_chars or len(p) < min_chars:
        return 0.0
    windows = {p[i : i + min_chars] for i in range(len(p) - min_chars + 1)}
    covered = [False] * len(a)
    for i in range(len(a) - min_chars + 1):
        if a[i : i + min_chars] in windows:
            covered[i : i + min_chars] = [True] * min_chars
    return sum(covered) / len(a)


def is_echo(answer: str, prompt: str) -> bool:
    """True when at least ``ECHO_SHARE`` of the answer is copied from its prompt."""
    return echo_share(answer, prompt) >= ECHO_SHARE


def _special_ids(tokenizer: Any) -> set[int]:
    return {int(i) for i in getattr(tokenizer, "all_special_ids", []) or [] if i is not None}


def _stop_ids(tokenizer: Any, stop_ids: Iterable[int] | None) -> set[int]:
    if stop_ids is not None:
        return {int(i) for i in stop_ids}
    eos = getattr(tokenizer, "eos_token_id", None)
    return set() if eos is None else {int(eos)}


def per_item_writing(
    texts: Sequence[str],
    generated_ids: Sequence[Sequence[int]],
    tokenizer: Any,
    *,
    base_vocab_size: int | None,
    prompts: Sequence[str] | None = None,
    n: int = NGRAM,
    max_new_tokens: int | None = None,
    stop_ids: Iterable[int] | None = None,
) -> dict[str, list[int | float]]:
    """Per-answer counts (``PER_ITEM_KEYS``), one entry per answer, for bootstrap intervals.

    ``texts[i]`` is the decoded answer whose ids are ``generated_ids[i]`` (the new ids only,
    cut at or just after an end-of-answer id). ``new_ids``/``canonical_new_ids`` are left out
    without ``base_vocab_size``, ``echo``/``echo_share`` without ``prompts``. ``stop_ids``
    default to the tokenizer's EOS id.
    """
    if len(texts) != len(generated_ids):
        raise ValueError(f"{len(texts)} texts but {len(generated_ids)} id lists")
    if prompts is not None and len(prompts) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(prompts)} prompts")
    special = _special_ids(tokenizer)
    stops = _stop_ids(tokenizer, stop_ids)
    budget = max_new_tokens
    if budget is None:  # see the module docstring: the longest answer used the budget
        budget = max((len(ids) for ids in generated_ids), default=0)
    out: dict[str, list[int | float]] = {k: [] for k in PER_ITEM_KEYS}
    for i, (text, ids) in enumerate(zip(texts, generated_ids, strict=True)):
        ids = [int(t) for t in ids]
        content = [t for t in ids if t not in special]
        canonical = list(tokenizer.encode(text, add_special_tokens=False))
        letters, cyrillic = count_letters(text)
        grams, repeats = repeated_ngrams(text, n)
        out["gen_chars"].append(len(text))
        out["gen_letters"].append(letters)
        out["gen_cyrillic"].append(cyrillic)
        out["gen_tokens"].append(len(content))
        out["canonical_tokens"].append(len(canonical))
        if base_vocab_size is not None:
            out["new_ids"].append(sum(t >= base_vocab_size for t in content))
            out["canonical_new_ids"].append(sum(t >= base_vocab_size for t in canonical))
        out["ngrams"].append(grams)
        out["repeated_ngrams"].append(repeats)
        out["early_stop"].append(int(bool(ids and ids[-1] in stops) or len(ids) < budget))
        if prompts is not None:
            share = echo_share(text, prompts[i])
            out["echo_share"].append(share)
            out["echo"].append(int(share >= ECHO_SHARE))
    dropped = set()
    if base_vocab_size is None:
        dropped |= {"new_ids", "canonical_new_ids"}
    if prompts is None:
        dropped |= {"echo", "echo_share"}
    return {k: v for k, v in out.items() if k not in dropped}


def _ratio(num: Sequence[float], den: Sequence[float]) -> float:
    total = sum(den)
    return sum(num) / total if total else math.nan


def mean_share(parts: Sequence[float], wholes: Sequence[float]) -> float:
    """Mean of ``parts[i] / wholes[i]`` over the items with ``wholes[i] > 0`` (NaN if none)."""
    shares = [p / w for p, w in zip(parts, wholes, strict=True) if w > 0]
    return sum(shares) / len(shares) if shares else math.nan


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else math.nan


def summarize_writing(items: dict[str, list[Any]]) -> dict[str, float | None]:
    """The aggregate figures (``writing_stats``' keys) from ``per_item_writing`` lists."""
    tokens, canonical = items["gen_tokens"], items["canonical_tokens"]
    has_new = "new_ids" in items
    return {
        "chars_per_token": _ratio(items["gen_chars"], tokens),
        "letters_per_token": _ratio(items["gen_letters"], tokens),
        "cyrillic_letters_per_token": _ratio(items["gen_cyrillic"], tokens),
        "writing_efficiency": _ratio(canonical, tokens),
        "new_token_share": _ratio(items["new_ids"], tokens) if has_new else None,
        "canonical_new_token_share": (
            _ratio(items["canonical_new_ids"], canonical) if has_new else None
        ),
        "repeated_ngram_share": mean_share(items["repeated_ngrams"], items["ngrams"]),
        "early_stop_rate": _mean(items["early_stop"]),
        "echo_rate": _mean(items["echo"]) if "echo" in items else None,
        "tokens_generated": float(sum(tokens)),
        "canonical_tokens": float(sum(canonical)),
        "answers": float(len(tokens)),
    }


def writing_stats(
    texts: list[str],
    generated_ids: list[list[int]],
    tokenizer: Any,
    *,
    base_vocab_size: int | None,
    prompts: list[str] | None = None,
    n: int = NGRAM,
    max_new_tokens: int | None = None,
    stop_ids: Iterable[int] | None = None,
) -> dict[str, float | None]:
    """Aggregate writing figures over one language's answers (see the module docstring).

    Keys: ``chars_per_token``, ``letters_per_token``, ``cyrillic_letters_per_token``,
    ``writing_efficiency``, ``new_token_share`` and ``canonical_new_token_share`` (None
    without ``base_vocab_size``), ``repeated_ngram_share``, ``early_stop_rate``,
    ``echo_rate`` (None without ``prompts``), ``tokens_generated``, ``canonical_tokens``,
    ``answers``. Ratios over no tokens are NaN.
    """
    items = per_item_writing(
        texts,
        generated_ids,
        tokenizer,
        base_vocab_size=base_vocab_size,
        prompts=prompts,
        n=n,
        max_new_tokens=max_new_tokens,
        stop_ids=stop_ids,
    )
    return summarize_writing(items)
