"""A LoRA method trained from a LoRA SFT output loads onto base + SFT, not onto the bare base
(the method leaderboard's chain: sft --adapter lora, then dpo/grpo/... --adapter lora)."""

from __future__ import annotations

import json

import pytest

from ruadapt.models import adapter_base, load_causal_lm
from ruadapt.plugins import load_plugins
from ruadapt.registry import collect
from ruadapt.runner import run


@pytest.fixture(autouse=True)
def one_thread():
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def test_an_adapter_on_a_merged_adapter_keeps_the_first(tiny_model, tiny_data, tmp_path):
    import torch

    registry = collect(load_plugins())
    sft = run("sft", registry, model=tiny_model, data=tiny_data("chat"),
              output=str(tmp_path / "sft"), adapter="lora", max_steps=2,
              sets={"learning_rate": 0.05, "batch_size": 4})  # fmt: skip
    # a second LoRA that barely moves (lr 1e-12): loading it must give exactly base + SFT
    second = run("sft", registry, model=str(sft), data=tiny_data("chat"),
                 output=str(tmp_path / "second"), adapter="lora", max_steps=1,
                 sets={"learning_rate": 1e-12, "batch_size": 4})  # fmt: skip
    assert adapter_base(second) == str(sft.resolve())
    assert json.loads((second / "adapter_config.json").read_text())["base_model_name_or_path"]
    merged_sft = load_causal_lm(str(sft)).state_dict()
    merged_second = load_causal_lm(str(second)).state_dict()
    bare = load_causal_lm(tiny_model).state_dict()
    key = next(k for k in merged_sft if "q_proj.weight" in k)
    assert not torch.equal(merged_sft[key], bare[key]), "the SFT adapter changed nothing"
    for name, value in merged_sft.items():
        assert torch.allclose(merged_second[name], value, atol=1e-6), name


@pytest.mark.parametrize("adapter", [None, "lora"])
def test_a_reward_model_trains_from_a_lora_sft_output(adapter, tiny_model, tiny_data, tmp_path):
    """The leaderboard's reward model starts from the SFT adapter: the causal-LM adapter loads
    onto a sequence classifier, merged, with the SFT's weights in its body."""
    import torch
    from ruadapt_plugins.reward import load_reward_model

    registry = collect(load_plugins())
    sft = run("sft", registry, model=tiny_model, data=tiny_data("chat"),
              output=str(tmp_path / "sft"), adapter="lora", max_steps=2,
              sets={"learning_rate": 0.05, "batch_size": 4})  # fmt: skip
    rm = run("reward", registry, model=str(sft), data=tiny_data("preference"),
             output=str(tmp_path / "rm"), adapter=adapter, max_steps=1,
             sets={"learning_rate": 1e-12, "batch_size": 4})  # fmt: skip
    model, _ = load_reward_model(str(rm))
    merged = load_causal_lm(str(sft)).state_dict()
    key = next(k for k in merged if "q_proj.weight" in k)
    assert torch.allclose(model.state_dict()[key], merged[key], atol=1e-6)
