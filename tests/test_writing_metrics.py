"""What the model writes (ruadapt_evals.writing), against values computed by hand.

The tokenizer is built on the spot: whole words from a fixed vocabulary, so the canonical
tokenisation of any text is known by reading it. Ids 0-5 are the "base" vocabulary, 6 and
up the "new" tokens an extension would have added.
"""

from __future__ import annotations

import math

import pytest

BASE = 6
VOCAB = {
    "<eos>": 0,
    "<unk>": 1,
    "при": 2,
    "вет": 3,
    "мир": 4,
    "hello": 5,
    "привет": 6,  # new
    "world": 7,  # new
}


@pytest.fixture(scope="module")
def tok():
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from tokenizers.pre_tokenizers import WhitespaceSplit
    from transformers import PreTrainedTokenizerFast

    backend = Tokenizer(WordLevel(VOCAB, unk_token="<unk>"))
    backend.pre_tokenizer = WhitespaceSplit()
    return PreTrainedTokenizerFast(tokenizer_object=backend, eos_token="<eos>", unk_token="<unk>")


def test_the_tokenizer_is_what_the_hand_counts_assume(tok):
    assert tok.encode("привет мир", add_special_tokens=False) == [6, 4]
    assert tok.eos_token_id == 0


def test_letters_efficiency_and_new_token_shares_by_hand(tok):
    from ruadapt_evals.writing import writing_stats

    # answer 1 spells "привет" out of two base pieces and stops (EOS): 3 text tokens,
    # canonically 2 ("привет" is one new token); answer 2 writes "hello world" with the new
    # "world" token, no EOS, and uses the whole budget of 2
    texts = ["привет мир", "hello world"]
    ids = [[2, 3, 4, 0], [5, 7]]
    got = writing_stats(texts, ids, tok, base_vocab_size=BASE, max_new_tokens=2)
    assert got["tokens_generated"] == 5  # the EOS carries no text and is not counted
    assert got["canonical_tokens"] == 4
    assert got["chars_per_token"] == pytest.approx((10 + 11) / 5)
    assert got["letters_per_token"] == pytest.approx((9 + 10) / 5)
    assert got["cyrillic_letters_per_token"] == pytest.approx(9 / 5)
    assert got["writing_efficiency"] == pytest.approx(4 / 5)
    assert got["new_token_share"] == pytest.approx(1 / 5)  # only "world" (7)
    assert got["canonical_new_token_share"] == pytest.approx(2 / 4)  # "привет" and "world"
    assert got["early_stop_rate"] == 0.5  # the first ended with EOS, the second ran out
    assert got["echo_rate"] is None  # no prompts given
    assert got["answers"] == 2


def test_without_a_base_vocabulary_there_is_no_new_token_share(tok):
    from ruadapt_evals.writing import per_item_writing, writing_stats

    got = writing_stats(["мир"], [[4]], tok, base_vocab_size=None)
    assert got["new_token_share"] is None and got["canonical_new_token_share"] is None
    assert got["writing_efficiency"] == 1.0
    assert "new_ids" not in per_item_writing(["мир"], [[4]], tok, base_vocab_size=None)


def test_early_stops_without_a_budget_take_the_longest_answer_as_the_budget(tok):
    from ruadapt_evals.writing import per_item_writing

    # stop ids default to the tokenizer's EOS; the first answer ended with it
    items = per_item_writing(
        ["мир", "мир мир мир", "мир"], [[4, 0], [4, 4, 4], [4]], tok, base_vocab_size=None
    )
    assert items["early_stop"] == [1, 0, 1]
    # an explicit stop id list replaces the EOS default
    items = per_item_writing(["мир"], [[4, 5]], tok, base_vocab_size=None, stop_ids=[5])
    assert items["early_stop"] == [1]


def test_repeated_ngram_share_counts_repeats_of_earlier_ngrams_per_answer(tok):
    from ruadapt_evals.writing import repeated_ngrams, writing_stats

    # "a b c d a b c d": 4-grams abcd, bcda, cdab, dabc, abcd -> 5, of which 1 repeats
    assert repeated_ngrams("a b c d a b c d") == (5, 1)
    # case-folded razdel words, punctuation dropped: "ввит, ввит, ввит, ввит, ввит" -> 2, 1
    assert repeated_ngrams("Ввит, ввит, ввит, ввит, ввит") == (2, 1)
    assert repeated_ngrams("too short") == (0, 0)
    assert repeated_ngrams("one two three four five", n=2) == (4, 0)
    texts = ["a b c d a b c d", "Ввит, ввит, ввит, ввит, ввит", "too short"]
    got = writing_stats(texts, [[1], [1], [1]], tok, base_vocab_size=None)
    # averaged over the answers that have a 4-gram: (1/5 + 1/2) / 2; "too short" left out
    assert got["repeated_ngram_share"] == pytest.approx((0.2 + 0.5) / 2)


