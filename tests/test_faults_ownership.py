# ruff: noqa: E501, F811  (one case per line reads best; `world` is the shared fixture)
"""Issue 27, first half: ownership ruadapt can prove, overwrite that survives any kill, inputs
compared as paths, and resume that tells the truth.

Fault cases run the real CLI in-process (the machinery of ``tests/test_faults.py``): exit 1,
exactly one ``error:`` line, no traceback, and every file byte-identical afterwards. Classes:
``own`` (legacy file names and foreign files prove nothing), ``path`` (commas, symlinks,
relative paths, ``--config`` and recipe files as inputs), ``truth`` (resume with changed
options).

The kill tests stop a real ``ruadapt`` process with SIGKILL at each stage of an overwrite
(and of a resume), through the test-only hook ``RUADAPT_TEST_KILL_AT=<point>``
(``ruadapt.outputs.kill_point``), then run each command that can follow and find the finished
run intact.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import invoke
from tests.test_faults import CHAT, PREFS, PROMPTS, Case, jsonl, prepare, snapshot, world  # noqa: F401

MARKER = ".ruadapt-output.json"
THESIS = {"p/thesis.tex": "five years of work\n"}
S = "run --plugin sft --model {m} --data {d} --max-steps 1"
# the world's finished LoRA run, as the resume cases continue it ({r}: run.json removed)
R = "run --plugin sft --adapter lora --model {m} --data {d} -o {r} --resume --max-steps 2 --set save_steps=1 --set logging_steps=1 --set batch_size=2"
RECIPE = "stages:\n  - {name: a, plugin: sft}\n"


def _add_user_file(folder: str):
    def setup(t: Path) -> None:
        (t / folder / "thesis.tex").write_text("five years of work\n", encoding="utf-8")

    return setup


WORLD: dict = {}  # the shared fixture's paths, for setups (they get only the case folder)


def _copy_run_as(name: str):
    def setup(t: Path) -> None:
        shutil.copytree(WORLD["adapter"], t / name)

    return setup


def _copy_model_as(name: str):
    def setup(t: Path) -> None:
        shutil.copytree(WORLD["model"], t / name)

    return setup


def _link_to_model(t: Path) -> None:
    (t / "link").symlink_to(t / "model", target_is_directory=True)


def _pipeline_output(t: Path) -> None:
    (t / "p").mkdir(exist_ok=True)
    body = {"command": "pipeline", "state": "complete", "files": ["pipeline.json"]}
    (t / "p" / MARKER).write_text(json.dumps(body), encoding="utf-8")


CASES = [
    # ---- own: names a user may also have prove nothing; foreign files are refused --------
    *[
        Case(
            f"own-{cmd}-legacy-{name.split('.')[0].replace('_', '-')}",
            args,
            "not a ruadapt output .*thesis\\.tex",
            {f"p/{name}": body, **THESIS, **files},
        )
        for cmd, args, name, body, files in [
            ("run", S + " -o {t}/p --overwrite", "config.yaml", "db: prod\n", {}),
            ("run", S + " -o {t}/p --overwrite", "run.json", '{"status": "complete"}\n', {}),
            (
                "eval",
                "eval --model {m} --tasks tokenization -o {t}/p --overwrite",
                "report.json",
                "{}\n",
                {},
            ),
            ("tiny", "tiny-model --steps 0 -o {t}/p --overwrite", "tiny_build.json", "{}\n", {}),
            ("tiny", "tiny-model --steps 0 -o {t}/p --overwrite", "real_model.json", "{}\n", {}),
            ("report", "report {a} -o {t}/p --overwrite", "pipeline.json", '{"stages": {}}\n', {}),
            (
                "extend",
                "tokenizer extend -m {m} -c {t}/ru.txt -n 8 -o {t}/p --overwrite",
                "config.yaml",
                "a: 1\n",
                {"ru.txt": "Москва — столица России.\n" * 40},
            ),
            ("merge", "merge {a} -o {t}/p --overwrite", "config.yaml", "a: 1\n", {}),
        ]
    ],
    Case(
        "own-pipeline-legacy-state",
        "pipeline {t}/r.yaml -o {t}/p",
        "not a pipeline output ruadapt wrote",
        {"r.yaml": RECIPE, "p/pipeline.json": '{"stages": {}}', **THESIS},
    ),
    Case(
        "own-marker-torn",
        S + " -o {t}/p --overwrite",
        "not a ruadapt output",
        {f"p/{MARKER}": "{torn", **THESIS},
    ),
    Case(
        "own-marker-not-ruadapts",
        S + " -o {t}/p --overwrite",
        "not a ruadapt output",
        {f"p/{MARKER}": '{"mine": 1}', **THESIS},
    ),
    Case(
        "own-user-file-in-finished-run-overwrite",
        S + " -o {a} --overwrite",
        r"holds files ruadapt did not write \(thesis\.tex\)",
        setup=_add_user_file("adapter"),
    ),
    Case(
        "own-user-file-in-finished-run-eval",
        "eval --model {m} --tasks tokenization -o {a} --overwrite",
        r"did not write \(thesis\.tex\)",
        setup=_add_user_file("adapter"),
    ),
    Case(
        "own-user-file-in-finished-run-tiny",
        "tiny-model --steps 0 -o {a} --overwrite",
        r"did not write \(thesis\.tex\)",
        setup=_add_user_file("adapter"),
    ),
    Case(
        "own-hidden-user-file-in-finished-run",
        S + " -o {a} --overwrite",
        r"did not write \(\.env\)",
        setup=lambda t: (t / "adapter" / ".env").write_text("TOKEN=x\n"),
    ),
    Case(
        "own-user-file-in-interrupted-run-resume",
        R,
        r"--resume: .* did not write \(thesis\.tex\)",
        setup=_add_user_file("run"),
    ),
    Case(
        "own-user-file-in-pipeline-output",
        "pipeline {t}/r.yaml -o {t}/p",
        r"did not write \(thesis\.tex\)",
        {"r.yaml": RECIPE, **THESIS},
        _pipeline_output,
    ),
    # ---- path: inputs compared as resolved paths, never as strings ----------------------
    Case(
        "path-report-comma-in-run-name",
        "report {t}/sft,lr=2e-5 -o {t}/sft,lr=2e-5 --overwrite",
        "would overwrite the run",
        setup=_copy_run_as("sft,lr=2e-5"),
    ),
    Case(
        "path-report-comma-parent-of-run",
        "report {t}/sft,lr=2e-5 -o {t} --overwrite",
        "would overwrite the run",
        setup=_copy_run_as("sft,lr=2e-5"),
    ),
    Case(
        "path-extend-comma-in-model-name",
        "tokenizer extend -m {t}/m,x -c {t}/ru.txt -n 8 -o {t}/m,x --overwrite",
        "would overwrite the --model",
        {"ru.txt": "Москва — столица России.\n" * 40},
        _copy_model_as("m,x"),
    ),
    Case(
        "path-convert-comma-in-file-name",
        "data convert {t}/a,b.jsonl {t}/a,b.jsonl --to preference --overwrite",
        "also an input",
        {"a,b.jsonl": jsonl(PREFS)},
    ),
    Case(
        "path-run-comma-in-data-name",
        "run --plugin sft --model {m} --data {t}/d,1.jsonl -o {t}/d,1.jsonl --overwrite",
        "would overwrite the --data",
        {"d,1.jsonl": jsonl(CHAT)},
    ),
    Case(
        "path-run-comma-in-model-name",
        "run --plugin sft --model {t}/m,x --data {d} -o {t}/m,x --overwrite",
        "would overwrite the --model",
        setup=_copy_model_as("m,x"),
    ),
    Case(
        "path-run-output-symlink-to-model",
        "run --plugin sft --model {mc} --data {d} -o {t}/link --overwrite",
        "would overwrite the --model",
        setup=_link_to_model,
    ),
    Case(
        "path-run-output-relative-dots-to-model",
        "run --plugin sft --model {mc} --data {d} -o {t}/x/../model --overwrite",
        "would overwrite the --model",
        {"x/keep": "x"},
    ),
    Case(
        "path-run-config-inside-output",
        "run --plugin sft --model {m} --data {d} -c {a}/recipe.yaml -o {a} --overwrite",
        "would overwrite the --config",
        setup=lambda t: (t / "adapter" / "recipe.yaml").write_text("seed: 3\n"),
    ),
    Case(
        "path-run-config-is-output-parent",
        "run --plugin sft --model {m} --data {d} -c {t}/c/recipe.yaml -o {t}/c --overwrite",
        "would overwrite the --config",
        {"c/recipe.yaml": "seed: 3\n"},
    ),
    Case(
        "path-eval-baseline-is-output",
        "eval --model {m} --baseline {mc} --tasks tokenization -o {mc} --overwrite",
        "would overwrite the --baseline",
    ),
    Case(
        "path-eval-mc-inside-output",
        "eval --model {m} --tasks tokenization --mc {t}/e/mc.jsonl -o {t}/e --overwrite",
        "would overwrite the --mc",
        {"e/mc.jsonl": "{}\n"},
    ),
    Case(
        "path-eval-prompts-comma",
        "eval --model {m} --tasks tokenization --prompts {t}/p,1.jsonl -o {t}/p,1.jsonl",
        "would overwrite the --prompts",
        {"p,1.jsonl": jsonl(PROMPTS)},
    ),
    Case(
        "path-run-method-option-ref-is-output",
        "run --plugin dpo --model {m} --data {t}/p.jsonl --set ref={mc} -o {mc} --overwrite --max-steps 1",
        "would overwrite the --set ref",
        {"p.jsonl": jsonl(PREFS)},
    ),
    Case(
        "path-pipeline-recipe-inside-output",
        "pipeline {t}/p/r.yaml -o {t}/p",
        "would overwrite the recipe",
        {"p/r.yaml": RECIPE},
        _pipeline_output,
    ),
    # ---- truth: a resume continues the run it says, with the options it says -----------
    Case(
        "truth-resume-changed-learning-rate",
        R + " --set learning_rate=5e-2",
        r"options differ .*learning_rate [0-9.e-]+ -> 0\.05.*--allow-changes",
    ),
    Case(
        "truth-resume-changed-batch-size",
        R.replace("batch_size=2", "batch_size=1"),
        r"options differ .*batch_size 2 -> 1",
    ),
    Case(
        "truth-resume-changed-schedule",
        R + " --set lr_scheduler=constant",
        r"options differ .*lr_scheduler '\w+' -> 'constant'",
    ),
    Case(
        "truth-resume-changed-several-listed",
        R + " --set lr_scheduler=constant --set seed=3",
        r"lr_scheduler '\w+' -> 'constant', seed 42 -> 3",
    ),
    Case(
        "truth-resume-max-steps-below-checkpoint",
        R.replace("--max-steps 2", "--max-steps 1"),
        r"max_steps=1 is below the checkpoint's step 2",
    ),
    Case(
        "truth-resume-finished-run-longer-needs-flag",
        R.replace("{r}", "{a}").replace("--max-steps 2", "--max-steps 3"),
        r"options differ .*max_steps 2 -> 3",
    ),
    Case(
        "truth-allow-changes-learning-rate-refused",
        R + " --allow-changes --set learning_rate=5e-2",
        r"learning_rate cannot change on resume .*keep [0-9.e-]+\)",
    ),
    Case(
        "truth-allow-changes-weight-decay-refused",
        R + " --allow-changes --set weight_decay=0.1",
        r"weight_decay cannot change on resume",
    ),
    Case(
        "truth-resume-changed-lora-rank", R + " --set lora_r=4", r"was a run with lora_r=\d+, not 4"
    ),
    Case(
        "truth-allow-changes-without-resume",
        S + " -o {t}/x --allow-changes",
        "allow_changes applies only with resume",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_fault(case, world, tmp_path, capsys):  # noqa: F811  (world: the shared fixture)
    WORLD.update(world)
    t = tmp_path / "case"
    t.mkdir()
    args = prepare(case, world, t)
    shared = [Path(world["model"]), Path(world["ext"]), Path(world["data"])]
    before = snapshot(t, *shared)
    code, out, err = invoke(args, capsys)
    after = snapshot(t, *shared)
    assert "Traceback" not in out + err, err[-3000:]
    assert code == case.code, f"exit {code}; stderr: {err[-2000:]}"
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, f"expected one error line, got: {err[-2000:]}"
    assert re.search(case.expect, errors[0]), errors[0]
    assert "unexpected" not in errors[0], errors[0]
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    assert not changed, f"files changed, appeared or vanished: {sorted(changed)[:5]}"


def test_case_count_and_classes():
    classes = {c.id.split("-", 1)[0] for c in CASES}
    assert classes == {"own", "path", "truth"} and len({c.id for c in CASES}) == len(CASES)


# ---- kill at every stage ----------------------------------------------------------------
ENV = {**os.environ, "HF_HUB_OFFLINE": "1"}
TRAIN = ("--set", "save_steps=1", "--set", "logging_steps=1", "--set", "batch_size=2")


def _ruadapt(args: list[str], kill_at: str | None) -> subprocess.CompletedProcess:
    env = {**ENV, **({"RUADAPT_TEST_KILL_AT": kill_at} if kill_at else {})}
    return subprocess.run(
        [sys.executable, "-m", "ruadapt", *args], env=env, capture_output=True, text=True
    )


def _weights(out: Path) -> bytes:
    return (out / "model.safetensors").read_bytes()


def _leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith("."))


@pytest.fixture(scope="module")
def finished(world, tmp_path_factory):
    """A finished full-weight SFT run (2 steps, checkpoint each step), made once."""
    from ruadapt.registry import get_registry
    from ruadapt.runner import run

    root = tmp_path_factory.mktemp("finished")
    sets = {"save_steps": 1, "logging_steps": 1, "batch_size": 2}
    return run(
        "sft", get_registry(), model=world["model"], data=str(world["data"]),
        output=str(root / "run"), max_steps=2, sets=sets,
    )  # fmt: skip


RUN_STAGES = ["run-aside", "run-marked", "run-logged-2", "run-complete"]


@pytest.mark.parametrize("stage", RUN_STAGES)
def test_a_run_overwrite_killed_at_each_stage_loses_nothing(
    stage, world, finished, tmp_path, capsys
):
    """SIGKILL a ``run --overwrite`` at ``stage``; then each command that can follow (resume,
    a failing overwrite, eval reading it, overwrite) finds the finished run intact."""
    base = tmp_path / "killed"
    base.mkdir()
    shutil.copytree(finished, base / "run")
    original = _weights(base / "run")
    cmd = ["run", "--plugin", "sft", "--model", world["model"], "--data", str(world["data"])]
    overwrite = [*cmd, "-o", str(base / "run"), "--max-steps", "2", "--seed", "7", *TRAIN]
    killed = _ruadapt([*overwrite, "--overwrite"], stage)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    # what the kill left: the finished run aside (or, past the swap, the new finished run)
    expected = _weights(base / "run") if stage == "run-complete" else original
    assert stage == "run-complete" or expected != _weights_if_any(base / "run")
    assert list(base.glob(".run.ruadapt-old-*")), "the kill came before the old run was dropped"

    follow = {
        "resume": ([*overwrite, "--resume"], 1, "is a finished run"),
        "failing-overwrite": ([*cmd[:-1], str(base / "missing.jsonl"), "-o", "{o}", "--overwrite", "--max-steps", "2"], 1, "missing.jsonl"),
        "eval": (["eval", "--model", "{o}", "--tasks", "tokenization", "-o", "{e}"], 0, None),
        "overwrite": ([*overwrite, "--overwrite"], 0, None),
    }  # fmt: skip
    for name, (args, code, message) in follow.items():
        t = tmp_path / name
        shutil.copytree(base, t, symlinks=True)
        out = t / "run"
        args = [a.replace(str(base), str(t)).format(o=out, e=t / "eval") for a in args]
        got, _, err = invoke(args, capsys)
        assert "Traceback" not in err, err[-3000:]
        assert got == code, f"{stage} then {name}: exit {got}: {err[-2000:]}"
        if message:
            errors = [x for x in err.splitlines() if x.startswith("error:")]
            assert len(errors) == 1 and message in errors[0], err[-2000:]
        done = json.loads((out / "run.json").read_text())
        assert done["status"] == "complete", f"{stage} then {name}"
        if name != "overwrite":
            assert _weights(out) == expected, f"{stage} then {name}: the finished run changed"
        assert _leftovers(t) == [], f"{stage} then {name}: left {_leftovers(t)}"
        assert not list(t.glob("run.before-overwrite-*")), "nothing to keep aside here"


def _weights_if_any(out: Path) -> bytes | None:
    path = out / "model.safetensors"
    return path.read_bytes() if path.is_file() else None


@pytest.mark.parametrize("stage", ["swap-aside", "swap-in"])
def test_a_report_overwrite_killed_mid_swap_loses_nothing(stage, world, tmp_path, capsys):
    """The build-beside-and-swap writers (eval, report, merge, tiny-model, extend): a kill
    between the two renames, then a report reading it, a failing and a working overwrite."""
    base = tmp_path / "killed"
    base.mkdir()
    out = base / "rep"
    args = ["eval", "--model", world["model"], "--tasks", "tokenization", "-o", str(out)]
    code, _, err = invoke(args, capsys)
    assert code == 0, err[-2000:]
    first = (out / "report.json").read_bytes()
    killed = _ruadapt([*args, "--overwrite"], stage)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    for name, extra, code in [
        ("report", ["report", "{o}", "-o", "{c}"], 0),
        ("failing-overwrite", [*args, "--overwrite", "--prompts", "{t}/missing.jsonl"], 1),
        ("overwrite", [*args, "--overwrite"], 0),
    ]:
        t = tmp_path / name
        shutil.copytree(base, t)
        rep = t / "rep"
        run_args = [a.replace(str(base), str(t)).format(o=rep, c=t / "cmp", t=t) for a in extra]
        got, _, err = invoke(run_args, capsys)
        assert got == code and "Traceback" not in err, f"{stage} then {name}: {err[-2000:]}"
        assert json.loads((rep / "report.json").read_text())["schema_version"] >= 1
        if stage == "swap-aside" and name != "overwrite":
            assert (rep / "report.json").read_bytes() == first, f"{stage} then {name}"
        assert _leftovers(t) == [], f"{stage} then {name}: left {_leftovers(t)}"


@pytest.mark.parametrize("stage", ["resume-recorded", "run-logged-3", "run-complete"])
def test_a_resume_with_changes_killed_at_each_stage_resumes_and_records_once(
    stage, world, tmp_path, capsys
):
    """SIGKILL a ``--resume --allow-changes`` mid-training or at its end; resuming again
    finishes (or refuses a finished run), each step logged once, the change recorded once."""
    from ruadapt.registry import get_registry
    from ruadapt.runner import run

    out = tmp_path / "run"
    sets = {"save_steps": 1, "logging_steps": 1, "batch_size": 2}
    run("sft", get_registry(), model=world["model"], data=str(world["data"]), output=str(out), max_steps=2, sets=sets)  # fmt: skip
    (out / "run.json").unlink()  # as a killed run leaves it
    cmd = ["run", "--plugin", "sft", "--model", world["model"], "--data", str(world["data"])]
    longer = [*cmd, "-o", str(out), "--max-steps", "4", *TRAIN, "--resume", "--allow-changes"]
    killed = _ruadapt(longer, stage)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    code, _, err = invoke(longer, capsys)
    if stage == "run-complete":
        assert code == 1 and "is a finished run" in err, err[-2000:]
    else:
        assert code == 0, err[-2000:]
    done = json.loads((out / "run.json").read_text())
    assert done["status"] == "complete"
    assert done["resume_changes"] == [{"step": 2, "changed": {"max_steps": [2, 4]}}]
    assert "from step 2: max_steps 2 -> 4" in (out / "config.yaml").read_text()
    lines = (out / "metrics.jsonl").read_text().splitlines()
    steps = [json.loads(x)["step"] for x in lines if "loss" in json.loads(x)]
    assert steps == [1, 2, 3, 4], "each step logged exactly once across kill and resume"
    assert _leftovers(tmp_path) == []


def test_resume_takes_the_same_data_typed_another_way(world, tmp_path):
    """Inputs are paths: a symlink to the run's data file is the same data, not a change."""
    from ruadapt.registry import get_registry
    from ruadapt.runner import run

    out = tmp_path / "run"
    common = {"model": world["model"], "output": str(out), "max_steps": 2}
    sets = {"save_steps": 1, "logging_steps": 1, "batch_size": 2}
    run("sft", get_registry(), data=str(world["data"]), sets=sets, **common)
    (out / "run.json").unlink()  # as a killed run leaves it
    link = tmp_path / "same.jsonl"
    link.symlink_to(world["data"])
    run("sft", get_registry(), data=str(link), sets=sets, resume=True, **common)
    assert json.loads((out / "run.json").read_text())["status"] == "complete"
    assert "resume_changes" not in json.loads((out / "run.json").read_text())


def test_a_set_aside_run_is_kept_and_named_when_its_folder_now_holds_user_files(
    world, tmp_path, capsys
):
    """Neither restoring nor removing can be proved safe: both stay, the old one under a
    visible name with a note, and the command refuses the user's folder."""
    shutil.copytree(world["adapter"], tmp_path / ".p.ruadapt-old-999999")
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "thesis.tex").write_text("five years of work\n")
    args = ["run", "--plugin", "sft", "--model", world["model"], "--data", str(world["data"])]
    code, _, err = invoke([*args, "-o", str(tmp_path / "p"), "--overwrite"], capsys)
    assert code == 1 and "not a ruadapt output" in err, err[-2000:]
    assert "kept the output an interrupted --overwrite" in err
    assert (tmp_path / "p" / "thesis.tex").read_text() == "five years of work\n"
    kept = tmp_path / "p.before-overwrite-999999"
    assert (kept / "run.json").is_file() and _leftovers(tmp_path) == []
