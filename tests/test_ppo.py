"""The ppo plugin end to end on the tiny model: run contract, resume, learning signal, LoRA."""

from __future__ import annotations

import json
import math

import pytest

import ruadapt
from ruadapt.plugins import load_plugins
from ruadapt.registry import collect
from ruadapt.runner import configure, is_complete, run

LOGGED = (
    "reward_mean",
    "reward_std",
    "kl",
    "kl_coef",
    "entropy",
    "clipfrac",
    "approx_kl",
    "value_loss",
    "policy_loss",
    "explained_variance",
    "response_length",
    "sample",
)
FAST = {"max_new_tokens": 8, "batch_size": 4, "mini_batch_size": 4, "ppo_epochs": 1}


@pytest.fixture(scope="module")
def registry():
    return collect(load_plugins())


@pytest.fixture(autouse=True)
def one_thread():
    """Tiny models run faster on one thread than fighting for shared cores."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def metrics(out):
    return [json.loads(x) for x in (out / "metrics.jsonl").read_text().splitlines() if x]


def test_ppo_writes_the_run_contract_and_resumes(tiny_model, tiny_data, tmp_path, registry):
    data, out = tiny_data("prompts"), tmp_path / "ppo"
    # a constant learning rate: the run is extended from 2 to 3 steps, which moves a decaying
    # schedule (tests/test_ppo_accelerate.py checks the schedule across a resume)
    sets = {**FAST, "rewards": "russian", "save_steps": 1, "lr_scheduler": "constant"}
    run("ppo", registry, model=tiny_model, data=data, output=str(out), max_steps=2, sets=sets)
    assert is_complete(out) and (out / "config.yaml").is_file()
    assert list(out.glob("*.safetensors")) and not list(out.glob("*.bin"))
    assert (out / "value_head.safetensors").is_file()
    lines = metrics(out)
    assert [x["step"] for x in lines] == [1, 2]
    for key in LOGGED:
        assert key in lines[0], key
    # policy == reference before the first update, so the first rollout has no KL
    assert lines[0]["kl"] == pytest.approx(0.0, abs=1e-5)
    assert sorted(p.name for p in (out / "checkpoints").iterdir()) == [
        "checkpoint-1",
        "checkpoint-2",
    ]
    summary = json.loads((out / "run.json").read_text())["ppo"]
    assert summary["iterations"] == 2

    # continue the same run to iteration 3 from checkpoint-2
    run(
        "ppo",
        registry,
        model=tiny_model,
        data=data,
        output=str(out),
        max_steps=3,
        resume=True,
        allow_changes=True,  # a longer run: the change of max_steps is recorded
        sets=sets,
    )
    lines = metrics(out)
    assert [x["step"] for x in lines] == [1, 2, 3]
    assert json.loads((out / "run.json").read_text())["ppo"]["iterations"] == 1
    # the resumed iteration is the one an uninterrupted run computes (weights, optimizer, RNG)
    straight = run(
        "ppo",
        registry,
        model=tiny_model,
        data=data,
        output=str(tmp_path / "straight"),
        max_steps=3,
        sets=sets,
    )
    expected = metrics(straight)[-1]
    assert lines[-1]["sample"] == expected["sample"]
    for key in ("reward_mean", "kl", "loss"):
        assert lines[-1][key] == pytest.approx(expected[key], rel=1e-4, abs=1e-6), key


def test_ppo_passes_the_generic_method_contract(tiny_model, tiny_data, tmp_path):
    from ruadapt.testing import check_method_contract

    check_method_contract(
        "ppo",
        tiny_model,
        tiny_data("prompts", 4),
        tmp_path / "c",
        own_loop=True,
        rewards="length@8",
        **FAST,
    )


def test_ppo_russian_reward_rises_while_kl_stays_finite(tiny_model, tiny_data, tmp_path, registry):
    """The learning signal: rewarding Cyrillic makes a random tiny model write more of it."""
    sets = {
        "rewards": "russian",
        "batch_size": 16,
        "mini_batch_size": 8,
        "ppo_epochs": 2,
        "max_new_tokens": 6,
        "learning_rate": 1e-2,
        "kl_coef": 0.01,
    }
    out = run(
        "ppo",
        registry,
        model=tiny_model,
        data=tiny_data("prompts"),
        output=str(tmp_path / "o"),
        max_steps=8,
        seed=0,
        sets=sets,
    )
    lines = metrics(out)
    first = sum(x["reward_mean"] for x in lines[:2]) / 2
    last = sum(x["reward_mean"] for x in lines[-2:]) / 2
    assert last > first + 0.1, (first, last)
    assert all(math.isfinite(x["kl"]) for x in lines)


def test_lora_reference_is_the_base_with_the_adapter_off(tiny_model):
    """With LoRA the reference is no copy: the base with adapters disabled (B = 0 -> KL 0)."""
    from ruadapt_plugins.lora import LoRAConfig, apply
    from ruadapt_plugins.ppo.recipe import reference_for
    from ruadapt_plugins.ppo.rollout import ValueHead, sample

    from ruadapt.models import load_causal_lm, load_tokenizer

    policy = apply(load_causal_lm(tiny_model), LoRAConfig(lora_r=4, lora_dropout=0.0))
    assert reference_for(policy) is None
    tokenizer = load_tokenizer(tiny_model)
    prompts = [[{"role": "user", "content": "Привет"}], [{"role": "user", "content": "Как дела?"}]]
    ro = sample(
        policy,
        ValueHead(policy.config.hidden_size),
        None,
        tokenizer,
        prompts,
        max_new_tokens=6,
        temperature=1.0,
        top_p=0.9,
        max_prompt_length=64,
    )
    assert ro.logprobs.shape == ro.ref_logprobs.shape == ro.mask.shape
    assert (ro.logprobs - ro.ref_logprobs).abs().max().item() < 1e-5
    # a changed adapter changes the policy but not the reference
    for name, p in policy.named_parameters():
        if "lora_B" in name:
            p.data.normal_(0, 0.5)
    ro2 = sample(
        policy,
        None,
        None,
        tokenizer,
        prompts,
        max_new_tokens=6,
        temperature=1.0,
        top_p=1.0,
        max_prompt_length=64,
    )
    assert (ro2.logprobs - ro2.ref_logprobs).abs().max().item() > 1e-3


def test_response_mask_stops_after_the_first_eos():
    import torch
    from ruadapt_plugins.ppo.rollout import response_mask

    response = torch.tensor([[5, 9, 2, 9], [2, 2, 2, 2], [5, 5, 5, 5]])
    assert response_mask(response, {2}).tolist() == [[1, 1, 1, 0], [1, 0, 0, 0], [1, 1, 1, 1]]


@pytest.mark.parametrize(
    ("sets", "message"),
    [
        ({}, "no reward"),
        ({"rewards": "russian", "top_p": 0}, "top_p"),
        ({"rewards": "russian", "rounds": 2}, "rounds > 1"),
        ({"rewards": "russian", "kl_estimator": "k2"}, "kl_estimator"),
    ],
)
def test_bad_options_fail_before_any_model_loads(registry, sets, message):
    with pytest.raises(ruadapt.UserError, match=message):
        configure("ppo", registry, sets=sets, output="unused")


def test_unknown_rule_reward_is_a_user_error(tiny_model, tiny_data, tmp_path, registry):
    with pytest.raises(ruadapt.UserError, match="unknown reward 'englsh'"):
        run(
            "ppo",
            registry,
            model=tiny_model,
            data=tiny_data("prompts"),
            output=str(tmp_path / "o"),
            max_steps=1,
            sets={**FAST, "rewards": "englsh"},
        )


@pytest.mark.slow
def test_ppo_with_lora_raises_the_russian_reward(tiny_model, tiny_data, tmp_path, registry):
    """The learning signal with --adapter lora (reference = base with the adapter off).

    Writing Russian means moving probability onto Cyrillic tokens; on the random tiny model
    the low-rank update alone barely moves the near-uniform output distribution, so the
    embeddings train in full beside the adapter (as after tokenizer extension).
    """
    sets = {
        "rewards": "russian",
        "batch_size": 16,
        "mini_batch_size": 8,
        "ppo_epochs": 2,
        "max_new_tokens": 6,
        "learning_rate": 1e-2,
        "kl_coef": 0.01,
        "lora_dropout": 0.0,
        "lora_modules_to_save": "embed_tokens,lm_head",
    }
    out = run(
        "ppo",
        registry,
        model=tiny_model,
        data=tiny_data("prompts"),
        output=str(tmp_path / "o"),
        adapter="lora",
        max_steps=12,
        seed=0,
        sets=sets,
    )
    lines = metrics(out)
    first = sum(x["reward_mean"] for x in lines[:3]) / 3
    last = sum(x["reward_mean"] for x in lines[-3:]) / 3
    assert last > first + 0.1, (first, last)
    assert all(math.isfinite(x["kl"]) for x in lines)
    assert (out / "adapter_model.safetensors").is_file()


def test_long_prompts_lose_their_start_not_the_answer_marker(tiny_model):
    from ruadapt_plugins.ppo.rollout import encode_left

    from ruadapt.models import load_tokenizer

    tokenizer = load_tokenizer(tiny_model)
    sides = tokenizer.padding_side, tokenizer.truncation_side
    texts = ["слово " * 200 + "<|im_start|>assistant\n", "коротко<|im_start|>assistant\n"]
    enc = encode_left(tokenizer, texts, max_length=16)
    assert enc["input_ids"].shape == (2, 16)
    tail = tokenizer.encode("<|im_start|>assistant\n", add_special_tokens=False)
    for row in enc["input_ids"].tolist():
        assert row[-len(tail) :] == tail
    assert enc["attention_mask"][1, 0] == 0  # the short prompt is padded on the left
    assert (tokenizer.padding_side, tokenizer.truncation_side) == sides
