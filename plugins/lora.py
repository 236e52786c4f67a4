"""LoRA: train a low-rank update ``h = W0 x + (alpha / r) * B A x`` instead of the full weights.

    ruadapt run --method lora --model tiny --data ru-sft -o out/lora          # SFT with LoRA
    ruadapt run --method dpo --adapter lora --model out/sft --data ru-prefs -o out/dpo
    ruadapt merge out/lora -o out/lora-merged                                  # standalone model

Two registrations: the ``lora`` adapter (``--adapter lora`` composes it with any method)
and the ``lora`` method (SFT with the adapter on); ``ruadapt merge`` calls ``merge`` below.
``B`` starts at zero, so the adapted model equals the base at step 0 (which is also why
DPO/KTO can use the base with adapters disabled as their reference). After
``ruadapt tokenizer extend``, train the new embedding rows too:
``--set lora_modules_to_save=embed_tokens,lm_head``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ruadapt
from ruadapt.config import opt

ALL_LINEAR = "all-linear"


@dataclass
class LoRAConfig:
    lora_r: int = opt(16, "rank r of the update B A")
    lora_alpha: float = opt(32.0, "scale alpha: the update is multiplied by alpha / r")
    lora_dropout: float = opt(0.05, "dropout on the adapter's input")
    lora_target_modules: list[str] = opt(
        [ALL_LINEAR], "modules to adapt, e.g. q_proj,v_proj (all-linear: every linear layer)"
    )
    use_dora: bool = opt(False, "DoRA: learn magnitude and direction separately")
    use_rslora: bool = opt(False, "rsLoRA: scale by alpha / sqrt(r), stable at high rank")
    lora_modules_to_save: list[str] = opt(
        [], "modules trained in full and saved with the adapter, e.g. embed_tokens,lm_head"
    )

    def __post_init__(self) -> None:
        checks = [
            (self.lora_r >= 1, f"lora_r must be >= 1, got {self.lora_r}"),
            (self.lora_alpha > 0, f"lora_alpha must be > 0, got {self.lora_alpha}"),
            (
                0 <= self.lora_dropout < 1,
                f"lora_dropout must be in [0, 1), got {self.lora_dropout}",
            ),
            (bool(self.lora_target_modules), "lora_target_modules must name at least one module"),
        ]
        for ok, message in checks:
            if not ok:
                raise ruadapt.UserError(message)


def peft_config(config: LoRAConfig, model: Any) -> Any:
    """The ``peft.LoraConfig`` for ``model``."""
    from peft import LoraConfig

    targets = config.lora_target_modules
    to_save = list(config.lora_modules_to_save) or None
    tied = bool(getattr(model.config, "tie_word_embeddings", False))
    return LoraConfig(
        task_type="CAUSAL_LM",
        r=config.lora_r,
        lora_alpha=config.lora_alpha,
        lora_dropout=config.lora_dropout,
        target_modules=ALL_LINEAR if targets == [ALL_LINEAR] else list(targets),
        use_dora=config.use_dora,
        use_rslora=config.use_rslora,
        modules_to_save=to_save,
        # Tied input/output embeddings must stay one tensor when both are trained in full,
        # or the merged model would save two diverged copies under one tied weight.
        ensure_weight_tying=tied and to_save is not None,
    )


def apply(model: Any, config: LoRAConfig, run: Any = None) -> Any:
    """Wrap ``model`` in a PEFT LoRA model (only the adapter, and modules_to_save, train)."""
    from peft import get_peft_model

    try:
        return get_peft_model(model, peft_config(config, model))
    except ValueError as exc:
        if "not found in the base model" not in str(exc):
            raise
        names = sorted({n.rsplit(".", 1)[-1] for n, m in model.named_modules() if _linear(m)})
        raise ruadapt.UserError(
            f"lora_target_modules {config.lora_target_modules}: not in the model; "
            f"its linear layers are {', '.join(names)}"
        ) from None


def _linear(module: Any) -> bool:
    import torch

    return isinstance(module, torch.nn.Linear)


def merge(adapter: str, output: str, overwrite: bool = False) -> Path:
    """Fold a saved adapter into its base and write a standalone model + tokenizer.

    The result is written to a temporary sibling folder and renamed into place, so a crash
    never leaves a half-written model at ``output``.
    """
    from ruadapt.models import is_adapter_dir, load_causal_lm, load_tokenizer, save_pretrained
    from ruadapt.outputs import check_output, staged_folder

    src = Path(adapter).expanduser()
    if not is_adapter_dir(src):
        raise ruadapt.UserError(f"{src} is not an adapter directory (no adapter_config.json)")
    out = check_output(output, overwrite=overwrite, inputs={"adapter": src})
    model = load_causal_lm(str(src))  # loads the base, applies the adapter, merges it
    tokenizer = load_tokenizer(str(src))
    with staged_folder(out, "merge", checked=True) as staging:
        save_pretrained(model, tokenizer, staging)
    return out


@ruadapt.hookimpl
def register_adapters(register):
    register(
        ruadapt.Adapter(
            name="lora",
            config=LoRAConfig,
            apply=apply,
            merge=merge,
            summary="low-rank adapters on all linear layers (DoRA, rsLoRA switches)",
        )
    )


@ruadapt.hookimpl
def register_methods(register):
    try:  # the method is SFT with the adapter on; without the sft plugin only the adapter stays
        from ruadapt_plugins import sft
    except ImportError:
        return
    register(
        ruadapt.Method(
            name="lora",
            config=sft.SFTConfig,
            data_kind="chat",
            train=sft.train,
            summary="SFT with a LoRA adapter (merge with `ruadapt merge`)",
            trainer_config="trl:SFTConfig",
            run_defaults={"adapter": "lora", "data": "ru-sft", "learning_rate": 2e-3},
        )
    )
