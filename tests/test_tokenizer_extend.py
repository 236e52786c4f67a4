"""Tokenizer extension: invariants on tiny byte-level and SentencePiece-style BPE tokenizers.

The builders and texts here are shared with the stats and embedding tests (imported from this
module), so every tokenizer test runs on the same small world built on the spot.
"""

from __future__ import annotations

import re
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ruadapt.errors import UserError
from ruadapt.tokenizer.card import save_extension_card
from ruadapt.tokenizer.extend import (
    BYTE_LEVEL,
    SENTENCEPIECE,
    extend_tokenizer,
    has_cyrillic,
    tokenizer_family,
)

ENGLISH = """\
The river runs through the old town and the market opens early in the morning. People come
from the villages with bread, milk, apples and honey, and the streets fill with voices.
Children walk to school along the river, and the teachers wait for them at the gate.

Scientists measure the temperature of the water every day. They write the numbers into a
notebook and compare them with the numbers of the previous year. The data show that the
summers are getting warmer and the winters are getting shorter.

A good tokenizer splits frequent words into few pieces and rare words into many. Models that
read English text see most words as one token, but other languages pay more for every word.
This project measures that cost and tries to reduce it without breaking anything else.

In 2024 the library had 1,250 visitors; in 2025 it had 3,780. The new reading room holds
forty tables, sixty chairs and a small kitchen where visitors can make tea or coffee.
"""

RUSSIAN = """\
Река течёт через старый город, и рынок открывается рано утром. Люди приезжают из деревень с
хлебом, молоком, яблоками и мёдом, и улицы наполняются голосами. Дети идут в школу вдоль
реки, а учителя ждут их у ворот школы. Ещё рано, но город уже проснулся.

Учёные каждый день измеряют температуру воды в реке. Они записывают числа в тетрадь и
сравнивают их с числами прошлого года. Данные показывают, что лето становится теплее, а
зима становится короче. Учёные говорят, что город должен готовиться к жаркому лету.

Хороший токенизатор делит частые слова на небольшое число частей, а редкие слова на много
частей. Модели, которые читают английский текст, видят большинство слов как один токен, но
русский текст обходится дороже: каждое русское слово делится на много частей. Этот проект
измеряет эту цену и старается её уменьшить, ничего не ломая в английском тексте.

В прошлом году библиотеку посетили тысяча двести пятьдесят человек, а в этом году уже три
тысячи семьсот восемьдесят. Новый читальный зал вмещает сорок столов, шестьдесят стульев и
маленькую кухню, где посетители могут приготовить чай или кофе. Ёжик в тумане читал книгу.

Вечером на берегу реки собираются люди. Они говорят о погоде, о рынке, о детях и о школе.
Старый учитель рассказывает, как город выглядел раньше, когда река была шире, а рынок
меньше. Молодые люди слушают его и задают вопросы о прошлом города и о будущем реки.

Зимой река замерзает, и дети катаются на коньках. Город становится тихим, улицы пустеют, а
рынок открывается позже. Люди пьют горячий чай, читают книги и ждут весны. Весной река
снова течёт, рынок снова открывается рано утром, и жизнь в городе возвращается.
"""

ENGLISH_PARAGRAPHS = [p.replace("\n", " ") for p in ENGLISH.split("\n\n")]
RUSSIAN_PARAGRAPHS = [p.replace("\n", " ") for p in RUSSIAN.split("\n\n")]
# A handful of Russian words in the base training data, as English-centric models have seen.
BASE_TEXTS = ENGLISH_PARAGRAPHS * 3 + ["привет мир и город", "река и город"]
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|pad|>"]
CHAT_TEMPLATE = "{% for m in messages %}<|im_start|>{{ m['content'] }}<|im_end|>{% endfor %}"


LLAMA3_SPLIT = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+|\s+(?!\S)|\s+"
)


