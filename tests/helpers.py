"""Helpers shared by the test modules (not fixtures: plain functions)."""

from __future__ import annotations

import importlib
import sys
import textwrap
from pathlib import Path

import pytest


def invoke(args: list[str], capsys: pytest.CaptureFixture) -> tuple[int, str, str]:
    """Run the real CLI entry point in-process; returns (exit code, stdout, stderr)."""
    import ruadapt.registry
    from ruadapt.cli import main

    ruadapt.registry._cached = None  # each invocation sees the currently installed plugins
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    out, err = capsys.readouterr()
    return code, out, err


def fake_distribution(
    root: Path, dist: str, version: str, modules: dict[str, str], entry_points: dict[str, str]
) -> None:
    """Install a throwaway distribution the way pip would leave it: a module on sys.path plus
    ``<dist>-<version>.dist-info/{METADATA,entry_points.txt}`` that importlib.metadata finds."""
    root.mkdir(parents=True, exist_ok=True)
    for name, source in modules.items():
        (root / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    info = root / f"{dist.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n", encoding="utf-8"
    )
    lines = "".join(f"{k} = {v}\n" for k, v in entry_points.items())
    (info / "entry_points.txt").write_text(f"[ruadapt]\n{lines}", encoding="utf-8")


def activate(monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
    """Put a fake site directory first on sys.path and forget cached module lookups."""
    monkeypatch.syspath_prepend(str(root))
    importlib.invalidate_caches()
    for name in [m for m in sys.modules if m.startswith("thirdparty_")]:
        del sys.modules[name]


EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "ruadapt-orpo"
EXAMPLE_MODULE = "thirdparty_orpo"  # activate() forgets thirdparty_* modules between tests


def install_example(root: Path) -> Path:
    """Write examples/ruadapt-orpo as an installed distribution under ``root`` (activate() it
    to use it); returns its dist-info."""
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((EXAMPLE / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    (module,) = project["entry-points"]["ruadapt"].values()
    source = (EXAMPLE / f"{module}.py").read_text(encoding="utf-8")
    entry_points = {name: EXAMPLE_MODULE for name in project["entry-points"]["ruadapt"]}
    modules = {EXAMPLE_MODULE: source}
    fake_distribution(root, project["name"], project["version"], modules, entry_points)
    info = root / f"{project['name'].replace('-', '_')}-{project['version']}.dist-info"
    requires = "".join(f"Requires-Dist: {dep}\n" for dep in project["dependencies"])
    (info / "METADATA").write_text((info / "METADATA").read_text() + requires)
    return info


def tiny_llama(vocab: int, tied: bool, seed: int = 0):
    """A one-layer Llama with ``vocab`` rows, tied or untied, seeded (embedding tests)."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(seed)
    config = LlamaConfig(
        vocab_size=vocab,
        hidden_size=16,
        intermediate_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        num_key_value_heads=1,
        tie_word_embeddings=tied,
    )
    return LlamaForCausalLM(config)
