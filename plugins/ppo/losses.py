"""The arithmetic of PPO: per-token rewards with a KL penalty, GAE, the clipped losses.

Pure functions on tensors of shape ``(batch, response_length)`` with a 0/1 ``mask`` over
the response tokens (1 up to and including the end-of-sequence token), so each is checked
against hand-computed values on tiny tensors (tests/test_ppo_losses.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch


def masked_mean(x: torch.Tensor, mask: torch.Tensor, dim: int | None = None) -> torch.Tensor:
    """Mean of ``x`` over positions where ``mask`` is 1."""
    if dim is None:
        return (x * mask).sum() / mask.sum().clamp(min=1)
    return (x * mask).sum(dim) / mask.sum(dim).clamp(min=1)


def masked_var(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Unbiased variance of ``x`` over the masked positions."""
    mean = masked_mean(x, mask)
    n = mask.sum()
    var = masked_mean((x - mean) ** 2, mask)
    return var * n / (n - 1).clamp(min=1)


def masked_whiten(x: torch.Tensor, mask: torch.Tensor, shift_mean: bool = True) -> torch.Tensor:
    """``(x - mean) / std`` over the masked positions (advantage whitening)."""
    mean, var = masked_mean(x, mask), masked_var(x, mask)
    whitened = (x - mean) * torch.rsqrt(var + 1e-8)
    if not shift_mean:
        whitened = whitened + mean
    return whitened * mask


def kl_per_token(
    logprobs: torch.Tensor, ref_logprobs: torch.Tensor, kind: str = "k1"
) -> torch.Tensor:
    """Per-token estimate of KL(pi || pi_ref) from the sampled tokens' log-probabilities.

    ``k1``: ``log pi - log pi_ref`` (unbiased, may be negative per token);
    ``k3``: ``exp(-d) - 1 + d`` with ``d = log pi - log pi_ref`` (never negative).
    """
    diff = logprobs - ref_logprobs
    if kind == "k1":
        return diff
    if kind == "k3":
        return torch.expm1(-diff) + diff
    raise ValueError(f"unknown KL estimator {kind!r}")


def token_rewards(
    scores: torch.Tensor, kl: torch.Tensor, mask: torch.Tensor, kl_coef: float
) -> torch.Tensor:
    """``r_t = -kl_coef * kl_t`` on every response token, plus the score on the last one."""
    rewards = -kl_coef * kl * mask
    last = (mask.sum(1).long() - 1).clamp(min=0)
    rows = torch.arange(len(scores), device=scores.device)
    rewards[rows, last] += scores.to(rewards.dtype)
    return rewards


def gae(
    rewards: torch.Tensor, values: torch.Tensor, mask: torch.Tensor, gamma: float, lam: float
) -> tuple[torch.Tensor, torch.Tensor]:
    """Generalised advantage estimation; returns ``(advantages, returns)``.

    ``delta_t = r_t + gamma * V_{t+1} - V_t`` (``V`` is 0 after the last response token),
    ``A_t = delta_t + gamma * lam * A_{t+1}``, ``returns = A + V``.
    """
    values = values * mask
    advantages = torch.zeros_like(rewards)
    next_adv = torch.zeros(rewards.shape[0], dtype=rewards.dtype, device=rewards.device)
    next_value = torch.zeros_like(next_adv)
    for t in reversed(range(rewards.shape[1])):
        m = mask[:, t]
        delta = rewards[:, t] + gamma * next_value - values[:, t]
        adv = delta + gamma * lam * next_adv
        advantages[:, t] = adv * m
        # positions past the end carry nothing back into the response
        next_adv = adv * m
        next_value = values[:, t] * m
    return advantages, (advantages + values) * mask


def policy_loss(
    logprobs: torch.Tensor,
    old_logprobs: torch.Tensor,
    advantages: torch.Tensor,
    mask: torch.Tensor,
    clip_range: float,
) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """Clipped surrogate: ``mean(max(-A * ratio, -A * clip(ratio, 1 - eps, 1 + eps)))``.

    Also returns ``clipfrac`` (share of tokens where the clipped term wins) and
    ``approx_kl`` (``0.5 * mean((log ratio)^2)``).
    """
    log_ratio = logprobs - old_logprobs
    ratio = torch.exp(log_ratio)
    unclipped = -advantages * ratio
    clipped = -advantages * torch.clamp(ratio, 1.0 - clip_range, 1.0 + clip_range)
    loss = masked_mean(torch.maximum(unclipped, clipped), mask)
    with torch.no_grad():
        stats = {
            "clipfrac": masked_mean((clipped > unclipped).float(), mask),
            "approx_kl": 0.5 * masked_mean(log_ratio**2, mask),
        }
    return loss, stats


def value_loss(
    values: torch.Tensor,
    old_values: torch.Tensor,
    returns: torch.Tensor,
    mask: torch.Tensor,
    clip_range_value: float,
) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """Clipped value loss: ``0.5 * mean(max((V - R)^2, (V_clip - R)^2))``,
    ``V_clip = V_old + clip(V - V_old, -c, c)``."""
    clipped = old_values + torch.clamp(values - old_values, -clip_range_value, clip_range_value)
    loss = 0.5 * masked_mean(torch.maximum((values - returns) ** 2, (clipped - returns) ** 2), mask)
    with torch.no_grad():
        stats = {
            "vf_clipfrac": masked_mean(
                ((clipped - returns) ** 2 > (values - returns) ** 2).float(), mask
            )
        }
    return loss, stats


def entropy_from_logits(logits: torch.Tensor) -> torch.Tensor:
    """Entropy of the categorical distribution of each position's logits."""
    logp = torch.log_softmax(logits.float(), dim=-1)
    return -(logp.exp() * logp).sum(-1)


def explained_variance(values: torch.Tensor, returns: torch.Tensor, mask: torch.Tensor) -> float:
    """``1 - Var(R - V) / Var(R)`` over the response tokens (1: perfect, <= 0: useless)."""
    var_returns = masked_var(returns, mask)
    if var_returns.item() == 0:
        return float("nan")
    return float(1 - masked_var(returns - values, mask) / var_returns)


@dataclass
class KLController:
    """The KL coefficient: fixed, or adapted towards ``target`` KL (Ziegler et al., 2019).

    Adaptive: ``coef *= 1 + clip(KL / target - 1, -0.2, 0.2) * n / horizon`` after each
    iteration of ``n`` samples, so the coefficient rises while KL exceeds the target.
    """

    coef: float
    target: float | None = None
    horizon: int = 10000

    def update(self, current_kl: float, n_samples: int) -> None:
        if self.target is None or not math.isfinite(current_kl):
            return
        error = min(max(current_kl / self.target - 1, -0.2), 0.2)
        self.coef *= 1 + error * n_samples / self.horizon
