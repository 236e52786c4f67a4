"""``evaluate()``: run eval tasks on a model (and a baseline) and write the report.

    from ruadapt_evals.suite import evaluate
    report = evaluate("out/report", model="out/ext", baseline="tiny", tasks="speed,tokenization")

Every task runs on both models; the suite adds Russian/English ratios per model and
model/baseline ratios per language, then writes report.json / report.md / report.html and
generations.jsonl atomically. ``ruadapt eval`` is a thin wrapper over this function.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ruadapt_evals.context import EvalContext, EvalOptions
from ruadapt_evals.data import LANGUAGES, PromptPair

from ruadapt.config import coerce
from ruadapt.errors import UserError

SCHEMA_VERSION = 1
DEFAULT_TASKS = ("speed", "tokenization", "lm", "generation", "reference-bpc", "mc", "preference")
# run only when named in --tasks or when their option is set
OPT_IN = {"lm-eval": "lm_eval_tasks"}
REPORT_FILES = ("report.json", "report.md", "report.html", "generations.jsonl")
PLOTS_DIR = "plots"


def parse_tasks(
    tasks: str | Sequence[str] | None, registry: Any, options: EvalOptions | None = None
) -> list[str]:
    """Task names from ``"a,b"`` or a list; ``None``/``"all"`` = built-ins, then third-party
    (opt-in tasks such as ``lm-eval`` only when their option is set)."""
    if tasks is None or tasks == "all":
        names = [t for t in DEFAULT_TASKS if t in registry.eval_tasks]
        rest = sorted(set(registry.eval_tasks) - set(names))
        wanted = [t for t in rest if t not in OPT_IN or getattr(options, OPT_IN[t], None)]
        return names + wanted
    names = [t.strip() for t in (tasks.split(",") if isinstance(tasks, str) else tasks)]
    names = [t for t in names if t]
    if not names:
        raise UserError("--tasks is empty")
    for name in names:
        registry.eval_task(name)  # unknown names fail with a did-you-mean
    return list(dict.fromkeys(names))


def check_output(output: str | Path, overwrite: bool) -> Path:
    """Refuse to clobber: a non-empty folder needs ``--overwrite`` and may hold only report
    files (a finished report, or the leftovers of an interrupted one), never other work."""
    out = Path(output).expanduser()
    if out.exists() and not out.is_dir():
        raise UserError(f"output {out} exists and is a file")
    if not out.is_dir():
        return out
    foreign = sorted(
        p.name
        for p in out.iterdir()
        if p.name not in REPORT_FILES and p.name != PLOTS_DIR and not p.name.startswith(".")
    )
    if foreign:
        raise UserError(
            f"output {out} holds files that are not an eval report ({', '.join(foreign[:3])}); "
            "choose another folder"
        )
    if any(out.iterdir()) and not overwrite:
        raise UserError(f"output {out} already holds a report; pass --overwrite to replace it")
    return out


def make_options(options: dict[str, Any]) -> EvalOptions:
    """:class:`EvalOptions` from keyword options, typed by ``ruadapt.config.coerce`` (recipe
    ``--set`` values arrive as strings); an unknown one fails with a suggestion."""
    import difflib
    import typing

    types = typing.get_type_hints(EvalOptions)
    values = {}
    for key, value in options.items():
        if key not in types:
            close = difflib.get_close_matches(key, list(types), n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise UserError(f"unknown eval option {key!r}{hint}")
        values[key] = coerce(key, value, types[key])
    return EvalOptions(**values)


def side_report(result: dict[str, Any]) -> dict[str, Any]:
    """One model's task result with its Russian/English ratios added."""
    from ruadapt_evals.metrics import ratios

    side = {k: v for k, v in result.items() if k != "paired"}
    if all(isinstance(result.get(lang), dict) for lang in LANGUAGES):
        side["ratios"] = {"ru_en": ratios(result["ru"], result["en"])}
    _add_intervals(side)
    return side


