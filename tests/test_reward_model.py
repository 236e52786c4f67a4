"""The reward plugin: Bradley-Terry loss vs formula, held-out accuracy, `ruadapt reward score`."""

from __future__ import annotations

import json
import math

import pytest
import torch
from ruadapt_plugins.reward import bradley_terry_loss

from ruadapt.plugins import load_plugins
from ruadapt.registry import collect
from ruadapt.runner import is_complete, run
from tests.helpers import invoke

RU = [
    "Москва большой город",
    "Сегодня тёплая погода",
    "Кошка спит на диване",
    "Я люблю книги",
    "Река течёт к морю",
    "Дети играют во дворе",
    "Зимой идёт снег",
    "Мы пьём горячий чай",
    "Солнце светит ярко",
    "Птицы поют утром",
    "Лес шумит под ветром",
    "Поезд пришёл вовремя",
]
EN = [
    "Moscow is a big city",
    "The weather is warm",
    "The cat sleeps",
    "I love books",
    "The river flows",
    "Children play outside",
    "It snows in winter",
    "We drink hot tea",
    "The sun shines",
    "Birds sing at dawn",
    "The forest is noisy",
    "The train came on time",
]
QUESTIONS = ["Расскажи что-нибудь.", "Ответь по-русски.", "Что нового?", "Опиши картину."]


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def ru_over_en_pairs(path, n=40):
    """Preference pairs: a Russian answer is preferred to an English one (distinct pairs)."""
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            record = {
                "prompt": f"{QUESTIONS[i % 4]} ({i})",
                "chosen": RU[i % 12],
                "rejected": EN[(i * 5) % 12],
            }
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return str(path)


def test_bradley_terry_loss_matches_formula():
    rw, rl = torch.tensor([2.0, -1.0]), torch.tensor([1.0, 0.5])
    sig = lambda x: 1 / (1 + math.exp(-x))  # noqa: E731
    plain = -(math.log(sig(1.0)) + math.log(sig(-1.5))) / 2
    assert bradley_terry_loss(rw, rl).item() == pytest.approx(plain)
    with_margin = -(math.log(sig(1.0 - 0.5)) + math.log(sig(-1.5 - 0.5))) / 2
    assert bradley_terry_loss(rw, rl, margin=0.5).item() == pytest.approx(with_margin)
    centred = plain + 0.1 * ((2.0 + 1.0) ** 2 + (-1.0 + 0.5) ** 2) / 2
    assert bradley_terry_loss(rw, rl, center=0.1).item() == pytest.approx(centred)


def test_trl_reward_trainer_loss_is_our_formula(tiny_model):
    """The trainer we delegate to computes exactly BT + margin + centering on a tiny batch."""
    from datasets import Dataset
    from ruadapt_plugins.reward import sequence_classifier
    from trl import RewardConfig, RewardTrainer

    from ruadapt.models import load_tokenizer

    tokenizer = load_tokenizer(tiny_model)
    model = sequence_classifier(tiny_model, tokenizer)
    data = Dataset.from_list(
        [
            {
                "prompt": [{"role": "user", "content": "Привет"}],
                "chosen": [{"role": "assistant", "content": "Здравствуйте!"}],
                "rejected": [{"role": "assistant", "content": "Hi"}],
                "margin": 0.3,
            },
            {
                "prompt": [{"role": "user", "content": "Как дела?"}],
                "chosen": [{"role": "assistant", "content": "Хорошо, спасибо."}],
                "rejected": [{"role": "assistant", "content": "Fine"}],
                "margin": 0.3,
            },
        ]
    )
    args = RewardConfig(
        output_dir="unused", center_rewards_coefficient=0.05, report_to=[], use_cpu=True
    )
    trainer = RewardTrainer(model=model, args=args, train_dataset=data, processing_class=tokenizer)
    batch = trainer.data_collator([trainer.train_dataset[i] for i in range(2)])
    model.eval()
    with torch.no_grad():
        loss = trainer.compute_loss(model, dict(batch))
        rewards = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
    chosen, rejected = rewards.logits.squeeze(-1).chunk(2)
    expected = bradley_terry_loss(chosen, rejected, margin=0.3, center=0.05)
    assert loss.item() == pytest.approx(expected.item(), rel=1e-5)


