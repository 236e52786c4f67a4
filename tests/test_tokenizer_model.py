"""extend_model end to end on the tiny model, embedding resize/initialisation, and statistics."""

from __future__ import annotations

import json

import pytest
import torch
from helpers import tiny_llama
from test_tokenizer_extend import (
    ENGLISH_PARAGRAPHS,
    RUSSIAN,
    RUSSIAN_PARAGRAPHS,
    byte_level_tokenizer,
    ids,
    sentencepiece_tokenizer,
)

from ruadapt.errors import UserError
from ruadapt.runner import is_complete
from ruadapt.tokenizer.embeddings import resize_and_init_embeddings
from ruadapt.tokenizer.extend import extend_tokenizer
from ruadapt.tokenizer.extend_model import extend_model
from ruadapt.tokenizer.stats import compare_stats, count_words, tokenizer_stats


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus") / "ru.txt"
    path.write_text("\n\n".join(RUSSIAN_PARAGRAPHS * 2) + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def extended_dir(tiny_model, corpus_file, tmp_path_factory):
    out = tmp_path_factory.mktemp("ext") / "model"
    stats = extend_model(tiny_model, corpus_file, 60, str(out), show_progress=False)
    return out, stats


def test_extend_model_writes_complete_output(tiny_model, extended_dir):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    out, stats = extended_dir
    assert is_complete(out)
    card = json.loads((out / "extension.json").read_text())
    base = AutoTokenizer.from_pretrained(tiny_model)
    for key in ("base_vocab_size", "new_tokens", "vocab_size", "init", "base_model"):
        assert card[key] == stats[key]
    assert card["base_vocab_size"] == len(base) and card["new_tokens"] == 60
    assert card["vocab_size"] == len(base) + 60 and card["init"] == "mean"
    tok = AutoTokenizer.from_pretrained(out)
    model = AutoModelForCausalLM.from_pretrained(out)
    assert len(tok) == model.get_input_embeddings().weight.shape[0] == card["vocab_size"]
    assert model.config.vocab_size == card["vocab_size"]
    assert list(out.glob("*.safetensors")) and not list(out.glob("*.bin"))
    assert "Tokenizer extension" in (out / "README.md").read_text()
    # Russian gets cheaper, English is untouched
    assert stats["ru_after"]["tokens"] < stats["ru_before"]["tokens"]
    assert ids(tok, ENGLISH_PARAGRAPHS[0]) == ids(base, ENGLISH_PARAGRAPHS[0])
    # base rows copied unchanged
    base_model = AutoModelForCausalLM.from_pretrained(tiny_model)
    n = len(base)
    assert torch.equal(
        model.get_input_embeddings().weight[:n], base_model.get_input_embeddings().weight
    )


def test_extend_model_refuses_existing_output_and_dry_run_writes_nothing(
    tiny_model, corpus_file, extended_dir, tmp_path
):
    out, _ = extended_dir
    with pytest.raises(UserError, match="exists"):
        extend_model(tiny_model, corpus_file, 5, str(out), show_progress=False)
    with pytest.raises(UserError, match="also an input"):
        extend_model(tiny_model, corpus_file, 5, tiny_model, overwrite=True, show_progress=False)
    target = tmp_path / "dry"
    stats = extend_model(tiny_model, corpus_file, 5, str(target), dry_run=True, show_progress=False)
    assert stats["dry_run"] and stats["new_tokens"] == 5 and not target.exists()
    assert list(tmp_path.iterdir()) == []  # no staging leftovers either


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"new_tokens": "many"}, "new_tokens"),
        ({"new_tokens": -3}, "new_tokens"),
        ({"init": "zeros"}, "init"),
        ({"corpus": "missing.txt"}, "missing.txt"),
        ({"model": "no/such/dir/"}, "does not exist"),
    ],
)
def test_extend_model_user_errors(tiny_model, corpus_file, tmp_path, kwargs, message):
    args = {"model": tiny_model, "corpus": corpus_file, "new_tokens": 5, **kwargs}
    with pytest.raises(UserError, match=message):
        extend_model(output=str(tmp_path / "o"), show_progress=False, **args)


def _piece_bytes(piece: str, family: str) -> int:
    """UTF-8 bytes a base piece stands for (the ``wmean`` weight), computed independently."""
    if family == "gpt2":
        from transformers.convert_slow_tokenizer import bytes_to_unicode

        decoder = {c: b for b, c in bytes_to_unicode().items()}
        return len(bytes(decoder[c] for c in piece))
    if piece.startswith("<0x") and piece.endswith(">"):
        return 1
    return len(piece.replace("▁", " ").encode())


