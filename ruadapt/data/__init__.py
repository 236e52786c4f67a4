"""Data: loading, format detection, validation and conversion to a method's data kind."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ruadapt.errors import UserError


def load_for_method(
    spec: str,
    kind: str,
    registry: Any,
    *,
    format: str | None = None,
    system_prompt: str | None = None,
    max_samples: int | None = None,
    eval_split: float = 0.0,
    seed: int = 42,
):
    """Load ``spec`` and convert it to ``kind``; returns ``(train, eval_or_None)`` Datasets."""
    from datasets import Dataset

    from ruadapt.data.bundled import BUNDLED, bundled_path

    path = bundled_path(spec) if spec in BUNDLED else Path(spec)
    if not path.is_file():
        raise UserError(f"data file not found: {spec}")
    if path.suffix == ".txt":
        rows = [
            {"text": p.strip()} for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()
        ]
    else:
        rows = [
            json.loads(line)
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
    if max_samples:
        rows = rows[:max_samples]
    ds = Dataset.from_list(rows)
    if eval_split:
        split = ds.train_test_split(test_size=eval_split, seed=seed)
        return split["train"], split["test"]
    return ds, None
