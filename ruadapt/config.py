"""One config per run: common run options + the method's dataclass (+ the adapter's).

Merge order, later wins: dataclass defaults < the method's ``run_defaults`` < YAML recipe
(``--config``) < ``--set key=value`` < explicit CLI flags. Keys live in one flat namespace;
an unknown key fails with a "did you mean" suggestion before any model loads.

A method that trains through a transformers/TRL trainer names its config class
(``Method.trainer_config``, e.g. ``trl:DPOConfig``): any field of that class is accepted too
(``--set optim=adamw_torch_fused``) and passed to the trainer as given. TRL's long names of
options ruadapt already has (``per_device_train_batch_size``) are aliases of ruadapt's.
"""

from __future__ import annotations

import dataclasses
import difflib
import enum
import importlib
import math
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ruadapt import safe_yaml
from ruadapt.errors import UserError, read_text


def opt(default: Any, help: str, **kwargs: Any) -> Any:
    """A dataclass field with help text (shown by ``--help-config`` and in the docs)."""
    if isinstance(default, list | dict):
        return field(
            default_factory=lambda: type(default)(default), metadata={"help": help}, **kwargs
        )
    return field(default=default, metadata={"help": help}, **kwargs)


@dataclass
class RunConfig:
    """Options every method shares (a method may change their defaults)."""

    model: str = opt("tiny", "model: local directory, hub id, or `tiny` (the embedded default)")
    data: str | None = opt(
        None, "data: file(s), a saved datasets folder, a bundled name, or hub id"
    )
    output: str | None = opt(
        None, "output directory (refused if non-empty without overwrite/resume)"
    )
    adapter: str | None = opt(None, "adapter to train instead of full weights, e.g. `lora`")
    format: str | None = opt(None, "force the data format instead of detecting it")
    seed: int = opt(42, "random seed (data order, initialisation, sampling)")
    max_steps: int = opt(-1, "stop after this many optimizer steps (-1: run `epochs`)")
    epochs: float = opt(1.0, "passes over the training data")
    max_samples: int | None = opt(None, "use at most this many training records")
    learning_rate: float = opt(2e-5, "peak learning rate (AdamW)")
    lr_scheduler: str = opt("linear", "learning-rate schedule: linear, cosine, constant, ...")
    warmup_ratio: float = opt(0.0, "share of steps spent warming the learning rate up")
    weight_decay: float = opt(0.0, "AdamW weight decay")
    max_grad_norm: float = opt(1.0, "gradient clipping norm")
    batch_size: int = opt(4, "examples per device per step")
    gradient_accumulation_steps: int = opt(1, "micro-batches accumulated per optimizer step")
    max_length: int = opt(512, "truncate sequences to this many tokens")
    eval_split: float = opt(0.0, "share of the data held out for evaluation (0: none)")
    system_prompt: str | None = opt(None, "system prompt added to chat data (e.g. in Russian)")
    logging_steps: int = opt(
        10, "log metrics every N steps (1: the first line is the initial loss)"
    )
    save_steps: int = opt(0, "checkpoint every N steps for --resume (0: no checkpoints)")
    report_to: list[str] = opt(
        [], "also log to (a list): tensorboard, wandb, mlflow, ...; logs go to OUTPUT/logs"
    )
    run_name: str | None = opt(None, "name of the run in trackers (default: the output's name)")
    push_to_hub: bool = opt(False, "publish the finished output to the hub (hub_model_id)")
    hub_model_id: str | None = opt(
        None, "hub repository to publish to, `user/name` (default: the output's name)"
    )
    hub_private_repo: bool | None = opt(None, "create the hub repository private")
    bf16: bool = opt(False, "bfloat16 mixed precision (needs hardware support)")
    fp16: bool = opt(False, "float16 mixed precision (needs a GPU)")
    gradient_checkpointing: bool = opt(False, "trade compute for memory")
    quantization: str | None = opt(
        None, "load the base weights in `4bit` or `8bit` (bitsandbytes, CUDA; with LoRA: QLoRA)"
    )
    trust_remote_code: bool = opt(False, "allow model code from the model's repository")
    resume: bool = opt(False, "continue from the latest complete checkpoint in the output")
    overwrite: bool = opt(False, "replace an existing output directory")
    allow_changes: bool = opt(
        False, "with resume: apply changed options from the checkpoint on, recorded in run.json"
    )

    def __post_init__(self) -> None:
        self.report_to = [r for r in self.report_to if r not in ("none", "")]
        checks = [
            (self.learning_rate > 0, "learning_rate must be > 0"),
            (self.batch_size >= 1, "batch_size must be >= 1"),
            (self.gradient_accumulation_steps >= 1, "gradient_accumulation_steps must be >= 1"),
            (self.max_length >= 8, "max_length must be >= 8"),
            (0.0 <= self.eval_split < 1.0, "eval_split must be in [0, 1)"),
            (self.logging_steps >= 1, "logging_steps must be >= 1"),
            (self.save_steps >= 0, "save_steps must be >= 0"),
            (self.max_steps == -1 or self.max_steps >= 1, "max_steps must be -1 or >= 1"),
            (self.epochs > 0, "epochs must be > 0"),
            (not (self.resume and self.overwrite), "resume and overwrite exclude each other"),
            (self.resume or not self.allow_changes, "allow_changes applies only with resume"),
            (self.max_samples is None or self.max_samples >= 1, "max_samples must be >= 1"),
            (0.0 <= self.warmup_ratio < 1.0, "warmup_ratio must be in [0, 1)"),
            (self.weight_decay >= 0, "weight_decay must be >= 0"),
            (self.max_grad_norm >= 0, "max_grad_norm must be >= 0 (0: no clipping)"),
            (self.seed >= 0, "seed must be >= 0"),
        ]
        for ok, message in checks:
            if not ok:
                raise UserError(message)
        _check_scheduler(self.lr_scheduler)
        _check_report_to(self.report_to)


