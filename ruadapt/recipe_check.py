"""Checks of a pipeline recipe before its first stage runs: shapes, step options, overrides.

A recipe is user-written YAML; every mistake in it is reported in one line naming the file,
the stage and the key, before any stage trains (a typo in stage three must not cost the
training of stages one and two, nor end in a Python ``TypeError``).
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ruadapt.errors import UserError

#: top-level keys and the types their values must have (``None``: absent)
_TOP: dict[str, tuple[type, ...]] = {
    "output": (str,),
    "model": (str,),
    "stages": (list,),
    "defaults": (dict,),
    "description": (str,),
}
_TYPE_WORDS = {str: "text", list: "a non-empty list", dict: "a mapping of option: value"}


def check_shape(path: Path, data: Mapping[str, Any]) -> None:
    """Refuse top-level values and stage fields of the wrong type (``output: [a]``,
    ``defaults: text``, ``method: [sft]``), naming the file and the key."""
    for key, types in _TOP.items():
        value = data.get(key)
        if value is not None and not isinstance(value, types):
            want = " or ".join(_TYPE_WORDS.get(t, t.__name__) for t in types)
            raise UserError(f"{path}: '{key}' must be {want}, not {_shown(value)}")
    for i, raw in enumerate(data.get("stages") or [], 1):
        if not isinstance(raw, dict):
            raise UserError(
                f"{path}: stage {i} needs a 'name' (a mapping: name, method or step, options), "
                f"not {_shown(raw)}"
            )
        for key in ("name", "method", "plugin", "step"):
            value = raw.get(key)
            if value is not None and not isinstance(value, str):
                raise UserError(f"{path}: stage {i}: '{key}' must be text, not {_shown(value)}")


def _shown(value: Any) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 40 else text[:37] + '...'}"


def check_overrides(path: Path, overrides: Mapping[str, Any], names: list[str]) -> None:
    """``--set STAGE.key=value`` must name a stage of the recipe (``sftt`` is not ``sft``)."""
    for stage in overrides:
        if stage not in names:
            close = difflib.get_close_matches(stage, names, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise UserError(
                f"--set {stage}.…: {path} has no stage {stage!r}; {hint}stages: {', '.join(names)}"
            )


# what a step's function takes from the pipeline itself, never from the recipe
_PIPELINE_ARGS = {"output", "overwrite", "registry", "show_progress", "options"}


def check_step(path: Path, stage: str, step: str, options: Mapping[str, Any]) -> None:
    """A step's options against the function that runs it: unknown keys (with a suggestion),
    missing required ones, and values of the wrong kind, before any stage runs."""
    target = _step_function(step)
    if target is None:
        return
    params = {
        name: p
        for name, p in inspect.signature(target).parameters.items()
        if name not in _PIPELINE_ARGS and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
    }
    open_ended = any(p.kind is p.VAR_KEYWORD for p in inspect.signature(target).parameters.values())
    where = f"{path}: stage {stage!r} (step {step})"
    extra = {k: v for k, v in options.items() if k not in params}
    if open_ended and step == "eval" and extra:
        from ruadapt_evals.suite import make_options

        try:
            make_options(extra)  # EvalOptions fields, typed as the eval itself will
        except UserError as exc:
            raise UserError(f"{where}: {exc}") from None
    for key, value in options.items():
        if key not in params:
            if open_ended:
                continue
            close = difflib.get_close_matches(key, list(params), n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise UserError(f"{where}: unknown option {key!r}; {hint}options: {', '.join(params)}")
        if not _fits(value, params[key].annotation):
            raise UserError(
                f"{where}: option {key!r} must be {_words(params[key].annotation)}, "
                f"not {_shown(value)}"
            )
    for name, p in params.items():
        if p.default is p.empty and name not in options:
            raise UserError(f"{where}: needs the option {name!r}")


def _step_function(step: str) -> Callable[..., Any] | None:
    if step == "tokenizer-extend":
        from ruadapt.tokenizer.extend_model import extend_model

        return extend_model
    if step == "merge":
        from ruadapt.model_merge import merge_with_original

        return merge_with_original
    if step == "teacher-answers":
        from ruadapt.teacher_answers import teacher_answers

        return teacher_answers
    if step == "report":
        from ruadapt_evals.compare import compare_runs

        return compare_runs
    if step == "eval":
        from ruadapt_evals.suite import evaluate

        return evaluate
    return None


# annotation words (``from __future__ import annotations`` keeps them as text) -> YAML types
_KINDS: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "Path": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "None": (type(None),),
    "list": (list,),
    "Sequence": (list,),
    "dict": (dict,),
}


def _alternatives(annotation: Any) -> list[str] | None:
    """The outer type words of an annotation (``str | Sequence[str] | None`` -> str,
    Sequence, None); None when it is not plain enough to check."""
    if annotation is inspect.Parameter.empty or not isinstance(annotation, str):
        return None
    parts, depth, word = [], 0, ""
    for char in annotation:
        depth += char == "["
        depth -= char == "]"
        if char == "|" and depth == 0:
            parts.append(word)
            word = ""
        else:
            word += char
    parts.append(word)
    outer = [p.strip().split("[", 1)[0].split(".")[-1] for p in parts]
    return outer if all(o in _KINDS for o in outer) else None


def _fits(value: Any, annotation: Any) -> bool:
    outer = _alternatives(annotation)
    if outer is None:
        return True
    kinds = tuple(t for o in outer for t in _KINDS[o])
    if isinstance(value, bool) and bool not in kinds:
        return False  # YAML `true` is not a number here
    return isinstance(value, kinds)


def _words(annotation: Any) -> str:
    words = {
        "str": "text",
        "Path": "a path",
        "int": "a whole number",
        "float": "a number",
        "bool": "true or false",
        "None": "empty",
        "list": "a list",
        "Sequence": "a list",
        "dict": "a mapping",
    }
    outer = _alternatives(annotation) or []
    return " or ".join(dict.fromkeys(words[o] for o in outer)) or str(annotation)


def check_method_stage(
    path: Path, stage: str, method: str, options: Mapping[str, Any], registry: Any
) -> None:
    """Resolve a training stage's config now (unknown keys, wrong types, invalid values), so a
    mistake in a late stage fails before the early ones train."""
    from ruadapt.runner import configure

    sets = {k: v for k, v in options.items() if k != "output"}
    try:
        configure(method, registry, sets=sets)
    except UserError as exc:
        raise UserError(f"{path}: stage {stage!r}: {exc}") from None