@cache
def byte_level_tokenizer(vocab_size: int = 420, llama3: bool = False):
    """A byte-level BPE trained on English plus a few Russian words: GPT-2 style, or Llama 3
    style (NFC, regex split then ByteLevel without its own regex, ``ignore_merges``)."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    backend = Tokenizer(models.BPE(ignore_merges=llama3))
    if llama3:
        backend.normalizer = normalizers.NFC()
        backend.pre_tokenizer = pre_tokenizers.Sequence(
            [
                pre_tokenizers.Split(Regex(LLAMA3_SPLIT), behavior="isolated"),
                pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
            ]
        )
    else:
        backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=SPECIALS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    backend.train_from_iterator(BASE_TEXTS, trainer=trainer)
    tok = PreTrainedTokenizerFast(
        tokenizer_object=backend,
        bos_token="<|endoftext|>",
        eos_token="<|im_end|>",
        pad_token="<|pad|>",
    )
    tok.chat_template = CHAT_TEMPLATE
    # An added token outside the model vocabulary holds the top id (as Llama 3's and Qwen's
    # specials do): new ids must go after it and it must keep its id.
    tok.add_special_tokens({"additional_special_tokens": ["<|tool|>"]})
    return tok


@cache
def sentencepiece_tokenizer(vocab_size: int = 420, metaspace: bool = False):
    """A Llama-2-style BPE: ▁ for spaces, byte fallback, <0x00>..<0xFF> in the vocabulary;
    spaces replaced by the normalizer (legacy Llama 2, Mistral) or a Metaspace pre-tokenizer."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    backend = Tokenizer(models.BPE(byte_fallback=True, unk_token="<unk>", fuse_unk=True))
    if not metaspace:
        backend.normalizer = normalizers.Sequence(
            [normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")]
        )
    # SentencePiece never merges across words: train on ▁-split words, then run unsplit as
    # Llama 2's tokenizer.json does (no pre-tokenizer, or Metaspace with split=False).
    backend.pre_tokenizer = pre_tokenizers.Metaspace(
        prepend_scheme="first" if metaspace else "never", split=True
    )
    backend.decoder = decoders.Sequence(
        [
            decoders.Replace("▁", " "),
            decoders.ByteFallback(),
            decoders.Fuse(),
            decoders.Strip(" ", 1, 0),
        ]
    )
    specials = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)]
    # Cyrillic is left out of the alphabet (but for a few letters), so byte fallback spells
    # most of it, as in Llama 2 for rare scripts.
    alphabet = sorted({c for t in BASE_TEXTS for c in t.replace(" ", "▁") if not has_cyrillic(c)})
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size + 259,
        special_tokens=specials,
        initial_alphabet=alphabet + list("приветмгодка"),
        limit_alphabet=len(alphabet) + 12,
        show_progress=False,
    )
    backend.train_from_iterator(BASE_TEXTS, trainer=trainer)
    backend.pre_tokenizer = (
        pre_tokenizers.Metaspace(prepend_scheme="first", split=False) if metaspace else None
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=backend, bos_token="<s>", eos_token="</s>", unk_token="<unk>"
    )


# variant -> (builder, expected family)
TOKENIZERS = {
    "gpt2": lambda: byte_level_tokenizer(),
    "llama3": lambda: byte_level_tokenizer(llama3=True),
    "llama2": lambda: sentencepiece_tokenizer(),
    "metaspace": lambda: sentencepiece_tokenizer(metaspace=True),
}
FAMILY = {
    "gpt2": BYTE_LEVEL,
    "llama3": BYTE_LEVEL,
    "llama2": SENTENCEPIECE,
    "metaspace": SENTENCEPIECE,
}
N_NEW = 150


@cache
def extended(family: str, n: int = N_NEW, pad: int | None = None):
    """The extension result for ``family`` (cached: several tests inspect the same one)."""
    return extend_tokenizer(
        TOKENIZERS[family](), RUSSIAN_PARAGRAPHS, n, pad_to_multiple_of=pad, show_progress=False
    )


def ids(tok, text: str) -> list[int]:
    return tok(text, add_special_tokens=False)["input_ids"]


def pre_tokens(tok, text: str) -> list[str]:
    """``text`` cut into the pre-tokens the BPE model sees (vocabulary form)."""
    backend = tok.backend_tokenizer
    norm = backend.normalizer.normalize_str(text) if backend.normalizer else text
    pre = backend.pre_tokenizer
    pieces = [p for p, _ in pre.pre_tokenize_str(norm)] if pre is not None else [norm]
    if tokenizer_family(tok) == SENTENCEPIECE:  # BPE sees whole texts; words start at ▁
        pieces = [q for p in pieces for q in re.findall("▁?[^▁]+|▁", p)]
    return pieces


def words_of(text: str) -> list[str]:
    return re.findall(r"\w+", text)


families = pytest.mark.parametrize("family", list(TOKENIZERS))


@families
def test_family_detected(family):
    assert tokenizer_family(TOKENIZERS[family]()) == FAMILY[family]


