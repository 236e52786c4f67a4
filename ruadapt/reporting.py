"""Where a run's logs go besides metrics.jsonl: TensorBoard, W&B, MLflow... (``report_to``).

The names are transformers' integrations (the same list TRL's trainers and accelerate's
trackers accept). They are checked before any model loads, so a typo or a missing package
is one line, not a traceback after minutes of loading. Tracker files go to ``OUTPUT/logs``.
"""

from __future__ import annotations

import contextlib
import difflib
import os
from collections.abc import Iterator
from pathlib import Path

from ruadapt.errors import UserError

LOGS = "logs"

#: pip package of each integration, for the error message when it is missing.
_PACKAGES = {
    "tensorboard": "tensorboard (pip install 'ruadapt[tensorboard]')",
    "wandb": "wandb",
    "mlflow": "mlflow",
    "comet_ml": "comet_ml",
    "clearml": "clearml",
    "trackio": "trackio",
}


def known_integrations() -> list[str]:
    """Every name ``report_to`` may hold (transformers' integration table)."""
    from transformers.integrations.integration_utils import INTEGRATION_TO_CALLBACK

    return sorted(INTEGRATION_TO_CALLBACK)


def installed_integrations() -> set[str]:
    """The integrations whose package is importable here."""
    from transformers.integrations import integration_utils as iu

    found = set(iu.get_available_reporting_integrations())
    for name in known_integrations():  # a few are not in transformers' availability list
        probe = getattr(iu, f"is_{name}_available", None)
        if probe is not None and probe():
            found.add(name)
    return found


def check_report_to(names: list[str]) -> list[str]:
    """Fail in one line for an unknown or uninstalled integration; return the names."""
    if not names:
        return []
    known = known_integrations()
    installed = installed_integrations()
    for name in names:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise UserError(
                f"report_to {name!r} is not a known integration{hint} (one of: {', '.join(known)})"
            )
        if name not in installed:
            package = _PACKAGES.get(name, name)
            raise UserError(f"report_to {name!r}: the {package} package is not installed")
    return list(names)


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
