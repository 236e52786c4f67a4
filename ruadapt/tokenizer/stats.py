"""Tokenizer statistics: how many tokens a tokenizer spends on Russian and English text.

Words are counted with ``razdel`` (the standard Russian tokenizer; it also segments English
sensibly), keeping only tokens that contain a letter or digit, so punctuation does not dilute
tokens-per-word. The "Russian premium" is Russian tokens over English tokens on parallel text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ruadapt.errors import UserError

_WORDLIKE = re.compile(r"\w")


def count_words(text: str) -> int:
    """Words in ``text`` per razdel (tokens with at least one letter or digit)."""
    from razdel import tokenize

    return sum(1 for t in tokenize(text) if _WORDLIKE.search(t.text))


def _ratio(a: float, b: float) -> float:
    return round(a / b, 4) if b else 0.0


def tokenizer_stats(tokenizer: Any, texts: list[str]) -> dict[str, Any]:
    """Tokens, characters, UTF-8 bytes and words of ``texts`` and their ratios.

    Keys: ``tokens, chars, bytes, words, tokens_per_word, tokens_per_char, tokens_per_byte,
    chars_per_token``. Special tokens (BOS/EOS) are not added, so only the text is counted.
    """
    if isinstance(texts, str):
        texts = [texts]
    texts = list(texts)
    encoded = tokenizer(texts, add_special_tokens=False)["input_ids"] if texts else []
    tokens = sum(map(len, encoded))
    chars = sum(map(len, texts))
    n_bytes = sum(len(t.encode("utf-8")) for t in texts)
    words = sum(map(count_words, texts))
    return {
        "texts": len(texts),
        "tokens": tokens,
        "chars": chars,
        "bytes": n_bytes,
        "words": words,
        "tokens_per_word": _ratio(tokens, words),
        "tokens_per_char": _ratio(tokens, chars),
        "tokens_per_byte": _ratio(tokens, n_bytes),
        "chars_per_token": _ratio(chars, tokens),
    }


def cyrillic_vocab_share(tokenizer: Any) -> float:
    """Share of the vocabulary whose tokens contain a Cyrillic character (decoded form)."""
    from ruadapt.tokenizer.family import has_cyrillic, token_bytes, tokenizer_family

    try:
        family = tokenizer_family(tokenizer)
    except UserError:
        family = None
    vocab = tokenizer.get_vocab()
    if not vocab:
        return 0.0
    n = 0
    for token in vocab:
        text = token_bytes(token, family).decode("utf-8", "ignore") if family else token
        n += has_cyrillic(text)
    return round(n / len(vocab), 4)


def compare_stats(tokenizers: dict[str, Any], parallel: dict[str, list[str]]) -> dict[str, Any]:
    """Statistics of each named tokenizer on each language of ``parallel`` (aligned texts).

    Returns ``{"tokenizers": {name: {lang: stats, "ru_en_ratio", "vocab_size",
    "cyrillic_vocab_share"}}, "reduction": {lang: {"tokens_per_word_pct": ...}}}``; the
    reduction (percent fewer tokens of the last tokenizer against the first) is present when
    two or more tokenizers are given.
    """
    if not tokenizers:
        raise UserError("compare_stats needs at least one tokenizer")
    out: dict[str, Any] = {"tokenizers": {}}
    for name, tok in tokenizers.items():
        entry: dict[str, Any] = {
            lang: tokenizer_stats(tok, texts) for lang, texts in parallel.items()
        }
        if "ru" in entry and "en" in entry:
            # tokens for the same content in Russian vs English: 1.0 means parity
            entry["ru_en_ratio"] = _ratio(entry["ru"]["tokens"], entry["en"]["tokens"])
        entry["vocab_size"] = len(tok)
        entry["cyrillic_vocab_share"] = cyrillic_vocab_share(tok)
        out["tokenizers"][name] = entry
    names = list(tokenizers)
    if len(names) >= 2:
        first, last = out["tokenizers"][names[0]], out["tokenizers"][names[-1]]
        out["reduction"] = {
            "base": names[0],
            "new": names[-1],
            **{
                lang: {
                    "tokens_pct": round(
                        100 * (1 - last[lang]["tokens"] / max(1, first[lang]["tokens"])), 2
                    ),
                    "tokens_per_word_pct": round(
                        100
                        * (
                            1
                            - last[lang]["tokens_per_word"] / (first[lang]["tokens_per_word"] or 1)
                        ),
                        2,
                    ),
                }
                for lang in parallel
            },
        }
    return out


def load_parallel(data: str = "ru-en-parallel") -> dict[str, list[str]]:
    """Aligned Russian and English texts from a bundled set or a JSONL file with ``ru``/``en``
    (and optional ``ru_reference``/``en_reference``, counted too) fields."""
    from ruadapt.data.bundled import BUNDLED, bundled_path
    from ruadapt.data.readers import read_records

    path = bundled_path(data) if data in BUNDLED else Path(data)
    if not path.is_file():
        raise UserError(f"--data {data}: no such file or bundled dataset")
    texts: dict[str, list[str]] = {"ru": [], "en": []}
    for row in read_records(path):
        record = row.record
        if not all(isinstance(record.get(k), str) for k in ("ru", "en")):
            raise UserError(f"{row.where}: needs string fields 'ru' and 'en'")
        for lang in ("ru", "en"):
            texts[lang].append(record[lang])
        ref_ru, ref_en = record.get("ru_reference"), record.get("en_reference")
        if isinstance(ref_ru, str) and isinstance(ref_en, str):
            texts["ru"].append(ref_ru)
            texts["en"].append(ref_en)
    if not texts["ru"]:
        raise UserError(f"{path}: no records")
    return texts
