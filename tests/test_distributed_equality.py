"""Two CPU processes (gloo) produce the weights one process does, and save them whole.

FSDP cannot be tested here: accelerate 1.16 turns an FSDP config into plain DDP on CPU
(``AcceleratorState`` sets ``DistributedType.FSDP`` only for GPU-like devices; with
``use_cpu`` it is ``MULTI_CPU`` and the model is wrapped in ``DistributedDataParallel``), so
the save path under FSDP/ZeRO-3 (``trainer.save_model`` on every rank) is exercised by the DDP
run below, and the gathering itself only on GPUs. See docs/scaling.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}


def _train(tiny_model: str, data: str, out: Path, *extra: str) -> subprocess.CompletedProcess:
    args = [
        *("run", "--plugin", "sft", "--model", tiny_model, "--data", data, "-o", str(out)),
        *("--max-steps", "2", "--set", "logging_steps=1"),
        *extra,
    ]
    return subprocess.run(
        [sys.executable, "-m", "ruadapt", *args],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.distributed
def test_two_processes_save_the_single_process_weights_whole(tiny_model, tiny_data, tmp_path):
    from safetensors.torch import load_file
    from transformers import AutoModelForCausalLM

    data = tiny_data("chat", n=16)
    # global batch 2 either way: one process with 2 examples, or 2 processes with 1 each
    single = _train(tiny_model, data, tmp_path / "one", "--set", "batch_size=2")
    assert single.returncode == 0, single.stderr[-3000:]
    double = _train(
        tiny_model,
        data,
        tmp_path / "two",
        *("--set", "batch_size=1", "--launcher", "accelerate", "--num-processes", "2"),
    )
    assert double.returncode == 0, double.stderr[-3000:]
    assert json.loads((tmp_path / "two" / "run.json").read_text())["world_size"] == 2

    one = load_file(str(tmp_path / "one" / "model.safetensors"))
    two = load_file(str(tmp_path / "two" / "model.safetensors"))
    start = load_file(str(Path(tiny_model) / "model.safetensors"))

    # complete: every parameter of the architecture, with its shape and dtype
    model = AutoModelForCausalLM.from_pretrained(tiny_model)
    expected = {k: v for k, v in model.state_dict().items()}
    tied = {"lm_head.weight"} if model.config.tie_word_embeddings else set()
    assert set(two) == set(expected) - tied
    for name, tensor in two.items():
        assert tensor.shape == expected[name].shape and tensor.dtype == expected[name].dtype, name

    # equal: both runs took the same two optimizer steps on the same examples
    moved = max((one[k] - start[k]).abs().max().item() for k in one)
    diff = max((one[k] - two[k]).abs().max().item() for k in one)
    assert moved > 2e-4, "training must move the weights for the comparison to mean anything"
    assert diff < moved / 20, (diff, moved)

    # the same losses were logged
    def losses(out: Path) -> list[float]:
        lines = (out / "metrics.jsonl").read_text().splitlines()
        return [json.loads(x)["loss"] for x in lines if '"loss"' in x]

    assert losses(tmp_path / "two") == pytest.approx(losses(tmp_path / "one"), rel=1e-3)
    assert not (tmp_path / "two" / ".saving").exists()
    assert (tmp_path / "two" / "README.md").is_file()


@pytest.mark.distributed
def test_an_fsdp_config_on_cpu_runs_as_ddp_with_a_note(tiny_model, tiny_data, tmp_path):
    """accelerate ignores FSDP without GPUs; ruadapt says so instead of pretending."""
    config = tmp_path / "fsdp_cpu.yaml"
    fsdp = Path(__file__).parent.parent / "examples" / "accelerate" / "fsdp.yaml"
    text = fsdp.read_text().replace("use_cpu: false", "use_cpu: true")
    config.write_text(text.replace("mixed_precision: bf16", "mixed_precision: 'no'"))
    result = _train(
        tiny_model,
        tiny_data("chat"),
        tmp_path / "o",
        *("--set", "batch_size=1", "--launcher", "accelerate", "--num-processes", "2"),
        *("--accelerate-config", str(config)),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "FSDP needs GPUs" in result.stderr
    assert (tmp_path / "o" / "model.safetensors").is_file()


def test_deepspeed_without_gpus_is_refused_in_one_line(monkeypatch):
    """DeepSpeed on CPU hung after loading the model in our trial: refused up front instead."""
    import torch

    import ruadapt
    from ruadapt import distributed

    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    monkeypatch.setenv("ACCELERATE_USE_DEEPSPEED", "true")
    with pytest.raises(ruadapt.UserError, match="DeepSpeed needs CUDA GPUs"):
        distributed._note_cpu_fallback()
