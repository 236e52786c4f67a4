"""Turning a data spec into sources: files, globs, saved datasets, bundled names, hub ids.

A spec is one of: a file; several files separated by commas; a glob (``data/*.jsonl``); a
folder written by ``datasets.save_to_disk``; a bundled name (``ru-sft``); a corpus read from an
installed package (``razdel-ru``, ``razdel-ru:max_chars=2000000``, see ``ruadapt.data.corpora``);
or a hub dataset id (``owner/name``, optionally ``owner/name:split``), which needs network or a
local HF cache.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruadapt.data.bundled import BUNDLED, bundled_path
from ruadapt.data.corpora import CORPORA, corpus_files, is_corpus_spec, parse_corpus_spec
from ruadapt.data.readers import FILE_TYPES, Row, read_dataset, read_file
from ruadapt.errors import UserError

_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+(:[\w.-]+)?$")


@dataclass(frozen=True)
class Source:
    """One readable input: a file, a saved dataset folder, a package corpus or a hub dataset."""

    label: str  # how errors name it: the path as given, or the hub id
    path: Path | None = None
    hub_id: str | None = None
    split: str = "train"
    corpus: Any = None  # a ruadapt.data.corpora.CorpusSpec

    @property
    def size(self) -> int:
        """Bytes on disk (0 when unknown), for byte-based progress."""
        if self.path is None:
            return 0
        if self.path.is_dir():
            return sum(p.stat().st_size for p in self.path.rglob("*") if p.is_file())
        return self.path.stat().st_size

    @property
    def is_text(self) -> bool:
        return self.path is not None and self.path.suffix.lower() == ".txt"

    def rows(self) -> Iterator[Row]:
        """The source's rows, streamed."""
        if self.corpus is not None:
            from ruadapt.data.corpora import corpus_rows

            return corpus_rows(self.corpus, self.label)
        if self.hub_id is not None:
            return read_dataset(_load_hub(self.hub_id, self.split), self.label)
        assert self.path is not None
        if self.path.is_dir():
            return read_dataset(_load_saved(self.path, self.label), self.label)
        return read_file(self.path, self.label)


def resolve(spec: str) -> list[Source]:
    """The sources a spec names, in order; a user error when something does not exist."""
    spec = spec.strip()
    if not spec:
        raise UserError("no data given")
    if spec in BUNDLED:
        return [Source(label=_display(bundled_path(spec)), path=bundled_path(spec))]
    if is_corpus_spec(spec) and "," not in spec:
        corpus = parse_corpus_spec(spec)
        corpus_files(corpus.corpus)  # a missing package fails here, not mid-stream
        return [Source(label=corpus.label, corpus=corpus)]
    if Path(spec).expanduser().exists():
        return [_local(Path(spec).expanduser(), spec)]
    parts = [p.strip() for p in spec.split(",") if p.strip()]
    if len(parts) > 1:
        return [source for part in parts for source in resolve(part)]
    if any(c in spec for c in "*?["):
        matches = sorted(glob.glob(os.path.expanduser(spec), recursive=True))
        files = [m for m in matches if Path(m).is_file() and Path(m).suffix.lower() in FILE_TYPES]
        if not files:
            raise UserError(f"no data files match {spec!r}")
        return [Source(label=m, path=Path(m)) for m in files]
    if Path(spec).suffix.lower() in FILE_TYPES or spec.startswith((".", "/", "~")):
        raise UserError(f"data file not found: {spec}")
    if _HUB_ID.match(spec):
        hub_id, _, split = spec.partition(":")
        return [Source(label=spec, hub_id=hub_id, split=split or "train")]
    names = ", ".join([*BUNDLED, *CORPORA])
    raise UserError(
        f"data not found: {spec!r} is not a file, folder, glob, bundled name ({names}) "
        "or hub dataset id (owner/name)"
    )


def _local(path: Path, label: str) -> Source:
    saved = (path / "dataset_info.json").is_file() or (path / "dataset_dict.json").is_file()
    if path.is_dir() and not saved:
        raise UserError(
            f"{label} is a folder but not a dataset saved with save_to_disk; "
            f"pass its files or a glob such as {label.rstrip('/')}/*.jsonl"
        )
    return Source(label=label, path=path)


def _display(path: Path) -> str:
    """A path relative to the working directory when it is below it (shorter messages)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _load_saved(path: Path, label: str):
    """A dataset saved with ``save_to_disk``; of a DatasetDict, its ``train`` split."""
    from datasets import DatasetDict, load_from_disk

    try:
        dataset = load_from_disk(str(path))
    except Exception as exc:  # datasets raises FileNotFoundError, ValueError, ArrowInvalid...
        raise UserError(f"{label}: cannot load the saved dataset ({exc})") from None
    if isinstance(dataset, DatasetDict):
        if "train" not in dataset:
            raise UserError(f"{label}: no 'train' split (splits: {', '.join(dataset)})")
        dataset = dataset["train"]
    return dataset


def _load_hub(hub_id: str, split: str):
    """A hub dataset, streamed (works offline only when it is in the local HF cache)."""
    from datasets import load_dataset

    try:
        return load_dataset(hub_id, split=split, streaming=True)
    except Exception as exc:  # network, auth, missing split: all user-facing
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UserError(f"cannot load hub dataset {hub_id!r} (split {split!r}): {reason}") from None
