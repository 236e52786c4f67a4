"""Rollouts: sample completions for a batch of prompts and measure them.

Generation is batched with left padding and uses the KV cache (``model.generate``). Then one
forward pass each over prompt + response gives the policy's log-probabilities and values,
and the reference's log-probabilities (the frozen copy, or the base with the LoRA adapter
switched off). Log-probabilities are of ``logits / temperature``: the distribution sampled.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

import torch


class ValueHead(torch.nn.Module):
    """A scalar state value from the policy's last hidden state (one linear layer)."""

    def __init__(self, hidden_size: int) -> None:
        super().__init__()
        self.summary = torch.nn.Linear(hidden_size, 1)
        torch.nn.init.zeros_(self.summary.weight)  # V starts at 0: no bias in early advantages
        torch.nn.init.zeros_(self.summary.bias)

    needs_hidden = True  # reads the policy's hidden states: no forward pass of its own

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        return self.summary(hidden.to(self.summary.weight.dtype)).squeeze(-1)


class ValueModel(torch.nn.Module):
    """A separate value model: a sequence classifier (e.g. the reward model) whose score head
    is read at every position instead of the last one, giving per-token values."""

    needs_hidden = False

    def __init__(self, classifier: Any) -> None:
        super().__init__()
        self.classifier = classifier

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, position_ids: torch.Tensor
    ) -> torch.Tensor:
        backbone = getattr(self.classifier, self.classifier.base_model_prefix)
        hidden = backbone(
            input_ids=input_ids, attention_mask=attention_mask, position_ids=position_ids
        ).last_hidden_state
        return self.classifier.score(hidden).squeeze(-1).float()


@dataclass
class Rollout:
    """One batch of experience; per-token tensors cover the response positions only."""

    input_ids: torch.Tensor  # (B, P + R): left-padded prompt, then the response
    attention_mask: torch.Tensor  # (B, P + R)
    prompt_length: int  # P
    mask: torch.Tensor  # (B, R): 1 on response tokens up to and including EOS
    logprobs: torch.Tensor  # (B, R)
    ref_logprobs: torch.Tensor  # (B, R)
    values: torch.Tensor  # (B, R)
    prompts: list[str]
    completions: list[str]


def render_prompts(tokenizer: Any, prompts: list[list[dict]]) -> list[str]:
    """Chat-template each prompt, ending where the assistant starts answering."""
    return [
        tokenizer.apply_chat_template(p, tokenize=False, add_generation_prompt=True)
        for p in prompts
    ]


def encode_left(tokenizer: Any, texts: list[str], max_length: int) -> Any:
    """Left-padded, left-truncated batch: a long prompt loses its start, never the turn
    marker where the answer begins. The tokenizer's own settings are left as they were."""
    sides = tokenizer.padding_side, tokenizer.truncation_side
    tokenizer.padding_side = tokenizer.truncation_side = "left"
    try:
        return tokenizer(
            texts,
            return_tensors="pt",
            padding=True,
            truncation=True,
            max_length=max_length,
            add_special_tokens=False,
        )
    finally:
        tokenizer.padding_side, tokenizer.truncation_side = sides


def response_mask(response: torch.Tensor, eos_ids: set[int]) -> torch.Tensor:
    """1 on every token up to and including the first EOS, 0 after it."""
    is_eos = torch.zeros_like(response, dtype=torch.bool)
    for eos in eos_ids:
        is_eos |= response == eos
    after_eos = (is_eos.long().cumsum(1) - is_eos.long()) > 0
    return (~after_eos).long()


