"""The one pass every data command shares: read, detect the format, validate, convert.

``Scanner.scan(sources)`` yields one ``Item`` per input row, with the row's records converted
to the target kind (``None`` when the row has problems). Problems go to a callback as they
are found, so callers decide whether to stop (loading), collect (validate) or count
(inspect); nothing is kept per row, so a scan runs in constant memory.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ruadapt.contracts import DATA_KINDS, DataFormat
from ruadapt.data.bundled import BUNDLED, EVAL_KINDS, is_eval_set
from ruadapt.data.kinds import (
    CONVERSIONS,
    EXAMPLES,
    add_system_prompt,
    can_convert,
    check_record,
    convert_kind,
)
from ruadapt.data.messages import type_name
from ruadapt.data.readers import Row
from ruadapt.data.sources import Source
from ruadapt.errors import UserError
from ruadapt.registry import _lookup


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding, printed as ``where: [warning: ][field: ]message``."""

    where: str
    field: str
    message: str
    warning: bool = False

    def __str__(self) -> str:
        parts = [self.where, "warning" if self.warning else "", self.field, self.message]
        return ": ".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class Item:
    """One input row: its format and its records of the target kind (None if invalid)."""

    row: Row
    source: int  # index of the source in the scanned list
    format: str | None
    records: list[dict] | None


