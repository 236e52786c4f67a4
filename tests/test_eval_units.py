"""Eval building blocks without a model: metrics, input checks, the optional judge endpoint."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ruadapt.errors import UserError


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("Привет, как дела?", "ru"),
        ("Hello there", "en"),
        ("Москва is a city в России", "ru"),  # 11 Cyrillic letters against 6 Latin
        ("12345 !!!", None),
        ("", None),
    ],
)
def test_script_of(text, script):
    from ruadapt_evals.metrics import script_of

    assert script_of(text) == script


def test_answer_language_accuracy_counts_answers_in_the_prompt_language():
    from ruadapt_evals.metrics import answer_language_accuracy

    answers = ["Да, конечно.", "Yes.", "", "Нет"]
    assert answer_language_accuracy(answers, "ru") == 0.5
    assert answer_language_accuracy(answers, "en") == 0.25


@given(st.lists(st.floats(min_value=0.1, max_value=1e6), min_size=1, max_size=9))
def test_summarize_gives_the_median_and_a_relative_spread(values):
    import statistics

    from ruadapt_evals.metrics import summarize

    mid, spread = summarize(values)
    assert mid == statistics.median(values)
    assert spread == pytest.approx((max(values) - min(values)) / mid)
    assert spread >= 0


def test_ratios_skip_missing_zero_and_non_numeric_values():
    from ruadapt_evals.metrics import ratios

    got = ratios({"a": 3.0, "b": 1.0, "c": "x", "d": 2.0, "e": True}, {"a": 1.5, "b": 0, "c": 1})
    assert got == {"a": 2.0}


def test_words_use_razdel_and_drop_punctuation():
    from ruadapt_evals.metrics import words

    assert words("Что-то, 5 рублей!") == ["Что-то", "5", "рублей"]


def test_length_batches_cover_every_index_once_sorted_by_length():
    from ruadapt_evals.generate import length_batches

    lengths = [5, 1, 9, 3, 7]
    batches = length_batches(lengths, 2)
    assert sorted(i for b in batches for i in b) == list(range(5))
    flat = [lengths[i] for b in batches for i in b]
    assert flat == sorted(lengths) and all(len(b) <= 2 for b in batches)


def test_choice_items_are_checked_with_file_and_line(tmp_path):
    from ruadapt_evals.data import load_choice_items

    good = {
        "id": "q",
        "ru": {"question": "Да?", "choices": ["да", "нет"]},
        "en": {"question": "Yes?", "choices": ["yes", "no"]},
        "answer": 1,
    }
    path = tmp_path / "mc.jsonl"
    bad_answer = dict(good, answer=2)
    bad_choices = dict(good, en={"question": "Yes?", "choices": ["yes", "no", "maybe"]})
    path.write_text("\n".join(json.dumps(r) for r in (good, bad_answer)), encoding="utf-8")
    with pytest.raises(UserError, match=r"mc.jsonl:2: field 'answer' must be an index below 2"):
        load_choice_items(path)
    path.write_text(json.dumps(bad_choices), encoding="utf-8")
    with pytest.raises(UserError, match="different numbers of choices"):
        load_choice_items(path)
    path.write_text(json.dumps(good) + "\n" + json.dumps(good), encoding="utf-8")
    items = load_choice_items(path, max_items=1)
    assert len(items) == 1 and items[0].choices("en") == ("yes", "no")


def test_prompt_file_that_is_not_utf8_is_named(tmp_path):
    from ruadapt_evals.data import load_prompts

    path = tmp_path / "p.jsonl"
    path.write_bytes('{"ru": "привет", "en": "hi"}'.encode("cp1251"))
    with pytest.raises(UserError, match="p.jsonl:1: not valid UTF-8"):
        load_prompts(path)


class _Judge(BaseHTTPRequestHandler):
    """An OpenAI-compatible endpoint that prefers the longer answer and records requests."""

    seen: list[dict] = []

    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Judge.seen.append({"auth": self.headers.get("Authorization"), "body": body})
        user = body["messages"][1]["content"]
        a = user.split("Answer A:\n")[1].split("\n\nAnswer B:")[0]
        b = user.split("Answer B:\n")[1].split("\n\nBetter answer:")[0]
        verdict = "A" if len(a) > len(b) else "B" if len(b) > len(a) else "T"
        reply = json.dumps({"choices": [{"message": {"content": verdict}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


@pytest.fixture
def judge_server():
    server = HTTPServer(("127.0.0.1", 0), _Judge)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Judge.seen = []
    yield f"http://127.0.0.1:{server.server_port}/v1"
    server.shutdown()
    server.server_close()


def test_judge_from_env_alternates_positions_and_sends_the_key(judge_server, monkeypatch):
    from ruadapt_evals.judge import judge_from_env

    monkeypatch.delenv("RUADAPT_JUDGE_URL", raising=False)
    assert judge_from_env() is None
    monkeypatch.setenv("RUADAPT_JUDGE_URL", judge_server)
    monkeypatch.setenv("RUADAPT_JUDGE_KEY", "sk-secret")
    judge = judge_from_env()
    assert "sk-secret" not in repr(judge)
    ours = ["a long answer", "x", "same", "another long one"]
    theirs = ["short", "a much longer answer", "same", "no"]
    # wins on 0 and 3, loses 1, ties 2 -> (1 + 0 + 0.5 + 1) / 4, whichever side it was shown on
    assert judge.win_rate(["p"] * 4, ours, theirs) == 0.625
    assert [r["auth"] for r in _Judge.seen] == ["Bearer sk-secret"] * 4
    firsts = [r["body"]["messages"][1]["content"].split("Answer A:\n")[1][:4] for r in _Judge.seen]
    assert firsts[1] == "a mu" and firsts[3] == "no\n\n"  # odd items shown in swapped order


def test_unreachable_judge_is_a_one_line_error_without_the_key(monkeypatch):
    from ruadapt_evals.judge import judge_from_env

    monkeypatch.setenv("RUADAPT_JUDGE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("RUADAPT_JUDGE_KEY", "sk-secret")
    judge = replace_timeout(judge_from_env())
    with pytest.raises(UserError) as info:
        judge.prefer("p", "a", "b")
    assert "127.0.0.1:9" in str(info.value) and "sk-secret" not in str(info.value)


def replace_timeout(judge):
    from dataclasses import replace

    return replace(judge, timeout=2.0)


@pytest.mark.parametrize(
    ("task", "split"),
    [
        ("xnli_ru", ("xnli", "ru")),
        ("belebele_eng_Latn", ("belebele", "en")),
        ("global_mmlu_full_ru_anatomy", ("global_mmlu_full_ru_anatomy", "other")),
        ("arc_ru", ("arc", "ru")),
    ],
)
def test_lm_eval_task_names_pair_by_language(task, split):
    from ruadapt_evals.tasks.harness import split_language

    assert split_language(task) == split
