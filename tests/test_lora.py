"""The LoRA adapter: options, trainable-parameter count, composition, reference, merge."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import torch
from ruadapt_plugins import lora

from ruadapt.errors import UserError
from ruadapt.testing import check_method_contract
from tests.helpers import invoke


@pytest.fixture(autouse=True)
def one_thread():
    """Two threads on two shared cores run these tiny steps ~10x slower than one."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def base(path: str):
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM.from_pretrained(path)


def metrics(out: Path) -> list[dict]:
    return [json.loads(x) for x in (out / "metrics.jsonl").read_text().splitlines() if x]


def test_options_map_onto_peft(tiny_model):
    model = base(tiny_model)
    config = lora.LoRAConfig(
        lora_r=4,
        lora_alpha=8,
        lora_dropout=0.0,
        lora_target_modules=["q_proj", "v_proj"],
        use_dora=True,
        use_rslora=True,
        lora_modules_to_save=["embed_tokens", "lm_head"],
    )
    peft = lora.peft_config(config, model)
    assert (peft.r, peft.lora_alpha, peft.use_dora, peft.use_rslora) == (4, 8, True, True)
    assert set(peft.target_modules) == {"q_proj", "v_proj"}
    assert peft.modules_to_save == ["embed_tokens", "lm_head"]
    assert peft.ensure_weight_tying  # the tiny model ties embeddings and lm_head
    assert lora.peft_config(lora.LoRAConfig(), model).target_modules == "all-linear"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("lora_r", 0, "lora_r must be >= 1"),
        ("lora_alpha", 0, "lora_alpha must be > 0"),
        ("lora_dropout", 1.0, "lora_dropout must be in [0, 1)"),
        ("lora_target_modules", [], "lora_target_modules must name"),
    ],
)
def test_out_of_range_options_fail_before_any_model_loads(field, value, message):
    from ruadapt.plugins import load_plugins
    from ruadapt.registry import collect
    from ruadapt.runner import configure

    with pytest.raises(UserError, match=message.replace("[", r"\[").replace(")", r"\)")):
        configure("lora", collect(load_plugins()), model="no/such-model", sets={field: value})


def test_unknown_target_module_names_the_real_ones(tiny_model):
    with pytest.raises(UserError, match="its linear layers are .*q_proj"):
        lora.apply(base(tiny_model), lora.LoRAConfig(lora_target_modules=["qkv"]))


def test_trainable_count_is_r_times_in_plus_out_of_every_linear_layer(tiny_model):
    model = base(tiny_model)
    r = 4
    linears = [
        m
        for name, m in model.named_modules()
        if isinstance(m, torch.nn.Linear) and not name.endswith("lm_head")
    ]
    expected = sum(r * (m.in_features + m.out_features) for m in linears)
    wrapped = lora.apply(model, lora.LoRAConfig(lora_r=r))
    trainable = sum(p.numel() for p in wrapped.parameters() if p.requires_grad)
    assert trainable == expected
    assert 0 < trainable < sum(p.numel() for p in wrapped.parameters()) / 10


def test_rslora_scales_by_alpha_over_sqrt_r(tiny_model):
    wrapped = lora.apply(base(tiny_model), lora.LoRAConfig(lora_r=4, lora_alpha=8, use_rslora=True))
    layer = wrapped.base_model.model.model.layers[0].self_attn.q_proj
    assert layer.scaling["default"] == pytest.approx(8 / math.sqrt(4))


