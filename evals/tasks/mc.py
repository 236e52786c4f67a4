"""mc: multiple-choice accuracy by log-likelihood, the same questions in Russian and English.

Each choice is scored as the log-probability of `` choice`` after ``Question: q\\nAnswer:``
(``Вопрос: … Ответ:`` in Russian); the prediction is the best-scoring choice. The
length-normalised variant divides each score by the choice's characters, so long answers
are not penalised for having more tokens (lm-evaluation-harness's ``acc_norm`` idea).
"""

from __future__ import annotations

from typing import Any

from ruadapt_evals.data import LANGUAGES

from ruadapt.contracts import EvalTask

TEMPLATES = {"ru": "Вопрос: {q}\nОтвет:", "en": "Question: {q}\nAnswer:"}


def continuation_logprobs(
    model: Any, tokenizer: Any, pairs: list[tuple[str, str]], batch_size: int
) -> list[float]:
    """Summed log-prob of each continuation given its context (right-padded batches).

    The context is tokenized alone and the continuation's tokens are what the full text adds,
    as lm-evaluation-harness does; the leading space stays with the continuation.
    """
    rows = []
    for context, continuation in pairs:
        ctx_ids = tokenizer(context)["input_ids"]
        full = tokenizer(context + continuation)["input_ids"]
        rows.append((full[: len(ctx_ids)], full[len(ctx_ids) :]))
    return continuation_logprobs_of_ids(model, tokenizer, rows, batch_size)


def continuation_logprobs_of_ids(
    model: Any, tokenizer: Any, rows: list[tuple[list[int], list[int]]], batch_size: int
) -> list[float]:
    """Summed log-prob of each ``(context ids, continuation ids)`` row's continuation given its
    context (right-padded batches; the context must not be empty)."""
    import torch

    device = next(model.parameters()).device
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    scores: list[float] = []
    with torch.inference_mode():
        for start in range(0, len(rows), batch_size):
            batch = [c + x for c, x in rows[start : start + batch_size]]
            spans = [(len(c), len(c) + len(x)) for c, x in rows[start : start + batch_size]]
            width = max(map(len, batch))
            ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
            mask = torch.zeros_like(ids)
            for i, row in enumerate(batch):
                ids[i, : len(row)] = torch.tensor(row)
                mask[i, : len(row)] = 1
            logits = model(input_ids=ids.to(device), attention_mask=mask.to(device)).logits
            logprobs = torch.log_softmax(logits.float(), dim=-1).cpu()
            for i, (a, b) in enumerate(spans):
                # the token at position t is predicted by the logits at t - 1
                targets = ids[i, a:b]
                scores.append(logprobs[i, a - 1 : b - 1].gather(1, targets[:, None]).sum().item())
    return scores


def hits(scores: list[list[float]], answers: list[int]) -> list[int]:
    """1 for each item whose best-scoring choice is the answer (first best on ties), else 0."""
    return [
        int(max(range(len(s)), key=s.__getitem__) == a)
        for s, a in zip(scores, answers, strict=True)
    ]


def accuracy(scores: list[list[float]], answers: list[int]) -> float:
    """Share of items whose best-scoring choice is the answer (first best on ties)."""
    correct = hits(scores, answers)
    return sum(correct) / max(1, len(correct))


def run(ctx: Any) -> dict[str, Any]:
    """Accuracy and length-normalised accuracy per language."""
    from ruadapt.errors import UserError

    try:
        items = ctx.choice_items()
    except UserError as exc:
        return {"skipped": str(exc)}
    result: dict[str, Any] = {}
    for lang in LANGUAGES:
        pairs = [
            (TEMPLATES[lang].format(q=item.question(lang)), " " + choice)
            for item in items
            for choice in item.choices(lang)
        ]
        flat = continuation_logprobs(ctx.model, ctx.tokenizer, pairs, ctx.options.batch_size)
        scores, norm, k = [], [], 0
        for item in items:
            n = len(item.choices(lang))
            scores.append(flat[k : k + n])
            norm.append(
                [s / len(c) for s, c in zip(flat[k : k + n], item.choices(lang), strict=True)]
            )
            k += n
        answers = [item.answer for item in items]
        correct, correct_norm = hits(scores, answers), hits(norm, answers)
        result[lang] = {
            "mc_accuracy": sum(correct) / len(items),
            "mc_accuracy_norm": sum(correct_norm) / len(items),
            "chance": sum(1 / len(item.choices(lang)) for item in items) / len(items),
            "items": len(items),
            "per_item": {"correct": correct, "correct_norm": correct_norm},
        }
    return result


TASK = EvalTask(
    name="mc",
    run=run,
    summary="log-likelihood multiple-choice accuracy on ru-en-mc, per language",
)
