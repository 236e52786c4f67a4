"""Seeded bootstrap confidence intervals over items, and paired differences.

One small module with no knowledge of any metric: a statistic is a function of an array of
item indices (one bootstrap resample), so corpus-level metrics (chrF++, BLEU), ratios of sums
(bits per character) and plain means all fit. Resamples are drawn from a fixed seed, so a
report's intervals are reproducible, and a paired comparison resamples the *same* items for
both sides, which is what makes small differences on shared items detectable.

    from ruadapt_evals.bootstrap import interval, paired
    lo, hi = interval(lambda idx: scores[idx].mean(), len(scores))
    diff = paired(stat_model, stat_baseline, n)  # diff["excludes_zero"]: a real difference?
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

RESAMPLES = 1000  # percentile intervals; more buys little on tens to hundreds of items
LEVEL = 0.95
SEED = 0

Statistic = Callable[[Any], float]  # numpy array of item indices -> value


def resample_indices(n: int, *, resamples: int = RESAMPLES, seed: int = SEED) -> Any:
    """``(resamples, n)`` item indices drawn with replacement from a seeded generator."""
    import numpy as np

    if n < 1:
        raise ValueError("bootstrap needs at least one item")
    return np.random.default_rng(seed).integers(0, n, size=(resamples, n))


def percentile_interval(values: Any, level: float = LEVEL) -> tuple[float, float]:
    """The central ``level`` share of the finite ``values`` (NaN, NaN when none are finite)."""
    import numpy as np

    arr = np.asarray(values, dtype=float)
    arr = arr[np.isfinite(arr)]
    if arr.size == 0:
        return math.nan, math.nan
    tail = 100 * (1 - level) / 2
    lo, hi = np.percentile(arr, [tail, 100 - tail])
    return float(lo), float(hi)


def interval(
    stat: Statistic, n: int, *, resamples: int = RESAMPLES, seed: int = SEED, level: float = LEVEL
) -> tuple[float, float]:
    """Bootstrap ``level`` interval of ``stat`` over ``n`` items."""
    draws = resample_indices(n, resamples=resamples, seed=seed)
    return percentile_interval([stat(idx) for idx in draws], level)


def paired(
    stat_a: Statistic,
    stat_b: Statistic,
    n: int,
    *,
    resamples: int = RESAMPLES,
    seed: int = SEED,
    level: float = LEVEL,
) -> dict[str, Any]:
    """Paired comparison of two statistics over the same ``n`` items (A minus B, A over B).

    Returns ``difference`` and ``ratio`` with their intervals (``difference_ci``,
    ``ratio_ci``) from one set of shared resamples, and ``excludes_zero``: True when the
    difference's interval lies entirely on one side of 0 (a difference worth the name).
    """
    import numpy as np

    everything = np.arange(n)
    a, b = stat_a(everything), stat_b(everything)
    draws = resample_indices(n, resamples=resamples, seed=seed)
    pairs = [(stat_a(idx), stat_b(idx)) for idx in draws]
    diffs = [x - y for x, y in pairs]
    ratios = [x / y if y else math.nan for x, y in pairs]
    lo, hi = percentile_interval(diffs, level)
    excludes = bool(math.isfinite(lo) and (lo > 0 or hi < 0))
    return {
        "difference": a - b,
        "difference_ci": [lo, hi],
        "ratio": a / b if b else math.nan,
        "ratio_ci": list(percentile_interval(ratios, level)),
        "excludes_zero": excludes,
        "items": n,
    }


def ratio_of_sums(numerator: Any, denominator: Any) -> Statistic:
    """Statistic ``sum(numerator[idx]) / sum(denominator[idx])`` (e.g. bits over characters)."""
    import numpy as np

    num, den = np.asarray(numerator, dtype=float), np.asarray(denominator, dtype=float)

    def stat(idx: Any) -> float:
        total = den[idx].sum()
        return float(num[idx].sum() / total) if total else math.nan

    return stat


def mean_of(values: Any) -> Statistic:
    """Statistic ``mean(values[idx])`` (accuracies as 0/1, win scores as 1/0.5/0)."""
    import numpy as np

    arr = np.asarray(values, dtype=float)
    return lambda idx: float(arr[idx].mean())


def mean_of_ratios(numerator: Any, denominator: Any) -> Statistic:
    """Statistic ``mean(numerator[i] / denominator[i])`` over the resampled items with a
    positive denominator (an item with nothing to count is left out, not counted as 0)."""
    import numpy as np

    num, den = np.asarray(numerator, dtype=float), np.asarray(denominator, dtype=float)

    def stat(idx: Any) -> float:
        keep = den[idx] > 0
        return float((num[idx][keep] / den[idx][keep]).mean()) if keep.any() else math.nan

    return stat


def from_summed_rows(rows: Any, score: Callable[[list[float]], float]) -> Statistic:
    """Statistic ``score(column sums of rows[idx])``: corpus metrics from per-item counts."""
    import numpy as np

    arr = np.asarray(rows, dtype=float)
    return lambda idx: score(arr[idx].sum(axis=0).tolist())
