"""--push-to-hub for runs, merges and tokenizer extensions, against a local stub of the hub
API (tests/hub_stub.py on 127.0.0.1; HF_ENDPOINT points there, nothing leaves the machine)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hub_stub import HubStub

import ruadapt


@pytest.fixture
def hub():
    with HubStub() as stub:
        yield stub


def _env(stub: HubStub) -> dict[str, str]:
    return {
        **os.environ,
        "HF_ENDPOINT": stub.url,
        "HF_HUB_OFFLINE": "0",
        "HF_TOKEN": "hf_test_token",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "HF_HUB_DISABLE_XET": "1",
    }


def _ruadapt(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ruadapt", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_run_pushes_its_complete_output_but_no_checkpoints(hub, tiny_model, tiny_data, tmp_path):
    out = tmp_path / "sft-run"
    result = _ruadapt(
        *("run", "--plugin", "sft", "--model", tiny_model, "--data", tiny_data("chat")),
        *("-o", str(out), "--max-steps", "2", "--set", "save_steps=1"),
        *("--push-to-hub", "team/sft-ru", "--set", "hub_private_repo=true"),
        env=_env(hub),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert hub.created == [{"name": "sft-ru", "organization": "team", "visibility": "private"}]
    assert set(hub.authorization) == {"Bearer hf_test_token"}, "the token from HF_TOKEN"
    pushed = hub.repos["team/sft-ru"]
    local = {
        str(p.relative_to(out)): p.read_bytes()
        for p in out.rglob("*")
        if p.is_file() and "checkpoints" not in p.parts and not p.name.startswith(".")
    }
    assert pushed == local, "exactly the finished output, byte for byte"
    assert (out / ".ruadapt-output.json").is_file(), "ruadapt's own marker stays local"
    assert (out / "checkpoints").is_dir() and not any(k.startswith("checkpoints") for k in pushed)
    assert {"model.safetensors", "README.md", "config.yaml", "run.json"} <= set(pushed)
    assert hub.validated and "ruadapt" in hub.validated[0]  # the card's metadata went through


def test_merge_and_tokenizer_extend_push_with_a_card(hub, tiny_model, tiny_data, tmp_path):
    env = _env(hub)
    adapter = tmp_path / "lora"
    result = _ruadapt(
        *("run", "--plugin", "lora", "--model", tiny_model, "--data", tiny_data("chat")),
        *("-o", str(adapter), "--max-steps", "1"),
        env={**env, "HF_HUB_OFFLINE": "1"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    merged = tmp_path / "merged"
    result = _ruadapt("merge", str(adapter), "-o", str(merged), "--push-to-hub", "merged", env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    assert hub.created[-1]["name"] == "merged"
    pushed = hub.repos["tester/merged"]
    assert pushed["model.safetensors"] == (merged / "model.safetensors").read_bytes()
    card = pushed["README.md"].decode()
    assert "ruadapt merge" in card and f"ruadapt {ruadapt.__version__}" in card

    ext = tmp_path / "ext"
    result = _ruadapt(
        *("tokenizer", "extend", "--model", tiny_model, "--new-tokens", "50", "-o", str(ext)),
        *("--push-to-hub", "me/tiny-ext", "--private"),
        env=env,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert hub.created[-1] == {"name": "tiny-ext", "organization": "me", "visibility": "private"}
    pushed = hub.repos["me/tiny-ext"]
    assert pushed["tokenizer.json"] == (ext / "tokenizer.json").read_bytes()
    card = pushed["README.md"].decode()
    assert card.startswith("---\n") and "tokenizer-extension" in card
    assert "ruadapt tokenizer extend" in card and "# Tokenizer extension" in card


def test_push_when_offline_fails_before_any_work(tiny_model, tiny_data, tmp_path):
    out = tmp_path / "o"
    result = _ruadapt(
        *("run", "--plugin", "sft", "--model", tiny_model, "--data", tiny_data("chat")),
        *("-o", str(out), "--max-steps", "1", "--push-to-hub", "me/x"),
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "--push-to-hub: HF_HUB_OFFLINE is set" in result.stderr
    assert not out.exists(), "nothing trained, nothing written"


def test_unreachable_hub_is_one_line_and_the_output_stays(tmp_path):
    """A hub that does not answer (a closed port): one line, the local folder untouched."""
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "README.md").write_text("card")
    code = "from ruadapt.hub import push_folder; push_folder('" + str(folder) + "', 'me/x')"
    env = {**os.environ, "HF_ENDPOINT": f"http://127.0.0.1:{port}", "HF_HUB_OFFLINE": "0"}
    result = subprocess.run(
        [sys.executable, "-c", f"import ruadapt.cli; {code}"],
        env={**env, "HF_TOKEN": "x"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "cannot reach the hub" in result.stderr
    assert (folder / "README.md").read_text() == "card"


def test_push_ignores_training_state(hub, tmp_path):
    folder = tmp_path / "out"
    (folder / "checkpoints" / "checkpoint-1").mkdir(parents=True)
    (folder / "checkpoints" / "checkpoint-1" / "optimizer.bin").write_bytes(b"x")
    (folder / "logs").mkdir()
    (folder / "logs" / "events").write_bytes(b"x")
    (folder / ".saving").mkdir()
    (folder / "model.safetensors").write_bytes(b"weights")
    (folder / "README.md").write_text("card")
    env = _env(hub)
    code = f"from ruadapt.hub import push_folder; push_folder({str(folder)!r}, 'me/out')"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert set(hub.repos["me/out"]) == {"model.safetensors", "README.md"}


def test_repo_names_are_checked():
    from ruadapt.hub import repo_id_for

    assert repo_id_for(Path("/x/my-run"), None) == "my-run"
    assert repo_id_for(Path("/x/my-run"), "me/other") == "me/other"
    with pytest.raises(ruadapt.UserError, match="expected NAME or USER/NAME"):
        repo_id_for(Path("/x/run"), "a/b/c")
