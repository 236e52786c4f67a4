"""The public building blocks of reference-based methods (ruadapt.completions, ruadapt.run_models)
against what the built-in dpo computes with TRL's DPOTrainer."""

from __future__ import annotations

import pytest
import torch

import ruadapt
from ruadapt.completions import (
    collate_preference,
    completion_logps,
    render_preferences,
    tokenize_preference,
)
from ruadapt.plugins import load_plugins
from ruadapt.registry import collect
from ruadapt.run_models import AdapterDisabled
from ruadapt.runner import Run, configure


def make_run(name, tiny_model, data, tmp_path, **sets) -> Run:
    registry = collect(load_plugins())
    config = configure(
        name, registry, model=tiny_model, data=data, output=str(tmp_path / "out"), sets=sets
    )
    return Run(
        config=config,
        method=registry.methods[name],
        registry=registry,
        output_dir=tmp_path / "out",
        adapter=registry.adapter(config.run.adapter) if config.run.adapter else None,
    )


def dpo_trainer(run, monkeypatch):
    """The DPOTrainer the built-in dpo builds for ``run``, stopped before training."""
    from ruadapt_plugins import _trl, dpo

    seen = {}
    monkeypatch.setattr(_trl, "fit", lambda run, trainer: seen.setdefault("trainer", trainer))
    dpo.train(run, run.config.method)
    return seen["trainer"]


def test_tokenize_and_collate_match_the_builtin_dpo(tiny_model, tiny_data, tmp_path, monkeypatch):
    run = make_run("dpo", tiny_model, tiny_data("preference", 4), tmp_path, batch_size=2)
    trainer = dpo_trainer(run, monkeypatch)
    theirs = [trainer.train_dataset[i] for i in range(len(trainer.train_dataset))]
    ours = [tokenize_preference(record, run.tokenizer) for record in run.dataset]
    keys = ("prompt_ids", "chosen_ids", "rejected_ids")
    assert [{k: r[k] for k in keys} for r in theirs] == ours
    assert all(r["chosen_ids"] != r["rejected_ids"] for r in ours)

    pad = run.tokenizer.pad_token_id
    batch, expected = collate_preference(ours[:2], pad), trainer.data_collator(theirs[:2])
    for key in ("input_ids", "attention_mask", "completion_mask"):
        assert torch.equal(batch[key], expected[key]), key
    # A column dict (dataset[:n]) collates the same as a list of rows.
    columns = {k: [r[k] for r in ours[:2]] for k in keys}
    assert torch.equal(collate_preference(columns, pad)["input_ids"], batch["input_ids"])
    assert collate_preference(ours[:2], pad, max_length=5)["input_ids"].shape[1] == 5


def test_plain_string_pairs_end_with_eos(tiny_model):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_model)
    record = {"prompt": "Небо", "chosen": " голубое", "rejected": " зелёное"}
    out = tokenize_preference(record, tokenizer)
    assert out["chosen_ids"][-1] == tokenizer.eos_token_id
    assert out["prompt_ids"] == tokenizer("Небо")["input_ids"][: len(out["prompt_ids"])]


def test_completion_logps_sums_answer_tokens_only(tiny_model, tiny_data, tmp_path):
    run = make_run("dpo", tiny_model, tiny_data("preference", 2), tmp_path)
    rows = [tokenize_preference(r, run.tokenizer) for r in run.dataset]
    batch = collate_preference(rows, run.tokenizer.pad_token_id)
    model = run.model.eval()
    with torch.no_grad():
        got = completion_logps(model, batch)
        mean = completion_logps(model, batch, average=True)
        for i, row in enumerate(rows):  # chosen rows first
            ids = torch.tensor([row["prompt_ids"] + row["chosen_ids"]])
            logps = torch.log_softmax(model(input_ids=ids).logits[0, :-1].float(), -1)
            token = logps.gather(1, ids[0, 1:, None])[:, 0][len(row["prompt_ids"]) - 1 :]
            assert got[i].item() == pytest.approx(token.sum().item(), abs=1e-4)
            assert mean[i].item() == pytest.approx(token.mean().item(), abs=1e-5)


def test_render_preferences_ends_answers_at_eos(tiny_model, tiny_data, tmp_path):
    run = make_run("simpo", tiny_model, tiny_data("preference", 2), tmp_path)
    run.chat_model()
    rendered = render_preferences(run.dataset, run.tokenizer)
    assert set(rendered.column_names) == {"prompt", "chosen", "rejected"}
    eos = run.tokenizer.eos_token
    assert all(row["chosen"].endswith(eos) and row["rejected"].endswith(eos) for row in rendered)


# ---- run.reference_model() ---------------------------------------------------------------


def test_reference_is_an_exact_frozen_copy(tiny_model, tiny_data, tmp_path):
    run = make_run("dpo", tiny_model, tiny_data("preference", 2), tmp_path)
    policy = run.chat_model()
    ref = run.reference_model()
    assert ref is not policy and not ref.training
    assert not any(p.requires_grad for p in ref.parameters())
    assert any(p.requires_grad for p in policy.parameters())
    for (name, a), (_, b) in zip(policy.named_parameters(), ref.named_parameters(), strict=True):
        assert torch.equal(a, b), name
        assert a.data_ptr() != b.data_ptr()


def test_reference_of_a_lora_policy_is_the_base_with_the_adapter_off(
    tiny_model, tiny_data, tmp_path
):
    run = make_run("dpo", tiny_model, tiny_data("preference", 2), tmp_path, adapter="lora")
    policy = run.chat_model()
    ref = run.reference_model()
    assert isinstance(ref, AdapterDisabled) and ref.policy is policy
    ids = torch.tensor([[1, 2, 3, 4]])
    with torch.no_grad():
        for name, param in policy.named_parameters():  # make the adapter do something
            if "lora_B" in name:
                param.fill_(0.5)
        adapted = policy(input_ids=ids).logits
    base = run.load_model().eval()
    base.resize_token_embeddings(len(run.tokenizer))
    got = ref(input_ids=ids).logits
    assert not got.requires_grad
    assert not torch.allclose(adapted, got, atol=1e-4)
    with torch.no_grad():
        assert torch.allclose(got, base(input_ids=ids).logits, atol=1e-5)


def test_named_reference_with_a_smaller_vocabulary_is_a_user_error(tiny_model, tiny_data, tmp_path):
    run = make_run("dpo", tiny_model, tiny_data("preference", 2), tmp_path)
    run.tokenizer.add_tokens(["новыйтокен1", "новыйтокен2"])
    with pytest.raises(ruadapt.UserError, match=r"reference model .*: vocabulary of \d+ rows"):
        run.reference_model(tiny_model)
