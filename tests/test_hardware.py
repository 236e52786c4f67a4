"""Precision and quantization options fail up front, in one line, on a machine that lacks them."""

from __future__ import annotations

import pytest

from ruadapt.config import RunConfig
from ruadapt.errors import UserError
from ruadapt.hardware import check_run_options, quantization_config
from tests.helpers import invoke


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"fp16": True}, "fp16 mixed precision needs a CUDA GPU"),
        ({"fp16": True, "bf16": True}, "exclude each other"),
        ({"quantization": "4bit"}, "needs a CUDA GPU"),
        ({"quantization": "3bit"}, "must be one of 4bit, 8bit"),
    ],
)
def test_cpu_rejects_gpu_only_options(changes, message):
    options = RunConfig(**changes)
    with pytest.raises(UserError, match=message):
        check_run_options(options, cuda=False)


def test_cpu_accepts_bf16_and_full_precision(monkeypatch):
    import ruadapt.hardware

    check_run_options(RunConfig(bf16=True), cuda=False, bf16_cpu=True)
    check_run_options(RunConfig(), cuda=False, bf16_cpu=False)
    # a CPU whose flags cannot be read (no /proc/cpuinfo) is given the benefit of the doubt;
    # bf16_cpu=None means "ask this machine", so the machine's answer is what is replaced
    monkeypatch.setattr(ruadapt.hardware, "cpu_bf16", lambda: None)
    check_run_options(RunConfig(bf16=True), cuda=False)


def test_cpu_without_native_bf16_refuses_bf16():
    """Emulated bfloat16 trains several times slower and used to exit 0 (issue 27)."""
    with pytest.raises(UserError, match="no native bfloat16"):
        check_run_options(RunConfig(bf16=True), cuda=False, bf16_cpu=False)


def test_cpu_bf16_reads_the_cpu_flags(monkeypatch, tmp_path):
    import builtins

    import ruadapt.hardware

    real_open = builtins.open
    for text, expected in [
        ("flags\t\t: fpu avx2 avx512f\n", False),
        ("flags\t\t: fpu avx512f avx512_bf16\n", True),
        ("Features\t: fp asimd bf16\n", True),
    ]:
        info = tmp_path / "cpuinfo"
        info.write_text(text)
        monkeypatch.setattr(
            builtins,
            "open",
            lambda p, *a, _i=info, **k: real_open(_i if p == "/proc/cpuinfo" else p, *a, **k),
        )
        assert ruadapt.hardware.cpu_bf16() is expected


def test_gpu_quantization_without_bitsandbytes_names_the_extra(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name: None if name == "bitsandbytes" else real(name)
    )
    with pytest.raises(UserError, match=r"ruadapt\[quantization\]"):
        check_run_options(RunConfig(quantization="8bit"), cuda=True)


def test_four_bit_config_is_nf4_with_double_quantization():
    config = quantization_config("4bit")
    assert config.load_in_4bit and config.bnb_4bit_quant_type == "nf4"
    assert config.bnb_4bit_use_double_quant
    assert quantization_config(None) is None


def test_cli_fp16_on_cpu_is_one_line_before_loading(tmp_path, monkeypatch, capsys):
    import ruadapt.hardware

    monkeypatch.setattr(ruadapt.hardware, "cuda_available", lambda: False)
    args = ["run", "--plugin", "sft", "--model", "tiny", "--data", "ru-sft"]
    args += ["--output", str(tmp_path / "o"), "--set", "fp16=true"]
    code, out, err = invoke(args, capsys)
    assert code != 0
    assert "fp16 mixed precision needs a CUDA GPU" in err + out
    assert "Traceback" not in err + out
    assert not (tmp_path / "o").exists()
