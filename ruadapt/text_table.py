"""Plain aligned text tables, for anything that prints rows (CLI commands, the demo)."""

from __future__ import annotations


def table(rows: list[tuple[str, ...]], headers: tuple[str, ...]) -> str:
    """A plain aligned text table."""
    cells = [tuple(str(c) for c in headers)] + [tuple(str(c) for c in r) for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
