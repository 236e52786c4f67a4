"""Speed with a baseline: each side in its own process, repeats interleaved, ratio intervals."""

from __future__ import annotations

import json
import math

import psutil
import pytest
from ruadapt_evals.intervals import paired_repeats, t95, timing_differences

PROMPTS = [
    {"id": "a", "ru": "Привет, как дела?", "en": "Hi, how are you?"},
    {"id": "b", "ru": "Назови столицу России.", "en": "Name the capital of Russia."},
]


def test_paired_repeats_is_the_geometric_mean_of_pair_ratios_with_a_t_interval():
    model, base = [110.0, 90.0, 105.0, 95.0], [100.0, 100.0, 100.0, 100.0]
    logs = [math.log(m / b) for m, b in zip(model, base, strict=True)]
    mean = sum(logs) / 4
    sd = math.sqrt(sum((x - mean) ** 2 for x in logs) / 3)
    got = paired_repeats(model, base)
    assert got["ratio"] == pytest.approx(math.exp(mean))
    assert got["ratio_ci"] == pytest.approx(
        [math.exp(mean - 3.182 * sd / 2), math.exp(mean + 3.182 * sd / 2)]
    )
    assert not got["excludes_zero"]  # +-10% noise around 1: no difference claimed
    faster = paired_repeats([150.0, 160.0, 155.0], [100.0, 104.0, 99.0])
    assert faster["excludes_zero"] and faster["ratio_ci"][0] > 1
    assert paired_repeats([1.0], [1.0]) == {}
    assert t95(4) == 2.776 and t95(11) == 2.228 and t95(100) == 1.96


def test_timing_differences_pair_repeat_r_with_repeat_r():
    model = {"per_repeat": {"decode_tokens_per_second": [10.0, 20.0], "peak_memory_mb": [5.0]}}
    base = {"per_repeat": {"decode_tokens_per_second": [5.0, 10.0], "peak_memory_mb": [5.0]}}
    got = timing_differences(model, base)
    assert set(got) == {"decode_tokens_per_second"}  # one repeat: no interval
    assert got["decode_tokens_per_second"]["pair_ratios"] == pytest.approx([2.0, 2.0])


@pytest.fixture(scope="module")
def prompts(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("speed") / "prompts.jsonl"
    path.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in PROMPTS))
    return str(path)


def test_model_and_baseline_are_timed_in_their_own_processes(tiny_model, prompts, monkeypatch):
    from ruadapt_evals import speed_isolated
    from ruadapt_evals.suite import evaluate

    started = []
    real_worker = speed_isolated.Worker

    class Spy(real_worker):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            started.append(self.proc.pid)

    monkeypatch.setattr(speed_isolated, "Worker", Spy)
    report = evaluate(
        model=tiny_model,
        baseline=tiny_model,
        prompts=prompts,
        tasks="speed",
        max_new_tokens=3,
        speed_repeats=3,
        speed_warmup=1,
        quiet=True,
    )
    assert len(started) == 2 and not any(psutil.pid_exists(p) for p in started)
    entry = report["tasks"]["speed"]
    for role in ("model", "baseline"):
        assert "own process" in entry[role]["settings"]["isolation"]
        assert len(entry[role]["ru"]["per_repeat"]["decode_tokens_per_second"]) == 3
    diff = entry["model_vs_baseline"]["differences"]["ru"]
    for metric in ("content_chars_per_second", "peak_memory_mb"):
        lo, hi = diff[metric]["ratio_ci"]
        assert lo <= diff[metric]["ratio"] <= hi and diff[metric]["repeats"] == 3
    # each side's peak is its own process's: the same model costs the same memory
    assert diff["peak_memory_mb"]["ratio"] == pytest.approx(1.0, abs=0.1)


def test_in_process_timing_stays_available(tiny_model, prompts):
    from ruadapt_evals.suite import evaluate

    report = evaluate(
        model=tiny_model,
        baseline=tiny_model,
        prompts=prompts,
        tasks="speed",
        max_new_tokens=2,
        speed_repeats=2,
        speed_warmup=0,
        speed_isolation="none",
        quiet=True,
    )
    assert report["tasks"]["speed"]["model"]["settings"]["isolation"] == "in-process"
    assert (
        "content_chars_per_second"
        in report["tasks"]["speed"]["model_vs_baseline"]["differences"]["en"]
    )


def test_a_missing_baseline_fails_with_one_line_from_the_worker(tiny_model, prompts, tmp_path):
    from ruadapt_evals.suite import evaluate

    from ruadapt.errors import UserError

    with pytest.raises(UserError) as info:
        evaluate(
            model=tiny_model,
            baseline=str(tmp_path / "no-such-model"),
            prompts=prompts,
            tasks="speed",
            quiet=True,
        )
    assert "no-such-model" in str(info.value) and "\n" not in str(info.value)


def test_an_unknown_isolation_is_a_user_error():
    from ruadapt_evals.context import EvalOptions

    from ruadapt.errors import UserError

    with pytest.raises(UserError, match="speed_isolation"):
        EvalOptions(speed_isolation="thread")


def test_workers_get_resolved_models_so_building_one_is_charged_to_neither(monkeypatch):
    """The tiny alias is built (or a GGUF converted) in the parent: a worker that built it
    kept that memory and measured 1.40x the other side's peak on a first, uncached run."""
    from ruadapt_evals import speed_isolated

    import ruadapt.models

    built, seen = [], []
    monkeypatch.setattr(
        ruadapt.models, "resolve_model", lambda spec: built.append(spec) or f"/cache/{spec}"
    )

    class Stop(Exception):
        pass

    def worker(role, spec, prompts, options):
        seen.append((role, spec))
        raise Stop

    monkeypatch.setattr(speed_isolated, "Worker", worker)
    with pytest.raises(Stop):
        speed_isolated.interleaved_speed({"model": "tiny", "baseline": "tiny"}, [], None)
    assert built == ["tiny"] and seen == [("model", "/cache/tiny")]
