"""CPT: continued pretraining on raw text, typically on Russian after tokenizer extension.

    ruadapt run --method cpt --model out/ext --data ru-corpus -o out/cpt              # embeddings
    ruadapt run --method cpt --model out/cpt --data ru-corpus --adapter lora -o out/cpt2

``train=embeddings`` (the default) trains only the input embeddings and the LM head, which is
what a freshly extended vocabulary needs first; ``new_rows_only`` masks the gradient of the
base vocabulary's rows so only the new Russian tokens move. Bits per character on held-out
Russian and English text are measured before and after, so a run shows Russian improving
while English holds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import ruadapt
from ruadapt.config import opt

TRAIN_CHOICES = ("embeddings", "all")


@dataclass
class CPTConfig:
    train: str = opt("embeddings", "what to train: embeddings (input + LM head) or all")
    new_rows_only: bool = opt(False, "only the rows added by `tokenizer extend` (needs its card)")
    packing: bool = opt(True, "pack texts into full-length sequences")
    bpc_texts: int = opt(64, "held-out texts per language for bits-per-character (0: skip)")
    bpc_data: str = opt(
        "ru-en-parallel", "held-out parallel ru/en texts for bits-per-character (name or JSONL)"
    )

    def __post_init__(self) -> None:
        if self.train not in TRAIN_CHOICES:
            raise ruadapt.UserError(f"train must be one of {TRAIN_CHOICES}, got {self.train!r}")
        if self.new_rows_only and self.train != "embeddings":
            raise ruadapt.UserError("new_rows_only needs train=embeddings")
        if self.bpc_texts < 0:
            raise ruadapt.UserError("bpc_texts must be >= 0")


def base_vocab_size(model_path: str) -> int | None:
    """Vocabulary size before extension (the first new row), from the card `tokenizer extend`
    writes."""
    card = Path(model_path) / "extension.json"
    if not card.is_file():
        return None
    data = json.loads(card.read_text())
    return int(data.get("first_new_id", data["base_vocab_size"]))


def freeze_all_but_embeddings(model, keep_from_row: int | None = None) -> None:
    """Train input embeddings and LM head only; optionally only rows >= ``keep_from_row``."""
    for param in model.parameters():
        param.requires_grad_(False)
    weights = {
        id(w): w
        for w in (model.get_input_embeddings().weight, model.get_output_embeddings().weight)
    }  # tied: one tensor
    for weight in weights.values():
        weight.requires_grad_(True)
        if keep_from_row is not None:

            def mask_old_rows(grad, n=keep_from_row):
                grad = grad.clone()
                grad[:n] = 0
                return grad

            weight.register_hook(mask_old_rows)


def _train_embeddings_with_adapter(run) -> None:
    """Embeddings + adapter: the new rows need full training, which LoRA alone cannot give, so
    the embedding modules are trained and saved with the adapter unless the user chose."""
    adapter_config = run.config.adapter
    if getattr(adapter_config, "lora_modules_to_save", None) == []:
        adapter_config.lora_modules_to_save = ["embed_tokens", "lm_head"]
        run.extra["adapter_modules_to_save"] = ["embed_tokens", "lm_head"]
        print("cpt: training embed_tokens and lm_head in full alongside the adapter")


def held_out_texts(n: int, data: str = "ru-en-parallel") -> dict[str, list[str]]:
    """Parallel texts (never trained on) per language; empty when the set is not there."""
    from ruadapt.tokenizer.stats import load_parallel

    try:
        texts = load_parallel(data)
    except ruadapt.UserError as exc:
        if data != "ru-en-parallel":
            raise
        print(f"cpt: bits-per-character skipped ({exc})")
        return {}
    return {lang: t[:n] for lang, t in texts.items()}


def measure_bpc(run, texts: dict[str, list[str]]) -> dict[str, float]:
    from ruadapt.lm_metrics import bits_per_char

    return {lang: round(bits_per_char(run.model, run.tokenizer, t), 4) for lang, t in texts.items()}


def train(run: ruadapt.Run, config: CPTConfig) -> None:
    from trl import SFTConfig, SFTTrainer

    if run.adapter is not None and config.new_rows_only:
        raise ruadapt.UserError("new_rows_only cannot be combined with --adapter")
    if run.adapter is not None and config.train == "embeddings":
        _train_embeddings_with_adapter(run)
    model = run.model
    if config.train == "embeddings" and run.adapter is None:
        rows = base_vocab_size(run.options.model) if config.new_rows_only else None
        if config.new_rows_only and rows is None:
            raise ruadapt.UserError(
                f"new_rows_only: {run.options.model} has no extension.json "
                "(it was not made by `ruadapt tokenizer extend`)"
            )
        freeze_all_but_embeddings(model, rows)
        trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
        run.extra["trainable_parameters"] = trainable
        rows_note = f"; rows below {rows:,} stay as they were" if rows is not None else ""
        print(f"cpt: now training the embeddings only ({trainable:,} parameters{rows_note})")
    texts = held_out_texts(config.bpc_texts, config.bpc_data) if config.bpc_texts else {}
    before = measure_bpc(run, texts) if texts else {}
    kwargs = run.training_arguments()
    if config.new_rows_only:
        kwargs["weight_decay"] = 0.0  # decoupled decay would still shrink the frozen rows
    args = SFTConfig(
        **kwargs,
        max_length=run.options.max_length,
        packing=config.packing,
        dataset_text_field="text",
        completion_only_loss=False,
    )
    trainer = SFTTrainer(
        model=model,
        args=args,
        train_dataset=run.dataset,
        eval_dataset=run.eval_dataset,
        processing_class=run.tokenizer,
        callbacks=[run.callback()],
    )
    trainer.train(resume_from_checkpoint=run.resume_from)
    run.model = trainer.model
    run.trainer = trainer
    if texts:
        after = measure_bpc(run, texts)
        run.extra["bits_per_char"] = {"before": before, "after": after}
        run.log(
            {
                f"bpc_{k}/{lang}": v
                for k, d in (("before", before), ("after", after))
                for lang, v in d.items()
            },
            step=trainer.state.global_step,
        )
        print(
            "bits per char  "
            + "  ".join(f"{lang}: {before[lang]:.3f} -> {after[lang]:.3f}" for lang in texts)
        )


@ruadapt.hookimpl
def register_methods(register):
    register(
        ruadapt.Method(
            name="cpt",
            config=CPTConfig,
            data_kind="text",
            train=train,
            summary="continued pretraining on raw text (embeddings only after extension)",
            trainer_config="trl:SFTConfig",
            run_defaults={"data": "ru-corpus", "learning_rate": 1e-3, "max_length": 256},
        )
    )
