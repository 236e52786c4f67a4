"""``ruadapt data inspect``: what a data set holds, in one streaming pass.

Counts, detected format, length statistics per record (characters, words, and tokens when a
tokenizer is given), the Russian share of each field, kind-specific counts (labels, turns),
categories (when records have a ``category``) and the first few records in the canonical
form a method receives.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ruadapt.data.kinds import record_text, text_fields
from ruadapt.data.scan import Problem, scanner_for
from ruadapt.data.sources import resolve
from ruadapt.data.stats import LengthStats, RussianShare
from ruadapt.data.templates import token_count


@dataclass
class Inspection:
    """What ``inspect`` found; ``as_dict()`` is the ``--json`` output."""

    spec: str
    kind: str | None = None
    sources: list[str] = field(default_factory=list)
    formats: dict[str, int] = field(default_factory=dict)
    rows: int = 0
    records: int = 0
    invalid_rows: int = 0
    first_problem: str | None = None
    lengths: dict[str, dict[str, float]] = field(default_factory=dict)
    russian_share: dict[str, float] = field(default_factory=dict)
    russian_share_overall: float | None = None
    counts: dict[str, int] = field(default_factory=dict)
    categories: dict[str, int] = field(default_factory=dict)  # a ``category`` field, as given
    examples: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def inspect(
    spec: str,
    registry: Any = None,
    *,
    kind: str | None = None,
    format: str | None = None,
    tokenizer: Any = None,
    examples: int = 3,
) -> Inspection:
    """Describe ``spec`` (anything ``load_for_method`` accepts, plus bundled eval sets)."""
    result = Inspection(spec=spec)
    sources = resolve(spec)
    result.sources = [s.label for s in sources]
    problems: list[Problem] = []
    scanner = scanner_for(spec, registry, kind=kind, format=format, report=problems.append)
    lengths = {"chars": LengthStats(), "words": LengthStats()}
    if tokenizer is not None:
        lengths["tokens"] = LengthStats()
    share = RussianShare()
    counts: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    for item in scanner.scan(sources):
        result.rows += 1
        if item.records is None:
            result.invalid_rows += 1
            continue
        raw = item.row.record
        if isinstance(raw, dict) and isinstance(raw.get("category"), str):
            categories[raw["category"]] += 1  # dropped by conversion, worth seeing
        for record in item.records:
            result.records += 1
            text = record_text(scanner.kind, record)
            lengths["chars"].add(len(text))
            lengths["words"].add(len(text.split()))
            if tokenizer is not None:
                lengths["tokens"].add(token_count(tokenizer, scanner.kind, record))
            for name, value in text_fields(scanner.kind, record):
                share.add(name, value)
            counts.update(_kind_counts(scanner.kind, record))
            if len(result.examples) < examples:
                result.examples.append(record)
    result.kind = scanner.kind
    result.formats = dict(scanner.formats_seen)
    result.notes = scanner.notes
    result.first_problem = str(problems[0]) if problems else None
    result.lengths = {name: stats.summary() for name, stats in lengths.items()}
    result.russian_share = {k: round(v, 3) for k, v in share.shares().items()}
    overall = share.overall()
    result.russian_share_overall = round(overall, 3) if overall is not None else None
    result.counts = dict(counts)
    result.categories = dict(categories.most_common())
    return result


def _kind_counts(kind: str, record: dict) -> dict[str, int]:
    """Counts worth seeing per kind: label balance, conversation turns, system prompts."""
    if kind == "binary":
        return {"desirable" if record["label"] else "undesirable": 1}
    if kind == "chat":
        messages = record["messages"]
        assistant_turns = sum(m["role"] == "assistant" for m in messages)
        return {
            "assistant turns": assistant_turns,
            "multi-turn conversations": int(assistant_turns > 1),
            "with system prompt": int(messages[0]["role"] == "system"),
        }
    if kind in ("preference", "prompts"):
        return {"with system prompt": int(record["prompt"][0]["role"] == "system")}
    return {}
