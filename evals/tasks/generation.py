"""generation: quality of greedy answers to the same prompts in Russian and in English.

chrF++ and BLEU against the reference answers (sacrebleu, corpus level, items without a
reference left out), answer-language accuracy (is a Russian prompt answered in Cyrillic, an
English one in Latin script?), and mean answer length. A few examples go into the report.
"""

from __future__ import annotations

from typing import Any

from ruadapt_evals.data import LANGUAGES

from ruadapt.contracts import EvalTask


def quality(answers: list[str], references: list[str | None], lang: str) -> dict[str, Any]:
    """Metrics of one language's answers (``references[i]`` None = no reference for item i)."""
    from ruadapt_evals.metrics import (
        answer_language_accuracy,
        bleu,
        bleu_item_stats,
        chrf,
        chrf_item_stats,
        script_of,
        words,
    )

    scored = [(a, r) for a, r in zip(answers, references, strict=True) if r]
    out: dict[str, Any] = {}
    # per-item values, resampled for the 95% intervals (ruadapt_evals.intervals)
    per_item: dict[str, list] = {"in_language": [int(script_of(a) == lang) for a in answers]}
    if scored:
        hyps, refs = [a for a, _ in scored], [r for _, r in scored]
        out["chrf"] = chrf(hyps, refs)
        out["bleu"] = bleu(hyps, refs)
        per_item["chrf_stats"] = chrf_item_stats(hyps, refs)
        per_item["bleu_stats"] = bleu_item_stats(hyps, refs)
    out["answer_language_accuracy"] = answer_language_accuracy(answers, lang)
    out["mean_answer_chars"] = sum(map(len, answers)) / max(1, len(answers))
    out["mean_answer_words"] = sum(len(words(a)) for a in answers) / max(1, len(answers))
    out["empty_answer_rate"] = sum(not a for a in answers) / max(1, len(answers))
    out["references"] = len(scored)
    out["per_item"] = per_item
    return out


def run(ctx: Any) -> dict[str, Any]:
    """Generate (or reuse) answers and score them per language; keep a few examples."""
    result: dict[str, Any] = {}
    for lang in LANGUAGES:
        refs = [p.reference(lang) for p in ctx.prompts]
        result[lang] = quality(ctx.answers(lang), refs, lang)
    result["examples"] = [
        {
            "id": p.id,
            **{
                lang: {
                    "prompt": p.prompt(lang),
                    "answer": ctx.answers(lang)[i],
                    "reference": p.reference(lang),
                }
                for lang in LANGUAGES
            },
        }
        for i, p in enumerate(ctx.prompts[: ctx.options.examples])
    ]
    result["settings"] = {
        "max_new_tokens": ctx.options.max_new_tokens,
        "prompt_format": ctx.options.prompt_format,
        "decoding": "greedy",
    }
    return result


TASK = EvalTask(
    name="generation",
    run=run,
    summary="chrF++/BLEU vs references, answer-language accuracy, answer length",
    needs_generation=True,
)