@families
def test_base_tokenizer_not_modified(family):
    base = TOKENIZERS[family]()
    before = (base.backend_tokenizer.to_str(), len(base))
    extended(family)
    assert (base.backend_tokenizer.to_str(), len(base)) == before


@families
def test_base_ids_and_strings_unchanged(family):
    base, new = TOKENIZERS[family](), extended(family).tokenizer
    new_vocab = new.get_vocab()
    for token, i in base.get_vocab().items():
        assert new_vocab[token] == i
    for i in range(len(base)):
        assert new.convert_ids_to_tokens(i) == base.convert_ids_to_tokens(i)


@families
def test_exactly_n_new_tokens_after_every_id(family):
    result = extended(family)
    base, new = TOKENIZERS[family](), result.tokenizer
    assert len(result.new_tokens) == N_NEW
    assert len(new) == len(base) + N_NEW
    top = max(base.get_vocab().values())
    assert sorted(result.new_token_ids) == list(range(top + 1, top + 1 + N_NEW))
    assert all(has_cyrillic(t.text) for t in result.new_tokens)
    assert not set(base.get_vocab()) & {t.token for t in result.new_tokens}
    assert result.merges_added == sum(t.merge is not None for t in result.new_tokens)


def test_new_ids_after_added_tokens():
    base = byte_level_tokenizer()
    tool_id = base.convert_tokens_to_ids("<|tool|>")
    assert tool_id == max(base.get_vocab().values())  # an added token holds the top id
    assert min(extended("gpt2").new_token_ids) == tool_id + 1


@families
def test_special_tokens_and_chat_template_carried_over(family):
    base, new = TOKENIZERS[family](), extended(family).tokenizer
    assert new.special_tokens_map == base.special_tokens_map
    assert new.all_special_ids == base.all_special_ids
    assert new.chat_template == base.chat_template
    text = f"{base.bos_token or ''}hello{base.eos_token}"
    assert ids(new, text) == ids(base, text)


@pytest.mark.parametrize("pad", [64, 128, 256])
def test_padding_to_multiple(pad):
    result = extend_tokenizer(
        byte_level_tokenizer(),
        RUSSIAN_PARAGRAPHS,
        40,
        pad_to_multiple_of=pad,
        show_progress=False,
    )
    new = result.tokenizer
    assert len(result.new_tokens) == 40
    assert result.vocab_size % pad == 0 and len(new) == result.vocab_size
    assert max(new.get_vocab().values()) + 1 == result.vocab_size
    # fillers are never produced by encoding
    filler_ids = {i for _, i in result.filler_tokens}
    assert filler_ids and not filler_ids & set(ids(new, RUSSIAN + ENGLISH))


@families
def test_non_cyrillic_text_unchanged(family):
    base, new = TOKENIZERS[family](), extended(family).tokenizer
    for text in [ENGLISH, "naïve café — 東京 😀 x²\t\n  spaces", "<|im_start|>hi<|im_end|>"]:
        assert ids(new, text) == ids(base, text)


@families
def test_new_tokens_reachable_and_shorter(family):
    result = extended(family)
    base, new = TOKENIZERS[family](), result.tokenizer
    model = new.backend_tokenizer.model
    base_model = base.backend_tokenizer.model
    used = 0
    for t in result.new_tokens:
        if t.merge is None:
            # a character the base spelled with byte fallback: now one token, not two bytes
            assert [x.id for x in model.tokenize(t.token)] == [t.id]
            assert len(base_model.tokenize(t.token)) > 1
            continue
        new_ids = [x.id for x in model.tokenize(t.example)]
        assert len(new_ids) < len(base_model.tokenize(t.example)), t
        used += t.id in new_ids
    # most tokens survive into the final segmentation of the word they were learned from
    assert used >= 0.5 * result.merges_added


@families
def test_frequent_word_is_one_new_token(family):
    result = extended(family)
    new = result.tokenizer
    new_ids = set(result.new_token_ids)
    for word in ["город", "река", "рынок"]:
        text = f"старый {word}"
        pieces = pre_tokens(new, text)
        encoded = new.backend_tokenizer.model.tokenize(pieces[-1])
        assert len(encoded) == 1 and encoded[0].id in new_ids, (word, pieces[-1], encoded)
        assert new.decode(ids(new, text)) == text


