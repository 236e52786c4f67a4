"""generation: what the model writes to the same prompts in Russian and in English.

Quality: chrF++ and BLEU against the reference answers (sacrebleu, corpus level, items without
a reference left out); since chrF++ rewards length and a repeated question, also chrF++ at an
equal *character* budget (each answer cut to its reference's length, ``chrf_equal_chars``)
beside the echo baseline (the prompt itself as the answer, cut alike, ``echo_chrf``), and,
with a baseline, agreement with the baseline's answers (``agreement_chrf``). Answer-language
accuracy (is a Russian prompt answered in Cyrillic?) and mean answer length.

Writing (``ruadapt_evals.writing``): letters per generated token, writing efficiency, the
share of new-vocabulary tokens against their share in the canonical tokenisation, repeated
word 4-grams, early stops, echoed prompts. A few examples go into the report, side by side
with the baseline's answers.
"""

from __future__ import annotations

from typing import Any

from ruadapt_evals.data import LANGUAGES

from ruadapt.contracts import EvalTask


def cut(text: str, budget: int) -> str:
    """The first ``budget`` characters: the equal-character budget of the chrF++ variants."""
    return text[: max(0, budget)]


def equal_chars(
    answers: list[str],
    references: list[str | None],
    prompts: list[str] | None = None,
    others: list[str] | None = None,
) -> tuple[dict[str, Any], dict[str, list]]:
    """chrF++ that does not reward length or echoing, and its per-item counts.

    ``chrf_equal_chars``: each answer cut to its reference's length in characters, so two
    models are scored on the same amount of text whatever their tokens carry (a token budget
    lets the model with bigger tokens write more and collect more recall). ``echo_chrf``: the
    prompt itself as the answer, cut the same way: an answer scoring near it earns its score
    by repeating the question. ``agreement_chrf`` (with ``others``, the baseline's answers):
    each answer cut to the other's length and scored against it; a model against itself 100.
    ``repeated_ngram_share_equal_chars`` and ``baseline_repeated_ngram_share_equal_chars``
    (with ``others``): repeated word 4-grams of both answers to a prompt, each cut to the
    shorter one's length, so a model that writes more characters per token is not charged for
    the repeats its extra text has room for.
    """
    from ruadapt_evals.metrics import chrf, chrf_item_stats
    from ruadapt_evals.writing import mean_share, repeated_ngrams

    out: dict[str, Any] = {}
    per_item: dict[str, list] = {}
    scored = [i for i, r in enumerate(references) if r]
    if scored:
        hyps = [cut(answers[i], len(references[i] or "")) for i in scored]
        refs = [references[i] or "" for i in scored]
        out["chrf_equal_chars"] = chrf(hyps, refs)
        per_item["chrf_equal_chars_stats"] = chrf_item_stats(hyps, refs)
        if prompts is not None:
            echoes = [cut(prompts[i], len(refs[k])) for k, i in enumerate(scored)]
            out["echo_chrf"] = chrf(echoes, refs)
            per_item["echo_chrf_stats"] = chrf_item_stats(echoes, refs)
    if others is not None and len(others) == len(answers):
        # an empty answer of the other side has nothing to agree with: left out
        kept = [i for i, o in enumerate(others) if o]
        if kept:
            hyps = [cut(answers[i], len(others[i])) for i in kept]
            theirs = [others[i] for i in kept]
            out["agreement_chrf"] = chrf(hyps, theirs)
            per_item["agreement_chrf_stats"] = chrf_item_stats(hyps, theirs)
        for side, texts in (("", answers), ("baseline_", others)):
            grams = [
                repeated_ngrams(cut(texts[i], min(len(answers[i]), len(others[i]))))
                for i in range(len(answers))
            ]
            per_item[f"{side}equal_chars_ngrams"] = [g for g, _ in grams]
            per_item[f"{side}equal_chars_repeated_ngrams"] = [r for _, r in grams]
            out[f"{side}repeated_ngram_share_equal_chars"] = mean_share(
                [r for _, r in grams], [g for g, _ in grams]
            )
    return out, per_item


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


def writing(ctx: Any, lang: str, base_vocab_size: int | None) -> tuple[dict, dict[str, list]]:
    """Writing figures of one language's answers (``ruadapt_evals.writing``) and their
    per-item counts. The text is the decoded answer before the report's whitespace strip, so
    its canonical tokenisation and the generated ids cover the same characters."""
    from ruadapt_evals.writing import per_item_writing, summarize_writing

    ids = ctx.answer_ids(lang)
    texts = [ctx.tokenizer.decode(row, skip_special_tokens=True) for row in ids]
    items = per_item_writing(
        texts,
        ids,
        ctx.tokenizer,
        base_vocab_size=base_vocab_size,
        prompts=[p.prompt(lang) for p in ctx.prompts],
        # generate_answers cuts at the end-of-answer id: a row shorter than the budget stopped
        max_new_tokens=ctx.options.max_new_tokens,
    )
    stats = {k: v for k, v in summarize_writing(items).items() if v is not None}
    return stats, items


def baseline_answers(ctx: Any, lang: str) -> list[str] | None:
    """The baseline's answers to the same prompts when it has generated them (the suite runs
    the baseline first), for ``agreement_chrf``; None without a baseline."""
    other = getattr(ctx, "other", None)
    if other is None:
        return None
    return other.generated().get(lang)


def run(ctx: Any) -> dict[str, Any]:
    """Generate (or reuse) answers and score them per language; keep a few examples."""
    result: dict[str, Any] = {}
    base = ctx.base_vocab_size()
    for lang in LANGUAGES:
        refs = [p.reference(lang) for p in ctx.prompts]
        answers = ctx.answers(lang)
        entry = quality(answers, refs, lang)
        fair, fair_items = equal_chars(
            answers, refs, [p.prompt(lang) for p in ctx.prompts], baseline_answers(ctx, lang)
        )
        stats, items = writing(ctx, lang, base)
        entry.update(fair)
        entry.update(stats)
        entry["per_item"].update(fair_items)
        entry["per_item"].update(items)
        result[lang] = entry
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
        "base_vocab_size": base,
        "chrf_equal_chars": "each answer cut to its reference's length in characters",
    }
    return result


TASK = EvalTask(
    name="generation",
    run=run,
    summary=(
        "what the model writes: letters per generated token, writing efficiency, new-token "
        "share, repetition, early stops, echoes; chrF++ at equal characters beside the echo "
        "baseline and agreement with the baseline; chrF++/BLEU, answer language, length"
    ),
    needs_generation=True,
)
