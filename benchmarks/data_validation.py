"""Validation throughput on a generated JSONL: rows/s, MB/s and peak memory.

    python benchmarks/data_validation.py                 # 1 GB of chat records
    python benchmarks/data_validation.py --size-mb 100 --kind preference -o out/bench.json

Generates Russian chat (or preference) records of varied lengths until the file reaches the
requested size (in a temporary folder, deleted afterwards unless --keep), then, each in a
fresh process: validates it with ``ruadapt.data.validate`` (all checks but token lengths),
validates its first tenth (memory must not grow with the file), validates it without the
duplicate check (the one check that keeps 16 bytes a record), and parses it with bare
``json.loads`` (the baseline: the floor of any JSONL check). Peak memory is the process's
own high-water mark (VmHWM), measured after imports and plugin loading. Writes JSON; a
measurement, not a test: nothing here asserts a time.
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
    """Peak resident memory of this process in MB.

    On Linux, ``VmHWM`` of /proc/self/status: the high-water mark of this process's own
    memory (``ru_maxrss`` would carry over the parent's peak through fork + exec).
    """
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KB on Linux, bytes on macOS
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024


def measure(path: Path, kind: str, baseline: bool, duplicates: bool = True) -> dict:
    """One pass over ``path`` in this (fresh) process: ruadapt's validation, or the baseline
    (``json.loads`` of every line and nothing else: the floor any JSONL check pays).
    ``duplicates`` False skips the only check whose memory grows with the file."""
    if baseline:
        started = time.perf_counter()
        before = peak_rss_mb()
        rows = 0
        with open(path, "rb") as fh:
            for line in fh:
                if line.strip():
                    json.loads(line)
                    rows += 1
        errors = warnings = 0
    else:
        from ruadapt.data import validate

        # one record first: imports and plugin loading are not the file's memory
        warm = path.with_name(f"warm-{os.getpid()}.jsonl")
        warm.write_text(json.dumps(record(random.Random(0), 0, kind), ensure_ascii=False) + "\n")
        validate(str(warm), kind=kind, progress=False)
        warm.unlink()
        before = peak_rss_mb()
        started = time.perf_counter()
        report = validate(str(path), kind=kind, max_errors=10, progress=None, duplicates=duplicates)
        rows, errors, warnings = report.rows, report.error_count, report.warning_count
    seconds = time.perf_counter() - started
    return {
        "rows": rows,
        "errors": errors,
        "warnings": warnings,
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds),
        "mb_per_s": round(path.stat().st_size / 1e6 / seconds, 2),
        "rss_before_mb": round(before, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def child(*args: str) -> dict:
    """Run this script in a fresh process (its own peak RSS); stderr shows the progress bar."""
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, stdout=subprocess.PIPE, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def prefix(path: Path, target: Path, size: int) -> None:
    """The first ``size`` bytes of ``path``, cut at a line end (a smaller file to compare);
    copied in chunks, so this process stays small."""
    with open(path, "rb") as src, open(target, "wb") as dst:
        left = size
        while left > 0:
            chunk = src.read(min(left, 1 << 20))
            if not chunk:
                break
            dst.write(chunk)
            left -= len(chunk)
        dst.write(src.readline())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mb", type=float, default=1000.0, help="file size (default 1 GB)")
    parser.add_argument("--kind", choices=("chat", "preference"), default="chat")
    parser.add_argument("--file", help="validate this existing JSONL instead of generating one")
    parser.add_argument("--keep", action="store_true", help="keep the generated file")
    parser.add_argument("-o", "--output", default="benchmarks/results/data_validation.json")
    parser.add_argument("--generate-only", help=argparse.SUPPRESS)  # child-process modes
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--baseline", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-duplicates", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.generate_only:
        print(generate(Path(args.generate_only), args.size_mb, args.kind))
        return
    if args.measure:
        found = measure(Path(args.measure), args.kind, args.baseline, not args.no_duplicates)
        print(json.dumps(found))
        return

    tmpdir = tempfile.mkdtemp(prefix="ruadapt-bench-")
    try:
        if args.file:
            path = Path(args.file)
        else:
            path = Path(tmpdir) / "data.jsonl"
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, __file__, "--generate-only", str(path)]
                + ["--size-mb", str(args.size_mb), "--kind", args.kind],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            took = time.perf_counter() - started
            print(f"generated {path.stat().st_size / 1e6:.0f} MB in {took:.0f} s", flush=True)
        small = Path(tmpdir) / "tenth.jsonl"
        prefix(path, small, path.stat().st_size // 10)
        kind = ["--kind", args.kind]
        full = child("--measure", str(path), *kind)
        tenth = child("--measure", str(small), *kind)
        constant = child("--measure", str(path), *kind, "--no-duplicates")
        base = child("--measure", str(path), *kind, "--baseline")
    finally:
        for leftover in Path(tmpdir).iterdir():
            if args.keep and leftover.name == "data.jsonl":
                print(f"kept {leftover}")
                continue
            leftover.unlink()
        if not any(Path(tmpdir).iterdir()):
            os.rmdir(tmpdir)

    growth = (full["peak_rss_mb"] - full["rss_before_mb"]) - (
        tenth["peak_rss_mb"] - tenth["rss_before_mb"]
    )
    result = {
        "file_mb": round(path.stat().st_size / 1e6, 1) if args.file else round(args.size_mb, 1),
        "kind": args.kind,
        "validate": full,
        "validate_tenth_of_the_file": tenth,
        "validate_without_duplicate_check": constant,
        "baseline_json_loads_only": base,
        # ratios in one run: what the checks cost over bare parsing, and memory vs size
        "time_vs_json_loads": round(full["seconds"] / base["seconds"], 2),
        "rss_growth_mb_from_tenth_to_full_file": round(growth, 1),
        "rss_growth_mb_without_duplicate_check": round(
            constant["peak_rss_mb"] - constant["rss_before_mb"], 1
        ),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
    }
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
