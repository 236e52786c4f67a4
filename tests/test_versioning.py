"""The versioning promise of docs/plugins.md ("Public names") against the code: every name in
``ruadapt.__all__`` and every public name of a module promised whole is listed, and every
listed name exists."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import re
from pathlib import Path

import ruadapt
from ruadapt.runner import Run

DOCS = Path(__file__).resolve().parent.parent / "docs" / "plugins.md"


def promise() -> tuple[set[str], list[str]]:
    """(listed names, modules promised whole) from the "Public names" section."""
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("### Public names") : text.index("## Publishing")]
    names = set(re.findall(r"^\| `((?:ruadapt|Run)[\w.]*)` \|", section, re.M))
    whole = re.search(r"^Modules promised whole: (.*)$", section, re.M).group(1)
    return names, re.findall(r"`([\w.]+)`", whole)


def resolve(name: str) -> object:
    if name.startswith("Run."):
        attr = name.split(".", 1)[1]
        fields = {f.name: f for f in dataclasses.fields(Run)}
        return fields[attr] if attr in fields else getattr(Run, attr)
    module, _, attr = name.rpartition(".")
    return getattr(importlib.import_module(module), attr)


def public_names(module_name: str) -> set[str]:
    """Names a module defines itself (not imports) and does not mark private."""
    module = importlib.import_module(module_name)
    own = set()
    for name, value in vars(module).items():
        if name.startswith("_"):
            continue
        defined_in = getattr(value, "__module__", None)
        if defined_in == module_name or (defined_in is None and not inspect.ismodule(value)):
            own.add(name)
    return own - {"annotations"}


def test_every_name_of_ruadapt_all_is_promised():
    names, _ = promise()
    missing = [n for n in ruadapt.__all__ if f"ruadapt.{n}" not in names]
    assert not missing, f"add to docs/plugins.md 'Public names': {missing}"
    top = {n.split(".", 1)[1] for n in names if n.count(".") == 1 and n.startswith("ruadapt.")}
    assert top <= set(ruadapt.__all__), (
        f"listed but not in ruadapt.__all__: {top - set(ruadapt.__all__)}"
    )


def test_every_public_name_of_a_whole_module_is_promised():
    names, whole = promise()
    assert whole, "no module is promised whole"
    for module in whole:
        missing = sorted(
            f"{module}.{n}" for n in public_names(module) if f"{module}.{n}" not in names
        )
        assert not missing, f"public but not listed in docs/plugins.md: {missing}"


def test_every_promised_name_exists():
    names, _ = promise()
    assert len(names) > 40
    missing = []
    for name in sorted(names):
        try:
            resolve(name)
        except (AttributeError, ImportError, KeyError):
            missing.append(name)
    assert not missing, f"docs/plugins.md promises names that do not exist: {missing}"


def test_the_run_table_and_the_promise_agree():
    names, _ = promise()
    text = DOCS.read_text(encoding="utf-8")
    table = text[text.index("## The `Run` object") : text.index("## Data kinds")]
    documented = set(re.findall(r"^\| `run\.(\w+)", table, re.M))
    promised = {n.split(".", 1)[1] for n in names if n.startswith("Run.")}
    assert documented <= promised, f"in the Run table, not promised: {documented - promised}"


def test_the_example_plugin_uses_promised_names_only():
    """examples/ruadapt-orpo imports from ruadapt only what the promise lists."""
    import ast

    names, _ = promise()
    source = (DOCS.parent.parent / "examples" / "ruadapt-orpo" / "ruadapt_orpo.py").read_text()
    used = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module.split(".")[0].startswith("ruadapt"):
            used |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Attribute) and getattr(node.value, "id", None) == "ruadapt":
            used.add(f"ruadapt.{node.attr}")
    assert used, "the example uses no ruadapt name?"
    assert used <= names, f"not public: {sorted(used - names)}"
