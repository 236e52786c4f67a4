"""Report tables as plain rows of strings, shared by the Markdown and HTML renderers."""

from __future__ import annotations

import math
from typing import Any

from ruadapt_evals.data import LANGUAGES
from ruadapt_evals.metrics import higher_is_better

# (task, metric): the numbers a reader looks at first, in this order
HEADLINE: tuple[tuple[str, str], ...] = (
    # speed of what the model writes first; the tokenizer's ceiling after it, labelled so
    ("speed", "chars_per_second"),
    ("speed", "letters_per_second"),
    ("speed", "content_chars_per_second"),
    ("speed", "words_per_second"),
    ("speed", "new_tokens_per_second"),
    ("speed", "time_to_first_token"),
    ("speed", "peak_memory_mb"),
    ("tokenization", "tokens_per_word"),
    ("tokenization", "chars_per_token"),
    ("lm", "bits_per_char"),
    ("lm", "bits_per_text"),
    ("reference-bpc", "bits_per_char"),
    ("generation", "letters_per_token"),
    ("generation", "writing_efficiency"),
    ("generation", "new_token_share"),
    ("generation", "repeated_ngram_share"),
    ("generation", "echo_rate"),
    ("generation", "chrf_equal_chars"),
    ("generation", "echo_chrf"),
    ("generation", "agreement_chrf"),
    ("generation", "chrf"),
    ("generation", "bleu"),
    ("generation", "answer_language_accuracy"),
    ("generation", "mean_answer_chars"),
    ("mc", "mc_accuracy"),
    ("preference", "win_rate"),
)
SPREAD_NOTE = "(n%) = spread over timed repeats, (max - min) / median"
INTERVAL_NOTE = (
    "[lo, hi] = 95% interval: quality metrics by bootstrap over items (seeded); in "
    "model/baseline columns the paired interval over the same items, and for speed and memory "
    "the geometric mean of interleaved model/baseline repeat pairs with a t interval. "
    "* = a real difference (the paired interval excludes no change); no mark = not "
    "distinguishable"
)


def timing_note(report: dict[str, Any]) -> str:
    """How many interleaved repeats the speed task took and whether the model/baseline
    ratio's interval got as narrow as asked ('' without an adaptive measurement)."""
    settings = ((report["tasks"].get("speed") or {}).get("model") or {}).get("settings") or {}
    target, converged = settings.get("ci_target"), settings.get("converged")
    if not target or converged is None:
        return ""
    widths = settings.get("ci_half_width") or {}
    shown = ", ".join(
        f"{lang} ±{100 * w:.1f}%" if _finite(w) else f"{lang} unknown" for lang, w in widths.items()
    )
    outcome = (
        "converged"
        if converged
        else f"did NOT converge within {settings.get('max_repeats')} repeats: "
        "speed ratios are less certain than asked"
    )
    return (
        f"Timing: {settings.get('repeats')} interleaved repeats per side (at least "
        f"{settings.get('min_repeats')}, more until the model/baseline ratio's 95% interval is "
        f"within ±{100 * target:.0f}%): {outcome} ({shown}). chars/s and letters/s count the "
        "text the model decoded; content_chars_per_second is the tokenizer ceiling."
    )


