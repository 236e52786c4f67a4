"""`ruadapt demo --fast`: the whole packaged recipe end to end, then a re-run that skips it all.

The tiny default is built here with few pretraining steps into a private cache, so the test
does not depend on (or write to) the user's cache and stays near a minute on 2 cores.
"""

from __future__ import annotations

import json

import pytest

from tests.helpers import invoke

STAGES = ("extend", "cpt", "sft", "kto", "simpo", "eval")


@pytest.fixture
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("RUADAPT_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("RUADAPT_TINY_STEPS", "20")
    return tmp_path / "cache"


def test_demo_fast_runs_the_chain_then_skips_it(private_cache, tmp_path, capsys):
    out = tmp_path / "demo"
    code, stdout, stderr = invoke(["demo", "--fast", "-o", str(out)], capsys)
    assert code == 0, stderr[-2000:]
    assert any(private_cache.rglob("config.json")), "the tiny default was not built and cached"

    for stage in STAGES:
        assert (out / stage).is_dir(), f"stage {stage} wrote nothing"
    report = json.loads((out / "eval" / "report.json").read_text())
    tokenization = report["tasks"]["tokenization"]
    before = tokenization["baseline"]["ru"]["tokens_per_word"]
    after = tokenization["model"]["ru"]["tokens_per_word"]
    assert after < before, "the extended tokenizer should spend fewer tokens per Russian word"
    # English is not what the new tokens are for: its tokenization must not change.
    assert tokenization["model"]["en"]["tokens_per_word"] == pytest.approx(
        tokenization["baseline"]["en"]["tokens_per_word"]
    )

    assert "Russian tokens per word" in stdout and f"{before:.2f}" in stdout
    assert str(out / "eval" / "report.html") in stdout

    code, stdout, stderr = invoke(["demo", "--fast", "-o", str(out)], capsys)
    assert code == 0, stderr[-2000:]
    assert stdout.count("config unchanged — skipped") == len(STAGES)
