"""The demo: the packaged recipe on the tiny default, then a short before/after summary."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

# --fast: a handful of steps per stage and a smaller eval, for tests and a first look.
FAST = {
    "extend": {"new_tokens": 600},
    "cpt": {"max_steps": 12},
    "sft": {"max_steps": 12},
    "kto": {"max_steps": 4},
    "simpo": {"max_steps": 4},
    "eval": {"max_prompts": 12},
}


def recipe_path() -> Path:
    return Path(str(resources.files("ruadapt").joinpath("recipes", "demo.yaml")))


def run_demo(
    output: str = "runs/demo",
    *,
    fast: bool = False,
    fresh: bool = False,
    registry: Any = None,
    echo: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Run the demo recipe and print where the report is and the headline numbers."""
    from ruadapt.pipeline import load_recipe, run_pipeline

    started = time.time()
    first = load_recipe(recipe_path()).stages[0].name
    run_pipeline(
        recipe_path(),
        output=output,
        overrides=FAST if fast else None,
        start_from=first if fresh else None,
        registry=registry,
        echo=echo,
    )
    summary = summarize(Path(output) / "eval" / "report.json")
    summary["seconds"] = round(time.time() - started, 1)
    echo("")
    echo(format_summary(summary))
    echo(f"\nreport: {Path(output) / 'eval' / 'report.html'}  (total {summary['seconds']} s)")
    return summary


def _metric(report: dict, task: str, who: str, lang: str, key: str) -> float | None:
    try:
        return report["tasks"][task][who][lang][key]
    except (KeyError, TypeError):
        return None


def _ratio(report: dict, task: str, who: str, key: str) -> float | None:
    ru, en = (_metric(report, task, who, lang, key) for lang in ("ru", "en"))
    return ru / en if ru and en else None


def summarize(report_path: Path) -> dict[str, Any]:
    """Headline before (baseline = original model) / after (adapted) numbers."""
    report = json.loads(report_path.read_text())
    out: dict[str, Any] = {}
    for who, label in (("baseline", "before"), ("model", "after")):
        out[label] = {
            "ru_tokens_per_word": _metric(report, "tokenization", who, "ru", "tokens_per_word"),
            "ru_en_chars_per_second": _ratio(report, "speed", who, "chars_per_second"),
            "answer_language_accuracy": _metric(
                report, "generation", who, "ru", "answer_language_accuracy"
            ),
        }
    return out


def format_summary(summary: dict[str, Any]) -> str:
    from ruadapt.cli._format import table

    def fmt(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.2f}"

    rows = [
        ("Russian tokens per word", "ru_tokens_per_word"),
        ("Russian/English speed (chars/s)", "ru_en_chars_per_second"),
        ("Russian answers in Russian", "answer_language_accuracy"),
    ]
    body = [(label, fmt(summary["before"][k]), fmt(summary["after"][k])) for label, k in rows]
    return table(body, ("", "before (original)", "after (adapted)"))
