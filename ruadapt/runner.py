"""Running one method: ``ruadapt run`` from the command line to a finished output folder.

The life of ``ruadapt run --method dpo --model M --data D -o OUT``, step by step:

1. ``ruadapt/cli/run.py`` parses the command line and calls ``configure`` and ``run_method``
   here (``run`` does both, for library users and ``ruadapt/pipeline.py``).
2. ``configure`` looks the method and adapter up in the registry (``ruadapt/registry.py``,
   filled from entry points by ``ruadapt/plugins.py``) and merges recipe YAML, ``--set``
   pairs and flags into one config (``ruadapt/config.py``): the common ``RunConfig`` and the
   method's own dataclass, checked before anything loads.
3. ``run_method`` checks inputs, output and machine (``ruadapt/outputs.py``,
   ``ruadapt/hardware.py``), starts the processes of a multi-process run
   (``ruadapt/distributed.py``), takes the output's lock and starts it: ``config.yaml``
   first, ``metrics.jsonl`` reset, or checked and trimmed for ``--resume``
   (``ruadapt/resume.py``).
4. ``run_method`` loads and checks the data (``Run.load_data`` -> ``ruadapt/data/load.py``:
   read, detect the format, validate, convert to the method's data kind, split), so a data
   mistake fails here, before any model loads.
5. The method's ``train(run: ruadapt.Run, config)`` (``plugins/<name>.py``, or a third
   party's) trains ``run.model``: model and tokenizer load on first use
   (``ruadapt/models.py``), the adapter wraps the model (``plugins/lora.py``); it logs
   through ``run.log`` or ``run.callback()`` (``ruadapt/callbacks.py``) into
   ``metrics.jsonl``, and TRL trainers take ``run.training_arguments()``.
6. ``finalize`` saves the model (or adapter) and tokenizer in safetensors, atomically, then
   writes ``run.json``, the completion marker, last; a crashed run never looks finished, and
   ``--resume`` continues from the latest checkpoint in ``checkpoints/``.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruadapt.config import ResolvedConfig
from ruadapt.contracts import Adapter, Method
from ruadapt.errors import Terminated, UserError
from ruadapt.outputs import write_atomic  # noqa: F401  (re-exported: older imports use it here)
from ruadapt.registry import Registry

COMPLETE_MARKER = "run.json"
METRICS_FILE = "metrics.jsonl"
CONFIG_FILE = "config.yaml"
CHECKPOINTS = "checkpoints"
#: what the runner itself writes at an output's top level (the marker lists them from the
#: start; what a method adds, e.g. ``reward_model``, is listed as it appears)
RUN_FILES = (CONFIG_FILE, METRICS_FILE, CHECKPOINTS, COMPLETE_MARKER, "logs", ".saving")


# ---- entry points --------------------------------------------------------------------------


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
    resolved = resolve(
        method,
        record.config,
        trainer_config=record.trainer_config,
        run_defaults=record.run_defaults,
        adapter_config=adapter.config if adapter else None,
        yaml_values=yaml_values,
        set_values=set_values,
        flags=flags,
        source=str(config_file) if config_file else "option",
    )
    resolved.config_file = str(config_file) if config_file else None
    return resolved


def run_method(config: ResolvedConfig, registry: Registry) -> Path:
    """Steps 3 to 6: run ``config.plugin`` end to end; returns the completed output folder."""
    from contextlib import ExitStack

    from ruadapt import distributed, outputs, resume
    from ruadapt.hardware import check_run_options

    method = registry.method(config.plugin)
    adapter = registry.adapter(config.run.adapter) if config.run.adapter else None
    if not config.run.output:
        raise UserError("no output directory: pass --output DIR")
    out = Path(config.run.output).expanduser()
    inputs = {"--model": config.run.model, "--data": config.run.data}
    outputs.check_inputs(out, {**inputs, "--config": config.config_file, **_path_options(config)})
    prepare_output(out, overwrite=config.run.overwrite, resume=config.run.resume)
    check_run_options(config.run)
    if method.trainer_config:
        _check_trainer_options(config, method, registry)
    if config.run.push_to_hub:
        from ruadapt.hub import check_can_push

        check_can_push()

    distributed.setup()
    old = changes = None
    existed = out.exists()
    fresh = not (out.is_dir() and any(out.iterdir()))  # a failure undoes what it began
    with ExitStack() as held:
        if distributed.is_main():
            held.enter_context(outputs.output_lock(out))
            outputs.clean_stale(out)
            old, changes = _start_output(config, out)
        distributed.barrier()
        if distributed.world_size() > 1:
            print(f"[rank {distributed.rank()}/{distributed.world_size()}] training {method.name}")
        run = Run(config=config, method=method, registry=registry, output_dir=out, adapter=adapter)
        if distributed.is_main() and changes:
            run.extra["resume_changes"] = changes  # run.json says when each change took effect

        from ruadapt.reporting import tracker_environment

        try:
            run.load_data()  # step 4: a data mistake fails here, before any model loads
            _seed(config.run.seed)
            with tracker_environment(out):
                method.train(run, config.method)
            distributed.barrier()
            run.extra["world_size"] = distributed.world_size()
            finalize(run)  # every rank: a sharded model is gathered collectively
        except BaseException as exc:
            # an --overwrite that does not finish puts the run it replaced back, checkpoint
            # or not: the finished run is worth more than a partial replacement
            resumable = old is None and latest_checkpoint(out) is not None
            if distributed.is_main() and not resumable:
                resume.restore(old, out, fresh=fresh, existed=existed)
            if isinstance(exc, KeyboardInterrupt | Terminated):  # Ctrl-C or SIGTERM
                if resumable:
                    raise Interrupted(
                        "interrupted; to continue, rerun the same command with --resume", True
                    ) from None
                if old is not None:
                    raise Interrupted(
                        f"interrupted; {out} holds the run it was replacing again, as it was "
                        "(rerun the command to replace it)",
                        False,
                    ) from None
                raise Interrupted(
                    "interrupted before the first checkpoint (set save_steps to make "
                    "runs resumable); nothing was kept, rerun the command to start again",
                    False,
                ) from None
            raise
        if distributed.is_main():
            outputs.kill_point("run-complete")
            resume.drop(old)
        distributed.barrier()
    if config.run.push_to_hub and distributed.is_main():  # the output is complete and unlocked
        from ruadapt.hub import push_output

        push_output(out, config.run.hub_model_id, private=config.run.hub_private_repo)
    return out


STAGING = ".saving"


def finalize(run: Run) -> None:
    """Step 6: save model and tokenizer atomically with a model card, then mark the output done.

    Called on every rank. With a trainer (``run.trainer``) the save goes through
    ``trainer.save_model``, which gathers FSDP/ZeRO-3 shards collectively and writes on the
    main process only; without one the main process saves ``run.model`` itself.
    """
    from ruadapt import distributed, outputs
    from ruadapt.model_card import write_run_card
    from ruadapt.models import save_pretrained
    from ruadapt.resume import check_finite_model

    check_finite_model(run.model)
    out = run.output_dir
    staging = out / STAGING  # one name every rank agrees on
    if distributed.is_main():
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
    distributed.barrier()
    save_model = getattr(run.trainer, "save_model", None)
    if save_model is not None:
        save_model(str(staging))
    elif distributed.is_main():
        save_pretrained(run.model, run.tokenizer, staging)
    distributed.barrier()
    if not distributed.is_main():
        return
    try:
        if save_model is not None:
            run.tokenizer.save_pretrained(staging)  # the run's, chat template included
            (staging / "training_args.bin").unlink(missing_ok=True)  # a pickle; config.yaml says it
        write_run_card(run, staging)
        outputs.public_tree(staging)
        for item in staging.iterdir():
            target = out / item.name
            if target.is_dir():
                shutil.rmtree(target)
            os.replace(item, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    summary = {
        "status": "complete",
        "plugin": run.method.name,
        "adapter": run.adapter.name if run.adapter else None,
        "seconds": round(time.time() - run._started, 2),
        **run.extra,
    }
    write_atomic(out / COMPLETE_MARKER, json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    outputs.record_files(out)
    outputs.update_marker(out, state="complete")


def _path_options(config: ResolvedConfig) -> dict[str, str]:
    """Method and trainer options whose value names an existing file or folder (``--set
    ref=out/sft``, ``reward``, ``teacher``): inputs too, so an output may not replace them."""
    import dataclasses

    values = dict(config.trainer)
    for part in (config.method, config.adapter):
        if dataclasses.is_dataclass(part):
            values.update(dataclasses.asdict(part))
    return {
        f"--set {key}": value
        for key, value in values.items()
        if isinstance(value, str)
        and value.strip() not in ("", ".", "..")
        and Path(value).expanduser().exists()
    }


def _check_trainer_options(config: ResolvedConfig, method: Method, registry: Registry) -> None:
    """Build the trainer's config once before any model loads: a value it rejects
    (``--set eval_strategy=sometimes``) fails now, in one line, not after loading."""
    from ruadapt.config import load_trainer_config

    cls = load_trainer_config(method.trainer_config or "")
    probe = Run(config=config, method=method, registry=registry, output_dir=Path("probe"))
    try:
        cls(**probe.training_arguments())
    except (TypeError, ValueError) as exc:
        keys = ", ".join(sorted(config.trainer))
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UserError(f"{cls.__name__} rejects the options ({keys}): {message}") from None


# ---- what a method's train(run, config) gets, and the helpers -----------------------------


def is_complete(directory: str | Path) -> bool:
    """True when ``directory`` holds the finished output of a run."""
    marker = Path(directory) / COMPLETE_MARKER
    if not marker.is_file():
        return False
    try:
        return json.loads(marker.read_text()).get("status") == "complete"
    except (json.JSONDecodeError, OSError):
        return False


def latest_checkpoint(directory: str | Path) -> Path | None:
    """The newest checkpoint whose trainer state was fully written, or None."""
    root = Path(directory) / CHECKPOINTS
    if not root.is_dir():
        return None
    done = [p for p in root.glob("checkpoint-*") if (p / "trainer_state.json").is_file()]
    if not done:
        return None
    return max(done, key=lambda p: int(p.name.rsplit("-", 1)[-1]))


@dataclass
class Run:
    """What a method's ``train(run, config)`` works with.

    The runner has loaded and checked the data (``dataset``, ``eval_dataset``, converted to
    the method's data kind) before ``train`` is called; ``model`` and ``tokenizer`` load on
    first use, with the adapter (``--adapter``) already applied to ``model``, so a method
    decides when the model loads. Methods log through ``log()`` or pass ``callback()`` to a
    transformers/TRL trainer.
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
    #: the method's trainer, if it has one: the final save goes through its ``save_model``
    #: on every rank (FSDP and ZeRO-3 gather the sharded weights there)
    trainer: Any = None

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
        from ruadapt.outputs import kill_point, record_files

        record_files(self.output_dir)  # folders a method or trainer added are ruadapt's too
        kill_point(f"run-logged-{int(step)}")
        from ruadapt.resume import check_finite_logs

        check_finite_logs(record, int(step))  # after writing: the bad value stays on record

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
            "report_to": list(o.report_to),
            "run_name": o.run_name or self.output_dir.name,
            "bf16": o.bf16,
            "fp16": o.fp16,
            checkpointing: o.gradient_checkpointing,
            "use_cpu": not torch.cuda.is_available(),
            "remove_unused_columns": False,
            "ddp_find_unused_parameters": False,
            **self._evaluation(),
            **self.config.trainer,  # any field of the method's trainer config (--set)
        }

    def _evaluation(self) -> dict[str, Any]:
        """With ``eval_split`` > 0: evaluate at every checkpoint, else ten times per run."""
        o = self.options
        if o.eval_split <= 0:
            return {}
        # eval_steps below 1 is a share of the run's steps in transformers: 0.1 = ten evaluations
        return {"eval_strategy": "steps", "eval_steps": o.save_steps or 0.1}


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    return value


