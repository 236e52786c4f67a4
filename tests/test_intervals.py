"""Bootstrap intervals (ruadapt_evals.bootstrap) and the metric estimators built on it."""

import math

import numpy as np
import pytest
from ruadapt_evals import bootstrap
from ruadapt_evals.intervals import format_interval, paired_differences, side_intervals


def test_interval_of_a_proportion_matches_the_normal_approximation():
    rng = np.random.default_rng(1)
    hits = (rng.random(400) < 0.3).astype(float)
    p = hits.mean()
    half = 1.96 * math.sqrt(p * (1 - p) / len(hits))
    lo, hi = bootstrap.interval(bootstrap.mean_of(hits), len(hits), resamples=2000)
    assert lo == pytest.approx(p - half, abs=0.01) and hi == pytest.approx(p + half, abs=0.01)


def test_intervals_are_seeded_and_the_seed_matters():
    values = np.arange(50, dtype=float) ** 1.5
    stat = bootstrap.mean_of(values)
    assert bootstrap.interval(stat, 50) == bootstrap.interval(stat, 50)
    assert bootstrap.interval(stat, 50, seed=1) != bootstrap.interval(stat, 50)


def test_ratio_of_sums_resamples_items_not_characters():
    bits, chars = [10.0, 40.0, 30.0], [5, 10, 20]
    stat = bootstrap.ratio_of_sums(bits, chars)
    assert stat(np.array([0, 1, 2])) == pytest.approx(80 / 35)
    assert stat(np.array([1, 1, 0])) == pytest.approx(90 / 25)


def test_paired_difference_finds_a_small_consistent_gain_unpaired_intervals_miss():
    rng = np.random.default_rng(0)
    base = rng.normal(50, 15, size=40)  # items vary a lot ...
    model = base + 1.0 + rng.normal(0, 0.3, size=40)  # ... the model adds ~1 to each
    a, b = bootstrap.mean_of(model), bootstrap.mean_of(base)
    lo_a, hi_a = bootstrap.interval(a, 40)
    lo_b, hi_b = bootstrap.interval(b, 40)
    assert lo_a < hi_b and lo_b < hi_a  # the separate intervals overlap
    diff = bootstrap.paired(a, b, 40)
    assert diff["excludes_zero"] and diff["difference_ci"][0] > 0.5
    assert diff["difference"] == pytest.approx(float((model - base).mean()))
    assert diff["ratio"] == pytest.approx(model.mean() / base.mean())


def test_a_side_against_itself_is_no_difference():
    hits = [1, 0, 1, 1, 0, 0, 1, 0]
    diff = bootstrap.paired(bootstrap.mean_of(hits), bootstrap.mean_of(hits), len(hits))
    assert diff["difference"] == 0 and diff["difference_ci"] == [0, 0]
    assert not diff["excludes_zero"] and diff["ratio_ci"] == [1, 1]


def test_chrf_and_bleu_from_item_stats_equal_sacrebleu_corpus_scores():
    from ruadapt_evals.metrics import (
        bleu_from_stats,
        bleu_item_stats,
        chrf_from_stats,
        chrf_item_stats,
    )
    from sacrebleu.metrics import BLEU, CHRF

    hyps = ["Москва — столица России.", "В неделе семь дней", "кот сидит", "the cat sat on the mat"]
    refs = ["Столица России — Москва.", "В неделе семь дней.", "кошка сидит", "a cat sat on a mat"]
    chrf_rows, bleu_rows = chrf_item_stats(hyps, refs), bleu_item_stats(hyps, refs)
    assert len(chrf_rows) == len(bleu_rows) == 4
    sums = lambda rows, idx: np.asarray(rows)[idx].sum(axis=0).tolist()  # noqa: E731
    for idx in ([0, 1, 2, 3], [1, 3], [2, 2, 0]):
        h, r = [hyps[i] for i in idx], [refs[i] for i in idx]
        want = CHRF(word_order=2).corpus_score(h, [r]).score
        assert chrf_from_stats(sums(chrf_rows, idx)) == pytest.approx(want)
        assert bleu_from_stats(sums(bleu_rows, idx)) == pytest.approx(
            BLEU().corpus_score(h, [r]).score
        )


def test_side_intervals_cover_the_value_and_skip_metrics_without_items():
    per_item = {"bits": [30.0, 12.0, 50.0, 8.0], "chars": [10, 6, 20, 4], "correct": [1, 0]}
    ci = side_intervals(per_item)
    assert set(ci) == {"bits_per_char", "bits_per_text", "mc_accuracy"}  # no bytes: no bpb
    lo, hi = ci["bits_per_char"]
    assert lo <= 100 / 40 <= hi
    assert side_intervals({"bits": [1.0], "chars": [1, 2]}) == {"bits_per_text": [1.0, 1.0]}


def test_paired_differences_need_the_same_items_on_both_sides():
    model = {"correct": [1, 1, 1, 0], "in_language": [1, 1, 1, 1]}
    base = {"correct": [0, 1, 0, 0], "in_language": [1, 1, 1]}
    diffs = paired_differences(model, base)
    assert set(diffs) == {"mc_accuracy"}
    assert diffs["mc_accuracy"]["difference"] == pytest.approx(0.5)


def test_format_interval():
    assert format_interval(0.5, [0.25, 0.75], lambda v: f"{v:.2f}") == "0.50 [0.25, 0.75]"
    assert format_interval(0.5, [None, None], lambda v: f"{v:.2f}") == "0.50"
    assert format_interval(0.5, None, str) == "0.5"
