"""docs/plugins.md's "A reference-based method in 60 lines", installed as a plugin and checked
with ruadapt.testing the way its author would: a third party's IPO on public helpers only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ruadapt.testing import (
    check_first_loss,
    check_gradient_accumulation,
    check_method_contract,
)
from tests.helpers import activate, fake_distribution

DOCS = Path(__file__).resolve().parent.parent / "docs" / "plugins.md"
HEADING = "## A reference-based method in 60 lines"


def walkthrough_source() -> str:
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index(HEADING) :]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


@pytest.fixture
def ipo(tmp_path, monkeypatch) -> str:
    site = tmp_path / "site"
    modules = {"thirdparty_ipo": walkthrough_source()}
    fake_distribution(site, "ruadapt-ipo", "0.1", modules, {"ipo": "thirdparty_ipo"})
    activate(monkeypatch, site)
    return "ipo"


def test_the_walkthrough_is_sixty_lines_on_public_helpers_only():
    source = walkthrough_source()
    assert len(source.splitlines()) <= 80  # 60 lines of code, blank lines and comments aside
    code = [x for x in source.splitlines() if x.strip() and not x.strip().startswith("#")]
    assert len(code) <= 60, len(code)
    assert "ruadapt_plugins" not in source and "._" not in source  # nothing private


def test_walkthrough_honours_the_run_contract(ipo, tiny_model, tiny_data, tmp_path):
    check_method_contract(ipo, tiny_model, tiny_data("preference"), tmp_path / "out")


@pytest.mark.parametrize(("tau", "adapter"), [(0.1, None), (0.25, "lora")])
def test_walkthrough_first_loss_is_ipo_at_initialisation(
    ipo, tau, adapter, tiny_model, tiny_data, tmp_path
):
    """Policy == reference at step 0 (a copy, or the base with a zero LoRA): h = 0."""
    options = {"adapter": adapter} if adapter else {}
    check_first_loss(
        ipo,
        tiny_model,
        tiny_data("preference", 2),
        tmp_path / "out",
        (1 / (2 * tau)) ** 2,
        tolerance=1e-6,
        tau=tau,
        **options,
    )


def test_walkthrough_is_right_under_gradient_accumulation(ipo, tiny_model, tiny_data, tmp_path):
    check_gradient_accumulation(ipo, tiny_model, tiny_data("preference", 2), tmp_path)
