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


def _check_offline() -> None:
    if _offline():
        raise UserError(
            "--push-to-hub: HF_HUB_OFFLINE is set, so nothing can be uploaded; "
            "unset it (or push later with `huggingface-cli upload`)"
        )


#: seconds the pre-flight check waits for the hub (a blackholed network must not hang a run)
PREFLIGHT_TIMEOUT = 20


def check_can_push() -> None:
    """Fail before any training when a push cannot happen: offline mode, no token, a hub that
    does not answer, or one that refuses the token (``GET /api/whoami-v2``, nothing written).

    Training for hours to learn at the end that the network is down or the token expired is
    the failure this prevents; the upload itself can still fail later (then the local output
    is complete and the message says so).
    """
    _check_offline()
    from huggingface_hub import constants, get_token
    from huggingface_hub.utils import build_hf_headers, get_session

    token = get_token()
    if token is None:
        raise UserError(
            "--push-to-hub: no Hugging Face token; set HF_TOKEN or run `hf auth login` "
            "(checked before any work)"
        )
    url = f"{constants.ENDPOINT}/api/whoami-v2"
    try:
        answer = get_session().get(
            url, headers=build_hf_headers(token=token), timeout=PREFLIGHT_TIMEOUT
        )
    except Exception as exc:  # noqa: BLE001 - the transport's errors (no network, DNS, refused)
        first = (str(exc).splitlines() or [""])[0]
        raise UserError(
            f"--push-to-hub: cannot reach the hub at {constants.ENDPOINT} "
            f"({type(exc).__name__}: {first}); nothing was done: check the network or "
            "HF_ENDPOINT, or push later with `huggingface-cli upload`"
        ) from None
    if answer.status_code in (401, 403):
        raise UserError(
            f"--push-to-hub: the hub at {constants.ENDPOINT} refused the token "
            f"(HTTP {answer.status_code}); set a valid HF_TOKEN (write access); nothing was done"
        )
    if answer.status_code >= 400:
        raise UserError(
            f"--push-to-hub: the hub at {constants.ENDPOINT} answered HTTP "
            f"{answer.status_code}; nothing was done, try again later"
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

    _check_offline()  # check_can_push ran before the work; the upload reports its own errors
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
