"""Bridges from transformers/TRL trainers to ruadapt's run outputs."""

from __future__ import annotations

import time
from typing import Any

from transformers import TrainerCallback

# Keys trainers log that say nothing about the run's progress.
_DROP = {"total_flos", "train_runtime", "train_samples_per_second", "train_steps_per_second"}


class MetricsCallback(TrainerCallback):
    """Writes every trainer log to ``metrics.jsonl`` with ``step`` and, when known, tokens/s."""

    def __init__(self, run: Any) -> None:
        self.run = run
        self._last_time: float | None = None
        self._last_tokens: float | None = None

    def on_train_begin(self, args, state, control, **kwargs):
        self._last_time = time.perf_counter()

    def on_log(self, args, state, control, logs=None, **kwargs):
        if not logs:
            return
        record = {k: v for k, v in logs.items() if k not in _DROP}
        if "train_loss" in record and "loss" not in record:
            return  # the trainer's end-of-run average, not a step
        if any(k.startswith("eval_") for k in record):  # an evaluation: no training throughput
            self.run.log(record, step=state.global_step)
            return
        now = time.perf_counter()
        tokens = logs.get("num_tokens", state.num_input_tokens_seen or None)
        if tokens and self._last_tokens is not None and self._last_time is not None:
            elapsed = now - self._last_time
            if elapsed > 0:
                record["tokens_per_second"] = round((tokens - self._last_tokens) / elapsed, 2)
        self._last_tokens, self._last_time = tokens, now
        self.run.log(record, step=state.global_step)