def test_lora_method_trains_merges_and_logs_its_parameter_count(
    tiny_model, tiny_data, tmp_path, capsys
):
    out = check_method_contract("lora", tiny_model, tiny_data("chat", 4), tmp_path / "lora")
    assert (out / "adapter_model.safetensors").is_file() and (out / "adapter_config.json").is_file()
    printed = capsys.readouterr().out
    run_info = json.loads((out / "run.json").read_text())
    head = metrics(out)[0]
    assert head["step"] == 0 and head["trainable_parameters"] == run_info["trainable_parameters"]
    assert f"trainable parameters: {head['trainable_parameters']:,} of" in printed
    assert head["trainable_parameters"] < head["total_parameters"] / 5

    merged = tmp_path / "merged"
    code, stdout, err = invoke(["merge", str(out), "-o", str(merged)], capsys)
    assert code == 0, err
    assert (merged / "model.safetensors").is_file() and not (
        merged / "adapter_config.json"
    ).exists()

    from peft import PeftModel

    ids = torch.tensor([[5, 17, 42, 99, 7]])
    adapted = PeftModel.from_pretrained(base(tiny_model), str(out)).eval()
    standalone = base(str(merged)).eval()
    with torch.no_grad():
        expected, got = adapted(ids).logits, standalone(ids).logits
        plain = base(tiny_model).eval()(ids).logits
    assert torch.allclose(got, expected, atol=1e-4)
    assert not torch.allclose(got, plain, atol=1e-4)  # the adapter did change the model

    code, _, err = invoke(["merge", str(out), "-o", str(merged)], capsys)
    assert code == 1 and "--overwrite" in err and "Traceback" not in err
    code, _, err = invoke(["merge", str(tmp_path), "-o", str(tmp_path / "m2")], capsys)
    assert code == 1 and "not an adapter directory" in err


def test_dpo_with_lora_uses_the_base_as_reference_without_a_copy(
    tiny_model, tiny_data, tmp_path, monkeypatch
):
    """No second model: TRL's ref adapter is dropped, the reference is adapters-off."""
    from ruadapt_plugins import _trl

    seen = {}
    original_fit = _trl.fit

    def spy(run, trainer):
        model = trainer.model
        seen["ref_model"] = trainer.ref_model
        seen["adapters"] = set(model.peft_config)
        seen["params"] = sum(p.numel() for p in model.parameters())
        seen["lora"] = sum(p.numel() for n, p in model.named_parameters() if "lora_" in n)
        original_fit(run, trainer)

    monkeypatch.setattr(_trl, "fit", spy)
    out = check_method_contract(
        "dpo", tiny_model, tiny_data("preference", 2), tmp_path / "dpo", adapter="lora"
    )
    assert seen["ref_model"] is None and seen["adapters"] == {"default"}
    plain = sum(p.numel() for p in base(tiny_model).parameters())
    assert seen["params"] == plain + seen["lora"]  # one base in memory, plus the adapter
    assert 0 < seen["lora"] < plain / 5
    first = metrics(out)[1]  # line 0 is the parameter count
    assert first["loss"] == pytest.approx(math.log(2), abs=1e-6)  # B = 0: policy == base
    assert "ref" not in (out / "adapter_config.json").read_text()


@pytest.mark.parametrize(
    ("method", "kind"), [("simpo", "preference"), ("kto", "binary"), ("cpt", "text")]
)
def test_adapter_composes_with_other_methods(method, kind, tiny_model, tiny_data, tmp_path):
    out = check_method_contract(
        method, tiny_model, tiny_data(kind, 4), tmp_path / method, adapter="lora", lora_r=2
    )
    assert (out / "adapter_model.safetensors").is_file()
    assert json.loads((out / "run.json").read_text())["adapter"] == "lora"


def test_a_full_method_after_a_lora_stage_trains_the_merged_model(tiny_model, tiny_data, tmp_path):
    """The demo chain: LoRA SFT, then KTO on its output (PEFT loads adapters frozen)."""
    from ruadapt.models import load_causal_lm

    sft = check_method_contract("lora", tiny_model, tiny_data("chat", 4), tmp_path / "sft")
    merged = load_causal_lm(str(sft))
    assert all(p.requires_grad for p in merged.parameters())
    kto = check_method_contract("kto", str(sft), tiny_data("binary", 4), tmp_path / "kto")
    assert (kto / "model.safetensors").is_file()
    assert any(m.get("loss") is not None for m in metrics(kto))
