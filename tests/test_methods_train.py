"""Short real training runs on the bundled Russian data: each method's own metric moves the
right way (SFT loss down; DPO, SimPO, KTO reward margin up). Slow: run with ``-m slow``."""

from __future__ import annotations

import json
from statistics import mean

import pytest
import torch

from ruadapt.testing import check_method_contract

pytestmark = pytest.mark.slow

CASES = [
    # method, bundled data, its kind, metric, direction, learning rate
    ("sft", "ru-sft", "chat", "loss", -1, 2e-3),
    ("dpo", "ru-prefs", "preference", "rewards/margins", +1, 5e-4),
    ("simpo", "ru-prefs", "preference", "rewards/margins", +1, 5e-4),
    ("kto", "ru-kto", "binary", "rewards/margins", +1, 5e-4),
]


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.mark.parametrize(("method", "data", "kind", "metric", "direction", "lr"), CASES)
def test_short_run_moves_the_metric(
    method, data, kind, metric, direction, lr, tiny_model, tiny_data, tmp_path
):
    from ruadapt.data import bundled_path

    if not bundled_path(data).is_file():  # until the bundled sets land: the test kit's samples
        data = tiny_data(kind, 64)
    out = tmp_path / method
    from ruadapt.plugins import load_plugins
    from ruadapt.registry import collect
    from ruadapt.runner import run

    run(
        method,
        collect(load_plugins()),
        model=tiny_model,
        data=data,
        output=str(out),
        max_steps=24,
        sets={"batch_size": 4, "logging_steps": 1, "learning_rate": lr, "max_samples": 64},
    )
    lines = [json.loads(x) for x in (out / "metrics.jsonl").read_text().splitlines() if x]
    values = [x[metric] for x in lines if metric in x]
    assert len(values) >= 12  # KTO logs a margin only for batches with both classes
    early, late = mean(values[:6]), mean(values[-6:])
    assert direction * (late - early) > 0, f"{metric}: {early:.4f} -> {late:.4f}"


def test_contract_on_bundled_data(tiny_model, tmp_path):
    from ruadapt.data import bundled_path

    if not bundled_path("ru-prefs").is_file():
        pytest.skip("bundled ru-prefs not present")
    check_method_contract("simpo", tiny_model, "ru-prefs", tmp_path / "simpo", adapter="lora")
