"""The explicit package list in pyproject.toml matches the source folders on disk.

A package folder missing from the list is silently left out of the wheel; a listed package
with no folder breaks `pip install` (both happened once).
"""

from __future__ import annotations

from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parent.parent


def _settings() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def _folder(package: str, package_dir: dict[str, str]) -> Path:
    top, *rest = package.split(".")
    return ROOT / package_dir.get(top, top) / Path(*rest)


def test_listed_packages_exist_and_every_package_folder_is_listed():
    settings = _settings()
    listed = set(settings["packages"])
    package_dir = settings.get("package-dir", {})
    missing = sorted(p for p in listed if not (_folder(p, package_dir) / "__init__.py").is_file())
    assert not missing, f"listed in pyproject.toml but not on disk: {missing}"

    on_disk = set()
    for top in {p.split(".")[0] for p in listed}:
        base = _folder(top, package_dir)
        for init in base.rglob("__init__.py"):
            parts = init.parent.relative_to(base).parts
            if any(part.startswith((".", "_")) or part == "tests" for part in parts):
                continue
            on_disk.add(".".join((top, *parts)))
    assert sorted(on_disk - listed) == [], "package folders missing from pyproject.toml"
