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
    """Bits per char/byte/text per language, every token scored (``ruadapt.lm_metrics``)."""
    from ruadapt.lm_metrics import score_texts

    result: dict[str, Any] = {}
    window = {}
    for lang in LANGUAGES:
        score = score_texts(
            ctx.model, ctx.tokenizer, lm_texts(ctx, lang), batch_size=ctx.options.batch_size
        )
        result[lang] = score.summary()
        window = {"window": result[lang].pop("window"), "stride": result[lang].pop("stride")}
        # per-item bits and characters: the bootstrap intervals resample these
        result[lang]["per_item"] = {
            "bits": list(score.text_bits),
            "chars": list(score.text_chars),
            "bytes": list(score.text_bytes),
        }
    with_refs = all(p.ru_reference and p.en_reference for p in ctx.prompts)
    result["settings"] = {"texts": "references" if with_refs else "prompts", **window}
    return result


TASK = EvalTask(
    name="lm",
    run=run,
    summary="bits per character of reference texts (comparable across tokenizers)",
)
