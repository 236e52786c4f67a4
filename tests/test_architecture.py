"""The layers of docs/architecture.md, checked from the imports themselves.

The contracts live in pyproject.toml (``[tool.importlinter]``) and are checked by
import-linter, which reads every import statement, those inside functions included: no module
imports one on a higher layer, the core never imports ``ruadapt_plugins``/``ruadapt_evals``
(only the composition roots cli, pipeline and demo do), and no modules of one package import
each other in a circle. The second test shows each contract failing on a scratch copy of the
code with a deliberately wrong import.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip(
    "importlinter", reason="import-linter is a test dependency (pip install -e .[test])"
)

ROOT = Path(__file__).resolve().parent.parent
#: import name -> folder, as pyproject's [tool.setuptools.package-dir] maps them
PACKAGES = {"ruadapt": "ruadapt", "ruadapt_plugins": "plugins", "ruadapt_evals": "evals"}


def lint_imports(root: Path, source: Path) -> subprocess.CompletedProcess:
    """Run the contracts of ``root``/pyproject.toml on the packages found first in ``source``."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from importlinter.cli import lint_imports_command as c; c()",
            "--no-cache",
            str(root / "pyproject.toml"),
        ],
        env={"PYTHONPATH": str(source), "PATH": "/usr/bin:/bin"},
        cwd=source,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_import_contracts_hold():
    result = lint_imports(ROOT, ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "4 kept, 0 broken" in result.stdout


def add_function_import(path: Path, statement: str) -> None:
    """Append a function whose body imports ``statement`` (imports inside functions count)."""
    path.write_text(path.read_text() + f"\n\ndef _wrong():\n    {statement}\n")


def test_each_contract_fails_on_a_wrong_import(tmp_path):
    for name, folder in PACKAGES.items():
        shutil.copytree(
            ROOT / folder, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__")
        )
    # upward: the data layer reaches up into the runner
    add_function_import(tmp_path / "ruadapt/data/readers.py", "from ruadapt.runner import run")
    # the core reaches a method
    add_function_import(tmp_path / "ruadapt/config.py", "import ruadapt_plugins.dpo")
    # a circle: tables is imported by render, and now imports it back
    add_function_import(tmp_path / "ruadapt_evals/tables.py", "import ruadapt_evals.render")
    result = lint_imports(ROOT, tmp_path)
    out = re.sub(r"\s+", " ", result.stdout)
    assert result.returncode != 0
    assert "1 kept, 3 broken" in out, out[-3000:]
    assert "ruadapt.data.readers -> ruadapt.runner" in out
    assert "ruadapt.config -> ruadapt_plugins.dpo" in out
    assert "No cycles are allowed in ruadapt_evals" in out


def test_architecture_page_names_every_core_module():
    page = (ROOT / "docs/architecture.md").read_text(encoding="utf-8")
    modules = sorted((ROOT / "ruadapt").rglob("*.py"))
    missing = [
        str(p.relative_to(ROOT))
        for p in modules
        if p.name != "__init__.py" and f"`{p.name}`" not in page
    ]
    assert not missing, f"docs/architecture.md does not mention: {', '.join(missing)}"
    for folder in ("plugins/", "evals/", "datasets_ru/"):
        assert f"`{folder}`" in page
