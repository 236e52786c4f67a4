"""The report's first lines: per language, what changed against the baseline, in words.

"Russian: 1.6x faster generated chars/s [1.5, 1.7]; bits/char 1.03x [1.01, 1.05], worse;
answers in Russian 0.88 -> 0.96, better". A change is called better or worse only when its
paired interval excludes no change (``excludes_zero``); otherwise it says "no clear change".
Without a baseline the verdict lists the model's own values with their intervals.
"""

from __future__ import annotations

import math
from typing import Any

from ruadapt_evals.metrics import higher_is_better

LANGUAGE_NAMES = {"ru": "Russian", "en": "English"}
# (task, metric, how the verdict names it), in the order a reader asks about them
FINDINGS = (
    # what the model writes first: generated characters per second, letters per token
    ("speed", "chars_per_second", "generated chars/s"),
    ("generation", "letters_per_token", "letters per generated token"),
    ("speed", "content_chars_per_second", "tokenizer-ceiling chars/s"),
    ("speed", "peak_memory_mb", "peak memory"),
    ("lm", "bits_per_char", "bits/char"),
    ("reference-bpc", "bits_per_char", "reference-answer bits/char"),
    ("generation", "repeated_ngram_share", "repeated 4-grams"),
    ("generation", "echo_rate", "echoed prompts"),
    ("generation", "chrf_equal_chars", "chrF++ at equal characters"),
    ("generation", "answer_language_accuracy", "answers in {language}"),
    ("mc", "mc_accuracy", "MC accuracy"),
    ("preference", "win_rate", "reward win rate vs references"),
)
# read as model/baseline ratios ("1.8x"), like every speed figure
RATIO_METRICS = {"bits_per_char", "letters_per_token"}


def _num(x: Any) -> str:
    if not isinstance(x, (int, float)) or not math.isfinite(x):
        return "?"
    return f"{x:.3g}" if abs(x) < 100 else f"{x:,.0f}"


def _ci(ci: Any) -> str:
    if (
        isinstance(ci, (list, tuple))
        and len(ci) == 2
        and all(isinstance(v, (int, float)) and math.isfinite(v) for v in ci)
    ):
        return f" [{_num(ci[0])}, {_num(ci[1])}]"
    return ""


def _side(report: dict, task: str, role: str, lang: str) -> dict:
    return ((report["tasks"].get(task) or {}).get(role) or {}).get(lang) or {}


def _tone(diff: dict, metric: str) -> str:
    """better / worse / same for a paired difference of ``metric``."""
    if not diff.get("excludes_zero"):
        return "same"
    delta = diff.get("difference")
    # timing comparisons carry only a ratio (of paired repeats)
    up = delta > 0 if isinstance(delta, (int, float)) else (diff.get("ratio") or 1) > 1
    return "better" if up == bool(higher_is_better(metric)) else "worse"


def finding(report: dict, task: str, metric: str, name: str, lang: str) -> tuple[str, str] | None:
    """``(text, tone)`` of one metric for one language, or None when the report lacks it."""
    model = _side(report, task, "model", lang)
    if metric not in model:
        return None
    base = _side(report, task, "baseline", lang)
    versus = (report["tasks"].get(task) or {}).get("model_vs_baseline") or {}
    diff = (versus.get("differences") or {}).get(lang, {}).get(metric)
    if not base or metric not in base:
        return f"{name} {_num(model[metric])}{_ci(model.get('ci', {}).get(metric))}", "info"
    if task == "speed" or metric in RATIO_METRICS:
        # relative changes read as ratios: "1.6x faster", "bits/char 1.03x"
        ratio = (
            diff.get("ratio") if diff else model[metric] / base[metric] if base[metric] else None
        )
        text = f"{name} {_num(ratio)}x{_ci(diff.get('ratio_ci') if diff else None)}"
        if task == "speed" and metric.endswith("per_second") and diff and diff.get("excludes_zero"):
            word = "faster" if ratio > 1 else "slower"
            text = f"{_num(ratio)}x {word} {name}{_ci(diff.get('ratio_ci'))}"
    else:
        text = f"{name} {_num(base[metric])} -> {_num(model[metric])}"
        if diff and diff.get("difference_ci"):
            delta = diff["difference"]
            text += f" ({'+' if delta >= 0 else ''}{_num(delta)}{_ci(diff['difference_ci'])})"
    if not diff:
        return text + ", no interval", "info"
    tone = _tone(diff, metric)
    return text + (", no clear change" if tone == "same" else f", {tone}"), tone


def verdict(report: dict) -> list[tuple[str, list[tuple[str, str]]]]:
    """``[(language name, [(text, tone), ...]), ...]``; tone is better/worse/same/info."""
    out = []
    for lang, language in LANGUAGE_NAMES.items():
        found = []
        for task, metric, name in FINDINGS:
            item = finding(report, task, metric, name.format(language=language), lang)
            if item:
                found.append(item)
        if found:
            out.append((language, found))
    return out
