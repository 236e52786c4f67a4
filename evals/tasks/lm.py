"""lm: bits per character of the parallel reference texts.

The summed negative log-likelihood of a text in bits does not depend on how the text was cut
into tokens, so dividing by characters (or bytes) gives a number that compares a model with
an extended tokenizer against its base. ``bits_per_text`` (bits per item of identical
content) compares Russian with English on equal footing: same meaning, different length.
"""

from __future__ import annotations

from typing import Any

from ruadapt_evals.data import LANGUAGES

from ruadapt.contracts import EvalTask


def lm_texts(ctx: Any, lang: str) -> list[str]:
    """References when every item has one (the same content in both languages), else prompts."""
    if all(p.ru_reference and p.en_reference for p in ctx.prompts):
        return [p.reference(lang) for p in ctx.prompts]
    return [p.prompt(lang) for p in ctx.prompts]


def run(ctx: Any) -> dict[str, Any]:
    """Bits per char/byte/text per language, via ``ruadapt.lm_metrics.bits_per_char``."""
    from ruadapt.lm_metrics import bits_per_char

    result: dict[str, Any] = {}
    for lang in LANGUAGES:
        texts = lm_texts(ctx, lang)
        bpc = bits_per_char(ctx.model, ctx.tokenizer, texts, batch_size=ctx.options.batch_size)
        total_bits = bpc * sum(map(len, texts))
        result[lang] = {
            "bits_per_char": bpc,
            "bits_per_byte": total_bits / sum(len(t.encode("utf-8")) for t in texts),
            "bits_per_text": total_bits / len(texts),
        }
    with_refs = all(p.ru_reference and p.en_reference for p in ctx.prompts)
    result["settings"] = {"texts": "references" if with_refs else "prompts"}
    return result


TASK = EvalTask(
    name="lm",
    run=run,
    summary="bits per character of reference texts (comparable across tokenizers)",
)
