"""``ruadapt plugins new NAME``: write a plugin package skeleton that passes its own tests.

The skeleton (``ruadapt/templates/plugin/*.tmpl``) is a complete, installable package: a
``pyproject.toml`` with the ``ruadapt`` entry point and the supported ruadapt versions, one
module registering a working method, a README and tests (loss against its formula, the run
contract). Placeholders are ``{{key}}``; nothing else in the templates is interpreted.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from ruadapt.errors import UserError

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
MAX_NAME = 64

# template file -> path in the generated package ({module} is filled in)
FILES = {
    "pyproject.toml.tmpl": "pyproject.toml",
    "README.md.tmpl": "README.md",
    "gitignore.tmpl": ".gitignore",
    "plugin.py.tmpl": "{module}.py",
    "test_plugin.py.tmpl": "tests/test_{module}.py",
}


def check_name(name: str) -> str:
    """The method name, or a ``UserError`` saying what a valid one looks like."""
    if name.startswith("ruadapt"):
        raise UserError(
            f"NAME {name!r}: give the method name only; the package is named ruadapt-NAME"
        )
    if len(name) > MAX_NAME:  # it names a folder, a package and a module
        raise UserError(f"NAME is {len(name)} characters long; use at most {MAX_NAME}")
    if not NAME_PATTERN.match(name):
        hint = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        suggestion = f" (e.g. {hint!r})" if hint and NAME_PATTERN.match(hint) else ""
        raise UserError(
            f"NAME {name!r}: use lowercase letters, digits and single hyphens, "
            f"starting with a letter{suggestion}"
        )
    return name


def supported_range(version: str) -> str:
    """The ruadapt versions a new plugin declares: this minor series (0.x) or major (>= 1)."""
    from packaging.version import Version

    v = Version(version)
    upper = f"{v.major}.{v.minor + 1}" if v.major == 0 else f"{v.major + 1}"
    return f">={v.major}.{v.minor},<{upper}"


def placeholders(name: str) -> dict[str, str]:
    """The values the templates are filled with, derived from the method name."""
    from ruadapt.version import __version__

    parts = name.split("-")
    return {
        "name": name,
        "dist": f"ruadapt-{name}",
        "module": "ruadapt_" + "_".join(parts),
        "cls": "".join(part.capitalize() for part in parts),
        "ruadapt_requires": supported_range(__version__),
    }


def render(text: str, values: dict[str, str]) -> str:
    """Fill ``{{key}}`` placeholders; an unknown key is a bug in a template."""

    def fill(match: re.Match) -> str:
        return values[match.group(1)]

    return re.sub(r"\{\{(\w+)\}\}", fill, text)


def new_plugin(
    name: str, output: str | Path | None = None, *, taken: Iterable[str] = ()
) -> tuple[Path, list[Path]]:
    """Write the skeleton of plugin ``name`` to ``output`` (default ``./ruadapt-NAME``).

    ``taken`` are method names already installed: a skeleton reusing one would fail to load
    beside it. The package is assembled in a temporary folder beside ``output`` and moved
    into place in one step, so an interrupted run leaves nothing half-written. Returns the
    package folder and the files written (relative to it).
    """
    check_name(name)
    if name in set(taken):
        raise UserError(
            f"NAME {name!r}: a method of that name is already installed "
            f"(see `ruadapt plugins info {name}`); choose another"
        )
    values = placeholders(name)
    target = Path(output if output is not None else values["dist"]).expanduser()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UserError(f"-o {target}: already exists and is not empty; choose another folder")
    target.parent.mkdir(parents=True, exist_ok=True)

    templates = resources.files("ruadapt") / "templates" / "plugin"
    from ruadapt import outputs

    written = []
    with outputs.output_lock(target):
        outputs.clean_stale(target)
        staging = outputs.staging_path(target)
        staging.mkdir()  # plain mkdir: the package gets the user's umask, not a private mode
        try:
            for template, relative in FILES.items():
                path = staging / relative.format(module=values["module"])
                path.parent.mkdir(parents=True, exist_ok=True)
                text = render(templates.joinpath(template).read_text(encoding="utf-8"), values)
                path.write_text(text, encoding="utf-8")
                written.append(path.relative_to(staging))
            if target.exists():
                target.rmdir()  # empty, checked above
            os.replace(staging, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return target, written
