"""Rule-based rewards (plugins/rewards.py) and their weighted sums."""

from __future__ import annotations

import pytest
from ruadapt_plugins.rewards import LengthReward, combine, parse_spec, russian, russian_share

import ruadapt
from ruadapt.plugins import load_plugins
from ruadapt.registry import collect


@pytest.fixture(scope="module")
def registry():
    return collect(load_plugins())


def test_russian_share_counts_letters_only():
    assert russian_share("Привет") == 1.0
    assert russian_share("hello") == 0.0
    assert russian_share("да, ok!") == pytest.approx(2 / 4)  # digits/punctuation are not letters
    assert russian_share("123 !?") == 0.0
    assert russian_share("Ёжик и ёлка") == 1.0
    assert russian(["q", "q"], ["мир", "world"]) == [1.0, 0.0]


def test_length_reward_peaks_at_target():
    reward = LengthReward(10)
    assert reward([""] * 4, ["a" * 10, "a" * 5, "a" * 20, "a" * 40]) == [1.0, 0.5, 0.0, 0.0]
    assert reward.with_param("4")([""], ["abcd"]) == [1.0]
    with pytest.raises(ruadapt.UserError, match="length@x"):
        reward.with_param("x")


def test_parse_spec():
    assert parse_spec("russian, length@80:0.5") == [("russian", None, 1.0), ("length", "80", 0.5)]
    with pytest.raises(ruadapt.UserError, match="weight"):
        parse_spec("russian:lots")
    with pytest.raises(ruadapt.UserError, match="at least one"):
        parse_spec(" , ")


def test_weighted_sum_of_registered_rewards(registry):
    assert {"russian", "length"} <= set(registry.rewards)
    total, parts = combine("russian:2,length@4:0.5", registry)
    assert [label for label, _, _ in parts] == ["russian", "length@4"]
    # "мирw": 3/4 Cyrillic, length 4 -> 2 * .75 + .5 * 1
    assert total(["p"], ["мирw"]) == pytest.approx([2.0])


def test_unknown_reward_or_parameter_is_a_user_error(registry):
    with pytest.raises(ruadapt.UserError, match="Did you mean 'russian'"):
        combine("rusian", registry)
    with pytest.raises(ruadapt.UserError, match="takes no parameter"):
        combine("russian@3", registry)
