"""Running one method: ``ruadapt run`` from the command line to a finished output folder.

The life of ``ruadapt run --method dpo --model M --data D -o OUT``, step by step:

1. ``ruadapt/cli/run.py`` parses the command line and calls ``configure`` and ``run_method``
   here (``run`` is the same for library users and ``ruadapt/pipeline.py``).
2. ``configure`` looks the method and adapter up in the registry (``ruadapt/registry.py``,
   filled from entry points by ``ruadapt/plugins.py``) and merges recipe YAML, ``--set``
   pairs and flags into one config (``ruadapt/config.py``): the common ``RunConfig`` and the
   method's own dataclass, checked before anything loads.
3. ``run_method`` checks the paths and the machine (``ruadapt/hardware.py``), starts the
   processes of a multi-process run (``ruadapt/distributed.py``) and prepares the output
   folder: no clobbering, ``config.yaml`` first, ``metrics.jsonl`` reset or trimmed for
   ``--resume`` (``ruadapt/outputs.py``).
4. ``run_method`` loads and checks the data (``Run.load_data`` -> ``ruadapt/data/load.py``:
   read, detect the format, validate, convert to the method's data kind, split), so a data
   mistake fails here, before any model loads.
5. The method's ``train(run, config)`` (``plugins/<name>.py``, or a third party's) trains
   ``run.model``: the model and tokenizer load on first use (``ruadapt/models.py``), the
   adapter wraps the model (``plugins/lora.py``); it logs through ``run.log`` or
   ``run.callback()`` (``ruadapt/callbacks.py``) into ``metrics.jsonl``, and TRL trainers
   get their arguments from ``run.training_arguments()``.
6. ``finalize`` saves the model (or adapter) and tokenizer in safetensors, atomically, then
   writes ``run.json``, the completion marker, last (``ruadapt/outputs.py``); a crashed run
   never looks finished, and ``--resume`` continues from the latest checkpoint.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruadapt.config import ResolvedConfig
from ruadapt.contracts import Adapter, Method
from ruadapt.errors import UserError
from ruadapt.outputs import (
    CHECKPOINTS,
    COMPLETE_MARKER,
    CONFIG_FILE,
    METRICS_FILE,
    check_not_inside_inputs,
    is_complete,
    latest_checkpoint,
    prepare_output,
    start_output,
    write_atomic,
)
from ruadapt.registry import Registry

# The output contract lives in ruadapt/outputs.py; these names stay importable from here.
__all__ = [
    "CHECKPOINTS",
    "COMPLETE_MARKER",
    "CONFIG_FILE",
    "METRICS_FILE",
    "Run",
    "configure",
    "finalize",
    "is_complete",
    "latest_checkpoint",
    "prepare_output",
    "run",
    "run_method",
    "write_atomic",
]


# ---- entry points ----------------------------------------------------------------------------


def run(method: str, registry: Registry | None = None, **kwargs: Any) -> Path:
    """Library entry point of ``ruadapt run``: configure, then run; returns the output dir."""
    from ruadapt.registry import get_registry

    registry = registry or get_registry()
    return run_method(configure(method, registry, **kwargs), registry)


def configure(
    method: str,
    registry: Registry,
    *,
    config_file: str | Path | None = None,
    sets: list[str] | dict[str, Any] | None = None,
    **flags: Any,
) -> ResolvedConfig:
    """Step 2: the full config of ``method`` from a recipe file, ``--set`` pairs and flags."""
    from ruadapt.config import load_yaml, parse_set, resolve

    yaml_values = load_yaml(config_file) if config_file else {}
    if yaml_values.get("plugin") not in (None, method):
        raise UserError(
            f"{config_file}: recipe is for method {yaml_values['plugin']!r}, not {method!r}"
        )
    set_values = parse_set(sets) if isinstance(sets, list) else dict(sets or {})
    record = registry.method(method)
    adapter_name = (
        flags.get("adapter")
        or set_values.get("adapter")
        or yaml_values.get("adapter")
        or record.run_defaults.get("adapter")
    )
    adapter = registry.adapter(adapter_name) if adapter_name else None
    return resolve(
        method,
        record.config,
        run_defaults=record.run_defaults,
        adapter_config=adapter.config if adapter else None,
        yaml_values=yaml_values,
        set_values=set_values,
        flags=flags,
        source=str(config_file) if config_file else "option",
    )


def run_method(config: ResolvedConfig, registry: Registry) -> Path:
    """Steps 3 to 6: run ``config.plugin`` end to end and return the completed output folder."""
    from ruadapt import distributed
    from ruadapt.hardware import check_run_options

    method = registry.method(config.plugin)
    adapter = registry.adapter(config.run.adapter) if config.run.adapter else None
    if not config.run.output:
        raise UserError("no output directory: pass --output DIR")
    out = Path(config.run.output).expanduser()
    # 3. paths, machine, processes, output folder
    check_not_inside_inputs(out, {"model": config.run.model, "data": config.run.data})
    check_run_options(config.run)
    distributed.setup()
    if distributed.is_main():
        start_output(
            out, config.to_yaml(), overwrite=config.run.overwrite, resume=config.run.resume
        )
    distributed.barrier()
    if distributed.world_size() > 1:
        print(f"[rank {distributed.rank()}/{distributed.world_size()}] training {method.name}")
    run = Run(config=config, method=method, registry=registry, output_dir=out, adapter=adapter)
    # 4. the data, read and checked before any model loads
    run.load_data()
    # 5. the method trains run.model
    _seed(config.run.seed)
    try:
        method.train(run, config.method)
    except KeyboardInterrupt:
        if latest_checkpoint(out) is not None:
            raise UserError(
                "interrupted; to continue, rerun the same command with --resume"
            ) from None
        raise UserError(
            "interrupted before the first checkpoint (set save_steps to make "
            "runs resumable); rerun with --overwrite to start again"
        ) from None
    # 6. save and mark complete
    distributed.barrier()
    if distributed.is_main():
        run.extra["world_size"] = distributed.world_size()
        finalize(run)
    distributed.barrier()
    return out


def finalize(run: Run) -> None:
    """Step 6: save the model and tokenizer atomically, then mark the output complete."""
    from ruadapt.models import save_pretrained

    out = run.output_dir
    staging = Path(tempfile.mkdtemp(prefix=".saving-", dir=out))
    try:
        save_pretrained(run.model, run.tokenizer, staging)
        for item in staging.iterdir():
            target = out / item.name
            if target.is_dir():
                shutil.rmtree(target)
            os.replace(item, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    summary = {
        "status": "complete",
        "plugin": run.method.name,  # the key predates --method; readers of run.json use it
        "adapter": run.adapter.name if run.adapter else None,
        "seconds": round(time.time() - run._started, 2),
        **run.extra,
    }
    write_atomic(out / COMPLETE_MARKER, json.dumps(summary, indent=2, ensure_ascii=False) + "\n")


# ---- what a method's train(run, config) gets -------------------------------------------------


@dataclass
class Run:
    """What a method's ``train(run, config)`` works with.

    The runner has already loaded and checked the data (``dataset``, ``eval_dataset``,
    converted to the method's data kind) when ``train`` is called; ``model`` and
    ``tokenizer`` load on first use, with the adapter (``--adapter``) already applied to
    ``model``, so a method decides when (and whether) the model loads. Methods log through
    ``log()`` or pass ``callback()`` to a transformers/TRL trainer.
    """

    config: ResolvedConfig
    method: Method
    registry: Registry
    output_dir: Path
    adapter: Adapter | None = None
    _model: Any = None
    _tokenizer: Any = None
    _data: Any = None
    _started: float = field(default_factory=time.time)
    extra: dict[str, Any] = field(default_factory=dict)  # a method's own results for run.json

    # ---- what methods read ------------------------------------------------------------
    @property
    def options(self):
        """The common run options (``RunConfig``)."""
        return self.config.run

    @property
    def work_dir(self) -> str:
        """Where trainers write checkpoints (``OUTPUT/checkpoints``)."""
        return str(self.output_dir / CHECKPOINTS)

    @property
    def resume_from(self) -> str | None:
        """The checkpoint to resume from when ``--resume`` was given."""
        if not self.options.resume:
            return None
        ckpt = latest_checkpoint(self.output_dir)
        return str(ckpt) if ckpt else None

    @property
    def tokenizer(self):
        if self._tokenizer is None:
            from ruadapt.models import load_tokenizer

            self._tokenizer = load_tokenizer(
                self.options.model, trust_remote_code=self.options.trust_remote_code
            )
        return self._tokenizer

    @property
    def model(self):
        if self._model is None:
            self._model = self.apply_adapter(self.load_model())
        return self._model

    @model.setter
    def model(self, value) -> None:
        self._model = value

    def chat_model(self):
        """``model``, once ``tokenizer`` has a chat template (ruadapt's ChatML default if the
        model has none; the base is resized before the adapter wraps it)."""
        from ruadapt.run_models import chat_model

        return chat_model(self)

    def reference_model(self, path: str | None = None):
        """The frozen reference policy: the model at ``path``, the base with the adapter
        disabled (PEFT policy), or an exact copy of ``model`` (see ``ruadapt.run_models``)."""
        from ruadapt.run_models import reference_model

        return reference_model(self, path)

    def load_model(self, spec: str | None = None):
        """Load a causal LM (the run's ``--model`` by default) without the adapter."""
        from ruadapt.models import load_causal_lm

        return load_causal_lm(
            spec or self.options.model,
            trust_remote_code=self.options.trust_remote_code,
            quantization=self.options.quantization if spec is None else None,
        )

    def apply_adapter(self, model):
        """Wrap ``model`` with the run's adapter (if any) and log the trainable share."""
        from ruadapt.models import count_parameters

        if self.adapter is not None:
            model = self.adapter.apply(model, self.config.adapter, self)
        trainable, total = count_parameters(model)
        self.extra["trainable_parameters"] = trainable
        self.extra["total_parameters"] = total
        print(f"trainable parameters: {trainable:,} of {total:,} ({100 * trainable / total:.2f}%)")
        return model

    def load_data(self):
        """``(train, held_out)``: the data read, validated and converted to the method's data
        kind (``ruadapt/data/load.py``); the runner calls this before ``train``."""
        if self._data is None:
            from ruadapt.data import load_for_method

            if not self.options.data:
                raise UserError(f"no data given: pass --data for method {self.method.name!r}")
            self._data = load_for_method(
                self.options.data,
                self.method.data_kind,
                self.registry,
                format=self.options.format,
                system_prompt=self.options.system_prompt,
                max_samples=self.options.max_samples,
                eval_split=self.options.eval_split,
                seed=self.options.seed,
            )
        return self._data

    @property
    def dataset(self):
        """The training split, converted to the method's data kind (a ``datasets.Dataset``)."""
        return self.load_data()[0]

    @property
    def eval_dataset(self):
        """The held-out split (``eval_split`` > 0), or None."""
        return self.load_data()[1]

    # ---- logging -----------------------------------------------------------------------
    def log(self, metrics: dict[str, Any], step: int) -> None:
        """Append one line to ``metrics.jsonl`` (main process only)."""
        from ruadapt import distributed

        if not distributed.is_main():
            return
        record = {"step": int(step), **{k: _plain(v) for k, v in metrics.items()}}
        with open(self.output_dir / METRICS_FILE, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")

    def callback(self):
        """A transformers ``TrainerCallback`` that writes the trainer's logs to metrics.jsonl."""
        from ruadapt.callbacks import MetricsCallback

        return MetricsCallback(self)

    def training_arguments(self) -> dict[str, Any]:
        """Keyword arguments for ``transformers.TrainingArguments`` / TRL configs."""
        o = self.options
        import torch
        from transformers import TrainingArguments

        # transformers 5 renamed gradient_checkpointing (the old name warns on every run)
        checkpointing = (
            "activation_checkpointing"
            if "activation_checkpointing" in TrainingArguments.__dataclass_fields__
            else "gradient_checkpointing"
        )
        return {
            "output_dir": self.work_dir,
            "max_steps": o.max_steps,
            "num_train_epochs": o.epochs,
            "per_device_train_batch_size": o.batch_size,
            "per_device_eval_batch_size": o.batch_size,
            "gradient_accumulation_steps": o.gradient_accumulation_steps,
            "learning_rate": o.learning_rate,
            "lr_scheduler_type": o.lr_scheduler,
            "warmup_steps": o.warmup_ratio,  # a float in [0, 1) is a ratio in transformers 5
            "weight_decay": o.weight_decay,
            "max_grad_norm": o.max_grad_norm,
            "logging_steps": o.logging_steps,
            "save_strategy": "steps" if o.save_steps else "no",
            "save_steps": o.save_steps or 500,
            "save_total_limit": 2,
            "seed": o.seed,
            "data_seed": o.seed,
            "report_to": [] if o.report_to == "none" else [o.report_to],
            "bf16": o.bf16,
            "fp16": o.fp16,
            checkpointing: o.gradient_checkpointing,
            "use_cpu": not torch.cuda.is_available(),
            "remove_unused_columns": False,
            "ddp_find_unused_parameters": False,
        }


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    return value


def _seed(seed: int) -> None:
    import random

    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
