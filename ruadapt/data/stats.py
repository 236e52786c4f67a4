"""Streaming statistics over a data set: Russian share per field, lengths, duplicates.

Everything here is constant memory except ``Duplicates``, which keeps 16 bytes per record
(a 64-bit hash and a position), about 60 MB for a 1 GB file of 300-byte records.
"""

from __future__ import annotations

import random
import string
from array import array
from collections import defaultdict
from dataclasses import dataclass, field

_ASCII_LETTERS = string.ascii_letters.encode()
_CYRILLIC_LEADS = bytes([0xD0, 0xD1, 0xD2, 0xD3])


def letter_counts(text: str) -> tuple[int, int]:
    """(Cyrillic letters, Latin letters) in ``text``.

    Counted on the UTF-8 bytes at C speed (validation runs this on every field of every
    record): each character of the Cyrillic block U+0400-U+04FF starts with a lead byte
    0xD0-0xD3, so deleting those bytes with ``translate`` counts them; ASCII letters likewise.
    Digits, punctuation (including « » —) and other scripts do not count, so "share of
    Cyrillic" means Cyrillic among Cyrillic + Latin letters.
    """
    data = text.encode("utf-8")
    cyrillic = len(data) - len(data.translate(None, _CYRILLIC_LEADS))
    latin = len(data) - len(data.translate(None, _ASCII_LETTERS))
    return cyrillic, latin


@dataclass
class RussianShare:
    """Cyrillic share of the letters of each field, summed over the whole set."""

    counts: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))

    def add(self, name: str, text: str) -> None:
        cyrillic, latin = letter_counts(text)
        total = self.counts[name]
        total[0] += cyrillic
        total[1] += latin

    def shares(self, min_letters: int = 1) -> dict[str, float]:
        """Field -> share of Cyrillic letters, for fields with at least ``min_letters``."""
        return {
            name: c / (c + lat)
            for name, (c, lat) in sorted(self.counts.items())
            if c + lat >= min_letters
        }

    def overall(self) -> float | None:
        c = sum(v[0] for v in self.counts.values())
        lat = sum(v[1] for v in self.counts.values())
        return c / (c + lat) if c + lat else None


@dataclass
class LengthStats:
    """Count, mean, min, max and percentiles (from a fixed-size reservoir sample)."""

    sample_size: int = 10_000
    count: int = 0
    total: int = 0
    low: int | None = None
    high: int | None = None
    sample: list[int] = field(default_factory=list)
    _rng: random.Random = field(default_factory=lambda: random.Random(0))

    def add(self, value: int) -> None:
        self.count += 1
        self.total += value
        self.low = value if self.low is None else min(self.low, value)
        self.high = value if self.high is None else max(self.high, value)
        if len(self.sample) < self.sample_size:
            self.sample.append(value)
        else:  # reservoir sampling: every value has the same chance to be kept
            slot = self._rng.randrange(self.count)
            if slot < self.sample_size:
                self.sample[slot] = value

    def summary(self) -> dict[str, float]:
        if not self.count:
            return {"count": 0}
        ordered = sorted(self.sample)

        def pct(p: float) -> int:
            return ordered[min(len(ordered) - 1, int(p * len(ordered)))]

        return {
            "count": self.count,
            "mean": round(self.total / self.count, 1),
            "min": self.low,
            "p50": pct(0.5),
            "p95": pct(0.95),
            "max": self.high,
        }


class Duplicates:
    """Exact duplicate records by 64-bit hash, found in one sort at the end."""

    def __init__(self) -> None:
        self.hashes = array("q")
        self.positions = array("q")

    def add(self, key: str, position: int) -> None:
        self.hashes.append(hash(key))
        self.positions.append(position)

    def pairs(self) -> list[tuple[int, int]]:
        """(position of a duplicate, position of its first occurrence), in input order.

        Sorting by hash puts equal records next to each other, first occurrence first (the
        sort is stable); temporaries are one index and one sorted copy (16 bytes a record).
        """
        import numpy as np

        if not self.hashes:
            return []
        hashes = np.frombuffer(self.hashes, dtype=np.int64)
        order = np.argsort(hashes, kind="stable")
        ordered = hashes[order]
        duplicate = np.flatnonzero(ordered[1:] == ordered[:-1]) + 1  # sorted indices
        del ordered
        out, previous, first = [], -2, 0
        for k in duplicate.tolist():
            if k != previous + 1:  # a new run of equal hashes begins just before k
                first = self.positions[int(order[k - 1])]
            out.append((self.positions[int(order[k])], first))
            previous = k
        return sorted(out)
