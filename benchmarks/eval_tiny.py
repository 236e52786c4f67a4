"""Eval of the tiny default before and after tokenizer extension: ru/en ratios, time, stability.

    python benchmarks/eval_tiny.py                      # bundled ru-en-parallel, 2 runs
    python benchmarks/eval_tiny.py --prompts p.jsonl --runs 3 -o out/eval_bench.json

Extends the tiny default's tokenizer with Russian tokens (``extend_model``, mean-initialised
embeddings, no training), then runs ``ruadapt eval`` on the extended model with the original
as ``--baseline``, ``--runs`` times. Writes one JSON with:

- the Russian/English ratio of the headline metrics before (baseline) and after (extended);
- wall time of each eval, and per model (the target: the full parallel set in under 2 min);
- speed stability: each speed metric's spread over the repeats inside a run, and between runs,
  ``(max - min) / median`` of the per-run medians.

A measurement, not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

HEADLINE = (
    ("tokenization", "tokens_per_word"),
    ("tokenization", "chars_per_token"),
    ("speed", "content_chars_per_second"),
    ("speed", "content_words_per_second"),
    ("speed", "chars_per_second"),
    ("speed", "words_per_second"),
    ("speed", "new_tokens_per_second"),
    ("speed", "time_to_first_token"),
    ("speed", "kv_cache_mb"),
    ("lm", "bits_per_char"),
    ("lm", "bits_per_text"),
    ("generation", "answer_language_accuracy"),
    ("generation", "chrf"),
)
SPEED = (
    "content_chars_per_second",
    "new_tokens_per_second",
    "decode_tokens_per_second",
    "chars_per_second",
    "words_per_second",
    "prefill_seconds",
    "time_to_first_token",
)


def get(report: dict, task: str, who: str, lang: str, metric: str) -> float | None:
    try:
        return report["tasks"][task][who][lang][metric]
    except (KeyError, TypeError):
        return None


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 4) if a is not None and b else None


def band(values: list[float]) -> float | None:
    """(max - min) / median, the same spread the report uses."""
    values = [v for v in values if v is not None]
    if len(values) < 2:
        return None
    mid = statistics.median(values)
    return round((max(values) - min(values)) / mid, 4) if mid else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--prompts", default=None, help="parallel JSONL (default: bundled)")
    parser.add_argument("--max-prompts", type=int, default=None)
    parser.add_argument("--new-tokens", type=int, default=1500, help="tokens added to the vocab")
    parser.add_argument("--runs", type=int, default=2, help="evals of the same pair (stability)")
    parser.add_argument("--tasks", default=None, help="eval tasks (default: all)")
    parser.add_argument("-o", "--output", default="benchmarks/results/eval_tiny.json")
    parser.add_argument("--keep", default=None, help="keep the extended model and reports here")
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="torch threads (default: torch's choice); 1 on a machine shared with other jobs, "
        "where torch's spinning worker threads stall each other",
    )
    args = parser.parse_args()

    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    from ruadapt_evals.suite import evaluate

    from ruadapt.tiny import ensure_tiny_model
    from ruadapt.tokenizer.extend_model import extend_model

    work = Path(args.keep or tempfile.mkdtemp(prefix="ruadapt-evalbench-"))
    started = time.time()
    base = str(ensure_tiny_model(progress=False))
    extended = work / "extended"
    extension = extend_model(
        base, "ru-corpus", args.new_tokens, str(extended), overwrite=True, show_progress=False
    )
    runs = []
    for i in range(args.runs):
        t0 = time.perf_counter()
        report = evaluate(
            str(work / f"eval-{i + 1}"),
            model=str(extended),
            baseline=base,
            prompts=args.prompts,
            tasks=args.tasks,
            max_prompts=args.max_prompts,
            overwrite=True,
            quiet=True,
        )
        wall = time.perf_counter() - t0
        per_model = {
            who: round(
                sum(v.get(who, 0.0) for k, v in report["seconds"].items() if k != "total"), 2
            )
            for who in ("model", "baseline")
        }
        runs.append({"report": report, "wall_seconds": round(wall, 2), "per_model": per_model})
        print(f"run {i + 1}: {wall:.1f} s (per model {per_model})", file=sys.stderr)

    first = runs[0]["report"]
    ratios = {}
    for task, metric in HEADLINE:
        row = {}
        for who, when in (("baseline", "before"), ("model", "after")):
            ru, en = (get(first, task, who, lang, metric) for lang in ("ru", "en"))
            row[when] = {"ru": ru, "en": en, "ru_en": ratio(ru, en)}
        row["after_over_before_ru"] = ratio(row["after"]["ru"], row["before"]["ru"])
        ratios[f"{task}.{metric}"] = row
    stability = {}
    for metric in SPEED:
        for who in ("baseline", "model"):
            for lang in ("ru", "en"):
                values = [get(r["report"], "speed", who, lang, metric) for r in runs]
                within = [
                    (r["report"]["tasks"]["speed"][who][lang].get("spread") or {}).get(metric)
                    for r in runs
                ]
                stability[f"{metric}.{who}.{lang}"] = {
                    "per_run_median": [round(v, 4) for v in values if v is not None],
                    "between_runs": band(values),
                    "within_run_max": round(max(w for w in within if w is not None), 4)
                    if any(w is not None for w in within)
                    else None,
                }
    # ru/en ratios are measured within one run with the languages interleaved, so load from
    # other jobs cancels out of them far better than out of absolute rates
    ratio_stability = {}
    for metric in SPEED:
        for who in ("baseline", "model"):
            values = [
                ratio(
                    get(r["report"], "speed", who, "ru", metric),
                    get(r["report"], "speed", who, "en", metric),
                )
                for r in runs
            ]
            ratio_stability[f"{metric}.{who}.ru_en"] = {
                "per_run": values,
                "between_runs": band(values),
            }
    between = [s["between_runs"] for s in stability.values() if s["between_runs"] is not None]
    result = {
        "benchmark": "eval_tiny",
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "platform": platform.platform(),
            "cpu_count": os.cpu_count(),
            "torch_threads": torch.get_num_threads(),
            "load_average_1m": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
            "device": first["environment"]["device"],
        },
        "prompts": first["config"]["prompts"],
        "options": first["config"]["options"],
        "extension": {
            k: extension.get(k)
            for k in ("base_vocab_size", "vocab_size", "added", "new_tokens", "init")
            if k in extension
        },
        "eval_wall_seconds": [r["wall_seconds"] for r in runs],
        "eval_seconds_per_model": [r["per_model"] for r in runs],
        "ru_en_before_after": ratios,
        "speed_stability": stability,
        "speed_between_runs_max": max(between) if between else None,
        "speed_between_runs_median": statistics.median(between) if between else None,
        "speed_ru_en_ratio_stability": ratio_stability,
        "total_seconds": round(time.time() - started, 1),
        "work_dir": str(work),
    }
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps({k: result[k] for k in ("eval_wall_seconds", "ru_en_before_after")}, indent=1))
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
