"""``ruadapt report A/ B/ C/``: several eval and training runs side by side.

Each folder may be an eval output (``report.json``), a training run (``run.json`` and
``metrics.jsonl``, written by the runner), or a run folder with an eval output in a
subfolder. The comparison shows what the method-comparison tables of the DPO and SimPO
papers show: win rate next to answer length, quality, speed, and what training cost.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from ruadapt.errors import UserError

SCHEMA_VERSION = 1
# (task, metric) columns taken from each eval report, per language
COMPARED = (
    ("preference", "win_rate"),
    ("generation", "mean_answer_chars"),
    ("generation", "letters_per_token"),
    ("generation", "writing_efficiency"),
    ("generation", "repeated_ngram_share"),
    ("generation", "echo_rate"),
    ("generation", "chrf_equal_chars"),
    ("generation", "chrf"),
    ("generation", "bleu"),
    ("generation", "answer_language_accuracy"),
    ("mc", "mc_accuracy"),
    ("reference-bpc", "bits_per_char"),
    ("lm", "bits_per_char"),
    ("speed", "chars_per_second"),
    ("speed", "letters_per_second"),
    ("speed", "content_chars_per_second"),  # the tokenizer ceiling
    ("speed", "words_per_second"),
    ("speed", "new_tokens_per_second"),
    ("tokenization", "tokens_per_word"),
)


def find_eval(folder: Path) -> Path | None:
    """The eval report of a folder: its own report.json, else the first one a level down."""
    candidates = [folder / "report.json", *sorted(folder.glob("*/report.json"))]
    for path in candidates:
        if path.is_file():
            data = _read_json(path)
            if data.get("kind") != "comparison" and "tasks" in data:
                return path
    return None


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise UserError(f"{path}: unreadable JSON ({exc})") from None
    return data if isinstance(data, dict) else {}


def eval_summary(path: Path) -> dict[str, Any]:
    """The compared metrics of one eval report (the evaluated model's side)."""
    report = _read_json(path)
    tasks = report.get("tasks", {})
    out: dict[str, Any] = {
        "report": str(path),
        "model": (report.get("model") or {}).get("name"),
        "model_path": (report.get("model") or {}).get("path"),
        "baseline": (report.get("baseline") or {}).get("name"),
        "prompts": (report.get("config") or {}).get("prompts"),
        "metrics": {},
        "intervals": {},
    }
    for task, metric in COMPARED:
        side = (tasks.get(task) or {}).get("model") or {}
        for lang in ("ru", "en"):
            value = (side.get(lang) or {}).get(metric)
            if value is not None:
                out["metrics"].setdefault(f"{task}.{metric}", {})[lang] = value
            ci = ((side.get(lang) or {}).get("ci") or {}).get(metric)
            if ci is not None:
                out["intervals"].setdefault(f"{task}.{metric}", {})[lang] = ci
    paired = (tasks.get("preference") or {}).get("model_vs_baseline", {}).get("paired", {})
    for lang, values in paired.items():
        if "win_rate" in values:
            out["metrics"].setdefault("preference.win_rate_vs_baseline", {})[lang] = values[
                "win_rate"
            ]
            ci = (values.get("ci") or {}).get("win_rate")
            if ci is not None:
                out["intervals"].setdefault("preference.win_rate_vs_baseline", {})[lang] = ci
    return out


def per_item(path: Path) -> dict[str, dict[str, Any]]:
    """``{task: {lang: per-item lists}}`` of the evaluated model in one eval report."""
    tasks = _read_json(path).get("tasks", {})
    out: dict[str, dict[str, Any]] = {}
    for task in {t for t, _ in COMPARED}:
        side = (tasks.get(task) or {}).get("model") or {}
        for lang in ("ru", "en"):
            items = (side.get(lang) or {}).get("per_item")
            if isinstance(items, dict):
                out.setdefault(task, {})[lang] = items
    return out


def differences_vs_first(entries: list[dict[str, Any]], reports: list[Path | None]) -> None:
    """Paired bootstrap of each run against the first run, over the same items, added to
    each later run's eval summary as ``vs_first`` (only when both ran on the same prompts)."""
    from ruadapt_evals.intervals import paired_differences

    if not entries or entries[0]["eval"] is None or reports[0] is None:
        return
    first, first_items = entries[0]["eval"], per_item(reports[0])
    for entry, report in zip(entries[1:], reports[1:], strict=True):
        summary = entry["eval"]
        if summary is None or report is None or summary.get("prompts") != first.get("prompts"):
            continue
        items = per_item(report)
        found: dict[str, dict[str, Any]] = {}
        for task, metric in COMPARED:
            for lang in ("ru", "en"):
                mine = items.get(task, {}).get(lang)
                theirs = first_items.get(task, {}).get(lang)
                diff = paired_differences(mine, theirs).get(metric) if mine and theirs else None
                if diff:
                    found.setdefault(f"{task}.{metric}", {})[lang] = diff
        summary["vs_first"] = found


def training_summary(
    folder: Path, evaluation: dict[str, Any] | None = None
) -> dict[str, Any] | None:
    """Training time, peak memory and final loss from run.json / metrics.jsonl, if present.

    Looked for in the folder, its parent (an eval saved inside a run), and the folder of the
    model the eval evaluated (a pipeline's ``eval-dpo`` stage evaluates the ``dpo`` stage).
    """
    candidates = [folder, folder.parent]
    if evaluation and evaluation.get("model_path"):
        candidates.append(Path(evaluation["model_path"]))
    for candidate in candidates:
        run_json = candidate / "run.json"
        if run_json.is_file():
            break
    else:
        return None
    run = _read_json(run_json)
    info: dict[str, Any] = {
        "run": str(run_json.parent),
        "plugin": run.get("plugin"),
        "adapter": run.get("adapter"),
        "train_seconds": run.get("seconds"),
        "trainable_parameters": run.get("trainable_parameters"),
    }
    memory = [v for k, v in run.items() if "memory" in k and isinstance(v, (int, float))]
    metrics = run_json.parent / "metrics.jsonl"
    if metrics.is_file():
        for line in metrics.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut by a crash: the rest is still useful
            if isinstance(record.get("loss"), (int, float)):
                info["final_loss"] = record["loss"]
            if isinstance(record.get("train_runtime"), (int, float)):
                info["train_runtime"] = record["train_runtime"]
            memory += [
                v for k, v in record.items() if "memory" in k and isinstance(v, (int, float))
            ]
    if memory:
        info["peak_memory_mb"] = max(memory)
    return info


def _labels(folders: list[Path]) -> list[str]:
    """Short unique names: the folder name, or parent/name when names repeat."""
    names = [f.resolve().name for f in folders]
    return [
        f"{f.resolve().parent.name}/{n}" if names.count(n) > 1 else n
        for f, n in zip(folders, names, strict=True)
    ]


def compare_runs(
    output: str | Path,
    runs: list[str] | dict[str, str],
    *,
    overwrite: bool = False,
) -> dict[str, Any]:
    """Build (and write into ``output``) the side-by-side report of several runs.

    ``runs`` is a list of folders (labelled by folder name) or ``{label: folder}``.
    """
    from ruadapt_evals.compare_render import write_comparison
    from ruadapt_evals.suite import check_output

    if isinstance(runs, (str, Path)):
        runs = [str(runs)]
    if not runs:
        raise UserError("give at least one eval or run folder to compare")
    if isinstance(runs, dict):
        labels, folders = list(map(str, runs)), [Path(str(p)).expanduser() for p in runs.values()]
    else:
        folders = [Path(str(p)).expanduser() for p in runs]
        labels = _labels(folders)
    for folder in folders:
        if not folder.is_dir():
            raise UserError(f"{folder}: not a folder (expected an eval output or a run folder)")
    out = check_output(output, overwrite)
    entries, reports = [], []
    for folder, name in zip(folders, labels, strict=True):
        report = find_eval(folder)
        reports.append(report)
        summary = eval_summary(report) if report else None
        training = training_summary(folder, summary)
        if report is None and training is None:
            raise UserError(f"{folder}: no report.json (eval) or run.json (training run) found")
        entries.append({"label": name, "path": str(folder), "eval": summary, "training": training})
    differences_vs_first(entries, reports)
    result = {
        "schema_version": SCHEMA_VERSION,
        "kind": "comparison",
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "runs": entries,
    }
    write_comparison(result, out)
    return result


def compare(paths: list[str], output: str | Path, *, overwrite: bool = False) -> dict[str, Any]:
    """``compare_runs`` with the folders first (the order ``ruadapt report`` takes them)."""
    return compare_runs(output, paths, overwrite=overwrite)
