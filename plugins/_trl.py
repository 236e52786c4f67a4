"""Plumbing shared by the TRL-based method plugins (sft, lora, dpo, simpo, kto).

Plain functions, no base class: each method stays a dataclass plus a ``train`` function
(STYLE.md: duplication over the wrong abstraction). Nothing here imports torch, TRL or PEFT
at module level, so registering a plugin stays cheap.
"""

from __future__ import annotations

import copy
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
    """The run's model, once its tokenizer is sure to have a chat template.

    A model without a template gets ruadapt's ChatML default (with ``{% generation %}``
    markers); that may add the ChatML tokens, so the base model is resized *before* the
    adapter wraps it and the new rows are part of the model the adapter sees.
    """
    from ruadapt.data import ensure_chat_template

    tokenizer = run.tokenizer
    if getattr(tokenizer, "chat_template", None):
        return run.model
    base = run.load_model()
    ensure_chat_template(tokenizer, base)
    note(f"{run.options.model} has no chat template; using ruadapt's ChatML default")
    run.model = run.apply_adapter(base)
    return run.model


def is_peft(model: Any) -> bool:
    try:
        from peft import PeftModel
    except ImportError:  # peft is a dependency, but a broken install should not break full FT
        return False
    return isinstance(model, PeftModel)


def reference_model(run: Any, model: Any, path: str | None) -> Any:
    """The frozen reference policy of DPO/KTO, or None when the trainer needs no copy.

    - ``path`` given: that model (its vocabulary must match the tokenizer's);
    - the policy is a PEFT model: None, the reference is the base with adapters disabled;
    - otherwise: an exact copy of the starting policy, so policy == reference at step 0 even
      when the vocabulary was just resized for a chat template.
    """
    if path:
        ref = run.load_model(path)
        rows = ref.get_input_embeddings().weight.shape[0]
        if rows < len(run.tokenizer):
            raise ruadapt.UserError(
                f"--ref {path}: vocabulary of {rows} rows, the tokenizer has "
                f"{len(run.tokenizer)} tokens (was the policy's vocabulary extended?)"
            )
    elif is_peft(model):
        return None
    else:
        ref = copy.deepcopy(model)
    ref.requires_grad_(False)
    return ref.eval()


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


def count_tokens(trainer: Any, mask_keys: tuple[str, ...]) -> None:
    """Count the tokens a trainer consumes into ``state.num_input_tokens_seen``.

    Trainers that do not log ``num_tokens`` themselves (the CPO trainer behind SimPO) then
    still get ``tokens_per_second`` in metrics.jsonl (see ``ruadapt.callbacks``).
    """
    collate = trainer.data_collator

    def counting(features):
        batch = collate(features)
        seen = sum(int(batch[key].sum()) for key in mask_keys if key in batch)
        trainer.state.num_input_tokens_seen += seen
        return batch

    trainer.data_collator = counting


def fit(run: Any, trainer: Any) -> None:
    """Train (resuming when asked), hand the model back to the runner, keep a summary.

    A fresh run first logs the trainable-parameter count (step 0) to metrics.jsonl, next to
    the line the runner prints, so the adapter's effect is in the record of the run.
    """
    resume = run.resume_from
    if resume is None and "trainable_parameters" in run.extra:
        run.log({k: run.extra[k] for k in ("trainable_parameters", "total_parameters")}, step=0)
    trainer.train(resume_from_checkpoint=resume)
    run.model = trainer.model
    run.trainer = trainer  # the runner saves through trainer.save_model
    history = [h for h in trainer.state.log_history if "loss" in h]
    if history:
        run.extra["final_metrics"] = {k: v for k, v in history[-1].items() if k != "step"}
    evals = [h for h in trainer.state.log_history if "eval_loss" in h]
    if evals:
        run.extra["eval_metrics"] = {k: v for k, v in evals[-1].items() if k != "step"}
