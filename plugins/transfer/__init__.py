"""transfer: teach an extended model to reproduce the original (self-distillation across
tokenizers).

    ruadapt tokenizer extend --model smollm2 --corpus razdel-ru --new-tokens 3000 -o out/ext
    ruadapt run --plugin transfer --model out/ext --data razdel-ru -o out/transfer

The teacher is the original model with its own tokenizer (``extension.json``'s base model, or
``teacher``); the student is the extended model. The same text is tokenised both ways and
aligned at the character boundaries both tokenisations share (``align.py``); for each aligned
chunk the student's log-probability is matched to the teacher's (approximate likelihood
matching, Minixhofer, Vulić & Ponti 2025; ``losses.py``), optionally with the hidden states
after each chunk and the plain next-token loss. English text (``replay_data``) can be mixed in:
the extension tokenises it identically, so there distillation pins the student to the teacher
token by token. Teacher outputs are computed once and cached in shards (``teacher.py``); a
step costs one student forward and backward. See docs/adaptation.md for what it buys.
"""

from __future__ import annotations

import json
import random
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruadapt_plugins.transfer.losses import CHUNK_LOSSES

import ruadapt
from ruadapt.config import opt

TRAIN_CHOICES = ("new_rows", "embeddings", "all")
CACHE_DIR = "teacher-cache"


@dataclass
class TransferConfig:
    teacher: str = opt("", "the original model (default: the base model in extension.json)")
    train: str = opt("all", "what trains: new_rows, embeddings (input + head) or all")
    chunk_loss: str = opt("squared", "chunk likelihood matching: squared or binary_kl")
    chunk_weight: float = opt(1.0, "weight of the chunk log-likelihood loss")
    temperature: float = opt(1.0, "binary_kl: divide chunk log-probabilities by this")
    hidden_weight: float = opt(1.0, "weight of the hidden-state loss at aligned boundaries")
    hidden_layers: str = opt("-1", "hidden states to match: comma-separated layer indices")
    lm_weight: float = opt(0.0, "weight of the plain next-token loss on the student's tokens")
    replay_data: str = opt("", "English (or any) text mixed in for distillation, e.g. en-corpus")
    replay_ratio: float = opt(0.0, "share of training examples drawn from replay_data")
    cpu_budget_s: float = opt(0.0, "stop after this many CPU-seconds, teacher included (0: none)")
    shard_size: int = opt(64, "examples per teacher-cache shard (memory holds one shard)")
    keep_cache: bool = opt(False, "keep OUTPUT/teacher-cache after training")

    def __post_init__(self) -> None:
        checks = [
            (self.train in TRAIN_CHOICES, f"train must be one of {TRAIN_CHOICES}"),
            (self.chunk_loss in CHUNK_LOSSES, f"chunk_loss must be one of {CHUNK_LOSSES}"),
            (self.temperature > 0, "temperature must be > 0"),
            (
                min(self.chunk_weight, self.hidden_weight, self.lm_weight) >= 0,
                "loss weights must be >= 0",
            ),
            (
                self.chunk_weight + self.hidden_weight + self.lm_weight > 0,
                "at least one of chunk_weight, hidden_weight, lm_weight must be > 0",
            ),
            (0.0 <= self.replay_ratio < 1.0, "replay_ratio must be in [0, 1)"),
            (not (self.replay_ratio and not self.replay_data), "replay_ratio needs replay_data"),
            (self.cpu_budget_s >= 0, "cpu_budget_s must be >= 0"),
            (self.shard_size >= 1, "shard_size must be >= 1"),
        ]
        for ok, message in checks:
            if not ok:
                raise ruadapt.UserError(message)
        self.layers()

    def layers(self) -> list[int]:
        """``hidden_layers`` as integers (empty when the hidden loss is off)."""
        if not self.hidden_weight:
            return []
        try:
            return [int(x) for x in self.hidden_layers.split(",") if x.strip()]
        except ValueError:
            raise ruadapt.UserError(
                f"hidden_layers must be comma-separated integers, got {self.hidden_layers!r}"
            ) from None


def extension_card(model_path: str) -> dict[str, Any]:
    """``extension.json`` of an extended model ({} when the model was not made by extend)."""
    card = Path(model_path) / "extension.json"
    return json.loads(card.read_text()) if card.is_file() else {}


def choose_trainable(model: Any, train: str, first_new_row: int | None) -> list[Any]:
    """Freeze what ``train`` leaves alone; return the parameters that train. ``new_rows`` masks
    the gradient of rows below ``first_new_row`` so base tokens keep their vectors."""
    params = [p for p in model.parameters() if p.requires_grad]
    if train == "all":
        return params
    for p in model.parameters():
        p.requires_grad_(False)
    weights = {
        id(w): w
        for w in (model.get_input_embeddings().weight, model.get_output_embeddings().weight)
    }  # tied: one tensor
    for w in weights.values():
        w.requires_grad_(True)
        if train == "new_rows":

            def keep_base_rows(grad, n=first_new_row):
                grad = grad.clone()
                grad[:n] = 0
                return grad

            w.register_hook(keep_base_rows)
    return list(weights.values())


