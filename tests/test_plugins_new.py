"""``ruadapt plugins new NAME``: the skeleton loads as a plugin and passes its own tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import ruadapt
from ruadapt.errors import UserError
from ruadapt.plugins import load_plugins, version_mismatch
from ruadapt.registry import collect
from ruadapt.scaffold import new_plugin, placeholders, supported_range
from ruadapt.testing import (
    check_gradient_accumulation,
    check_method_contract,
    check_method_resumes,
)
from tests.helpers import activate, fake_distribution, invoke

tomllib = pytest.importorskip("tomllib")

NAME = "odds-ratio"  # a hyphenated name exercises every derived identifier


def install(root: Path, package: Path, module_as: str | None = None) -> None:
    """Make ``package`` look pip-installed under ``root``: its dist-info from its pyproject.

    ``module_as`` copies the module under another name (``helpers.activate`` forgets
    ``thirdparty_*`` modules between tests); otherwise ``package`` must be on the path.
    """
    project = tomllib.loads((package / "pyproject.toml").read_text())["project"]
    (entry,) = project["entry-points"]["ruadapt"].items()
    name, module = entry
    modules = {}
    if module_as:
        modules[module_as] = (package / f"{module}.py").read_text(encoding="utf-8")
    fake_distribution(
        root, project["name"], project["version"], modules, {name: module_as or module}
    )
    meta = root / f"{project['name'].replace('-', '_')}-{project['version']}.dist-info/METADATA"
    meta.write_text(
        meta.read_text() + "".join(f"Requires-Dist: {d}\n" for d in project["dependencies"])
    )


@pytest.fixture
def package(tmp_path, capsys) -> Path:
    out = tmp_path / "pkg"
    code, stdout, err = invoke(["plugins", "new", NAME, "-o", str(out)], capsys)
    assert code == 0, err
    assert f"created {out}" in stdout and "pip install -e" in stdout
    return out


def test_skeleton_is_a_complete_package(package):
    values = placeholders(NAME)
    assert values["module"] == "ruadapt_odds_ratio" and values["cls"] == "OddsRatio"
    files = sorted(str(p.relative_to(package)) for p in package.rglob("*") if p.is_file())
    assert files == [
        ".gitignore",
        "README.md",
        "pyproject.toml",
        "ruadapt_odds_ratio.py",
        "tests/test_ruadapt_odds_ratio.py",
    ]
    project = tomllib.loads((package / "pyproject.toml").read_text())["project"]
    assert project["name"] == "ruadapt-odds-ratio"
    assert project["entry-points"]["ruadapt"] == {NAME: "ruadapt_odds_ratio"}
    (requirement,) = project["dependencies"]
    assert requirement == f"ruadapt{supported_range(ruadapt.__version__)}"
    assert version_mismatch([requirement]) is None  # admits the ruadapt that wrote it
    text = "".join(p.read_text() for p in package.rglob("*") if p.is_file())
    assert "{{" not in text and "}}" not in text  # every placeholder filled
    assert oct(package.stat().st_mode & 0o777) != oct(0o700)  # not left private by mkdtemp


def test_skeleton_is_ruff_clean(package):
    ruff = Path(sys.executable).parent / "ruff"
    if not ruff.exists():
        pytest.skip("ruff not installed")
    for args in (["check", "."], ["format", "--check", "."]):
        done = subprocess.run([str(ruff), *args], cwd=package, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


def test_skeleton_registers_its_method_and_is_listed(package, tmp_path, monkeypatch, capsys):
    install(tmp_path / "site", package, module_as="thirdparty_odds_ratio")
    activate(monkeypatch, tmp_path / "site")
    plugins = load_plugins()
    registry = collect(plugins)
    assert registry.owners[("method", NAME)] == NAME
    assert NAME not in plugins.failures and NAME not in plugins.warnings
    code, out, err = invoke(["plugins", "--json", "--third-party"], capsys)
    assert code == 0, err
    (row,) = [p for p in json.loads(out)["plugins"] if p["name"] == NAME]
    assert row["distribution"] == "ruadapt-odds-ratio" and row["registers"] == {"method": [NAME]}


def run_generated_tests(package: Path, site: Path, *args: str) -> subprocess.CompletedProcess:
    """The generated tests, run by pytest in a fresh process, as the author would run them."""
    install(site, package)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(package)])}
    env.pop("RUADAPT_DISABLE_PLUGINS", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *args],
        cwd=package,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_skeleton_passes_its_own_tests(package, tmp_path, monkeypatch, tiny_model, tiny_data):
    # The generated run tests build their own tiny model and train (slow); the default suite
    # runs the other generated tests in a fresh process and the contract check in-process on
    # the session's tiny model. The slow test_skeleton_passes_all_its_own_tests runs them all
    # (the resume check included).
    done = run_generated_tests(package, tmp_path / "site", "-k", "not run_ and not resumes")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "4 passed, 4 deselected" in done.stdout

    install(tmp_path / "site2", package, module_as="thirdparty_odds_ratio")
    activate(monkeypatch, tmp_path / "site2")
    out = check_method_contract(NAME, tiny_model, tiny_data("text"), tmp_path / "out")
    assert json.loads((out / "run.json").read_text())["plugin"] == NAME


def test_skeleton_is_right_under_gradient_accumulation(
    package, tmp_path, monkeypatch, tiny_model, tiny_data
):
    """One batch of 2 and two accumulated batches of 1 give the same loss and gradient norm
    (the first skeleton returned a mean and ignored num_items_in_batch: twice as large)."""
    install(tmp_path / "site", package, module_as="thirdparty_odds_ratio")
    activate(monkeypatch, tmp_path / "site")
    whole, split = check_gradient_accumulation(
        NAME, tiny_model, tiny_data("text", 2), tmp_path / "ga"
    )
    assert whole.first_loss == pytest.approx(split.first_loss, rel=1e-3)


def test_accumulation_check_fails_the_first_skeletons_mean_loss(
    package, tmp_path, monkeypatch, tiny_model, tiny_data
):
    """The guard itself: the skeleton as first shipped (a per-batch mean, num_items_in_batch
    ignored) gives a step-1 loss twice as large with 2 accumulated batches, and the check says
    so."""
    source = (package / "ruadapt_odds_ratio.py").read_text()
    honoured = "value = loss(outputs.logits, labels, config, num_items_in_batch)"
    assert honoured in source
    old_skeleton = honoured.replace("num_items_in_batch)", "None)")
    (package / "ruadapt_odds_ratio.py").write_text(source.replace(honoured, old_skeleton))
    install(tmp_path / "site", package, module_as="thirdparty_odds_ratio")
    activate(monkeypatch, tmp_path / "site")
    with pytest.raises(AssertionError, match=r"\(ratio 2\.0\d\d\).*num_items_in_batch"):
        check_gradient_accumulation(NAME, tiny_model, tiny_data("text", 2), tmp_path / "ga")


@pytest.mark.slow
def test_resume_check_catches_a_method_that_restarts(
    package, tmp_path, monkeypatch, tiny_model, tiny_data
):
    source = (package / "ruadapt_odds_ratio.py").read_text()
    resuming = "trainer.train(resume_from_checkpoint=run.resume_from)"
    assert resuming in source
    (package / "ruadapt_odds_ratio.py").write_text(source.replace(resuming, "trainer.train()"))
    install(tmp_path / "site", package, module_as="thirdparty_odds_ratio")
    activate(monkeypatch, tmp_path / "site")
    with pytest.raises(AssertionError, match=r"logged steps \[1, 1, 2\]"):
        check_method_resumes(NAME, tiny_model, tiny_data("text"), tmp_path / "out")


@pytest.mark.slow
def test_skeleton_passes_all_its_own_tests(package, tmp_path):
    done = run_generated_tests(package, tmp_path / "site")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "8 passed" in done.stdout


def test_bad_names_are_one_line_errors(tmp_path, capsys):
    for name, expected in [
        ("My_Method", "lowercase letters, digits and single hyphens"),
        ("ruadapt-foo", "give the method name only"),
        ("2fast", "starting with a letter"),
    ]:
        code, _, err = invoke(["plugins", "new", name, "-o", str(tmp_path / "x")], capsys)
        assert code == 1 and expected in err and "Traceback" not in err, err
    assert "e.g. 'my-method'" in invoke(["plugins", "new", "My_Method"], capsys)[2]
    assert not (tmp_path / "x").exists()


def test_installed_method_name_is_refused(tmp_path, capsys):
    code, _, err = invoke(["plugins", "new", "sft", "-o", str(tmp_path / "x")], capsys)
    assert code == 1 and "already installed" in err and "ruadapt plugins info sft" in err
    assert not (tmp_path / "x").exists()


def test_existing_folder_is_never_overwritten(tmp_path):
    target = tmp_path / "mine"
    target.mkdir()
    (target / "notes.txt").write_text("keep me")
    with pytest.raises(UserError, match="already exists and is not empty"):
        new_plugin("fresh", target)
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    assert (target / "notes.txt").read_text() == "keep me"
    assert not list(tmp_path.glob(".ruadapt-new-*"))  # no staging folder left behind
    empty = tmp_path / "empty"
    empty.mkdir()
    path, _ = new_plugin("fresh", empty)  # an empty folder is fine to fill
    assert (path / "ruadapt_fresh.py").is_file()


def test_default_output_is_ruadapt_name_in_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path, _ = new_plugin("fresh")
    assert (
        path == Path("ruadapt-fresh") and (tmp_path / "ruadapt-fresh" / "pyproject.toml").is_file()
    )


@pytest.mark.parametrize(
    "version, expected",
    [
        ("0.1.0", ">=0.1,<0.2"),
        ("0.3.2", ">=0.3,<0.4"),
        ("1.4.0", ">=1.4,<2"),
        ("2.0.1", ">=2.0,<3"),
    ],
)
def test_supported_range_follows_the_installed_version(version, expected):
    assert supported_range(version) == expected
