"""Each method's first logged loss against DESIGN.md's formula, computed here with plain torch.

The trainer's step-1 loss is computed on the initial weights, on one batch that holds the
whole (tiny) data set, so an independent forward pass on the same records must give the same
number. Log-probabilities are summed (DPO, KTO) or averaged (SimPO) over response tokens
only; SFT averages the cross-entropy over assistant tokens only. Each run goes through the
runner (``check_method_contract``), so the run-output contract is checked too.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

from ruadapt.testing import (
    SAMPLES,
    check_first_loss,
    check_gradient_accumulation,
    check_method_contract,
)

TOL = 1e-4


@pytest.fixture(autouse=True)
def one_thread():
    """Two threads on two shared cores run these tiny steps ~10x slower than one."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def ref_model(tiny_model, tmp_path_factory) -> str:
    """A reference model that differs from the policy (the tiny model plus noise)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(tiny_model)
    generator = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for param in model.parameters():
            param.add_(0.05 * torch.randn(param.shape, generator=generator))
    path = tmp_path_factory.mktemp("ref") / "model"
    model.save_pretrained(path)
    AutoTokenizer.from_pretrained(tiny_model).save_pretrained(path)
    return str(path)


# ---- the independent computation -----------------------------------------------------------


def load(path: str):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    return AutoModelForCausalLM.from_pretrained(path).eval(), AutoTokenizer.from_pretrained(path)


def user(text: str) -> list[dict]:
    return [{"role": "user", "content": text}]


def assistant(text: str) -> list[dict]:
    return [{"role": "assistant", "content": text}]


def split(tokenizer, prompt: list[dict], answer: list[dict]) -> tuple[list[int], list[int]]:
    """(context ids, response ids): the response is what the full conversation adds to the
    prompt rendered with the generation prompt."""
    context = tokenizer.apply_chat_template(prompt, add_generation_prompt=True, tokenize=False)
    full = tokenizer.apply_chat_template(prompt + answer, tokenize=False)
    assert full.startswith(context)
    ctx = tokenizer(context, add_special_tokens=False)["input_ids"]
    ids = tokenizer(full, add_special_tokens=False)["input_ids"]
    assert ids[: len(ctx)] == ctx
    return ctx, ids[len(ctx) :]


def token_logps(model, context: list[int], response: list[int]) -> torch.Tensor:
    """log pi(y_i | x, y_<i) for every response token."""
    ids = torch.tensor([context + response])
    with torch.no_grad():
        logits = model(input_ids=ids).logits[0, :-1].float()
    logps = torch.log_softmax(logits, dim=-1).gather(1, ids[0, 1:, None])[:, 0]
    return logps[len(context) - 1 :]


def metrics(out: Path) -> list[dict]:
    """The training steps of metrics.jsonl (step 0 holds the parameter count)."""
    lines = [json.loads(x) for x in (out / "metrics.jsonl").read_text().splitlines() if x]
    return [x for x in lines if x["step"] >= 1]


def write_jsonl(path: Path, rows: list[dict]) -> str:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return str(path)


# ---- SFT ---------------------------------------------------------------------------------------


def test_sft_loss_is_cross_entropy_of_assistant_tokens_only(tiny_model, tiny_data, tmp_path):
    out = check_method_contract("sft", tiny_model, tiny_data("chat", 2), tmp_path / "sft")
    first = metrics(out)[0]

    model, tokenizer = load(tiny_model)
    answer_logps, all_logps = [], []
    for record in SAMPLES["chat"]:
        prompt, answer = record["messages"][:1], record["messages"][1:]
        ctx, response = split(tokenizer, prompt, answer)
        # the template's generation block is the content and <|im_end|>, not the newline after
        assert tokenizer.decode(response[-1:]) == "\n"
        answer_logps.append(token_logps(model, ctx, response[:-1]))
        all_logps.append(token_logps(model, ctx[:1], ctx[1:] + response))
    expected = -torch.cat(answer_logps).mean().item()  # token mean over the whole batch
    unmasked = -torch.cat(all_logps).mean().item()
    assert first["loss"] == pytest.approx(expected, abs=TOL)
    assert abs(unmasked - expected) > 100 * TOL  # the mask matters on this batch


# ---- DPO ---------------------------------------------------------------------------------------


def dpo_logratios(policy, ref, tokenizer) -> tuple[torch.Tensor, torch.Tensor]:
    chosen, rejected = [], []
    for r in SAMPLES["preference"]:
        for answer, into in ((r["chosen"], chosen), (r["rejected"], rejected)):
            ctx, response = split(tokenizer, user(r["prompt"]), assistant(answer))
            policy_sum = token_logps(policy, ctx, response).sum()
            ref_sum = token_logps(ref, ctx, response).sum()
            into.append(policy_sum - ref_sum)
    return torch.stack(chosen), torch.stack(rejected)


def test_dpo_loss_matches_formula_against_a_named_reference(
    tiny_model, ref_model, tiny_data, tmp_path
):
    beta = 0.5
    out = check_method_contract(
        "dpo",
        tiny_model,
        tiny_data("preference", 2),
        tmp_path / "dpo",
        beta=beta,
        ref=ref_model,
    )
    lines = metrics(out)
    policy, tokenizer = load(tiny_model)
    ref, _ = load(ref_model)
    chosen, rejected = dpo_logratios(policy, ref, tokenizer)
    margin = beta * (chosen - rejected)
    expected = -F.logsigmoid(margin).mean().item()
    assert lines[0]["loss"] == pytest.approx(expected, abs=TOL)
    assert abs(expected - math.log(2)) > 100 * TOL  # policy != reference here
    assert lines[0]["rewards/margins"] == pytest.approx(margin.mean().item(), abs=TOL)
    assert lines[0]["rewards/accuracies"] == pytest.approx((margin > 0).float().mean().item())
    assert {"learning_rate", "tokens_per_second"} <= set(lines[1])


# ---- SimPO -------------------------------------------------------------------------------------


def test_simpo_loss_uses_the_average_log_probability(tiny_model, tiny_data, tmp_path):
    beta, gamma = 2.0, 1.0
    out = check_method_contract(
        "simpo", tiny_model, tiny_data("preference", 2), tmp_path / "simpo", beta=beta, gamma=gamma
    )
    lines = metrics(out)
    model, tokenizer = load(tiny_model)
    averages, sums = {"chosen": [], "rejected": []}, {"chosen": [], "rejected": []}
    for r in SAMPLES["preference"]:
        for key in ("chosen", "rejected"):
            ctx, response = split(tokenizer, user(r["prompt"]), assistant(r[key]))
            # the CPO trainer puts BOS before the prompt, and the answer ends at <|im_end|>
            ctx = [tokenizer.bos_token_id, *ctx]
            assert tokenizer.decode(response[-2:]) == "<|im_end|>\n"
            logps = token_logps(model, ctx, response[:-1])
            averages[key].append(logps.mean())
            sums[key].append(logps.sum())
    reward_w = beta * torch.stack(averages["chosen"])
    reward_l = beta * torch.stack(averages["rejected"])
    expected = -F.logsigmoid(reward_w - reward_l - gamma).mean().item()
    with_sums = -F.logsigmoid(
        beta * (torch.stack(sums["chosen"]) - torch.stack(sums["rejected"])) - gamma
    )
    assert lines[0]["loss"] == pytest.approx(expected, abs=TOL)
    assert abs(with_sums.mean().item() - expected) > 100 * TOL  # averaging matters here
    assert lines[0]["rewards/chosen"] == pytest.approx(reward_w.mean().item(), abs=TOL)
    assert {"learning_rate", "tokens_per_second"} <= set(lines[1])


# ---- KTO ---------------------------------------------------------------------------------------


def kto_rows() -> list[dict]:
    """Three desirable answers and one undesirable: the weights must be rebalanced."""
    good = [("Как называется наша планета?", "Земля."), ("Столица России?", "Москва.")]
    rows = [
        {"prompt": user(p), "completion": assistant(c), "label": True}
        for p, c in [*good, ("Сколько дней в неделе?", "Семь.")]
    ]
    rows.insert(2, {"prompt": user(good[0][0]), "completion": assistant("Mars."), "label": False})
    return rows


def test_kto_loss_matches_formula_with_kl_point_and_rebalanced_weights(
    tiny_model, ref_model, tmp_path
):
    beta, rows = 0.5, kto_rows()
    data = write_jsonl(tmp_path / "kto.jsonl", rows)
    out = check_method_contract(
        "kto",
        tiny_model,
        data,
        tmp_path / "kto",
        beta=beta,
        ref=ref_model,
        batch_size=4,
        shuffle=False,
    )
    first = metrics(out)[0]
    run_info = json.loads((out / "run.json").read_text())["kto"]

    # lambda_D n_D / (lambda_U n_U) in [1, 4/3]: the rarer class (undesirable) is up-weighted
    lambda_d, lambda_u = 1.0, 3 / (7 / 6)
    assert run_info["undesirable_weight"] == pytest.approx(lambda_u)
    assert 1 <= lambda_d * 3 / (lambda_u * 1) <= 4 / 3

    policy, tokenizer = load(tiny_model)
    ref, _ = load(ref_model)

    def logratio(prompt, answer):
        ctx, response = split(tokenizer, prompt, answer)
        return token_logps(policy, ctx, response).sum() - token_logps(ref, ctx, response).sum()

    rewards = [logratio(r["prompt"], r["completion"]) for r in rows]
    # KL point: prompt i with the completion of example i-1 (rotated within the batch)
    mismatched = [logratio(rows[i]["prompt"], rows[i - 1]["completion"]) for i in range(4)]
    z0 = torch.stack(mismatched).mean().clamp(min=0)
    losses = [
        lambda_d * (1 - torch.sigmoid(beta * (r - z0)))
        if row["label"]
        else lambda_u * (1 - torch.sigmoid(beta * (z0 - r)))
        for r, row in zip(rewards, rows, strict=True)
    ]
    expected = torch.stack(losses).mean().item()
    assert first["loss"] == pytest.approx(expected, abs=TOL)
    assert first["kl"] == pytest.approx(z0.item(), abs=TOL)


def test_kto_at_initialisation_is_half_the_weight(tiny_model, tmp_path):
    """policy == reference: every reward and the KL point are 0, each loss is lambda / 2."""
    rows = kto_rows()
    check_first_loss(
        "kto",
        tiny_model,
        write_jsonl(tmp_path / "kto.jsonl", rows),
        tmp_path / "kto",
        (3 * 1.0 * 0.5 + 1 * 2.0 * 0.5) / 4,
        tolerance=1e-6,
        batch_size=4,
        desirable_weight=1.0,
        undesirable_weight=2.0,
    )


def test_dpo_at_initialisation_is_log_2(tiny_model, tiny_data, tmp_path):
    check_first_loss(
        "dpo", tiny_model, tiny_data("preference", 2), tmp_path / "dpo", math.log(2), tolerance=1e-6
    )


@pytest.mark.parametrize(
    ("method", "kind"), [("sft", "chat"), ("dpo", "preference"), ("simpo", "preference")]
)
def test_builtin_losses_are_right_under_gradient_accumulation(
    method, kind, tiny_model, tiny_data, tmp_path
):
    """Batch 2 == 2 accumulated batches of 1 (kto is left out: its KL reference point is an
    average over the batch, so splitting a batch changes the loss by design)."""
    check_gradient_accumulation(method, tiny_model, tiny_data(kind, 2), tmp_path)


def test_sft_without_generation_markers_trains_the_last_answer(
    tiny_model, tiny_data, tmp_path, capsys
):
    """A template TRL cannot mask falls back to prompt/completion: the loss is the last
    answer's (everything the conversation adds after the generation prompt)."""
    template = tmp_path / "plain.jinja"
    template.write_text(
        "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n"
        "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
    )
    out = check_method_contract(
        "sft", tiny_model, tiny_data("chat", 2), tmp_path / "sft", chat_template=str(template)
    )
    assert "completion-only loss" in capsys.readouterr().err
    model, tokenizer = load(tiny_model)
    tokenizer.chat_template = template.read_text()
    logps = []
    for record in SAMPLES["chat"]:
        ctx, response = split(tokenizer, record["messages"][:1], record["messages"][1:])
        logps.append(token_logps(model, ctx, response))
    assert metrics(out)[0]["loss"] == pytest.approx(-torch.cat(logps).mean().item(), abs=TOL)
