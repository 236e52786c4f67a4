"""PPO arithmetic against values computed by hand on tiny tensors (DESIGN.md: PPO)."""

from __future__ import annotations

import math

import pytest
import torch
from ruadapt_plugins.ppo import losses


def t(rows):
    return torch.tensor(rows, dtype=torch.float64)


def test_gae_matches_hand_computed_values():
    # gamma = 1, lambda = 0.5; reward 1 on the last token
    # delta = [0 + .2 - .5, 0 + .1 - .2, 1 + 0 - .1] = [-.3, -.1, .9]
    # A2 = .9; A1 = -.1 + .5 * .9 = .35; A0 = -.3 + .5 * .35 = -.125
    adv, ret = losses.gae(t([[0, 0, 1]]), t([[0.5, 0.2, 0.1]]), t([[1, 1, 1]]), 1.0, 0.5)
    assert adv.tolist()[0] == pytest.approx([-0.125, 0.35, 0.9])
    assert ret.tolist()[0] == pytest.approx([0.375, 0.55, 1.0])


def test_gae_discounts_and_ignores_positions_after_the_end():
    # gamma = .9, lambda = 1; the third token is padding: its value/reward must not leak back
    # delta1 = 1 + .9 * 0 - .2 = .8; delta0 = 0 + .9 * .2 - .5 = -.32; A0 = -.32 + .9 * .8 = .4
    adv, ret = losses.gae(t([[0, 1, 7]]), t([[0.5, 0.2, 3.0]]), t([[1, 1, 0]]), 0.9, 1.0)
    assert adv.tolist()[0] == pytest.approx([0.4, 0.8, 0.0])
    assert ret.tolist()[0] == pytest.approx([0.9, 1.0, 0.0])


def test_gae_with_lambda_one_gamma_one_is_return_minus_value():
    rewards, values, mask = t([[0.1, -0.2, 0.5, 1.0]]), t([[0.3, 0.1, 0.0, 0.4]]), t([[1] * 4])
    adv, _ = losses.gae(rewards, values, mask, 1.0, 1.0)
    reward_to_go = rewards.flip(1).cumsum(1).flip(1)
    assert torch.allclose(adv, reward_to_go - values)


def test_clipped_surrogate_matches_formula():
    old = t([[0.0, 0.0, 0.0]])
    new = t([[math.log(1.5), math.log(0.5), math.log(1.1)]])
    adv = t([[1.0, -1.0, 2.0]])
    # per token max(-A r, -A clip(r, .8, 1.2)): max(-1.5, -1.2) = -1.2; max(.5, .8) = .8;
    # max(-2.2, -2.2) = -2.2; clipped term wins on the first two
    loss, stats = losses.policy_loss(new, old, adv, t([[1, 1, 1]]), 0.2)
    assert loss.item() == pytest.approx((-1.2 + 0.8 - 2.2) / 3)
    assert stats["clipfrac"].item() == pytest.approx(2 / 3)
    expected_kl = 0.5 * (math.log(1.5) ** 2 + math.log(0.5) ** 2 + math.log(1.1) ** 2) / 3
    assert stats["approx_kl"].item() == pytest.approx(expected_kl)


def test_clipped_surrogate_ignores_masked_tokens():
    loss, _ = losses.policy_loss(
        t([[0.0, 5.0]]), t([[0.0, 0.0]]), t([[1.0, 100.0]]), t([[1, 0]]), 0.2
    )
    assert loss.item() == pytest.approx(-1.0)


def test_clipped_value_loss_matches_formula():
    values, old, returns = t([[1.0, 0.0]]), t([[0.5, 0.5]]), t([[2.0, 0.4]])
    # V_clip = [.7, .3]; (V - R)^2 = [1, .16]; (V_clip - R)^2 = [1.69, .01]; max = [1.69, .16]
    loss, stats = losses.value_loss(values, old, returns, t([[1, 1]]), 0.2)
    assert loss.item() == pytest.approx(0.5 * (1.69 + 0.16) / 2)
    assert stats["vf_clipfrac"].item() == pytest.approx(0.5)


def test_kl_penalty_on_every_token_and_score_on_the_last():
    kl = t([[0.1, 0.2, 0.3]])
    rewards = losses.token_rewards(t([2.0]), kl, t([[1, 1, 0]]), kl_coef=0.5)
    assert rewards.tolist()[0] == pytest.approx([-0.05, -0.1 + 2.0, 0.0])


def test_kl_estimators():
    logp, ref = t([[math.log(0.5)]]), t([[math.log(0.25)]])
    d = math.log(2)
    assert losses.kl_per_token(logp, ref, "k1").item() == pytest.approx(d)
    assert losses.kl_per_token(logp, ref, "k3").item() == pytest.approx(math.exp(-d) - 1 + d)
    # k3 is never negative, k1 may be
    assert losses.kl_per_token(ref, logp, "k3").item() >= 0 > losses.kl_per_token(ref, logp).item()


def test_adaptive_kl_controller_moves_towards_target():
    ctl = losses.KLController(0.1, target=6.0, horizon=100)
    ctl.update(current_kl=12.0, n_samples=10)  # error clipped to +0.2
    assert ctl.coef == pytest.approx(0.1 * (1 + 0.2 * 10 / 100))
    ctl.update(current_kl=5.4, n_samples=10)  # error -0.1
    assert ctl.coef == pytest.approx(0.1 * 1.02 * (1 - 0.1 * 10 / 100))
    fixed = losses.KLController(0.1)
    fixed.update(100.0, 10)
    assert fixed.coef == 0.1


def test_whitening_and_explained_variance():
    x, mask = t([[1.0, 2.0, 3.0, 99.0]]), t([[1, 1, 1, 0]])
    w = losses.masked_whiten(x, mask)
    assert w[0, :3].tolist() == pytest.approx([-1.0, 0.0, 1.0])  # unbiased std of 1,2,3 is 1
    assert w[0, 3].item() == 0.0
    returns = t([[1.0, 2.0, 3.0, 0.0]])
    assert losses.explained_variance(returns, returns, mask) == pytest.approx(1.0)
    assert losses.explained_variance(t([[2.0, 2.0, 2.0, 0.0]]), returns, mask) == pytest.approx(0.0)


def test_entropy_of_uniform_logits():
    assert losses.entropy_from_logits(torch.zeros(1, 4)).item() == pytest.approx(math.log(4))
