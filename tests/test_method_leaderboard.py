"""benchmarks/method_leaderboard.py: its paired statistics (a model against itself differs by
nothing), and the --fast board end to end (slow)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def leaderboard():
    spec = importlib.util.spec_from_file_location(
        "method_leaderboard", ROOT / "benchmarks" / "method_leaderboard.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rows(answers: list[str], lang: str = "ru") -> dict[str, dict]:
    return {
        f"p{i}": {"prompt": f"вопрос {i}", "answer": a, "reference": f"Ответ номер {i} про кошку"}
        for i, a in enumerate(answers)
    }


def test_a_model_against_itself_differs_by_exactly_nothing():
    board = leaderboard()
    answers = ["Ответ про кошку", "cat", "Ответ номер 2", "", "Про кошку ответ 4", "ответ"]
    q = board.quality(rows(answers), rows(answers), "ru")
    for key in ("chrf", "answer_language_accuracy", "mean_answer_chars"):
        assert q[key]["vs_sft"]["value"] == 0 and q[key]["vs_sft"]["ci95"] == [0, 0], key
        lo, hi = q[key]["ci95"]
        assert lo <= q[key]["value"] <= hi
    assert q["answer_language_accuracy"]["value"] == pytest.approx(4 / 6, abs=1e-4)


def test_a_better_model_is_called_better_only_beyond_its_interval():
    board = leaderboard()
    base = rows(["cat"] * 20)
    better = rows([f"Ответ номер {i} про кошку" for i in range(20)])
    q = board.quality(better, base, "ru")
    assert q["chrf"]["vs_sft"]["excludes_zero"] and q["chrf"]["vs_sft"]["value"] > 50
    assert q["answer_language_accuracy"]["vs_sft"]["value"] == 1.0
    one_better = rows(["cat"] * 19 + ["Ответ номер 19 про кошку"])
    q = board.quality(one_better, base, "ru")
    assert not q["answer_language_accuracy"]["vs_sft"]["excludes_zero"]  # 1 of 20: noise


@pytest.mark.slow
def test_fast_board_runs_end_to_end(tmp_path):
    """The --fast recipe on the tiny model: every stage runs, every row has its numbers."""
    from ruadapt.plugins import load_plugins
    from ruadapt.registry import collect

    if "orpo" not in collect(load_plugins()).methods:
        pytest.skip("the board runs orpo: pip install ./examples/ruadapt-orpo")
    board = leaderboard()
    out = board.main(
        ["--fast", "-o", str(tmp_path / "board"), "--json", str(tmp_path / "board.json"),
         "--plot", str(tmp_path / "board.png")]
    )  # fmt: skip
    saved = json.loads((tmp_path / "board.json").read_text())
    assert saved["rows"].keys() == out["rows"].keys()
    assert set(saved["rows"]) == {"original", "sft", *board.METHODS}
    for name, row in saved["rows"].items():
        for lang in ("ru", "en"):
            assert "value" in row[lang]["chrf"] and len(row[lang]["chrf"]["ci95"]) == 2
            assert row[lang]["mc_accuracy"] is not None
            assert row[lang]["reference_bpc"]["value"] > 0
            assert "rm_win_rate_vs_sft" in row[lang]
        if name != "original":
            cost = row["cost"]
            assert cost["optimizer_steps"] >= 1 and cost["train_seconds"] > 0
            assert cost["peak_rss_mb"] > 0
    assert saved["rows"]["sft"]["ru"]["rm_win_rate_vs_sft"]["value"] == 0.5  # itself: ties
    assert saved["rows"]["sft"]["ru"]["reference_bpc"]["vs_sft"]["value"] == 0.0
    assert (tmp_path / "board.png").stat().st_size > 0
