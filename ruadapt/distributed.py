"""Multi-process awareness for runs started by ``accelerate launch`` (DDP, FSDP, DeepSpeed).

Only the main process touches the output directory; every rank trains. The process group is
set up by accelerate's ``PartialState`` (gloo on CPU, NCCL on GPU), which TRL and transformers
then reuse.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from ruadapt.errors import UserError


def world_size() -> int:
    return int(os.environ.get("WORLD_SIZE", "1"))


def rank() -> int:
    return int(os.environ.get("RANK", "0"))


def is_main() -> bool:
    return rank() == 0


def setup() -> None:
    """Join the process group when launched with several processes (no-op otherwise)."""
    if world_size() > 1:
        from accelerate import PartialState

        PartialState()
        _note_cpu_fallback()


def _note_cpu_fallback() -> None:
    """Without GPUs accelerate runs an FSDP config as plain DDP (say so), and DeepSpeed hung
    after loading the model in our trial (refuse it, naming the config's setting)."""
    import torch

    if torch.cuda.is_available():
        return
    if os.environ.get("ACCELERATE_USE_DEEPSPEED", "").lower() == "true":
        raise UserError(
            "DeepSpeed needs CUDA GPUs here (the accelerate config says distributed_type: "
            "DEEPSPEED); on CPU use examples/accelerate/ddp.yaml or --num-processes alone"
        )
    if os.environ.get("ACCELERATE_USE_FSDP", "").lower() == "true" and is_main():
        print(
            "note: FSDP needs GPUs in accelerate; on CPU this run is plain data parallel "
            "(DDP, gloo): every process holds the whole model",
            file=sys.stderr,
        )


def barrier() -> None:
    if world_size() > 1:
        from accelerate import PartialState

        PartialState().wait_for_everyone()


def launch(args: list[str], num_processes: int, config_file: str | None = None) -> int:
    """Re-run ``ruadapt <args>`` under ``accelerate launch`` with ``num_processes`` ranks."""
    if num_processes < 1:
        raise UserError("--num-processes must be >= 1")
    if config_file and not os.path.isfile(config_file):
        raise UserError(f"--accelerate-config {config_file} does not exist")
    command = [sys.executable, "-m", "accelerate.commands.launch"]
    if config_file:
        command += ["--config_file", config_file, "--num_processes", str(num_processes)]
    elif num_processes > 1:
        # accelerate's --cpu flag runs one process; its torchrun path works on CPU with gloo.
        command += [
            "--multi_gpu",
            "--num_processes",
            str(num_processes),
            "--num_machines",
            "1",
            "--mixed_precision",
            "no",
            "--dynamo_backend",
            "no",
        ]
    command += ["-m", "ruadapt", *args]
    if shutil.which(sys.executable) is None:
        raise UserError(f"cannot find the Python interpreter {sys.executable}")
    return subprocess.call(command)
