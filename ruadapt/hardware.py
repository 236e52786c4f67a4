"""Check precision and quantization options against the machine before anything loads.

Transformers fails late and cryptically (mid-way through loading, or at the first step) when
fp16 or bitsandbytes meet a machine without a GPU, and runs bf16 in slow emulation on a CPU
without bfloat16 instructions; we say so up front, naming the option.
"""

from __future__ import annotations

import importlib.util
from typing import Any

from ruadapt.errors import UserError

QUANTIZATION = ("4bit", "8bit")


def cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()


#: /proc/cpuinfo flags of CPUs that compute in bfloat16 natively (x86: AVX512-BF16, AMX;
#: Arm: the BF16 extension); without them torch emulates it, several times slower than fp32
_CPU_BF16_FLAGS = {"avx512_bf16", "amx_bf16", "bf16"}


def cpu_bf16() -> bool | None:
    """Whether this CPU has native bfloat16 arithmetic; None where it cannot be told
    (no /proc/cpuinfo: macOS, Windows)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            text = fh.read()
    except OSError:
        return None
    flags: set[str] = set()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("flags", "Features"):
            flags.update(value.split())
    return bool(flags & _CPU_BF16_FLAGS)


def check_run_options(
    options: Any, *, cuda: bool | None = None, bf16_cpu: bool | None = None
) -> None:
    """Raise a one-line UserError for an option this machine cannot honour.

    ``cuda`` and ``bf16_cpu`` default to what this machine has (tests pass them).
    """
    cuda = cuda_available() if cuda is None else cuda
    if options.fp16 and options.bf16:
        raise UserError("--set fp16 and --set bf16 exclude each other; choose one")
    if options.fp16 and not cuda:
        raise UserError("fp16 mixed precision needs a CUDA GPU; use bf16 or leave both off on CPU")
    if options.bf16 and cuda and not _cuda_bf16():
        raise UserError("this GPU has no bfloat16 support; use --set fp16=true instead")
    if options.bf16 and not cuda and (cpu_bf16() if bf16_cpu is None else bf16_cpu) is False:
        raise UserError(
            "--set bf16=true: this CPU has no native bfloat16 (no avx512_bf16/amx_bf16 flag), "
            "so it would train several times slower than float32; leave bf16 off here"
        )
    q = options.quantization
    if q is None:
        return
    if q not in QUANTIZATION:
        raise UserError(f"quantization must be one of {', '.join(QUANTIZATION)}, not {q!r}")
    if not cuda:
        raise UserError(f"quantization={q} (bitsandbytes) needs a CUDA GPU; none found")
    if importlib.util.find_spec("bitsandbytes") is None:
        raise UserError(f"quantization={q} needs bitsandbytes: pip install 'ruadapt[quantization]'")


def _cuda_bf16() -> bool:
    import torch

    return torch.cuda.is_bf16_supported()


def quantization_config(quantization: str | None) -> Any:
    """The transformers ``BitsAndBytesConfig`` for ``4bit`` (NF4, QLoRA's choice) or ``8bit``."""
    if quantization is None:
        return None
    import torch
    from transformers import BitsAndBytesConfig

    if quantization == "8bit":
        return BitsAndBytesConfig(load_in_8bit=True)
    return BitsAndBytesConfig(
        load_in_4bit=True,
        bnb_4bit_quant_type="nf4",
        bnb_4bit_use_double_quant=True,
        bnb_4bit_compute_dtype=torch.bfloat16,
    )
