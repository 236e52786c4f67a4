"""Rendering ``ruadapt report`` comparisons: report.json, report.md, report.html."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from ruadapt_evals.tables import fmt, label

TRAINING = ("plugin", "adapter", "train_seconds", "peak_memory_mb", "final_loss")


def metric_keys(result: dict[str, Any]) -> list[str]:
    keys: dict[str, None] = {}
    for run in result["runs"]:
        for key in (run["eval"] or {}).get("metrics", {}):
            keys.setdefault(key)
    return list(keys)


def run_cell(summary: dict[str, Any], key: str, lang: str) -> str:
    """``value [lo, hi]``, and ``*`` when the paired difference from the first run is real."""
    from ruadapt_evals.intervals import format_interval

    value = (summary.get("metrics", {}).get(key) or {}).get(lang)
    ci = (summary.get("intervals", {}).get(key) or {}).get(lang)
    diff = (summary.get("vs_first", {}).get(key) or {}).get(lang) or {}
    return format_interval(value, ci, fmt) + (" *" if diff.get("excludes_zero") else "")


NOTE = (
    "[lo, hi] = 95% bootstrap interval over items; * = differs from the first run: the paired "
    "interval of the difference (same items) excludes 0. Runs on other prompts are not paired."
)


def rows(result: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """One row per metric and language (and per training figure), one column per run."""
    runs = result["runs"]
    out = []
    for key in metric_keys(result):
        for lang in ("ru", "en"):
            cells = [((r["eval"] or {}).get("metrics", {}).get(key) or {}).get(lang) for r in runs]
            if any(c is not None for c in cells):
                out.append(
                    [f"{label(key.split('.', 1)[1])} {lang} ({key.split('.')[0]})"]
                    + [run_cell(r["eval"] or {}, key, lang) for r in runs]
                )
    for key in TRAINING:
        cells = [(r["training"] or {}).get(key) for r in runs]
        if any(c is not None for c in cells):
            out.append([f"training: {key}"] + [fmt(c) for c in cells])
    return ["metric"] + [r["label"] for r in runs], out


def markdown(result: dict[str, Any]) -> str:
    """report.md of a comparison; run labels, paths and model names are escaped (md_text)."""
    from ruadapt_evals.render import md_table, md_text

    headers, body = rows(result)
    lines = [f"# ruadapt report: {len(result['runs'])} runs", "", md_text(result["created"]), ""]
    lines += [md_table(headers, body), "", NOTE, "", "Sources:", ""]
    for run in result["runs"]:
        ev = run["eval"] or {}
        lines.append(
            f"- {md_text(run['label'])}: {md_text(run['path'])}"
            + (f" (model {md_text(ev['model'])}, baseline {md_text(ev['baseline'])})" if ev else "")
        )
    return "\n".join(lines) + "\n"


def plots(result: dict[str, Any]) -> str:
    from ruadapt_evals.html import image
    from ruadapt_evals.plots import grouped_bars

    labels = [r["label"] for r in result["runs"]]
    parts = []
    for key in metric_keys(result):
        series = {
            lang: [
                ((r["eval"] or {}).get("metrics", {}).get(key) or {}).get(lang)
                for r in result["runs"]
            ]
            for lang in ("ru", "en")
        }
        parts.append(image(grouped_bars(label(key), labels, series), key))
    for key in ("train_seconds", "peak_memory_mb"):
        values = [(r["training"] or {}).get(key) for r in result["runs"]]
        if any(v is not None for v in values):
            parts.append(image(grouped_bars(key, labels, {"training": values}), key))
    return "".join(f"<div class='plot'>{p}</div>" for p in parts)


def html_page(result: dict[str, Any]) -> str:
    from ruadapt_evals.html import CSS, table

    headers, body = rows(result)
    title = f"ruadapt report: {len(result['runs'])} runs"
    try:
        figures = plots(result)
    except Exception as exc:  # plots are a bonus; never lose the table over them
        figures = f"<p class='skip'>plots unavailable: {escape(type(exc).__name__)}</p>"
    sources = "".join(f"<li>{escape(r['label'])}: {escape(r['path'])}</li>" for r in result["runs"])
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title><style>{CSS}"
        ".plots{display:flex;flex-wrap:wrap;gap:12px}.plot img{width:560px;max-width:100%}</style>"
        f"</head><body><h1>{escape(title)}</h1><div class='sub'>{escape(result['created'])}</div>"
        f"<h2>Side by side</h2>{table(headers, body)}<p class='note'>{escape(NOTE)}</p>"
        f"<h2>Plots</h2><div class='plots'>{figures}</div>"
        f"<h2>Sources</h2><ul>{sources}</ul></body></html>\n"
    )


def write_comparison(result: dict[str, Any], out: Path) -> None:
    """report.md and report.html first, report.json (the completion marker) last."""
    from ruadapt_evals.render import dumps

    from ruadapt.runner import write_atomic

    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / "report.md", markdown(result))
    write_atomic(out / "report.html", html_page(result))
    write_atomic(out / "report.json", dumps(result))
