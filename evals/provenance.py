"""Provenance for report.json: which model, which data, which software and hardware."""

from __future__ import annotations

import hashlib
import platform
import subprocess
from pathlib import Path
from typing import Any


def _sha256(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.is_file() else None


def model_label(spec: str) -> str:
    """A short name for titles: a local folder as its last two path parts
    (``demo-real/simpo``), a hub id or alias (``tiny``, ``org/model``) as given."""
    path = Path(spec).expanduser()
    if not path.exists():
        return spec
    parts = path.resolve().parts
    return "/".join(parts[-2:]) if len(parts) > 2 else path.resolve().name


def describe_model(ctx: Any) -> dict[str, Any]:
    """Name, resolved path, size, dtype and short hashes of config and tokenizer files.

    Weight files are not hashed: for a real model that would read gigabytes.
    """
    from ruadapt.models import resolve_model

    path = Path(resolve_model(ctx.spec))
    info: dict[str, Any] = {
        "name": ctx.spec,
        "label": model_label(ctx.spec),
        "path": str(path),
        "config_sha256": _sha256(path / "config.json"),
        "tokenizer_sha256": _sha256(path / "tokenizer.json"),
    }
    if ctx._tokenizer is not None:
        info["vocab_size"] = len(ctx._tokenizer)
    if ctx._model is not None:
        params = list(ctx._model.parameters())
        info["parameters"] = sum(p.numel() for p in params)
        info["dtype"] = str(params[0].dtype).replace("torch.", "")
    return info


def prompts_info(source: Any, pairs: list) -> dict[str, Any]:
    """Where the prompts came from, how many, and a hash of their content."""
    digest = hashlib.sha256()
    for pair in pairs:
        digest.update(
            repr((pair.id, pair.ru, pair.en, pair.ru_reference, pair.en_reference)).encode()
        )
    if isinstance(source, list):
        name = "in-memory"
    else:
        name = str(source) if source else "bundled:ru-en-parallel"
    return {"source": name, "count": len(pairs), "sha256": digest.hexdigest()[:16]}


def _git_commit() -> str | None:
    root = Path(__file__).resolve().parent.parent
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.strip() or None


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def environment(ctx: Any) -> dict[str, Any]:
    """Versions, hardware and numeric settings the numbers depend on."""
    import os

    import sacrebleu
    import torch
    import transformers

    import ruadapt

    cuda = torch.cuda.is_available()
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "sacrebleu": sacrebleu.__version__,
        "ruadapt": ruadapt.__version__,
        "ruadapt_commit": _git_commit(),
        "device": ctx.device,
        "cpu": _cpu_name(),
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "gpu": torch.cuda.get_device_name(0) if cuda else None,
        "dtype": ctx.options.dtype,
    }
