"""SimPO: simple preference optimisation, length-normalised and without a reference model.

    ruadapt run --method simpo --model out/sft --data ru-prefs -o out/simpo
    ruadapt run --method simpo --model out/sft --data ru-prefs --beta 2.5 --gamma-beta-ratio 0.4

Reward ``r(x, y) = beta / |y| * sum_i log pi(y_i | x, y_<i)`` (the *average* log-probability
of the response tokens, scaled), loss ``-log sigmoid(r_w - r_l - gamma)``. No reference model
is kept, so it needs less memory than DPO. Runs on TRL's experimental CPO trainer with
``loss_type="simpo"`` and ``cpo_alpha=0`` (no extra NLL term unless ``cpo_alpha`` is set).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import ruadapt
from ruadapt.config import opt

DEFAULT_GAMMA_BETA_RATIO = 0.5  # the SimPO paper tunes gamma/beta in [0.3, 0.8]


@dataclass
class SimPOConfig:
    beta: float = opt(2.0, "reward scale beta (the SimPO paper uses 2.0-2.5)")
    gamma: float | None = opt(None, "target reward margin gamma (default: beta * gamma_beta_ratio)")
    gamma_beta_ratio: float | None = opt(
        None, f"gamma as a share of beta (default {DEFAULT_GAMMA_BETA_RATIO}); excludes gamma"
    )
    cpo_alpha: float = opt(0.0, "weight of an NLL term on chosen answers (0: pure SimPO)")

    def __post_init__(self) -> None:
        if self.beta <= 0:
            raise ruadapt.UserError(f"beta must be > 0, got {self.beta}")
        if self.gamma is not None and self.gamma_beta_ratio is not None:
            raise ruadapt.UserError("set gamma or gamma_beta_ratio, not both")
        if self.gamma is not None and self.gamma < 0:
            raise ruadapt.UserError(f"gamma must be >= 0, got {self.gamma}")
        if self.gamma_beta_ratio is not None and self.gamma_beta_ratio < 0:
            raise ruadapt.UserError(f"gamma_beta_ratio must be >= 0, got {self.gamma_beta_ratio}")
        if self.cpo_alpha < 0:
            raise ruadapt.UserError(f"cpo_alpha must be >= 0, got {self.cpo_alpha}")

    @property
    def margin(self) -> float:
        """The gamma actually used."""
        if self.gamma is not None:
            return self.gamma
        ratio = DEFAULT_GAMMA_BETA_RATIO if self.gamma_beta_ratio is None else self.gamma_beta_ratio
        return self.beta * ratio


def train(run: ruadapt.Run, config: SimPOConfig) -> None:
    with warnings.catch_warnings():  # TRL warns on importing its experimental trainers
        warnings.simplefilter("ignore")
        from trl.experimental.cpo import CPOConfig, CPOTrainer

    from ruadapt_plugins._trl import fit, trl_args

    from ruadapt.completions import render_preferences

    model = run.chat_model()
    tokenizer = run.tokenizer
    eval_dataset = run.eval_dataset
    args = trl_args(
        CPOConfig,
        run,
        loss_type="simpo",
        beta=config.beta,
        simpo_gamma=config.margin,
        cpo_alpha=config.cpo_alpha,
    )
    trainer = CPOTrainer(
        model=model,
        args=args,
        train_dataset=render_preferences(run.dataset, tokenizer),
        eval_dataset=render_preferences(eval_dataset, tokenizer)
        if eval_dataset is not None
        else None,
        processing_class=tokenizer,
        callbacks=[run.callback()],
    )
    run.extra["simpo_gamma"] = config.margin
    fit(run, trainer)


@ruadapt.hookimpl
def register_methods(register):
    register(
        ruadapt.Method(
            name="simpo",
            config=SimPOConfig,
            data_kind="preference",
            train=train,
            summary="SimPO: length-normalised preference optimisation, no reference model",
            trainer_config="trl.experimental.cpo:CPOConfig",
            run_defaults={"data": "ru-prefs", "learning_rate": 5e-5},
        )
    )
