"""Report plots (matplotlib, Agg backend) returned as base64 PNG for self-contained HTML."""

from __future__ import annotations

import base64
import io
import math
from typing import Any

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


def ratio_bars(report: dict) -> str | None:
    """Russian/English ratio of each headline metric (1.0 = parity), model next to baseline."""
    metrics = [
        m for m in _present(report) if value(report, m[0], "model", "ru_en", m[1]) is not None
    ]
    if not metrics:
        return None
    plt = _pyplot()
    roles = ["model", "baseline"] if report.get("baseline") else ["model"]
    fig, ax = plt.subplots(figsize=(8, 0.42 * len(metrics) * len(roles) + 1.2))
    height = 0.8 / len(roles)
    for r, role in enumerate(roles):
        ys, vs = [], []
        for i, (task, metric) in enumerate(metrics):
            v = value(report, task, role, "ru_en", metric)
            if v is not None:
                ys.append(i + (r - (len(roles) - 1) / 2) * height)
                vs.append(v)
        bars = ax.barh(ys, vs, height=height * 0.9, label=role, color=("#4c956c", "#b8b8b8")[r])
        ax.bar_label(bars, fmt="%.2f", fontsize=7, padding=2)
    ax.axvline(1.0, color="black", linewidth=0.8, linestyle="--")
    ax.set_yticks(range(len(metrics)), [f"{label(m)} ({t})" for t, m in metrics], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("Russian / English (1.0 = parity)", fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return _png(fig)


def grouped_bars(title: str, groups: list[str], series: dict[str, list[float | None]]) -> str:
    """Bars of several series per group (``ruadapt report``: runs x languages)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(max(4.0, 1.1 * len(groups) + 1.5), 2.8))
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
            ax.annotate(fmt(v), (x, v), ha="center", va="bottom", fontsize=7)
    ax.set_xticks(range(len(groups)), groups, fontsize=8, rotation=15 if len(groups) > 4 else 0)
    ax.set_title(title, fontsize=9)
    ax.margins(y=0.18)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return _png(fig)