@pytest.mark.parametrize("tied", [True, False])
@pytest.mark.parametrize("family", ["gpt2", "llama2"])
@pytest.mark.parametrize("init", ["mean", "wmean", "norm", "random"])
def test_resize_and_init(tied, family, init):
    base = byte_level_tokenizer() if family == "gpt2" else sentencepiece_tokenizer()
    result = extend_tokenizer(base, RUSSIAN_PARAGRAPHS, 30, show_progress=False)
    n = len(base)
    model = tiny_llama(n, tied)
    before_in = model.get_input_embeddings().weight.detach().clone()
    before_out = model.get_output_embeddings().weight.detach().clone()
    new = {t.id: t.token for t in result.new_tokens}
    info = resize_and_init_embeddings(model, base, result.tokenizer, new, init=init)
    w_in = model.get_input_embeddings().weight.detach()
    w_out = model.get_output_embeddings().weight.detach()
    assert info["tied"] == tied and w_in.shape[0] == w_out.shape[0] == n + 30
    assert (w_in.data_ptr() == w_out.data_ptr()) == tied
    assert torch.equal(w_in[:n], before_in) and torch.equal(w_out[:n], before_out)
    backend = base.backend_tokenizer.model
    for t in result.new_tokens:
        parts = [p.id for p in backend.tokenize(t.token)]
        assert len(parts) >= 2 or t.merge is None
        for weight, ref in ((w_in, before_in), (w_out, before_out)):
            if init == "mean":
                expected = ref[parts].mean(0)
            elif init == "wmean":
                pieces = base.convert_ids_to_tokens(parts)
                w = torch.tensor([float(_piece_bytes(p, family)) for p in pieces])
                expected = (ref[parts] * w[:, None]).sum(0) / w.sum()
            elif init == "norm":
                # the mean's direction at the pieces' mean length
                mean = ref[parts].mean(0)
                expected = mean / mean.norm() * ref[parts].norm(dim=1).mean()
            else:
                continue
            torch.testing.assert_close(weight[t.id], expected)
    if init == "random":
        new_rows = w_in[n:]
        # drawn around the base statistics, all different
        assert torch.unique(new_rows, dim=0).shape[0] == new_rows.shape[0]
        assert abs(new_rows.std().item() - before_in.std().item()) < 0.5 * before_in.std().item()


def test_wmean_differs_from_mean_when_pieces_differ_in_length():
    base = byte_level_tokenizer()
    result = extend_tokenizer(base, RUSSIAN_PARAGRAPHS, 60, show_progress=False)
    new = {t.id: t.token for t in result.new_tokens}
    rows = {}
    for init in ("mean", "wmean"):
        model = tiny_llama(len(base), True)
        resize_and_init_embeddings(model, base, result.tokenizer, new, init=init)
        rows[init] = model.get_input_embeddings().weight.detach()[len(base) :]
    assert not torch.allclose(rows["mean"], rows["wmean"])


@pytest.mark.parametrize("scale", [0.0, 0.25, 1.0])
def test_norm_scale_moves_the_length_part_of_the_way(scale):
    base = byte_level_tokenizer()
    result = extend_tokenizer(base, RUSSIAN_PARAGRAPHS, 30, show_progress=False)
    model = tiny_llama(len(base), True)
    ref = model.get_input_embeddings().weight.detach().clone()
    new = {t.id: t.token for t in result.new_tokens}
    resize_and_init_embeddings(model, base, result.tokenizer, new, init="norm", norm_scale=scale)
    weight = model.get_input_embeddings().weight.detach()
    backend = base.backend_tokenizer.model
    for t in result.new_tokens:
        parts = [p.id for p in backend.tokenize(t.token)]
        mean = ref[parts].mean(0)
        # the mean's direction; its length moved `scale` of the way to the pieces' mean length
        length = mean.norm() + scale * (ref[parts].norm(dim=1).mean() - mean.norm())
        torch.testing.assert_close(weight[t.id], mean / mean.norm() * length)


@pytest.mark.parametrize("scale", [-0.1, 1.5, "half"])
def test_norm_scale_outside_zero_to_one_rejected(scale):
    base = byte_level_tokenizer()
    with pytest.raises(UserError, match="norm_scale"):
        resize_and_init_embeddings(
            tiny_llama(len(base), True), base, base, {}, init="norm", norm_scale=scale
        )


def test_unknown_init_rejected():
    base = byte_level_tokenizer()
    with pytest.raises(UserError, match="init"):
        resize_and_init_embeddings(tiny_llama(len(base), True), base, base, {}, init="zeros")


def test_tokenizer_stats_counts():
    tok = byte_level_tokenizer()
    texts = ["Привет, мир!", "ёж и Ёлка — 2025 год."]
    stats = tokenizer_stats(tok, texts)
    assert stats["words"] == 2 + 5  # razdel words with a letter or digit; punctuation left out
    assert count_words("Привет, мир!") == 2
    assert stats["chars"] == sum(map(len, texts))
    assert stats["bytes"] == sum(len(t.encode()) for t in texts)
    assert stats["tokens"] == sum(len(ids(tok, t)) for t in texts)
    assert stats["tokens_per_word"] == round(stats["tokens"] / stats["words"], 4)
    assert stats["chars_per_token"] == round(stats["chars"] / stats["tokens"], 4)
    assert stats["tokens_per_byte"] == round(stats["tokens"] / stats["bytes"], 4)


def test_compare_stats_premium_and_reduction():
    base = byte_level_tokenizer()
    new = extend_tokenizer(base, RUSSIAN_PARAGRAPHS, 150, show_progress=False).tokenizer
    parallel = {"ru": [RUSSIAN], "en": ENGLISH_PARAGRAPHS}
    out = compare_stats({"base": base, "extended": new}, parallel)
    b, e = out["tokenizers"]["base"], out["tokenizers"]["extended"]
    assert b["ru_en_ratio"] == round(b["ru"]["tokens"] / b["en"]["tokens"], 4)
    assert e["ru_en_ratio"] < b["ru_en_ratio"]
    assert e["en"] == b["en"]  # English untouched
    assert out["reduction"]["en"]["tokens_pct"] == 0
    assert out["reduction"]["ru"]["tokens_pct"] > 30
    assert e["cyrillic_vocab_share"] > b["cyrillic_vocab_share"] > 0
