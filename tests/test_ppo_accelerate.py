"""PPO on accelerate's features: scheduler, gradient accumulation, trackers, eval_split,
save_state/load_state checkpoints that resume after SIGKILL, and no pickle on load."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import ruadapt
from ruadapt.plugins import load_plugins
from ruadapt.registry import collect
from ruadapt.runner import configure, run

FAST = {"max_new_tokens": 6, "batch_size": 4, "mini_batch_size": 2, "ppo_epochs": 1}
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}


@pytest.fixture(scope="module")
def registry():
    return collect(load_plugins())


def _metrics(out: Path) -> list[dict]:
    return [json.loads(x) for x in (out / "metrics.jsonl").read_text().splitlines() if x]


def _linear_lr(lr0: float, done: int, total: int) -> float:
    """transformers' linear schedule without warmup after ``done`` of ``total`` steps."""
    return lr0 * max(0.0, (total - done) / total)


def test_sigkill_then_resume_reaches_the_same_final_step_on_schedule(
    tiny_model, tiny_data, tmp_path
):
    """Killed after a checkpoint, resumed: every iteration logged once, the learning rate
    follows the one linear schedule across the kill (the scheduler state was restored)."""
    out = tmp_path / "ppo"
    lr0, steps = 1e-3, 6
    sets = {**FAST, "rewards": "russian", "save_steps": 1, "learning_rate": lr0}
    args = [
        *("run", "--plugin", "ppo", "--model", tiny_model, "--data", tiny_data("prompts")),
        *("-o", str(out), "--max-steps", str(steps)),
        *(x for k, v in sets.items() for x in ("--set", f"{k}={v}")),
    ]
    command = [sys.executable, "-m", "ruadapt", *args]
    with open(tmp_path / "log", "w") as log:
        proc = subprocess.Popen(command, env=ENV, stdout=log, stderr=log)
    marker = out / "checkpoints" / "checkpoint-2" / "trainer_state.json"
    deadline = time.time() + 300
    while not marker.exists() and proc.poll() is None and time.time() < deadline:
        time.sleep(0.02)
    assert marker.exists(), (tmp_path / "log").read_text()[-2000:]
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (out / "run.json").exists()

    done = subprocess.run([*command, "--resume"], env=ENV, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "resuming from" in done.stdout
    summary = json.loads((out / "run.json").read_text())
    assert summary["status"] == "complete"
    lines = [m for m in _metrics(out) if "reward_mean" in m]
    assert [m["step"] for m in lines] == list(range(1, steps + 1))
    per_iteration = 2  # batch 4 / minibatch 2, one epoch, no accumulation
    total = steps * per_iteration
    for m in lines:
        expected = _linear_lr(lr0, m["step"] * per_iteration, total)
        assert m["learning_rate"] == pytest.approx(expected, abs=1e-12), m["step"]
    assert (out / "value_head.safetensors").is_file() and (out / "README.md").is_file()


def test_a_crafted_pickle_in_a_checkpoint_is_refused(tiny_model, tiny_data, tmp_path, registry):
    """A checkpoint file that unpickles to code is never executed: resuming stops in one line."""
    import torch

    out = tmp_path / "ppo"
    sets = {**FAST, "rewards": "russian", "save_steps": 1}
    data = tiny_data("prompts")
    run("ppo", registry, model=tiny_model, data=data, output=str(out), max_steps=1, sets=sets)
    ckpt = out / "checkpoints" / "checkpoint-1"
    pwned = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self):
            return (os.system, (f"touch {pwned}",))

    for victim in ("random_states_0.pkl", "optimizer.bin", "scheduler.bin"):
        original = (ckpt / victim).read_bytes()
        torch.save({"state": Exploit()}, ckpt / victim)
        with pytest.raises(ruadapt.UserError, match="refusing to load"):
            run(
                "ppo",
                registry,
                model=tiny_model,
                data=data,
                output=str(out),
                max_steps=2,
                resume=True,
                allow_changes=True,  # a longer run than the first (max_steps 1 -> 2)
                sets=sets,
            )
        assert not pwned.exists(), f"{victim}: the pickle ran"
        (ckpt / victim).write_bytes(original)


