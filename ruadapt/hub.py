"""Publishing a finished output folder to the Hugging Face hub (``--push-to-hub REPO``).

ruadapt pushes once, after the output is complete (model, tokenizer, card, config.yaml,
metrics), never the checkpoints. The token comes from the environment (``HF_TOKEN``) or
``huggingface-cli login``, never from an option; ``HF_ENDPOINT`` selects another hub.
"""

from __future__ import annotations

import os
from pathlib import Path

from ruadapt.errors import UserError

#: never published: resumable training state and ruadapt's own staging leftovers
IGNORE = ["checkpoints/**", "reward_rounds/**", "logs/**", ".*", "**/.*"]


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def check_can_push() -> None:
    """Fail before any training when a push cannot happen (offline mode)."""
    if _offline():
        raise UserError(
            "--push-to-hub: HF_HUB_OFFLINE is set, so nothing can be uploaded; "
            "unset it (or push later with `huggingface-cli upload`)"
        )


def repo_id_for(output: Path, repo: str | None) -> str:
    """``repo`` as given (``name`` or ``user/name``), else the output folder's name."""
    name = repo or output.name
    if not name or name.count("/") > 1:
        raise UserError(f"--push-to-hub {name!r}: expected NAME or USER/NAME")
    return name


def push_folder(folder: str | Path, repo: str | None = None, *, private: bool | None = None) -> str:
    """Create the model repository if needed and upload ``folder``; returns the repo's URL."""
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError

    check_can_push()
    folder = Path(folder)
    repo_id = repo_id_for(folder, repo)
    api = HfApi()
    try:
        url = api.create_repo(repo_id, private=private, exist_ok=True)
        api.upload_folder(
            repo_id=url.repo_id,
            folder_path=str(folder),
            ignore_patterns=IGNORE,
            commit_message=f"Upload {folder.name} with ruadapt",
        )
    except HfHubHTTPError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UserError(f"--push-to-hub {repo_id}: the hub refused the upload ({first})") from None
    except Exception as exc:  # noqa: BLE001 - the transport's errors (no network, DNS, refused)
        first = str(exc).splitlines()[0] if str(exc) else ""
        raise UserError(
            f"--push-to-hub {repo_id}: cannot reach the hub ({type(exc).__name__}: {first}); "
            "the output is complete locally"
        ) from None
    print(f"pushed {folder} to {url}")
    return str(url)


def push_output(output: str | Path, repo: str | None, *, private: bool | None = None) -> str:
    """Push a completed output; the local folder stays complete whatever happens."""
    return push_folder(output, repo, private=private)
