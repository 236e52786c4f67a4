"""cpt: which parameters move under train=embeddings / new_rows_only / all / --adapter lora,
and bits per character before/after checked against the formula computed here."""

from __future__ import annotations

import json
import math

import pytest
import torch
from test_tokenizer_extend import ENGLISH_PARAGRAPHS, RUSSIAN_PARAGRAPHS

from ruadapt.errors import UserError
from ruadapt.runner import is_complete, run


@pytest.fixture(scope="module")
def world(tiny_model, tmp_path_factory):
    """An extended tiny model, a Russian text file and a parallel held-out file."""
    from ruadapt.tokenizer.extend_model import extend_model

    root = tmp_path_factory.mktemp("cpt")
    corpus = root / "ru.jsonl"
    with open(corpus, "w", encoding="utf-8") as fh:
        for p in RUSSIAN_PARAGRAPHS * 2:
            fh.write(json.dumps({"text": p}, ensure_ascii=False) + "\n")
    parallel = root / "parallel.jsonl"
    with open(parallel, "w", encoding="utf-8") as fh:
        for ru, en in zip(RUSSIAN_PARAGRAPHS[:3], ENGLISH_PARAGRAPHS[:3], strict=True):
            fh.write(json.dumps({"ru": ru, "en": en}, ensure_ascii=False) + "\n")
    model = root / "ext"
    extend_model(tiny_model, str(corpus), 40, str(model), show_progress=False)
    return {"model": str(model), "data": str(corpus), "parallel": str(parallel), "root": root}


def _cpt(world, name: str, **sets):
    options = {
        "logging_steps": 1,
        "batch_size": 2,
        "max_length": 64,
        "learning_rate": 0.05,
        "bpc_texts": 2,
        "bpc_data": world["parallel"],
        **sets,
    }
    out = run(
        "cpt",
        model=world["model"],
        data=world["data"],
        output=str(world["root"] / name),
        max_steps=2,
        sets=options,
    )
    assert is_complete(out)
    return out


def _weights(path):
    from transformers import AutoModelForCausalLM

    return {
        k: v.detach().clone()
        for k, v in AutoModelForCausalLM.from_pretrained(path).state_dict().items()
    }


def _bpc(path, texts: list[str]) -> float:
    """Bits per character by the definition: sum of -log2 p(token | prefix) over every token
    after a BOS, divided by the characters of the texts."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model, tok = AutoModelForCausalLM.from_pretrained(path), AutoTokenizer.from_pretrained(path)
    bits = 0.0
    for text in texts:
        ids = torch.tensor([[tok.bos_token_id] + tok(text, add_special_tokens=False)["input_ids"]])
        with torch.no_grad():
            logp = torch.log_softmax(model(input_ids=ids).logits[0, :-1].double(), -1)
        bits -= logp.gather(1, ids[0, 1:, None]).sum().item() / math.log(2)
    return bits / sum(map(len, texts))


def test_new_rows_only_moves_only_new_rows_and_reports_bpc(world):
    out = _cpt(world, "rows", new_rows_only=True)
    card = json.loads((out / "run.json").read_text())
    before, after = _weights(world["model"]), _weights(out)
    first_new = json.loads((out.parent / "ext" / "extension.json").read_text())["first_new_id"]
    emb = "model.embed_tokens.weight"
    assert torch.equal(after[emb][:first_new], before[emb][:first_new])
    assert not torch.allclose(after[emb][first_new:], before[emb][first_new:])
    for name in before:
        if name not in (emb, "lm_head.weight"):
            assert torch.equal(after[name], before[name]), name
    bpc = card["bits_per_char"]
    assert set(bpc["before"]) == set(bpc["after"]) == {"ru", "en"}
    ru = [RUSSIAN_PARAGRAPHS[0], RUSSIAN_PARAGRAPHS[1]]
    en = [ENGLISH_PARAGRAPHS[0], ENGLISH_PARAGRAPHS[1]]
    assert bpc["before"]["ru"] == pytest.approx(_bpc(world["model"], ru), abs=1e-3)
    assert bpc["after"]["en"] == pytest.approx(_bpc(out, en), abs=1e-3)
    # only Russian rows moved: English text has no new token, so its bpc is nearly unchanged
    # (the softmax normaliser still sees the new rows)
    assert bpc["after"]["ru"] != bpc["before"]["ru"]


@pytest.mark.slow  # two training runs; the default suite covers cpt through new_rows_only
def test_train_embeddings_and_all(world):
    before = _weights(world["model"])
    emb = _weights(_cpt(world, "emb"))
    layer = "model.layers.0.mlp.up_proj.weight"
    assert not torch.equal(
        emb["model.embed_tokens.weight"][:100], before["model.embed_tokens.weight"][:100]
    )
    assert torch.equal(emb[layer], before[layer])
    full = _weights(_cpt(world, "all", train="all"))
    assert not torch.equal(full[layer], before[layer])


@pytest.mark.slow
def test_adapter_lora_trains_embeddings_too(world):
    out = _cpt(world, "lora", adapter="lora", lora_r=4)
    config = json.loads((out / "adapter_config.json").read_text())
    # tied embeddings: PEFT saves the one shared matrix under embed_tokens
    assert "embed_tokens" in (config["modules_to_save"] or [])
    assert json.loads((out / "run.json").read_text())["adapter"] == "lora"


def test_bad_options_are_user_errors(world):
    with pytest.raises(UserError, match="new_rows_only"):
        _cpt(world, "bad", train="all", new_rows_only=True)
    with pytest.raises(UserError, match="train must be one of"):
        _cpt(world, "bad2", train="head")
