"""RLOO: REINFORCE with a leave-one-out baseline (TRL's RLOOTrainer), no value model.

    ruadapt run --plugin rloo --model out/sft --rewards russian:1,length@80:0.3 -o out/rloo
    ruadapt run --plugin rloo --model out/sft --reward out/rm --adapter lora -o out/rloo

Each prompt gets ``num_generations`` (k) sampled completions; a completion's advantage is its
reward minus the mean reward of the *other* k - 1 completions of its prompt,
``A_i = r_i - (sum_j r_j - r_i) / (k - 1)``, where ``r`` already carries the sequence-level
KL penalty ``- beta * KL(pi || pi_ref)`` (``normalize_advantages`` then whitens A over the
batch). The loss is the clipped surrogate on the token ratios with that advantage.
Rewards as ``ppo``'s: a reward model and/or rule-based rewards (see docs/rlhf.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ruadapt_plugins.grpo_common import RUN_DEFAULTS, GroupRLConfig

import ruadapt
from ruadapt.config import opt


@dataclass
class RLOOConfig(GroupRLConfig):
    normalize_advantages: bool = opt(False, "whiten the advantages over the batch")


def train(run: Any, config: RLOOConfig) -> None:
    from ruadapt_plugins.grpo_common import train_group_method
    from trl import RLOOConfig as TrlRLOOConfig
    from trl import RLOOTrainer

    train_group_method(
        run,
        config,
        RLOOTrainer,
        TrlRLOOConfig,
        normalize_advantages=config.normalize_advantages,
    )


@ruadapt.hookimpl
def register_methods(register):
    register(
        ruadapt.Method(
            name="rloo",
            config=RLOOConfig,
            data_kind="prompts",
            train=train,
            summary="RLOO: REINFORCE with a leave-one-out group baseline, rules or a reward model",
            reference_model=True,
            run_defaults=dict(RUN_DEFAULTS),
        )
    )
