"""Test helpers for ruadapt and for plugin authors (a pytest plugin, loaded automatically).

Fixtures:
- ``tiny_model``: path of a tiny randomly initialised model (built once per session);
- ``tiny_data``: ``tiny_data(kind, n=8)`` writes a small JSONL of that data kind and returns it;
- ``offline``: (autouse) no hub access during tests.

and, for plugin authors, ``check_method_contract(name, model, data, output)`` (model,
config.yaml, metrics.jsonl, ``--max-steps``) and ``check_method_resumes(...)`` (``--resume``
continues from the last checkpoint).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

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


def check_method_contract(name: str, model: str, data: str, output: str | Path, **options) -> Path:
    """Run method ``name`` for 2 steps and check the run-output contract; returns the output."""
    from ruadapt.plugins import load_plugins
    from ruadapt.registry import collect
    from ruadapt.runner import is_complete, run

    registry = collect(load_plugins())
    sets = {"logging_steps": 1, "batch_size": 2, **options}
    out = run(name, registry, model=model, data=data, output=str(output), max_steps=2, sets=sets)
    assert is_complete(out), f"{out} is not marked complete"
    assert (out / "config.yaml").is_file(), "config.yaml missing"
    lines = [json.loads(x) for x in (out / "metrics.jsonl").read_text().splitlines() if x]
    assert lines and all("step" in x for x in lines), "metrics.jsonl has no steps"
    assert any("loss" in x for x in lines), "metrics.jsonl has no loss"
    assert max(x["step"] for x in lines) <= 2, "max_steps not respected"
    weights = list(out.glob("*.safetensors"))
    assert weights, "no safetensors weights saved"
    assert not list(out.glob("*.bin")), "pickled weights saved"
    assert (out / "tokenizer_config.json").is_file(), "tokenizer not saved"
    return out


def check_method_resumes(name: str, model: str, data: str, output: str | Path, **options) -> Path:
    """Stop method ``name`` after a checkpoint at step 1, ``--resume`` it to step 2, and check
    that it continued rather than restarted: each step is logged exactly once."""
    from ruadapt.plugins import load_plugins
    from ruadapt.registry import collect
    from ruadapt.runner import is_complete, run

    registry = collect(load_plugins())
    sets = {"logging_steps": 1, "save_steps": 1, "batch_size": 2, **options}
    common = {"model": model, "data": data, "output": str(output), "sets": sets}
    out = run(name, registry, max_steps=1, **common)
    assert (out / "checkpoints" / "checkpoint-1").is_dir(), "no checkpoint at step 1"
    out = run(name, registry, max_steps=2, resume=True, **common)
    assert is_complete(out), f"{out} is not marked complete after --resume"
    lines = [json.loads(x) for x in (out / "metrics.jsonl").read_text().splitlines() if x]
    steps = [x["step"] for x in lines if "loss" in x]
    assert steps == [1, 2], f"logged steps {steps}: a resumed run must continue from step 1"
    return out


os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
