"""What a plugin registers: small frozen records, one per kind of extension.

Plugins build these and hand them to the ``register`` callback of a hook (see
``ruadapt.hookspecs``). They hold plain callables, so registering imports nothing heavy:
torch, transformers and TRL are imported inside ``train`` / ``apply`` / ``run``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the annotation only: the runner imports this module
    from ruadapt.runner import Run

#: The kinds of data a method consumes (TRL's dataset types underneath).
#: text: {"text"}; chat: {"messages"}; preference: {"prompt", "chosen", "rejected"};
#: binary: {"prompt", "completion", "label"}; prompts: {"prompt"}.
DATA_KINDS: tuple[str, ...] = ("text", "chat", "preference", "binary", "prompts")


@dataclass(frozen=True)
class Method:
    """A training method: ``ruadapt run --method NAME``.

    ``config`` is a dataclass whose fields all have defaults and ``metadata["help"]``;
    its ``__post_init__`` rejects out-of-range values before any model loads.
    ``train(run: ruadapt.Run, config)`` trains ``run.model`` on ``run.dataset`` (loaded and
    checked by the runner before ``train`` is called) and leaves the result in ``run.model``
    (the runner saves it); it logs through ``run.log`` or ``run.callback()``.
    ``run_defaults`` overrides common run options (e.g. ``{"learning_rate": 5e-6}``).
    ``trainer_config`` (``"module:Class"``, e.g. ``"trl:DPOConfig"``) names the trainer's
    config dataclass: every field of it becomes a valid ``--set`` key, handed to the trainer
    through ``run.training_arguments()``. A method that is trained through a transformers
    ``Trainer`` should also set ``run.trainer`` so the final save goes through
    ``trainer.save_model`` (FSDP/ZeRO-3 gather the weights there).
    ``reference_model`` says the method keeps a frozen reference (``run.reference_model()``),
    about one more model in memory; ``--help-config`` shows it.
    """

    name: str
    config: type
    data_kind: str
    train: Callable[[Run, Any], None]  # train(run: ruadapt.Run, config: the config class)
    summary: str = ""
    reference_model: bool = False
    run_defaults: dict[str, Any] = field(default_factory=dict)
    trainer_config: str | None = None

    def __post_init__(self) -> None:
        if self.data_kind not in DATA_KINDS:
            raise ValueError(f"method {self.name!r}: data_kind must be one of {DATA_KINDS}")


@dataclass(frozen=True)
class Adapter:
    """A parameter-efficient adapter: ``--adapter NAME`` composes it with any method.

    ``apply(model, config, run)`` returns the wrapped model (e.g. a PEFT model).
    ``merge(path, output)`` (optional) folds a saved adapter back into its base model.
    """

    name: str
    config: type
    apply: Callable[[Any, Any, Any], Any]
    summary: str = ""
    merge: Callable[[str, str], None] | None = None


@dataclass(frozen=True)
class DataFormat:
    """A record layout on disk, recognised by ``detect`` and normalised by ``convert``.

    ``detect(columns)`` gets the set of top-level field names of the first record.
    ``convert(record)`` returns a list of records of ``kind`` (a ranked list may expand into
    several preference pairs). ``validate(record)`` returns problems as
    ``(field, message)`` pairs; an empty list means the record is fine.
    """

    name: str
    kind: str
    detect: Callable[[set[str]], bool]
    convert: Callable[[dict], list[dict]]
    validate: Callable[[dict], list[tuple[str, str]]] = lambda record: []
    summary: str = ""
    priority: int = 0  # higher wins when several formats detect the same columns


@dataclass(frozen=True)
class EvalTask:
    """An evaluation task of ``ruadapt eval``: ``run(ctx)`` returns per-language metrics.

    The result is ``{"ru": {metric: value}, "en": {...}, ...}``; the suite adds ru/en and
    model/baseline ratios. ``ctx`` gives the model, tokenizer, prompts and options.
    """

    name: str
    run: Callable[[Any], dict[str, Any]]
    summary: str = ""
    languages: Sequence[str] = ("ru", "en")
    needs_generation: bool = False


@dataclass(frozen=True)
class Reward:
    """A rule-based reward for RL methods: ``score(prompts, completions) -> list[float]``."""

    name: str
    score: Callable[[list[str], list[str]], list[float]]
    summary: str = ""
