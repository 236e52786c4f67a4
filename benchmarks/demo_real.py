"""Record one full ``ruadapt demo --real`` run as ``benchmarks/results/demo_real.json``.

    python benchmarks/demo_real.py                      # runs the demo (about 8 min, 2 cores)
    python benchmarks/demo_real.py --collect runs/demo-real --time-log demo.log
        # a run made as `/usr/bin/time -v ruadapt demo --real 2> demo.log`

Runs the demo in a child process (wall time, the child's CPU seconds and peak resident memory
from ``getrusage``) or reads a finished run plus the ``/usr/bin/time -v`` log, then writes what
the demo wrote (``demo_summary.json``: the table and target verdicts, speed targets with the
eval's paired interval; ``heldout_bpc.json``; stage seconds from ``pipeline.json``) and the
eval's paired model/baseline speed and memory ratios with their 95% intervals. Earlier runs'
figures stay in the JSON under ``previous_runs``, each with what was wrong with it, if anything.
A measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULT = ROOT / "benchmarks" / "results" / "demo_real.json"
SPEED = ("content_chars_per_second", "chars_per_second", "decode_tokens_per_second",
         "new_tokens_per_second", "peak_memory_mb")  # fmt: skip


def run_demo(output: Path) -> dict:
    """Run the demo as a user would; wall s, CPU s and peak RSS MB of the child."""
    start = time.time()
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    command = [sys.executable, "-m", "ruadapt", "demo", "--real", "-o", str(output)]
    subprocess.run(command, check=True, env=env)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "wall_seconds": round(time.time() - start, 1),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
    }


def read_time_log(path: Path) -> dict:
    """Wall, CPU and peak RSS from a ``/usr/bin/time -v`` log."""
    text = path.read_text(errors="replace")

    def field(name: str) -> str:
        match = re.search(rf"{re.escape(name)}: (.+)", text)
        if not match:
            raise SystemExit(f"{path}: no '{name}' line; was it written by /usr/bin/time -v?")
        return match.group(1).strip()

    parts = [float(x) for x in field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")]
    wall = sum(p * 60**i for i, p in enumerate(reversed(parts)))
    cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
    return {
        "wall_seconds": round(wall, 1),
        "cpu_seconds": round(cpu, 1),
        "peak_rss_mb": round(int(field("Maximum resident set size (kbytes)")) / 1024),
    }


def speed_ratios(report: dict) -> dict:
    """The eval's paired model/baseline ratios (interleaved repeats) with 95% intervals."""
    diffs = report["tasks"]["speed"]["model_vs_baseline"].get("differences", {})
    return {
        lang: {
            m: {"ratio": round(d[m]["ratio"], 4), "ci": [round(x, 4) for x in d[m]["ratio_ci"]]}
            for m in SPEED
            if m in d
        }
        for lang, d in diffs.items()
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-o", "--output", default="runs/demo-real", help="the demo's folder")
    parser.add_argument("--collect", help="only read a finished run in this folder")
    parser.add_argument("--time-log", help="its /usr/bin/time -v log (with --collect)")
    parser.add_argument("--json", default=str(RESULT))
    parser.add_argument("--conditions", default="nothing else running", help="machine load")
    parser.add_argument("--previous-note", default="", help="what was wrong with the run replaced")
    args = parser.parse_args(argv)
    if args.collect:
        output = Path(args.collect)
        cost = read_time_log(Path(args.time_log)) if args.time_log else {}
        command = "/usr/bin/time -v ruadapt demo --real  # HF_HUB_OFFLINE=1, empty ruadapt cache"
    else:
        output = Path(args.output)
        cost = run_demo(output)
        command = "python benchmarks/demo_real.py"
    summary = json.loads((output / "demo_summary.json").read_text())
    report = json.loads((output / "eval" / "report.json").read_text())
    stages = json.loads((output / "pipeline.json").read_text())["stages"]
    old = json.loads(Path(args.json).read_text()) if Path(args.json).is_file() else {}
    previous = old.get("previous_runs", [])
    if "rows" in old:  # the run this one replaces
        replaced = {k: v for k, v in old.items() if k != "previous_runs"}
        if args.previous_note:
            replaced = {"what_was_wrong": args.previous_note, **replaced}
        previous = [replaced, *previous]
    result = {
        "benchmark": "ruadapt demo --real (SmolLM2-135M-Instruct, razdel-ru), one full run",
        "command": command,
        "recipe": "ruadapt/recipes/adapt.yaml (ruadapt adapt --model smollm2)",
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}; {args.conditions}",
        **cost,
        "stage_seconds": {name: s.get("seconds") for name, s in stages.items()},
        "eval_seconds": report.get("seconds"),
        "speed_method": report["tasks"]["speed"]["model_vs_baseline"]
        .get("differences", {})
        .get("ru", {})
        .get("content_chars_per_second", {})
        .get("method"),
        "speed_ratios": speed_ratios(report),
        "rows": summary["rows"],
        "targets": summary["targets"],
        "heldout": json.loads((output / "heldout_bpc.json").read_text()),
        "previous_runs": previous,
    }
    Path(args.json).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
