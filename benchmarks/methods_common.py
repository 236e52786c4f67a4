"""Shared setup of the method benchmarks: a bench model, bench data, child-process runs.

Not a benchmark itself (``methods_overhead.py`` and ``methods_memory.py`` import it). Every
measurement runs in a fresh child process so that peak memory and warm caches of one run
never leak into another.
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

WORDS = [
    "москва", "река", "город", "весна", "книга", "учитель", "ответ", "вопрос", "задача",
    "решение", "пример", "история", "наука", "данные", "модель", "язык", "перевод", "текст",
    "слово", "время", "человек", "работа", "письмо", "дорога", "север",
]  # fmt: skip


def sentence(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choices(WORDS, k=rng.randint(low, high))).capitalize() + "."


def write_data(directory: Path, n: int = 64, seed: int = 0) -> dict[str, str]:
    """Chat, preference and binary JSONL files over the same prompts and answers."""
    rng = random.Random(seed)
    rows = [
        (f"Вопрос {i}: {sentence(rng, 5, 15)}", sentence(rng, 10, 30), sentence(rng, 10, 30))
        for i in range(n)
    ]
    files = {
        "chat": [
            {"messages": [{"role": "user", "content": p}, {"role": "assistant", "content": c}]}
            for p, c, _ in rows
        ],
        "preference": [{"prompt": p, "chosen": c, "rejected": r} for p, c, r in rows],
        "binary": [
            {"prompt": p, "completion": a, "label": good}
            for p, c, r in rows
            for a, good in ((c, True), (r, False))
        ],
    }
    out = {}
    for kind, records in files.items():
        path = directory / f"{kind}.jsonl"
        path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in records))
        out[kind] = str(path)
    return out


def build_model(directory: Path, hidden: int, layers: int) -> str:
    """A random Llama with the tiny model's tokenizer and chat template, scaled up."""
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    from ruadapt.tiny import build_tiny_model

    tiny = directory / "tiny"
    build_tiny_model(tiny, steps=0, progress=False)
    config = AutoConfig.from_pretrained(tiny)
    config.hidden_size, config.num_hidden_layers = hidden, layers
    config.intermediate_size = hidden * 8 // 3
    config.num_attention_heads, config.num_key_value_heads = hidden // 64, max(1, hidden // 256)
    config.head_dim = 64
    model = AutoModelForCausalLM.from_config(config)
    path = directory / "model"
    model.save_pretrained(path)
    AutoTokenizer.from_pretrained(tiny).save_pretrained(path)
    return str(path)


def rss_mb() -> float:
    """Current resident memory of this process (Linux), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(script: str, spec: dict) -> dict:
    """Run ``script --child JSON`` in a fresh interpreter; returns the JSON it prints last."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1", "TQDM_DISABLE": "1"}
    proc = subprocess.run(
        [sys.executable, script, "--child", json.dumps(spec)],
        capture_output=True,
        text=True,
        env=env,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"child failed: {spec}\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def timed_fit() -> dict:
    """Patch the plugins' ``fit`` to time ``trainer.train()``; returns the record it fills."""
    from ruadapt_plugins import _trl

    record: dict = {}
    original = _trl.fit

    def fit(run, trainer):
        start, cpu = time.perf_counter(), time.process_time()
        original(run, trainer)
        record["train_seconds"] = time.perf_counter() - start
        record["train_cpu_seconds"] = time.process_time() - cpu
        record["steps"] = trainer.state.global_step

    _trl.fit = fit
    return record


def machine() -> dict:
    """Where the numbers were taken."""
    import platform

    import torch

    return {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "cpus": os.cpu_count(),
        "threads": 1,
        "device": "cuda" if torch.cuda.is_available() else "cpu",
    }
