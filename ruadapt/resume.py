"""A run's output over its life: start, resume that really resumes, and replace safely.

``ruadapt run`` writes into its output folder as it trains (checkpoints, ``metrics.jsonl``),
so it cannot be built entirely beside the old one. Instead, ``--overwrite`` moves the old
output aside (``.NAME.ruadapt-old-PID``) and puts it back if the new run fails before its
first checkpoint; the old one is deleted only when the new run completes. ``--resume``
continues only an interrupted run of the same method, data and model.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import yaml

from ruadapt import outputs
from ruadapt.errors import UserError

# What must match between the saved config.yaml and a --resume command.
RESUME_KEYS = ("plugin", "model", "data", "adapter", "format")


def read_metrics(path: Path) -> list[dict[str, Any]]:
    """The records of ``metrics.jsonl``; a torn line (a kill mid-append) is dropped with a note."""
    records = []
    if not path.is_file():
        return records
    with open(path, encoding="utf-8", errors="replace", newline="\n") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                if not isinstance(record, dict):
                    raise ValueError
            except ValueError:
                outputs.note(f"{path}:{number}: dropped a torn line (left by a killed run)")
                continue
            records.append(record)
    return records


def truncate_metrics(path: Path, step: int) -> None:
    """On resume, keep only metric lines logged up to the checkpoint we continue from."""
    if not path.is_file():
        return
    keep = [r for r in read_metrics(path) if _step(r) <= step]
    outputs.write_atomic(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in keep))


def _step(record: dict[str, Any]) -> int:
    try:
        return int(record.get("step", 0))
    except (TypeError, ValueError):
        return 0


def check_resume(config: Any, out: Path, *, complete: bool, checkpoint: Path | None) -> None:
    """Refuse a ``--resume`` that would continue the wrong run, a finished one, or nothing."""
    saved_path = out / "config.yaml"
    if not saved_path.is_file():
        raise UserError(f"--resume: {out} holds no config.yaml (not a ruadapt run)")
    try:
        saved = yaml.safe_load(saved_path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError, OSError) as exc:
        raise UserError(f"--resume: cannot read {saved_path} ({type(exc).__name__})") from None
    now = config.to_dict()
    if complete and not _extends(saved, now):
        raise UserError(
            f"--resume: {out} is a finished run; nothing to continue "
            "(raise max_steps to train it further, pass --overwrite to train it again, "
            "or choose another --output)"
        )
    for key in RESUME_KEYS:
        if isinstance(saved, dict) and saved.get(key) != now.get(key):
            raise UserError(
                f"--resume: {out} was a run with {key}={saved.get(key)!r}, not {now.get(key)!r} "
                "(resume with the same command, or choose another --output)"
            )
    if checkpoint is None:
        raise UserError(f"--resume: no complete checkpoint in {out / 'checkpoints'}")


def _extends(saved: Any, now: dict[str, Any]) -> bool:
    """A finished run continues only to a larger max_steps than it was trained for."""
    before = saved.get("max_steps", -1) if isinstance(saved, dict) else -1
    after = now.get("max_steps", -1)
    return isinstance(before, int) and before > 0 and after > before


def move_aside(out: Path) -> Path | None:
    """Move an existing output aside for ``--overwrite``; returns where it went."""
    if not (out.exists() and any(out.iterdir())):
        return None
    old = out.parent / f".{out.name}.ruadapt-old-{os.getpid()}"
    os.replace(out, old)
    return old


def restore(old: Path | None, out: Path, *, fresh: bool = False, existed: bool = True) -> None:
    """Undo a failed run that cannot be resumed: put the output it replaced back (``old``),
    or empty what it began in a new or empty output (``fresh``): no partial output stays."""
    if old is not None and old.exists():
        outputs._remove(out)
        os.replace(old, out)
        outputs.note(f"the previous output in {out} was kept")
    elif fresh and not existed:
        outputs._remove(out)
    elif fresh and out.is_dir():
        for child in out.iterdir():  # the folder itself may be the user's (made empty)
            outputs._remove(child)


def drop(old: Path | None) -> None:
    """The new run completed: the previous output it replaced can go."""
    if old is not None and old.exists():
        outputs._remove(old)


def check_finite_model(model: Any) -> None:
    """Refuse to save a model whose weights went NaN/inf (so it is never marked complete)."""
    import torch

    for name, param in model.named_parameters():
        if not torch.isfinite(param.detach()).all():
            raise NonFiniteError(f"training diverged: {name} holds NaN/inf; the run is not saved")


class NonFiniteError(UserError):
    """Loss, gradient norm or weights became NaN/inf."""


def check_finite_logs(logs: dict[str, Any], step: int) -> None:
    """Stop at the first non-finite loss or gradient norm a trainer logs."""
    for key in ("loss", "grad_norm"):
        value = logs.get(key)
        if isinstance(value, (int, float)) and not math.isfinite(value):
            raise NonFiniteError(
                f"training diverged at step {step}: {key} is {value} "
                "(lower learning_rate or check the data); the run is not marked complete"
            )