@pytest.fixture(scope="module")
def trained_rm(tiny_model, tmp_path_factory):
    root = tmp_path_factory.mktemp("rm")
    data = ru_over_en_pairs(root / "prefs.jsonl")
    registry = collect(load_plugins())
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        out = run(
            "reward",
            registry,
            model=tiny_model,
            data=data,
            output=str(root / "rm"),
            max_steps=8,
            seed=0,
            sets={
                "eval_split": 0.25,
                "batch_size": 8,
                "learning_rate": 1e-3,
                "max_length": 64,
                "logging_steps": 1,
            },
        )
    finally:
        torch.set_num_threads(before)
    return out


def test_reward_model_beats_chance_on_held_out_pairs(trained_rm):
    assert is_complete(trained_rm)
    assert list(trained_rm.glob("*.safetensors"))
    summary = json.loads((trained_rm / "run.json").read_text())
    accuracy = summary["pairwise_accuracy"]
    assert accuracy["pairs"] == 10
    assert accuracy["after"] > 0.5  # better than chance on pairs never trained on
    lines = [json.loads(x) for x in (trained_rm / "metrics.jsonl").read_text().splitlines()]
    assert any("loss" in x for x in lines)
    assert any("eval_pairwise_accuracy" in x for x in lines)
    config = json.loads((trained_rm / "config.json").read_text())
    assert config["pad_token_id"] is not None  # the reward is read before the padding


def test_reward_score_command_writes_jsonl(trained_rm, tmp_path, capsys):
    data = tmp_path / "pairs.jsonl"
    rows = [
        {"prompt": "Как дела?", "response": "Хорошо"},
        {
            "prompt": [{"role": "user", "content": "Привет"}],
            "chosen": "Здравствуй",
            "rejected": "Hello",
        },
    ]
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    before = data.read_bytes()
    out = tmp_path / "scores.jsonl"
    code, stdout, _ = invoke(
        ["reward", "score", "--model", str(trained_rm), "--data", str(data), "-o", str(out)], capsys
    )
    assert code == 0, stdout
    scores = [json.loads(x) for x in out.read_text().splitlines()]
    assert [(s["line"], s["field"]) for s in scores] == [
        (1, "response"),
        (2, "chosen"),
        (2, "rejected"),
    ]
    assert all(math.isfinite(s["reward"]) for s in scores)
    assert data.read_bytes() == before


def test_reward_score_rejects_malformed_lines(tmp_path, capsys, tiny_model):
    data = tmp_path / "bad.jsonl"
    data.write_text('{"prompt": "a", "response": "b"}\n{not json\n')
    code, _, err = invoke(
        ["reward", "score", "--model", tiny_model, "--data", str(data), "-o", str(tmp_path / "o")],
        capsys,
    )
    assert code != 0
    assert f"{data}:2" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_ppo_with_reward_model_alternates_rounds(trained_rm, tiny_model, tiny_data, tmp_path):
    """--reward RM --rounds 2: PPO, then RM training on labelled samples, then PPO again."""
    registry = collect(load_plugins())
    out = run(
        "ppo",
        registry,
        model=tiny_model,
        data=tiny_data("prompts"),
        output=str(tmp_path / "p"),
        max_steps=1,
        seed=0,
        sets={
            "reward": str(trained_rm),
            "rewards": "length@10:0.5",
            "rounds": 2,
            "labeler": "russian",
            "comparison_pairs": 8,
            "rm_steps": 2,
            "batch_size": 4,
            "mini_batch_size": 4,
            "ppo_epochs": 1,
            "max_new_tokens": 6,
            "save_steps": 1,
        },
    )
    lines = [json.loads(x) for x in (out / "metrics.jsonl").read_text().splitlines()]
    assert [x["step"] for x in lines if "reward_mean" in x] == [1, 2]
    assert [x["rm_round"] for x in lines if "rm_round" in x] == [1]
    assert is_complete(out)
    assert (out / "reward_model" / "config.json").is_file()  # the RM after the last round
    # RM rounds write no checkpoints among PPO's (resume must find PPO's own)
    names = sorted(p.name for p in (out / "checkpoints").iterdir())
    assert names == ["checkpoint-1", "checkpoint-2"]


