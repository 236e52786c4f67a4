"""grpo and rloo on the tiny model: the group-relative advantages against their formulas, the
learning signal, the run contract, LoRA, and the options' checks."""

from __future__ import annotations

import json

import pytest

import ruadapt
from ruadapt.plugins import load_plugins
from ruadapt.registry import collect
from ruadapt.runner import run

FAST = {"max_new_tokens": 6, "batch_size": 8, "num_generations": 4}


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


def record_batches(monkeypatch, name: str) -> list[dict]:
    """Patch TRL's trainer class so every scored batch (completion ids, advantages) is kept."""
    import trl

    base = getattr(trl, name)
    seen: list[dict] = []

    class Recording(base):
        def _generate_and_score_completions(self, inputs):
            out = super()._generate_and_score_completions(inputs)
            seen.append({k: out[k].detach().clone() for k in ("completion_ids", "advantages")})
            seen[-1]["completion_mask"] = out["completion_mask"].detach().clone()
            seen[-1]["tokenizer"] = self.processing_class
            return out

    monkeypatch.setattr(trl, name, Recording)
    return seen


def rewards_of(batch: dict) -> list[float]:
    """The run's reward (russian:1,length@10:0.5), recomputed from the decoded completions."""
    from ruadapt_plugins.rewards import LengthReward, russian_share

    tokenizer = batch["tokenizer"]
    texts = [
        tokenizer.decode(ids[mask.bool()], skip_special_tokens=True)
        for ids, mask in zip(batch["completion_ids"], batch["completion_mask"], strict=True)
    ]
    length = LengthReward(10)([""] * len(texts), texts)
    return [russian_share(t) + 0.5 * v for t, v in zip(texts, length, strict=True)]


def test_grpo_advantages_are_reward_minus_group_mean_over_group_std(
    tiny_model, tiny_data, tmp_path, registry, monkeypatch
):
    import torch

    seen = record_batches(monkeypatch, "GRPOTrainer")
    sets = {**FAST, "rewards": "russian:1,length@10:0.5", "beta": 0.0}
    run("grpo", registry, model=tiny_model, data=tiny_data("prompts"), output=str(tmp_path / "g"),
        max_steps=2, seed=0, sets=sets)  # fmt: skip
    assert len(seen) == 2
    for batch in seen:
        r = torch.tensor(rewards_of(batch)).view(-1, 4)  # 2 prompts x 4 completions
        expected = []
        for group in r.tolist():
            m = sum(group) / 4
            sd = (sum((x - m) ** 2 for x in group) / 3) ** 0.5  # with Bessel.s correction
            expected += [(x - m) / (sd + 1e-4) for x in group]
        assert torch.allclose(batch["advantages"], torch.tensor(expected), atol=1e-4), (
            batch["advantages"],
            expected,
        )
    assert any(b["advantages"].abs().sum() > 0 for b in seen), "every group tied: no signal"


def test_rloo_advantages_are_reward_minus_mean_of_the_others(
    tiny_model, tiny_data, tmp_path, registry, monkeypatch
):
    import torch

    seen = record_batches(monkeypatch, "RLOOTrainer")
    sets = {**FAST, "rewards": "russian:1,length@10:0.5", "beta": 0.0}
    run("rloo", registry, model=tiny_model, data=tiny_data("prompts"), output=str(tmp_path / "r"),
        max_steps=2, seed=0, sets=sets)  # fmt: skip
    for batch in seen:
        r = rewards_of(batch)
        expected = []
        for g in range(0, len(r), 4):
            group = r[g : g + 4]
            expected += [x - (sum(group) - x) / 3 for x in group]
        assert torch.allclose(batch["advantages"], torch.tensor(expected), atol=1e-4)
        # a group's leave-one-out advantages sum to zero
        assert torch.allclose(batch["advantages"].view(-1, 4).sum(1), torch.zeros(2), atol=1e-4)


@pytest.mark.parametrize("method", ["grpo", "rloo"])
def test_russian_reward_rises(method, tiny_model, tiny_data, tmp_path, registry):
    """The learning signal: rewarding Cyrillic makes a random tiny model write more of it."""
    sets = {
        "rewards": "russian",
        "batch_size": 16,
        "num_generations": 8,
        "max_new_tokens": 6,
        "learning_rate": 3e-2,
        "lr_scheduler": "constant",
        "beta": 0.0,
    }
    out = run(method, registry, model=tiny_model, data=tiny_data("prompts"),
              output=str(tmp_path / method), max_steps=8, seed=0, sets=sets)  # fmt: skip
    lines = [x for x in metrics(out) if "reward" in x]
    first = sum(x["reward"] for x in lines[:2]) / 2
    last = sum(x["reward"] for x in lines[-2:]) / 2
    assert last > first + 0.1, (first, last)
    summary = json.loads((out / "run.json").read_text())["reward"]
    assert summary["reward_last"] > summary["reward_first"]


@pytest.mark.parametrize("method", ["grpo", "rloo"])
def test_run_contract_with_lora_and_a_reward_model(method, tiny_model, tiny_data, tmp_path):
    """LoRA composes (adapter saved, no copied reference adapter), a reward model scores."""
    from ruadapt.testing import check_method_contract

    rm = tmp_path / "rm"
    reg = collect(load_plugins())
    run("reward", reg, model=tiny_model, data=tiny_data("preference", 8), output=str(rm),
        max_steps=1, sets={"batch_size": 2})  # fmt: skip
    out = check_method_contract(
        method,
        tiny_model,
        tiny_data("prompts", 8),
        tmp_path / method,
        adapter="lora",
        reward=str(rm),
        rewards="length@8:0.5",
        batch_size=4,
        num_generations=2,
        max_new_tokens=4,
    )
    assert (out / "adapter_model.safetensors").is_file()
    assert not (out / "ref").exists()
    logged = metrics(out)[-1]
    assert "rewards/reward_model/mean" in logged and "rewards/length@8/mean" in logged


@pytest.mark.parametrize(
    ("sets", "message"),
    [
        ({}, "no reward"),
        ({"rewards": "russian", "num_generations": 1}, "num_generations"),
        ({"rewards": "russian", "num_generations": 3}, "multiple of num_generations"),
        ({"rewards": "russian", "scale_rewards": "all"}, "scale_rewards"),
        ({"rewards": "russian", "beta": -1}, "beta"),
        ({"rewards": "nope"}, "unknown reward 'nope'"),
    ],
)
def test_bad_options_fail_with_one_line(sets, message, tiny_model, tiny_data, tmp_path, registry):
    with pytest.raises(ruadapt.UserError, match=message):
        run("grpo", registry, model=tiny_model, data=tiny_data("prompts", 4),
            output=str(tmp_path / "x"), max_steps=1, sets=sets)  # fmt: skip


def test_help_config_lists_the_options(registry):
    from ruadapt.config import describe

    for name, extra in (("grpo", "scale_rewards"), ("rloo", "normalize_advantages")):
        listed = {row[0] for row in describe(registry.method(name).config)}
        assert {"reward", "rewards", "num_generations", "beta", extra} <= listed
