"""GRPO: group-relative policy optimisation (TRL's GRPOTrainer), no value model.

    ruadapt run --plugin grpo --model out/sft --rewards russian:1,length@80:0.3 -o out/grpo
    ruadapt run --plugin grpo --model out/sft --reward out/rm --adapter lora -o out/grpo
    ruadapt run --plugin grpo --model out/sft --data ru-math --rewards math -o out/grpo-math

Each prompt gets ``num_generations`` sampled completions; a completion's advantage is its
reward against its group, ``A_i = (r_i - mean(r)) / (std(r) + 1e-4)`` (``scale_rewards=none``:
``r_i - mean(r)``; ``batch``: the std of the whole batch). The loss is PPO's clipped
surrogate on the token ratios with that advantage, plus ``beta`` times the KL (k3) to the
reference: the starting model, or with ``--adapter lora`` the base with the adapter off.
Rewards as ``ppo``'s: a reward model and/or rule-based rewards (see docs/rlhf.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ruadapt_plugins.grpo_common import RUN_DEFAULTS, GroupRLConfig

import ruadapt
from ruadapt.config import opt

SCALE_REWARDS = ("group", "batch", "none")
LOSS_TYPES = ("grpo", "dapo", "dr_grpo", "bnpo")


@dataclass
class GRPOConfig(GroupRLConfig):
    scale_rewards: str = opt(
        "group", f"advantages divided by the std of: {', '.join(SCALE_REWARDS)}"
    )
    loss_type: str = opt("dapo", f"token aggregation of the loss: {', '.join(LOSS_TYPES)}")

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.scale_rewards not in SCALE_REWARDS:
            raise ruadapt.UserError(
                f"scale_rewards must be one of {', '.join(SCALE_REWARDS)}, "
                f"got {self.scale_rewards!r}"
            )
        if self.loss_type not in LOSS_TYPES:
            raise ruadapt.UserError(
                f"loss_type must be one of {', '.join(LOSS_TYPES)}, got {self.loss_type!r}"
            )


def train(run: Any, config: GRPOConfig) -> None:
    from ruadapt_plugins.grpo_common import train_group_method
    from trl import GRPOConfig as TrlGRPOConfig
    from trl import GRPOTrainer

    train_group_method(
        run,
        config,
        GRPOTrainer,
        TrlGRPOConfig,
        scale_rewards=config.scale_rewards,
        loss_type=config.loss_type,
    )


@ruadapt.hookimpl
def register_methods(register):
    register(
        ruadapt.Method(
            name="grpo",
            config=GRPOConfig,
            data_kind="prompts",
            train=train,
            summary="GRPO: group-relative advantages from rule-based rewards or a reward model",
            reference_model=True,
            run_defaults=dict(RUN_DEFAULTS),
        )
    )
