"""The output-directory contract every command that writes shares.

A finished output holds ``run.json`` (the completion marker, written last), so a crashed run
never looks finished; files are written through a temporary file and a rename; checkpoints
live in ``checkpoints/``; ``--overwrite`` replaces only a folder ruadapt wrote (it holds
``config.yaml``), and ``--resume`` continues one.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from ruadapt.errors import UserError

COMPLETE_MARKER = "run.json"
METRICS_FILE = "metrics.jsonl"
CONFIG_FILE = "config.yaml"
CHECKPOINTS = "checkpoints"


def is_complete(directory: str | Path) -> bool:
    """True when ``directory`` holds the finished output of a run."""
    marker = Path(directory) / COMPLETE_MARKER
    if not marker.is_file():
        return False
    try:
        return json.loads(marker.read_text()).get("status") == "complete"
    except (json.JSONDecodeError, OSError):
        return False


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def latest_checkpoint(directory: str | Path) -> Path | None:
    """The newest checkpoint whose trainer state was fully written, or None."""
    root = Path(directory) / CHECKPOINTS
    if not root.is_dir():
        return None
    done = [p for p in root.glob("checkpoint-*") if (p / "trainer_state.json").is_file()]
    if not done:
        return None
    return max(done, key=lambda p: int(p.name.rsplit("-", 1)[-1]))


def prepare_output(directory: str | Path, *, overwrite: bool, resume: bool) -> Path:
    """Check and create the output directory according to the no-clobber rules."""
    out = Path(directory).expanduser()
    if out.exists() and not out.is_dir():
        raise UserError(f"output {out} exists and is a file")
    if out.is_dir() and any(out.iterdir()):
        if resume:
            if not (out / CONFIG_FILE).is_file():
                raise UserError(f"--resume: {out} is not a ruadapt output (no {CONFIG_FILE})")
        elif overwrite:
            if not (out / CONFIG_FILE).is_file():
                raise UserError(
                    f"--overwrite: {out} is not a ruadapt output (no {CONFIG_FILE}); "
                    "refusing to delete it, choose another --output"
                )
            shutil.rmtree(out)
        else:
            raise UserError(
                f"output directory {out} is not empty; pass --overwrite to replace it "
                "or --resume to continue it"
            )
    elif resume:
        raise UserError(f"--resume: nothing to resume in {out}")
    out.mkdir(parents=True, exist_ok=True)
    return out


def start_output(out: Path, config_yaml: str, *, overwrite: bool, resume: bool) -> None:
    """Prepare the output directory, write config.yaml, and reset or trim metrics.jsonl."""
    prepare_output(out, overwrite=overwrite, resume=resume)
    (out / COMPLETE_MARKER).unlink(missing_ok=True)
    write_atomic(out / CONFIG_FILE, config_yaml)
    if resume:
        ckpt = latest_checkpoint(out)
        if ckpt is None:
            raise UserError(f"--resume: no complete checkpoint in {out / CHECKPOINTS}")
        _truncate_metrics(out, int(ckpt.name.rsplit("-", 1)[-1]))
        print(f"resuming from {ckpt}")
    else:
        (out / METRICS_FILE).write_text("")


def _truncate_metrics(out: Path, step: int) -> None:
    """On resume, drop metric lines logged after the checkpoint we continue from."""
    path = out / METRICS_FILE
    if not path.is_file():
        return
    keep = [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and json.loads(line).get("step", 0) <= step
    ]
    write_atomic(path, "".join(line + "\n" for line in keep))


def check_not_inside_inputs(output: str | Path, inputs: dict[str, str | None]) -> None:
    """Refuse an output that is an input or holds one (``{"model": path, "data": path}``)."""
    out = Path(output).expanduser().resolve()
    for name, value in inputs.items():
        if value and Path(value).expanduser().exists():
            src = Path(value).expanduser().resolve()
            if src == out or out in src.parents:
                raise UserError(f"--output {out} would overwrite the --{name} {value}")
