"""report.html: one self-contained page (inline CSS, plots as base64 PNG, no scripts).

Every piece of text that came from a model, a prompt file or a path goes through
``html.escape``: model output is untrusted and may contain markup such as ``<script>``.
"""

from __future__ import annotations

import re
from html import escape
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

CSS = """
body{font-family:-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;margin:24px auto;
max-width:1400px;color:#222;line-height:1.4;padding:0 16px}
h1{font-size:22px;margin-bottom:2px}h2{font-size:17px;margin-top:28px;
border-bottom:1px solid #ddd;padding-bottom:3px}.sub{color:#666;font-size:13px}
table{border-collapse:collapse;font-size:12.5px;margin:8px 0}
th,td{border:1px solid #ddd;padding:3px 8px;text-align:right;white-space:nowrap}
th{background:#f4f4f4}td:first-child,th:first-child{text-align:left;white-space:normal;
min-width:170px}.wide{overflow-x:auto}
tr:nth-child(even) td{background:#fafafa}.note{color:#666;font-size:12px}
.skip{color:#a15c00}img{max-width:100%}
.ex{display:grid;grid-template-columns:1fr 1fr;gap:12px;margin:10px 0}
.card{border:1px solid #ddd;border-radius:6px;padding:8px 10px;font-size:13px;min-width:0}
.card h4{margin:0 0 6px 0;font-size:13px;color:#555}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:8px}.pair>div{min-width:0}
.t{white-space:pre-wrap;overflow-wrap:anywhere;margin:2px 0 8px 0;padding:4px 6px;
background:#f7f7f7;border-radius:4px;font-family:ui-monospace,Menlo,monospace;font-size:12px}
.ci{display:block;font-size:10.5px;color:#777}.real{color:#1a4fb5}
.lab{font-size:11px;color:#777;text-transform:uppercase;letter-spacing:.04em}
.verdict{list-style:none;padding:0;margin:10px 0;font-size:14.5px}
.verdict li{margin:4px 0;padding:6px 10px;background:#f6f8fa;border-radius:6px}
.better{color:#1a7f37;font-weight:600}.worse{color:#c62828;font-weight:600}
.same{color:#555}.info{color:#222}
"""


INTERVAL = re.compile(r"^(.*?) (\[[^\]]*\])( \*)?$")


def td(text: str) -> str:
    """A table cell; a ``value [lo, hi]`` cell shows its interval small under the value, and
    a ``*`` (a real difference) in bold."""
    match = INTERVAL.match(text)
    if not match:
        return f"<td>{escape(text)}</td>"
    main, ci, star = match.groups()
    mark = "<b class='real'> *</b>" if star else ""
    return f"<td>{escape(main)}{mark}<span class='ci'>{escape(ci)}</span></td>"


def table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(td(c) for c in row) + "</tr>" for row in rows)
    inner = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return f"<div class='wide'>{inner}</div>"


def image(b64: str | None, alt: str) -> str:
    return f'<img alt="{escape(alt)}" src="data:image/png;base64,{b64}">' if b64 else ""


def text_block(caption: str, text: str | None) -> str:
    if text is None:
        return ""
    shown = text if text else "(empty answer)"
    return f'<div class="lab">{escape(caption)}</div><div class="t">{escape(shown)}</div>'


def example_cards(report: dict[str, Any]) -> str:
    """Each example as two cards, Russian beside English; inside each, the baseline's
    (original's) answer beside the model's, so a reader sees what each one writes."""
    parts = []
    for ex in examples(report):
        cards = []
        for lang in LANGUAGES:
            side = ex[lang]
            language = "Russian" if lang == "ru" else "English"
            answers = (
                '<div class="pair"><div>'
                + text_block("baseline (original)", side.get("baseline"))
                + "</div><div>"
                + text_block("model", side["answer"])
                + "</div></div>"
                if side.get("baseline") is not None
                else text_block("model", side["answer"])
            )
            cards.append(
                f'<div class="card"><h4>{escape(ex["id"])} · {language}</h4>'
                + text_block("prompt", side["prompt"])
                + answers
                + text_block("reference", side.get("reference"))
                + "</div>"
            )
        parts.append(f'<div class="ex">{"".join(cards)}</div>')
    return "".join(parts)


