"""Where a run's logs go besides metrics.jsonl: TensorBoard, W&B, MLflow... (``report_to``).

The names are checked when the config is resolved (``ruadapt.config``), before any model
loads; here: tracker files go to ``OUTPUT/logs``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

LOGS = "logs"


def logs_dir(output: str | Path) -> Path:
    """Where trackers write (``OUTPUT/logs``)."""
    return Path(output) / LOGS


@contextlib.contextmanager
def tracker_environment(output: str | Path) -> Iterator[None]:
    """Point the trackers that read their folder from the environment at ``OUTPUT/logs``.

    transformers' TensorBoard callback reads ``TENSORBOARD_LOGGING_DIR`` (else it writes under
    the trainer's ``output_dir``, i.e. inside the checkpoints); W&B reads ``WANDB_DIR``. A
    value the user set wins; ours is removed again afterwards.
    """
    directory = str(logs_dir(output))
    ours = [k for k in ("TENSORBOARD_LOGGING_DIR", "WANDB_DIR") if k not in os.environ]
    for key in ours:
        os.environ[key] = directory
    try:
        yield
    finally:
        for key in ours:
            os.environ.pop(key, None)
