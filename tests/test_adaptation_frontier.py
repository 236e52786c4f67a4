"""benchmarks/adaptation_frontier.py: the Pareto set and the paired bootstrap it reports."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

PATH = Path(__file__).parent.parent / "benchmarks" / "adaptation_frontier.py"


@pytest.fixture(scope="module")
def frontier():
    spec = importlib.util.spec_from_file_location("adaptation_frontier", PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _point(name, speed, bpc):
    return {"name": name, "ru_throughput_ratio": speed, "ru_bpc_ratio": {"ratio": bpc}}


def test_pareto_keeps_only_unbeaten_points(frontier):
    points = [
        _point("fast-bad", 2.0, 1.4),
        _point("slow-good", 1.0, 1.0),
        _point("dominated", 1.5, 1.5),  # fast-bad is faster and better
        _point("middle", 1.6, 1.2),
        _point("tie", 2.0, 1.4),  # equal to fast-bad: neither beats the other
    ]
    assert frontier.pareto(points) == ["fast-bad", "slow-good", "middle", "tie"]


def test_paired_ratio_of_a_model_against_itself_is_one(frontier):
    bits = [10.0, 20.0, 5.0, 7.5]
    same = frontier.paired_ratio(bits, bits)
    assert same == {"ratio": 1.0, "low": 1.0, "high": 1.0}
    worse = frontier.paired_ratio([b * 1.1 + i for i, b in enumerate(bits)], bits)
    assert worse["low"] <= worse["ratio"] <= worse["high"]
    assert worse["ratio"] == pytest.approx(sum(b * 1.1 + i for i, b in enumerate(bits)) / 42.5)
    assert worse["low"] > 1.0


def test_a_recipe_added_since_keeps_the_points_already_measured(frontier):
    settings = {"steps": 30, "threads": 1, "recipes": {"init": None, "cpt-all": {"lr": 1e-4}}}
    added = {**settings, "recipes": {**settings["recipes"], "transfer-new-rows": {"lr": 5e-3}}}
    assert frontier.compatible(settings, added) and frontier.compatible(added, settings)
    changed = {**settings, "recipes": {"init": None, "cpt-all": {"lr": 5e-4}}}
    assert not frontier.compatible(settings, changed), "a point's own recipe changed"
    assert not frontier.compatible(settings, {**settings, "steps": 60})
    assert not frontier.compatible(None, settings)


def test_throughput_interval_is_the_token_gain_times_the_decode_interval(frontier):
    point = {"ru_tokens_per_char_gain": 2.0}
    frontier.apply_speed(point, {"ratio": 0.9, "ratio_ci": [0.8, 1.0]})
    assert point["decode_speed_ratio"] == 0.9
    assert point["ru_throughput_ratio"] == pytest.approx(1.8)
    assert point["ru_throughput_ci"] == pytest.approx([1.6, 2.0])
    legacy = {"ru_tokens_per_char_gain": 2.0}
    frontier.apply_speed(legacy, {"ratio": 1.1})  # in-process timing had no interval
    assert "ru_throughput_ci" not in legacy and legacy["ru_throughput_ratio"] == pytest.approx(2.2)


def test_decode_speed_times_both_sides_in_their_own_processes(frontier, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    speed = frontier.decode_speed("tiny", repeats=2, new_tokens=4, original="tiny")
    assert speed["timing"] == "isolated"
    assert len(speed["extended"]["samples"]) == len(speed["original"]["samples"]) == 2
    low, high = speed["ratio_ci"]
    assert low <= speed["ratio"] <= high
    sides = speed["extended"]["samples"], speed["original"]["samples"]
    pairs = [a / b for a, b in zip(*sides, strict=True)]
    assert min(pairs) <= speed["ratio"] <= max(pairs)  # a geometric mean of the pair ratios
