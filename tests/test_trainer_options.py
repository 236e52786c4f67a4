"""HF-native runs: any trainer option by --set/YAML, eval during training, report_to lists,
model cards, and the final save through the trainer."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

import ruadapt
from ruadapt.config import RunConfig
from ruadapt.plugins import load_plugins
from ruadapt.registry import collect
from ruadapt.runner import Run, configure, run


@pytest.fixture(scope="module")
def registry():
    return collect(load_plugins())


def _metrics(out: Path) -> list[dict]:
    return [json.loads(x) for x in (out / "metrics.jsonl").read_text().splitlines() if x]


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ruadapt", *args], capture_output=True, text=True, timeout=600
    )


# ---- options: any field of the method's trainer config -------------------------------------


def test_any_trl_field_is_accepted_and_reaches_the_trainer(registry, tmp_path):
    from trl import SFTConfig

    config = configure(
        "sft",
        registry,
        output=str(tmp_path / "o"),
        sets=["optim=adamw_torch_fused", "save_total_limit=1", "neftune_noise_alpha=5"],
    )
    assert config.trainer == {
        "optim": "adamw_torch_fused",
        "save_total_limit": 1,
        "neftune_noise_alpha": 5.0,
    }
    method = registry.method("sft")
    kwargs = Run(config, method, registry, tmp_path / "o").training_arguments()
    args = SFTConfig(**kwargs)
    assert args.optim == "adamw_torch_fused"
    assert args.save_total_limit == 1 and args.neftune_noise_alpha == 5.0
    assert "optim: adamw_torch_fused" in config.to_yaml()


def test_trl_long_names_are_aliases_of_ruadapt_options(registry, tmp_path):
    config = configure(
        "dpo",
        registry,
        sets={"per_device_train_batch_size": "3", "num_train_epochs": "2", "beta": "0.3"},
    )
    assert config.run.batch_size == 3 and config.run.epochs == 2.0
    assert config.method.beta == 0.3
    assert config.trainer == {}  # one option, one value: ruadapt's


def test_trainer_options_from_a_yaml_recipe(registry, tmp_path):
    recipe = tmp_path / "r.yaml"
    recipe.write_text("plugin: kto\nsave_total_limit: 3\neval_strategy: 'no'\nbeta: 0.2\n")
    config = configure("kto", registry, config_file=recipe)
    assert config.trainer == {"save_total_limit": 3, "eval_strategy": "no"}
    assert config.method.beta == 0.2


@pytest.mark.parametrize(
    ("sets", "message"),
    [
        (["optimm=adamw_torch"], "did you mean 'optim'?"),
        (["optim=adamw_torch_fusd"], "did you mean 'adamw_torch_fused'?"),
        (["output_dir=x"], "use --output"),
        (["hub_token=secret"], "set HF_TOKEN"),
        (["save_total_limit=many"], "option .save_total_limit."),
    ],
)
def test_bad_trainer_options_fail_in_one_line(registry, sets, message):
    with pytest.raises(ruadapt.UserError, match=message.replace("?", r"\?")):
        configure("sft", registry, sets=sets)


def test_a_value_the_trainer_rejects_fails_before_the_model_loads(tiny_model, tiny_data, tmp_path):
    out = tmp_path / "o"
    result = _cli(
        *("run", "--plugin", "sft", "--model", tiny_model, "--data", tiny_data("chat")),
        *("-o", str(out), "--set", "eval_strategy=steps", "--set", "eval_steps=1.5"),
    )
    assert result.returncode == 1
    assert "SFTConfig rejects the options (eval_steps, eval_strategy)" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists(), "a rejected option must not leave a half-made output"


def test_methods_without_a_trainer_still_reject_unknown_keys(registry):
    with pytest.raises(ruadapt.UserError, match="unknown --set key 'optim'"):
        configure("ppo", registry, sets={"optim": "sgd", "rewards": "russian"})


# ---- evaluation during training -------------------------------------------------------------


def test_eval_split_logs_eval_loss_with_a_fused_optimizer(tiny_model, tiny_data, tmp_path):
    """The issue's 'must show': --set optim=adamw_torch_fused --set eval_split=0.1."""
    out = tmp_path / "sft"
    result = _cli(
        *("run", "--plugin", "sft", "--model", tiny_model, "--data", tiny_data("chat", n=20)),
        *("-o", str(out), "--max-steps", "3"),
        *("--set", "optim=adamw_torch_fused", "--set", "eval_split=0.1"),
        *("--set", "batch_size=2", "--set", "logging_steps=1"),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = _metrics(out)
    evals = [m for m in lines if "eval_loss" in m]
    assert evals, "eval_split > 0 must evaluate during training"
    assert all(m["eval_loss"] > 0 for m in evals)
    assert evals[-1]["step"] == 3  # ten evaluations per run: the last step is one
    train = [m for m in lines if "loss" in m]
    assert [m["step"] for m in train] == [1, 2, 3]
    assert "optim: adamw_torch_fused" in (out / "config.yaml").read_text()


def test_default_eval_cadence_follows_checkpoints(registry, tmp_path):
    config = configure("sft", registry, sets={"eval_split": "0.2", "save_steps": "5"})
    kwargs = Run(config, registry.method("sft"), registry, tmp_path).training_arguments()
    assert kwargs["eval_strategy"] == "steps" and kwargs["eval_steps"] == 5
    config = configure("sft", registry, sets={"eval_split": "0.2"})
    kwargs = Run(config, registry.method("sft"), registry, tmp_path).training_arguments()
    assert kwargs["eval_steps"] == 0.1  # a share of the run: ten evaluations
    config = configure("sft", registry, sets={"eval_split": "0.2", "eval_strategy": "no"})
    kwargs = Run(config, registry.method("sft"), registry, tmp_path).training_arguments()
    assert kwargs["eval_strategy"] == "no", "an explicit trainer option wins"


# ---- report_to ------------------------------------------------------------------------------


def test_report_to_is_a_list():
    from ruadapt.config import coerce

    assert coerce("report_to", "tensorboard,wandb", list[str]) == ["tensorboard", "wandb"]
    assert RunConfig(report_to=["none"]).report_to == []


def test_report_to_is_checked_before_anything_loads(tiny_model, tiny_data, tmp_path):
    with pytest.raises(ruadapt.UserError, match="did you mean 'tensorboard'"):
        RunConfig(report_to=["tensorbord"])
    missing = "wandb" if importlib.util.find_spec("wandb") is None else None
    if missing is None:
        pytest.skip("wandb is installed here")
    out = tmp_path / "o"
    result = _cli(
        *("run", "--plugin", "sft", "--model", tiny_model, "--data", tiny_data("chat")),
        *("-o", str(out), "--set", "report_to=tensorboard,wandb"),
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    # the first uninstalled name is the one reported (tensorboard is an optional extra)
    first = "tensorboard" if importlib.util.find_spec("tensorboard") is None else "wandb"
    assert f"report_to '{first}': the {first} " in result.stderr
    assert not out.exists(), "no half-made output"


@pytest.mark.skipif(
    importlib.util.find_spec("tensorboard") is None, reason="tensorboard is not installed"
)
def test_tensorboard_logs_land_in_output_logs(tiny_model, tiny_data, tmp_path, registry):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    out = tmp_path / "tb-run"
    run(
        "sft",
        registry,
        model=tiny_model,
        data=tiny_data("chat"),
        output=str(out),
        max_steps=2,
        sets={"report_to": "tensorboard", "logging_steps": "1", "batch_size": "2"},
    )
    events = list((out / "logs").glob("events.out.tfevents.*"))
    assert events, "TensorBoard writes under OUTPUT/logs"
    assert not list((out / "checkpoints").rglob("events.out.tfevents.*"))
    acc = EventAccumulator(str(out / "logs")).Reload()
    losses = acc.Scalars("train/loss")
    logged = [m["loss"] for m in _metrics(out) if "loss" in m]
    assert [s.step for s in losses] == [1, 2]
    assert [s.value for s in losses] == pytest.approx(logged, rel=1e-5)


def test_run_name_defaults_to_the_output_name(registry, tmp_path):
    config = configure("sft", registry, output=str(tmp_path / "my-run"))
    kwargs = Run(config, registry.method("sft"), registry, tmp_path / "my-run").training_arguments()
    assert kwargs["run_name"] == "my-run"
    config = configure("sft", registry, sets={"run_name": "named"})
    assert (
        Run(config, registry.method("sft"), registry, tmp_path).training_arguments()["run_name"]
        == "named"
    )


# ---- final save and model card --------------------------------------------------------------


def test_final_save_goes_through_the_trainer_with_a_card(tiny_model, tiny_data, tmp_path, registry):
    from huggingface_hub import ModelCard
    from safetensors.torch import load_file
    from transformers import Trainer

    calls = []
    original = Trainer.save_model

    def spy(self, output_dir=None, _internal_call=False):
        calls.append(output_dir)
        return original(self, output_dir, _internal_call)

    Trainer.save_model = spy
    try:
        out = tmp_path / "card-run"
        run(
            "sft",
            registry,
            model=tiny_model,
            data=tiny_data("chat"),
            output=str(out),
            max_steps=1,
            adapter="lora",
        )
    finally:
        Trainer.save_model = original
    assert [Path(c).name for c in calls] == [".saving"]
    assert not (out / ".saving").exists() and not (out / "training_args.bin").exists()
    assert load_file(str(out / "adapter_model.safetensors"))
    card = ModelCard.load(out / "README.md")
    assert {"ruadapt", "sft", "lora"} <= set(card.data.tags)
    assert card.data.library_name == "peft"
    text = card.text
    assert f"ruadapt {ruadapt.__version__}" in text
    assert f"**base model**: `{tiny_model}`" in text and "**data**" in text
    assert "```yaml\nplugin: sft" in text  # every option
    assert "TODO" not in (out / "README.md").read_text(), "PEFT's placeholder card is replaced"