def task_sections(report: dict[str, Any]) -> str:
    parts = []
    for task, entry in report["tasks"].items():
        parts.append(f"<h2>{escape(task)}</h2><p class='note'>{escape(entry['summary'])}</p>")
        if "skipped" in entry:
            parts.append(f"<p class='skip'>Skipped: {escape(entry['skipped'])}</p>")
            continue
        for role in ("model", "baseline"):
            side = entry.get(role) or {}
            if "skipped" in side:
                parts.append(f"<p class='skip'>{role}: skipped: {escape(side['skipped'])}</p>")
        settings = (entry.get("model") or {}).get("settings")
        if settings:
            pairs = ", ".join(f"{k}={v}" for k, v in settings.items())
            parts.append(f"<p class='note'>Settings: {escape(pairs)}</p>")
        headers, rows = task_rows(report, task)
        if rows:
            parts.append(table(headers, rows))
            if task == "speed":
                parts.append(f"<p class='note'>{escape(SPREAD_NOTE)}</p>")
                note = timing_note(report)
                if note:
                    parts.append(f"<p class='note'>{escape(note)}</p>")
        headers, rows = paired_rows(report, task)
        if rows:
            parts.append(table(headers, rows))
    return "".join(parts)


def report_plots(report: dict[str, Any]) -> dict[str, str]:
    """``{name: base64 PNG}`` of the report's plots, or ``{"error": why}`` if matplotlib fails."""
    from ruadapt_evals.plots import change_bars, language_bars, ratio_bars

    try:
        made = {
            "changes": change_bars(report),
            "languages": language_bars(report),
            "ratios": ratio_bars(report),
        }
    except Exception as exc:  # a plotting problem must not cost the tables
        return {"error": f"{type(exc).__name__}: {exc}"}
    return {name: b64 for name, b64 in made.items() if b64}


PLOT_TITLES = {
    "changes": "Model / baseline with 95% intervals",
    "languages": "Russian vs English",
    "ratios": "Russian/English ratios",
}


def verdict_list(report: dict[str, Any]) -> str:
    """The per-language verdict, each finding coloured by better / worse / no clear change."""
    from ruadapt_evals.verdict import verdict

    items = []
    for language, findings in verdict(report):
        spans = "; ".join(f"<span class='{tone}'>{escape(text)}</span>" for text, tone in findings)
        items.append(f"<li><b>{escape(language)}:</b> {spans}</li>")
    return f"<ul class='verdict'>{''.join(items)}</ul>" if items else ""


def html_page(report: dict[str, Any], plots: dict[str, str] | None = None) -> str:
    """The full page; ``plots`` as made by :func:`report_plots` (made here when None)."""
    plots = report_plots(report) if plots is None else plots
    if "error" in plots:
        figures = f"<p class='skip'>plots unavailable: {escape(plots['error'])}</p>"
    else:
        figures = "".join(image(b64, PLOT_TITLES.get(n, n)) for n, b64 in plots.items())
    headers, rows = headline_rows(report)
    shown = example_cards(report)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title(report))}</title><style>{CSS}</style></head><body>"
        f"<h1>{escape(title(report))}</h1><div class='sub'>{escape(subtitle(report))}</div>"
        + verdict_list(report)
        + "<h2>At a glance</h2><p class='note'>ru/en &gt; 1: Russian is higher than English on the "
        "same content (for ↓ metrics that is worse). model/baseline compares the two models.</p>"
        + table(headers, rows)
        + f"<p class='note'>{escape(INTERVAL_NOTE)}</p>"
        + figures
        + task_sections(report)
        + (f"<h2>Example generations</h2>{shown}" if shown else "")
        + "<h2>Glossary</h2>"
        + table(*glossary_rows(report))
        + "</body></html>\n"
    )
