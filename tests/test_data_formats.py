"""Every built-in format is detected and converted to its canonical kind; kinds convert where
that is meaningful and mismatches are one-line errors with advice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import ruadapt
from ruadapt.data import load_for_method
from ruadapt.errors import UserError
from ruadapt.plugins import load_plugins
from ruadapt.registry import collect


@pytest.fixture(scope="module")
def registry():
    return collect(load_plugins(entry_points=False, modules=["ruadapt_plugins.formats"]))


def write_jsonl(path: Path, rows: list) -> str:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return str(path)


def user(text: str) -> dict:
    return {"role": "user", "content": text}


def assistant(text: str) -> dict:
    return {"role": "assistant", "content": text}


# one record per format, and the canonical records it must become
CASES = {
    "text": ({"text": "Москва — столица России."}, "text", [{"text": "Москва — столица России."}]),
    "messages": (
        {"messages": [user("Привет"), {"role": "bot", "content": "Здравствуйте"}]},
        "chat",
        [{"messages": [user("Привет"), assistant("Здравствуйте")]}],
    ),
    "sharegpt": (
        {
            "system": "Отвечай кратко.",
            "conversations": [{"from": "human", "value": "2+2?"}, {"from": "gpt", "value": "4"}],
        },
        "chat",
        [
            {
                "messages": [
                    {"role": "system", "content": "Отвечай кратко."},
                    user("2+2?"),
                    assistant("4"),
                ]
            }
        ],
    ),
    "alpaca": (
        {"instruction": "Переведи на английский.", "input": "Кошка", "output": "Cat"},
        "chat",
        [{"messages": [user("Переведи на английский.\n\nКошка"), assistant("Cat")]}],
    ),
    "prompt_completion": (
        {"prompt": "Столица Франции?", "completion": "Париж."},
        "chat",
        [{"messages": [user("Столица Франции?"), assistant("Париж.")]}],
    ),
    "preference": (
        {"prompt": [user("Цвет неба?")], "chosen": "Голубой.", "rejected": "Blue."},
        "preference",
        [
            {
                "prompt": [user("Цвет неба?")],
                "chosen": [assistant("Голубой.")],
                "rejected": [assistant("Blue.")],
            }
        ],
    ),
    "binary": (
        {"prompt": "Планета?", "completion": "Земля.", "label": True},
        "binary",
        [{"prompt": [user("Планета?")], "completion": [assistant("Земля.")], "label": True}],
    ),
    "prompt": (
        {"prompt": "Расскажи о Волге."},
        "prompts",
        [{"prompt": [user("Расскажи о Волге.")]}],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_format_is_detected_and_converted(name, registry, tmp_path):
    record, kind, expected = CASES[name]
    path = write_jsonl(tmp_path / "d.jsonl", [record])
    train, held_out = load_for_method(path, kind, registry)
    assert held_out is None
    assert train.to_list() == expected
    # forcing the detected format gives the same result
    assert load_for_method(path, kind, registry, format=name)[0].to_list() == expected


def test_ranked_list_expands_into_all_pairs(registry, tmp_path):
    record = {
        "prompt": "Лучший ответ?",
        "responses": ["ответ A", "ответ B", "ответ C", "ответ D"],
        "ranking": ["D", "C", "A", "B"],  # D > C > A > B
    }
    path = write_jsonl(tmp_path / "r.jsonl", [record, {**record, "ranking": [3, 2, 0, 1]}])
    pairs = load_for_method(path, "preference", registry)[0].to_list()
    assert len(pairs) == 12  # 6 per record
    got = [(p["chosen"][0]["content"][-1], p["rejected"][0]["content"][-1]) for p in pairs[:6]]
    assert got == [("D", "C"), ("D", "A"), ("D", "B"), ("C", "A"), ("C", "B"), ("A", "B")]
    assert pairs[:6] == pairs[6:]


def test_preference_with_implicit_prompt(registry, tmp_path):
    """Anthropic-HH/UltraFeedback layout: chosen/rejected are whole conversations."""
    record = {
        "chosen": [user("Сколько лап у кошки?"), assistant("Четыре.")],
        "rejected": [user("Сколько лап у кошки?"), assistant("Five.")],
    }
    path = write_jsonl(tmp_path / "p.jsonl", [record, {"prompt": "Сколько лап у кошки?", **record}])
    rows = load_for_method(path, "preference", registry)[0].to_list()
    assert rows[0] == {
        "prompt": [user("Сколько лап у кошки?")],
        "chosen": [assistant("Четыре.")],
        "rejected": [assistant("Five.")],
    }
    assert rows[1] == rows[0]


def test_chat_data_becomes_prompts_without_the_last_answer(registry, tmp_path):
    path = write_jsonl(
        tmp_path / "c.jsonl",
        [{"messages": [user("Привет"), assistant("Здравствуйте")]}, {"messages": [user("Ещё")]}],
    )
    rows = load_for_method(path, "prompts", registry)[0].to_list()
    assert rows == [{"prompt": [user("Привет")]}, {"prompt": [user("Ещё")]}]


def test_preference_pairs_split_into_binary_with_a_note(registry, tmp_path, capsys):
    path = write_jsonl(tmp_path / "p.jsonl", [CASES["preference"][0]])
    rows = load_for_method(path, "binary", registry)[0].to_list()
    assert [(r["completion"][0]["content"], r["label"]) for r in rows] == [
        ("Голубой.", True),
        ("Blue.", False),
    ]
    assert "desirable (chosen)" in capsys.readouterr().err


def test_pairs_and_labelled_examples_give_their_prompts(registry, tmp_path, capsys):
    pairs = write_jsonl(tmp_path / "p.jsonl", [CASES["preference"][0]])
    labelled = write_jsonl(tmp_path / "b.jsonl", [CASES["binary"][0]])
    rows = load_for_method(f"{pairs},{labelled}", "prompts", registry)[0].to_list()
    assert rows == [{"prompt": [user("Цвет неба?")]}, {"prompt": [user("Планета?")]}]
    err = capsys.readouterr().err
    assert "the prompts of the pairs" in err and "the prompts of the examples" in err


@pytest.mark.parametrize(
    "name, kind",
    [("preference", "chat"), ("binary", "preference"), ("messages", "text"), ("text", "chat")],
)
def test_kind_mismatch_is_one_line_with_advice(name, kind, tmp_path):
    registry = collect(load_plugins())  # with methods: the advice names them
    path = write_jsonl(tmp_path / "d.jsonl", [CASES[name][0]])
    with pytest.raises(UserError) as err:
        load_for_method(path, kind, registry)
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: this method needs {kind} data")
    assert f"{name!r} format" in message
    assert "looks like" in message


def test_system_prompt_is_prepended_unless_present(registry, tmp_path):
    # two files of two formats: the format is detected per file
    first = write_jsonl(tmp_path / "m.jsonl", [CASES["messages"][0]])
    second = write_jsonl(tmp_path / "s.jsonl", [CASES["sharegpt"][0]])
    spec = f"{first},{second}"
    rows = load_for_method(spec, "chat", registry, system_prompt="Ты полезный ассистент.")[0]
    assert rows[0]["messages"][0] == {"role": "system", "content": "Ты полезный ассистент."}
    assert rows[1]["messages"][0]["content"] == "Отвечай кратко."  # kept its own
    prompts = write_jsonl(tmp_path / "p.jsonl", [CASES["prompt"][0]])
    row = load_for_method(prompts, "prompts", registry, system_prompt="Система")[0][0]
    assert [m["role"] for m in row["prompt"]] == ["system", "user"]


def test_most_specific_format_wins(registry, tmp_path):
    # binary's columns also match prompt_completion and prompt: priority decides
    path = write_jsonl(tmp_path / "b.jsonl", [CASES["binary"][0]])
    assert load_for_method(path, "binary", registry)[0][0]["label"] is True


def test_undetectable_columns_list_the_known_formats(registry, tmp_path):
    path = write_jsonl(tmp_path / "x.jsonl", [{"question": "?", "answer": "!"}])
    with pytest.raises(UserError, match=r"x.jsonl:1: cannot detect .* fields answer, question"):
        load_for_method(path, "chat", registry)


def test_unknown_forced_format_suggests_one(registry, tmp_path):
    path = write_jsonl(tmp_path / "x.jsonl", [CASES["sharegpt"][0]])
    with pytest.raises(UserError, match="Did you mean 'sharegpt'"):
        load_for_method(path, "chat", registry, format="sharegtp")


def test_third_party_format_plugs_in(tmp_path):
    class QA:
        @ruadapt.hookimpl
        def register_data_formats(self, register):
            register(
                ruadapt.DataFormat(
                    name="qa",
                    kind="chat",
                    detect=lambda cols: {"q", "a"} <= cols,
                    convert=lambda r: [{"messages": [user(r["q"]), assistant(r["a"])]}],
                    validate=lambda r: [] if r.get("a") else [("a", "empty")],
                )
            )

    registry = collect(
        load_plugins(entry_points=False, modules=["ruadapt_plugins.formats"], objects={"qa": QA()})
    )
    path = write_jsonl(tmp_path / "qa.jsonl", [{"q": "Кто?", "a": "Я."}, {"q": "Где?", "a": ""}])
    with pytest.raises(UserError, match=r"qa.jsonl:2: a: empty"):
        load_for_method(path, "chat", registry)
    write_jsonl(tmp_path / "qa.jsonl", [{"q": "Кто?", "a": "Я."}])
    assert load_for_method(path, "chat", registry)[0][0]["messages"][1]["content"] == "Я."


def test_a_registry_without_formats_uses_the_installed_ones(tmp_path):
    """A registry a test builds for one method still reads data (the runner's tests do)."""
    registry = collect(load_plugins(entry_points=False))
    path = write_jsonl(tmp_path / "t.jsonl", [CASES["text"][0]])
    assert load_for_method(path, "text", registry)[0][0] == CASES["text"][2][0]
