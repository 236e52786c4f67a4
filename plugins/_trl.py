"""Plumbing shared by the TRL-based method plugins (sft, lora, dpo, simpo, kto).

Plain functions, no base class: each method stays a dataclass plus a ``train`` function
(STYLE.md: duplication over the wrong abstraction). Nothing here imports torch, TRL or PEFT
at module level, so registering a plugin stays cheap.
"""

from __future__ import annotations

import sys
from typing import Any

import ruadapt


def note(message: str) -> None:
    """A one-line notice for the user (stderr, like the data layer's notes)."""
    print(f"note: {message}", file=sys.stderr)


def trl_args(config_cls: type, run: Any, **method_args: Any) -> Any:
    """A TRL config (``DPOConfig``, ``KTOConfig``, ...) from the run's options and the method's.

    The run's common options (steps, batch size, learning rate, logging, ``--report-to``,
    precision, checkpoints) come from ``run.training_arguments()``; ``max_length`` from the run.
    """
    kwargs = run.training_arguments()
    kwargs["max_length"] = run.options.max_length
    kwargs.update(method_args)
    try:
        return config_cls(**kwargs)
    except (TypeError, ValueError) as exc:  # a --set value the trainer rejects
        raise ruadapt.UserError(f"{config_cls.__name__}: {exc}".splitlines()[0]) from None


def chat_model(run: Any) -> Any:
    """The run's model with a chat template installed: ``run.chat_model()`` (kept for the
    built-ins that import it from here)."""
    return run.chat_model()


def is_peft(model: Any) -> bool:
    from ruadapt.run_models import is_peft as check

    return check(model)


def trl_reference(ref: Any) -> Any:
    """``run.reference_model()`` as TRL's trainers take it: ``None`` for the base of a PEFT
    policy (TRL then computes reference log-probabilities with the adapter disabled itself)."""
    from ruadapt.run_models import AdapterDisabled

    return None if isinstance(ref, AdapterDisabled) else ref


def use_base_as_reference(trainer: Any) -> None:
    """With a fresh LoRA adapter, let the reference be the base with adapters disabled.

    TRL 1.x copies the adapter of a PEFT policy into a frozen ``"ref"`` adapter (right for a
    pretrained adapter). A freshly initialised LoRA has ``B = 0``, so the copy computes exactly
    the base model; dropping it saves its memory (with ``modules_to_save``, a copy of the
    embeddings) and keeps it out of the saved adapter. Kept when the adapter is not zero.
    """
    model = trainer.model
    if not is_peft(model) or "ref" not in model.peft_config:
        return
    lora_b = [p for n, p in model.named_parameters() if "lora_B.default" in n]
    if lora_b and all(not p.any() for p in lora_b):
        model.delete_adapter("ref")
        model.set_adapter("default")  # deleting may leave no adapter marked trainable


def fit(run: Any, trainer: Any) -> None:
    """Train (resuming when asked), hand the model back to the runner, keep a summary.

    ``run.callback()`` writes metrics.jsonl, the step-0 parameter count of a fresh run and
    ``tokens_per_second`` included.
    """
    trainer.train(resume_from_checkpoint=run.resume_from)
    run.model = trainer.model
    run.trainer = trainer  # the runner saves through trainer.save_model
    history = [h for h in trainer.state.log_history if "loss" in h]
    if history:
        run.extra["final_metrics"] = {k: v for k, v in history[-1].items() if k != "step"}
    evals = [h for h in trainer.state.log_history if "eval_loss" in h]
    if evals:
        run.extra["eval_metrics"] = {k: v for k, v in evals[-1].items() if k != "step"}
