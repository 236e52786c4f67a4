"""Resume that resumes: pipeline stages continue from their checkpoint, torn metrics lines are
dropped, --overwrite replaces a run only when the new one completes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ruadapt.errors import UserError


def _steps(out: Path) -> list[int]:
    lines = (out / "metrics.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(x)["step"] for x in lines if x.strip() and "loss" in json.loads(x)]


def _interrupt_after_checkpoint(monkeypatch: pytest.MonkeyPatch, step: int) -> None:
    """Ctrl-C right after the checkpoint of ``step`` is on disk (as a user would)."""
    from ruadapt.callbacks import MetricsCallback

    def on_save(self, args, state, control, **kwargs):
        if state.global_step == step:
            raise KeyboardInterrupt

    monkeypatch.setattr(MetricsCallback, "on_save", on_save, raising=False)


def test_pipeline_resumes_an_interrupted_stage_from_its_checkpoint(
    tiny_model, tiny_data, tmp_path, monkeypatch, capsys
):
    from ruadapt.pipeline import run_pipeline
    from ruadapt.registry import get_registry

    recipe = tmp_path / "r.yaml"
    recipe.write_text(
        f"output: {tmp_path / 'out'}\nmodel: {tiny_model}\nstages:\n"
        f"  - {{name: sft, plugin: sft, data: {tiny_data('chat', n=16)}, max_steps: 4,"
        " save_steps: 2, logging_steps: 1, batch_size: 2}\n",
        encoding="utf-8",
    )
    _interrupt_after_checkpoint(monkeypatch, 2)
    with pytest.raises(
        UserError, match=r"interrupted in stage 'sft'; rerun `ruadapt pipeline"
    ) as err:
        run_pipeline(recipe, registry=get_registry(), echo=lambda s: None)
    assert "--resume" not in str(err.value), "pipeline has no --resume flag to suggest"
    stage = tmp_path / "out" / "sft"
    assert (stage / "checkpoints" / "checkpoint-2").is_dir() and not (stage / "run.json").exists()
    monkeypatch.undo()

    said: list[str] = []
    run_pipeline(recipe, registry=get_registry(), echo=said.append)
    assert any("sft (sft): resuming" in s for s in said), said
    assert "resuming from" in capsys.readouterr().out
    last = stage / "checkpoints" / "checkpoint-4" / "trainer_state.json"
    state = json.loads(last.read_text())
    assert state["global_step"] == 4, "the resumed stage reaches the same final step"
    assert _steps(stage) == [1, 2, 3, 4], "steps 1-2 kept, 3-4 trained once: continued"
    assert json.loads((stage / "run.json").read_text())["status"] == "complete"


def test_a_torn_metrics_line_is_dropped_with_a_note_on_resume(
    tiny_model, tiny_data, tmp_path, capsys
):
    from ruadapt.registry import get_registry
    from ruadapt.runner import run

    out = tmp_path / "run"
    common = {
        "model": tiny_model,
        "data": tiny_data("chat"),
        "output": str(out),
        "sets": {"save_steps": 1, "logging_steps": 1, "batch_size": 2},
    }
    run("sft", get_registry(), max_steps=1, **common)
    (out / "run.json").unlink()  # a run killed ...
    with open(out / "metrics.jsonl", "a", encoding="utf-8") as fh:
        fh.write('{"step": 2, "lo')  # ... in the middle of appending a line
    # a longer run than the one interrupted: a change of max_steps, accepted and recorded
    run("sft", get_registry(), max_steps=2, resume=True, allow_changes=True, **common)
    assert "dropped a torn line" in capsys.readouterr().err
    assert _steps(out) == [1, 2]


def test_overwrite_drops_the_old_run_only_once_the_new_one_completes(
    tiny_model, tiny_data, tmp_path
):
    from ruadapt.registry import get_registry
    from ruadapt.runner import run

    out = tmp_path / "run"
    kw = {"model": tiny_model, "output": str(out), "max_steps": 1}
    run("sft", get_registry(), data=tiny_data("chat"), **kw)
    first = (out / "model.safetensors").read_bytes()
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"messages": 3}\n', encoding="utf-8")
    with pytest.raises(UserError):
        run("sft", get_registry(), data=str(bad), overwrite=True, **kw)
    assert (out / "model.safetensors").read_bytes() == first, "the finished run was kept"
    run("sft", get_registry(), data=tiny_data("chat"), overwrite=True, seed=7, **kw)
    assert json.loads((out / "run.json").read_text())["status"] == "complete"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_u2028_inside_json_strings_is_text_everywhere(tmp_path, tiny_model, capsys):
    """U+2028 is legal inside a JSON string; no reader may split a line on it."""
    from ruadapt_evals.data import load_prompts

    from tests.helpers import invoke

    path = tmp_path / "p.jsonl"
    path.write_text(
        json.dumps({"ru": "Привет\u2028мир", "en": "Hello\u2028world"}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    assert len(load_prompts(str(path), None)) == 1
    code, _, err = invoke(["tokenizer", "stats", "-t", tiny_model, "--data", str(path)], capsys)
    assert code == 0, err
    text = tmp_path / "t.jsonl"
    text.write_text(json.dumps({"text": "а\u2028б"}, ensure_ascii=False) + "\n", encoding="utf-8")
    code, _, err = invoke(["data", "validate", str(text)], capsys)
    assert code == 0, err
