"""PPO (RLHF): ruadapt's own, on torch/transformers/accelerate (TRL 1.x has none).

    ruadapt run --method ppo --model out/sft --reward out/rm --data ru-prompts -o out/ppo
    ruadapt run --method ppo --model out/sft --set rewards=russian -o out/ppo
    ruadapt run --method ppo --model out/sft --adapter lora --rewards russian:1,length@80:0.3 -o DIR
    ruadapt run --method ppo --model out/sft --reward out/rm --rounds 3 --labeler russian -o DIR

The policy starts from ``--model``; the reference for the KL penalty is a frozen copy of it
(or, with ``--adapter lora``, the same weights with the adapter switched off); a value head
on the policy learns state values. The reward of a completion is the reward model's score
(``reward``, weighted by ``reward_weight``) plus the weighted rule-based rewards
(``rewards``, see ``ruadapt_plugins.rewards``). See docs/rlhf.md for every formula.

``rounds=K`` alternates K rounds of reward-model training and PPO: before each round after
the first, new comparison pairs (from ``comparisons``, or sampled from the current policy
and labelled by the ``labeler`` reward) train the reward model further.
"""

from __future__ import annotations

from dataclasses import dataclass

import ruadapt
from ruadapt.config import opt

KL_ESTIMATORS = ("k1", "k3")
VALUE_MODELS = ("policy", "reward")


@dataclass
class PPOConfig:
    reward: str | None = opt(None, "reward model directory (trained with --method reward)")
    reward_weight: float = opt(1.0, "weight of the reward model's score in the total reward")
    rewards: str | None = opt(
        None, "rule-based rewards NAME[@PARAM][:WEIGHT],... e.g. russian:1,length@80:0.5"
    )
    value_model: str = opt(
        "policy", "values from: policy (a head on the policy), reward (a copy of the RM)"
    )
    max_new_tokens: int = opt(48, "tokens sampled per completion")
    temperature: float = opt(1.0, "sampling temperature")
    top_p: float = opt(1.0, "nucleus sampling: keep the smallest token set of this mass")
    ppo_epochs: int = opt(4, "passes over each rollout batch")
    mini_batch_size: int = opt(4, "completions per gradient step")
    cliprange: float = opt(0.2, "clip of the probability ratio (epsilon)")
    cliprange_value: float = opt(0.2, "clip of the value change")
    vf_coef: float = opt(0.1, "weight of the value loss")
    entropy_coef: float = opt(0.0, "entropy bonus weight")
    gamma: float = opt(1.0, "discount")
    lam: float = opt(0.95, "GAE lambda")
    whiten_advantages: bool = opt(True, "normalise advantages to mean 0, std 1 per batch")
    kl_coef: float = opt(0.05, "KL penalty coefficient (initial value when adaptive)")
    adaptive_kl: bool = opt(False, "adapt kl_coef towards target_kl")
    target_kl: float = opt(6.0, "target KL per completion for adaptive_kl")
    kl_horizon: int = opt(10000, "samples over which the adaptive coefficient moves")
    kl_estimator: str = opt("k1", "per-token KL estimate: k1 (log ratio) or k3 (non-negative)")
    rounds: int = opt(1, "alternate this many rounds of reward-model training and PPO")
    comparisons: str | None = opt(
        None, "preference data for reward-model rounds (default: labelled policy samples)"
    )
    labeler: str = opt("russian", "rule-based judge labelling new comparison pairs (a reward spec)")
    comparison_pairs: int = opt(16, "new comparison pairs sampled per round (with labeler)")
    rm_steps: int = opt(20, "reward-model optimizer steps per round (rounds > 1)")

    def __post_init__(self) -> None:
        checks = [
            (self.max_new_tokens >= 1, "max_new_tokens must be >= 1"),
            (self.temperature > 0, "temperature must be > 0"),
            (0 < self.top_p <= 1, "top_p must be in (0, 1]"),
            (self.ppo_epochs >= 1, "ppo_epochs must be >= 1"),
            (self.mini_batch_size >= 1, "mini_batch_size must be >= 1"),
            (self.cliprange > 0, "cliprange must be > 0"),
            (self.cliprange_value > 0, "cliprange_value must be > 0"),
            (0 <= self.gamma <= 1, "gamma must be in [0, 1]"),
            (0 <= self.lam <= 1, "lam must be in [0, 1]"),
            (self.kl_coef >= 0, "kl_coef must be >= 0"),
            (self.target_kl > 0, "target_kl must be > 0"),
            (self.kl_horizon >= 1, "kl_horizon must be >= 1"),
            (self.kl_estimator in KL_ESTIMATORS, f"kl_estimator must be one of {KL_ESTIMATORS}"),
            (self.rounds >= 1, "rounds must be >= 1"),
            (self.value_model in VALUE_MODELS, f"value_model must be one of {VALUE_MODELS}"),
            (self.comparison_pairs >= 2, "comparison_pairs must be >= 2"),
            (self.rm_steps >= 1, "rm_steps must be >= 1"),
            (
                self.reward or self.rewards,
                "no reward: pass --reward RM_DIR or --set rewards=russian",
            ),
            (self.rounds == 1 or self.reward, "rounds > 1 trains a reward model: pass --reward"),
        ]
        for ok, message in checks:
            if not ok:
                raise ruadapt.UserError(message)


def train(run: ruadapt.Run, config: PPOConfig) -> None:
    from ruadapt_plugins.ppo.recipe import train_ppo

    train_ppo(run, config)


@ruadapt.hookimpl
def register_methods(register):
    register(
        ruadapt.Method(
            name="ppo",
            config=PPOConfig,
            data_kind="prompts",
            train=train,
            summary="RLHF with PPO: reward model or rule-based rewards, KL to the reference",
            reference_model=True,
            run_defaults={
                "data": "ru-prompts",
                "learning_rate": 1e-5,
                "batch_size": 8,
                "max_length": 256,
                "logging_steps": 1,
            },
        )
    )
