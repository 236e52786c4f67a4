"""Test helpers for ruadapt and for plugin authors (a pytest plugin, loaded automatically).

Fixtures:
- ``tiny_model``: path of a tiny randomly initialised model (built once per session);
- ``tiny_data``: ``tiny_data(kind, n=8)`` writes a small JSONL of that data kind and returns it;
- ``offline``: (autouse) no hub access during tests.

and, for plugin authors (every ``check_*`` raises ``AssertionError`` with the reason):

- ``run_method(name, model, data, output, **options) -> RunResult(path, metrics)``: run a
  method as ``ruadapt run`` does and read what it logged;
- ``check_method_contract(...)``: model, config.yaml, metrics.jsonl (step-0 parameter count,
  ``tokens_per_second``), ``--max-steps``, safetensors;
- ``check_method_resumes(...)``: ``--resume`` continues from the last checkpoint;
- ``check_first_loss(..., expected)``: the first logged loss equals the method's formula;
- ``check_gradient_accumulation(...)``: one batch of 2 and 2 accumulated batches of 1 give
  the same loss and gradient norm.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

SAMPLES: dict[str, list[dict]] = {
    "text": [
        {"text": "Москва — столица России. Это большой город на реке Москве."},
        {"text": "Зимой в Сибири бывает очень холодно, а летом жарко."},
    ],
    "chat": [
        {
            "messages": [
                {"role": "user", "content": "Сколько будет два плюс два?"},
                {"role": "assistant", "content": "Четыре."},
            ]
        },
        {
            "messages": [
                {"role": "user", "content": "Назови столицу Франции."},
                {"role": "assistant", "content": "Столица Франции — Париж."},
            ]
        },
    ],
    "preference": [
        {
            "prompt": "Какого цвета небо днём?",
            "chosen": "Днём небо голубое.",
            "rejected": "The sky is blue.",
        },
        {
            "prompt": "Сколько дней в неделе?",
            "chosen": "В неделе семь дней.",
            "rejected": "В неделе десять дней.",
        },
    ],
    "binary": [
        {"prompt": "Как называется наша планета?", "completion": "Земля.", "label": True},
        {
            "prompt": "Как называется наша планета?",
            "completion": "Mars, obviously.",
            "label": False,
        },
    ],
    "prompts": [
        {"prompt": "Расскажи коротко о Волге."},
        {"prompt": "Что такое фотосинтез?"},
    ],
}


def write_samples(directory: str | Path, kind: str, n: int = 8) -> Path:
    """Write ``n`` records of ``kind`` (cycling the samples above) to a JSONL file."""
    rows = SAMPLES[kind]
    path = Path(directory) / f"{kind}.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps(rows[i % len(rows)], ensure_ascii=False) + "\n")
    return path


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """No hub access in tests: everything is built locally."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> str:
    """A tiny random-init model with the English-centric tokenizer (built once per session)."""
    from ruadapt.tiny import build_tiny_model

    path = tmp_path_factory.mktemp("tiny") / "model"
    build_tiny_model(path, steps=0, progress=False)
    return str(path)


@pytest.fixture
def tiny_data(tmp_path):
    """``tiny_data(kind, n=8)`` -> path of a small JSONL file of that data kind."""

    def make(kind: str, n: int = 8) -> str:
        return str(write_samples(tmp_path, kind, n))

    return make


@dataclass
class RunResult:
    """What one run wrote: its output folder and the lines of its ``metrics.jsonl``."""

    path: Path
    metrics: list[dict[str, Any]]

    @property
    def losses(self) -> list[float]:
        """The training loss of each logged step (step >= 1), in order."""
        return [m["loss"] for m in self.training_lines]

    @property
    def training_lines(self) -> list[dict[str, Any]]:
        """The metrics lines of training steps (those with a ``loss``; step 0 has none)."""
        return [m for m in self.metrics if m.get("step", 0) >= 1 and "loss" in m]

    @property
    def first_loss(self) -> float:
        assert self.losses, f"{self.path}/metrics.jsonl logged no training loss"
        return self.losses[0]

    @property
    def summary(self) -> dict[str, Any]:
        """``run.json``: status, plugin, adapter, seconds and the method's own results."""
        return json.loads((self.path / "run.json").read_text(encoding="utf-8"))


def read_metrics(output: str | Path) -> list[dict[str, Any]]:
    """The lines of ``OUTPUT/metrics.jsonl``."""
    text = (Path(output) / "metrics.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def run_method(
    name: str,
    model: str,
    data: str,
    output: str | Path,
    *,
    resume: bool = False,
    overwrite: bool = False,
    **options: Any,
) -> RunResult:
    """Run method ``name`` as ``ruadapt run`` would, with every installed plugin loaded.

    ``options`` are method or run options, as ``--set key=value`` (``max_steps=2``,
    ``batch_size=2``, ``beta=0.2``, ``adapter="lora"``, ...).
    """
    from ruadapt.plugins import load_plugins
    from ruadapt.registry import collect
    from ruadapt.runner import run

    registry = collect(load_plugins())
    out = run(
        name,
        registry,
        model=model,
        data=data,
        output=str(output),
        sets=options,
        resume=resume,
        overwrite=overwrite,
    )
    return RunResult(path=Path(out), metrics=read_metrics(out))


