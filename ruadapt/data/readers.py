"""Streaming readers: one record at a time from JSONL, JSON, CSV/TSV, Parquet, .txt files,
datasets saved with ``save_to_disk`` and hub datasets.

Every reader yields ``Row``s and never holds more than one record (or one Parquet batch) in
memory, so a 1 GB file is checked in constant memory. A row that cannot be parsed (malformed
JSON, bytes that are not UTF-8) is yielded with ``error`` set instead of raising, so a
validator reports every bad line and carries on.
"""

from __future__ import annotations

import codecs
import csv
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruadapt.errors import UserError

READ_CHUNK = 1 << 20
MAX_JSON_RECORD = 64 << 20  # a JSON-array element larger than this is reported, not buffered


@dataclass(frozen=True, slots=True)
class Row:
    """One record (or the reason it could not be read) and where it came from.

    ``number`` is a 1-based line number when ``by_line`` (JSONL, JSON, CSV, .txt), else a
    1-based row number (Parquet, saved datasets, hub). ``offset`` is how many bytes of the
    file have been consumed, for byte-based progress.
    """

    label: str
    number: int
    by_line: bool
    record: Any = None
    error: str | None = None
    offset: int = 0

    @property
    def where(self) -> str:
        return f"{self.label}:{self.number}" if self.by_line else f"{self.label}: row {self.number}"


FILE_TYPES = (".jsonl", ".json", ".csv", ".tsv", ".parquet", ".txt")


def read_file(path: Path, label: str) -> Iterator[Row]:
    """Rows of one data file, by extension."""
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return read_jsonl(path, label)
    if suffix == ".json":
        return read_json(path, label)
    if suffix in (".csv", ".tsv"):
        return read_csv(path, label, delimiter="\t" if suffix == ".tsv" else ",")
    if suffix == ".parquet":
        return read_parquet(path, label)
    if suffix == ".txt":
        return read_txt(path, label)
    raise UserError(f"{label}: unsupported file type {suffix!r} (use {', '.join(FILE_TYPES)})")


def read_records(path: Path, label: str | None = None) -> Iterator[Row]:
    """Every row of a data file, for callers that need them all sound: the first line that
    cannot be read, or is not a JSON object, stops with a one-line ``UserError`` naming
    ``file:line``; ``row.where`` names it for the caller's own field checks. The validator,
    which reports every bad line and carries on, uses ``read_file`` instead.
    """
    label = str(path) if label is None else label
    # a known type by its reader; any other name is read as JSON Lines, as users name them
    rows = read_file(path, label) if path.suffix.lower() in FILE_TYPES else read_jsonl(path, label)
    for row in rows:
        if row.error:
            raise UserError(f"{row.where}: {row.error}")
        if not isinstance(row.record, dict):
            raise UserError(f"{row.where}: expected a JSON object")
        yield row


def read_jsonl(path: Path, label: str) -> Iterator[Row]:
    """One JSON object per line; blank lines are skipped."""
    offset = 0
    with open(path, "rb") as fh:
        from ruadapt.errors import encoding_hint, looks_like_text

        head = fh.read(4096)
        fh.seek(0)
        if head and not head.startswith(codecs.BOM_UTF8) and not looks_like_text(head):
            # a binary file's first "line" may even be valid JSON-less UTF-8: say what it is
            error = f"not UTF-8 text: {encoding_hint(head, path)}"
            yield Row(label, 1, True, error=error, offset=len(head))
            return
        for number, line in enumerate(fh, start=1):
            offset += len(line)
            if number == 1 and line.startswith(codecs.BOM_UTF8):
                line = line[len(codecs.BOM_UTF8) :]
            elif number == 1 and line.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                # json.loads would read this line as UTF-16 and trip on the next one
                from ruadapt.errors import encoding_hint

                hint = encoding_hint(line, path)
                yield Row(label, number, True, error=f"not UTF-8: {hint}", offset=offset)
                return
            if not line.strip():
                continue
            try:
                # bytes in: json decodes UTF-8 itself, fast; without the newline, columns are right
                record = json.loads(line.rstrip(b"\r\n"))
            except UnicodeDecodeError as exc:
                yield Row(label, number, True, error=_not_utf8(exc, path), offset=offset)
            except json.JSONDecodeError as exc:
                yield Row(label, number, True, error=_malformed(exc, path), offset=offset)
            else:
                yield Row(label, number, True, record, offset=offset)


