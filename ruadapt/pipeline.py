"""Multi-stage recipes: ``ruadapt pipeline recipe.yaml``.

A recipe is a YAML file with a root ``output``, a starting ``model`` and a list of
``stages``. Each stage is either a training run (``method: NAME`` plus its options; ``plugin:``
is an alias) or a step (``step: tokenizer-extend | teacher-answers | merge | eval | report``).
A stage's model defaults to the output of the previous stage that produced a model; ``@name``
refers to another stage's output (``@name/FILE`` to a file in it) and ``@base`` to the recipe's
starting model, so several methods can branch from one SFT stage.

Each stage writes ``OUTPUT/<stage name>``. ``OUTPUT/pipeline.json`` records a hash of every
finished stage's resolved config (including the hashes of the stages it reads from), so
re-running a recipe skips finished, unchanged stages and resumes where it stopped;
``--from STAGE`` reruns from that stage on.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruadapt.errors import UserError
from ruadapt.recipe_check import check_method_stage, check_overrides, check_shape, check_step
from ruadapt.runner import is_complete, latest_checkpoint, write_atomic

STATE_FILE = "pipeline.json"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass
class Stage:
    """One stage of a recipe, as written (``options`` exclude name/method/step)."""

    name: str
    method: str | None
    step: str | None
    options: dict[str, Any]

    @property
    def makes_model(self) -> bool:
        return self.method is not None or self.step in ("tokenizer-extend", "merge")


@dataclass
class Recipe:
    path: Path
    output: Path
    model: str
    stages: list[Stage]
    defaults: dict[str, Any] = field(default_factory=dict)
    again: str = ""  # the command that resumes an interrupted run


# step name -> function(options, output_dir, registry) doing the work; imported lazily.
def _step_tokenizer_extend(options: dict[str, Any], out: Path, registry: Any) -> None:
    from ruadapt.tokenizer.extend_model import extend_model

    extend_model(output=str(out), overwrite=True, **options)


def _step_eval(options: dict[str, Any], out: Path, registry: Any) -> None:
    # the pipeline reruns a step only when its config changed: replacing the old report is meant
    write_eval(str(out), registry, **{"overwrite": True, **options})


def _step_report(options: dict[str, Any], out: Path, registry: Any) -> None:
    from ruadapt_evals.compare import compare_runs

    compare_runs(output=str(out), **{"overwrite": True, **options})


def failed_tasks(report: dict[str, Any], requested: bool) -> list[str]:
    """``task (role): reason`` of every task that failed; with ``requested`` (the user named the
    tasks), a skipped task counts as failed too."""
    failed = []
    for name, entry in report.get("tasks", {}).items():
        sides = {"all": entry} if "skipped" in entry else {r: entry.get(r) or {} for r in ROLES}
        for role, side in sides.items():
            reason = side.get("skipped") if isinstance(side, dict) else None
            if reason and (requested or str(reason).startswith("error")):
                first = str(reason).splitlines()[0] if str(reason).strip() else "failed"
                failed.append(f"{name}{'' if role == 'all' else f' ({role})'}: {first}")
    return failed


ROLES = ("model", "baseline")


def write_eval(
    output: str, registry: Any, *, overwrite: bool = False, tasks: Any = None, **options: Any
) -> dict[str, Any]:
    """``ruadapt_evals.suite.evaluate`` under the output policy: the report is built beside
    ``output`` and swapped in only when every task succeeded (a failed requested task is an
    error and keeps the old report)."""
    from ruadapt_evals.suite import evaluate

    from ruadapt.errors import UserError
    from ruadapt.outputs import check_output, staged_folder

    names = ("model", "baseline", "prompts", "mc_items", "reward_model")
    inputs = {f"--{k.replace('_', '-')}": options.get(k) for k in names}
    out = check_output(output, overwrite=overwrite, inputs=inputs)
    with staged_folder(out, "eval", checked=True) as staging:
        report = evaluate(str(staging), registry, tasks=tasks, overwrite=True, **options)
        failed = failed_tasks(report, requested=tasks is not None)
        if failed:
            more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
            raise UserError(f"eval task {failed[0]}{more}; no report written to {out}")
    return report


def _step_teacher_answers(options: dict[str, Any], out: Path, registry: Any) -> None:
    from ruadapt.teacher_answers import teacher_answers

    teacher_answers(output=str(out), overwrite=True, **options)


def _step_merge(options: dict[str, Any], out: Path, registry: Any) -> None:
    from ruadapt.model_merge import merge_with_original

    merge_with_original(output=str(out), overwrite=True, **options)


STEPS: dict[str, Callable[[dict[str, Any], Path, Any], None]] = {
    "tokenizer-extend": _step_tokenizer_extend,
    "teacher-answers": _step_teacher_answers,
    "merge": _step_merge,
    "eval": _step_eval,
    "report": _step_report,
}


def load_recipe(path: str | Path, output: str | None = None) -> Recipe:
    """Parse and check a recipe file; errors name the file and the stage."""
    from ruadapt.config import load_yaml

    path = Path(path)
    data = load_yaml(path)
    unknown = set(data) - {"output", "model", "stages", "defaults", "description"}
    if unknown:
        raise UserError(f"{path}: unknown top-level key(s) {sorted(unknown)}")
    check_shape(path, data)
    raw_stages = data.get("stages")
    if not isinstance(raw_stages, list) or not raw_stages:
        raise UserError(f"{path}: 'stages' must be a non-empty list")
    stages, seen = [], set()
    for i, raw in enumerate(raw_stages, 1):
        if not isinstance(raw, dict) or "name" not in raw:
            raise UserError(f"{path}: stage {i} needs a 'name'")
        raw = dict(raw)
        name = str(raw.pop("name"))
        if "method" in raw and "plugin" in raw:
            raise UserError(
                f"{path}: stage {name!r}: give 'method' or its alias 'plugin', not both"
            )
        method = raw.pop("method", None) or raw.pop("plugin", None)
        step = raw.pop("step", None)
        if not _NAME.match(name) or name in seen:
            raise UserError(f"{path}: stage {name!r}: names must be unique words")
        if (method is None) == (step is None):
            raise UserError(f"{path}: stage {name!r} needs exactly one of 'method' or 'step'")
        if step is not None and step not in STEPS:
            raise UserError(f"{path}: stage {name!r}: unknown step {step!r} ({', '.join(STEPS)})")
        seen.add(name)
        stages.append(Stage(name=name, method=method, step=step, options=raw))
    out = output or data.get("output")
    if not out:
        raise UserError(f"{path}: no 'output' (or pass --output)")
    return Recipe(
        path=path,
        output=Path(out),
        model=str(data.get("model", "tiny")),
        stages=stages,
        defaults=dict(data.get("defaults") or {}),
    )


def _resolve_refs(
    value: Any, recipe: Recipe, outputs: dict[str, Path], stage: str, refs: set[str]
) -> Any:
    """Replace ``@stage`` / ``@base`` by paths, recording which stages were read.

    ``@stage/FILE`` names a file in that stage's output (``@teacher/data.jsonl``), and a
    comma-separated string may mix references and other values (``@teacher/data.jsonl,ru-sft``).
    """
    if isinstance(value, str) and "," in value and "@" in value:
        parts = [_resolve_refs(p.strip(), recipe, outputs, stage, refs) for p in value.split(",")]
        return ",".join(parts)
    if isinstance(value, str) and value.startswith("@"):
        ref, _, rest = value[1:].partition("/")
        if ref == "base" and not rest:
            return recipe.model
        if ref not in outputs:
            raise UserError(
                f"{recipe.path}: stage {stage!r} refers to {value!r}, which is not an earlier stage"
            )
        refs.add(ref)
        return str(outputs[ref] / rest) if rest else str(outputs[ref])
    if isinstance(value, list):
        return [_resolve_refs(v, recipe, outputs, stage, refs) for v in value]
    return value


def plan(recipe: Recipe, overrides: dict[str, dict[str, Any]] | None = None):
    """``(stage, options, hash, output)`` of every stage, in order.

    A stage's hash covers its resolved options and the hashes of the stages it reads, so a
    changed stage invalidates everything downstream of it and nothing else.
    """
    overrides = overrides or {}
    outputs: dict[str, Path] = {}
    hashes: dict[str, str] = {}
    previous_model: str | None = None  # "@stage" of the last stage that made a model
    planned = []
    for stage in recipe.stages:
        options = dict(recipe.defaults) if stage.method else {}
        options.update(stage.options)
        options.update(overrides.get(stage.name, {}))
        if stage.makes_model or stage.step == "eval":
            options.setdefault("model", previous_model or "@base")
        refs: set[str] = set()
        options = {
            k: _resolve_refs(v, recipe, outputs, stage.name, refs) for k, v in options.items()
        }
        payload = json.dumps(
            {
                # keyed "plugin" as before the rename, so finished stages keep their hashes
                "plugin": stage.method,
                "step": stage.step,
                "options": options,
                "upstream": sorted(hashes[r] for r in refs),
            },
            sort_keys=True,
            default=str,
        )
        digest = hashlib.sha256(payload.encode()).hexdigest()[:16]
        out = recipe.output / stage.name
        planned.append((stage, options, digest, out))
        outputs[stage.name] = out
        hashes[stage.name] = digest
        if stage.makes_model:
            previous_model = f"@{stage.name}"
    return planned


def _stage_done(out: Path) -> bool:
    return is_complete(out) or (out / "report.json").is_file()


def run_pipeline(
    path: str | Path | Recipe,
    *,
    output: str | None = None,
    start_from: str | None = None,
    overrides: dict[str, dict[str, Any]] | None = None,
    registry: Any = None,
    echo: Callable[[str], None] = print,
    again: str | None = None,
) -> dict[str, Any]:
    """Run a recipe (a file, or a :class:`Recipe` a command built), skipping finished
    unchanged stages; returns the pipeline state. ``again`` is the command an interrupted run
    is resumed with (default: ``ruadapt pipeline PATH``)."""
    from ruadapt.registry import get_registry
    from ruadapt.runner import run

    recipe = path if isinstance(path, Recipe) else load_recipe(path, output)
    recipe.again = again or f"ruadapt pipeline {recipe.path}"
    registry = registry or get_registry()
    steps = plan(recipe, overrides)
    names = [s.name for s, *_ in steps]
    if start_from is not None and start_from not in names:
        raise UserError(f"--from {start_from!r}: no such stage (stages: {', '.join(names)})")
    check_overrides(recipe.path, overrides or {}, names)
    for stage, options, _, _ in steps:  # every stage's mistakes fail before the first runs
        if stage.method:
            registry.method(stage.method)
            check_method_stage(recipe.path, stage.name, stage.method, options, registry)
        else:
            check_step(recipe.path, stage.name, stage.step, options)
    from ruadapt import outputs

    root = recipe.output
    if root.is_dir() and any(root.iterdir()) and not outputs.is_ruadapt_output(root):
        raise UserError(
            f"output {root} is not empty and is not a pipeline output ruadapt wrote "
            f"(no {outputs.MARKER}); choose another output (a pipeline continues only its own)"
        )
    inputs = {"model": recipe.model, "recipe": recipe.path}
    outputs.check_output(recipe.output, resume=True, inputs=inputs)
    with outputs.output_lock(recipe.output):
        return _run_stages(recipe, steps, start_from, registry, echo, run)


def _read_state(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {"stages": {}}
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise UserError(
            f"{path}: corrupt pipeline state ({type(exc).__name__}); delete it to rerun every stage"
        ) from None
    if not isinstance(state, dict) or not isinstance(state.get("stages"), dict):
        raise UserError(f"{path}: corrupt pipeline state (no 'stages' mapping); delete it")
    return state


def _run_stages(recipe, steps, start_from, registry, echo, run) -> dict[str, Any]:
    from ruadapt import outputs
    from ruadapt.runner import Interrupted

    recipe.output.mkdir(parents=True, exist_ok=True)
    state_path = recipe.output / STATE_FILE
    state = _read_state(state_path)
    # the root holds the state file and one folder per stage, each listed as ruadapt's
    listed = (outputs.read_marker(recipe.output) or {}).get("files") or []
    stage_dirs = [out.name for *_, out in steps if Path(out).parent == recipe.output]
    outputs.mark(recipe.output, "pipeline", files={*listed, STATE_FILE, *stage_dirs})
    forced = False
    for i, (stage, options, digest, out) in enumerate(steps, 1):
        forced = forced or stage.name == start_from
        previous = state["stages"].get(stage.name, {})
        label = f"[{i}/{len(steps)}] {stage.name} ({stage.method or stage.step})"
        if (
            not forced
            and previous.get("hash") == digest
            and previous.get("status") == "complete"
            and _stage_done(out)
        ):
            echo(f"{label}: finished, config unchanged — skipped")
            continue
        resume = (
            not forced
            and previous.get("hash") == digest
            and stage.method is not None
            and latest_checkpoint(out) is not None
            and not is_complete(out)
        )
        echo(f"{label}: {'resuming' if resume else 'running'} -> {out}")
        started = time.time()
        # recorded before the stage runs, so an interrupted stage resumes from its checkpoint
        state["stages"][stage.name] = {"hash": digest, "status": "running", "output": str(out)}
        write_atomic(state_path, json.dumps(state, indent=2) + "\n")
        if stage.method:
            flags = {
                "output": str(out),
                "overwrite": None if resume else out.exists() or None,
                "resume": resume or None,
            }
            sets = {k: v for k, v in options.items() if k not in ("output",)}
            try:
                run(stage.method, registry, sets=sets, **flags)
            except Interrupted as exc:
                again = recipe.again
                raise UserError(
                    f"interrupted in stage {stage.name!r}; rerun `{again}` to "
                    + ("resume it from its last checkpoint" if exc.resumable else "start it again")
                ) from None
        else:
            STEPS[stage.step](dict(options), out, registry)
        state["stages"][stage.name] = {
            "hash": digest,
            "status": "complete",
            "seconds": round(time.time() - started, 1),
            "output": str(out),
        }
        write_atomic(state_path, json.dumps(state, indent=2) + "\n")
    return state


def parse_overrides(items: list[str]) -> dict[str, dict[str, Any]]:
    """``["sft.max_steps=5"]`` -> ``{"sft": {"max_steps": "5"}}``."""
    out: dict[str, dict[str, Any]] = {}
    for item in items:
        key, sep, value = item.partition("=")
        stage, dot, option = key.partition(".")
        if not sep or not dot or not option:
            raise UserError(f"--set {item!r}: expected STAGE.option=value")
        out.setdefault(stage, {})[option] = value
    return out