def test_echo_is_an_answer_mostly_copied_from_its_prompt():
    from ruadapt_evals.writing import echo_share, is_echo

    prompt = "What is the capital of France?"
    # a restated question that then answers is not an echo: "the capital of france" is 21 of
    # the 31 characters (68%)
    answer = "The capital of France is Paris."
    assert echo_share(answer, prompt) == pytest.approx(21 / 31)
    assert not is_echo(answer, prompt)
    # the question again, then the start of a restatement: every character copied
    assert echo_share("What is the capital of France? The capital", prompt) == 1.0
    assert is_echo("what  is the CAPITAL of france?", prompt)  # case and spacing ignored
    assert is_echo(prompt * 3, prompt)  # repeated copies are still copies
    assert echo_share("Paris.", prompt) == 0.0  # shorter than a 12-character run
    assert echo_share("", prompt) == 0.0
    # only the 15-character run " is the capital" is copied: 15 of 21, not mostly
    assert echo_share("Paris is the capital.", prompt) == pytest.approx(15 / 21)
    # a short common run does not count: "capital" alone is 7 characters
    assert echo_share("Capital: Paris, of course.", prompt) == 0.0


def test_echo_rate_over_answers(tok):
    from ruadapt_evals.writing import writing_stats

    prompts = ["Что такое привет мир в программировании?", "Hello world program"]
    texts = ["Что такое привет мир в программировании", "hello"]
    got = writing_stats(texts, [[6, 4], [5]], tok, base_vocab_size=BASE, prompts=prompts)
    assert got["echo_rate"] == 0.5


def test_empty_answers_give_nan_ratios_not_errors(tok):
    from ruadapt_evals.writing import writing_stats

    got = writing_stats([""], [[0]], tok, base_vocab_size=BASE, prompts=["мир"])
    assert got["tokens_generated"] == 0
    assert math.isnan(got["letters_per_token"]) and math.isnan(got["writing_efficiency"])
    assert math.isnan(got["repeated_ngram_share"])
    assert got["early_stop_rate"] == 1.0 and got["echo_rate"] == 0.0


def test_mismatched_lengths_are_an_error(tok):
    from ruadapt_evals.writing import writing_stats

    with pytest.raises(ValueError, match="texts"):
        writing_stats(["a", "b"], [[1]], tok, base_vocab_size=None)
    with pytest.raises(ValueError, match="prompts"):
        writing_stats(["a"], [[1]], tok, base_vocab_size=None, prompts=[])


def test_per_item_lists_sum_to_the_aggregate(tok):
    from ruadapt_evals.writing import per_item_writing, summarize_writing, writing_stats

    texts, ids = ["привет мир", "hello world"], [[2, 3, 4, 0], [5, 7]]
    items = per_item_writing(texts, ids, tok, base_vocab_size=BASE, prompts=["x", "y"])
    assert items["gen_tokens"] == [3, 2] and items["canonical_tokens"] == [2, 2]
    assert items["new_ids"] == [0, 1] and items["canonical_new_ids"] == [1, 1]
    assert summarize_writing(items) == writing_stats(
        texts, ids, tok, base_vocab_size=BASE, prompts=["x", "y"]
    )


def test_repetition_at_equal_characters_cuts_both_answers_to_the_shorter():
    from ruadapt_evals.tasks.generation import equal_chars

    loop = "да нет да нет да нет да нет"  # 27 characters, 8 words: 3 of 5 four-grams repeat
    short = "один два три четыре"  # 19 characters: one 4-gram
    out, items = equal_chars([loop], [None], others=[short])
    # the loop cut to 19 characters is "да нет да нет да не": 3 four-grams, none repeated
    assert items["equal_chars_ngrams"] == [3] and items["equal_chars_repeated_ngrams"] == [0]
    assert items["baseline_equal_chars_ngrams"] == [1]
    assert out["repeated_ngram_share_equal_chars"] == 0.0
    assert out["baseline_repeated_ngram_share_equal_chars"] == 0.0
    # a longer baseline answer leaves the loop whole: both cut to its 27 characters
    long = "один два три четыре пять шесть семь"
    out, items = equal_chars([loop], [None], others=[long])
    assert items["equal_chars_ngrams"] == [5] and items["equal_chars_repeated_ngrams"] == [3]
    assert out["repeated_ngram_share_equal_chars"] == pytest.approx(3 / 5)
    assert items["baseline_equal_chars_ngrams"] == [3]  # "один два три четыре пять ше"
    assert out["baseline_repeated_ngram_share_equal_chars"] == 0.0
    # without the baseline's answers there is nothing to cut to
    out, items = equal_chars([loop], [None])
    assert "repeated_ngram_share_equal_chars" not in out
