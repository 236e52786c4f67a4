"""The distillation losses, on padded batches.

Chunk log-probabilities come from per-token log-probabilities: with ``C`` their running sum
along the sequence and ``j(b)`` the token that ends boundary ``b``, the chunk between the
previous boundary and ``b`` has ``log p = C[j(b)] - C[j(b_prev)]`` (the first chunk starts at
the text's start). Two ways to compare a student chunk ``s`` with its teacher ``t``:

- ``squared``: ``(s - t)^2``, a regression on the log-likelihood of each chunk;
- ``binary_kl``: ALM's binarised f-divergence with the KL divergence: each chunk is a coin
  that comes up "this chunk" with probability ``p = exp(t / T)`` under the teacher and
  ``q = exp(s / T)`` under the student, and the loss is ``KL(Bern(p) || Bern(q)) =
  p log(p/q) + (1-p) log((1-p)/(1-q))``; ``T`` (temperature) > 1 keeps long, improbable
  chunks from vanishing.

Both are zero exactly when the student gives every chunk the teacher's probability. The hidden
loss is the squared distance between the two models' hidden states after each boundary,
divided by the teacher's mean squared norm (a scale-free number, 1.0 for a zero student).
"""

from __future__ import annotations

import math
from typing import Any

CHUNK_LOSSES = ("squared", "binary_kl")


def token_logprobs(logits: Any, targets: Any) -> Any:
    """``log p(targets[:, j] | ...)`` from ``logits[:, j]`` (float32, shape of ``targets``)."""
    import torch

    logp = torch.log_softmax(logits.float(), dim=-1)
    return logp.gather(-1, targets.unsqueeze(-1)).squeeze(-1)


def chunk_logprobs(token_lp: Any, index: Any) -> Any:
    """Chunk log-probabilities from per-token ones: ``index[:, k]`` is the token ending chunk
    ``k`` (increasing along a row; padding repeats the last index, giving empty chunks)."""
    import torch

    running = torch.cat([token_lp.new_zeros(token_lp.shape[0], 1), token_lp.cumsum(-1)], dim=-1)
    ends = running.gather(-1, index + 1)
    starts = torch.cat([running[:, :1], ends[:, :-1]], dim=-1)
    return ends - starts


def log1mexp(x: Any) -> Any:
    """``log(1 - exp(x))`` for ``x < 0``, accurate at both ends (Mächler 2012)."""
    import torch

    return torch.where(x > -math.log(2), torch.log(-torch.expm1(x)), torch.log1p(-torch.exp(x)))


def chunk_loss(student: Any, teacher: Any, mask: Any, kind: str, temperature: float = 1.0) -> Any:
    """Mean over real chunks (``mask``) of the chosen divergence (see the module docstring)."""
    if kind == "squared":
        per_chunk = (student - teacher) ** 2
    elif kind == "binary_kl":
        # a chunk of probability 1 would make log(1 - p) infinite; no real chunk is that sure
        a = (teacher / temperature).clamp(max=-1e-6)
        b = (student / temperature).clamp(max=-1e-6)
        p = a.exp()
        per_chunk = p * (a - b) + (1 - p) * (log1mexp(a) - log1mexp(b))
    else:
        raise ValueError(f"chunk loss {kind!r} is not one of {CHUNK_LOSSES}")
    mask = mask.to(per_chunk.dtype)
    return (per_chunk * mask).sum() / mask.sum().clamp(min=1)


def hidden_loss(student: Any, teacher: Any, mask: Any) -> Any:
    """Squared distance of hidden states at the boundaries over the teacher's mean squared
    norm; ``student``/``teacher`` are (batch, chunks, dim), ``mask`` (batch, chunks)."""
    mask = mask.to(student.dtype)
    teacher = teacher.to(student.dtype)
    dist = ((student - teacher) ** 2).sum(-1)
    norm = (teacher**2).sum(-1)
    return (dist * mask).sum() / (norm * mask).sum().clamp(min=1e-12)
