"""Self-check of the speed/memory comparison: the tiny model against itself, run after run.

    python benchmarks/eval_self_check.py                 # 4 runs per mode, ~10-20 min on 2 cores
    python benchmarks/eval_self_check.py --runs 6 --modes process

Runs ``ruadapt eval --model tiny --baseline tiny --tasks speed`` ``--runs`` times for each
``--speed-isolation`` mode (``process``: each side in its own process, repeats interleaved,
the default; ``none``: both in one process, one after the other, as before) and records each
run's model/baseline ratios with their intervals. Nothing differs between the sides, so every
ratio should be 1.00; the JSON says how far each run strayed (target: within 1.00 +- 0.10)
and the machine's load average around each run, since the machine may be shared.

A measurement, not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

METRICS = (
    "chars_per_second",  # the headline: what the model writes
    "letters_per_second",
    "content_chars_per_second",  # the tokenizer's ceiling
    "new_tokens_per_second",
    "new_tokens_per_cpu_second",
    "decode_tokens_per_second",
    "time_to_first_token",
    "peak_memory_mb",
)
TOLERANCE = 0.10


def one_run(mode: str, work: Path, index: int, threads: int, extra: list[str]) -> dict:
    out = work / f"{mode}-{index}"
    command = [
        sys.executable,
        "-m",
        "ruadapt",
        "eval",
        "--model",
        "tiny",
        "--baseline",
        "tiny",
        "--tasks",
        "speed",
        "--speed-isolation",
        mode,
        "-o",
        str(out),
        *extra,
    ]
    env = dict(os.environ, HF_HUB_OFFLINE="1", OMP_NUM_THREADS=str(threads))
    load_before = os.getloadavg()[0]
    start = time.time()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seconds = time.time() - start
    report = json.loads((out / "report.json").read_text())
    diffs = report["tasks"]["speed"]["model_vs_baseline"]["differences"]
    ratios = {
        lang: {
            metric: {
                "ratio": round(diffs[lang][metric]["ratio"], 4),
                "ci": [round(x, 4) for x in diffs[lang][metric]["ratio_ci"]],
                "pair_ratios": [round(x, 4) for x in diffs[lang][metric]["pair_ratios"]],
            }
            for metric in METRICS
            if metric in diffs.get(lang, {})
        }
        for lang in ("ru", "en")
    }
    return {
        "seconds": round(seconds, 1),
        "load_average_before": round(load_before, 2),
        "load_average_after": round(os.getloadavg()[0], 2),
        "ratios": ratios,
    }


def summarize(runs: list[dict]) -> dict:
    """Per language and metric: the run ratios, their range, and whether all are in 1 +- 0.1."""
    out: dict = {}
    for lang in ("ru", "en"):
        for metric in METRICS:
            values = [
                r["ratios"][lang][metric]["ratio"] for r in runs if metric in r["ratios"][lang]
            ]
            if values:
                out.setdefault(lang, {})[metric] = {
                    "runs": values,
                    "min": min(values),
                    "max": max(values),
                    "within_tolerance": all(abs(v - 1) <= TOLERANCE for v in values),
                }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument("--modes", default="process,none")
    parser.add_argument("--threads", type=int, default=1, help="OMP_NUM_THREADS of each eval")
    parser.add_argument(
        "--eval-args",
        default="",
        help="extra ruadapt eval options, e.g. '--speed-prompts 8 --max-new-tokens 16' on a "
        "busy machine",
    )
    parser.add_argument(
        "-o",
        "--output",
        default=str(Path(__file__).parent / "results" / "eval_self_check.json"),
    )
    args = parser.parse_args()
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        for index in range(args.runs):
            for mode in modes:  # modes alternate too, so both see the same stretch of load
                run = one_run(mode, Path(tmp), index, args.threads, args.eval_args.split())
                results.setdefault(mode, []).append(run)
                print(f"{mode} run {index + 1}: {json.dumps(run['ratios']['ru'])}", flush=True)
                write(args, results)  # after every run: a long benchmark keeps what it measured


def write(args: argparse.Namespace, results: dict) -> None:
    data = {
        "benchmark": "eval --model tiny --baseline tiny --tasks speed: model/baseline ratios",
        "command": "python benchmarks/eval_self_check.py " + " ".join(sys.argv[1:]),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.python_version()}",
        "eval_threads": args.threads,
        "settings": "eval defaults (32 prompts per language, 32 new tokens, batch 16, 1 warm-up + "
        "5 timed repeats per side) unless eval_args says otherwise",
        "eval_args": args.eval_args,
        "tolerance": f"1.00 +- {TOLERANCE}",
        "modes": {
            mode: {"summary": summarize(runs), "runs": runs} for mode, runs in results.items()
        },
    }
    path = Path(args.output)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")
    print(f"wrote {path}", flush=True)


if __name__ == "__main__":
    main()
