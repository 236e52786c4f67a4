"""``ruadapt data convert | inspect | list | formats``, bundled records and the default chat
template: outputs appear atomically, inputs stay as they were, mistakes are one line."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from ruadapt.data import (
    DEFAULT_CHAT_TEMPLATE,
    ensure_chat_template,
    inspect,
    load_bundled_records,
)
from ruadapt.data.bundled import BUNDLED
from ruadapt.data.corpora import CORPORA
from ruadapt.errors import UserError
from ruadapt.plugins import load_plugins
from ruadapt.registry import collect
from tests.helpers import invoke, tiny_llama


@pytest.fixture(scope="module")
def registry():
    return collect(load_plugins(entry_points=False, modules=["ruadapt_plugins.formats"]))


def write_jsonl(path: Path, records: list) -> str:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return str(path)


def digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


RANKED = {
    "prompt": "Назови столицу России.",
    "responses": ["Париж.", "Москва — столица России.", "Moscow.", "Москва."],
    "ranking": ["B", "D", "C", "A"],
}


def test_convert_expands_a_ranking_into_pairs(tmp_path, capsys):
    source = write_jsonl(tmp_path / "ranked.jsonl", [RANKED])
    before = digest(source)
    out = tmp_path / "pairs.jsonl"
    code, stdout, _ = invoke(["data", "convert", source, str(out), "--to", "preference"], capsys)
    assert code == 0 and "wrote 6 preference records" in stdout
    pairs = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    best_first = [RANKED["responses"][i] for i in (1, 3, 2, 0)]
    expected = [(best_first[i], best_first[j]) for i in range(4) for j in range(i + 1, 4)]
    assert [(p["chosen"][0]["content"], p["rejected"][0]["content"]) for p in pairs] == expected
    assert all(p["prompt"] == [{"role": "user", "content": RANKED["prompt"]}] for p in pairs)
    assert digest(source) == before  # the input is only read
    # the converted file is itself valid preference data
    code, _, err = invoke(["data", "validate", str(out), "--kind", "preference"], capsys)
    assert code == 0 and "6 preference records" in err + _


def test_convert_writes_nothing_on_errors_and_keeps_existing_output(tmp_path, capsys):
    source = write_jsonl(tmp_path / "in.jsonl", [RANKED, {**RANKED, "ranking": [0, 9]}])
    out = tmp_path / "out.jsonl"
    code, stdout, err = invoke(["data", "convert", source, str(out), "--to", "preference"], capsys)
    assert code == 1 and f"{source}:2: ranking:" in stdout and "nothing written" in err
    assert not out.exists() and not list(tmp_path.glob(".out.jsonl.*"))  # no temporary left
    out.write_text("keep me\n")
    good = write_jsonl(tmp_path / "good.jsonl", [RANKED])
    code, _, err = invoke(["data", "convert", good, str(out), "--to", "preference"], capsys)
    assert code == 1 and "--overwrite" in err and out.read_text() == "keep me\n"
    args = ["data", "convert", good, str(out), "--to", "preference", "--overwrite"]
    assert invoke(args, capsys)[0] == 0 and len(out.read_text().splitlines()) == 6
    before = digest(good)
    code, _, err = invoke(["data", "convert", good, good, "--to", "preference"], capsys)
    assert code == 1 and "also an input" in err and digest(good) == before


def test_convert_chat_to_prompts_with_a_system_prompt(tmp_path, capsys):
    chat = {
        "messages": [
            {"role": "user", "content": "Привет!"},
            {"role": "assistant", "content": "Здравствуйте!"},
        ]
    }
    source = write_jsonl(tmp_path / "chat.jsonl", [chat])
    out = tmp_path / "prompts.jsonl"
    args = [
        "data",
        "convert",
        source,
        str(out),
        "--to",
        "prompts",
        "--system-prompt",
        "Будь краток.",
    ]
    code, stdout, _ = invoke(args, capsys)
    assert code == 0 and "note:" in stdout
    assert json.loads(out.read_text("utf-8")) == {
        "prompt": [
            {"role": "system", "content": "Будь краток."},
            {"role": "user", "content": "Привет!"},
        ]
    }


def test_inspect_counts_lengths_share_and_examples(tmp_path, registry, capsys):
    records = [
        {"prompt": "Вопрос один?", "completion": "Хороший ответ.", "label": True},
        {"prompt": "Вопрос два?", "completion": "Bad answer.", "label": False},
        {"prompt": "Вопрос три?", "completion": "Ещё ответ.", "label": True, "category": "b"},
    ]
    records[0]["category"] = records[1]["category"] = "a"
    path = write_jsonl(tmp_path / "kto.jsonl", records)
    found = inspect(path, registry, examples=2)
    assert found.kind == "binary" and found.formats == {"binary": 3}
    assert found.records == 3 and found.counts == {"desirable": 2, "undesirable": 1}
    words = [len(f"{r['prompt']}\n{r['completion']}".split()) for r in records]
    assert found.lengths["words"]["max"] == max(words) and found.lengths["words"]["count"] == 3
    assert found.russian_share["prompt.user"] == 1.0
    assert found.russian_share["completion.assistant"] < 1.0
    assert len(found.examples) == 2 and found.examples[0]["label"] is True
    assert found.categories == {"a": 2, "b": 1}  # kept from the input, dropped by conversion
    code, out, _ = invoke(["data", "inspect", path], capsys)
    assert code == 0 and "binary (3 rows) -> binary data" in out and "desirable 2" in out
    code, out, _ = invoke(["data", "inspect", path, "--json"], capsys)
    assert code == 0 and json.loads(out)["counts"] == {"desirable": 2, "undesirable": 1}


def test_inspect_counts_tokens_with_a_tokenizer(tmp_path, registry):
    from ruadapt.tiny import build_tokenizer

    tokenizer = build_tokenizer(["Привет, мир. Hello, world. " * 20], vocab_size=300)
    path = write_jsonl(tmp_path / "t.jsonl", [{"text": "Привет, мир."}, {"text": "Hello."}])
    found = inspect(path, registry, tokenizer=tokenizer)
    lengths = [
        len(tokenizer(t, add_special_tokens=False)["input_ids"]) for t in ("Привет, мир.", "Hello.")
    ]
    assert found.lengths["tokens"]["max"] == max(lengths)
    assert found.lengths["tokens"]["min"] == min(lengths) < max(lengths)


def test_list_shows_every_bundled_set(capsys):
    code, out, _ = invoke(["data", "list"], capsys)
    assert code == 0 and all(name in out for name in BUNDLED)
    code, out, _ = invoke(["data", "list", "--json"], capsys)
    sets = {s["name"]: s for s in json.loads(out)}
    assert set(sets) == set(BUNDLED) | set(CORPORA)  # bundled sets, then package corpora
    corpus = sets["ru-corpus"]
    assert corpus["kind"] == "text" and corpus["present"]
    assert corpus["records"] == len(load_bundled_records("ru-corpus")) and corpus["purpose"]


def test_formats_lists_the_built_ins_with_their_plugin(capsys):
    code, out, _ = invoke(["data", "formats"], capsys)
    assert code == 0
    rows = {line.split()[0]: line.split() for line in out.splitlines()[2:]}
    for name in ("messages", "sharegpt", "alpaca", "preference", "ranked", "binary", "text"):
        assert rows[name][-1] == "formats"


def test_load_bundled_records_and_unknown_names():
    records = load_bundled_records("ru-corpus")
    assert len(records) > 100 and all(r["text"].strip() for r in records)
    with pytest.raises(UserError, match="unknown bundled dataset 'ru-nope'"):
        load_bundled_records("ru-nope")


def test_default_chat_template_is_installed_only_when_missing():
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    backend = Tokenizer(models.BPE())
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(vocab_size=300, special_tokens=["<|endoftext|>"])
    backend.train_from_iterator(["Привет, мир. Hello, world."] * 10, trainer)
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, eos_token="<|endoftext|>")
    tokenizer.chat_template = "{{ messages[0]['content'] }}"  # the model's own: left alone
    assert ensure_chat_template(tokenizer) is False and tokenizer.eos_token == "<|endoftext|>"

    tokenizer.chat_template = None
    size = len(tokenizer)
    model = tiny_llama(size, tied=False)
    assert ensure_chat_template(tokenizer, model) is True
    assert tokenizer.chat_template == DEFAULT_CHAT_TEMPLATE
    assert len(tokenizer) == size + 2  # <|im_start|> and <|im_end|> were missing
    assert model.get_input_embeddings().num_embeddings == len(tokenizer)
    im_end = tokenizer.convert_tokens_to_ids("<|im_end|>")
    assert tokenizer.eos_token == "<|im_end|>" and model.config.eos_token_id == im_end
    assert tokenizer.pad_token is not None
    text = tokenizer.apply_chat_template(
        [{"role": "user", "content": "Привет"}], tokenize=False, add_generation_prompt=True
    )
    assert text == "<|im_start|>user\nПривет<|im_end|>\n<|im_start|>assistant\n"


def test_card_summary_is_the_first_sentence_of_the_purpose(tmp_path, monkeypatch):
    import ruadapt.data.bundled as bundled

    card = tmp_path / "README.md"
    monkeypatch.setattr(bundled, "bundled_card", lambda name: card)
    card.write_text(
        "# ru-x\n\nIntro line.\n\n## Purpose and use\n\n"
        "Short Russian dialogues, wrapped\nover two lines. Second sentence.\n",
        "utf-8",
    )
    assert bundled.card_summary("ru-x") == "Short Russian dialogues, wrapped over two lines"
    card.write_text("# ru-x\n\n## Purpose\n\n- First use\n- Second use\n", "utf-8")
    assert bundled.card_summary("ru-x") == "First use"
    card.write_text("# ru-x\n\n" + "слово " * 40 + "\n", "utf-8")  # no Purpose: first paragraph
    summary = bundled.card_summary("ru-x")
    assert summary.endswith("...") and len(summary) == 80 and summary.startswith("слово слово")


def test_model_option_counts_tokens_with_its_template(tiny_model, tmp_path, capsys):
    from ruadapt.models import load_tokenizer

    chat = {
        "messages": [
            {"role": "user", "content": "Расскажи о Волге подробно."},
            {"role": "assistant", "content": "Волга — самая длинная река Европы."},
        ]
    }
    path = write_jsonl(tmp_path / "c.jsonl", [chat])
    tokenizer = load_tokenizer(tiny_model)
    rendered = tokenizer.apply_chat_template(chat["messages"], tokenize=False)
    n = len(tokenizer(rendered, add_special_tokens=False)["input_ids"])
    args = ["data", "validate", path, "--model", tiny_model, "--max-length", str(n - 1)]
    code, out, _ = invoke(args, capsys)
    assert code == 0 and f"{path}:1: warning: {n} tokens, over the limit of {n - 1}" in out
    code, out, _ = invoke(["data", "validate", path, "--model", tiny_model], capsys)
    assert code == 0 and "over the limit" not in out  # the model's own context is larger
    code, out, _ = invoke(["data", "inspect", path, "--model", tiny_model, "--json"], capsys)
    assert json.loads(out)["lengths"]["tokens"]["max"] == n
