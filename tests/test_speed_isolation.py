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
        speed_ci_target=0,  # exactly 3 repeats (adaptive repeats have their own test below)
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
    settings = entry["model"]["settings"]
    assert settings["repeats"] == 3 and settings["converged"] is None
    # what the model wrote, per generated token, with intervals over the prompts; the same
    # model on both sides writes the same text
    for lang in ("ru", "en"):
        side = entry["model"][lang]
        items = side["per_item"]
        assert items["gen_tokens"] == [3] * len(PROMPTS)
        assert side["letters_per_token"] == pytest.approx(sum(items["gen_letters"]) / 6)
        assert side["letters_per_second"] >= 0 and side["cyrillic_letters_per_second"] >= 0
        assert entry["model_vs_baseline"]["differences"][lang]["chars_per_token"]["ratio"] == 1


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


class FakeWorker:
    """A speed worker without a process: each pass answers the next rate of its side's
    script (the model's rates over a constant baseline of 100)."""

    script: dict[str, list[float]] = {}

    def __init__(self, role, spec, prompts, options):
        from ruadapt_evals.tasks.speed import COUNTS

        self.role, self.calls = role, {"ru": 0, "en": 0}
        facts = {"chars_per_token": 2.0, "words_per_token": 0.5}
        self.static = {"prompts": 1, "device": "cpu", "ru": facts, "en": dict(facts)}
        self.counts = {key: [1] for key in COUNTS}

    def call(self, message):
        from ruadapt_evals.tasks.speed import TIMED

        lang = message["lang"]
        rates = self.script.get(self.role, [])
        k = self.calls[lang]
        self.calls[lang] += 1
        rate = rates[k] if k < len(rates) else (rates[-1] if rates else 100.0)
        sample = {key: rate for key in TIMED} | {"counts": self.counts}
        return {"sample": sample, "peak_bytes": 2**20, "source": "fake"}

    def close(self):
        pass


def adaptive(monkeypatch, tiny_model, model_rates, **options):
    from ruadapt_evals import speed_isolated
    from ruadapt_evals.context import EvalOptions

    monkeypatch.setattr(FakeWorker, "script", {"model": model_rates})
    monkeypatch.setattr(speed_isolated, "Worker", FakeWorker)
    opts = EvalOptions(speed_warmup=0, **options)
    specs = {"model": tiny_model, "baseline": tiny_model}
    return speed_isolated.interleaved_speed(specs, [], opts)["model"]["settings"]


def test_adaptive_repeats_stop_once_the_ratio_interval_is_narrow(monkeypatch, tiny_model):
    from ruadapt_evals.speed_isolated import ratio_half_widths

    # +-20% noise in the first two repeats, then the model times exactly like the baseline
    rates = [120.0, 80.0] + [100.0] * 40
    got = adaptive(monkeypatch, tiny_model, rates, speed_repeats=2, speed_ci_target=0.05)
    n = got["repeats"]
    assert got["converged"] is True and 2 < n < 40 and got["min_repeats"] == 2

    def widths(k):
        side = {
            lang: [{"new_tokens_per_second": r, "decode_tokens_per_second": r} for r in rates[:k]]
            for lang in ("ru", "en")
        }
        base = {
            lang: [{"new_tokens_per_second": 100.0, "decode_tokens_per_second": 100.0}] * k
            for lang in ("ru", "en")
        }
        return max(ratio_half_widths(side, base).values())

    # it stopped at the first repeat count whose interval is within +-5%, not later
    assert widths(n) <= 0.05 < widths(n - 1)
    assert max(got["ci_half_width"].values()) == pytest.approx(widths(n), abs=1e-4)


def test_adaptive_repeats_stop_at_the_cap_and_say_they_did_not_converge(monkeypatch, tiny_model):
    from ruadapt_evals.tables import timing_note

    rates = [130.0, 70.0] * 20  # never settles
    got = adaptive(
        monkeypatch, tiny_model, rates, speed_repeats=2, speed_max_repeats=6, speed_ci_target=0.05
    )
    assert got["repeats"] == 6 and got["converged"] is False and got["max_repeats"] == 6
    note = timing_note({"tasks": {"speed": {"model": {"settings": got}}}})
    assert "6 interleaved repeats" in note and "did NOT converge within 6" in note
    # target 0: exactly speed_repeats, no claim either way
    fixed = adaptive(monkeypatch, tiny_model, rates, speed_repeats=3, speed_ci_target=0)
    assert fixed["repeats"] == 3 and fixed["converged"] is None
    assert timing_note({"tasks": {"speed": {"model": {"settings": fixed}}}}) == ""


def test_a_negative_ci_target_is_a_user_error():
    from ruadapt_evals.context import EvalOptions

    from ruadapt.errors import UserError

    with pytest.raises(UserError, match="speed_ci_target"):
        EvalOptions(speed_ci_target=-0.1)
