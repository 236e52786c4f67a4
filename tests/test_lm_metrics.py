"""Exact LM metrics: every token of every text scored once, long texts through a sliding window."""

import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from ruadapt.lm_metrics import bits_per_byte, bits_per_char, plan_windows, score_texts


@given(st.integers(0, 3000), st.integers(2, 600), st.data())
def test_windows_score_every_target_once_with_half_a_window_of_context(length, window, data):
    stride = data.draw(st.integers(1, window - 1))
    spans = plan_windows(length, window, stride)
    scored = [p for start, end, first in spans for p in range(first, end)]
    assert scored == list(range(1, length))  # each target once, in order, none cut away
    for n, (start, end, first) in enumerate(spans):
        assert 0 <= start < first <= end <= length and end - start <= window
        if n:  # after the first window, every target sees >= window - stride positions
            assert first - start >= window - stride


def test_windows_reject_a_stride_that_skips_tokens():
    with pytest.raises(ValueError):
        plan_windows(100, 64, 64)


def _long_russian_text(tokenizer, tokens: int) -> str:
    """Paragraphs of the bundled Russian corpus joined until they pass ``tokens`` tokens."""
    from ruadapt.data.bundled import bundled_path

    corpus = bundled_path("ru-corpus").read_text(encoding="utf-8")
    text = ""
    for paragraph in (p.strip() for p in corpus.split("\n\n")):
        if paragraph:
            text += paragraph + "\n\n"
            if len(tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"]) > tokens:
                break
    return text.strip()


def _full_context_bits(model, tokenizer, text: str) -> float:
    """Bits of ``text`` from one forward pass over all of it (independent of the window code)."""
    ids = [tokenizer.bos_token_id] + tokenizer(text, add_special_tokens=False)["input_ids"]
    ids = torch.tensor([ids])
    with torch.no_grad():
        logp = torch.log_softmax(model(ids).logits[0, :-1].float(), -1)
    return -logp.gather(1, ids[0, 1:, None]).sum().item() / math.log(2)


def _old_truncating_bits_per_char(model, tokenizer, text: str, max_length: int = 512) -> float:
    """What ruadapt computed before the fix: the first max_length - 1 tokens, all characters."""
    ids = [tokenizer.bos_token_id] + tokenizer(text, add_special_tokens=False)["input_ids"]
    ids = torch.tensor([ids[:max_length]])
    with torch.no_grad():
        logp = torch.log_softmax(model(ids).logits[0, :-1].float(), -1)
    return -logp.gather(1, ids[0, 1:, None]).sum().item() / math.log(2) / len(text)


@pytest.fixture(scope="module")
def tiny(tiny_model):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    return AutoModelForCausalLM.from_pretrained(tiny_model).eval(), AutoTokenizer.from_pretrained(
        tiny_model
    )


def test_a_text_of_several_windows_scores_within_2_percent_of_one_full_window(tiny):
    model, tok = tiny
    text = _long_russian_text(tok, 700)  # below the 1024 positions
    full = _full_context_bits(model, tok, text) / len(text)
    small = score_texts(model, tok, [text], window=64)  # ~25 windows of 64 tokens, stride 32
    assert small.window == 64 and small.stride == 32
    assert small.tokens == len(tok(text, add_special_tokens=False)["input_ids"])
    assert small.bits_per_char == pytest.approx(full, rel=0.02)
    # one window larger than the text is exactly the full-context computation
    whole = score_texts(model, tok, [text], window=1024)
    assert whole.tokens < 1023
    assert whole.bits_per_char == pytest.approx(full, rel=1e-4)


def test_a_2000_token_text_is_scored_whole_where_the_old_code_truncated_it(tiny):
    model, tok = tiny
    text = _long_russian_text(tok, 2000)
    score = score_texts(model, tok, [text])  # window clamped to the model's 1024 positions
    assert score.tokens > 1900 and score.window == 1024 and score.chars == len(text)
    # reference: each paragraph scored whole in one forward pass, bits summed over the text
    paragraphs = text.split("\n\n")
    reference = sum(_full_context_bits(model, tok, p) for p in paragraphs) / len(text)
    assert score.bits_per_char == pytest.approx(reference, rel=0.05)
    old = _old_truncating_bits_per_char(model, tok, text)
    assert old < 0.5 * score.bits_per_char  # the old figure counted ~1/4 of the bits


def test_summary_reports_what_was_scored_and_per_text_bits_add_up(tiny):
    model, tok = tiny
    texts = ["Привет, мир.", "Hello, world.", _long_russian_text(tok, 300)]
    score = score_texts(model, tok, texts, window=128, batch_size=2)
    summary = score.summary()
    assert summary["scored_chars"] == sum(map(len, texts))
    assert summary["scored_bytes"] == sum(len(t.encode()) for t in texts)
    assert summary["scored_tokens"] == sum(
        len(tok(t, add_special_tokens=False)["input_ids"]) for t in texts
    )
    assert summary["texts"] == 3 and (summary["window"], summary["stride"]) == (128, 64)
    for text, bits in zip(texts[:2], score.text_bits[:2], strict=True):
        assert bits == pytest.approx(_full_context_bits(model, tok, text), rel=1e-4)
    assert summary["bits_per_byte"] == pytest.approx(score.bits / summary["scored_bytes"])
    # the old entry points keep their signatures and give the same numbers
    assert bits_per_char(model, tok, texts, max_length=128) == pytest.approx(score.bits_per_char)
    assert bits_per_byte(model, tok, texts, max_length=128) == pytest.approx(score.bits_per_byte)
    assert not model.training


def test_batching_does_not_change_the_bits(tiny):
    model, tok = tiny
    texts = [_long_russian_text(tok, 400), "Короткий текст.", "Ещё один, чуть длиннее текст."]
    one = score_texts(model, tok, texts, window=96, batch_size=1)
    many = score_texts(model, tok, texts, window=96, batch_size=16)
    assert many.text_bits == pytest.approx(one.text_bits, rel=1e-4)


@pytest.mark.slow
def test_window_consistency_on_the_trained_tiny_model():
    """The same 2% check on a model that has learnt to use context (the cached tiny model)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from ruadapt.tiny import ensure_tiny_model

    path = ensure_tiny_model(progress=False)
    model = AutoModelForCausalLM.from_pretrained(path).eval()
    tok = AutoTokenizer.from_pretrained(path)
    text = _long_russian_text(tok, 700)
    full = _full_context_bits(model, tok, text) / len(text)
    assert score_texts(model, tok, [text], window=64).bits_per_char == pytest.approx(full, rel=0.02)
    long_text = _long_russian_text(tok, 2000)
    new = score_texts(model, tok, [long_text]).bits_per_char
    assert _old_truncating_bits_per_char(model, tok, long_text) < 0.5 * new
