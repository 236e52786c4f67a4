"""DPO: direct preference optimisation against a frozen reference model (TRL's DPOTrainer).

    ruadapt run --method dpo --model out/sft --data ru-prefs -o out/dpo
    ruadapt run --method dpo --model out/sft --data ru-prefs --adapter lora -o out/dpo-lora
    ruadapt run --method dpo --model out/sft --data ru-prefs --ref out/sft -o out/dpo

Loss per pair (``loss_type=sigmoid``), log-probabilities summed over response tokens:
``-log sigmoid(beta * [(log pi(w|x) - log pi_ref(w|x)) - (log pi(l|x) - log pi_ref(l|x))])``.
The reference is the starting model (an exact frozen copy), the ``ref_model`` you name, or,
with ``--adapter lora``, the base model with the adapter switched off (no second copy).
"""

from __future__ import annotations

from dataclasses import dataclass

import ruadapt
from ruadapt.config import opt

#: TRL 1.16's DPO loss variants (DPOConfig.loss_type).
LOSS_TYPES = (
    "sigmoid",
    "hinge",
    "ipo",
    "exo_pair",
    "nca_pair",
    "robust",
    "bco_pair",
    "sppo_hard",
    "aot",
    "aot_unpaired",
    "apo_zero",
    "apo_down",
    "discopop",
    "sigmoid_norm",
)


@dataclass
class DPOConfig:
    beta: float = opt(0.1, "strength of the pull towards the reference (higher: stay closer)")
    loss_type: str = opt("sigmoid", f"loss variant: {', '.join(LOSS_TYPES)}")
    label_smoothing: float = opt(
        0.0, "assumed share of flipped labels (robust), or epsilon (exo_pair)"
    )
    ref: str | None = opt(None, "reference model directory (default: the starting model)")

    def __post_init__(self) -> None:
        if self.beta <= 0:
            raise ruadapt.UserError(f"beta must be > 0, got {self.beta}")
        if self.loss_type not in LOSS_TYPES:
            raise ruadapt.UserError(
                f"loss_type must be one of {', '.join(LOSS_TYPES)}, got {self.loss_type!r}"
            )
        if not 0 <= self.label_smoothing < 0.5:
            raise ruadapt.UserError(
                f"label_smoothing must be in [0, 0.5), got {self.label_smoothing}"
            )
        if self.loss_type == "exo_pair" and self.label_smoothing == 0:
            raise ruadapt.UserError("loss_type exo_pair needs label_smoothing > 0 (e.g. 1e-3)")


def train(run: ruadapt.Run, config: DPOConfig) -> None:
    from ruadapt_plugins._trl import fit, trl_args, trl_reference, use_base_as_reference
    from trl import DPOConfig as TrlDPOConfig
    from trl import DPOTrainer

    model = run.chat_model()
    ref = run.reference_model(config.ref)
    args = trl_args(
        TrlDPOConfig,
        run,
        beta=config.beta,
        loss_type=[config.loss_type],
        label_smoothing=config.label_smoothing,
    )
    trainer = DPOTrainer(
        model=model,
        ref_model=trl_reference(ref),
        args=args,
        train_dataset=run.dataset,
        eval_dataset=run.eval_dataset,
        processing_class=run.tokenizer,
        callbacks=[run.callback()],
    )
    use_base_as_reference(trainer)
    fit(run, trainer)


@ruadapt.hookimpl
def register_methods(register):
    register(
        ruadapt.Method(
            name="dpo",
            config=DPOConfig,
            data_kind="preference",
            train=train,
            summary="direct preference optimisation against a frozen reference",
            reference_model=True,
            trainer_config="trl:DPOConfig",
            run_defaults={"data": "ru-prefs", "learning_rate": 5e-5},
        )
    )
