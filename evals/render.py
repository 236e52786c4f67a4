"""Writing an eval report: report.json, report.md (tables), report.html, generations.jsonl.

Every file goes through ``ruadapt.runner.write_atomic`` (temporary file + rename), so a
crash never leaves a half-written report that looks complete.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from ruadapt_evals.data import LANGUAGES
from ruadapt_evals.tables import (
    INTERVAL_NOTE,
    SPREAD_NOTE,
    examples,
    glossary_rows,
    headline_rows,
    paired_rows,
    subtitle,
    task_rows,
    timing_note,
    title,
)


def _json_safe(value: Any) -> Any:
    """NaN/inf are not JSON: they become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


def dumps(report: dict[str, Any]) -> str:
    return json.dumps(_json_safe(report), indent=2, ensure_ascii=False) + "\n"


def md_text(text: Any) -> str:
    """Text a user or a model controls (paths, run names, prompt ids, skip reasons) as one
    line of Markdown: HTML escaped, so ``<script>`` or ``<img onerror=...>`` in a model path
    or prompt file name arrives as text, and newlines folded, so it cannot start a heading."""
    from html import escape

    return escape(" ".join(str(text).split()), quote=False)


def md_cell(text: Any) -> str:
    """A Markdown table cell: one line, HTML and pipes escaped, long model text shortened.

    Markdown renders raw HTML, so model text like ``<script>`` must arrive as text.
    """
    s = md_text(text).replace("|", "\\|")
    return s if len(s) <= 160 else s[:157] + "..."


def md_table(headers: list[str], rows: list[list[str]]) -> str:
    """A Markdown table; headers (run labels, model names) are escaped like the cells."""
    lines = ["| " + " | ".join(md_cell(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(md_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def markdown(report: dict[str, Any], plot_files: list[str] | None = None) -> str:
    """The whole report as Markdown tables (``plot_files``: PNGs beside it, linked)."""
    from ruadapt_evals.verdict import verdict

    parts = [f"# {md_text(title(report))}", "", md_text(subtitle(report)), ""]
    for language, findings in verdict(report):
        parts.append(f"- **{language}:** " + "; ".join(md_text(text) for text, _ in findings))
    parts.append("")
    headers, rows = headline_rows(report)
    parts += [
        "## At a glance",
        "",
        "ru/en > 1: Russian is higher than English on the same content (for ↓ metrics, worse). "
        "model/baseline compares the two models per language.",
        "",
        md_table(headers, rows),
        "",
        INTERVAL_NOTE,
        "",
    ]
    for name in plot_files or []:
        parts += [f"![{Path(name).stem}]({name})", ""]
    for task, entry in report["tasks"].items():
        parts += [f"## {md_text(task)}", "", f"_{md_text(entry['summary'])}_", ""]
        if "skipped" in entry:
            parts += [f"Skipped: {md_text(entry['skipped'])}", ""]
            continue
        for role in ("model", "baseline"):
            side = entry.get(role) or {}
            if "skipped" in side:
                parts += [f"{role}: skipped: {md_text(side['skipped'])}", ""]
            settings = side.get("settings")
            if settings and role == "model":
                shown = ", ".join(f"{k}={v}" for k, v in settings.items())
                parts += [f"Settings: {md_text(shown)}", ""]
        headers, rows = task_rows(report, task)
        if rows:
            parts += [md_table(headers, rows), ""]
            if task == "speed":
                parts += [SPREAD_NOTE, ""]
                note = timing_note(report)
                parts += [note, ""] if note else []
        headers, rows = paired_rows(report, task)
        if rows:
            parts += [md_table(headers, rows), ""]
    shown = examples(report)
    if shown:
        parts += ["## Example generations", ""]
        for ex in shown:
            for lang in LANGUAGES:
                side = ex[lang]
                parts.append(f"- **{md_text(ex['id'])} {lang}** prompt: {md_cell(side['prompt'])}")
                parts.append(f"  - model: {md_cell(side['answer'] or '(empty)')}")
                if side.get("baseline") is not None:
                    parts.append(
                        f"  - baseline (original): {md_cell(side['baseline'] or '(empty)')}"
                    )
                if side.get("reference"):
                    parts.append(f"  - reference: {md_cell(side['reference'])}")
        parts.append("")
    headers, rows = glossary_rows(report)
    parts += ["## Glossary", "", md_table(headers, rows), ""]
    return "\n".join(parts)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Binary write through ``ruadapt.outputs.write_atomic`` (temporary file + rename)."""
    from ruadapt.outputs import write_atomic

    write_atomic(path, data)


def write_report(report: dict[str, Any], out: Path, generations: list[dict] | None = None) -> None:
    """Write every report file into ``out`` atomically; report.json last, because its
    presence is what marks the folder as a finished report. Plots go into ``plots/`` as PNG
    (linked from report.md) and inline into report.html, which stays one self-contained file."""
    import base64

    from ruadapt_evals.html import html_page, report_plots

    from ruadapt.runner import write_atomic

    out.mkdir(parents=True, exist_ok=True)
    if generations is not None:
        lines = "".join(json.dumps(g, ensure_ascii=False) + "\n" for g in generations)
        write_atomic(out / "generations.jsonl", lines)
    plots = report_plots(report)
    files = []
    for name, b64 in plots.items():
        if name != "error":
            write_bytes_atomic(out / "plots" / f"{name}.png", base64.b64decode(b64))
            files.append(f"plots/{name}.png")
    for stale in (out / "plots").glob("*.png"):  # left by an earlier report (--overwrite)
        if f"plots/{stale.name}" not in files:
            stale.unlink()
    write_atomic(out / "report.md", markdown(report, files))
    write_atomic(out / "report.html", html_page(report, plots))
    write_atomic(out / "report.json", dumps(report))
