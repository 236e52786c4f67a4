"""``ruadapt report``: several eval and training runs side by side."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import invoke

PROMPTS = [
    {"id": "a", "ru": "Привет, мир.", "en": "Hello, world."},
    {"id": "b", "ru": "Как дела у тебя?", "en": "How are you doing?"},
]


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread():
    """Tiny models run fastest on one thread, and 2 cores shared by parallel test runs make
    torch's spinning worker threads stall each other badly."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def evals(tiny_model, tmp_path_factory) -> dict[str, Path]:
    """Two cheap eval outputs (tokenization + lm), each evaluating a fake training run."""
    from ruadapt_evals.suite import evaluate

    root = tmp_path_factory.mktemp("runs")
    prompts = root / "prompts.jsonl"
    prompts.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in PROMPTS))
    out = {}
    for method, seconds, memory in (("dpo", 12.5, 900.0), ("simpo", 10.0, 700.0)):
        run = root / method
        run.mkdir()
        (run / "run.json").write_text(
            json.dumps({"status": "complete", "plugin": method, "seconds": seconds})
        )
        lines = [{"step": 1, "loss": 0.9}, {"step": 2, "loss": 0.5, "peak_memory_mb": memory}]
        (run / "metrics.jsonl").write_text(
            "".join(json.dumps(x) + "\n" for x in lines) + '{"step": 3, "lo'  # cut by a crash
        )
        evaluate(
            output=str(root / f"eval-{method}"),
            model=tiny_model,
            prompts=str(prompts),
            tasks="tokenization,lm",
            quiet=True,
        )
        # the eval names the trained model, as a pipeline's eval stage does
        report_path = root / f"eval-{method}" / "report.json"
        report = json.loads(report_path.read_text())
        report["model"]["path"] = str(run)
        report_path.write_text(json.dumps(report))
        out[method] = root / f"eval-{method}"
    return out


def test_compare_runs_puts_eval_metrics_and_training_cost_side_by_side(evals, tmp_path):
    from ruadapt_evals.compare import compare_runs

    result = compare_runs(str(tmp_path / "cmp"), {"DPO": evals["dpo"], "SimPO": evals["simpo"]})
    assert [r["label"] for r in result["runs"]] == ["DPO", "SimPO"]
    for run, method in zip(result["runs"], ("dpo", "simpo"), strict=True):
        source = json.loads((evals[method] / "report.json").read_text())
        want = source["tasks"]["lm"]["model"]["ru"]["bits_per_char"]
        assert run["eval"]["metrics"]["lm.bits_per_char"]["ru"] == pytest.approx(want)
        assert run["training"]["plugin"] == method
    dpo, simpo = (r["training"] for r in result["runs"])
    assert (dpo["train_seconds"], dpo["peak_memory_mb"], dpo["final_loss"]) == (12.5, 900.0, 0.5)
    assert simpo["peak_memory_mb"] == 700.0
    md = (tmp_path / "cmp" / "report.md").read_text()
    assert "| metric | DPO | SimPO |" in md and "training: peak_memory_mb" in md
    page = (tmp_path / "cmp" / "report.html").read_text()
    assert "data:image/png;base64," in page
    assert json.loads((tmp_path / "cmp" / "report.json").read_text())["kind"] == "comparison"


def test_cli_report_labels_runs_by_folder_and_a_comparison_is_not_an_eval(evals, tmp_path, capsys):
    out = tmp_path / "cmp"
    code, stdout, err = invoke(
        ["report", str(evals["dpo"]), str(evals["simpo"]), "-o", str(out)], capsys
    )
    assert code == 0, err
    assert "compared 2 runs" in stdout
    md = (out / "report.md").read_text()
    assert "| metric | eval-dpo | eval-simpo |" in md
    # a comparison folder holds no eval report to compare
    code, _, err = invoke(["report", str(out), "-o", str(tmp_path / "again")], capsys)
    assert code != 0 and "no report.json (eval) or run.json" in err


def test_cli_report_errors_are_one_line(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = invoke(["report", str(tmp_path / "missing"), "-o", str(tmp_path / "o")], capsys)
    assert code != 0 and "missing: not a folder" in err and "Traceback" not in err
    code, _, err = invoke(["report", str(empty), "-o", str(tmp_path / "o")], capsys)
    assert code != 0 and "empty: no report.json" in err
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "report.json").write_text("{not json")
    code, _, err = invoke(["report", str(broken), "-o", str(tmp_path / "o")], capsys)
    assert code != 0 and "report.json: unreadable JSON" in err


def test_eval_output_refuses_a_folder_with_other_work(tmp_path):
    from ruadapt_evals.suite import check_output

    from ruadapt.errors import UserError

    (tmp_path / "model.safetensors").write_text("x")
    with pytest.raises(UserError, match="not an eval report"):
        check_output(tmp_path, overwrite=True)
    leftovers = tmp_path / "half"
    (leftovers / "plots").mkdir(parents=True)
    (leftovers / "report.md").write_text("interrupted")
    with pytest.raises(UserError, match="--overwrite"):
        check_output(leftovers, overwrite=False)
    assert check_output(leftovers, overwrite=True) == leftovers


def test_comparison_shows_intervals_and_marks_a_paired_difference_from_the_first_run(
    evals, tmp_path
):
    import shutil

    from ruadapt_evals.compare import compare_runs

    # a third run: the same items, every Russian text 20% more bits than the first run
    worse = tmp_path / "worse"
    shutil.copytree(evals["simpo"], worse)
    report = json.loads((worse / "report.json").read_text())
    ru = report["tasks"]["lm"]["model"]["ru"]
    ru["per_item"]["bits"] = [1.2 * b for b in ru["per_item"]["bits"]]
    ru["bits_per_char"] *= 1.2
    (worse / "report.json").write_text(json.dumps(report))
    result = compare_runs(
        str(tmp_path / "cmp"), {"DPO": evals["dpo"], "SimPO": evals["simpo"], "worse": worse}
    )
    dpo, simpo, bad = (r["eval"] for r in result["runs"])
    lo, hi = dpo["intervals"]["lm.bits_per_char"]["ru"]
    assert lo <= dpo["metrics"]["lm.bits_per_char"]["ru"] <= hi
    assert "vs_first" not in dpo
    same = simpo["vs_first"]["lm.bits_per_char"]["ru"]
    assert same["difference"] == 0 and not same["excludes_zero"]
    moved = bad["vs_first"]["lm.bits_per_char"]
    assert moved["ru"]["excludes_zero"] and moved["ru"]["ratio"] == pytest.approx(1.2)
    assert not moved["en"]["excludes_zero"]
    md = (tmp_path / "cmp" / "report.md").read_text()
    row = next(
        line for line in md.splitlines() if line.startswith("| bits_per_char (bits/char) ↓ ru")
    )
    assert row.count("[") == 3 and row.rstrip(" |").endswith("*")


def test_change_bars_colour_by_the_metrics_direction_and_interval():
    from ruadapt_evals.plots import BETTER, UNCLEAR, WORSE, tone

    sure = {"excludes_zero": True}
    assert tone("content_chars_per_second", 2.4, sure) == BETTER
    assert tone("bits_per_char", 1.2, sure) == WORSE  # lower is better
    assert tone("content_chars_per_second", 1.3, {"excludes_zero": False}) == UNCLEAR
    # tokens per word has no interval: it is exact, so any change counts
    assert tone("tokens_per_word", 0.48, None) == BETTER
    assert tone("tokens_per_word", 1.0, None) == UNCLEAR
