"""A run's output over its life: start, resume that really resumes, and replace safely.

``ruadapt run`` writes into its output folder as it trains (checkpoints, ``metrics.jsonl``),
so it cannot be built entirely beside the old one. Instead, ``--overwrite`` moves the old
output aside (``.NAME.ruadapt-old-PID``, named in the new output's marker as ``replacing``)
and puts it back if the new run does not finish; the old one is deleted only when the new
run completes, and a kill in between is settled by the next command on that output
(``ruadapt.outputs.clean_stale``). ``--resume`` continues only an interrupted run of the
same method, data, model and adapter, with the same options unless ``--allow-changes``,
which records each change with the step it took effect from (run.json ``resume_changes``,
a comment in config.yaml); options the checkpoint's optimizer state fixes (learning rate,
weight decay, optimizer) cannot change.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
from pathlib import Path
from typing import Any

import yaml

from ruadapt import outputs
from ruadapt.errors import UserError

# What must match between the saved config.yaml and a --resume command, always.
RESUME_KEYS = ("plugin", "model", "data", "adapter", "format", "quantization")
# Options that change no step of training (where and how it is logged, saved, published).
FREE_KEYS = frozenset(
    {
        "output", "resume", "overwrite", "allow_changes", "logging_steps", "save_steps",
        "report_to", "run_name", "push_to_hub", "hub_model_id", "hub_private_repo",
        "gradient_checkpointing", "activation_checkpointing", "trust_remote_code",
        "save_total_limit", "logging_first_step", "logging_strategy", "dataloader_num_workers",
        "disable_tqdm",
    }
)  # fmt: skip
# Options a checkpoint carries in its optimizer and scheduler state: on resume the trainer
# loads that state, so a new value would be recorded but never used.
STATE_KEYS = frozenset(
    {"learning_rate", "weight_decay", "optim", "optim_args", "adam_beta1", "adam_beta2",
     "adam_epsilon"}
)  # fmt: skip


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


def check_resume(
    config: Any, out: Path, *, complete: bool, checkpoint: Path | None
) -> dict[str, list[Any]]:
    """Refuse a ``--resume`` that would continue the wrong run, a finished one, or nothing,
    or that changes how training goes without ``--allow-changes``.

    Returns the options that change (``{key: [before, now]}``) when ``--allow-changes``
    accepts them; they take effect at the checkpoint's step.
    """
    saved_path = out / "config.yaml"
    if not saved_path.is_file():
        raise UserError(f"--resume: {out} holds no config.yaml (not a ruadapt run)")
    try:
        saved = yaml.safe_load(saved_path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError, OSError) as exc:
        raise UserError(f"--resume: cannot read {saved_path} ({type(exc).__name__})") from None
    if not isinstance(saved, dict):
        raise UserError(f"--resume: {saved_path} is not a mapping of options")
    now = config.to_dict()
    if complete and not _extends(saved, now):
        raise UserError(
            f"--resume: {out} is a finished run; nothing to continue "
            "(raise max_steps to train it further, pass --overwrite to train it again, "
            "or choose another --output)"
        )
    adapter_keys = set(dataclasses.asdict(config.adapter)) if config.adapter is not None else set()
    for key in (*RESUME_KEYS, *sorted(adapter_keys)):
        if saved.get(key) != now.get(key) and not _same_paths(key, saved.get(key), now.get(key)):
            raise UserError(
                f"--resume: {out} was a run with {key}={saved.get(key)!r}, not {now.get(key)!r} "
                "(resume with the same command, or choose another --output)"
            )
    if checkpoint is None:
        raise UserError(f"--resume: no complete checkpoint in {out / 'checkpoints'}")
    step = int(checkpoint.name.rsplit("-", 1)[-1])
    steps = now.get("max_steps")
    if isinstance(steps, int) and 0 < steps < step:
        raise UserError(
            f"--resume: max_steps={steps} is below the checkpoint's step {step} "
            f"(the model in {out} already trained {step} steps)"
        )
    trainer = set(getattr(config, "trainer", {}) or {})
    changed = {
        key: [saved.get(key), now.get(key)]
        for key in sorted(set(saved) | set(now))
        if key not in FREE_KEYS
        and key not in RESUME_KEYS  # checked above (the same paths typed otherwise pass)
        and (key in saved or key in trainer)  # an option added since is not a change
        and saved.get(key) != now.get(key)
    }
    if not changed:
        return {}
    listed = ", ".join(f"{k} {_show(a)} -> {_show(b)}" for k, (a, b) in changed.items())
    if not getattr(config.run, "allow_changes", False):
        raise UserError(
            f"--resume: options differ from the run in {out} ({listed}); resume with the "
            f"same options, or add --allow-changes to apply them from step {step}"
        )
    fixed = [k for k in changed if k in STATE_KEYS]
    if fixed:
        raise UserError(
            f"--resume --allow-changes: {', '.join(fixed)} cannot change on resume (the "
            f"checkpoint's optimizer and schedule state keep "
            f"{', '.join(_show(changed[k][0]) for k in fixed)}); train a new run instead"
        )
    return changed


def _same_paths(key: str, before: Any, now: Any) -> bool:
    """``--model``/``--data`` typed differently (``./d.jsonl``, a symlink) that name the same
    existing files are the same input."""
    if key not in ("model", "data"):
        return False
    paths = outputs.input_paths(before)
    return bool(paths) and paths == outputs.input_paths(now)


def _show(value: Any) -> str:
    return "unset" if value is None else repr(value) if isinstance(value, str) else str(value)


def record_changes(out: Path, changed: dict[str, list[Any]], step: int) -> list[dict[str, Any]]:
    """Add accepted changes to the run's history (kept in its marker) and return the history:
    ``[{"step": N, "changed": {key: [before, now]}}, ...]``, each from the step it took effect."""
    history = (outputs.read_marker(out) or {}).get("resume_changes")
    history = list(history) if isinstance(history, list) else []
    entry = {"step": step, "changed": changed}
    # a resume killed before it rewrote config.yaml sees the same change again: record it once
    if changed and (not history or history[-1] != json.loads(json.dumps(entry, default=str))):
        history.append(entry)
        outputs.update_marker(out, resume_changes=history)
    return history


def changes_header(history: list[dict[str, Any]]) -> str:
    """YAML comment lines for config.yaml: the values it lists hold from the step shown on;
    earlier steps used the ones before (run.json ``resume_changes`` has the same)."""
    if not history:
        return ""
    lines = ["# resumed with --allow-changes; earlier steps used the values before each change:"]
    for entry in history:
        for key, (before, now) in entry.get("changed", {}).items():
            lines.append(
                f"#   from step {entry.get('step')}: {key} {_show(before)} -> {_show(now)}"
            )
    return "\n".join(lines) + "\n"


def _extends(saved: dict[str, Any], now: dict[str, Any]) -> bool:
    """A finished run continues only to a larger max_steps than it was trained for."""
    before = saved.get("max_steps", -1)
    after = now.get("max_steps", -1)
    return isinstance(before, int) and before > 0 and isinstance(after, int) and after > before


def move_aside(out: Path) -> Path | None:
    """Move an existing output aside for ``--overwrite``; returns where it went."""
    if not (out.exists() and any(out.iterdir())):
        return None
    old = outputs.old_path(out)
    os.replace(out, old)
    return old


def restore(old: Path | None, out: Path, *, fresh: bool = False, existed: bool = True) -> None:
    """Undo a failed run that cannot be resumed: put the output it replaced back (``old``),
    or empty what it began in a new or empty output (``fresh``): no partial output stays."""
    if old is not None and old.exists():
        if out.exists() or out.is_symlink():
            outputs.put_back(old, out)
        else:
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
