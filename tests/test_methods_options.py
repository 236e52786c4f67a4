"""Method plugins (sft, dpo, simpo, kto): bad input, option checks, KTO weights, CLI runs."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from ruadapt_plugins import kto, simpo

from ruadapt.errors import UserError
from tests.helpers import invoke


@pytest.fixture(autouse=True)
def one_thread():
    """Two threads on two shared cores run these tiny steps ~10x slower than one."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def run_args(model: str, data: str, out, *extra: str) -> list[str]:
    return ["run", "--model", model, "--data", data, "-o", str(out), *extra]


@pytest.mark.parametrize(
    ("method", "given_kind", "needed"),
    [
        ("sft", "preference", "chat"),
        ("dpo", "binary", "preference"),
        ("simpo", "chat", "preference"),
    ],
)
def test_wrong_data_kind_is_one_line_before_the_model_loads(
    method, given_kind, needed, tiny_model, tiny_data, tmp_path, capsys
):
    args = run_args(tiny_model, tiny_data(given_kind, 2), tmp_path / "o", "--plugin", method)
    code, out, err = invoke(args, capsys)
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err
    assert f"needs {needed} data" in err and given_kind in err
    assert "trainable parameters" not in out  # failed before any model was loaded


@pytest.mark.parametrize(
    ("method", "option", "message"),
    [
        ("dpo", "beta=0", "beta must be > 0"),
        ("dpo", "loss_type=nope", "loss_type must be one of sigmoid"),
        ("simpo", "beta=-1", "beta must be > 0"),
        ("kto", "beta=0", "beta must be > 0"),
        ("kto", "desirable_weight=0", "desirable_weight must be > 0"),
        ("sft", "packing_strategy=zip", "packing_strategy must be one of"),
        ("lora", "lora_r=0", "lora_r must be >= 1"),
    ],
)
def test_out_of_range_option_fails_before_any_model_loads(
    method, option, message, tmp_path, capsys
):
    args = run_args("no/such-model", "no-such.jsonl", tmp_path / "o", "--plugin", method)
    code, _, err = invoke([*args, "--set", option], capsys)
    assert code == 1 and message in err and "Traceback" not in err


def test_simpo_gamma_options():
    assert simpo.SimPOConfig(beta=2.0).margin == pytest.approx(1.0)
    assert simpo.SimPOConfig(beta=2.5, gamma_beta_ratio=0.4).margin == pytest.approx(1.0)
    assert simpo.SimPOConfig(beta=2.5, gamma=0.3).margin == pytest.approx(0.3)
    with pytest.raises(UserError, match="not both"):
        simpo.SimPOConfig(gamma=1.0, gamma_beta_ratio=0.5)


@given(st.integers(1, 10_000), st.integers(1, 10_000))
def test_kto_rebalancing_lands_in_the_paper_range(n_desirable, n_undesirable):
    lam_d, lam_u = kto.class_weights(n_desirable, n_undesirable, None, None)
    assert min(lam_d, lam_u) == 1.0  # only the rarer class is up-weighted
    assert 1.0 <= lam_d * n_desirable / (lam_u * n_undesirable) <= 4 / 3 + 1e-12


def test_kto_weights_the_user_set_are_kept():
    assert kto.class_weights(10, 1, 1.0, 3.0) == (1.0, 3.0)
    assert kto.class_weights(10, 1, None, 2.0) == (1.0, 2.0)


def test_report_to_passes_through_and_defaults_to_none():
    from ruadapt_plugins._trl import trl_args
    from trl import DPOConfig

    def fake_run(report_to):
        args = {"output_dir": "x", "use_cpu": True, "report_to": report_to}
        return SimpleNamespace(
            training_arguments=lambda: dict(args), options=SimpleNamespace(max_length=64)
        )

    assert trl_args(DPOConfig, fake_run([]), beta=0.3).report_to == []
    config = trl_args(DPOConfig, fake_run(["tensorboard"]), beta=0.3)
    assert config.report_to == ["tensorboard"] and config.beta == 0.3 and config.max_length == 64


def test_kto_needs_two_examples_per_batch(tiny_model, tiny_data, tmp_path, capsys):
    args = run_args(tiny_model, tiny_data("binary", 2), tmp_path / "o", "--plugin", "kto")
    code, _, err = invoke([*args, "--set", "batch_size=1"], capsys)
    assert code == 1 and "batch_size >= 2" in err


def test_dpo_from_the_cli_with_method_flags(tiny_model, tiny_data, tmp_path, capsys):
    out = tmp_path / "dpo"
    args = run_args(tiny_model, tiny_data("preference", 2), out, "--plugin", "dpo")
    flags = ["--max-steps", "1", "--beta", "0.3", "--loss-type", "ipo"]
    flags += ["--set", "batch_size=2", "--set", "logging_steps=1"]
    code, stdout, err = invoke([*args, *flags], capsys)
    assert code == 0, err
    config = (out / "config.yaml").read_text()
    assert "beta: 0.3" in config and "loss_type: ipo" in config
    lines = [json.loads(x) for x in (out / "metrics.jsonl").read_text().splitlines()]
    # IPO at initialisation: (h - 1/(2 beta))^2 with h = 0
    assert lines[1]["loss"] == pytest.approx((1 / (2 * 0.3)) ** 2, rel=1e-5)
    assert "rewards/margins" in lines[1] and "learning_rate" in lines[1]


def test_kto_splits_preference_pairs_on_request(tiny_model, tiny_data, tmp_path, capsys):
    out = tmp_path / "kto"
    args = run_args(tiny_model, tiny_data("preference", 2), out, "--plugin", "kto")
    code, _, err = invoke([*args, "--max-steps", "1", "--set", "batch_size=2"], capsys)
    assert code == 0, err
    assert "2 desirable, 2 undesirable" in err
    assert json.loads((out / "run.json").read_text())["kto"]["desirable"] == 2


def test_docs_describe_every_option_of_every_method():
    from dataclasses import fields
    from pathlib import Path

    from ruadapt_plugins import dpo, lora, sft

    text = (Path(__file__).parents[1] / "docs" / "methods.md").read_text(encoding="utf-8")
    configs = [sft.SFTConfig, lora.LoRAConfig, dpo.DPOConfig, simpo.SimPOConfig, kto.KTOConfig]
    missing = [f.name for c in configs for f in fields(c) if f"`{f.name}`" not in text]
    assert not missing, f"docs/methods.md does not mention {missing}"


def test_sft_names_conversations_that_truncation_leaves_without_an_answer(
    tiny_model, tmp_path, capsys
):
    data = tmp_path / "chat.jsonl"
    long = {"role": "user", "content": "очень длинный вопрос " * 10}
    short = {"role": "user", "content": "Привет!"}
    answer = {"role": "assistant", "content": "Здравствуйте."}
    data.write_text(
        "".join(
            json.dumps({"messages": [q, answer]}, ensure_ascii=False) + "\n" for q in [long, short]
        )
    )
    args = run_args(tiny_model, str(data), tmp_path / "o", "--plugin", "sft", "--max-steps", "1")
    code, _, err = invoke([*args, "--set", "max_length=48", "--set", "batch_size=2"], capsys)
    assert code == 0, err
    assert "1 of 2 conversations have no answer token left within max_length=48" in err
    args[args.index(str(tmp_path / "o"))] = str(tmp_path / "o2")
    code, _, err = invoke([*args, "--set", "max_length=512", "--set", "batch_size=2"], capsys)
    assert code == 0, err
    assert "no answer token" not in err
