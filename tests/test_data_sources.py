"""Every kind of source loads: JSON arrays, CSV/TSV, Parquet, save_to_disk folders, .txt,
globs and comma lists; splits, sample limits, and clear errors for what cannot load."""

from __future__ import annotations

import csv
import json

import pytest

from ruadapt.data import load_for_method, validate
from ruadapt.data.readers import read_file
from ruadapt.errors import UserError
from ruadapt.plugins import load_plugins
from ruadapt.registry import collect

ROWS = [
    {"prompt": f"Вопрос номер {i}?", "chosen": f"Хороший ответ {i}.", "rejected": f"Bad {i}."}
    for i in range(10)
]


@pytest.fixture(scope="module")
def registry():
    return collect(load_plugins(entry_points=False, modules=["ruadapt_plugins.formats"]))


def canonical(row: dict) -> dict:
    return {
        "prompt": [{"role": "user", "content": row["prompt"]}],
        "chosen": [{"role": "assistant", "content": row["chosen"]}],
        "rejected": [{"role": "assistant", "content": row["rejected"]}],
    }


def write(tmp_path, name: str) -> str:
    path = tmp_path / name
    if name.endswith(".jsonl"):
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS), "utf-8")
    elif name.endswith(".json"):
        path.write_text(json.dumps(ROWS, ensure_ascii=False, indent=2), "utf-8")
    elif name.endswith((".csv", ".tsv")):
        with open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, ROWS[0], delimiter="\t" if name.endswith("tsv") else ",")
            writer.writeheader()
            writer.writerows(ROWS)
    elif name.endswith(".parquet"):
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(ROWS), path)
    else:  # a save_to_disk folder
        from datasets import Dataset

        Dataset.from_list(ROWS).save_to_disk(str(path))
    return str(path)


@pytest.mark.parametrize("name", ["d.jsonl", "d.json", "d.csv", "d.tsv", "d.parquet", "saved"])
def test_every_file_type_loads_the_same_records(name, registry, tmp_path):
    train, _ = load_for_method(write(tmp_path, name), "preference", registry)
    assert train.to_list() == [canonical(r) for r in ROWS]


def test_globs_and_comma_lists_concatenate(registry, tmp_path):
    write(tmp_path, "a.jsonl")
    write(tmp_path, "b.json")
    assert len(load_for_method(str(tmp_path / "*.json*"), "preference", registry)[0]) == 20
    spec = f"{tmp_path / 'a.jsonl'}, {tmp_path / 'b.json'}"
    assert len(load_for_method(spec, "preference", registry)[0]) == 20


def test_eval_split_and_max_samples(registry, tmp_path):
    path = write(tmp_path, "d.jsonl")
    train, held_out = load_for_method(path, "preference", registry, eval_split=0.2, seed=1)
    assert (len(train), len(held_out)) == (8, 2)
    again = load_for_method(path, "preference", registry, eval_split=0.2, seed=1)[1]
    assert held_out.to_list() == again.to_list()  # the seed fixes the split
    assert len(load_for_method(path, "preference", registry, max_samples=3)[0]) == 3
    with pytest.raises(UserError, match="empty split"):
        load_for_method(path, "preference", registry, eval_split=0.01)


def test_txt_is_paragraphs_or_lines(tmp_path):
    paragraphs = tmp_path / "p.txt"
    paragraphs.write_text("Первый абзац,\nвторая строка.\n\n\nВторой абзац.\n", "utf-8")
    lines = tmp_path / "l.txt"
    lines.write_text("Первая строка.\nВторая строка.\n\n", "utf-8")  # trailing blank: still lines
    got = [(r.number, r.record["text"]) for r in read_file(paragraphs, "p.txt")]
    assert got == [(1, "Первый абзац,\nвторая строка."), (5, "Второй абзац.")]
    got = [(r.number, r.record["text"]) for r in read_file(lines, "l.txt")]
    assert got == [(1, "Первая строка."), (2, "Вторая строка.")]


def test_json_array_reports_element_lines(tmp_path):
    path = tmp_path / "a.json"
    path.write_text('[\n  {"text": "раз"},\n  {"text": "два"}\n,\n  {"text": три}\n]', "utf-8")
    rows = list(read_file(path, "a.json"))
    assert [(r.number, r.record) for r in rows[:2]] == [(2, {"text": "раз"}), (3, {"text": "два"})]
    assert rows[2].number == 5 and rows[2].error.startswith("malformed JSON")


def test_json_array_longer_than_the_read_buffer(tmp_path, monkeypatch):
    import ruadapt.data.readers as readers

    monkeypatch.setattr(readers, "READ_CHUNK", 16)  # every record straddles a buffer boundary
    path = tmp_path / "a.json"
    records = [{"text": f"запись {i} " * (i + 1)} for i in range(30)]
    path.write_text(json.dumps(records, ensure_ascii=False, indent=1), "utf-8")
    assert [r.record for r in read_file(path, "a.json")] == records


def test_csv_cells_decode_json_and_booleans(tmp_path, registry):
    path = tmp_path / "k.csv"
    path.write_text(
        "prompt,completion,label\n"
        '"[{""role"": ""user"", ""content"": ""Привет""}]",Здравствуйте,true\n'
        "Как дела?,Хорошо,False\n",
        "utf-8",
    )
    rows = load_for_method(str(path), "binary", registry)[0].to_list()
    assert rows[0]["prompt"] == [{"role": "user", "content": "Привет"}]
    assert [r["label"] for r in rows] == [True, False]


@pytest.mark.parametrize(
    "spec, message",
    [
        ("missing.jsonl", "data file not found: missing.jsonl"),
        ("nothing/*.jsonl", "no data files match"),
        ("not a thing", "data not found"),
        ("owner/dataset", "cannot load hub dataset 'owner/dataset'"),  # offline in tests
    ],
)
def test_unloadable_specs_are_user_errors(spec, message, registry):
    with pytest.raises(UserError, match=message):
        load_for_method(spec, "chat", registry)


def test_plain_folder_and_unknown_extension_are_refused(tmp_path, registry):
    (tmp_path / "dir").mkdir()
    with pytest.raises(UserError, match="not a dataset saved with save_to_disk"):
        load_for_method(str(tmp_path / "dir"), "chat", registry)
    (tmp_path / "d.xml").write_text("<x/>")
    with pytest.raises(UserError, match="unsupported file type '.xml'"):
        load_for_method(str(tmp_path / "d.xml"), "chat", registry)


def test_eval_sets_are_not_training_data(registry):
    with pytest.raises(UserError, match="eval set"):
        load_for_method("ru-en-parallel", "chat", registry)


def test_unknown_kinds_suggest_the_closest(registry, tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"text": "Привет"}\n', "utf-8")
    with pytest.raises(UserError, match="unknown data kind 'chatt'. Did you mean 'chat'?"):
        load_for_method(str(path), "chatt", registry)
    # validation also knows the eval-set kinds
    with pytest.raises(UserError, match="Did you mean 'parallel'?"):
        validate(str(path), registry, kind="paralel")