def read_json(path: Path, label: str) -> Iterator[Row]:
    """A JSON array of records, parsed one element at a time; JSON Lines named ``.json`` too."""
    with open(path, "rb") as fh:
        head = fh.read(4096).lstrip(codecs.BOM_UTF8).lstrip()
    if not head.startswith(b"["):
        return read_jsonl(path, label)  # many ".json" files are really JSON Lines
    return _read_json_array(path, label)


def _read_json_array(path: Path, label: str) -> Iterator[Row]:
    decoder = json.JSONDecoder()
    utf8 = codecs.getincrementaldecoder("utf-8-sig")()
    buf, pos, line, offset, eof = "", 0, 1, 0, False
    with open(path, "rb") as fh:

        def fill(size: int = READ_CHUNK) -> bool:
            """Append more decoded text to ``buf``; False at end of file."""
            nonlocal buf, pos, offset, eof
            chunk = fh.read(size)
            offset += len(chunk)
            eof = not chunk
            try:
                text = utf8.decode(chunk, final=eof)
            except UnicodeDecodeError as exc:
                at = line + buf.count("\n", pos) + chunk.count(b"\n", 0, exc.start)
                error = f"not valid UTF-8 (byte 0x{chunk[exc.start]:02x})"
                raise _StopArray(Row(label, at, True, error=error, offset=offset)) from None
            buf, pos = buf[pos:] + text, 0  # drop what was consumed: memory stays bounded
            return not eof

        def skip_ws() -> str:
            nonlocal pos, line
            while True:
                while pos < len(buf) and buf[pos] in " \t\r\n":
                    line += buf[pos] == "\n"
                    pos += 1
                if pos < len(buf) or not fill():
                    return buf[pos] if pos < len(buf) else ""

        try:
            fill()
            skip_ws()
            pos += 1  # the opening "["
            expect_item = True
            while True:
                char = skip_ws()
                if char == "]" or char == "":
                    if char == "":
                        yield Row(label, line, True, error="malformed JSON: unterminated array")
                    return
                if not expect_item:
                    if char != ",":
                        yield Row(label, line, True, error="malformed JSON: expected ',' or ']'")
                        return
                    pos += 1
                    expect_item = True
                    continue
                start_line = line
                size = READ_CHUNK
                while True:
                    try:
                        record, end = decoder.raw_decode(buf, pos)
                        break
                    except json.JSONDecodeError as exc:
                        # An element cut at the buffer's end looks malformed: read more first.
                        if eof or len(buf) - pos > MAX_JSON_RECORD or not fill(size):
                            yield Row(label, start_line, True, error=_malformed(exc, path))
                            return
                        size *= 2
                line += buf.count("\n", pos, end)
                pos = end
                expect_item = False
                yield Row(label, start_line, True, record, offset=offset)
        except _StopArray as stop:
            yield stop.row


class _StopArray(Exception):
    def __init__(self, row: Row) -> None:
        self.row = row