@families
def test_russian_tokens_per_word_drop(family):
    base, new = TOKENIZERS[family](), extended(family).tokenizer
    n_words = len(words_of(RUSSIAN))
    before, after = len(ids(base, RUSSIAN)) / n_words, len(ids(new, RUSSIAN)) / n_words
    assert after <= 0.6 * before, (before, after)


@families
def test_round_trip_corpus(family):
    base, new = TOKENIZERS[family](), extended(family).tokenizer
    for text in [RUSSIAN, ENGLISH, "Ёлка и ёж: ЁЛКА, ЁЖ, ё"]:
        assert base.decode(ids(base, text)) == text
        assert new.decode(ids(new, text)) == text


# Mixed scripts: Latin, Cyrillic (ё/Ё too), emoji, CJK, combining marks, digits, punctuation,
# and runs of whitespace.
PIECES = st.sampled_from(
    [
        "a",
        "Z",
        "hello",
        "река",
        "ёж",
        "Ёлка",
        "город",
        "рынок",
        "Привет",
        "й",
        "😀",
        "🇷🇺",
        "東京",
        "é",
        "е\u0301",
        "\u0301",
        "7",
        "2025",
        ",",
        ".",
        "!",
        "—",
        "«",
        "»",
        "'",
        " ",
        "  ",
        "\n",
        "\t",
        "\u00a0",
    ]
)
MIXED = st.one_of(
    st.lists(PIECES, max_size=12).map("".join),
    st.text(
        alphabet=st.characters(
            codec="utf-8",
            categories=("L", "M", "N", "P", "S", "Zs"),
            include_characters="ёЁабвгдежзийклмнопрстуфхцчшщъыьэюя \n\t",
        ),
        max_size=40,
    ),
)


@families
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=MIXED)
def test_round_trip_property(family, text):
    base, new = TOKENIZERS[family](), extended(family).tokenizer
    if base.decode(ids(base, text)) != text:
        return  # only texts the base round-trips are in scope
    assert new.decode(ids(new, text)) == text
    if not has_cyrillic(text):
        assert ids(new, text) == ids(base, text)


def test_min_frequency_limits_and_zero_tokens():
    base = byte_level_tokenizer()
    few = extend_tokenizer(base, ["слово слово"], 50, show_progress=False)
    assert 0 < len(few.new_tokens) < 50  # only pairs seen twice or more
    assert all(t.frequency >= 2 for t in few.new_tokens)
    none = extend_tokenizer(base, RUSSIAN_PARAGRAPHS, 0, show_progress=False)
    assert none.new_tokens == [] and ids(none.tokenizer, RUSSIAN) == ids(base, RUSSIAN)


def test_unsupported_tokenizers_rejected():
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    wordpiece = Tokenizer(models.WordPiece({"[UNK]": 0, "a": 1}, unk_token="[UNK]"))
    wordpiece.pre_tokenizer = pre_tokenizers.Whitespace()
    unigram = Tokenizer(models.Unigram([("<unk>", 0.0), ("a", -1.0)], unk_id=0))
    plain_bpe = Tokenizer(models.BPE({"a": 0}, []))
    for backend, word in [(wordpiece, "WordPiece"), (unigram, "Unigram"), (plain_bpe, "BPE")]:
        tok = PreTrainedTokenizerFast(tokenizer_object=backend)
        with pytest.raises(UserError, match="supported") as info:
            extend_tokenizer(tok, ["привет"], 5, show_progress=False)
        assert word in str(info.value)

    class Slow:  # anything without a backend tokenizer, like a Python (slow) tokenizer
        pass

    with pytest.raises(UserError, match="slow"):
        extend_tokenizer(Slow(), ["привет"], 5)
    with pytest.raises(UserError):
        extend_tokenizer(byte_level_tokenizer(), ["привет"], -1)


@families
def test_save_and_reload(tmp_path, family):
    from transformers import AutoTokenizer

    result = extended(family)
    result.tokenizer.save_pretrained(tmp_path)
    loaded = AutoTokenizer.from_pretrained(tmp_path)
    assert ids(loaded, RUSSIAN) == ids(result.tokenizer, RUSSIAN)
    assert loaded.chat_template == result.tokenizer.chat_template
    card = save_extension_card(result, tmp_path / "card.md").read_text(encoding="utf-8")
    assert f"New tokens: {N_NEW}" in card and result.new_tokens[0].text.strip() in card
    assert result.to_dict()["new_tokens"] == N_NEW
