"""Preference pairs as token ids and completion masks: the building blocks of a method that
scores answers (DPO, IPO, ORPO, SimPO, ...), written once and public.

    from ruadapt.completions import tokenize_preference, collate_preference, completion_logps

    rows = run.dataset.map(tokenize_preference, fn_kwargs={"tokenizer": run.tokenizer})
    batch = collate_preference(rows[:2], run.tokenizer.pad_token_id)   # chosen rows, then rejected
    logps = completion_logps(model, batch)                              # sum over answer tokens
    chosen, rejected = logps.chunk(2)

``tokenize_preference`` splits a pair exactly as the built-in ``dpo`` (TRL's DPOTrainer) does,
and ``collate_preference`` lays a batch out as its collator does; a test checks both against
the trainer. ``render_preferences`` is for trainers that take text (TRL's CPO and ORPO).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def _common_prefix(ids: list[int], other: list[int]) -> int:
    n = 0
    for a, b in zip(ids, other, strict=False):
        if a != b:
            break
        n += 1
    return n


def _ids(tokenizer: Any, value: Any, **template: Any) -> list[int]:
    if isinstance(value, list):  # conversational: a list of messages
        out = tokenizer.apply_chat_template(value, tokenize=True, return_dict=True, **template)
        return list(out["input_ids"])
    return list(tokenizer(value)["input_ids"])


def tokenize_preference(record: dict, tokenizer: Any) -> dict[str, list[int]]:
    """``{"prompt_ids", "chosen_ids", "rejected_ids"}`` of one preference record.

    Conversations (ruadapt's ``preference`` kind) are rendered with the chat template: the
    prompt with the generation prompt, each answer as what the whole conversation adds after
    the prompt. Plain strings get the EOS token appended to each answer. The answers start
    where the tokenized prompt and prompt + answer diverge (a template may render the prompt
    alone differently), exactly as the built-in ``dpo`` computes it.
    """
    prompt, chosen, rejected = record["prompt"], record["chosen"], record["rejected"]
    if isinstance(prompt, list):
        prompt_ids = _ids(tokenizer, prompt, add_generation_prompt=True)
        with_chosen = _ids(tokenizer, prompt + chosen)
        with_rejected = _ids(tokenizer, prompt + rejected)
    else:
        eos = tokenizer.eos_token
        chosen = chosen if chosen.endswith(eos) else chosen + eos
        rejected = rejected if rejected.endswith(eos) else rejected + eos
        prompt_ids = _ids(tokenizer, prompt)
        with_chosen = _ids(tokenizer, prompt + chosen)
        with_rejected = _ids(tokenizer, prompt + rejected)
    cut = min(_common_prefix(prompt_ids, with_chosen), _common_prefix(prompt_ids, with_rejected))
    return {
        "prompt_ids": prompt_ids[:cut],
        "chosen_ids": with_chosen[cut:],
        "rejected_ids": with_rejected[cut:],
    }


def collate_preference(
    rows: Sequence[dict] | dict[str, list], pad_token_id: int, max_length: int | None = None
) -> dict[str, Any]:
    """A batch of tokenized pairs as tensors: the chosen sequences first, then the rejected.

    Returns ``input_ids`` (prompt + answer, right-padded with ``pad_token_id``),
    ``attention_mask`` and ``completion_mask`` (1 on answer tokens), each of shape
    ``(2 * pairs, length)``; sequences longer than ``max_length`` lose their end. ``rows``
    is a list of ``tokenize_preference`` outputs or a column dict (``dataset[:n]``).
    The batch has no ``labels`` key, so ``transformers.Trainer`` passes
    ``num_items_in_batch=None`` and divides a per-pair mean by the accumulation steps itself.
    """
    import torch

    if isinstance(rows, dict):
        rows = [dict(zip(rows, values, strict=True)) for values in zip(*rows.values(), strict=True)]
    sequences, masks = [], []
    for side in ("chosen_ids", "rejected_ids"):
        for row in rows:
            ids = list(row["prompt_ids"]) + list(row[side])
            mask = [0] * len(row["prompt_ids"]) + [1] * len(row[side])
            sequences.append(ids[:max_length])
            masks.append(mask[:max_length])
    length = max(len(ids) for ids in sequences)
    batch = {
        "input_ids": torch.full((len(sequences), length), pad_token_id, dtype=torch.long),
        "attention_mask": torch.zeros((len(sequences), length), dtype=torch.long),
        "completion_mask": torch.zeros((len(sequences), length), dtype=torch.long),
    }
    for i, (ids, mask) in enumerate(zip(sequences, masks, strict=True)):
        batch["input_ids"][i, : len(ids)] = torch.tensor(ids, dtype=torch.long)
        batch["attention_mask"][i, : len(ids)] = 1
        batch["completion_mask"][i, : len(ids)] = torch.tensor(mask, dtype=torch.long)
    return batch


def completion_logps(model: Any, batch: dict[str, Any], average: bool = False) -> Any:
    """``log pi(y|x)`` of each sequence's answer: summed over its answer tokens, or averaged
    with ``average=True`` (SimPO's and ORPO's length normalisation). Shape ``(sequences,)``.

    ``model`` is any causal LM, or ``run.reference_model()`` (wrap reference calls in
    ``torch.no_grad()``; the reference of a PEFT policy already runs without gradients).
    """
    import torch

    logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
    targets = batch["input_ids"][:, 1:]
    mask = batch["completion_mask"][:, 1:].to(logits.dtype)
    logps = torch.log_softmax(logits[:, :-1].float(), dim=-1)
    token_logps = logps.gather(-1, targets.unsqueeze(-1)).squeeze(-1) * mask
    total = token_logps.sum(-1)
    return total / mask.sum(-1).clamp(min=1) if average else total


def end_at_eos(record: dict, eos: str) -> dict:
    """Rendered answers end with the EOS token itself, not the template's newline after it.

    TRL's text-based preference trainers append EOS to an answer not ending in it; ChatML
    renders ``answer<|im_end|>\\n``, which would train ``<|im_end|>\\n<|im_end|>``.
    """
    out = dict(record)
    for key in ("chosen", "rejected"):
        text = record[key]
        if text.rstrip().endswith(eos):
            out[key] = text.rstrip()
    return out


def render_preferences(dataset: Any, tokenizer: Any) -> Any:
    """Conversational pairs (a ``datasets.Dataset``) -> ``prompt``/``chosen``/``rejected`` text
    rendered with the chat template, each answer ending at EOS (what CPO/ORPO tokenize)."""
    from trl.data_utils import maybe_apply_chat_template

    dataset = dataset.map(
        maybe_apply_chat_template,
        fn_kwargs={"processing_class": tokenizer},
        remove_columns=dataset.column_names,
    )
    return dataset.map(end_at_eos, fn_kwargs={"eos": tokenizer.eos_token})
