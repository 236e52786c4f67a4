"""``math``: a verifiable reward, 1 when the answer's final number equals the reference.

    ruadapt run --plugin grpo --model out/sft --data ru-math --rewards math -o out/grpo-math
    ruadapt run --plugin grpo --model out/sft --data my.jsonl --rewards math@my.jsonl:1,russian:0.2

The reference answers are looked up by prompt text: ``math`` reads the bundled ``ru-math``
set, ``math@FILE`` a JSONL file of ``{"prompt": ..., "answer": ...}`` records (``prompt`` a
string or chat messages whose last message is the user's request; ``answer`` a number or a
string holding one). A completion scores 1.0 when the *last* number in it equals the
reference (within 1e-6), else 0.0; a prompt with no reference scores 0.0.

Numbers are read the way Russian writes them too: ``3,5`` and ``3.5``, ``1 234`` and
``1 234`` (thin or no-break space) as one thousand two hundred thirty-four, a leading minus
or en dash.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import ruadapt

# digits with optional groups of three after a (thin/no-break) space, optional decimal part
NUMBER = re.compile(r"(?<![\w.,])([-−–]?)(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[.,](\d+))?")
TOLERANCE = 1e-6


def parse_number(text: str) -> float | None:
    """The value of a number written as text (``"1 234,5"`` -> 1234.5), None if not one."""
    match = NUMBER.fullmatch(str(text).strip())
    return None if match is None else _value(match)


def _value(match: re.Match) -> float:
    sign, whole, frac = match.groups()
    value = float(re.sub(r"\D", "", whole) + (f".{frac}" if frac else ""))
    return -value if sign else value


def final_number(text: str) -> float | None:
    """The last number in ``text`` (None when it holds none)."""
    matches = list(NUMBER.finditer(text))
    return _value(matches[-1]) if matches else None


def is_correct(completion: str, reference: float) -> bool:
    """Does the completion's final number equal the reference?"""
    value = final_number(completion)
    return value is not None and abs(value - reference) <= TOLERANCE * max(1.0, abs(reference))


def read_answers(path: Path, where: str) -> dict[str, float]:
    """Prompt text -> reference answer from a JSONL file; errors name the file and line."""
    answers: dict[str, float] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise ruadapt.UserError(f"reward math@{where}: cannot read {path}: {error}") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            prompt = record["prompt"]
            if isinstance(prompt, list):
                prompt = prompt[-1]["content"]
            answer = record["answer"]
        except (ValueError, KeyError, TypeError, IndexError):
            raise ruadapt.UserError(
                f"{path}:{number}: reward math needs a JSON object with 'prompt' and 'answer'"
            ) from None
        value = answer if isinstance(answer, int | float) else parse_number(str(answer))
        if value is None or isinstance(value, bool):
            raise ruadapt.UserError(f"{path}:{number}: answer {answer!r} is not a number")
        answers[prompt.strip()] = float(value)
    if not answers:
        raise ruadapt.UserError(f"reward math@{where}: {path} holds no prompt with an answer")
    return answers


@dataclass(frozen=True)
class MathReward:
    """``math`` reward over the reference answers of ``source`` (``ru-math`` or a file)."""

    source: str = "ru-math"
    _answers: dict[str, float] = field(default_factory=dict, compare=False, repr=False)

    def answers(self) -> dict[str, float]:
        if not self._answers:
            from ruadapt.data.bundled import BUNDLED, bundled_path

            path = bundled_path(self.source) if self.source in BUNDLED else Path(self.source)
            if not path.is_file():
                raise ruadapt.UserError(f"reward math@{self.source}: no such file or bundled set")
            self._answers.update(read_answers(path, self.source))
        return self._answers

    def __call__(self, prompts: list[str], completions: list[str]) -> list[float]:
        answers = self.answers()
        scores = []
        for prompt, completion in zip(prompts, completions, strict=True):
            reference = answers.get(prompt.strip())
            scores.append(float(reference is not None and is_correct(completion, reference)))
        return scores

    def with_param(self, value: str) -> MathReward:
        """``math@FILE``: the references of another JSONL file (or bundled set)."""
        reward = MathReward(value)
        reward.answers()  # fail now, with the file's name, not mid-run
        return reward


@ruadapt.hookimpl
def register_rewards(register):
    register(
        ruadapt.Reward(
            name="math",
            score=MathReward(),
            summary="1 when the answer's final number equals the reference (math@FILE; ru-math)",
        )
    )
