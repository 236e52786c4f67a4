"""tokenization: how many tokens the same content costs in Russian and in English.

Counted on the parallel prompts and reference answers (identical content in both languages),
so the Russian/English ratio of ``tokens_per_word`` etc. is the tokenizer's *premium*.
Uses ``ruadapt.tokenizer.stats`` when it is installed, else the same definitions here.
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
    """Tokens per word/char/byte of ``texts`` (no special tokens; words by razdel).

    The one call site of ``ruadapt.tokenizer.stats.tokenizer_stats`` (shared with
    ``ruadapt tokenizer stats``), with the same definitions inline where it is not installed.
    """
    try:
        from ruadapt.tokenizer.stats import tokenizer_stats
    except ImportError:
        tokenizer_stats = None
    if tokenizer_stats is not None:
        stats = tokenizer_stats(tokenizer, texts)
        keys = ("tokens_per_word", "tokens_per_char", "tokens_per_byte", "chars_per_token")
        keys += ("tokens", "words", "chars", "bytes")
        return {k: stats[k] for k in keys}
    from ruadapt_evals.metrics import count_words

    tokens = sum(len(tokenizer(t, add_special_tokens=False)["input_ids"]) for t in texts)
    chars = sum(map(len, texts))
    n_bytes = sum(len(t.encode("utf-8")) for t in texts)
    n_words = count_words(texts)
    return {
        "tokens_per_word": tokens / max(1, n_words),
        "tokens_per_char": tokens / max(1, chars),
        "tokens_per_byte": tokens / max(1, n_bytes),
        "chars_per_token": chars / max(1, tokens),
        "tokens": tokens,
        "words": n_words,
        "chars": chars,
        "bytes": n_bytes,
    }


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