def _check_scheduler(name: str) -> None:
    from transformers.trainer_utils import SchedulerType

    known = [s.value for s in SchedulerType]
    if name not in known:
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f" (one of {', '.join(known)})"
        raise UserError(f"lr_scheduler {name!r} is not a schedule{hint}")


#: report_to names whose pip package is not the name itself
_TRACKER_PACKAGES = {"tensorboard": "tensorboard (pip install 'ruadapt[tensorboard]')"}


def _check_report_to(names: list[str]) -> None:
    """``report_to``: transformers' integration names (the list TRL trainers and accelerate
    accept), each installed; one line naming the bad one, before any model loads."""
    if not names:
        return
    from transformers.integrations import integration_utils as iu

    known = sorted(iu.INTEGRATION_TO_CALLBACK)
    for name in names:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise UserError(
                f"report_to {name!r} is not a known integration{hint} (one of: {', '.join(known)})"
            )
        probe = getattr(iu, f"is_{name}_available", None)
        if probe is not None and not probe():
            package = _TRACKER_PACKAGES.get(name, name)
            raise UserError(f"report_to {name!r}: the {package} package is not installed")


@dataclass
class ResolvedConfig:
    """The merged configuration of one run."""

    plugin: str
    run: RunConfig
    method: Any
    adapter: Any | None = None
    trainer: dict[str, Any] = field(default_factory=dict)  # fields of Method.trainer_config
    #: the recipe file the options came from (an input: an output may never replace it)
    config_file: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"plugin": self.plugin}
        out.update(dataclasses.asdict(self.run))
        out.update(dataclasses.asdict(self.method))
        if self.adapter is not None:
            out.update(dataclasses.asdict(self.adapter))
        out.update(self.trainer)
        return out

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True)


#: TRL/transformers names of options ruadapt already has: the same option, one value.
TRAINER_ALIASES = {
    "per_device_train_batch_size": "batch_size",
    "num_train_epochs": "epochs",
    "lr_scheduler_type": "lr_scheduler",
    "activation_checkpointing": "gradient_checkpointing",
}

#: Trainer fields ruadapt sets itself, with what to use instead.
_RESERVED = {
    "output_dir": "use --output (checkpoints go to OUTPUT/checkpoints)",
    "hub_token": "secrets come from the environment only: set HF_TOKEN",
    "hub_strategy": "ruadapt publishes the finished output once (--push-to-hub REPO)",
    "hub_always_push": "ruadapt publishes the finished output once (--push-to-hub REPO)",
    "hub_revision": "ruadapt publishes the finished output to the main branch",
    "resume_from_checkpoint": "use --resume (the latest complete checkpoint)",
}


