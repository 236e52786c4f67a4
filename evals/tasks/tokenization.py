"""tokenization: how many tokens the same content costs in Russian and in English.

Counted on the parallel prompts and reference answers (identical content in both languages),
so the Russian/English ratio of ``tokens_per_word`` etc. is the tokenizer's *premium*.
Counts come from ``ruadapt.tokenizer.stats.tokenizer_stats``.
"""

from __future__ import annotations

from typing import Any

from ruadapt_evals.data import LANGUAGES

from ruadapt.contracts import EvalTask


def texts_of(ctx: Any, lang: str) -> list[str]:
    """Prompts and (where present) references of one language."""
    out = []
    for pair in ctx.prompts:
        out.append(pair.prompt(lang))
        if pair.reference(lang):
            out.append(pair.reference(lang))
    return out


def density(tokenizer: Any, texts: list[str]) -> dict[str, float]:
    """Tokens per word/char/byte of ``texts`` (no special tokens; words by razdel), by the
    same function as ``ruadapt tokenizer stats``, so both commands report identical numbers."""
    from ruadapt.tokenizer.stats import tokenizer_stats

    stats = tokenizer_stats(tokenizer, texts)
    keys = ("tokens_per_word", "tokens_per_char", "tokens_per_byte", "chars_per_token")
    return {k: stats[k] for k in (*keys, "tokens", "words", "chars", "bytes")}


def run(ctx: Any) -> dict[str, Any]:
    """Per-language token densities and the tokenizer's vocabulary size."""
    result: dict[str, Any] = {
        lang: density(ctx.tokenizer, texts_of(ctx, lang)) for lang in LANGUAGES
    }
    result["settings"] = {
        "vocab_size": len(ctx.tokenizer),
        "texts_per_language": len(texts_of(ctx, "ru")),
    }
    return result


TASK = EvalTask(
    name="tokenization",
    run=run,
    summary="tokens per word/char/byte on identical content; ru/en ratio = tokenizer premium",
)