def check_method_contract(
    name: str, model: str, data: str, output: str | Path, *, own_loop: bool = False, **options
) -> Path:
    """Run method ``name`` for 2 steps and check the run-output contract; returns the output.

    Checked: the run is complete; ``config.yaml``; ``metrics.jsonl`` with a ``loss`` at each
    step and ``--max-steps`` respected; safetensors weights (no pickle) and the tokenizer. For
    a method trained by a ``transformers.Trainer`` with ``run.callback()`` (the default), also
    the ``step: 0`` line with ``trainable_parameters`` / ``total_parameters`` and
    ``tokens_per_second`` on the second step. ``own_loop=True`` is for a method with its own
    training loop that logs through ``run.log`` (those two are then its own business).
    """
    from ruadapt.runner import is_complete

    result = run_method(
        name,
        model,
        data,
        output,
        **{"logging_steps": 1, "batch_size": 2, "max_steps": 2, **options},
    )
    out, lines = result.path, result.metrics
    assert is_complete(out), f"{out} is not marked complete"
    assert (out / "config.yaml").is_file(), "config.yaml missing"
    assert lines and all("step" in x for x in lines), "metrics.jsonl has no steps"
    assert any("loss" in x for x in lines), "metrics.jsonl has no loss"
    assert max(x["step"] for x in lines) <= 2, "max_steps not respected"
    if not own_loop:
        zero = [x for x in lines if x["step"] == 0 and "trainable_parameters" in x]
        assert len(zero) == 1 and zero[0].get("total_parameters"), (
            f"metrics.jsonl needs one step-0 line with trainable_parameters and "
            f"total_parameters (pass run.callback() to the trainer); got {zero}"
        )
        training = result.training_lines
        assert len(training) >= 2 and all("tokens_per_second" in x for x in training[1:]), (
            "metrics.jsonl lacks tokens_per_second from the second logged step on "
            "(pass run.callback() to the trainer)"
        )
    weights = list(out.glob("*.safetensors"))
    assert weights, "no safetensors weights saved"
    assert not list(out.glob("*.bin")), "pickled weights saved"
    assert (out / "tokenizer_config.json").is_file(), "tokenizer not saved"
    return out


def check_method_resumes(name: str, model: str, data: str, output: str | Path, **options) -> Path:
    """Stop method ``name`` after a checkpoint at step 1, ``--resume`` it to step 2, and check
    that it continued rather than restarted: each step is logged exactly once."""
    from ruadapt.runner import is_complete

    sets = {"logging_steps": 1, "save_steps": 1, "batch_size": 2, **options}
    out = run_method(name, model, data, output, **sets, max_steps=1).path
    assert (out / "checkpoints" / "checkpoint-1").is_dir(), "no checkpoint at step 1"
    # a longer run than the finished one: a change of max_steps, accepted and recorded
    result = run_method(
        name, model, data, output, **sets, max_steps=2, resume=True, allow_changes=True
    )
    assert is_complete(out), f"{out} is not marked complete after --resume"
    steps = [x["step"] for x in result.metrics if "loss" in x]
    assert steps == [1, 2], f"logged steps {steps}: a resumed run must continue from step 1"
    return out


def check_first_loss(
    name: str,
    model: str,
    data: str,
    output: str | Path,
    expected: float,
    *,
    tolerance: float = 1e-4,
    **options: Any,
) -> RunResult:
    """Train method ``name`` for one step and check its first logged loss against
    ``expected``, the method's formula computed independently (absolute ``tolerance``).

    The step-1 loss is computed on the initial weights; with ``batch_size`` at least the
    number of records in ``data`` (the default batch holds 2) that is the whole data set,
    so the expectation need not know the order the trainer reads the records in.
    """
    sets = {"logging_steps": 1, "batch_size": 2, **options, "max_steps": 1}
    result = run_method(name, model, data, output, **sets)
    got = result.first_loss
    assert abs(got - expected) <= tolerance, (
        f"{name}: first logged loss {got:.6g}, expected {expected:.6g} (tolerance {tolerance:g})"
    )
    return result


def check_gradient_accumulation(
    name: str,
    model: str,
    data: str,
    output: str | Path,
    *,
    rel_tol: float = 1e-3,
    **options: Any,
) -> tuple[RunResult, RunResult]:
    """One optimizer step on the same 2 records, as one batch of 2 and as 2 accumulated
    batches of 1: the logged loss and gradient norm must agree (within ``rel_tol``).

    A loss that ignores the trainer's ``num_items_in_batch`` under transformers 5 is not
    divided by the accumulation steps: loss and gradients come out N times too large.
    The data must hold at least 2 records; the trainer's seeded sampler reads the same two
    first in both runs. Returns both runs (``accumulation-1``, ``accumulation-2``).
    """
    # the check sets the batch layout itself
    options = {
        k: v for k, v in options.items() if k not in ("batch_size", "gradient_accumulation_steps")
    }
    common = {"logging_steps": 1, **options, "max_steps": 1}
    out = Path(output)
    whole = run_method(
        name, model, data, out / "accumulation-1", **common, batch_size=2,
        gradient_accumulation_steps=1,
    )  # fmt: skip
    split = run_method(
        name, model, data, out / "accumulation-2", **common, batch_size=1,
        gradient_accumulation_steps=2,
    )  # fmt: skip
    for key in ("loss", "grad_norm"):
        a, b = whole.training_lines[0].get(key), split.training_lines[0].get(key)
        if a is None or b is None:
            assert key != "loss", f"{name}: no loss logged at step 1"
            continue
        assert abs(a - b) <= rel_tol * max(abs(a), abs(b), 1e-12), (
            f"{name}: step-1 {key} {a:.6g} with batch 2, {b:.6g} with 2 accumulated batches "
            f"of 1 (ratio {b / a if a else float('inf'):.3f}): the loss must honour "
            f"num_items_in_batch, or be a mean the trainer divides by the accumulation steps"
        )
    return whole, split


os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
