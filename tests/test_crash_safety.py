"""Crash safety and scale-out: SIGKILL then --resume, and a two-process CPU run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest


def _ruadapt(*args: str) -> list[str]:
    return [sys.executable, "-m", "ruadapt", *args]


def _metrics(out: Path) -> list[dict]:
    return [json.loads(x) for x in (out / "metrics.jsonl").read_text().splitlines() if x]


ENV = {**os.environ, "HF_HUB_OFFLINE": "1"}


@pytest.fixture
def interrupted_run(request, tiny_model, tiny_data, tmp_path):
    """A 40-step SFT run (checkpoint every 2 steps; ``indirect`` param: another step count),
    running past its first checkpoint.

    Yields (output dir, its command-line arguments, the process); stderr goes to a file, since
    a pipe nobody reads could block the run.
    """
    out = tmp_path / "run"
    sets = ("save_steps=2", "logging_steps=1", "batch_size=1")
    args = [
        *("run", "--plugin", "sft", "--model", tiny_model, "--data", tiny_data("chat", n=16)),
        *("-o", str(out), "--max-steps", str(getattr(request, "param", 40))),
        *(x for s in sets for x in ("--set", s)),
    ]
    with open(f"{out}.log", "w") as log:
        proc = subprocess.Popen(
            _ruadapt(*args),
            env=ENV,
            stdout=subprocess.DEVNULL,
            stderr=log,
            # a shell starts background jobs with SIGINT ignored and children inherit that,
            # so under `.ci/run &` the Ctrl-C test would signal a run that cannot hear it
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
    first = out / "checkpoints" / "checkpoint-2" / "trainer_state.json"
    deadline = time.time() + 240
    while not first.exists() and proc.poll() is None and time.time() < deadline:
        time.sleep(0.02)
    assert first.exists(), "the run never wrote its first checkpoint"
    yield out, args, proc
    if proc.poll() is None:
        proc.kill()


def test_sigkill_after_first_checkpoint_then_resume(interrupted_run):
    out, args, proc = interrupted_run
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (out / "run.json").exists(), "a killed run must not look complete"

    done = subprocess.run(_ruadapt(*args, "--resume"), env=ENV, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "resuming from" in done.stdout
    assert json.loads((out / "run.json").read_text())["status"] == "complete"
    steps = [m["step"] for m in _metrics(out) if "loss" in m]
    assert steps == list(range(1, 41)), "each step logged exactly once across kill and resume"


# 40 tiny steps can all finish between the checkpoint showing up and the signal on a loaded
# machine; 100,000 cannot
@pytest.mark.parametrize("interrupted_run", [100_000], indirect=True)
def test_ctrl_c_stops_with_one_line_saying_how_to_resume(interrupted_run):
    out, _, proc = interrupted_run
    assert proc.poll() is None, "the run ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=120)
    stderr = Path(f"{out}.log").read_text()
    assert proc.returncode == 1
    assert "interrupted; to continue, rerun the same command with --resume" in stderr
    assert "Traceback" not in stderr
    assert not (out / "run.json").exists(), "an interrupted run must not look complete"


def test_resume_of_a_finished_run_is_refused_and_keeps_it(tiny_model, tiny_data, tmp_path):
    out = tmp_path / "run"
    args = [
        "run",
        "--plugin",
        "sft",
        "--model",
        tiny_model,
        "--data",
        tiny_data("chat"),
        "-o",
        str(out),
        "--max-steps",
        "1",
    ]
    assert subprocess.run(_ruadapt(*args), capture_output=True).returncode == 0
    again = subprocess.run(_ruadapt(*args, "--resume"), capture_output=True, text=True)
    assert again.returncode == 1
    assert "is a finished run; nothing to continue" in again.stderr
    assert "Traceback" not in again.stderr
    assert json.loads((out / "run.json").read_text())["status"] == "complete", "still finished"


@pytest.mark.distributed
def test_two_cpu_processes_train_one_model(tiny_model, tiny_data, tmp_path):
    out = tmp_path / "ddp"
    result = subprocess.run(
        _ruadapt(
            "run",
            "--plugin",
            "sft",
            "--model",
            tiny_model,
            "--data",
            tiny_data("chat"),
            "-o",
            str(out),
            "--max-steps",
            "2",
            "--set",
            "batch_size=1",
            "--launcher",
            "accelerate",
            "--num-processes",
            "2",
        ),
        capture_output=True,
        text=True,
        timeout=300,
        env=ENV,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    log = result.stdout + result.stderr
    assert "[rank 0/2] training sft" in log and "[rank 1/2] training sft" in log
    summary = json.loads((out / "run.json").read_text())
    assert summary["world_size"] == 2
    assert len(list(out.glob("*.safetensors"))) == 1