def read_csv(path: Path, label: str, *, delimiter: str = ",") -> Iterator[Row]:
    """A header row, then one record per row; JSON cells (lists, objects) and true/false are
    decoded so message lists and labels survive a spreadsheet round trip."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # long answers exceed the 128 KB default
    bad_lines: set[int] = set()
    counter = _ByteCounter()
    with open(path, "rb") as fh:
        from ruadapt.errors import encoding_hint, looks_like_text

        head = fh.read(4096)
        if not looks_like_text(head):  # csv would stop on a NUL or a stray newline, unexplained
            raise UserError(f"{path}: not UTF-8 CSV text; {encoding_hint(head, path)}")
        fh.seek(0)
        reader = csv.reader(_decoded_lines(fh, bad_lines, counter), delimiter=delimiter)
        try:
            yield from _csv_rows(reader, label, bad_lines, counter)
        except csv.Error as exc:
            raise UserError(f"{path}:{reader.line_num}: malformed CSV ({exc})") from None


def _csv_rows(reader: Any, label: str, bad_lines: set[int], counter: Any) -> Iterator[Row]:
    """The rows of an open ``csv.reader`` (see :func:`read_csv`)."""
    header = next(reader, None)
    if header is None:
        return
    header[0] = header[0].lstrip("\ufeff")
    start = reader.line_num + 1
    for cells in reader:
        end = reader.line_num
        if not any(c.strip() for c in cells):
            start = end + 1
            continue
        if bad_lines.intersection(range(start, end + 1)):
            yield Row(label, start, True, error="not valid UTF-8", offset=counter.n)
        elif len(cells) != len(header):
            error = f"row has {len(cells)} cells but the header has {len(header)}"
            yield Row(label, start, True, error=error, offset=counter.n)
        else:
            record = {k: _cell(v) for k, v in zip(header, cells, strict=True)}
            yield Row(label, start, True, record, offset=counter.n)
        start = end + 1


class _ByteCounter:
    n = 0


def _decoded_lines(fh, bad_lines: set[int], counter: _ByteCounter) -> Iterator[str]:
    """Lines as text; a line that is not UTF-8 is remembered and decoded with replacements."""
    for number, raw in enumerate(fh, start=1):
        counter.n += len(raw)
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            bad_lines.add(number)
            yield raw.decode("utf-8", errors="replace")


def _cell(value: str) -> Any:
    stripped = value.strip()
    if stripped.lower() in ("true", "false"):
        return stripped.lower() == "true"
    if stripped[:1] in ("[", "{"):
        try:
            return json.loads(stripped)
        except json.JSONDecodeError:
            pass
    return value


def read_parquet(path: Path, label: str) -> Iterator[Row]:
    """Rows of a Parquet file, read batch by batch."""
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise UserError(f"{label}: not a readable Parquet file ({exc})") from None
    total = max(1, parquet.metadata.num_rows)
    size = path.stat().st_size
    number = 0
    for batch in parquet.iter_batches(batch_size=1024):
        for record in batch.to_pylist():
            number += 1
            yield Row(label, number, False, record, offset=size * number // total)


def read_txt(path: Path, label: str) -> Iterator[Row]:
    """Plain text: paragraphs separated by blank lines, or one record per line if the file
    has no blank line between text."""
    by_paragraph = _has_blank_separator(path)
    offset, start, lines, error = 0, 0, [], None
    with open(path, "rb") as fh:
        for number, raw in enumerate(fh, start=1):
            offset += len(raw)
            try:
                text = raw.decode("utf-8-sig" if number == 1 else "utf-8").rstrip("\r\n")
            except UnicodeDecodeError as exc:
                # keep the (damaged) line so the paragraph it belongs to is reported once
                error = error or _not_utf8(exc)
                text = raw.decode("utf-8", errors="replace")
            if text.strip():
                start = start or number
                lines.append(text)
                if by_paragraph:
                    continue
            if lines:
                yield _text_row(label, start, lines, error, offset)
            start, lines, error = 0, [], None
        if lines:
            yield _text_row(label, start, lines, error, offset)


def _text_row(label: str, start: int, lines: list[str], error: str | None, offset: int) -> Row:
    if error:
        return Row(label, start, True, error=error, offset=offset)
    return Row(label, start, True, {"text": "\n".join(lines).strip()}, offset=offset)


def _has_blank_separator(path: Path) -> bool:
    """True when a blank line stands between two lines of text (stops at the first one)."""
    seen_text = pending = False
    with open(path, "rb") as fh:
        for raw in fh:
            if raw.strip():
                if pending:
                    return True
                seen_text = True
            elif seen_text:
                pending = True
    return False


def read_dataset(dataset: Any, label: str) -> Iterator[Row]:
    """Rows of a ``datasets.Dataset`` (memory-mapped) or ``IterableDataset`` (streamed)."""
    for number, record in enumerate(dataset, start=1):
        yield Row(label, number, False, record)


def _not_utf8(exc: UnicodeDecodeError, path: Path | None = None) -> str:
    from ruadapt.errors import GENERIC, encoding_hint

    byte = exc.object[exc.start : exc.start + 1].hex()
    hint = encoding_hint(exc.object, path)
    where = f"not valid UTF-8 (byte 0x{byte} at column {exc.start + 1})"
    return where if hint == GENERIC else f"{where}; {hint}"  # cp1251/UTF-16 named


def _malformed(exc: json.JSONDecodeError, path: Path) -> str:
    hint = ""
    if path.suffix.lower() == ".json":
        hint = " (a .json file must hold one JSON array of records, or one record per line)"
    return f"malformed JSON: {exc.msg} (column {exc.colno}){hint}"
