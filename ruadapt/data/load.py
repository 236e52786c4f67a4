"""Loading data for a method: any supported source -> validated records of one kind ->
``datasets.Dataset`` (train, and eval when ``eval_split`` > 0).

Records are converted while streaming and packed into Arrow tables of a fixed schema per
kind in chunks, so Python objects for at most one chunk are alive at a time.
"""

from __future__ import annotations

import sys
from typing import Any

from ruadapt.contracts import DATA_KINDS
from ruadapt.data.bundled import is_eval_set
from ruadapt.data.kinds import arrow_schema
from ruadapt.data.scan import Problem, Scanner, unknown_kind
from ruadapt.data.sources import resolve
from ruadapt.errors import UserError

CHUNK = 10_000  # records per Arrow chunk


def load_for_method(
    spec: str,
    kind: str,
    registry: Any,
    *,
    format: str | None = None,
    system_prompt: str | None = None,
    max_samples: int | None = None,
    eval_split: float = 0.0,
    seed: int = 0,
) -> tuple[Any, Any]:
    """Load ``spec`` as ``kind`` records; returns ``(train, eval_or_None)`` Datasets.

    ``spec``: a file, comma-separated files, a glob, a ``save_to_disk`` folder, a bundled
    name (``ru-sft``) or a hub id. The format is detected per file (``format`` forces one)
    and every record is validated: the first problem is a ``UserError`` naming file, line
    and field. ``max_samples`` keeps the first N records; ``eval_split`` holds out that
    share (shuffled with ``seed``).
    """
    import pyarrow as pa
    from datasets import Dataset
    from datasets.table import InMemoryTable

    if kind not in DATA_KINDS:
        raise UserError(unknown_kind(kind, DATA_KINDS))
    if is_eval_set(spec):
        raise UserError(
            f"{spec} is an eval set, not training data (read it with "
            "ruadapt.data.load_bundled_records)"
        )
    if not 0.0 <= eval_split < 1.0:
        raise UserError(f"eval_split must be in [0, 1), got {eval_split}")
    problems = _FirstProblems()
    scanner = Scanner(
        registry, kind=kind, format=format, system_prompt=system_prompt, report=problems.add
    )
    schema = arrow_schema(kind)
    sources = resolve(spec)
    tables, chunk, count = [], [], 0
    for item in scanner.scan(sources):
        for record in item.records or ():
            chunk.append(record)
            count += 1
            if len(chunk) == CHUNK:
                tables.append(pa.Table.from_pylist(chunk, schema=schema))
                chunk = []
        if problems.items or (max_samples and count >= max_samples):
            break  # loading stops at the first problem; `ruadapt data validate` lists all
    if problems.items:
        first = problems.items[0]
        # a problem of one row: there may be more; a problem of a whole file says it all
        in_a_row = first.where not in {s.label for s in sources}
        hint = f" (list all: ruadapt data validate {spec} --kind {kind})" if in_a_row else ""
        raise UserError(f"{first}{hint}")
    if chunk:
        tables.append(pa.Table.from_pylist(chunk, schema=schema))
    if not count:
        raise UserError(f"{spec}: no records")
    for note in scanner.notes:
        print(f"note: {note}", file=sys.stderr)
    table = pa.concat_tables(tables)
    if max_samples:
        table = table.slice(0, max_samples)
    dataset = Dataset(InMemoryTable(table))
    if not eval_split:
        return dataset, None
    held_out = round(len(dataset) * eval_split)
    if held_out < 1 or held_out >= len(dataset):
        raise UserError(
            f"eval_split {eval_split} of {len(dataset)} records leaves an empty split; "
            "use more data or a different eval_split"
        )
    split = dataset.train_test_split(test_size=held_out, seed=seed)
    return split["train"], split["test"]


class _FirstProblems:
    """Keeps the first problem only: loading fails fast, validation reports everything."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, problem: Problem) -> None:
        if not problem.warning and not self.items:
            self.items.append(problem)