def test_lora_reward_model_trains_its_head_and_scores_from_the_adapter(tiny_model, tmp_path):
    """--adapter lora: the score head trains in full and is saved with the adapter, so
    `reward score` on the adapter directory reproduces the trained rewards."""
    from ruadapt_plugins.reward import load_reward_model, score

    data = ru_over_en_pairs(tmp_path / "prefs.jsonl", n=24)
    out = run(
        "reward",
        collect(load_plugins()),
        model=tiny_model,
        data=data,
        adapter="lora",
        output=str(tmp_path / "rm"),
        max_steps=6,
        seed=0,
        sets={"batch_size": 8, "learning_rate": 3e-3, "max_length": 64, "eval_split": 0.0},
    )
    assert (out / "adapter_model.safetensors").is_file()
    summary = json.loads((out / "run.json").read_text())
    assert summary["adapter"] == "lora"
    model, tokenizer = load_reward_model(str(out))
    prompt = [{"role": "user", "content": "Расскажи что-нибудь."}]
    ru, en = score(model, tokenizer, [prompt, prompt], ["Кошка спит на диване", "The cat sleeps"])
    assert ru > en


@pytest.mark.slow
def test_reward_model_on_bundled_preferences_beats_chance(tiny_model, tmp_path):
    """The bundled Russian preference pairs: held-out accuracy above chance after training."""
    from ruadapt.data import bundled_path

    if not bundled_path("ru-prefs").is_file():
        pytest.skip("bundled ru-prefs not present")
    out = run(
        "reward",
        collect(load_plugins()),
        model=tiny_model,
        data="ru-prefs",
        output=str(tmp_path / "rm"),
        max_steps=60,
        seed=0,
        sets={"eval_split": 0.2, "batch_size": 8, "learning_rate": 5e-4, "max_length": 256},
    )
    accuracy = json.loads((out / "run.json").read_text())["pairwise_accuracy"]
    assert accuracy["after"] > 0.5, accuracy


def test_ppo_value_model_initialised_from_the_reward_model(
    trained_rm, tiny_model, tiny_data, tmp_path
):
    """value_model=reward: a separate value model, a trainable copy of the RM (per-token
    values from its score head), saved beside the policy; the RM itself stays frozen."""
    from ruadapt_plugins.reward import load_reward_model
    from safetensors.torch import load_file

    out = run(
        "ppo",
        collect(load_plugins()),
        model=tiny_model,
        data=tiny_data("prompts"),
        output=str(tmp_path / "p"),
        max_steps=2,
        seed=0,
        sets={
            "reward": str(trained_rm),
            "value_model": "reward",
            "batch_size": 4,
            "mini_batch_size": 4,
            "ppo_epochs": 1,
            "max_new_tokens": 6,
            "learning_rate": 1e-3,
        },
    )
    lines = [json.loads(x) for x in (out / "metrics.jsonl").read_text().splitlines()]
    assert len(lines) == 2 and all(math.isfinite(x["value_loss"]) for x in lines)
    values = load_file(str(out / "value_head.safetensors"))
    assert "classifier.score.weight" in values
    rm, _ = load_reward_model(str(trained_rm))
    assert not torch.equal(values["classifier.score.weight"], rm.score.weight)  # it trained
