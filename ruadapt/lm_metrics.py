"""Language-modelling metrics that stay comparable across tokenizers."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any


def bits_per_char(
    model: Any, tokenizer: Any, texts: Sequence[str], *, batch_size: int = 8, max_length: int = 512
) -> float:
    """Total negative log-likelihood of ``texts`` in bits divided by their characters.

    Unlike perplexity, this does not depend on how many tokens the text was cut into, so a
    model with an extended tokenizer can be compared with its base. Each text is scored after
    a BOS (or EOS) token, so its first token is predicted too.
    """
    import torch

    prefix = (
        tokenizer.bos_token_id if tokenizer.bos_token_id is not None else tokenizer.eos_token_id
    )
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else prefix
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    total_nats, total_chars = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(texts), batch_size):
            chunk = texts[start : start + batch_size]
            encoded = [
                [prefix] + tokenizer(t, add_special_tokens=False)["input_ids"][: max_length - 1]
                for t in chunk
            ]
            width = max(map(len, encoded))
            ids = torch.full((len(encoded), width), pad, dtype=torch.long)
            mask = torch.zeros_like(ids)
            for i, seq in enumerate(encoded):
                ids[i, : len(seq)] = torch.tensor(seq)
                mask[i, : len(seq)] = 1
            ids, mask = ids.to(device), mask.to(device)
            logits = model(input_ids=ids, attention_mask=mask).logits[:, :-1].float()
            targets = ids[:, 1:]
            nll = torch.nn.functional.cross_entropy(
                logits.reshape(-1, logits.size(-1)), targets.reshape(-1), reduction="none"
            ).view_as(targets)
            total_nats += (nll * mask[:, 1:]).sum().item()
            total_chars += sum(len(t) for t in chunk)
    model.train(was_training)
    return total_nats / math.log(2) / max(1, total_chars)