def unknown_kind(kind: str, known: tuple[str, ...]) -> str:
    """A one-line message for a kind that does not exist, with the closest known one."""
    import difflib

    close = difflib.get_close_matches(kind, known, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return f"unknown data kind {kind!r}.{hint} Known kinds: {', '.join(known)}"


def formats_of(registry: Any) -> dict[str, DataFormat]:
    """The data formats of ``registry``, or the installed ones when it registers none (a
    registry a test builds for one method still reads data)."""
    formats = getattr(registry, "data_formats", None)
    if not formats:
        from ruadapt.registry import get_registry

        formats = get_registry().data_formats
    if not formats:
        raise UserError(
            "no data formats are registered (is the built-in 'formats' plugin disabled "
            "with RUADAPT_DISABLE_PLUGINS?)"
        )
    return formats


class Scanner:
    """Reads sources and turns their rows into canonical records of one kind.

    ``kind`` None means "the kind of the first file's format" (validation without --kind).
    """

    def __init__(
        self,
        registry: Any,
        *,
        kind: str | None = None,
        format: str | None = None,
        system_prompt: str | None = None,
        report: Callable[[Problem], None],
    ) -> None:
        if kind is not None and kind not in DATA_KINDS:
            raise UserError(unknown_kind(kind, DATA_KINDS))
        self.formats = formats_of(registry)
        self.methods = getattr(registry, "methods", {}) or {}
        self.forced = (
            _lookup(self.formats, format, "data format", "ruadapt data formats") if format else None
        )
        self.kind = kind or (self.forced.kind if self.forced else None)
        self.system_prompt = system_prompt
        self.report = report
        self.formats_seen: Counter[str] = Counter()
        self.notes: list[str] = []

    def scan(self, sources: Iterable[Source]) -> Iterator[Item]:
        for index, source in enumerate(sources):
            yield from self._scan_source(index, source)

    def _scan_source(self, index: int, source: Source) -> Iterator[Item]:
        fmt = self.forced
        rows = 0
        for row in source.rows():
            rows += 1
            if row.error:
                self.report(Problem(row.where, "", row.error))
                yield Item(row, index, None, None)
                continue
            if not isinstance(row.record, dict):
                message = f"a record must be an object, got {type_name(row.record)}"
                self.report(Problem(row.where, "", message))
                yield Item(row, index, None, None)
                continue
            if fmt is None:
                fmt = self._detect(row)
                if fmt is None or not self._accepts(fmt, source, row):
                    return  # a file we cannot read as the needed kind: one problem, not one per row
            self.formats_seen[fmt.name] += 1
            yield Item(row, index, fmt.name, self._convert(fmt, row))
        if rows == 0:
            self.report(Problem(source.label, "", "empty: no records"))

    def _detect(self, row: Row) -> DataFormat | None:
        columns = {k for k, v in row.record.items() if v is not None}
        matches = sorted(
            (f for f in self.formats.values() if _detects(f, columns)),
            key=lambda f: -f.priority,
        )
        shown = ", ".join(sorted(columns)) or "none"
        if not matches:
            known = "; ".join(f"{f.name} ({f.summary or f.kind})" for f in self.formats.values())
            message = (
                f"cannot detect the data format from fields {shown}; known formats: {known}. "
                "Rename the fields or pass --format"
            )
            self.report(Problem(row.where, "", message))
            return None
        tied = [f.name for f in matches if f.priority == matches[0].priority]
        if len(tied) > 1:
            message = f"fields {shown} match formats {', '.join(tied)} equally; pass --format"
            self.report(Problem(row.where, "", message))
            return None
        return matches[0]

    def _accepts(self, fmt: DataFormat, source: Source, row: Row) -> bool:
        """Fix the target kind (first file) and check this format converts to it."""
        if self.kind is None:
            self.kind = fmt.kind
        if fmt.kind == self.kind:
            return True
        if can_convert(fmt.kind, self.kind):
            note = f"{source.label}: {fmt.kind} data read as {self.kind}: "
            self.notes.append(note + CONVERSIONS[(fmt.kind, self.kind)][1])
            return True
        self.report(Problem(source.label, "", self._mismatch(fmt, row)))
        return False

    def _mismatch(self, fmt: DataFormat, row: Row) -> str:
        need, have = self.kind, fmt.kind
        fields = ", ".join(sorted(row.record))
        text = (
            f"this method needs {need} data but the file is in the {fmt.name!r} format "
            f"({have} data, fields {fields})"
        )
        methods = sorted(m.name for m in self.methods.values() if m.data_kind == have)
        if methods:
            text += f"; methods that train on {have} data: {', '.join(methods)}"
        sources = [a for (a, b) in CONVERSIONS if b == need]
        convertible = (
            f" (or {' / '.join(sources)} data, converted automatically)" if sources else ""
        )
        return f"{text}; {need} data looks like {EXAMPLES[need]}{convertible}"

    def _convert(self, fmt: DataFormat, row: Row) -> list[dict] | None:
        """The row's records of the target kind, or None after reporting its problems."""
        record = row.record
        problems = _guard(lambda: fmt.validate(record), fmt, "validate")
        if isinstance(problems, str):
            problems = [("", problems)]
        if not problems:
            out = _guard(lambda: self._to_kind(fmt, record), fmt, "convert")
            if isinstance(out, str):
                problems = [("", out)]
            else:
                problems = [p for r in out for p in check_record(self.kind, r)]
        if problems:
            for field, message in dict.fromkeys(problems):  # a pair split in two: report once
                self.report(Problem(row.where, field, message))
            return None
        return [add_system_prompt(r, self.kind, self.system_prompt) for r in out]

    def _to_kind(self, fmt: DataFormat, record: dict) -> list[dict]:
        return [r for c in fmt.convert(record) for r in convert_kind(c, fmt.kind, self.kind)]


def _detects(fmt: DataFormat, columns: set[str]) -> bool:
    try:
        return bool(fmt.detect(columns))
    except Exception:  # a third-party detect that crashes simply does not match
        return False


def _guard(call: Callable[[], Any], fmt: DataFormat, what: str) -> Any:
    """Run a format's callable; a crash becomes a one-line message naming the format."""
    try:
        return call()
    except Exception as exc:
        return f"format {fmt.name!r} could not {what} this record ({type(exc).__name__}: {exc})"


class EvalSetScanner:
    """Eval sets are not method data: a record is an object whose strings are not empty, in
    the shape the eval tasks read (see ``_check_eval_record``)."""

    def __init__(self, kind: str, report: Callable[[Problem], None]) -> None:
        self.kind = kind
        self.report = report
        self.formats_seen: Counter[str] = Counter()
        self.notes: list[str] = []

    def scan(self, sources: Iterable[Source]) -> Iterator[Item]:
        for index, source in enumerate(sources):
            rows = 0
            for row in source.rows():
                rows += 1
                if row.error:
                    problems = [("", row.error)]
                else:
                    problems = _check_strings(row.record, "")
                    problems = problems or _check_eval_record(self.kind, row.record)
                for name, message in problems:
                    self.report(Problem(row.where, name, message))
                yield Item(row, index, None, None if problems else [row.record])
            if rows == 0:
                self.report(Problem(source.label, "", "empty: no records"))


def scanner_for(
    spec: str,
    registry: Any,
    *,
    kind: str | None = None,
    format: str | None = None,
    system_prompt: str | None = None,
    report: Callable[[Problem], None],
) -> Scanner | EvalSetScanner:
    """The scanner for a spec: eval sets (bundled, or ``kind`` parallel / multiple-choice)
    get the eval-set checks, everything else the format scanner."""
    if is_eval_set(spec):
        return EvalSetScanner(BUNDLED[spec][2], report)
    if kind in EVAL_KINDS:
        return EvalSetScanner(kind, report)
    if kind is not None and kind not in DATA_KINDS:
        raise UserError(unknown_kind(kind, DATA_KINDS + EVAL_KINDS))
    return Scanner(registry, kind=kind, format=format, system_prompt=system_prompt, report=report)


def _check_eval_record(kind: str, record: dict) -> list[tuple[str, str]]:
    """The shape the eval tasks read (``ruadapt_evals.data``): parallel ``ru``/``en``
    strings; multiple choice ``ru``/``en`` = ``{question, choices}`` and an ``answer`` index."""
    if kind == "parallel":
        return [(k, "missing") for k in ("ru", "en") if not isinstance(record.get(k), str)]
    if kind != "multiple-choice":
        return []
    problems: list[tuple[str, str]] = []
    sizes = []
    for lang in ("ru", "en"):
        side = record.get(lang)
        if not isinstance(side, dict) or not isinstance(side.get("question"), str):
            problems.append((lang, "must be an object with a question and choices"))
            continue
        choices = side.get("choices")
        if not isinstance(choices, list) or len(choices) < 2:
            problems.append((f"{lang}.choices", "must list at least two choices"))
            continue
        sizes.append(len(choices))
    if problems:
        return problems
    if sizes[0] != sizes[1]:
        return [("en.choices", f"{sizes[1]} choices but ru has {sizes[0]}")]
    answer = record.get("answer")
    if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer < sizes[0]:
        return [("answer", f"must be a choice index from 0 to {sizes[0] - 1}, got {answer!r}")]
    return []


def _check_strings(value: Any, name: str) -> list[tuple[str, str]]:
    if not name and not isinstance(value, dict):
        return [("", f"a record must be an object, got {type_name(value)}")]
    if isinstance(value, str):
        return [] if value.strip() else [(name, "empty")]
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = ((f"[{i}]", v) for i, v in enumerate(value))
    else:
        return []
    out = []
    for key, child in items:
        path = f"{name}{key}" if key.startswith("[") or not name else f"{name}.{key}"
        out += _check_strings(child, path)
    return out
