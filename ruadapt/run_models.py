"""The models a method derives from its run: the chat-ready policy and the frozen reference.

``Run.chat_model()`` and ``Run.reference_model(path=None)`` call these; they are public
(docs/plugins.md, "Versioning") so that every reference-based method, built-in or third
party, starts from the same policy and the same reference.

Nothing here imports torch at module level.
"""

from __future__ import annotations

import copy
import sys
from typing import Any

from ruadapt.errors import UserError


def is_peft(model: Any) -> bool:
    """True when ``model`` is a PEFT model (an adapter applied with ``--adapter``)."""
    try:
        from peft import PeftModel
    except ImportError:  # peft is a dependency, but a broken install should not break full FT
        return False
    return isinstance(model, PeftModel)


def chat_model(run: Any) -> Any:
    """``run.model``, once ``run.tokenizer`` is sure to have a chat template.

    A tokenizer without a template gets ruadapt's ChatML default (with ``{% generation %}``
    markers). That may add the ChatML tokens, so the *base* model is resized before the
    adapter wraps it, and the new rows are part of the model the adapter sees. The runner
    never installs a template itself: only methods that render conversations need one.
    """
    from ruadapt.data import ensure_chat_template

    tokenizer = run.tokenizer
    if getattr(tokenizer, "chat_template", None):
        return run.model
    base = run.load_model()
    ensure_chat_template(tokenizer, base)
    print(
        f"note: {run.options.model} has no chat template; using ruadapt's ChatML default",
        file=sys.stderr,
    )
    run.model = run.apply_adapter(base)
    return run.model


class AdapterDisabled:
    """The base of a PEFT policy, used as a reference: calls run the policy with its adapter
    switched off and without gradients, so no second copy of the weights is kept.

    At step 0 a fresh adapter is the identity (LoRA's ``B = 0``), so this is exactly the
    starting policy; it stays the starting policy while the adapter trains.
    """

    def __init__(self, policy: Any) -> None:
        self.policy = policy

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        import torch

        with torch.no_grad(), self.policy.disable_adapter():
            return self.policy(*args, **kwargs)

    def to(self, *args: Any, **kwargs: Any) -> AdapterDisabled:
        """A no-op: the view runs wherever the policy is (lets methods call ``ref.to(device)``
        on any reference)."""
        return self

    def __repr__(self) -> str:
        return f"AdapterDisabled({type(self.policy).__name__})"


def reference_model(run: Any, path: str | None = None) -> Any:
    """The frozen reference policy of a reference-based method (DPO, KTO, IPO, ...).

    - ``path`` given: that model, loaded without the run's adapter or quantization; its
      vocabulary must cover the tokenizer's (a ``UserError`` otherwise);
    - the policy is a PEFT model (``--adapter lora``): an ``AdapterDisabled`` view of it,
      the base with the adapter switched off (no second copy in memory);
    - otherwise: an exact frozen copy of ``run.model`` as it is now, so policy == reference
      at step 0 even when the vocabulary was just resized for a chat template.

    Call it after ``run.chat_model()`` (when the method uses one) and before training. Under
    ``--resume`` ``run.model`` still holds the *starting* weights at that point (the trainer
    loads the checkpoint when ``train(resume_from_checkpoint=...)`` starts), so the reference
    is the starting policy in a resumed run too.
    """
    model = run.model
    if path:
        ref = run.load_model(path)
        rows = ref.get_input_embeddings().weight.shape[0]
        if rows < len(run.tokenizer):
            raise UserError(
                f"reference model {path}: vocabulary of {rows} rows, the tokenizer has "
                f"{len(run.tokenizer)} tokens (was the policy's vocabulary extended?)"
            )
    elif is_peft(model):
        return AdapterDisabled(model)
    else:
        ref = copy.deepcopy(model)
    ref.requires_grad_(False)
    return ref.eval()
