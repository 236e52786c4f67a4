"""The run-output contract: no clobbering, config first, atomic completion, metrics."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

import ruadapt
from ruadapt.config import opt
from ruadapt.errors import UserError
from ruadapt.plugins import load_plugins
from ruadapt.registry import collect
from ruadapt.runner import is_complete, prepare_output, run


@dataclass
class LmConfig:
    fail_at: int = opt(0, "raise at this step (0: never)")


def _train(run_, config):
    import torch

    model, tok = run_.model, run_.tokenizer
    optim = torch.optim.SGD(model.parameters(), lr=0.01)
    batch = tok([row["text"] for row in run_.dataset][:2], return_tensors="pt", padding=True)
    for step in range(1, run_.options.max_steps + 1):
        if step == config.fail_at:
            raise RuntimeError("simulated crash")
        loss = model(**batch, labels=batch["input_ids"]).loss
        run_.log({"loss": loss.item()}, step=step)
        loss.backward()
        optim.step()
        optim.zero_grad()


class LmPlugin:
    @ruadapt.hookimpl
    def register_methods(self, register):
        register(ruadapt.Method(name="lm", config=LmConfig, data_kind="text", train=_train))


@pytest.fixture
def registry():
    return collect(load_plugins(entry_points=False, objects={"lm": LmPlugin()}))


def test_output_holds_model_config_metrics_and_marker(registry, tiny_model, tiny_data, tmp_path):
    out = run(
        "lm",
        registry,
        model=tiny_model,
        data=tiny_data("text"),
        output=str(tmp_path / "o"),
        max_steps=3,
    )
    assert is_complete(out)
    assert (out / "model.safetensors").is_file() and (out / "tokenizer.json").is_file()
    assert "plugin: lm" in (out / "config.yaml").read_text()
    steps = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert [s["step"] for s in steps] == [1, 2, 3]
    # the first line is the loss on the initial parameters: recompute it independently
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(tiny_model)
    tok = AutoTokenizer.from_pretrained(tiny_model)
    texts = [json.loads(x)["text"] for x in Path(tiny_data("text")).read_text().splitlines()][:2]
    batch = tok(texts, return_tensors="pt", padding=True)
    initial = model(**batch, labels=batch["input_ids"]).loss.item()
    assert steps[0]["loss"] == pytest.approx(initial, abs=1e-5)


def test_crashed_run_is_never_marked_complete(registry, tiny_model, tiny_data, tmp_path):
    with pytest.raises(RuntimeError, match="simulated crash"):
        run(
            "lm",
            registry,
            model=tiny_model,
            data=tiny_data("text"),
            output=str(tmp_path / "o"),
            max_steps=3,
            sets={"fail_at": "2"},
        )
    out = tmp_path / "o"
    assert not is_complete(out)
    assert not (out / "model.safetensors").exists()


def test_non_empty_output_refused_without_overwrite(registry, tiny_model, tiny_data, tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    (out / "precious.txt").write_text("user data")
    kwargs = {"model": tiny_model, "data": tiny_data("text"), "output": str(out), "max_steps": 1}
    with pytest.raises(UserError, match="not empty; pass --overwrite"):
        run("lm", registry, **kwargs)
    with pytest.raises(UserError, match="not a ruadapt output"):
        run("lm", registry, overwrite=True, **kwargs)
    assert (out / "precious.txt").read_text() == "user data"


def test_overwrite_replaces_a_previous_run(registry, tiny_model, tiny_data, tmp_path):
    kwargs = {"model": tiny_model, "data": tiny_data("text"), "output": str(tmp_path / "o")}
    run("lm", registry, max_steps=2, **kwargs)
    out = run("lm", registry, max_steps=1, overwrite=True, **kwargs)
    assert len((out / "metrics.jsonl").read_text().splitlines()) == 1


def test_output_inside_the_model_is_refused(registry, tiny_model, tiny_data):
    with pytest.raises(UserError, match="would overwrite the --model"):
        run(
            "lm", registry, model=tiny_model, data=tiny_data("text"), output=tiny_model, max_steps=1
        )


def test_resume_needs_something_to_resume(tmp_path):
    with pytest.raises(UserError, match="nothing to resume"):
        prepare_output(tmp_path / "new", overwrite=False, resume=True)


def test_missing_model_path_is_named(registry, tiny_data, tmp_path):
    with pytest.raises(UserError, match="model path /no/such/model does not exist"):
        run(
            "lm",
            registry,
            model="/no/such/model",
            data=tiny_data("text"),
            output=str(tmp_path / "o"),
            max_steps=1,
        )


def test_the_runner_loads_and_checks_the_data_before_train(tiny_model, tiny_data, tmp_path):
    """Step 4 of the life of a run: a data mistake stops the run before ``train`` (and any
    model) is reached; with good data, ``train`` gets a ``ruadapt.Run`` whose data is loaded."""
    seen: list[tuple[bool, bool]] = []

    def spy(run_: ruadapt.Run, config) -> None:
        seen.append((isinstance(run_, ruadapt.Run), run_._data is not None and run_._model is None))
        run_.log({"loss": 0.0}, step=1)

    class SpyPlugin:
        @ruadapt.hookimpl
        def register_methods(self, register):
            register(ruadapt.Method(name="spy", config=LmConfig, data_kind="text", train=spy))

    registry = collect(load_plugins(entry_points=False, objects={"spy": SpyPlugin()}))
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "Привет, мир."}\n{"text": \n', encoding="utf-8")
    with pytest.raises(UserError, match="bad.jsonl:2"):
        run("spy", registry, model=tiny_model, data=str(bad), output=str(tmp_path / "a"))
    assert seen == []
    out = run("spy", registry, model=tiny_model, data=tiny_data("text"), output=str(tmp_path / "b"))
    assert seen == [(True, True)] and is_complete(out)
