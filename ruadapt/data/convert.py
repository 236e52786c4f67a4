"""``ruadapt data convert IN OUT --to KIND``: write the canonical records of a kind as JSONL.

The output appears atomically (a temporary file in the same folder, renamed at the end) and
only when every record converted; the input is only read. An existing OUT is replaced only
with ``overwrite=True``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ruadapt.data.scan import Scanner
from ruadapt.data.sources import resolve
from ruadapt.data.validate import Report
from ruadapt.errors import UserError
from ruadapt.outputs import check_output, staged_file


class _NotWritten(Exception):
    """The data had errors: drop the staged file."""


def convert(
    spec: str,
    output: str | Path,
    to: str,
    registry: Any = None,
    *,
    format: str | None = None,
    system_prompt: str | None = None,
    overwrite: bool = False,
    max_errors: int = 50,
) -> Report:
    """Convert ``spec`` to ``to`` records in ``output`` (.jsonl); returns the pass's report.

    When the report has errors nothing is written (and an existing output is left as is).
    """
    out = Path(output).expanduser()
    if out.suffix.lower() != ".jsonl":
        raise UserError(f"{output}: the output must be a .jsonl file")
    sources = resolve(spec)
    paths = [str(s.path) for s in sources if s.path is not None]
    out = check_output(out, overwrite=overwrite, inputs={"input": list(paths)}, folder=False)

    report = Report(spec=spec, max_shown=max_errors)
    report.sources = [s.label for s in sources]
    scanner = Scanner(
        registry, kind=to, format=format, system_prompt=system_prompt, report=report.add
    )
    try:
        with staged_file(out, checked=True) as tmp, open(tmp, "w", encoding="utf-8") as fh:
            for item in scanner.scan(sources):
                report.rows += 1
                for record in item.records or ():
                    fh.write(json.dumps(record, ensure_ascii=False) + "\n")
                    report.records += 1
            fh.flush()
            os.fsync(fh.fileno())  # the rename must not expose a file still in the page cache
            report.kind = scanner.kind
            report.formats = scanner.formats_seen
            report.notes += scanner.notes
            if not report.ok:
                raise _NotWritten
    except _NotWritten:
        pass  # errors in the data: no file written, an old one kept
    return report
