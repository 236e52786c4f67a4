"""The ``math`` reward: reading the final number of an answer, the bundled ru-math references,
``math@FILE``, and its errors."""

from __future__ import annotations

import json

import pytest
from ruadapt_plugins.math_reward import MathReward, final_number, is_correct, parse_number

import ruadapt
from ruadapt.data import load_bundled_records


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Ответ: 42", 42.0),
        ("Сначала 3 + 4 = 7, потом 7 × 2 = 14. Ответ: 14.", 14.0),
        ("Получится 87,5 рубля.", 87.5),
        ("It is 87.5 roubles", 87.5),
        ("Итого 1 234 рубля", 1234.0),
        ("Итого 12\u00a0500 рублей", 12500.0),
        ("Температура −5 градусов", -5.0),
        ("x = -3", -3.0),
        ("Не знаю", None),
        ("", None),
    ],
)
def test_final_number_reads_russian_and_english_notation(text, value):
    assert final_number(text) == value


def test_parse_number_of_a_whole_string():
    assert parse_number("1 234,5") == 1234.5
    assert parse_number(" 7 ") == 7.0
    assert parse_number("7 рублей") is None


def test_the_last_number_decides():
    assert is_correct("5 + 3 = 8", 8)
    assert not is_correct("Ответ 8, проверка: 8 - 3 = 5", 8)
    assert not is_correct("восемь", 8)
    assert is_correct("87,5", 87.5) and not is_correct("87", 87.5)


def test_bundled_references_score_one_and_wrong_answers_zero():
    records = load_bundled_records("ru-math")
    assert len(records) >= 300
    reward = MathReward()
    prompts = [r["prompt"] for r in records]
    right = [f"Ответ: {str(r['answer']).replace('.', ',')}" for r in records]
    wrong = [f"Ответ: {r['answer'] + 1}" for r in records]
    assert reward(prompts, right) == [1.0] * len(records)
    assert reward(prompts, wrong) == [0.0] * len(records)
    assert reward(["Сколько будет 2 + 2? (нет в наборе)"], ["4"]) == [0.0]


def test_math_at_file_reads_another_reference_set(tmp_path):
    path = tmp_path / "mine.jsonl"
    rows = [
        {"prompt": "Сколько ног у двух кошек?", "answer": 8},
        {"prompt": [{"role": "user", "content": "Сколько будет 0,5 + 0,25?"}], "answer": "0,75"},
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    before = path.read_bytes()
    reward = MathReward().with_param(str(path))
    prompts = ["Сколько ног у двух кошек?", "Сколько будет 0,5 + 0,25?"]
    assert reward(prompts, ["У двух кошек 8 ног", "0.75"]) == [1.0, 1.0]
    assert reward(prompts, ["4", "0,5"]) == [0.0, 0.0]
    assert path.read_bytes() == before  # inputs are only read


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"prompt": "a"}\n', r"mine.jsonl:1: reward math needs .*'answer'"),
        ('{"prompt": "a", "answer": 1}\nnot json\n', r"mine.jsonl:2:"),
        ('{"prompt": "a", "answer": "много"}\n', r"mine.jsonl:1: answer 'много' is not a number"),
        ("\n", "holds no prompt"),
    ],
)
def test_bad_reference_files_fail_with_file_and_line(tmp_path, content, message):
    path = tmp_path / "mine.jsonl"
    path.write_text(content)
    with pytest.raises(ruadapt.UserError, match=message):
        MathReward().with_param(str(path))


def test_missing_file_is_named():
    with pytest.raises(ruadapt.UserError, match="math@nope.jsonl: no such file"):
        MathReward().with_param("nope.jsonl")


def test_math_composes_with_other_rewards_through_the_registry():
    from ruadapt_plugins.rewards import combine

    from ruadapt.plugins import load_plugins
    from ruadapt.registry import collect

    registry = collect(load_plugins())
    record = load_bundled_records("ru-math")[0]
    total, parts = combine("math:1,russian:0.5", registry)
    assert [label for label, _, _ in parts] == ["math", "russian"]
    answer = f"Ответ: {str(record['answer']).replace('.', ',')}"
    assert total([record["prompt"]], [answer]) == [pytest.approx(1.0 + 0.5)]
