"""Batched greedy generation: prompt formatting, left padding, length-sorted batches.

Shared by the generation task (answers stop at EOS) and the speed task (a fixed budget of
new tokens with EOS suppressed). torch is imported inside functions.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

PROMPT_FORMATS = ("auto", "chat", "plain")


def uses_chat(tokenizer: Any, prompt_format: str) -> bool:
    """``auto`` uses the tokenizer's chat template when it has one (instruct models do)."""
    if prompt_format not in PROMPT_FORMATS:
        raise ValueError(f"prompt_format must be one of {PROMPT_FORMATS}")
    return prompt_format == "chat" or (
        prompt_format == "auto" and bool(getattr(tokenizer, "chat_template", None))
    )


def encode_prompts(tokenizer: Any, texts: Sequence[str], prompt_format: str) -> list[list[int]]:
    """Token ids of each prompt, as a user turn with the generation prompt in chat format."""
    if uses_chat(tokenizer, prompt_format):
        rendered = [
            tokenizer.apply_chat_template(
                [{"role": "user", "content": t}], tokenize=False, add_generation_prompt=True
            )
            for t in texts
        ]
        # the template already holds any special tokens; adding more would double BOS
        return [tokenizer(r, add_special_tokens=False)["input_ids"] for r in rendered]
    return [tokenizer(t)["input_ids"] for t in texts]


def length_batches(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    """Indices grouped into batches of similar length, so little compute goes to padding."""
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], i))
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


def left_pad(rows: Sequence[Sequence[int]], pad_id: int, device: Any) -> dict[str, Any]:
    """``input_ids`` and ``attention_mask`` with padding on the left (decoder-only models
    continue from the last position, so real tokens must end every row)."""
    import torch

    width = max(map(len, rows))
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    mask = torch.zeros_like(ids)
    for i, row in enumerate(rows):
        ids[i, width - len(row) :] = torch.tensor(row, dtype=torch.long)
        mask[i, width - len(row) :] = 1
    return {"input_ids": ids.to(device), "attention_mask": mask.to(device)}


def eos_ids(model: Any, tokenizer: Any) -> list[int]:
    """Every id that ends an answer (a model may list several, e.g. <|eot_id|> and EOS)."""
    eos = getattr(model.generation_config, "eos_token_id", None)
    if eos is None:
        eos = tokenizer.eos_token_id
    ids = eos if isinstance(eos, list) else [eos]
    return [int(i) for i in ids if i is not None]


def greedy_config(model: Any, tokenizer: Any, max_new_tokens: int, *, fixed_length: bool) -> Any:
    """A fresh greedy GenerationConfig: a model's own sampling defaults must not leak in.
    ``fixed_length`` forces exactly ``max_new_tokens`` (EOS suppressed until then)."""
    from transformers import GenerationConfig

    eos = eos_ids(model, tokenizer)
    return GenerationConfig(
        max_new_tokens=max_new_tokens,
        min_new_tokens=max_new_tokens if fixed_length else 0,
        do_sample=False,
        num_beams=1,
        use_cache=True,
        eos_token_id=eos or None,
        pad_token_id=tokenizer.pad_token_id if tokenizer.pad_token_id is not None else eos[0],
    )


def generate_answers(
    model: Any,
    tokenizer: Any,
    prompts: Sequence[list[int]],
    *,
    max_new_tokens: int,
    batch_size: int,
) -> list[list[int]]:
    """New token ids per prompt (greedy, KV cache), cut at the first end-of-answer token."""
    import torch

    config = greedy_config(model, tokenizer, max_new_tokens, fixed_length=False)
    stop = set(eos_ids(model, tokenizer))
    device = next(model.parameters()).device
    out: list[list[int]] = [[] for _ in prompts]
    with torch.inference_mode():
        for batch in length_batches([len(p) for p in prompts], batch_size):
            inputs = left_pad([prompts[i] for i in batch], config.pad_token_id, device)
            new = model.generate(**inputs, generation_config=config)[
                :, inputs["input_ids"].shape[1] :
            ]
            for i, row in zip(batch, new.tolist(), strict=True):
                cut = next((k for k, t in enumerate(row) if t in stop), len(row))
                out[i] = row[:cut]
    return out


class TokenClock:
    """A generate() streamer that only notes when each step's tokens arrive.

    generate() calls ``put`` once with the prompt, then once per decoding step with that
    step's tokens for the whole batch, so the second timestamp is the first token's arrival.
    """

    def __init__(self) -> None:
        self.times: list[float] = []

    def put(self, value: Any) -> None:
        self.times.append(time.perf_counter())

    def end(self) -> None:
        pass
