"""The student's training loop: one forward and backward of the extended model per step,
against the cached teacher targets, with an optional next-token term."""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ruadapt_plugins.transfer.losses import chunk_logprobs, chunk_loss, hidden_loss, token_logprobs
from ruadapt_plugins.transfer.teacher import load_shard, pad


def student_losses(
    model: Any,
    examples: list[dict],
    prefix: int,
    layers: list[int],
    *,
    chunk_kind: str,
    temperature: float,
) -> dict[str, Any]:
    """``chunk``, ``hidden`` (0 without layers) and ``lm`` (mean next-token loss in nats) of a
    batch of cached examples."""
    import torch

    ids, mask = pad([[prefix] + e["student_ids"] for e in examples], prefix)
    index, chunk_mask = pad([e["student_index"] for e in examples], 0)
    out = model(input_ids=ids, attention_mask=mask, output_hidden_states=bool(layers))
    lp = token_logprobs(out.logits[:, :-1], ids[:, 1:]) * mask[:, 1:]
    teacher = torch.nn.utils.rnn.pad_sequence(
        [e["teacher_chunk"].float() for e in examples], batch_first=True
    )
    losses = {
        "chunk": chunk_loss(
            chunk_logprobs(lp, index), teacher, chunk_mask, chunk_kind, temperature
        ),
        "lm": -lp.sum() / mask[:, 1:].sum(),
    }
    if layers:
        rows = torch.arange(len(examples))[:, None]
        student_h = torch.stack([out.hidden_states[layer][rows, index + 1] for layer in layers])
        teacher_h = torch.zeros_like(student_h)
        for i, e in enumerate(examples):
            teacher_h[:, i, : e["hidden"].shape[1]] = e["hidden"].to(teacher_h.dtype)
        losses["hidden"] = hidden_loss(
            student_h, teacher_h, chunk_mask[None].expand(len(layers), -1, -1)
        )
    else:
        losses["hidden"] = lp.new_zeros(())
    return losses


def batches(
    fresh: Iterator[Path], directory: Path, batch_size: int, seed: int
) -> Iterator[list[dict]]:
    """Batches from the shards as they are built, then (further epochs) from disk, each shard
    shuffled on its own so only one shard is in memory."""
    rng = random.Random(seed)
    seen: list[Path] = []
    for epoch in itertools.count():
        paths = fresh if epoch == 0 else iter(seen)
        any_shard = False
        for path in paths:
            if epoch == 0:
                seen.append(path)
            any_shard = True
            examples = load_shard(path)
            rng.shuffle(examples)
            for i in range(0, len(examples) - batch_size + 1, batch_size):
                yield examples[i : i + batch_size]
        if not any_shard:
            return


def train_student(
    model: Any,
    trainable: list[Any],
    data: Iterator[list[dict]],
    *,
    prefix: int,
    layers: list[int],
    weights: dict[str, float],
    chunk_kind: str,
    temperature: float,
    options: Any,
    cpu_budget: float,
    log: Callable[[dict[str, float], int], None],
) -> dict[str, Any]:
    """AdamW with a linear warmup and decay over ``options.max_steps``; stops early when the
    process has used ``cpu_budget`` CPU-seconds (0: no limit). Returns a short history."""
    import torch

    steps = options.max_steps
    optimizer = torch.optim.AdamW(
        trainable, lr=options.learning_rate, weight_decay=options.weight_decay
    )
    warmup = (
        int(options.warmup_ratio * steps) if options.warmup_ratio < 1 else int(options.warmup_ratio)
    )

    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / (warmup + 1)
        if options.lr_scheduler == "constant":
            return 1.0
        return max(0.0, (steps - step) / max(1, steps - warmup))

    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, factor)
    start = time.process_time()
    model.train()
    history: list[dict[str, float]] = []
    step = 0
    while step < steps:
        optimizer.zero_grad()
        parts = {k: 0.0 for k in ("chunk", "hidden", "lm")}
        for _ in range(options.gradient_accumulation_steps):
            batch = next(data, None)
            if batch is None:
                return {"steps": step, "history": history, "stopped": "no data"}
            losses = student_losses(
                model, batch, prefix, layers, chunk_kind=chunk_kind, temperature=temperature
            )
            total = sum(weights[k] * losses[k] for k in parts if weights[k])
            (total / options.gradient_accumulation_steps).backward()
            for k in parts:
                parts[k] += losses[k].item() / options.gradient_accumulation_steps
        torch.nn.utils.clip_grad_norm_(trainable, options.max_grad_norm)
        optimizer.step()
        schedule.step()
        step += 1
        record = {
            "loss": sum(weights[k] * parts[k] for k in parts),
            **{f"{k}_loss": v for k, v in parts.items()},
            "learning_rate": schedule.get_last_lr()[0],
            "cpu_seconds": time.process_time() - start,
        }
        history.append(record)
        if step == 1 or step % max(1, options.logging_steps) == 0 or step == steps:
            log(record, step)
            print(
                f"transfer step {step}/{steps}  loss {record['loss']:.4f}  "
                + "  ".join(f"{k} {v:.4f}" for k, v in parts.items())
            )
        if cpu_budget and record["cpu_seconds"] >= cpu_budget:
            return {"steps": step, "history": history, "stopped": "cpu budget"}
    return {"steps": step, "history": history, "stopped": "max_steps"}