def training_texts(run, config: TransferConfig, max_length: int) -> Any:
    """Russian documents (shuffled, cut into ~max_length-token pieces) with replay text mixed
    in at ``replay_ratio``, as one stream."""
    from ruadapt_plugins.transfer.align import segments

    rng = random.Random(run.options.seed)
    docs = list(run.dataset["text"])
    rng.shuffle(docs)
    main = segments(docs, run.tokenizer, max_length - 1)
    if not config.replay_ratio:
        yield from main
        return
    from ruadapt.data import load_for_method

    replay_docs = list(load_for_method(config.replay_data, "text", run.registry)[0]["text"])
    replay = segments(replay_docs * 1000, run.tokenizer, max_length - 1)
    for text in main:
        while rng.random() < config.replay_ratio:
            extra = next(replay, None)
            if extra is not None:
                yield extra
        yield text


def train(run, config: TransferConfig) -> None:
    import torch
    from ruadapt_plugins.transfer.loop import batches, train_student
    from ruadapt_plugins.transfer.teacher import build_shards, prefix_id

    from ruadapt.models import load_causal_lm, load_tokenizer

    o = run.options
    if o.max_steps <= 0:
        raise ruadapt.UserError("transfer needs max_steps > 0 (cpu_budget_s can stop it earlier)")
    if o.resume:
        raise ruadapt.UserError("transfer does not checkpoint; rerun with --overwrite instead")
    card = extension_card(o.model)
    teacher_spec = config.teacher or card.get("base_model")
    if not teacher_spec:
        raise ruadapt.UserError(
            f"transfer: {o.model} has no extension.json naming its original; set teacher=MODEL"
        )
    if config.train == "new_rows" and "first_new_id" not in card and "base_vocab_size" not in card:
        raise ruadapt.UserError(f"train=new_rows: {o.model} has no extension.json")
    if run.adapter is not None and config.train == "new_rows":
        raise ruadapt.UserError("train=new_rows cannot be combined with --adapter")
    if run.adapter is not None and getattr(run.config.adapter, "lora_modules_to_save", None) == []:
        # the new rows need full training, which LoRA alone cannot give
        run.config.adapter.lora_modules_to_save = ["embed_tokens", "lm_head"]
    teacher = load_causal_lm(teacher_spec, trust_remote_code=o.trust_remote_code)
    teacher_tok = load_tokenizer(teacher_spec, trust_remote_code=o.trust_remote_code)
    model = run.model
    first_new = card.get("first_new_id", card.get("base_vocab_size"))
    trainable = choose_trainable(model, config.train, first_new)
    if config.train == "new_rows":
        o.weight_decay = 0.0  # decoupled decay would still shrink the frozen rows
    run.extra["trainable_parameters"] = sum(p.numel() for p in trainable)
    print(
        f"transfer: teacher {teacher_spec}; training {config.train} "
        f"({run.extra['trainable_parameters']:,} parameters)"
    )

    layers = config.layers()
    cache = run.output_dir / CACHE_DIR
    shutil.rmtree(cache, ignore_errors=True)  # ours: written by an earlier attempt of this run
    needed = o.max_steps * o.batch_size * o.gradient_accumulation_steps
    fresh = build_shards(
        training_texts(run, config, o.max_length),
        cache,
        teacher,
        teacher_tok,
        run.tokenizer,
        max_length=o.max_length,
        layers=layers,
        shard_size=config.shard_size,
        batch_size=o.batch_size,
        limit=needed,
    )
    torch.manual_seed(o.seed)
    result = train_student(
        model,
        trainable,
        batches(fresh, cache, o.batch_size, o.seed),
        prefix=prefix_id(run.tokenizer),
        layers=layers,
        weights={
            "chunk": config.chunk_weight,
            "hidden": config.hidden_weight,
            "lm": config.lm_weight,
        },
        chunk_kind=config.chunk_loss,
        temperature=config.temperature,
        options=o,
        cpu_budget=config.cpu_budget_s,
        log=run.log,
    )
    del teacher
    if not config.keep_cache:
        shutil.rmtree(cache, ignore_errors=True)
    history = result.pop("history")
    run.extra["transfer"] = {
        **result,
        "teacher": str(teacher_spec),
        "cpu_seconds": round(history[-1]["cpu_seconds"], 1) if history else 0.0,
        "first": history[0] if history else None,
        "last": history[-1] if history else None,
    }
    run.model = model


@ruadapt.hookimpl
def register_methods(register):
    register(
        ruadapt.Method(
            name="transfer",
            config=TransferConfig,
            data_kind="text",
            train=train,
            summary="self-distillation from the original model after tokenizer extension",
            run_defaults={
                "data": "ru-corpus",
                "learning_rate": 1e-4,
                "max_length": 128,
                "max_steps": 100,
            },
        )
    )
