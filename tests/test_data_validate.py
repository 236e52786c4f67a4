"""Validation: every check, with file:line: field: message lines, through the library and the
CLI; inputs stay untouched; a large file validates in constant memory."""

from __future__ import annotations

import hashlib
import json
import random
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ruadapt.data import validate
from ruadapt.data.stats import Duplicates
from ruadapt.plugins import load_plugins
from ruadapt.registry import collect
from tests.helpers import invoke


@pytest.fixture(scope="module")
def registry():
    return collect(load_plugins(entry_points=False, modules=["ruadapt_plugins.formats"]))


def lines_file(path: Path, lines: list) -> str:
    """Write raw lines: dicts as JSON, str as is, bytes as bytes (for non-UTF-8 tests)."""
    out = b""
    for line in lines:
        if isinstance(line, bytes):
            out += line + b"\n"
        elif isinstance(line, str):
            out += line.encode() + b"\n"
        else:
            out += json.dumps(line, ensure_ascii=False).encode() + b"\n"
    path.write_bytes(out)
    return str(path)


def chat(*turns: tuple[str, str]) -> dict:
    return {"messages": [{"role": r, "content": c} for r, c in turns]}


GOOD = chat(("user", "Как дела?"), ("assistant", "Хорошо, спасибо."))
PAIR = {"prompt": "Столица России?", "chosen": "Москва.", "rejected": "Париж."}

