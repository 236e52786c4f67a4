"""Tests of the ORPO plugin, run against the installed package (`pip install .`).

The fixtures `tiny_model` and `tiny_data` come from ruadapt's pytest plugin
(`ruadapt.testing`), loaded automatically wherever ruadapt is installed.
"""

from __future__ import annotations

import json
import math

import pytest
import ruadapt_orpo
import torch

import ruadapt
from ruadapt.plugins import load_plugins
from ruadapt.registry import collect
from ruadapt.testing import check_method_contract, check_method_resumes


def test_orpo_is_registered_through_its_entry_point():
    plugins = load_plugins()
    registry = collect(plugins)
    method = registry.methods["orpo"]
    assert method.data_kind == "preference" and not method.reference_model
    assert registry.owners[("method", "orpo")] == "orpo"
    assert plugins.origins["orpo"].distribution == "ruadapt-orpo"
    assert "orpo" not in plugins.warnings  # the installed ruadapt is one we declare


@pytest.mark.parametrize("beta", [0.0, -1.0, float("nan")])
def test_out_of_range_beta_is_a_user_error(beta):
    with pytest.raises(ruadapt.UserError, match="beta must be > 0"):
        ruadapt_orpo.ORPOConfig(beta=beta)


def test_odds_ratio_loss_matches_the_formula_by_hand():
    # P(w) = 0.5, P(l) = 0.2 -> odds 1 and 0.25, log odds ratio = log 4.
    chosen = torch.tensor([math.log(0.5)], dtype=torch.float64)
    rejected = torch.tensor([math.log(0.2)], dtype=torch.float64)
    nll, beta = torch.tensor(1.5, dtype=torch.float64), 0.3
    expected = 1.5 - 0.3 * math.log(1 / (1 + math.exp(-math.log(4.0))))  # 1.5 + 0.3 * log 1.25
    got = ruadapt_orpo.odds_ratio_loss(chosen, rejected, nll, beta)
    assert got.item() == pytest.approx(expected, rel=1e-9)
    assert got.item() == pytest.approx(1.5 + 0.3 * math.log(1.25), rel=1e-9)
    # Preferring the rejected answer costs more than preferring the chosen one.
    assert ruadapt_orpo.odds_ratio_loss(rejected, chosen, nll, beta).item() > got.item()


def _answer_logps(model, input_ids: list[int], labels: list[int]) -> tuple[float, float, int]:
    """(mean log-prob of answer tokens, summed NLL of all tokens, number of NLL tokens)."""
    ids = torch.tensor([input_ids])
    with torch.no_grad():
        logprobs = torch.log_softmax(model(ids).logits[0, :-1].double(), dim=-1)
    targets = ids[0, 1:]
    token_logps = logprobs.gather(-1, targets[:, None])[:, 0]
    answer = torch.tensor(labels[1:]) != -100
    return (
        token_logps[answer].mean().item(),
        -token_logps.sum().item(),
        len(targets),
    )


def test_trainer_loss_matches_the_formula(tiny_model, tiny_data, tmp_path):
    """TRL's ORPO loss on a batch == the paper's formula computed here, pair by pair."""
    from ruadapt.runner import Run, configure

    registry = collect(load_plugins())
    config = configure(
        "orpo", registry, model=tiny_model, data=tiny_data("preference", n=2),
        output=str(tmp_path / "out"), sets={"beta": 0.25, "batch_size": 2},
    )  # fmt: skip
    run = Run(config=config, method=registry.methods["orpo"], registry=registry,
              output_dir=tmp_path / "out")  # fmt: skip
    trainer = ruadapt_orpo.build_trainer(run, config.method)
    rows = [trainer.train_dataset[i] for i in range(2)]
    model = trainer.model.eval()
    with torch.no_grad():
        loss, metrics = trainer.get_batch_loss_metrics(model, trainer.data_collator(rows))

    chosen, rejected, nll_sum, nll_count = [], [], 0.0, 0
    for row in rows:
        logps, nll, count = _answer_logps(model, row["chosen_input_ids"], row["chosen_labels"])
        chosen.append(logps)
        nll_sum, nll_count = nll_sum + nll, nll_count + count
        rejected.append(_answer_logps(model, row["rejected_input_ids"], row["rejected_labels"])[0])
    expected = ruadapt_orpo.odds_ratio_loss(
        torch.tensor(chosen), torch.tensor(rejected), torch.tensor(nll_sum / nll_count), 0.25
    )
    assert loss.item() == pytest.approx(expected.item(), rel=1e-4)
    assert metrics["nll_loss"] == pytest.approx(nll_sum / nll_count, rel=1e-4)


def test_orpo_honours_the_run_contract(tiny_model, tiny_data, tmp_path):
    out = check_method_contract("orpo", tiny_model, tiny_data("preference"), tmp_path / "out")
    lines = [json.loads(x) for x in (out / "metrics.jsonl").read_text().splitlines() if x]
    assert all("nll_loss" in x and "log_odds_ratio" in x for x in lines if "loss" in x)
    assert json.loads((out / "run.json").read_text())["orpo_beta"] == 0.1


def test_orpo_resumes_from_its_last_checkpoint(tiny_model, tiny_data, tmp_path):
    check_method_resumes("orpo", tiny_model, tiny_data("preference"), tmp_path / "out")


def test_plugins_command_lists_orpo(capsys):
    import ruadapt.registry
    from ruadapt.cli import main

    ruadapt.registry._cached = None
    with pytest.raises(SystemExit) as exit_:
        main(["plugins", "--json"])
    assert exit_.value.code in (0, None)
    listed = {p["name"]: p for p in json.loads(capsys.readouterr().out)["plugins"]}
    assert listed["orpo"]["distribution"] == "ruadapt-orpo"
    assert listed["orpo"]["registers"] == {"method": ["orpo"]}
