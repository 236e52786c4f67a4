"""ORPO for ruadapt: supervised fine-tuning plus an odds-ratio preference term, one stage.

    pip install ./examples/ruadapt-orpo
    ruadapt run --method orpo --model tiny --data ru-prefs -o out/orpo
    ruadapt run --method orpo --model out/sft --data prefs.jsonl --beta 0.2 --adapter lora -o out/o

ORPO (Hong et al., 2024) needs no reference model and no separate SFT stage. With the
length-normalised likelihood ``P(y|x) = exp(1/|y| * sum_i log pi(y_i | x, y_<i))`` and
``odds(y|x) = P(y|x) / (1 - P(y|x))``, the loss on a pair (chosen w, rejected l) is

    loss = NLL(w) - beta * log sigmoid(log odds(w|x) - log odds(l|x))

where ``NLL(w)`` is the mean token cross-entropy of the chosen sequence. TRL's ORPO trainer
(``trl.experimental.orpo``), which this plugin drives, takes that mean over the prompt and the
chosen answer, as the paper's reference implementation does. ``odds_ratio_loss`` below is the
formula written out on plain tensors; the tests check the trainer's loss against it.

Everything heavy (torch, TRL) is imported inside the functions: registering a plugin must
stay cheap, so ``ruadapt --help`` is fast and a broken TRL breaks this method, not the CLI.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import ruadapt
from ruadapt.config import opt

__version__ = "0.1.0"


@dataclass
class ORPOConfig:
    """Options of ``ruadapt run --method orpo`` (also as flags: ``--beta 0.2``)."""

    beta: float = opt(0.1, "weight of the odds-ratio term (lambda in the ORPO paper)")

    def __post_init__(self) -> None:
        # Checked before any model loads: a bad option costs nothing.
        if not self.beta > 0:
            raise ruadapt.UserError(f"beta must be > 0, got {self.beta}")


def odds_ratio_loss(chosen_logps: Any, rejected_logps: Any, nll: Any, beta: float) -> Any:
    """ORPO's loss from mean per-token log-probabilities of each answer and the chosen NLL.

    ``chosen_logps`` / ``rejected_logps`` are ``1/|y| * sum log pi(y_i | ...)`` per pair
    (so ``P(y|x) = exp(logps)`` lies in (0, 1)); ``nll`` is the chosen sequences' mean
    cross-entropy. Written from the formula, independently of TRL.
    """
    import torch

    def log_odds(logps: torch.Tensor) -> torch.Tensor:
        # log(P / (1 - P)) = logps - log(1 - exp(logps)); log1p(-exp) is exact for logps < 0.
        return logps - torch.log1p(-torch.exp(logps))

    ratio = log_odds(chosen_logps.double()) - log_odds(rejected_logps.double())
    return nll - beta * torch.nn.functional.logsigmoid(ratio).mean()


def build_trainer(run: Any, config: ORPOConfig) -> Any:
    """TRL's ORPO trainer on the run's model, data and options (``train`` calls ``.train()``).

    Only ruadapt's public helpers: ``run.chat_model()`` installs a chat template when the
    model has none (resizing the base before the adapter wraps it), and
    ``render_preferences`` turns conversational pairs into the text ORPO tokenizes.
    """
    with warnings.catch_warnings():  # TRL warns on importing its experimental trainers
        warnings.simplefilter("ignore")
        from trl.experimental.orpo import ORPOConfig as TrlORPOConfig
        from trl.experimental.orpo import ORPOTrainer

    from ruadapt.completions import render_preferences

    model = run.chat_model()
    tokenizer = run.tokenizer
    args = TrlORPOConfig(
        **run.training_arguments(), beta=config.beta, max_length=run.options.max_length
    )
    eval_dataset = run.eval_dataset
    return ORPOTrainer(
        model=model,
        args=args,
        train_dataset=render_preferences(run.dataset, tokenizer),
        eval_dataset=render_preferences(eval_dataset, tokenizer) if eval_dataset else None,
        processing_class=tokenizer,
        callbacks=[run.callback()],  # metrics.jsonl, the step-0 parameter line, tokens/s
    )


def train(run: ruadapt.Run, config: ORPOConfig) -> None:
    """Train ``run.model`` with ORPO; the runner saves the result."""
    trainer = build_trainer(run, config)
    trainer.train(resume_from_checkpoint=run.resume_from)
    run.model = trainer.model
    run.extra["orpo_beta"] = config.beta


@ruadapt.hookimpl
def register_methods(register):
    """Register the ``orpo`` method with ruadapt."""
    register(
        ruadapt.Method(
            name="orpo",
            config=ORPOConfig,
            data_kind="preference",
            train=train,
            summary="ORPO: SFT + odds-ratio preference term in one stage, no reference model",
            reference_model=False,
            run_defaults={"data": "ru-prefs", "learning_rate": 8e-6},
        )
    )