def prepare_output(directory: str | Path, *, overwrite: bool, resume: bool) -> Path:
    """Check the output directory by the output policy (see ``ruadapt.outputs``); no writes."""
    from ruadapt import outputs

    out = outputs.check_output(directory, overwrite=overwrite, resume=resume)
    if resume and not (out.is_dir() and any(out.iterdir())):
        raise UserError(f"--resume: nothing to resume in {out}")
    return out


class Interrupted(UserError):
    """Ctrl-C during training; ``resumable`` when a checkpoint exists to continue from."""

    def __init__(self, message: str, resumable: bool) -> None:
        super().__init__(message)
        self.resumable = resumable


def _start_output(
    config: ResolvedConfig, out: Path
) -> tuple[Path | None, list[dict[str, Any]] | None]:
    """Check the output, move an old one aside for --overwrite, write config.yaml and metrics.

    Every check runs before anything is written or moved. Returns where a replaced output
    went (put back if this run does not finish) and, for a resume with ``--allow-changes``,
    the run's history of changed options (for run.json).
    """
    from ruadapt import outputs, resume

    prepare_output(out, overwrite=config.run.overwrite, resume=config.run.resume)
    old = None
    header = ""
    history = None
    if config.run.resume:
        ckpt = latest_checkpoint(out)
        changed = resume.check_resume(config, out, complete=is_complete(out), checkpoint=ckpt)
        step = int(ckpt.name.rsplit("-", 1)[-1]) if ckpt else 0
        history = resume.record_changes(out, changed, step)
        header = resume.changes_header(history)
        outputs.update_marker(out, state="writing")
        outputs.kill_point("resume-recorded")
        (out / COMPLETE_MARKER).unlink(missing_ok=True)
        resume.truncate_metrics(out / METRICS_FILE, step)
        print(f"resuming from {ckpt}")
    else:
        old = resume.move_aside(out) if config.run.overwrite else None
        outputs.kill_point("run-aside")
        out.mkdir(parents=True, exist_ok=True)
        # the journal: in flight, and which set-aside output this run replaces
        outputs.mark(
            out,
            "run",
            files=RUN_FILES,
            state="writing",
            plugin=config.plugin,
            **({"replacing": old.name} if old else {}),
        )
        outputs.kill_point("run-marked")
        outputs.write_atomic(out / METRICS_FILE, "")
    write_atomic(out / CONFIG_FILE, header + config.to_yaml())
    return old, history or None


def _seed(seed: int) -> None:
    import random

    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
