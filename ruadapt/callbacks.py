"""Bridges from transformers/TRL trainers to ruadapt's run outputs.

``run.callback()`` gives any ``transformers.Trainer`` (TRL's included) what docs/methods.md
promises every run: the ``step: 0`` line with the parameter counts, one line per logged step,
and ``tokens_per_second`` — whether or not the trainer counts tokens itself.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from transformers import TrainerCallback

# Keys trainers log that say nothing about the run's progress.
_DROP = {"total_flos", "train_runtime", "train_samples_per_second", "train_steps_per_second"}
PARAMETER_KEYS = ("trainable_parameters", "total_parameters")


def count_batch_tokens(batch: Any) -> int:
    """Tokens a model reads in a collated batch: the ones of every ``*attention_mask`` (padding
    excluded; a preference batch has one per answer side), else every ``input_ids`` entry."""
    if not isinstance(batch, Mapping):  # a dict, or transformers' BatchEncoding
        return 0
    masks = [v for k, v in batch.items() if k.endswith("attention_mask") and hasattr(v, "sum")]
    if masks:
        return sum(int(mask.sum()) for mask in masks)
    ids = batch.get("input_ids")
    return int(ids.numel()) if hasattr(ids, "numel") else 0


class MetricsCallback(TrainerCallback):
    """Writes every trainer log to ``metrics.jsonl`` with ``step``, the step-0 parameter count
    of a fresh run, and ``tokens_per_second`` between consecutive logs."""

    def __init__(self, run: Any) -> None:
        self.run = run
        self._last_time: float | None = None
        self._last_tokens: float | None = None
        self._counted = 0  # tokens of the batches this process collated since train began

    def on_train_begin(self, args, state, control, model=None, train_dataloader=None, **kwargs):
        self._last_time = time.perf_counter()
        if state.global_step == 0 and not getattr(self.run, "_parameters_logged", False):
            self._log_parameters(model)
        self._count_tokens(train_dataloader)

    def on_step_end(self, args, state, control, **kwargs):
        """A SIGTERM whose exception some library swallowed stops the run here, at a step
        boundary (the runner then says how to resume, as for Ctrl-C)."""
        from ruadapt.errors import raise_if_terminated

        raise_if_terminated()

    def _log_parameters(self, model: Any) -> None:
        extra = self.run.extra
        if not all(key in extra for key in PARAMETER_KEYS) and model is not None:
            params = list(model.parameters())
            extra["trainable_parameters"] = sum(p.numel() for p in params if p.requires_grad)
            extra["total_parameters"] = sum(p.numel() for p in params)
        if all(key in extra for key in PARAMETER_KEYS):
            self.run.log({key: extra[key] for key in PARAMETER_KEYS}, step=0)
            self.run._parameters_logged = True  # one line even if a method trains twice

    def _count_tokens(self, dataloader: Any) -> None:
        """Count the tokens of each collated batch, for trainers that log no ``num_tokens``.

        The dataloader reads ``collate_fn`` when an epoch's iterator is made, after this
        callback runs. Batches collated in worker processes (``dataloader_num_workers > 0``)
        are not seen here; such a run logs ``tokens_per_second`` only if its trainer counts.
        """
        # accelerate's DataLoaderShard may wrap the torch DataLoader that does the collating
        dataloader = getattr(dataloader, "base_dataloader", dataloader)
        collate = getattr(dataloader, "collate_fn", None)
        if collate is None or getattr(collate, "_ruadapt_counting", False):
            return

        def counting(features):
            batch = collate(features)
            self._counted += count_batch_tokens(batch)
            return batch

        counting._ruadapt_counting = True
        dataloader.collate_fn = counting

    def on_log(self, args, state, control, logs=None, **kwargs):
        if not logs:
            return
        record = {k: v for k, v in logs.items() if k not in _DROP}
        if "train_loss" in record and "loss" not in record:
            return  # the trainer's end-of-run average, not a step
        if not any(key.startswith("eval_") for key in record):  # training lines only
            self._add_token_rate(record, logs, state)
        self.run.log(record, step=state.global_step)

    def _add_token_rate(self, record: dict, logs: dict, state: Any) -> None:
        """``tokens_per_second`` since the previous training line (none on the first)."""
        now = time.perf_counter()
        # the trainer's own cumulative count when it keeps one, else ours
        tokens = logs.get("num_tokens") or state.num_input_tokens_seen or self._counted or None
        if tokens and self._last_tokens is not None and self._last_time is not None:
            elapsed = now - self._last_time
            if elapsed > 0 and tokens >= self._last_tokens:
                record["tokens_per_second"] = round((tokens - self._last_tokens) / elapsed, 2)
        self._last_tokens, self._last_time = tokens, now
