"""Report plots (matplotlib, Agg backend) returned as base64 PNG for self-contained HTML."""

from __future__ import annotations

import base64
import io
import math
from typing import Any

from ruadapt_evals.metrics import higher_is_better
from ruadapt_evals.tables import HEADLINE, fmt, label, value

COLORS = {"ru": "#2f6db5", "en": "#e08a2c"}


def _png(fig: Any) -> str:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")  # no display; must precede pyplot's first import
    import matplotlib.pyplot as plt

    return plt


def _present(report: dict) -> list[tuple[str, str]]:
    return [
        (task, metric)
        for task, metric in HEADLINE
        if value(report, task, "model", "ru", metric) is not None
        or value(report, task, "model", "en", metric) is not None
    ]


def language_bars(report: dict) -> str | None:
    """Small multiples: per headline metric, Russian and English bars for model (and baseline)."""
    metrics = _present(report)
    if not metrics:
        return None
    plt = _pyplot()
    roles = ["model", "baseline"] if report.get("baseline") else ["model"]
    ncols = 4
    nrows = math.ceil(len(metrics) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(12, 2.5 * nrows), squeeze=False)
    for ax, (task, metric) in zip(axes.flat, metrics, strict=False):
        for g, role in enumerate(roles):
            for k, lang in enumerate(("ru", "en")):
                v = value(report, task, role, lang, metric)
                if v is None or not math.isfinite(v):
                    continue
                x = g + (k - 0.5) * 0.38
                ax.bar(x, v, width=0.36, color=COLORS[lang], alpha=1.0 if role == "model" else 0.55)
                ax.annotate(fmt(v), (x, v), ha="center", va="bottom", fontsize=7)
        ax.set_xticks(range(len(roles)), roles, fontsize=8)
        ax.set_title(f"{label(metric)}\n{task}", fontsize=8.5)
        ax.tick_params(axis="y", labelsize=7)
        ax.margins(y=0.18)
        ax.spines[["top", "right"]].set_visible(False)
    for ax in list(axes.flat)[len(metrics) :]:
        ax.axis("off")
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in COLORS.values()]
    fig.legend(handles, ["Russian", "English"], loc="upper right", ncol=2, fontsize=9)
    fig.suptitle("Russian vs English on the same content", x=0.01, ha="left", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    return _png(fig)


BETTER, WORSE, UNCLEAR = "#2e7d32", "#c62828", "#9e9e9e"


def _ru_tone(metric: str, ratio: float) -> str:
    """Colour of a Russian/English ratio: green when Russian is at least on par for this
    metric's direction, red when it is behind, grey when the direction is unknown."""
    better = higher_is_better(metric)
    if better is None:
        return UNCLEAR
    return BETTER if (ratio >= 1) == better or ratio == 1 else WORSE


def ratio_bars(report: dict) -> str | None:
    """Russian/English ratio of each headline metric (1.0 = parity), model next to baseline;
    green = Russian on par or ahead for that metric, red = Russian behind."""
    metrics = [
        m for m in _present(report) if value(report, m[0], "model", "ru_en", m[1]) is not None
    ]
    if not metrics:
        return None
    plt = _pyplot()
    roles = ["model", "baseline"] if report.get("baseline") else ["model"]
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(metrics) * len(roles) + 1.4))
    height = 0.8 / len(roles)
    for r, role in enumerate(roles):
        for i, (task, metric) in enumerate(metrics):
            v = value(report, task, role, "ru_en", metric)
            if v is None or not math.isfinite(v):
                continue
            y = i + (r - (len(roles) - 1) / 2) * height
            bar = ax.barh(
                y,
                v,
                height=height * 0.9,
                color=_ru_tone(metric, v),
                alpha=1.0 if role == "model" else 0.45,
                hatch=None if role == "model" else "//",
            )
            ax.bar_label(bar, labels=[f"{v:.2f} {role}"], fontsize=8, padding=2)
    ax.axvline(1.0, color="black", linewidth=0.8, linestyle="--")
    ax.set_yticks(range(len(metrics)), [f"{label(m)} ({t})" for t, m in metrics], fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel(
        "Russian / English on the same content (1.0 = parity); green: Russian on par or "
        "ahead, red: behind",
        fontsize=9,
    )
    ax.margins(x=0.15)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return _png(fig)


def tone(metric: str, ratio: float, diff: dict | None) -> str:
    """The colour of a model/baseline ratio: better or worse when its paired interval excludes
    no change, or, for an exact metric without an interval (``diff`` None: tokens per word),
    whenever it differs; grey otherwise."""
    exact_change = diff is None and abs(ratio - 1) > 1e-9
    if not ((diff and diff.get("excludes_zero")) or exact_change):
        return UNCLEAR
    return BETTER if (ratio > 1) == bool(higher_is_better(metric)) else WORSE


def change_bars(report: dict) -> str | None:
    """Model / baseline per headline metric and language with its 95% interval; green =
    better for that metric, red = worse, grey = no clear change (the interval allows none; an
    exact metric without an interval, tokens per word, is coloured whenever it differs)."""
    if not report.get("baseline"):
        return None
    from ruadapt_evals.verdict import FINDINGS

    wanted = [("tokenization", "tokens_per_word")] + [(t, m) for t, m, _ in FINDINGS]
    rows = []
    for task, metric in wanted:
        versus = report["tasks"].get(task, {}).get("model_vs_baseline", {})
        for lang in ("ru", "en"):
            diff = versus.get("differences", {}).get(lang, {}).get(metric)
            ratio = diff.get("ratio") if diff else versus.get(lang, {}).get(metric)
            if ratio is None or not math.isfinite(ratio):
                continue
            ci = diff.get("ratio_ci") if diff else None
            rows.append((f"{label(metric)} {lang} ({task})", ratio, ci, tone(metric, ratio, diff)))
    if not rows:
        return None
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(9, 0.32 * len(rows) + 1.3))
    for i, (_, ratio, ci, colour) in enumerate(rows):
        ax.barh(i, ratio - 1, left=1, height=0.7, color=colour)
        if ci and all(isinstance(c, (int, float)) and math.isfinite(c) for c in ci):
            ax.errorbar(
                ratio, i, xerr=[[ratio - ci[0]], [ci[1] - ratio]], color="black", capsize=3, lw=1
            )
        ax.annotate(
            f"{ratio:.2f}",
            (max(ratio, 1), i),
            xytext=(6, -3),
            textcoords="offset points",
            fontsize=8,
        )
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_yticks(range(len(rows)), [r[0] for r in rows], fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel(
        "model / baseline (1.0 = no change), 95% interval; green: better, red: worse, "
        "grey: no clear change",
        fontsize=9,
    )
    ax.margins(x=0.12)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return _png(fig)


def grouped_bars(title: str, groups: list[str], series: dict[str, list[float | None]]) -> str:
    """Bars of several series per group (``ruadapt report``: runs x languages)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(max(6.0, 1.4 * len(groups) + 2.0), 3.6))
    width = 0.8 / max(1, len(series))
    for k, (name, values) in enumerate(series.items()):
        labelled = False
        for g, v in enumerate(values):
            if v is None or not math.isfinite(v):
                continue
            x = g + (k - (len(series) - 1) / 2) * width
            ax.bar(
                x, v, width=width * 0.92, color=COLORS.get(name), label=None if labelled else name
            )
            labelled = True
            ax.annotate(fmt(v), (x, v), ha="center", va="bottom", fontsize=9)
    ax.set_xticks(range(len(groups)), groups, fontsize=10, rotation=15 if len(groups) > 4 else 0)
    ax.set_title(title, fontsize=11)
    ax.tick_params(axis="y", labelsize=9)
    ax.margins(y=0.18)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=9)
    fig.tight_layout()
    return _png(fig)
