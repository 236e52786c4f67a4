"""``ruadapt data validate``: check a data set in one streaming pass.

Errors (malformed JSON, non-UTF-8 bytes, empty files, missing/empty fields, wrong types,
roles out of order, chosen == rejected, labels that are not booleans) make the set unusable;
warnings (duplicates, a "Russian" set that is mostly not Cyrillic, records longer than the
model's context) are worth a look. Memory stays constant in the file size apart from the
duplicate check's 16 bytes per record (``duplicates=False`` turns it off).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ruadapt.data.kinds import text_fields
from ruadapt.data.readers import Row
from ruadapt.data.scan import Item, Problem, scanner_for
from ruadapt.data.sources import Source, resolve
from ruadapt.data.stats import Duplicates, RussianShare
from ruadapt.data.templates import token_count

RUSSIAN_MIN_SHARE = 0.5  # below this share of Cyrillic letters a field is "mostly not Russian"
RUSSIAN_MIN_LETTERS = 200  # too little text to judge a field's language
_POSITION_BITS = 40  # a row position packs (source index, line/row number) into one int


@dataclass
class Report:
    """What a pass over a data set found. Only the first ``max_shown`` problems of each
    severity are kept; the counts cover all of them."""

    spec: str
    max_shown: int = 50
    kind: str | None = None
    sources: list[str] = field(default_factory=list)
    formats: Counter[str] = field(default_factory=Counter)
    rows: int = 0
    records: int = 0
    bytes: int = 0
    seconds: float = 0.0
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    error_count: int = 0
    warning_count: int = 0
    notes: list[str] = field(default_factory=list)
    russian_share: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add(self, problem: Problem) -> None:
        if problem.warning:
            self.warning_count += 1
            shown = self.warnings
        else:
            self.error_count += 1
            shown = self.errors
        if not self.max_shown or len(shown) < self.max_shown:
            shown.append(problem)

    def summary(self) -> str:
        """One line: records, format -> kind, error and warning counts."""
        formats = ", ".join(f"{name} ({n})" for name, n in self.formats.most_common()) or "none"
        return (
            f"{self.spec}: {self.rows:,} rows -> {self.records:,} {self.kind or '?'} records "
            f"(format: {formats}); {self.error_count} error(s), {self.warning_count} warning(s)"
        )


class Progress:
    """A byte-based tqdm bar over several sources, shown only on a terminal."""

    def __init__(self, sources: list[Source], enabled: bool | None) -> None:
        from tqdm.auto import tqdm

        total = sum(s.size for s in sources) or None
        # disable=None: tqdm shows the bar on a terminal and stays silent in pipes and tests
        self.bar = tqdm(
            total=total,
            unit="B",
            unit_scale=True,
            desc="validating",
            disable=None if enabled is None else not enabled,
            leave=False,
        )
        self.done = 0  # bytes of the sources already finished
        self.source = 0
        self.sizes = [s.size for s in sources]

    def update(self, item: Item) -> None:
        if item.source != self.source:
            self.done += sum(self.sizes[self.source : item.source])
            self.source = item.source
        position = self.done + item.row.offset
        if position - self.bar.n >= 1 << 20:  # redraw per MB, not per row: rows are fast
            self.bar.update(position - self.bar.n)

    def close(self) -> None:
        self.bar.close()


def validate(
    spec: str,
    registry: Any = None,
    *,
    kind: str | None = None,
    format: str | None = None,
    tokenizer: Any = None,
    max_length: int | None = None,
    max_errors: int = 50,
    russian: bool = True,
    duplicates: bool = True,
    progress: bool | None = None,
) -> Report:
    """Check ``spec`` (file, files, glob, folder, bundled name or hub id) in one pass.

    ``kind`` checks the data as a method of that kind needs it (``prompts`` accepts chat
    data, ``binary`` accepts preference pairs); ``tokenizer`` with ``max_length`` adds
    token-length warnings; ``russian`` warns when a field is mostly not Cyrillic.
    ``max_errors`` caps the problems kept in the report (0: all); counting goes on.
    ``duplicates`` False skips the one check whose memory grows with the file (16 bytes a
    record).
    """
    report = Report(spec=spec, max_shown=max_errors)
    started = time.perf_counter()
    sources = resolve(spec)
    report.sources = [s.label for s in sources]
    scanner = scanner_for(spec, registry, kind=kind, format=format, report=report.add)
    checks = _Checks(
        tokenizer=tokenizer, max_length=max_length, russian=russian, find_duplicates=duplicates
    )
    bar = Progress(sources, progress)
    try:
        for item in scanner.scan(sources):
            report.rows += 1
            bar.update(item)
            report.kind = scanner.kind  # known once the first file's format is detected
            checks.add(item, report)
    finally:
        bar.close()
    report.formats = scanner.formats_seen
    report.notes += scanner.notes
    checks.finish(sources, report)
    report.bytes = sum(s.size for s in sources)
    report.seconds = time.perf_counter() - started
    return report


def _meant_to_be_bad(kind: str, record: dict, name: str) -> bool:
    """Rejected answers and undesirable completions may be English on purpose (that is what
    a preference set teaches against), so they do not count towards the Russian check."""
    if name.startswith("rejected."):
        return True
    return kind == "binary" and record["label"] is False and name.startswith("completion.")


@dataclass
class _Checks:
    """The checks that look across records: duplicates, Russian share, token lengths."""

    tokenizer: Any = None
    max_length: int | None = None
    russian: bool = True
    find_duplicates: bool = True
    share: RussianShare = field(default_factory=RussianShare)
    duplicates: Duplicates = field(default_factory=Duplicates)
    rows: dict[int, Row] = field(default_factory=dict)  # one row per source, for its label

    def add(self, item: Item, report: Report) -> None:
        if not item.records:
            return
        self.rows.setdefault(item.source, item.row)
        position = (item.source << _POSITION_BITS) | item.row.number
        kind = report.kind or ""
        for record in item.records:
            report.records += 1
            if self.find_duplicates:
                # repr of a canonical record: equal content, equal string (fixed key order)
                self.duplicates.add(repr(record), position)
            if self.russian:
                for name, text in text_fields(kind, record):
                    if not _meant_to_be_bad(kind, record, name):
                        self.share.add(name, text)
            if self.tokenizer is not None and self.max_length:
                n = token_count(self.tokenizer, kind, record)
                if n > self.max_length:
                    message = (
                        f"{n} tokens, over the limit of {self.max_length} (would be truncated)"
                    )
                    report.add(Problem(item.row.where, "", message, warning=True))

    def finish(self, sources: list[Source], report: Report) -> None:
        for position, first in self.duplicates.pairs():
            here, there = self._row(position), self._row(first)
            if here.label == there.label:
                unit = "line" if there.by_line else "row"
                report.add(Problem(here.where, "", f"duplicate of {unit} {there.number}", True))
            else:
                report.add(Problem(here.where, "", f"duplicate of {there.where}", True))
        if not self.russian:
            return
        report.russian_share = self.share.shares(min_letters=RUSSIAN_MIN_LETTERS)
        where = ", ".join(s.label for s in sources)
        for name, value in report.russian_share.items():
            if name.split(".")[0].split("_")[0] == "en":
                continue  # the English side of a parallel set is meant to be English
            if value < RUSSIAN_MIN_SHARE:
                message = (
                    f"{name}: only {value:.0%} of the letters are Cyrillic; is this set meant "
                    "to be Russian? (--no-russian-check silences this)"
                )
                report.add(Problem(where, "", message, warning=True))

    def _row(self, position: int) -> Row:
        first = self.rows[position >> _POSITION_BITS]
        number = position & ((1 << _POSITION_BITS) - 1)
        return Row(first.label, number, first.by_line)
