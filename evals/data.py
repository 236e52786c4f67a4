"""Eval inputs: parallel Russian/English prompts and multiple-choice items.

Both come from the bundled sets (``ru-en-parallel``, ``ru-en-mc``) or from a user's JSONL
file. Every record is checked here, once, so tasks can trust the fields; a bad record is a
one-line error naming the file, line and field.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruadapt.data.readers import read_records
from ruadapt.errors import UserError

LANGUAGES = ("ru", "en")


@dataclass(frozen=True)
class PromptPair:
    """One item of parallel content: the same prompt (and reference answer) in both languages."""

    id: str
    ru: str
    en: str
    ru_reference: str | None = None
    en_reference: str | None = None
    category: str = ""

    def prompt(self, lang: str) -> str:
        return self.ru if lang == "ru" else self.en

    def reference(self, lang: str) -> str | None:
        return self.ru_reference if lang == "ru" else self.en_reference


@dataclass(frozen=True)
class ChoiceItem:
    """A multiple-choice question asked in both languages; ``answer`` indexes ``choices``."""

    id: str
    ru_question: str
    ru_choices: tuple[str, ...]
    en_question: str
    en_choices: tuple[str, ...]
    answer: int
    category: str = ""

    def question(self, lang: str) -> str:
        return self.ru_question if lang == "ru" else self.en_question

    def choices(self, lang: str) -> tuple[str, ...]:
        return self.ru_choices if lang == "ru" else self.en_choices


def read_jsonl(path: str | Path) -> list[tuple[int, dict[str, Any]]]:
    """``(line number, record)`` pairs of a JSONL file; a bad line fails with file:line
    (through ``ruadapt.data.readers``, the one reader)."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"file not found: {path}")
    rows = [(row.number, row.record) for row in read_records(path)]
    if not rows:
        raise UserError(f"{path}: no records")
    return rows


def _bundled(name: str) -> list[tuple[int, dict[str, Any]]]:
    """Records of a bundled set (through the data layer when it offers ``load_bundled_records``)."""
    from ruadapt.data.bundled import bundled_path

    path = bundled_path(name)
    if not path.is_file():
        raise UserError(f"bundled dataset {name!r} is not installed ({path} missing)")
    return read_jsonl(path)


def _text(path: Any, number: int, record: dict, key: str, required: bool = True) -> str | None:
    value = record.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        need = "a non-empty string" if required else "a non-empty string or absent"
        raise UserError(f"{path}:{number}: field {key!r} must be {need}")
    return value


def load_prompts(
    source: str | Path | None = None, max_prompts: int | None = None
) -> list[PromptPair]:
    """Parallel prompts from a JSONL file (``ru``/``en``, optional ``ru_reference``/
    ``en_reference``/``id``/``category``), or the bundled ``ru-en-parallel`` set by default."""
    name = str(source) if source else "ru-en-parallel"
    rows = read_jsonl(source) if source else _bundled(name)
    pairs = []
    for number, rec in rows:
        pairs.append(
            PromptPair(
                id=str(rec.get("id", number)),
                ru=_text(name, number, rec, "ru"),  # type: ignore[arg-type]
                en=_text(name, number, rec, "en"),  # type: ignore[arg-type]
                ru_reference=_text(name, number, rec, "ru_reference", required=False),
                en_reference=_text(name, number, rec, "en_reference", required=False),
                category=str(rec.get("category", "")),
            )
        )
    return pairs[:max_prompts] if max_prompts else pairs


def load_choice_items(
    source: str | Path | None = None, max_items: int | None = None
) -> list[ChoiceItem]:
    """Multiple-choice items (``ru``/``en`` = ``{"question", "choices"}``, ``answer`` index),
    from a JSONL file or the bundled ``ru-en-mc`` set by default."""
    name = str(source) if source else "ru-en-mc"
    rows = read_jsonl(source) if source else _bundled(name)
    items = []
    for number, rec in rows:
        sides = {}
        for lang in LANGUAGES:
            side = rec.get(lang)
            if not isinstance(side, dict):
                raise UserError(f"{name}:{number}: field {lang!r} must be an object")
            question = _text(name, number, side, "question")
            choices = side.get("choices")
            if not isinstance(choices, list) or len(choices) < 2:
                raise UserError(f"{name}:{number}: field '{lang}.choices' needs 2+ strings")
            if not all(isinstance(c, str) and c.strip() for c in choices):
                raise UserError(f"{name}:{number}: field '{lang}.choices' must hold strings")
            sides[lang] = (question, tuple(choices))
        answer = rec.get("answer")
        n = len(sides["ru"][1])
        if len(sides["en"][1]) != n:
            raise UserError(f"{name}:{number}: ru and en have different numbers of choices")
        if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer < n:
            raise UserError(f"{name}:{number}: field 'answer' must be an index below {n}")
        items.append(
            ChoiceItem(
                id=str(rec.get("id", number)),
                ru_question=sides["ru"][0],  # type: ignore[arg-type]
                ru_choices=sides["ru"][1],
                en_question=sides["en"][0],  # type: ignore[arg-type]
                en_choices=sides["en"][1],
                answer=answer,
                category=str(rec.get("category", "")),
            )
        )
    return items[:max_items] if max_items else items