# (lines after one good record, kind, expected error at line 2)
ERRORS = {
    "malformed JSON": (['{"messages": ['], None, "2: malformed JSON: Expecting value"),
    "non-UTF-8": ([b'{"text": "\xff\xfe"}'], None, "2: not valid UTF-8 (byte 0xff at column 11)"),
    "not an object": ([[1, 2]], None, "2: a record must be an object, got a list"),
    "missing field": ([{"mesages": []}], None, "2: messages: missing"),
    "wrong type": ([{"messages": "Привет"}], None, "2: messages: must be a list of messages"),
    "empty content": (
        [chat(("user", "Вопрос"), ("assistant", "  "))],
        None,
        "2: messages[1].content: empty",
    ),
    "unknown role": (
        [chat(("user", "Вопрос"), ("robot", "Ответ"))],
        None,
        "2: messages[1].role: unknown role 'robot'",
    ),
    "roles out of order": (
        [chat(("assistant", "Ответ"), ("user", "Вопрос"))],
        None,
        "2: messages[0]: role 'assistant' out of order, expected 'user'",
    ),
    "last turn not the assistant's": (
        [chat(("user", "Вопрос"))],
        "chat",
        "2: messages: last message must be from the assistant, not the user",
    ),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_each_error_names_file_line_and_field(name, registry, tmp_path):
    lines, kind, expected = ERRORS[name]
    path = lines_file(tmp_path / "d.jsonl", [GOOD, *lines])
    report = validate(path, registry, kind=kind)
    assert report.error_count == 1 and not report.ok
    assert str(report.errors[0]).startswith(f"{path}:{expected}")


@pytest.mark.parametrize(
    "record, kind, expected",
    [
        ({**PAIR, "rejected": "Москва."}, "preference", "rejected: same as chosen"),
        ({**PAIR, "rejected": ""}, "preference", "rejected: empty"),
        ({"chosen": "a", "rejected": "b"}, "preference", "prompt: missing"),
        ({"prompt": "?", "completion": "Да.", "label": "yes"}, "binary", "label: must be true or"),
        (
            {"prompt": "?", "completion": "Да.", "label": 1},
            "binary",
            "label: must be true or false",
        ),
        ({"prompt": "?", "responses": ["a", "b"], "ranking": [0, 5]}, "preference", "ranking:"),
        ({"text": 5}, "text", "text: must be a string, got a number"),
    ],
)
def test_pair_label_and_type_errors(record, kind, expected, registry, tmp_path):
    path = lines_file(tmp_path / "d.jsonl", [record])
    report = validate(path, registry, kind=kind)
    assert str(report.errors[0]).startswith(f"{path}:1: {expected}")


def test_empty_file_is_an_error(registry, tmp_path):
    path = lines_file(tmp_path / "e.jsonl", ["", "  "])
    report = validate(path, registry)
    assert [str(p) for p in report.errors] == [f"{path}: empty: no records"]


def test_row_numbers_for_parquet_and_lines_for_csv(registry, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [PAIR, {**PAIR, "rejected": PAIR["chosen"]}]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "p.parquet")
    report = validate(str(tmp_path / "p.parquet"), registry)
    assert (
        str(report.errors[0])
        == f"{tmp_path / 'p.parquet'}: row 2: rejected: same as chosen (a pair teaches nothing)"
    )
    csv_path = tmp_path / "p.csv"
    csv_path.write_text('prompt,chosen,rejected\n"Многострочный\nвопрос",Да,Да\n', "utf-8")
    assert str(validate(str(csv_path), registry).errors[0]).startswith(f"{csv_path}:2: rejected")


def test_warnings_duplicates_and_language(registry, tmp_path):
    english = chat(
        ("user", "What is the capital of France?"), ("assistant", "Paris is the capital.")
    )
    path = lines_file(tmp_path / "w.jsonl", [english] * 3 + [GOOD])
    report = validate(path, registry)
    assert report.ok and report.error_count == 0
    warnings = [str(w) for w in report.warnings]
    assert f"{path}:2: warning: duplicate of line 1" in warnings
    assert f"{path}:3: warning: duplicate of line 1" in warnings
    # 3 of 4 records English, but each field needs RUSSIAN_MIN_LETTERS to be judged
    assert not any("Cyrillic" in w for w in warnings)
    many = lines_file(
        tmp_path / "en.jsonl",
        [chat(("user", f"Question {i}?" * 20), ("assistant", "Answer " * 30)) for i in range(5)],
    )
    warnings = [str(w) for w in validate(many, registry).warnings]
    assert any("messages.assistant: only 0% of the letters are Cyrillic" in w for w in warnings)
    assert not [w for w in validate(many, registry, russian=False).warnings if "Cyrillic" in str(w)]


def test_token_lengths_over_the_limit_warn(registry, tmp_path):
    from ruadapt.tiny import build_tokenizer

    tokenizer = build_tokenizer(["Привет, мир. Hello, world. " * 20], vocab_size=300)
    long = chat(("user", "Расскажи подробно " * 20), ("assistant", "Хорошо."))
    path = lines_file(tmp_path / "t.jsonl", [GOOD, long])
    report = validate(path, registry, tokenizer=tokenizer, max_length=100)
    assert len(report.warnings) == 1
    warning = str(report.warnings[0])
    assert warning.startswith(f"{path}:2: warning: ") and "tokens, over the limit of 100" in warning


TEN_MISTAKES = [
    GOOD,
    '{"messages": [{"role": "user", "content": "Привет"}',  # 2 malformed JSON
    b'{"messages": "\xd0"}',  # 3 not UTF-8
    ["not", "an", "object"],  # 4
    {"conversation": []},  # 5 missing messages
    {"messages": "Привет"},  # 6 wrong type
    {"messages": []},  # 7 no messages
    chat(("user", "Вопрос"), ("robot", "Ответ")),  # 8 unknown role
    chat(("user", "Вопрос"), ("assistant", "")),  # 9 empty content
    chat(("assistant", "Ответ"), ("user", "Вопрос")),  # 10 out of order
    chat(("user", "Вопрос")),  # 11 no answer to learn
    GOOD,  # duplicate: a warning, not an error
]


def test_ten_mistakes_give_ten_one_line_errors_through_the_cli(tmp_path, capsys):
    path = lines_file(tmp_path / "ten.jsonl", TEN_MISTAKES)
    before = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    code, out, err = invoke(["data", "validate", path], capsys)
    assert code == 1
    errors = [line for line in out.splitlines() if ": warning: " not in line]
    assert [line.split(":")[1] for line in errors] == [str(n) for n in range(2, 12)]
    assert all(line.startswith(f"{path}:") for line in errors)
    assert f"{path}:12: warning: duplicate of line 1" in out
    assert "10 error(s), 1 warning(s)" in err
    assert "Traceback" not in out + err
    assert hashlib.sha256(Path(path).read_bytes()).hexdigest() == before  # input untouched


PAIR_MISTAKES = [
    PAIR,
    '{"prompt": "Сколько дней в неделе?", "chosen": "Семь."',  # 2 malformed JSON
    b'{"prompt": "\xd0", "chosen": "a", "rejected": "b"}',  # 3 not UTF-8
    ["not", "an", "object"],  # 4
    {"prompt": "Столица Франции?", "chosen": "Париж."},  # 5 missing rejected
    {**PAIR, "prompt": 42},  # 6 wrong type
    {**PAIR, "prompt": "   "},  # 7 empty
    {**PAIR, "rejected": PAIR["chosen"]},  # 8 chosen == rejected
    {**PAIR, "prompt": [{"role": "assistant", "content": "Привет"}]},  # 9 roles out of order
    {**PAIR, "chosen": [{"role": "user", "content": "Да."}]},  # 10 answer not the assistant's
    {**PAIR, "prompt": [{"role": "robot", "content": "Привет"}]},  # 11 unknown role
    PAIR,  # duplicate: a warning
]


def test_ten_preference_mistakes_through_the_cli(tmp_path, capsys):
    path = lines_file(tmp_path / "prefs.jsonl", PAIR_MISTAKES)
    code, out, err = invoke(["data", "validate", path, "--kind", "preference"], capsys)
    assert code == 1 and "Traceback" not in out + err
    fields = [line.split(": ")[1] for line in out.splitlines() if line.startswith(f"{path}:")]
    assert fields == [
        "malformed JSON",
        "not valid UTF-8 (byte 0xd0 at column 13)",
        "a record must be an object, got a list",
        "rejected",
        "prompt",
        "prompt",
        "rejected",
        "prompt[0]",
        "chosen",
        "prompt[0].role",
        "warning",
    ]
    assert "same as chosen" in out and "10 error(s), 1 warning(s)" in err


def test_cli_max_errors_and_success(tmp_path, capsys):
    bad = lines_file(tmp_path / "bad.jsonl", [GOOD] + [{"messages": []}] * 30)
    code, out, _ = invoke(["data", "validate", bad, "--max-errors", "5"], capsys)
    assert code == 1
    assert len([line for line in out.splitlines() if "empty (no messages)" in line]) == 5
    assert "25 more errors not shown" in out
    good = lines_file(tmp_path / "good.jsonl", [GOOD])
    code, out, _ = invoke(["data", "validate", good, "--kind", "prompts"], capsys)
    assert code == 0 and "1 prompts records" in out and "0 error(s)" in out
    code, _, err = invoke(["data", "validate", str(tmp_path / "nope.jsonl")], capsys)
    assert code == 1 and err.startswith("error: data file not found") and "Traceback" not in err


def test_validation_streams_in_constant_memory(registry, tmp_path):
    """A ~6 MB file validates with a Python heap far below the file size."""
    path = tmp_path / "big.jsonl"
    rng = random.Random(0)
    words = [
        "москва",
        "река",
        "город",
        "книга",
        "учитель",
        "ответ",
        "вопрос",
        "задача",
        "решение",
        "пример",
    ]
    with open(path, "w", encoding="utf-8") as fh:
        i = 0
        while fh.tell() < 6_000_000:
            answer = " ".join(rng.choices(words, k=rng.randint(20, 120)))
            fh.write(
                json.dumps(chat(("user", f"Вопрос {i}"), ("assistant", answer)), ensure_ascii=False)
                + "\n"
            )
            i += 1
    size = path.stat().st_size
    small = lines_file(tmp_path / "small.jsonl", [GOOD])
    validate(small, registry, progress=False)  # first-time imports are not the file's memory
    tracemalloc.start()
    try:
        report = validate(str(path), registry, progress=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.ok and report.rows == i
    # the only per-record state is the duplicate check's 16 bytes per record
    assert peak < size / 10, f"peak {peak / 1e6:.1f} MB for a {size / 1e6:.0f} MB file"


def test_eval_set_shapes(registry, tmp_path):
    """Parallel and multiple-choice files are checked in the shape the eval tasks read."""
    item = {"id": "1", "ru": {"question": "Сколько?", "choices": ["Один", "Два"]}, "answer": 1}
    item["en"] = {"question": "How many?", "choices": ["One", "Two"]}
    path = lines_file(
        tmp_path / "mc.jsonl",
        [
            item,
            {**item, "answer": 2},
            {**item, "answer": True},
            {**item, "en": {"question": "How many?", "choices": ["One", "Two", "Three"]}},
            {**item, "ru": "Сколько?"},
            {**item, "en": {"question": "", "choices": ["One", "Two"]}},
        ],
    )
    report = validate(path, registry, kind="multiple-choice")
    assert [str(p) for p in report.errors] == [
        f"{path}:2: answer: must be a choice index from 0 to 1, got 2",
        f"{path}:3: answer: must be a choice index from 0 to 1, got True",
        f"{path}:4: en.choices: 3 choices but ru has 2",
        f"{path}:5: ru: must be an object with a question and choices",
        f"{path}:6: en.question: empty",
    ]
    pairs = [
        {"ru": f"Расскажи о Волге, вариант {i}. " * 5, "en": f"Tell me about the Volga {i}. " * 5}
        for i in range(3)
    ]
    path = lines_file(tmp_path / "par.jsonl", [*pairs, {"ru": "Расскажи о Волге."}])
    report = validate(path, registry, kind="parallel")
    assert [str(p) for p in report.errors] == [f"{path}:4: en: missing"]
    assert report.russian_share["en"] == 0.0 and report.russian_share["ru"] == 1.0
    assert not report.warnings  # the English side is not expected to be Cyrillic


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 12), max_size=60))
def test_duplicates_match_a_dictionary(keys):
    """Each repeat is paired with the first occurrence of its key, in input order."""
    found = Duplicates()
    first: dict[int, int] = {}
    expected = []
    for position, key in enumerate(keys, start=1):
        found.add(str(key), position * 7)  # positions grow with the input, not contiguous
        if key in first:
            expected.append((position * 7, first[key]))
        else:
            first[key] = position * 7
    assert found.pairs() == expected


