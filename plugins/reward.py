"""Reward model: a scalar head on a causal LM, trained with Bradley-Terry (TRL's RewardTrainer).

    ruadapt run --method reward --model out/sft --data ru-prefs -o out/rm --set eval_split=0.2
    ruadapt reward score --model out/rm --data pairs.jsonl -o scores.jsonl

Loss per pair (chosen w, rejected l, prompt s):
``-log sigmoid(r(s, w) - r(s, l) - margin) + center * (r(s, w) + r(s, l))^2``
(``margin`` and ``center_rewards_coefficient`` are optional, both 0 by default). The reward
is read at the last non-padding token, so the padding token is set on the model's config.
Pairwise accuracy (share of held-out pairs where ``r(w) > r(l)``) is measured before and
after training on the ``eval_split`` part and logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ruadapt
from ruadapt.config import opt


@dataclass
class RewardConfig:
    margin: float = opt(0.0, "required gap r(chosen) - r(rejected) in the loss (0: plain BT)")
    center_rewards_coefficient: float = opt(
        0.0, "weight of the (r_w + r_l)^2 term that keeps rewards centred on 0 (e.g. 0.01)"
    )

    def __post_init__(self) -> None:
        if self.margin < 0:
            raise ruadapt.UserError(f"margin must be >= 0, got {self.margin}")
        if self.center_rewards_coefficient < 0:
            raise ruadapt.UserError(
                f"center_rewards_coefficient must be >= 0, got {self.center_rewards_coefficient}"
            )


def bradley_terry_loss(
    chosen: Any, rejected: Any, margin: float | Any = 0.0, center: float = 0.0
) -> Any:
    """``mean(-log sigmoid(r_w - r_l - margin)) + center * mean((r_w + r_l)^2)``."""
    import torch

    loss = -torch.nn.functional.logsigmoid(chosen - rejected - margin).mean()
    if center:
        loss = loss + center * ((chosen + rejected) ** 2).mean()
    return loss


def sequence_classifier(spec: str, tokenizer: Any, trust_remote_code: bool = False) -> Any:
    """A one-output sequence classifier (the reward head) on top of ``spec``'s weights.

    A causal LM gets a freshly initialised ``score`` head; a saved reward model loads as is.
    An adapter directory is loaded onto its base and merged.
    """
    from transformers import AutoModelForSequenceClassification

    from ruadapt.models import load_through_adapters, resolve_model

    def plain(folder: str) -> Any:
        return AutoModelForSequenceClassification.from_pretrained(
            folder, num_labels=1, trust_remote_code=trust_remote_code, use_safetensors=True
        )

    try:
        model = load_through_adapters(resolve_model(spec), plain)
    except OSError as exc:
        raise ruadapt.UserError(f"cannot load reward model {spec}: {exc}".splitlines()[0]) from None
    model.config.pad_token_id = tokenizer.pad_token_id  # the reward is read before padding
    return model


def load_reward_model(spec: str, trust_remote_code: bool = False) -> tuple[Any, Any]:
    """``(model, tokenizer)`` of a trained reward model, in eval mode."""
    from ruadapt.models import load_tokenizer

    tokenizer = load_tokenizer(spec, trust_remote_code=trust_remote_code)
    model = sequence_classifier(spec, tokenizer, trust_remote_code)
    model.requires_grad_(False)
    return model.eval(), tokenizer


def score(
    model: Any,
    tokenizer: Any,
    prompts: list[list[dict]],
    responses: list[str],
    *,
    batch_size: int = 8,
    max_length: int = 512,
) -> list[float]:
    """The reward of each (prompt messages, response text), read at the last token."""
    import torch

    device = next(model.parameters()).device
    texts = [
        tokenizer.apply_chat_template(
            list(p) + [{"role": "assistant", "content": r}], tokenize=False
        )
        for p, r in zip(prompts, responses, strict=True)
    ]
    # right padding: the reward is read at the last real token; left truncation keeps the
    # response when a conversation is longer than max_length
    sides = tokenizer.padding_side, tokenizer.truncation_side
    tokenizer.padding_side, tokenizer.truncation_side = "right", "left"
    out: list[float] = []
    try:
        with torch.no_grad():
            for i in range(0, len(texts), batch_size):
                enc = tokenizer(
                    texts[i : i + batch_size],
                    return_tensors="pt",
                    padding=True,
                    truncation=True,
                    max_length=max_length,
                    add_special_tokens=False,
                ).to(device)
                out.extend(model(**enc).logits[:, 0].float().tolist())
    finally:
        tokenizer.padding_side, tokenizer.truncation_side = sides
    return out


def pairwise_accuracy(model: Any, tokenizer: Any, pairs: Any, max_length: int = 512) -> float:
    """Share of preference records where ``r(chosen) > r(rejected)``."""
    prompts = [r["prompt"] for r in pairs]
    chosen = score(
        model, tokenizer, prompts, [r["chosen"][0]["content"] for r in pairs], max_length=max_length
    )
    rejected = score(
        model,
        tokenizer,
        prompts,
        [r["rejected"][0]["content"] for r in pairs],
        max_length=max_length,
    )
    return sum(w > r for w, r in zip(chosen, rejected, strict=True)) / max(1, len(pairs))


def build_model(run: Any) -> Any:
    """The run's model as a reward model, with the run's adapter (LoRA: the head trains too)."""
    model = sequence_classifier(run.options.model, run.tokenizer, run.options.trust_remote_code)
    if run.adapter is not None and run.adapter.name == "lora":
        from peft import get_peft_model
        from ruadapt_plugins.lora import peft_config

        cfg = peft_config(run.config.adapter, model)
        cfg.task_type = "SEQ_CLS"  # peft then trains and saves the `score` head in full
        cfg.modules_to_save = sorted(set(cfg.modules_to_save or []) | {"score"})
        model = get_peft_model(model, cfg)
        run.extra["trainable_parameters"] = sum(
            p.numel() for p in model.parameters() if p.requires_grad
        )
        return model
    return run.apply_adapter(model)


def train_reward_model(
    run: Any,
    config: RewardConfig,
    model: Any,
    dataset: Any,
    *,
    round_dir: str | None = None,
    max_steps: int | None = None,
    tokenizer: Any = None,
) -> Any:
    """Train ``model`` with TRL's RewardTrainer on preference records; returns the model.

    ``round_dir`` (PPO's alternating rounds): write the trainer's files there, save no
    checkpoints, log nothing to metrics.jsonl (PPO's steps own it) and never resume.
    """
    from ruadapt_plugins._trl import trl_args
    from trl import RewardConfig as TrlRewardConfig
    from trl import RewardTrainer

    if config.margin:
        dataset = dataset.map(lambda _: {"margin": config.margin})
    overrides: dict[str, Any] = {}
    if round_dir is not None:
        overrides = {"output_dir": round_dir, "save_strategy": "no", "eval_strategy": "no"}
        if max_steps is not None:
            overrides["max_steps"] = max_steps
    args = trl_args(
        TrlRewardConfig,
        run,
        center_rewards_coefficient=config.center_rewards_coefficient or None,
        **overrides,
    )
    trainer = RewardTrainer(
        model=model,
        args=args,
        train_dataset=dataset,
        eval_dataset=run.eval_dataset if round_dir is None else None,
        processing_class=tokenizer or run.tokenizer,
        callbacks=[run.callback()] if round_dir is None else [],
    )
    trainer.train(resume_from_checkpoint=run.resume_from if round_dir is None else None)
    history = [h for h in trainer.state.log_history if "loss" in h]
    if history:
        key = "reward_final_metrics" if round_dir is None else "reward_round_metrics"
        run.extra[key] = {k: v for k, v in history[-1].items() if k != "step"}
    run.extra.setdefault("reward_steps", trainer.state.global_step)
    if round_dir is None:
        run.trainer = trainer  # the runner saves through trainer.save_model
    return trainer.model


def train(run: ruadapt.Run, config: RewardConfig) -> None:
    model = build_model(run)
    held_out = run.eval_dataset
    max_length = run.options.max_length
    before = pairwise_accuracy(model, run.tokenizer, held_out, max_length) if held_out else None
    model = train_reward_model(run, config, model, run.dataset)
    run.model = model
    if held_out is not None:
        after = pairwise_accuracy(model, run.tokenizer, held_out, max_length)
        run.extra["pairwise_accuracy"] = {"before": before, "after": after, "pairs": len(held_out)}
        run.log(
            {"eval_pairwise_accuracy_before": before, "eval_pairwise_accuracy": after},
            step=run.extra.get("reward_steps", 0),
        )
        print(f"pairwise accuracy on {len(held_out)} held-out pairs: {before:.3f} -> {after:.3f}")


# ---- `ruadapt reward score` -----------------------------------------------------------------


def read_pairs(path: str) -> list[tuple[list[dict], str, dict]]:
    """``(prompt messages, response, record)`` from a JSONL of prompt/response records.

    A record has ``prompt`` (text or messages) and ``response`` or ``completion`` (text or
    one assistant message); a preference record (``chosen``/``rejected``) gives two rows.
    """
    from ruadapt.data.readers import read_records

    p = Path(path).expanduser()
    if not p.is_file():
        raise ruadapt.UserError(f"--data {path}: no such file")
    rows = []
    for row in read_records(p):
        record, where = row.record, row.where
        if "prompt" not in record:
            raise ruadapt.UserError(f"{where}: expected an object with a 'prompt' field")
        prompt = _messages(record["prompt"], where, "prompt")
        keys = [k for k in ("response", "completion", "chosen", "rejected") if k in record]
        if not keys:
            raise ruadapt.UserError(f"{where}: no 'response' (or 'completion') field")
        for key in keys:
            rows.append(
                (prompt, _text(record[key], where, key), {"line": row.number, "field": key})
            )
    if not rows:
        raise ruadapt.UserError(f"--data {path}: no records")
    return rows


def _messages(value: Any, where: str, field: str) -> list[dict]:
    if isinstance(value, str) and value.strip():
        return [{"role": "user", "content": value}]
    if (
        isinstance(value, list)
        and value
        and all(isinstance(m, dict) and "content" in m for m in value)
    ):
        return [{"role": m.get("role", "user"), "content": m["content"]} for m in value]
    raise ruadapt.UserError(f"{where}: field {field!r} must be text or a list of messages")


def _text(value: Any, where: str, field: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict):
        return str(value[0].get("content", ""))
    raise ruadapt.UserError(f"{where}: field {field!r} must be text or one assistant message")


def score_file(
    model: str, data: str, output: str, batch_size: int = 8, *, overwrite: bool = False
) -> Path:
    """Score every prompt/response of ``data`` with reward model ``model`` into JSONL ``output``.

    An existing ``output`` is replaced only with ``overwrite`` (checked before any scoring).
    """
    import json

    from ruadapt.outputs import check_output, staged_file

    inputs = {"--data": data, "--model": model}
    out = check_output(output, overwrite=overwrite, inputs=inputs, folder=False)
    rows = read_pairs(data)
    from ruadapt.models import check_reward_head

    check_reward_head(model)  # a causal LM would load with a random head: refused
    rm, tokenizer = load_reward_model(model)
    values = score(rm, tokenizer, [r[0] for r in rows], [r[1] for r in rows], batch_size=batch_size)
    lines = [
        json.dumps(
            {**meta, "prompt": prompt[-1]["content"], "response": text, "reward": v},
            ensure_ascii=False,
        )
        for (prompt, text, meta), v in zip(rows, values, strict=True)
    ]
    with staged_file(out, checked=True) as tmp:
        tmp.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return out


@ruadapt.hookimpl
def register_methods(register):
    register(
        ruadapt.Method(
            name="reward",
            config=RewardConfig,
            data_kind="preference",
            train=train,
            summary="reward model (scalar head) trained with Bradley-Terry; pairwise accuracy",
            trainer_config="trl:RewardConfig",
            run_defaults={"data": "ru-prefs", "learning_rate": 1e-4, "eval_split": 0.1},
        )
    )
