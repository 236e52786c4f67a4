"""95% intervals for the report's quality metrics, from the per-item values tasks keep.

A task that wants intervals stores, per language, ``per_item``: named lists with one entry
per item (``bits``/``chars``/``bytes`` for lm, ``chrf_stats``/``bleu_stats``/``in_language``
and the writing counts of ``ruadapt_evals.writing.PER_ITEM_KEYS`` for generation,
``correct``/``correct_norm`` for mc, ``wins``/``judge_wins`` for preference). ``ESTIMATORS``
says which lists each metric is computed from; the suite then adds ``ci`` beside the values
and, with a baseline, paired differences over the same items. Third-party tasks get
intervals by using the same names.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ruadapt_evals import bootstrap
from ruadapt_evals.metrics import bleu_from_stats, chrf_from_stats

Factory = Callable[[dict[str, list[Any]]], bootstrap.Statistic]

# metric -> (the per-item lists it needs, how to build its statistic from them)
ESTIMATORS: dict[str, tuple[tuple[str, ...], Factory]] = {
    "bits_per_char": (("bits", "chars"), lambda i: bootstrap.ratio_of_sums(i["bits"], i["chars"])),
    "bits_per_byte": (("bits", "bytes"), lambda i: bootstrap.ratio_of_sums(i["bits"], i["bytes"])),
    "bits_per_text": (("bits",), lambda i: bootstrap.mean_of(i["bits"])),
    "chrf": (
        ("chrf_stats",),
        lambda i: bootstrap.from_summed_rows(i["chrf_stats"], chrf_from_stats),
    ),
    "bleu": (
        ("bleu_stats",),
        lambda i: bootstrap.from_summed_rows(i["bleu_stats"], bleu_from_stats),
    ),
    "chrf_equal_chars": (
        ("chrf_equal_chars_stats",),
        lambda i: bootstrap.from_summed_rows(i["chrf_equal_chars_stats"], chrf_from_stats),
    ),
    "echo_chrf": (
        ("echo_chrf_stats",),
        lambda i: bootstrap.from_summed_rows(i["echo_chrf_stats"], chrf_from_stats),
    ),
    "agreement_chrf": (
        ("agreement_chrf_stats",),
        lambda i: bootstrap.from_summed_rows(i["agreement_chrf_stats"], chrf_from_stats),
    ),
    "answer_language_accuracy": (("in_language",), lambda i: bootstrap.mean_of(i["in_language"])),
    # what the model writes (ruadapt_evals.writing; the speed task keeps the gen_* lists too)
    "chars_per_token": (
        ("gen_chars", "gen_tokens"),
        lambda i: bootstrap.ratio_of_sums(i["gen_chars"], i["gen_tokens"]),
    ),
    "letters_per_token": (
        ("gen_letters", "gen_tokens"),
        lambda i: bootstrap.ratio_of_sums(i["gen_letters"], i["gen_tokens"]),
    ),
    "cyrillic_letters_per_token": (
        ("gen_cyrillic", "gen_tokens"),
        lambda i: bootstrap.ratio_of_sums(i["gen_cyrillic"], i["gen_tokens"]),
    ),
    "writing_efficiency": (
        ("canonical_tokens", "gen_tokens"),
        lambda i: bootstrap.ratio_of_sums(i["canonical_tokens"], i["gen_tokens"]),
    ),
    "new_token_share": (
        ("new_ids", "gen_tokens"),
        lambda i: bootstrap.ratio_of_sums(i["new_ids"], i["gen_tokens"]),
    ),
    "canonical_new_token_share": (
        ("canonical_new_ids", "canonical_tokens"),
        lambda i: bootstrap.ratio_of_sums(i["canonical_new_ids"], i["canonical_tokens"]),
    ),
    "repeated_ngram_share": (
        ("repeated_ngrams", "ngrams"),
        lambda i: bootstrap.mean_of_ratios(i["repeated_ngrams"], i["ngrams"]),
    ),
    "repeated_ngram_share_equal_chars": (
        ("equal_chars_repeated_ngrams", "equal_chars_ngrams"),
        lambda i: bootstrap.mean_of_ratios(
            i["equal_chars_repeated_ngrams"], i["equal_chars_ngrams"]
        ),
    ),
    "baseline_repeated_ngram_share_equal_chars": (
        ("baseline_equal_chars_repeated_ngrams", "baseline_equal_chars_ngrams"),
        lambda i: bootstrap.mean_of_ratios(
            i["baseline_equal_chars_repeated_ngrams"], i["baseline_equal_chars_ngrams"]
        ),
    ),
    "early_stop_rate": (("early_stop",), lambda i: bootstrap.mean_of(i["early_stop"])),
    "echo_rate": (("echo",), lambda i: bootstrap.mean_of(i["echo"])),
    "mc_accuracy": (("correct",), lambda i: bootstrap.mean_of(i["correct"])),
    "mc_accuracy_norm": (("correct_norm",), lambda i: bootstrap.mean_of(i["correct_norm"])),
    "win_rate": (("wins",), lambda i: bootstrap.mean_of(i["wins"])),
    "judge_win_rate": (("judge_wins",), lambda i: bootstrap.mean_of(i["judge_wins"])),
}


def _usable(per_item: Any, needs: tuple[str, ...]) -> int | None:
    """The item count when every needed list is present, non-empty and equally long."""
    if not isinstance(per_item, dict) or not all(isinstance(per_item.get(k), list) for k in needs):
        return None
    sizes = {len(per_item[k]) for k in needs}
    return sizes.pop() if len(sizes) == 1 and 0 not in sizes else None


def side_intervals(per_item: Any, *, seed: int = bootstrap.SEED) -> dict[str, list[float]]:
    """``{metric: [lo, hi]}`` for every metric whose per-item lists are present."""
    out = {}
    for metric, (needs, factory) in ESTIMATORS.items():
        n = _usable(per_item, needs)
        if n is not None:
            out[metric] = list(bootstrap.interval(factory(per_item), n, seed=seed))
    return out


def paired_differences(
    model_items: Any, baseline_items: Any, *, seed: int = bootstrap.SEED
) -> dict[str, dict[str, Any]]:
    """Model minus baseline (and model over baseline) per metric over the same items, with
    intervals from shared resamples; ``excludes_zero`` marks a difference worth the name."""
    out = {}
    for metric, (needs, factory) in ESTIMATORS.items():
        n, m = _usable(model_items, needs), _usable(baseline_items, needs)
        if n is not None and n == m:
            out[metric] = bootstrap.paired(
                factory(model_items), factory(baseline_items), n, seed=seed
            )
    return out


def format_interval(value: Any, ci: Any, fmt: Callable[[Any], str]) -> str:
    """``value [lo, hi]`` (just the value when there is no finite interval)."""
    text = fmt(value)
    if isinstance(ci, (list, tuple)) and len(ci) == 2 and all(_finite(x) for x in ci):
        text += f" [{fmt(ci[0])}, {fmt(ci[1])}]"
    return text


def _finite(x: Any) -> bool:
    return isinstance(x, (int, float)) and math.isfinite(x)


# two-sided 95% quantiles of Student's t by degrees of freedom (a missing df uses the next
# smaller one listed, which is wider: conservative); above 30, the normal 1.96
T95 = {1: 12.71, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262}
T95.update({10: 2.228, 12: 2.179, 15: 2.131, 20: 2.086, 25: 2.060, 30: 2.042})


def t95(df: int) -> float:
    """Two-sided 95% Student t quantile for ``df`` degrees of freedom (conservative)."""
    if df > 30:
        return 1.96
    return T95[max(k for k in T95 if k <= df)]


def paired_repeats(model: list[float], baseline: list[float]) -> dict[str, Any]:
    """Model over baseline from repeats taken in pairs: the geometric mean of the pair
    ratios with a t interval on their logarithms (a bootstrap over a handful of repeats
    would be far too narrow). ``excludes_zero``: the log-ratio interval excludes 0, i.e.
    the ratio's interval excludes 1."""
    logs = [math.log(a / b) for a, b in zip(model, baseline, strict=True) if a > 0 and b > 0]
    n = len(logs)
    if n < 2:
        return {}
    mean = sum(logs) / n
    sd = math.sqrt(sum((x - mean) ** 2 for x in logs) / (n - 1))
    half = t95(n - 1) * sd / math.sqrt(n)
    return {
        "ratio": math.exp(mean),
        "ratio_ci": [math.exp(mean - half), math.exp(mean + half)],
        "pair_ratios": [math.exp(x) for x in logs],
        "excludes_zero": bool(mean - half > 0 or mean + half < 0),
        "repeats": n,
        "method": "geometric mean of pair ratios, t interval on log ratios",
    }


def timing_differences(model_side: Any, baseline_side: Any) -> dict[str, dict[str, Any]]:
    """Model over baseline for each timed metric from ``per_repeat`` values: repeat ``r`` of
    the model is paired with repeat ``r`` of the baseline (taken next to each other in time
    when the sides are interleaved)."""
    model = (model_side or {}).get("per_repeat") or {}
    base = (baseline_side or {}).get("per_repeat") or {}
    out = {}
    for metric, values in model.items():
        theirs = base.get(metric)
        if isinstance(theirs, list) and len(theirs) == len(values):
            found = paired_repeats(values, theirs)
            if found:
                out[metric] = found
    return out