def test_duplicate_check_can_be_turned_off(tmp_path, capsys):
    path = lines_file(tmp_path / "d.jsonl", [GOOD, GOOD])
    code, out, _ = invoke(["data", "validate", path], capsys)
    assert code == 0 and "duplicate of line 1" in out
    code, out, _ = invoke(["data", "validate", path, "--no-duplicate-check"], capsys)
    assert code == 0 and "duplicate of" not in out and "0 warning(s)" in out


def test_progress_bar_counts_bytes(registry, tmp_path, capsys):
    """The bar (shown on a terminal; forced here) advances by bytes read, per megabyte."""
    answer = "Ответ " * 200
    path = lines_file(
        tmp_path / "p.jsonl",
        [chat(("user", f"Вопрос {i}"), ("assistant", answer)) for i in range(1200)],
    )
    size = Path(path).stat().st_size
    assert size > 2 << 20
    validate(path, registry, progress=True)
    bar = capsys.readouterr().err
    assert "validating:" in bar and f"/{size / 1e6:.2f}M" in bar
    validate(path, registry, progress=False)
    assert "validating" not in capsys.readouterr().err


def test_russian_check_ignores_answers_meant_to_be_bad(registry, tmp_path):
    """English rejected answers (and undesirable completions) are what a set teaches against."""
    english = "This answer is written entirely in English on purpose. " * 3
    russian = "Этот ответ написан по-русски. " * 3
    pairs = [
        {"prompt": f"Вопрос {i}? " * 5, "chosen": russian, "rejected": english} for i in range(5)
    ]
    report = validate(lines_file(tmp_path / "p.jsonl", pairs), registry)
    assert report.ok and not report.warnings
    swapped = [{**p, "chosen": english, "rejected": russian} for p in pairs]
    warnings = [
        str(w) for w in validate(lines_file(tmp_path / "s.jsonl", swapped), registry).warnings
    ]
    assert any("chosen.assistant: only 0%" in w for w in warnings)
    labelled = [
        {"prompt": f"Вопрос {i}? " * 5, "completion": english, "label": False} for i in range(5)
    ]
    report = validate(lines_file(tmp_path / "k.jsonl", labelled), registry)
    assert report.ok and not report.warnings
    labelled = [{**r, "label": True} for r in labelled]
    warnings = [
        str(w) for w in validate(lines_file(tmp_path / "d.jsonl", labelled), registry).warnings
    ]
    assert any("completion.assistant: only 0%" in w for w in warnings)
