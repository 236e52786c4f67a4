"""Rule-based rewards for RL methods (``register_rewards``), and weighted sums of them.

    ruadapt run --method ppo --model out/sft --set rewards=russian -o out/ppo
    ruadapt run --method ppo --model out/sft --set rewards=russian:1.0,length@80:0.5 -o out/ppo

- ``russian``: the share of Cyrillic letters among all letters of the response, in [0, 1]
  (a response without letters scores 0): teaches a model to answer in Russian;
- ``length``: ``1 - min(1, |n - target| / target)`` for a response of ``n`` characters, in
  [0, 1], highest at the target (``length@80`` sets the target, default 100 characters).

A spec is ``NAME[@PARAM][:WEIGHT]`` items joined by commas; the combined reward is the
weighted sum. A reward takes a parameter when its ``score`` has a ``with_param(str)`` method.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ruadapt

DEFAULT_TARGET_LENGTH = 100


def is_cyrillic(char: str) -> bool:
    """Cyrillic block (U+0400-U+04FF) and its supplement (U+0500-U+052F)."""
    return "\u0400" <= char <= "\u052f"


def russian_share(text: str) -> float:
    """The share of Cyrillic letters among the letters of ``text`` (0.0 without letters)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(is_cyrillic(c) for c in letters) / len(letters)


def russian(prompts: list[str], completions: list[str]) -> list[float]:
    """``russian`` reward: Cyrillic share of each completion."""
    return [russian_share(c) for c in completions]


@dataclass(frozen=True)
class LengthReward:
    """``length`` reward: 1 at ``target`` characters, falling linearly to 0 at 0 and 2*target."""

    target: int = DEFAULT_TARGET_LENGTH

    def __call__(self, prompts: list[str], completions: list[str]) -> list[float]:
        return [
            1.0 - min(1.0, abs(len(c.strip()) - self.target) / self.target) for c in completions
        ]

    def with_param(self, value: str) -> LengthReward:
        """``length@80``: the same reward with another target length (characters)."""
        try:
            target = int(value)
        except ValueError:
            target = 0
        if target < 1:
            raise ruadapt.UserError(f"reward length@{value}: target must be an integer >= 1")
        return LengthReward(target)


ScoreFn = Callable[[list[str], list[str]], list[float]]


def parse_spec(spec: str) -> list[tuple[str, str | None, float]]:
    """``"russian:1,length@80:0.5"`` -> ``[("russian", None, 1.0), ("length", "80", 0.5)]``."""
    items = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        name, _, weight_text = part.partition(":")
        name, _, param = name.strip().partition("@")
        try:
            weight = float(weight_text) if weight_text.strip() else 1.0
        except ValueError:
            raise ruadapt.UserError(
                f"rewards {spec!r}: weight of {name!r} must be a number, got {weight_text!r}"
            ) from None
        items.append((name, param or None, weight))
    if not items:
        raise ruadapt.UserError(f"rewards {spec!r}: name at least one reward, e.g. russian:1.0")
    return items


def combine(spec: str, registry: Any) -> tuple[ScoreFn, list[tuple[str, float, ScoreFn]]]:
    """The weighted sum of the rewards named in ``spec`` (looked up in ``registry``).

    Returns the combined scorer and its parts ``(label, weight, score)`` so callers can log
    each part. Unknown names fail with the registry's "did you mean" error.
    """
    parts: list[tuple[str, float, ScoreFn]] = []
    for name, param, weight in parse_spec(spec):
        score: Any = registry.reward(name).score
        if param is not None:
            if not hasattr(score, "with_param"):
                raise ruadapt.UserError(f"reward {name!r} takes no parameter (got {name}@{param})")
            score = score.with_param(param)
        parts.append((f"{name}@{param}" if param else name, weight, score))

    def total(prompts: list[str], completions: list[str]) -> list[float]:
        sums = [0.0] * len(completions)
        for label, weight, score in parts:
            values = list(score(prompts, completions))
            if len(values) != len(completions):
                raise ruadapt.UserError(
                    f"reward {label!r} returned {len(values)} scores for {len(completions)} texts"
                )
            sums = [s + weight * float(v) for s, v in zip(sums, values, strict=True)]
        return sums

    return total, parts


@ruadapt.hookimpl
def register_rewards(register):
    register(
        ruadapt.Reward(
            name="russian",
            score=russian,
            summary="share of Cyrillic letters among the letters of the response",
        )
    )
    register(
        ruadapt.Reward(
            name="length",
            score=LengthReward(),
            summary=f"closeness to a target length (length@N, default {DEFAULT_TARGET_LENGTH})",
        )
    )
