"""Validation throughput on a generated JSONL: rows/s, MB/s and peak memory.

    python benchmarks/data_validation.py                 # 1 GB of chat records
    python benchmarks/data_validation.py --size-mb 100 --kind preference -o out/bench.json

Generates Russian chat (or preference) records of varied lengths until the file reaches the
requested size, validates it with ``ruadapt.data.validate`` (all checks but token lengths),
and writes a JSON report. Peak RSS comes from the OS (``resource``), so it includes the
interpreter and imports; the generator runs in a child process so its memory is not counted.
A measurement, not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = [
    "москва",
    "река",
    "город",
    "весна",
    "книга",
    "учитель",
    "ответ",
    "вопрос",
    "задача",
    "решение",
    "пример",
    "история",
    "наука",
    "данные",
    "модель",
    "язык",
    "перевод",
    "текст",
    "слово",
    "время",
    "человек",
    "работа",
    "письмо",
    "дорога",
    "север",
]


def _sentence(rng: random.Random, low: int, high: int) -> str:
    words = rng.choices(WORDS, k=rng.randint(low, high))
    return " ".join(words).capitalize() + "."


def record(rng: random.Random, i: int, kind: str) -> dict:
    question = f"Вопрос {i}: {_sentence(rng, 5, 25)}"
    if kind == "preference":
        return {
            "prompt": question,
            "chosen": _sentence(rng, 10, 60),
            "rejected": _sentence(rng, 5, 40),
        }
    return {
        "messages": [
            {"role": "user", "content": question},
            {"role": "assistant", "content": _sentence(rng, 10, 80)},
        ]
    }


def generate(path: Path, size_mb: float, kind: str, seed: int = 0) -> int:
    """Write records until ``path`` holds ``size_mb`` megabytes; returns the row count."""
    rng = random.Random(seed)
    target = int(size_mb * 1_000_000)
    written = rows = 0
    with open(path, "w", encoding="utf-8", buffering=1 << 20) as fh:
        while written < target:
            line = json.dumps(record(rng, rows, kind), ensure_ascii=False) + "\n"
            fh.write(line)
            written += len(line.encode("utf-8"))
            rows += 1
    return rows


def peak_rss_mb() -> float:
    """Peak resident memory of this process (ru_maxrss is KB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mb", type=float, default=1000.0, help="file size (default 1 GB)")
    parser.add_argument("--kind", choices=("chat", "preference"), default="chat")
    parser.add_argument("--file", help="validate this existing JSONL instead of generating one")
    parser.add_argument("--keep", action="store_true", help="keep the generated file")
    parser.add_argument("-o", "--output", default="benchmarks/results/data_validation.json")
    parser.add_argument("--generate-only", help=argparse.SUPPRESS)  # child-process mode
    args = parser.parse_args()

    if args.generate_only:
        print(generate(Path(args.generate_only), args.size_mb, args.kind))
        return

    tmpdir = None
    if args.file:
        path = Path(args.file)
    else:
        tmpdir = tempfile.mkdtemp(prefix="ruadapt-bench-")
        path = Path(tmpdir) / "data.jsonl"
        started = time.perf_counter()
        # a child process, so the generator's memory does not count towards the peak below
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--generate-only",
                str(path),
                "--size-mb",
                str(args.size_mb),
                "--kind",
                args.kind,
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        print(
            f"generated {path.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - started:.0f} s"
        )

    from ruadapt.data import validate

    baseline = peak_rss_mb()
    started = time.perf_counter()
    report = validate(str(path), kind=args.kind, max_errors=10, progress=None)
    seconds = time.perf_counter() - started
    size = path.stat().st_size
    result = {
        "file_mb": round(size / 1e6, 1),
        "rows": report.rows,
        "errors": report.error_count,
        "warnings": report.warning_count,
        "seconds": round(seconds, 2),
        "rows_per_s": round(report.rows / seconds),
        "mb_per_s": round(size / 1e6 / seconds, 2),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "rss_before_validation_mb": round(baseline, 1),
        "kind": args.kind,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
    }
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    if tmpdir and not args.keep:
        path.unlink()
        os.rmdir(tmpdir)


if __name__ == "__main__":
    main()