def _finite(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def title(report: dict[str, Any]) -> str:
    name = report["model"].get("label") or report["model"]["name"]
    base = report.get("baseline")
    return f"ruadapt eval: {name}" + (
        f" vs baseline {base.get('label') or base['name']}" if base else ""
    )


def subtitle(report: dict[str, Any]) -> str:
    env, prompts = report["environment"], report["config"]["prompts"]
    return (
        f"{report['created']} · {env['device']} ({env['cpu']}, {env['torch_threads']} threads"
        + (f", {env['gpu']}" if env.get("gpu") else "")
        + f") · torch {env['torch']} · transformers {env['transformers']} · "
        f"{prompts['count']} prompts from {prompts['source']} · {report['seconds']['total']:.0f} s"
    )


def fmt(value: Any) -> str:
    """Compact numbers: 3 significant digits, thousands without decimals, '-' for missing."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, int) or abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) < 100 else f"{value:.1f}"


def label(metric: str) -> str:
    """The metric name with its unit and an arrow saying which direction is better."""
    from ruadapt_evals.metrics import unit

    better = higher_is_better(metric)
    shown = f"{metric} ({unit(metric)})" if unit(metric) else metric
    return shown + ("" if better is None else " ↑" if better else " ↓")


def value(report: dict, task: str, role: str, lang: str, metric: str) -> Any:
    """A metric of the report, or None: lang is "ru"/"en", "ru_en" (ratio) or "vs_<lang>"."""
    entry = report["tasks"].get(task, {})
    if lang.startswith("vs_"):
        return entry.get("model_vs_baseline", {}).get(lang[3:], {}).get(metric)
    side = entry.get(role) or {}
    if lang == "ru_en":
        return side.get("ratios", {}).get("ru_en", {}).get(metric)
    return (side.get(lang) or {}).get(metric)


def cell(report: dict, task: str, role: str, lang: str, metric: str) -> str:
    """A formatted value with its interval: ``v [lo, hi]`` for a language, and for a
    model/baseline ratio the paired ratio interval and ``*`` when the difference is real."""
    from ruadapt_evals.intervals import format_interval

    val = value(report, task, role, lang, metric)
    entry = report["tasks"].get(task, {})
    if lang in LANGUAGES:
        ci = ((entry.get(role) or {}).get(lang) or {}).get("ci", {}).get(metric)
        return format_interval(val, ci, fmt)
    if lang.startswith("vs_"):
        versus = entry.get("model_vs_baseline", {})
        diff = versus.get("differences", {}).get(lang[3:], {}).get(metric)
        if diff:
            # the ratio the interval belongs to (for timings: the mean of paired repeats)
            return format_interval(diff.get("ratio", val), diff.get("ratio_ci"), fmt) + (
                " *" if diff.get("excludes_zero") else ""
            )
    return fmt(val)


def columns(report: dict) -> list[tuple[str, str, str]]:
    """(header, role, lang) of every value column; baseline columns only with a baseline."""
    cols = [
        ("model ru", "model", "ru"),
        ("model en", "model", "en"),
        ("model ru/en", "model", "ru_en"),
    ]
    if report.get("baseline"):
        cols += [
            ("baseline ru", "baseline", "ru"),
            ("baseline en", "baseline", "en"),
            ("baseline ru/en", "baseline", "ru_en"),
            ("model/baseline ru", "model", "vs_ru"),
            ("model/baseline en", "model", "vs_en"),
        ]
    return cols


def headline_rows(report: dict) -> tuple[list[str], list[list[str]]]:
    """The at-a-glance table: one row per headline metric present in the report."""
    cols = columns(report)
    rows = []
    for task, metric in HEADLINE:
        cells = [value(report, task, role, lang, metric) for _, role, lang in cols]
        if any(c is not None for c in cells):
            texts = [cell(report, task, role, lang, metric) for _, role, lang in cols]
            rows.append([f"{task}: {label(metric)}"] + texts)
    return ["metric"] + [c[0] for c in cols], rows


def metric_names(report: dict, task: str) -> list[str]:
    """Numeric per-language metrics of a task, in first-seen order."""
    names: dict[str, None] = {}
    entry = report["tasks"].get(task, {})
    for role in ("model", "baseline"):
        for lang in LANGUAGES:
            for key, val in ((entry.get(role) or {}).get(lang) or {}).items():
                if isinstance(val, (int, float)) and not isinstance(val, bool):
                    names.setdefault(key)
    return list(names)


def task_rows(report: dict, task: str) -> tuple[list[str], list[list[str]]]:
    """All numeric metrics of one task; timed metrics carry their spread in parentheses."""
    cols = columns(report)
    entry = report["tasks"][task]
    rows = []
    for metric in metric_names(report, task):
        cells = [label(metric)]
        for _, role, lang in cols:
            text = cell(report, task, role, lang, metric)
            if lang in LANGUAGES:
                spread = ((entry.get(role) or {}).get(lang) or {}).get("spread", {}).get(metric)
                if isinstance(spread, float) and math.isfinite(spread):
                    text += f" ({100 * spread:.0f}%)"
            cells.append(text)
        rows.append(cells)
    return ["metric"] + [c[0] for c in cols], rows


def paired_rows(report: dict, task: str) -> tuple[list[str], list[list[str]]]:
    """Paired model-vs-baseline comparisons of a task (e.g. win rate over the baseline)."""
    paired = report["tasks"][task].get("model_vs_baseline", {}).get("paired", {})
    from ruadapt_evals.intervals import format_interval

    names = list(
        dict.fromkeys(
            k
            for lang in LANGUAGES
            for k, v in paired.get(lang, {}).items()
            if isinstance(v, (int, float)) and not isinstance(v, bool)
        )
    )
    rows = [
        [label(n)]
        + [
            format_interval(
                paired.get(lang, {}).get(n), paired.get(lang, {}).get("ci", {}).get(n), fmt
            )
            for lang in LANGUAGES
        ]
        for n in names
    ]
    return ["model over baseline", "ru", "en"], rows


def examples(report: dict) -> list[dict[str, Any]]:
    """Example generations with the baseline's answers to the same prompts merged in."""
    entry = report["tasks"].get("generation", {})
    model = (entry.get("model") or {}).get("examples", [])
    base = {e["id"]: e for e in (entry.get("baseline") or {}).get("examples", [])}
    merged = []
    for ex in model:
        row = {"id": ex["id"]}
        for lang in LANGUAGES:
            row[lang] = dict(ex[lang], baseline=base.get(ex["id"], {}).get(lang, {}).get("answer"))
        merged.append(row)
    return merged


def glossary_rows(report: dict) -> tuple[list[str], list[list[str]]]:
    """Unit, scale, better direction and meaning of every metric the report shows (from
    ``ruadapt_evals.metrics.METRICS``/``UNITS``, the one place they are defined)."""
    from ruadapt_evals.metrics import glossary

    shown = [
        metric
        for task, metric in HEADLINE
        if any(value(report, task, "model", lang, metric) is not None for lang in LANGUAGES)
    ]
    for task in report["tasks"]:
        shown += metric_names(report, task)
    rows = [list(row) for row in glossary(shown)]
    return ["metric", "unit / scale", "better", "meaning"], rows
