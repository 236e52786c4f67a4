"""What a task's ``run(ctx)`` gets: one model under evaluation, its inputs and options.

The suite builds one context per model (``model`` and, with ``--baseline``, ``baseline``).
The model and tokenizer load lazily, and answers to the prompts are generated once and
shared by every task that reads them (generation quality, preference, third-party tasks).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

from ruadapt_evals.data import ChoiceItem, PromptPair


@dataclass
class EvalOptions:
    """Options of one eval run (saved under ``config`` in report.json)."""

    max_new_tokens: int = 32  # short answers keep the full parallel set under 2 CPU-minutes
    batch_size: int = 16
    prompt_format: str = "auto"  # auto: the chat template when the tokenizer has one
    speed_prompts: int = 32  # prompts per language timed by the speed task
    speed_repeats: int = 5  # timed repeats (with a baseline: at least this many); the median
    # with a baseline timed in its own process: more interleaved repeats until the 95% interval
    # of the model/baseline ratio is within +-speed_ci_target (relative), at most
    # speed_max_repeats; 0 turns it off (exactly speed_repeats)
    speed_ci_target: float = 0.05
    speed_max_repeats: int = 15
    speed_warmup: int = 1  # untimed repeats first (allocator, caches, lazy init)
    # with a baseline: "process" times each side in its own process, repeats interleaved;
    # "none" times them in this process, one after the other (less memory, less fair)
    speed_isolation: str = "process"
    reward_model: str | None = None
    mc_items: str | None = None  # JSONL of choice items; default: bundled ru-en-mc
    max_prompts: int | None = None  # caps prompts and choice items (quick looks)
    examples: int = 5  # example generations kept in the report, baseline beside model
    lm_eval_tasks: str | None = None  # opt-in lm-evaluation-harness tasks, comma-separated
    lm_eval_include: str | None = None  # folder of local lm-eval YAML tasks
    device: str = "auto"  # auto: cuda when available
    dtype: str = "auto"
    trust_remote_code: bool = False
    seed: int = 0

    def __post_init__(self) -> None:
        from ruadapt.errors import UserError

        for name in ("max_new_tokens", "batch_size", "speed_prompts", "speed_repeats"):
            if getattr(self, name) < 1:
                raise UserError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.max_prompts is not None and self.max_prompts < 1:
            raise UserError(f"max_prompts must be at least 1, got {self.max_prompts}")
        if self.speed_ci_target < 0:
            raise UserError(f"speed_ci_target must not be negative, got {self.speed_ci_target}")
        if self.speed_warmup < 0 or self.examples < 0:
            raise UserError("speed_warmup and examples must not be negative")
        from ruadapt_evals.generate import PROMPT_FORMATS

        if self.speed_isolation not in ("process", "none"):
            raise UserError(
                f"speed_isolation must be 'process' or 'none', got {self.speed_isolation!r}"
            )
        if self.prompt_format not in PROMPT_FORMATS:
            raise UserError(f"prompt_format must be one of {', '.join(PROMPT_FORMATS)}")


@dataclass
class EvalContext:
    """One model under evaluation. Tasks read ``model``, ``tokenizer``, ``prompts``,
    ``options``, call ``answers(lang)`` for shared generations, and may look at ``other``
    (the baseline's context while the model is evaluated, for paired comparisons)."""

    role: str  # "model" or "baseline"
    spec: str  # what the user passed to --model / --baseline
    prompts: list[PromptPair]
    options: EvalOptions = field(default_factory=EvalOptions)
    other: EvalContext | None = None
    quiet: bool = False
    shared: dict[str, Any] = field(default_factory=dict)  # one dict for both sides of a run
    _model: Any = None
    _tokenizer: Any = None
    _answers: dict[str, list[str]] = field(default_factory=dict)
    _answer_ids: dict[str, list[list[int]]] = field(default_factory=dict)
    _items: list[ChoiceItem] | None = None

    @property
    def tokenizer(self) -> Any:
        if self._tokenizer is None:
            from ruadapt.models import load_tokenizer

            self._tokenizer = load_tokenizer(
                self.spec, trust_remote_code=self.options.trust_remote_code
            )
        return self._tokenizer

    @property
    def model(self) -> Any:
        if self._model is None:
            from ruadapt.models import load_causal_lm

            model = load_causal_lm(
                self.spec,
                trust_remote_code=self.options.trust_remote_code,
                dtype=self.options.dtype,
            )
            self._model = model.to(self.device).eval()
        return self._model

    @property
    def device(self) -> str:
        if self.options.device != "auto":
            return self.options.device
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"

    def choice_items(self) -> list[ChoiceItem]:
        """Multiple-choice items (``--max-prompts`` caps them too)."""
        if self._items is None:
            from ruadapt_evals.data import load_choice_items

            self._items = load_choice_items(self.options.mc_items, self.options.max_prompts)
        return self._items

    def answers(self, lang: str) -> list[str]:
        """Greedy answers to every prompt in ``lang`` (generated once, then cached)."""
        if lang not in self._answers:
            from ruadapt_evals.generate import encode_prompts, generate_answers

            self.log(f"generating {len(self.prompts)} {lang} answers")
            encoded = encode_prompts(
                self.tokenizer, [p.prompt(lang) for p in self.prompts], self.options.prompt_format
            )
            new = generate_answers(
                self.model,
                self.tokenizer,
                encoded,
                max_new_tokens=self.options.max_new_tokens,
                batch_size=self.options.batch_size,
            )
            self._answer_ids[lang] = new
            self._answers[lang] = [
                self.tokenizer.decode(ids, skip_special_tokens=True).strip() for ids in new
            ]
        return self._answers[lang]

    def answer_ids(self, lang: str) -> list[list[int]]:
        """The generated ids behind ``answers(lang)``, cut before the end-of-answer token."""
        self.answers(lang)
        return self._answer_ids[lang]

    def base_vocab_size(self) -> int | None:
        """Where the original vocabulary ends, so ids at or above it are an extension's new
        tokens: ``extension.json`` in the model folder (``first_new_id``, else
        ``base_vocab_size``, as ``ruadapt tokenizer extend`` writes it), else the length of
        the baseline's tokenizer (the original a comparison is made against), else, for the
        baseline itself, its own length (it writes no new tokens); None when unknown."""
        import json
        from pathlib import Path

        card = Path(self.spec).expanduser() / "extension.json"
        if card.is_file():
            try:
                data = json.loads(card.read_text(encoding="utf-8"))
                return int(data.get("first_new_id", data["base_vocab_size"]))
            except (OSError, ValueError, KeyError, TypeError):
                pass  # an unreadable card: fall back to the baseline's tokenizer
        if self.other is not None:
            return len(self.other.tokenizer)
        if self.role == "baseline":
            return len(self.tokenizer)
        return None

    def generated(self) -> dict[str, list[str]]:
        """The answers generated so far, by language (for generations.jsonl)."""
        return dict(self._answers)

    def log(self, message: str) -> None:
        """Progress on stderr, so stdout stays clean for the final summary."""
        if not self.quiet:
            print(f"[{self.role}] {message}", file=sys.stderr, flush=True)

    def release(self) -> None:
        """Free the model (keep cached answers), e.g. before loading the next one."""
        self._model = None