def test_checkpoint_is_accelerate_state_without_pickled_objects(
    tiny_model, tiny_data, tmp_path, registry
):
    import torch

    out = tmp_path / "ppo"
    sets = {**FAST, "rewards": "russian", "save_steps": 1}
    run(
        "ppo",
        registry,
        model=tiny_model,
        data=tiny_data("prompts"),
        output=str(out),
        max_steps=1,
        sets=sets,
    )
    ckpt = out / "checkpoints" / "checkpoint-1"
    names = {p.name for p in ckpt.iterdir()}
    assert {"model.safetensors", "model_1.safetensors", "optimizer.bin", "scheduler.bin"} <= names
    assert "random_states_0.pkl" in names and "trainer_state.json" in names
    from accelerate.utils import load

    for name in ("optimizer.bin", "scheduler.bin", "random_states_0.pkl"):
        load(ckpt / name)  # weights_only=True: plain tensors and values only
    state = json.loads((ckpt / "trainer_state.json").read_text())
    assert state["global_step"] == 1 and state["optimizer_steps"] == 2
    assert torch.load(ckpt / "scheduler.bin", weights_only=True)["last_epoch"] == 2


def test_gradient_accumulation_counts_optimizer_steps(tiny_model, tiny_data, tmp_path, registry):
    """4 minibatches per iteration, accumulated 2 by 2: 2 optimizer steps per iteration,
    and the schedule (cosine with warmup) is stepped once per optimizer step."""
    import math

    out = tmp_path / "ppo"
    lr0 = 1e-3
    sets = {
        **FAST,
        "rewards": "russian",
        "mini_batch_size": 1,
        "gradient_accumulation_steps": 2,
        "lr_scheduler": "cosine",
        "warmup_ratio": 0.25,
        "learning_rate": lr0,
    }
    run(
        "ppo",
        registry,
        model=tiny_model,
        data=tiny_data("prompts"),
        output=str(out),
        max_steps=2,
        sets=sets,
    )
    lines = [m for m in _metrics(out) if "reward_mean" in m]
    total, warmup = 4, 1  # 2 iterations x 2 optimizer steps; ceil(0.25 * 4) warmup steps

    def cosine(step: int) -> float:
        if step < warmup:
            return lr0 * step / warmup
        progress = (step - warmup) / (total - warmup)
        return lr0 * 0.5 * (1 + math.cos(math.pi * progress))

    assert [m["learning_rate"] for m in lines] == pytest.approx([cosine(2), cosine(4)], abs=1e-12)


def test_accumulation_must_divide_the_minibatches(tiny_model, tiny_data, tmp_path, registry):
    sets = {**FAST, "rewards": "russian", "gradient_accumulation_steps": 3}
    with pytest.raises(ruadapt.UserError, match="must divide the 2 minibatches"):
        run(
            "ppo",
            registry,
            model=tiny_model,
            data=tiny_data("prompts"),
            output=str(tmp_path / "o"),
            max_steps=1,
            sets=sets,
        )


def test_eval_split_scores_held_out_prompts(tiny_model, tiny_data, tmp_path, registry):
    out = tmp_path / "ppo"
    sets = {**FAST, "rewards": "russian", "eval_split": 0.25}
    run(
        "ppo",
        registry,
        model=tiny_model,
        data=tiny_data("prompts", n=16),
        output=str(out),
        max_steps=2,
        sets=sets,
    )
    evals = [m for m in _metrics(out) if "eval_reward_mean" in m]
    assert [m["step"] for m in evals] == [1, 2]  # ten times per run, at most every iteration
    assert all(m["eval_prompts"] == 4 and 0 <= m["eval_reward_mean"] <= 1 for m in evals)


def test_ppo_refuses_trackers_accelerate_lacks(registry):
    from ruadapt_plugins.ppo.trainer import check_trackers

    check_trackers(["tensorboard", "wandb"])
    with pytest.raises(ruadapt.UserError, match="ppo logs through accelerate"):
        check_trackers(["azure_ml"])


@pytest.mark.skipif(importlib.util.find_spec("tensorboard") is None, reason="no tensorboard")
def test_ppo_logs_to_tensorboard_under_output_logs(tiny_model, tiny_data, tmp_path, registry):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    out = tmp_path / "ppo-tb"
    sets = {**FAST, "rewards": "russian", "report_to": "tensorboard"}
    run(
        "ppo",
        registry,
        model=tiny_model,
        data=tiny_data("prompts"),
        output=str(out),
        max_steps=2,
        sets=sets,
    )
    events = list((out / "logs").rglob("events.out.tfevents.*"))
    # run_name defaults to the output's name; accelerate puts the config (hparams) beneath it
    assert events and all("ppo-tb" in p.relative_to(out / "logs").parts[:1] for p in events)
    acc = EventAccumulator(str(out / "logs" / "ppo-tb")).Reload()
    rewards = [s.value for s in acc.Scalars("reward_mean")]
    assert rewards == pytest.approx([m["reward_mean"] for m in _metrics(out) if "reward_mean" in m])


def test_ppo_options_are_configurable(registry):
    config = configure(
        "ppo", registry, sets={"rewards": "russian", "bf16": "true", "lr_scheduler": "cosine"}
    )
    assert config.run.bf16 and config.run.lr_scheduler == "cosine"
