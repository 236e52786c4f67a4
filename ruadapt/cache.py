"""Where ruadapt keeps what it builds once and reuses (the tiny model, converted real models).

A ground-floor module: it imports nothing of ruadapt, so ``models``, ``tiny`` and
``real_models`` can all use it without importing each other.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """Where ruadapt caches built assets (``RUADAPT_CACHE`` or ``~/.cache/ruadapt``)."""
    return Path(os.environ.get("RUADAPT_CACHE", Path.home() / ".cache" / "ruadapt"))
