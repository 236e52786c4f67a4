"""Bundled datasets (``datasets_ru/``, installed as ``ruadapt_datasets_ru``), by name."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ruadapt.contracts import DATA_KINDS
from ruadapt.errors import UserError

# name -> (folder, file, kind)
BUNDLED: dict[str, tuple[str, str, str]] = {
    "ru-corpus": ("ru_corpus", "corpus.txt", "text"),
    "en-corpus": ("en_corpus", "corpus.txt", "text"),
    "ru-sft": ("ru_sft", "data.jsonl", "chat"),
    "ru-prefs": ("ru_prefs", "data.jsonl", "preference"),
    "ru-kto": ("ru_kto", "data.jsonl", "binary"),
    "ru-prompts": ("ru_prompts", "data.jsonl", "prompts"),
    "ru-math": ("ru_math", "data.jsonl", "prompts"),
    "ru-en-parallel": ("ru_en_parallel", "data.jsonl", "parallel"),
    "ru-en-mc": ("ru_en_mc", "data.jsonl", "multiple-choice"),
}

#: Kinds of the eval sets (not method data): validated by shape, read by ``ruadapt_evals``.
EVAL_KINDS: tuple[str, ...] = ("parallel", "multiple-choice")


def bundled_path(name: str) -> Path:
    """The file of a bundled dataset (raises KeyError for unknown names)."""
    folder, filename, _ = BUNDLED[name]
    return Path(str(resources.files("ruadapt_datasets_ru").joinpath(folder, filename)))


def bundled_card(name: str) -> Path:
    """The card (README.md) of a bundled dataset."""
    folder, _, _ = BUNDLED[name]
    return Path(str(resources.files("ruadapt_datasets_ru").joinpath(folder, "README.md")))


def is_eval_set(name: str) -> bool:
    """Bundled sets that are not method data (parallel ru/en prompts, multiple choice)."""
    return name in BUNDLED and BUNDLED[name][2] not in DATA_KINDS


def load_bundled_records(name: str) -> list[dict]:
    """The raw records of a bundled set, as stored (eval tasks read the eval sets this way).

    JSONL sets give one dict per line; the text corpora give ``{"text": paragraph}``.
    """
    from ruadapt.data.readers import read_records

    if name not in BUNDLED:
        raise UserError(f"unknown bundled dataset {name!r}; bundled: {', '.join(BUNDLED)}")
    path = bundled_path(name)
    if not path.is_file():
        raise UserError(f"bundled dataset {name!r} is missing its file {path}")
    return [row.record for row in read_records(path, name)]


def card_summary(name: str) -> str:
    """One line about a bundled set: the first sentence of its card (README.md) after the
    title, or of its "Purpose" section when it has one."""
    card = bundled_card(name)
    if not card.is_file():
        return ""
    lines = card.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if line.lstrip("#").strip().lower().startswith("purpose") and line.startswith("#"):
            lines = lines[i + 1 :]
            break
    paragraph: list[str] = []
    for line in lines:
        stripped = line.strip()
        if stripped.startswith(("#", "|", "```", "---")) or not stripped:
            if paragraph:
                break
            continue
        if paragraph and stripped.startswith(("- ", "* ")):
            break  # the next list item
        paragraph.append(stripped.lstrip("-*> ").strip())
    text = " ".join(paragraph)
    sentence = text.split(". ")[0].rstrip(".")
    return sentence if len(sentence) <= 80 else sentence[:77].rstrip() + "..."


def bundled_sets() -> list[dict]:
    """Every bundled set: name, kind, records, bytes, purpose (from its card), file, card and
    whether the file exists; then the corpora read from installed packages (``razdel-ru``),
    marked by a ``source`` field (``present`` false when the package is not installed)."""
    from ruadapt.data.corpora import corpus_sets
    from ruadapt.data.readers import read_file

    out = []
    for name, (_, _, kind) in BUNDLED.items():
        path = bundled_path(name)
        present = path.is_file()
        out.append(
            {
                "name": name,
                "kind": kind,
                "present": present,
                "records": sum(1 for _ in read_file(path, name)) if present else 0,
                "bytes": path.stat().st_size if present else 0,
                "purpose": card_summary(name),
                "path": str(path),
                "card": str(bundled_card(name)),
                "source": "bundled",
            }
        )
    return out + corpus_sets()