def _add_intervals(entry: dict[str, Any]) -> None:
    """``ci`` ({metric: [lo, hi]}, bootstrap 95%) beside each language's values that keep
    ``per_item`` lists (see ``ruadapt_evals.intervals``)."""
    from ruadapt_evals.intervals import side_intervals

    for lang in LANGUAGES:
        values = entry.get(lang)
        if isinstance(values, dict) and "per_item" in values:
            ci = side_intervals(values["per_item"])
            if ci:
                values["ci"] = ci


def task_report(name: str, summary: str, results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Combine the model's and baseline's results of one task (ratios, paired comparisons)."""
    from ruadapt_evals.intervals import paired_differences, timing_differences
    from ruadapt_evals.metrics import ratios

    entry: dict[str, Any] = {"summary": summary}
    skipped = {role: r["skipped"] for role, r in results.items() if "skipped" in r}
    if skipped and len(skipped) == len(results):
        entry["skipped"] = next(iter(skipped.values()))
        return entry
    for role, result in results.items():
        entry[role] = side_report(result)
    model, baseline = entry.get("model"), entry.get("baseline")
    if model and baseline and "skipped" not in model and "skipped" not in baseline:
        versus: dict[str, Any] = {
            lang: ratios(model[lang], baseline[lang])
            for lang in LANGUAGES
            if isinstance(model.get(lang), dict) and isinstance(baseline.get(lang), dict)
        }
        if "ratios" in model and "ratios" in baseline:
            # how the premium moved: < 1 on tokens_per_word means Russian got cheaper
            versus["ru_en"] = ratios(model["ratios"]["ru_en"], baseline["ratios"]["ru_en"])
        if "paired" in results["model"]:
            versus["paired"] = results["model"]["paired"]
            _add_intervals(versus["paired"])
        differences = {
            lang: {
                **paired_differences(model[lang].get("per_item"), baseline[lang].get("per_item")),
                **timing_differences(model[lang], baseline[lang]),
            }
            for lang in LANGUAGES
            if isinstance(model.get(lang), dict) and isinstance(baseline.get(lang), dict)
        }
        if any(differences.values()):
            # model minus baseline over the same items; excludes_zero marks a real difference
            versus["differences"] = {k: v for k, v in differences.items() if v}
        entry["model_vs_baseline"] = versus
    return entry


def run_task(task: Any, ctx: EvalContext) -> tuple[dict[str, Any], float]:
    """Run one task on one model; a crash becomes an error entry instead of losing the run."""
    ctx.log(f"task {task.name}")
    start = time.perf_counter()
    try:
        result = task.run(ctx)
    except UserError:
        raise
    except Exception as exc:  # a third-party task's bug must not lose the other results
        ctx.log(f"task {task.name} failed: {type(exc).__name__}: {exc}")
        result = {"skipped": f"error: {type(exc).__name__}: {exc}"}
    if not isinstance(result, dict):
        result = {"skipped": f"error: task returned {type(result).__name__}, not a dict"}
    return result, time.perf_counter() - start


def isolated_speed(
    contexts: dict[str, EvalContext], pairs: list[PromptPair], opts: EvalOptions
) -> tuple[dict[str, dict[str, Any]], dict[str, float]]:
    """The speed task for model and baseline, each in its own process, interleaved; an error
    becomes a skipped entry for both sides, as a task's crash does."""
    from ruadapt_evals.speed_isolated import interleaved_speed

    start = time.perf_counter()
    specs = {"model": contexts["model"].spec, "baseline": contexts["baseline"].spec}
    try:
        results = interleaved_speed(specs, pairs, opts, log=contexts["model"].log)
    except UserError:
        raise
    except Exception as exc:
        contexts["model"].log(f"task speed failed: {exc}")
        error = {"skipped": f"error: {type(exc).__name__}: {str(exc).splitlines()[0]}"}
        results = {"model": error, "baseline": dict(error)}
    elapsed = round(time.perf_counter() - start, 2)
    return results, {"model": elapsed, "baseline": elapsed}


def evaluate(
    output: str | Path | None = None,
    registry: Any = None,
    *,
    model: str,
    baseline: str | None = None,
    tasks: str | Sequence[str] | None = None,
    prompts: str | Path | list[PromptPair] | None = None,
    overwrite: bool = False,
    quiet: bool = False,
    **options: Any,
) -> dict[str, Any]:
    """Evaluate ``model`` (and ``baseline``) on ``tasks``; returns the report dict and, with
    ``output``, writes it there. ``options`` are :class:`EvalOptions` fields."""
    from ruadapt_evals.data import load_prompts
    from ruadapt_evals.provenance import describe_model, environment, prompts_info

    from ruadapt.registry import get_registry

    started = time.time()
    opts = make_options(options)
    registry = registry or get_registry()
    names = parse_tasks(tasks, registry, opts)
    out = check_output(output, overwrite) if output else None
    if opts.reward_model:
        from ruadapt.models import resolve_model

        resolve_model(opts.reward_model)  # fail before any work when the path is wrong
    if isinstance(prompts, list):
        pairs = prompts[: opts.max_prompts] if opts.max_prompts else prompts
    else:
        pairs = load_prompts(prompts, opts.max_prompts)
    if not pairs:
        raise UserError("no prompts to evaluate on")
    shared: dict[str, Any] = {}  # e.g. the reward model, loaded once for both sides
    contexts = {"model": EvalContext("model", model, pairs, opts, quiet=quiet, shared=shared)}
    if baseline:
        contexts["baseline"] = EvalContext(
            "baseline", baseline, pairs, opts, quiet=quiet, shared=shared
        )
        contexts["model"].other = contexts["baseline"]
    results: dict[str, dict[str, Any]] = {name: {} for name in names}
    seconds: dict[str, dict[str, float]] = {name: {} for name in names}
    described: dict[str, Any] = {}
    isolated = "speed" in names and baseline is not None and opts.speed_isolation == "process"
    if isolated:
        # each side in its own process, repeats interleaved (ruadapt_evals.speed_isolated)
        results["speed"], seconds["speed"] = isolated_speed(contexts, pairs, opts)
    # one model at a time (baseline first, so its answers are cached for paired tasks):
    # two large models need not fit in memory together
    for role in ("baseline", "model"):
        if role not in contexts:
            continue
        ctx = contexts[role]
        for name in names:
            if isolated and name == "speed":
                continue
            results[name][role], seconds[name][role] = run_task(registry.eval_task(name), ctx)
        described[role] = describe_model(ctx)
        ctx.release()
    shared.clear()
    report = {
        "schema_version": SCHEMA_VERSION,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
        "model": described["model"],
        "baseline": described.get("baseline"),
        "config": {
            "tasks": names,
            "prompts": prompts_info(prompts, pairs),
            "options": {k: v for k, v in vars(opts).items()},
        },
        "environment": environment(contexts["model"]),
        "tasks": {n: task_report(n, registry.eval_task(n).summary, results[n]) for n in names},
        "seconds": {
            "total": round(time.time() - started, 2),
            **{n: {r: round(s, 2) for r, s in v.items()} for n, v in seconds.items()},
        },
    }
    if out is not None:
        from ruadapt_evals.render import write_report

        write_report(report, out, generations=_generations(contexts, pairs))
    return report


def _generations(contexts: dict[str, EvalContext], pairs: list[PromptPair]) -> list[dict[str, Any]]:
    """Every answer generated during the run, for generations.jsonl."""
    rows = []
    for role, ctx in contexts.items():
        for lang, answers in ctx.generated().items():
            for pair, answer in zip(pairs, answers, strict=True):
                rows.append(
                    {
                        "id": pair.id,
                        "role": role,
                        "lang": lang,
                        "prompt": pair.prompt(lang),
                        "answer": answer,
                        "reference": pair.reference(lang),
                    }
                )
    return rows