def load_trainer_config(spec: str) -> type:
    """The trainer config class named ``module:Class`` (imported on demand: TRL is heavy)."""
    module, _, name = spec.partition(":")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise UserError(f"trainer config {spec!r} cannot be imported: {exc}") from None


def fields_of(cls: type) -> dict[str, tuple[Any, Any, str]]:
    """``{name: (type, default, help)}`` of a config dataclass."""
    try:
        hints = typing.get_type_hints(cls)
    except (NameError, TypeError):  # a forward reference we cannot resolve: the raw types
        hints = {f.name: f.type for f in dataclasses.fields(cls)}
    out = {}
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            default = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        else:
            default = None
        out[f.name] = (hints.get(f.name, str), default, f.metadata.get("help", ""))
    return out


_TYPE_WORDS = {int: "a whole number", float: "a number", bool: "true or false", str: "text"}


def coerce(key: str, value: Any, tp: Any) -> Any:
    """Convert a YAML/``--set`` value to the field's type, or fail naming the key."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        empty = value is None or (isinstance(value, str) and value.lower() in ("none", "null", ""))
        if empty and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return coerce(key, value, inner[0]) if len(inner) == 1 else _coerce_any(key, value, inner)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return _coerce_any(key, value, [tp])
    if isinstance(value, str) and tp is not str:
        value = _yaml_value(key, value)
    try:
        if tp is bool:
            if isinstance(value, bool):
                return value
            raise ValueError
        if tp is int:
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError
            return int(value)
        if tp is float:
            if isinstance(value, bool):
                raise ValueError
            number = float(value)
            if not math.isfinite(number):  # inf/nan would train a NaN model "successfully"
                raise UserError(f"option {key!r} must be a finite number, got {value!r}")
            return number
        if tp is str:
            if isinstance(value, list) and all(
                isinstance(v, str | int | float) and not isinstance(v, bool) for v in value
            ):
                return ",".join(str(v) for v in value)  # YAML `[a, b]` = the text "a,b"
            if isinstance(value, dict | list):  # `data: {x: 1}` is no path, name or list
                raise ValueError
            return str(value)
        if origin is list:
            items = value if isinstance(value, list) else str(value).split(",")
            return [coerce(key, v, args[0] if args else str) for v in items]
    except (TypeError, ValueError):
        name = _TYPE_WORDS.get(tp) or getattr(tp, "__name__", str(tp))
        raise UserError(f"option {key!r}: expected {name}, got {value!r}") from None
    return value


def _coerce_any(key: str, value: Any, choices: list[Any]) -> Any:
    """A value for a field of several possible types (TRL's ``float | None``, ``Enum | str``)."""
    enums = [c for c in choices if isinstance(c, type) and issubclass(c, enum.Enum)]
    if isinstance(value, str):
        parsed = _yaml_value(key, value)
        for tp in (bool, int, float, list, dict):
            if tp in choices or any(typing.get_origin(c) is tp for c in choices):
                if isinstance(parsed, tp) and not (tp is int and isinstance(parsed, bool)):
                    return parsed
                if tp is float and isinstance(parsed, int) and not isinstance(parsed, bool):
                    return float(parsed)
        for e in enums:  # ``Enum | str`` in transformers means "a value of the enum, as text"
            known = [str(m.value) for m in e]
            if value in known:
                return value
            close = difflib.get_close_matches(value, known, n=1, cutoff=0.5)
            hint = f"did you mean {close[0]!r}?" if close else f"one of {', '.join(known[:8])}, ..."
            raise UserError(f"option {key!r}: {value!r} is not a valid {e.__name__}; {hint}")
    return value


def _yaml_value(key: str, text: str) -> Any:
    """A ``--set`` value read as YAML (``[a, b]``, ``1e-4``, ``true``); text that is not
    YAML stays text, and refused YAML (an alias bomb, a duplicate key) names the option."""
    if not text.strip():
        return text
    try:
        return safe_yaml.load(text)
    except safe_yaml.YamlProblem as exc:
        raise UserError(f"option {key!r}: {exc}") from None
    except yaml.YAMLError:
        return text


def parse_set(items: list[str]) -> dict[str, str]:
    """``["a=1", "b=x"]`` -> ``{"a": "1", "b": "x"}``; values are typed later by their field."""
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UserError(f"--set {item!r}: expected key=value")
        out[key.strip()] = value
    return out


def load_yaml(path: str | Path) -> dict[str, Any]:
    """Read a recipe YAML file into a flat dict."""
    p = Path(path)
    if not p.is_file():
        raise UserError(f"config file not found: {p}")
    try:
        data = safe_yaml.load(read_text(p, "config file")) or {}
    except safe_yaml.YamlProblem as exc:
        raise UserError(f"{p}:{exc.line}: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        problem = " ".join(str(getattr(exc, "problem", None) or exc).split())  # one line
        raise UserError(f"{p}{where}: invalid YAML ({problem})") from None
    if not isinstance(data, dict):
        raise UserError(f"{p}: expected a mapping of option: value")
    return data


def resolve(
    plugin: str,
    method_config: type,
    *,
    run_defaults: dict[str, Any] | None = None,
    adapter_config: type | None = None,
    yaml_values: dict[str, Any] | None = None,
    set_values: dict[str, Any] | None = None,
    flags: dict[str, Any] | None = None,
    source: str = "option",
    trainer_config: str | type | None = None,
) -> ResolvedConfig:
    """Merge all layers into typed dataclasses; unknown keys fail with a suggestion.

    ``trainer_config`` (a class or ``module:Class``) is imported only when a key is not one of
    ruadapt's, so the common case does not pay for importing TRL.
    """
    tables = {"run": fields_of(RunConfig), "method": fields_of(method_config)}
    if adapter_config is not None:
        tables["adapter"] = fields_of(adapter_config)
    owner: dict[str, str] = {}
    for part, fields_ in tables.items():
        for name in fields_:
            owner.setdefault(name, part)

    def add_trainer_table() -> None:
        cls = trainer_config
        if isinstance(cls, str):
            cls = load_trainer_config(cls)
        tables["trainer"] = fields_of(cls)
        values["trainer"] = {}
        for name in tables["trainer"]:
            owner.setdefault(name, "trainer")

    values: dict[str, dict[str, Any]] = {part: {} for part in tables}
    layers = [
        ("defaults", run_defaults or {}),
        (source, {k: v for k, v in (yaml_values or {}).items() if k not in ("plugin", "stage")}),
        ("--set", set_values or {}),
        ("flag", {k: v for k, v in (flags or {}).items() if v is not None}),
    ]
    for layer, mapping in layers:
        for key, value in mapping.items():
            key = TRAINER_ALIASES.get(key, key)
            if key not in owner and trainer_config is not None and "trainer" not in tables:
                add_trainer_table()
            if key in _RESERVED and owner.get(key) == "trainer":
                raise UserError(f"{layer} key {key!r} is set by ruadapt: {_RESERVED[key]}")
            part = owner.get(key)
            if part is None:
                close = difflib.get_close_matches(key, owner, n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise UserError(
                    f"unknown {layer} key {key!r} for plugin {plugin!r}{hint} "
                    f"(see `ruadapt run --method {plugin} --help-config`)"
                )
            values[part][key] = coerce(key, value, tables[part][key][0])

    try:
        run = RunConfig(**values["run"])
        method = method_config(**values["method"])
        adapter = adapter_config(**values["adapter"]) if adapter_config is not None else None
    except UserError:
        raise
    except (TypeError, ValueError) as exc:
        raise UserError(f"invalid option for {plugin!r}: {exc}") from None
    return ResolvedConfig(
        plugin=plugin, run=run, method=method, adapter=adapter, trainer=values.get("trainer", {})
    )


def describe(cls: type) -> list[tuple[str, str, str, str]]:
    """Rows ``(name, type, default, help)`` for help tables and generated docs."""
    rows = []
    for name, (tp, default, help_text) in fields_of(cls).items():
        tname = getattr(tp, "__name__", None) or str(tp).replace("typing.", "")
        rows.append((name, tname, repr(default), help_text))
    return rows