def forward_logprobs(
    model: Any,
    value_head: ValueHead | ValueModel | None,
    input_ids: torch.Tensor,
    attention_mask: torch.Tensor,
    prompt_length: int,
    temperature: float,
    with_entropy: bool = False,
) -> tuple[torch.Tensor, torch.Tensor | None, torch.Tensor | None]:
    """Log-probabilities of the response tokens (and values, entropy) in one forward pass."""
    position_ids = (attention_mask.cumsum(1) - 1).clamp(min=0)
    out = model(
        input_ids=input_ids,
        attention_mask=attention_mask,
        position_ids=position_ids,
        output_hidden_states=value_head is not None and value_head.needs_hidden,
        use_cache=False,
    )
    # the logits at position t predict token t + 1
    logits = out.logits[:, prompt_length - 1 : -1].float() / temperature
    targets = input_ids[:, prompt_length:]
    logp_all = torch.log_softmax(logits, dim=-1)
    logprobs = logp_all.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    values = None
    if value_head is not None and value_head.needs_hidden:
        values = value_head(out.hidden_states[-1][:, prompt_length - 1 : -1])
    elif value_head is not None:
        values = value_head(input_ids, attention_mask, position_ids)[:, prompt_length - 1 : -1]
    entropy = -(logp_all.exp() * logp_all).sum(-1) if with_entropy else None
    return logprobs, values, entropy


@torch.no_grad()
def sample(
    policy: Any,
    value_head: ValueHead | ValueModel | None,
    reference: Any,
    tokenizer: Any,
    prompts: list[list[dict]],
    *,
    max_new_tokens: int,
    temperature: float,
    top_p: float,
    max_prompt_length: int,
) -> Rollout:
    """Generate one completion per prompt and compute log-probabilities and values.

    ``reference`` None means: the policy is a PEFT model, the reference is its base with
    the adapter disabled.
    """
    device = next(policy.parameters()).device
    texts = render_prompts(tokenizer, prompts)
    enc = encode_left(tokenizer, texts, max_prompt_length).to(device)
    eos_ids = _eos_ids(tokenizer, policy)
    was_training = policy.training
    policy.eval()
    generated = policy.generate(
        **enc,
        do_sample=True,
        temperature=temperature,
        top_p=top_p,
        top_k=0,
        max_new_tokens=max_new_tokens,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=sorted(eos_ids),
        use_cache=True,
    )
    prompt_length = enc["input_ids"].shape[1]
    response = generated[:, prompt_length:]
    mask = response_mask(response, eos_ids)
    attention_mask = torch.cat([enc["attention_mask"], mask], dim=1)
    # pad after EOS so the rows are well formed; the mask keeps them out of every loss
    input_ids = generated.clone()
    input_ids[:, prompt_length:][mask == 0] = tokenizer.pad_token_id
    logprobs, values, _ = forward_logprobs(
        policy, value_head, input_ids, attention_mask, prompt_length, temperature
    )
    ref_ctx = policy.disable_adapter() if reference is None else nullcontext()
    with ref_ctx:
        ref_logprobs, _, _ = forward_logprobs(
            reference if reference is not None else policy,
            None,
            input_ids.to(_device(reference, device)),
            attention_mask.to(_device(reference, device)),
            prompt_length,
            temperature,
        )
    policy.train(was_training)
    completions = tokenizer.batch_decode(
        [row[m.bool()] for row, m in zip(response, mask, strict=True)], skip_special_tokens=True
    )
    return Rollout(
        input_ids=input_ids,
        attention_mask=attention_mask,
        prompt_length=prompt_length,
        mask=mask.float(),
        logprobs=logprobs,
        ref_logprobs=ref_logprobs.to(device),
        values=values.float() if values is not None else torch.zeros_like(logprobs),
        prompts=[p[-1]["content"] for p in prompts],
        completions=completions,
    )


def _eos_ids(tokenizer: Any, model: Any) -> set[int]:
    ids = {tokenizer.eos_token_id}
    configured = getattr(getattr(model, "generation_config", None), "eos_token_id", None)
    if isinstance(configured, int):
        ids.add(configured)
    elif configured:
        ids.update(configured)
    return {i for i in ids if i is not None}


def _device(model: Any, default: torch.device) -> torch.device:
    if model is None:
        return default
    return next(model.parameters()).device
