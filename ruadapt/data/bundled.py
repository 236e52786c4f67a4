"""Bundled datasets (``datasets_ru/``, installed as ``ruadapt_datasets_ru``), by name."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

# name -> (folder, file, kind)
BUNDLED: dict[str, tuple[str, str, str]] = {
    "ru-corpus": ("ru_corpus", "corpus.txt", "text"),
    "en-corpus": ("en_corpus", "corpus.txt", "text"),
    "ru-sft": ("ru_sft", "data.jsonl", "chat"),
    "ru-prefs": ("ru_prefs", "data.jsonl", "preference"),
    "ru-kto": ("ru_kto", "data.jsonl", "binary"),
    "ru-prompts": ("ru_prompts", "data.jsonl", "prompts"),
    "ru-en-parallel": ("ru_en_parallel", "data.jsonl", "parallel"),
    "ru-en-mc": ("ru_en_mc", "data.jsonl", "multiple-choice"),
}


def bundled_path(name: str) -> Path:
    """The file of a bundled dataset (raises KeyError for unknown names)."""
    folder, filename, _ = BUNDLED[name]
    return Path(str(resources.files("ruadapt_datasets_ru").joinpath(folder, filename)))


def bundled_card(name: str) -> Path:
    folder, _, _ = BUNDLED[name]
    return Path(str(resources.files("ruadapt_datasets_ru").joinpath(folder, "README.md")))
