# ruff: noqa: E501  (one case per line reads best)
"""Fault injection, second audit (issue 27, items 6-8): recipes, corrupt model folders,
honest hardware and scoring, unclear messages, disk full, the hub checked before training,
SIGTERM, plugin commands and report.md escaping.

Table cases run ``ruadapt`` in-process in their own folder (the world of
``tests/test_faults.py``: one tiny model, a finished LoRA run) and assert, like that suite:
the exit status, exactly one ``error:`` line matching the expected message, no traceback, no
``unexpected`` anywhere in the output, and every file under the case folder and the shared
model byte-identical afterwards, with nothing new there. A case may patch the process
(``patch``: a CPU without bfloat16, a full disk, a hub) or run in its folder (``cwd``).

Classes (the ``CLASS`` of each case id): ``recipe`` (recipe and --config YAML), ``model``
(corrupt or inconsistent model folders), ``honest`` (hardware and scoring the machine or
model cannot honour), ``enc`` (binary and UTF-16 files), ``io`` (current folder, lock files,
disk full), ``hub`` (--push-to-hub checked before any work).
"""

from __future__ import annotations

import errno
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.helpers import invoke
from tests.test_faults import CHAT, PAIRS, PREFS, RU, jsonl, prepare, snapshot, world  # noqa: F401

CHATF = {"chat.jsonl": jsonl(CHAT)}
S = "run --plugin sft --model {m} --data {t}/chat.jsonl --max-steps 1"
SD = "run --plugin sft --model {m} --max-steps 1"
SM = "run --plugin sft --model {mc} --data {t}/chat.jsonl --max-steps 1 -o {t}/o"
P = "pipeline {t}/r.yaml -o {t}/p"
ONE = "stages:\n  - {name: a, plugin: sft, max_steps: 1}\n"
ELF = (
    b"\x7fELF\x02\x01\x01" + b"\x00" * 9 + b"\x02\x00>\x00\x01\x00\x00\x00" + bytes(range(256)) * 4
)
GZIP = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + bytes(range(1, 200))
BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 10)}]\n"
    for p, n in zip("abcdefgh", "bcdefghi", strict=True)
)


@dataclass(repr=False)
class Case:
    """``args`` as in tests/test_faults.py ({m}, {t}, {a}, {mc}); ``patch(monkeypatch, t)``
    changes the process for the case; ``cwd`` runs it from the case folder."""

    id: str
    args: str
    expect: str
    files: dict[str, str | bytes] = field(default_factory=dict)
    setup: Callable[[Path], None] | None = None
    patch: Callable[[pytest.MonkeyPatch, Path], None] | None = None
    code: int = 1
    cwd: bool = False
    absent: str = r"(?!x)x"  # a pattern the error line must NOT match (a wrong diagnosis)

    def __repr__(self) -> str:
        return f"Case({self.id})"


# ---- setups: corrupt model folders (a copy of the tiny model in {t}/model) -----------------
def _config(**changes: object) -> Callable[[Path], None]:
    def edit(t: Path) -> None:
        path = t / "model" / "config.json"
        config = json.loads(path.read_text())
        for key, value in changes.items():
            if value is None:
                config.pop(key, None)
            else:
                config[key] = value
        path.write_text(json.dumps(config))

    return edit


def _write(name: str, text: str) -> Callable[[Path], None]:
    def edit(t: Path) -> None:
        (t / "model" / name).write_text(text)

    return edit


def _lock_text(text: str) -> Callable[[Path], None]:
    def make(t: Path) -> None:
        (t / ".busy.ruadapt-lock").write_text(text)

    return make


# ---- patches --------------------------------------------------------------------------------
def _cpu_without_bf16(monkeypatch: pytest.MonkeyPatch, t: Path) -> None:
    import ruadapt.hardware

    monkeypatch.setattr(ruadapt.hardware, "cuda_available", lambda: False)
    monkeypatch.setattr(ruadapt.hardware, "cpu_bf16", lambda: False)


def _disk_full(kind: str) -> Callable[[pytest.MonkeyPatch, Path], None]:
    """Every safetensors write fails as on a full disk: ``oserror`` (a plain ENOSPC) or
    ``rust`` (safetensors' own error type, the form the audit saw as 'corrupt safetensors')."""

    def patch(monkeypatch: pytest.MonkeyPatch, t: Path) -> None:
        import safetensors.torch
        import transformers.modeling_utils

        def full(*args: object, **kwargs: object) -> None:
            if kind == "oserror":
                raise OSError(errno.ENOSPC, "No space left on device", "model.safetensors")
            from safetensors import SafetensorError

            raise SafetensorError(
                'Error while serializing: IoError(Os { code: 28, kind: StorageFull, message: "No space left on device" })'
            )

        import peft.peft_model

        # each library imported the writer under its own name: patch every one
        monkeypatch.setattr(transformers.modeling_utils, "safe_save_file", full)
        monkeypatch.setattr(peft.peft_model, "safe_save_file", full)
        monkeypatch.setattr(safetensors.torch, "save_file", full)

    return patch


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _hub(endpoint: Callable[[Path], str] | str, token: str | None = "hf_test_token"):
    def patch(monkeypatch: pytest.MonkeyPatch, t: Path) -> None:
        import huggingface_hub
        from huggingface_hub import constants

        url = endpoint(t) if callable(endpoint) else endpoint
        monkeypatch.setattr(constants, "ENDPOINT", url)
        monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)  # read once, at import
        monkeypatch.setenv("HF_HUB_OFFLINE", "0")
        monkeypatch.setattr(huggingface_hub, "get_token", lambda: token)

    return patch


class _RefusingHub:
    """The hub stub that accepts only another token (HTTP 401 for ours)."""

    stub = None

    @classmethod
    def url(cls, t: Path) -> str:
        from tests.hub_stub import HubStub

        cls.stub = HubStub().__enter__()
        cls.stub.token = "another"
        return cls.stub.url


CASES = [
    # ---- recipe: YAML and recipe shapes -------------------------------------------------------
    Case(
        "recipe-duplicate-stages-key",
        P,
        r"r\.yaml:3: duplicate key 'stages' \(also on line 1\)",
        {"r.yaml": ONE + "stages:\n  - {name: b, plugin: sft}\n"},
    ),
    Case(
        "recipe-duplicate-key-in-a-stage",
        P,
        r"r\.yaml:2: duplicate key 'max_steps'",
        {"r.yaml": "stages:\n  - {name: a, plugin: sft, max_steps: 1, max_steps: 5}\n"},
    ),
    Case(
        "recipe-set-unknown-stage",
        P + " --set sftt.max_steps=3",
        r"r\.yaml has no stage 'sftt'; did you mean 'sft'\?",
        {"r.yaml": "stages:\n  - {name: sft, plugin: sft}\n"},
    ),
    Case(
        "recipe-alias-bomb",
        P,
        r"r\.yaml:1: more than 100,000 values once its aliases are expanded",
        {"r.yaml": BOMB},
    ),
    Case(
        "recipe-recursive-alias",
        P,
        r"r\.yaml:\d+: a recursive alias",
        {"r.yaml": "defaults: &d {x: *d}\n" + ONE},
    ),
    Case(
        "recipe-config-alias-bomb",
        S + " -o {t}/o --config {t}/c.yaml",
        r"c\.yaml:1: more than 100,000 values",
        {**CHATF, "c.yaml": BOMB},
    ),
    Case(
        "recipe-config-duplicate-key",
        S + " -o {t}/o --config {t}/c.yaml",
        r"c\.yaml:2: duplicate key 'learning_rate'",
        {**CHATF, "c.yaml": "learning_rate: 1e-4\nlearning_rate: 1e-3\n"},
    ),
    Case(
        "recipe-defaults-not-a-mapping",
        P,
        r"r\.yaml: 'defaults' must be a mapping of option: value, not str",
        {"r.yaml": "defaults: fast\n" + ONE},
    ),
    Case(
        "recipe-output-a-list",
        "pipeline {t}/r.yaml",
        r"r\.yaml: 'output' must be text, not list",
        {"r.yaml": "output: [a, b]\n" + ONE},
    ),
    Case(
        "recipe-model-a-mapping",
        P,
        r"r\.yaml: 'model' must be text, not dict",
        {"r.yaml": "model: {path: x}\n" + ONE},
    ),
    Case(
        "recipe-method-a-list",
        P,
        r"r\.yaml: stage 1: 'plugin' must be text, not list",
        {"r.yaml": "stages:\n  - {name: a, plugin: [sft, dpo]}\n"},
    ),
    Case(
        "recipe-step-a-list",
        P,
        r"r\.yaml: stage 1: 'step' must be text",
        {"r.yaml": "stages:\n  - {name: a, step: [eval]}\n"},
    ),
    Case(
        "recipe-extend-unknown-option",
        P,
        r"r\.yaml: stage 'x' \(step tokenizer-extend\): unknown option 'new_token'; did you mean 'new_tokens'\?",
        {
            "r.yaml": "stages:\n  - {name: x, step: tokenizer-extend, corpus: ru-corpus, new_token: 8}\n"
        },
    ),
    Case(
        "recipe-extend-missing-option",
        P,
        r"r\.yaml: stage 'x' \(step tokenizer-extend\): needs the option 'corpus'",
        {"r.yaml": "stages:\n  - {name: x, step: tokenizer-extend, new_tokens: 8}\n"},
    ),
    Case(
        "recipe-extend-option-wrong-type",
        P,
        r"stage 'x' \(step tokenizer-extend\): option 'new_tokens' must be a whole number, not str 'lots'",
        {
            "r.yaml": "stages:\n  - {name: x, step: tokenizer-extend, corpus: ru-corpus, new_tokens: lots}\n"
        },
    ),
    Case(
        "recipe-eval-tasks-a-number",
        P,
        r"stage 'e' \(step eval\): option 'tasks' must be text or a list or empty, not int 5",
        {"r.yaml": "stages:\n  - {name: e, step: eval, tasks: 5}\n"},
    ),
    Case(
        "recipe-eval-unknown-option",
        P,
        r"r\.yaml: stage 'e' \(step eval\): unknown eval option 'max_new_token'",
        {"r.yaml": "stages:\n  - {name: e, step: eval, max_new_token: 8}\n"},
    ),
    Case(
        "recipe-report-unknown-option",
        P,
        r"stage 'r' \(step report\): unknown option 'run'; did you mean 'runs'\?",
        {"r.yaml": "stages:\n  - {name: r, step: report, run: [x]}\n"},
    ),
    Case(
        "recipe-late-stage-typo-fails-before-the-first-trains",
        P,
        r"r\.yaml: stage 'b': unknown --set key 'learnin_rate' for plugin 'sft'; did you mean 'learning_rate'",
        {
            **CHATF,
            "r.yaml": "stages:\n  - {name: a, plugin: sft, max_steps: 1, data: chat.jsonl}\n  - {name: b, plugin: sft, learnin_rate: 1}\n",
        },
    ),
    Case(
        "recipe-late-stage-bad-value",
        P,
        r"r\.yaml: stage 'b': option 'max_steps': expected a whole number",
        {
            "r.yaml": "stages:\n  - {name: a, plugin: sft, max_steps: 1}\n  - {name: b, plugin: sft, max_steps: [1, 2]}\n"
        },
    ),
    Case(
        "recipe-data-a-mapping",
        P,
        r"r\.yaml: stage 'a': option 'data': expected text, got \{'x': 1\}",
        {"r.yaml": "stages:\n  - {name: a, plugin: sft, max_steps: 1, data: {x: 1}}\n"},
    ),
    # ---- model: corrupt or inconsistent model folders -------------------------------------
    Case(
        "model-config-field-of-the-wrong-type",
        SM,
        r"cannot load the \w+ in .*model .*'hidden_size'",
        CHATF,
        _config(hidden_size="abc"),
    ),
    Case(
        "model-unknown-model-type",
        SM,
        r"cannot load the model in .*model .*model type `nosuch`",
        CHATF,
        _config(model_type="nosuch"),
    ),
    Case(
        "model-config-without-model-type",
        SM,
        r"cannot load the \w+ in .*model .*model_type",
        CHATF,
        _config(model_type=None),
    ),
    Case(
        "model-weights-shapes-differ-from-config",
        SM,
        r"cannot load the model in .*model .*weights have other shapes than its config\.json",
        CHATF,
        _config(vocab_size=10),
    ),
    Case(
        "model-tokenizer-json-without-entries",
        SM,
        r"cannot load the tokenizer in .*model .*missing entry 'added_tokens'",
        CHATF,
        _write("tokenizer.json", '{"version": "1.0"}'),
    ),
    Case(
        "model-tokenizer-config-a-list",
        SM,
        r"cannot load the tokenizer in .*model",
        CHATF,
        _write("tokenizer_config.json", "[1]"),
    ),
    Case(
        "model-tokenizer-without-pad-or-eos",
        SM,
        r"tokenizer in .*model has neither a pad nor an EOS token",
        CHATF,
        _write("tokenizer_config.json", '{"tokenizer_class": "Nope"}'),
    ),
    Case(
        "model-chat-template-does-not-compile",
        SM,
        r"chat template of .*model does not compile",
        CHATF,
        _write("chat_template.jinja", "{% for %}"),
    ),
    Case(
        "model-generation-config-value-not-a-number",
        SM,
        r"model: generation_config\.json: 'temperature' must be a number, not 'hot'",
        CHATF,
        _write("generation_config.json", '{"temperature": "hot"}'),
    ),
    # ---- honest: what the machine or the model cannot honour -------------------------------
    Case(
        "honest-bf16-on-a-cpu-without-bfloat16",
        S + " -o {t}/o --set bf16=true",
        r"--set bf16=true: this CPU has no native bfloat16",
        CHATF,
        patch=_cpu_without_bf16,
    ),
    Case(
        "honest-reward-score-with-a-causal-lm",
        "reward score --model {m} --data {t}/p.jsonl -o {t}/s.jsonl",
        r"is LlamaForCausalLM, not a reward model \(no trained score head",
        {"p.jsonl": jsonl(PAIRS)},
    ),
    Case(
        "honest-reward-score-with-a-causal-lm-adapter",
        "reward score --model {a} --data {t}/p.jsonl -o {t}/s.jsonl",
        r"is a CAUSAL_LM adapter, not a reward model",
        {"p.jsonl": jsonl(PAIRS)},
    ),
    # ---- enc: binary and UTF-16 files --------------------------------------------------------
    Case(
        "enc-binary-jsonl-is-not-utf16",
        SD + " -o {t}/o --data {t}/b.jsonl",
        r"b\.jsonl:1: .*it is a program, not a text file",
        {"b.jsonl": ELF},
        absent="UTF-16|FILE",
    ),
    Case(
        "enc-binary-zeros-jsonl-is-not-utf16",
        SD + " -o {t}/o --data {t}/b.jsonl",
        r"b\.jsonl:1: .*it is a binary file, not text",
        {"b.jsonl": b"\x00\x00\x00\x10\xff\xfe\x81" * 100},
        absent="UTF-16|FILE",
    ),
    Case(
        "enc-gzip-jsonl",
        SD + " -o {t}/o --data {t}/g.jsonl",
        r"g\.jsonl:1: .*gzip-compressed, not a text file; gunzip it first",
        {"g.jsonl": GZIP},
        absent="UTF-16|FILE",
    ),
    Case(
        "enc-binary-csv",
        SD + " -o {t}/o --data {t}/b.csv",
        r"b\.csv: not UTF-8 CSV text; it is a program",
        {"b.csv": ELF},
    ),
    Case(
        "enc-utf16-jsonl-names-the-file",
        SD + " -o {t}/o --data {t}/u.jsonl",
        r"u\.jsonl:1: .*UTF-16; convert it: iconv -f utf-16 -t utf-8 \S*u\.jsonl > \S*u\.jsonl\.utf8",
        {"u.jsonl": jsonl(CHAT).encode("utf-16")},
        absent="FILE",
    ),
    Case(
        "enc-utf16-config-without-bom",
        S + " -o {t}/o --config {t}/c.yaml",
        r"c\.yaml: not UTF-8 text; it is UTF-16; convert it: iconv",
        {**CHATF, "c.yaml": "max_steps: 1\n".encode("utf-16-le")},
    ),
    Case("enc-binary-recipe", P, r"r\.yaml:\d+: not valid UTF-8; it is a program", {"r.yaml": ELF}),
    # ---- io: outputs, locks, disk full ---------------------------------------------------------
    Case(
        "io-output-is-the-current-folder",
        "tiny-model --steps 0 -o .",
        r"--output \. is the current folder or one above it",
        cwd=True,
    ),
    Case(
        "io-run-output-is-the-current-folder",
        "run --plugin sft --model {m} --data {d} --max-steps 1 -o .",
        r"--output \. is the current folder",
        CHATF,
        cwd=True,
    ),
    Case(
        "io-output-is-the-current-folder-by-path",
        "tokenizer extend -m {m} -c {t}/ru.txt -n 8 -o {t}",
        r"is the current folder or one above it",
        {"ru.txt": RU},
        cwd=True,
    ),
    Case(
        "io-output-is-above-the-current-folder",
        "tiny-model --steps 0 -o ..",
        r"--output \.\. is the current folder or one above it",
        cwd=True,
    ),
    Case(
        "io-lock-file-empty",
        S + " -o {t}/busy",
        r"locked by \S+\.busy\.ruadapt-lock, which does not say which process holds it",
        CHATF,
        _lock_text(""),
        absent="None",
    ),
    Case(
        "io-lock-file-garbled",
        S + " -o {t}/busy",
        r"which does not say which process holds it \(empty or damaged\)",
        CHATF,
        _lock_text("\x00\x01garbage"),
        absent="None",
    ),
    Case(
        "io-lock-file-not-an-object",
        "tiny-model --steps 0 -o {t}/busy",
        r"which does not say which process holds it",
        setup=_lock_text("[1, 2]"),
        absent="None",
    ),
    Case(
        "io-disk-full-on-overwrite-keeps-the-finished-run",
        "run --plugin sft --model {m} --data {t}/chat.jsonl --max-steps 1 --adapter lora -o {a} --overwrite",
        r"^error: no space left on the device",
        CHATF,
        patch=_disk_full("rust"),
        absent="safetensors",
    ),
    Case(
        "io-disk-full-oserror-on-overwrite-keeps-the-finished-run",
        "run --plugin sft --model {m} --data {t}/chat.jsonl --max-steps 1 --adapter lora -o {a} --overwrite",
        r"^error: no space left on the device",
        CHATF,
        patch=_disk_full("oserror"),
    ),
    Case(
        "io-disk-full-in-merge-leaves-nothing",
        "merge {a} -o {t}/merged",
        r"^error: no space left on the device",
        patch=_disk_full("rust"),
        absent="safetensors",
    ),
    Case(
        "io-disk-full-in-extend-leaves-nothing",
        "tokenizer extend -m {m} -c {t}/ru.txt -n 8 -o {t}/ext",
        r"^error: no space left on the device",
        {"ru.txt": RU},
        patch=_disk_full("rust"),
        absent="safetensors",
    ),
    # ---- hub: --push-to-hub checked before any work ---------------------------------------
    Case(
        "hub-unreachable-before-training",
        S + " -o {t}/o --push-to-hub me/x",
        r"--push-to-hub: cannot reach the hub at http://127\.0\.0\.1:\d+ .*nothing was done",
        CHATF,
        patch=_hub(lambda t: f"http://127.0.0.1:{_closed_port()}"),
    ),
    Case(
        "hub-no-token-before-training",
        S + " -o {t}/o --push-to-hub me/x",
        r"--push-to-hub: no Hugging Face token; set HF_TOKEN",
        CHATF,
        patch=_hub("http://127.0.0.1:9", token=None),
    ),
    Case(
        "hub-token-refused-before-training",
        S + " -o {t}/o --push-to-hub me/x",
        r"--push-to-hub: the hub at http://127\.0\.0\.1:\d+ refused the token \(HTTP 401\)",
        CHATF,
        patch=_hub(_RefusingHub.url),
    ),
    Case(
        "hub-unreachable-before-merge",
        "merge {a} -o {t}/merged --push-to-hub me/x",
        r"--push-to-hub: cannot reach the hub",
        patch=_hub(lambda t: f"http://127.0.0.1:{_closed_port()}"),
    ),
    Case(
        "hub-unreachable-before-extend",
        "tokenizer extend -m {m} -c {t}/ru.txt -n 8 -o {t}/ext --push-to-hub me/x",
        r"--push-to-hub: cannot reach the hub",
        {"ru.txt": RU},
        patch=_hub(lambda t: f"http://127.0.0.1:{_closed_port()}"),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_fault(case, world, tmp_path, capsys, monkeypatch):  # noqa: F811  (world: the fixture)
    t = tmp_path / "case"
    t.mkdir()
    args = prepare(case, world, t)
    if case.cwd:
        monkeypatch.chdir(t)
    if case.patch is not None:
        case.patch(monkeypatch, t)
    shared = [Path(world["model"]), Path(world["ext"]), Path(world["data"])]
    before = snapshot(t, *shared)
    started = time.time()
    try:
        code, out, err = invoke(args, capsys)
    finally:
        if _RefusingHub.stub is not None:
            _RefusingHub.stub.__exit__()
            _RefusingHub.stub = None
    after = snapshot(t, *shared)
    assert "Traceback" not in out + err, err[-3000:]
    assert "unexpected" not in out + err, err[-2000:]
    assert code == case.code, f"exit {code}; stderr: {err[-2000:]}"
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, f"expected one error line, got: {err[-2000:]}"
    assert re.search(case.expect, errors[0]), errors[0]
    assert not re.search(case.absent, errors[0]), errors[0]
    assert not (t / "pwned").exists()
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert not changed, f"files changed, appeared or vanished: {changed[:5]}"
    if case.id == "recipe-alias-bomb":
        assert time.time() - started < 30, "the bomb was expanded"


def test_case_count_and_classes():
    """The promise of this file: every class of issue 27's items 6-8, ids unique."""
    classes = {c.id.split("-", 1)[0] for c in CASES}
    assert len({c.id for c in CASES}) == len(CASES) >= 50
    assert classes == {"recipe", "model", "honest", "enc", "io", "hub"}


# ---- cases that need more than one command ----------------------------------------------------
EVIL = """
import ruadapt


@ruadapt.hookimpl
def register_commands(app):
    @app.command("hello")
    def hello() -> None:
        print("hello from evil")

    @app.command("run")
    def run() -> None:
        print("nothing trained")
"""


def test_plugin_command_may_not_replace_run(tmp_path, monkeypatch, capsys, tiny_model):
    """A plugin registering `run` silently replaced the built-in (exit 0, nothing trained);
    now its commands are refused at registration, a warning names it, `ruadapt plugins` lists
    the refusal and the built-in `run` answers (here: a missing data file, one error line)."""
    (tmp_path / "evil_commands.py").write_text(EVIL)
    monkeypatch.syspath_prepend(str(tmp_path))
    import ruadapt.cli

    def fresh() -> None:
        """Each invocation builds the app again, as each `ruadapt` process does."""
        monkeypatch.setattr(ruadapt.cli, "_built", False)
        monkeypatch.setattr(ruadapt.cli.app, "registered_commands", [])
        monkeypatch.setattr(ruadapt.cli.app, "registered_groups", [])

    flag = ["--plugin-module", "evil_commands"]
    fresh()
    out_dir = tmp_path / "o"
    code, out, err = invoke(
        [
            *flag,
            "run",
            "--plugin",
            "sft",
            "--model",
            tiny_model,
            "--data",
            str(tmp_path / "none.jsonl"),
            "-o",
            str(out_dir),
        ],
        capsys,
    )
    assert "nothing trained" not in out
    assert code == 1 and "unexpected" not in out + err and "Traceback" not in err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "none.jsonl" in errors[0], err
    warning = [line for line in err.splitlines() if line.startswith("warning:")]
    assert (
        warning
        and "evil_commands" in warning[0]
        and "may not replace the existing command(s) 'run'" in warning[0]
    )
    assert not out_dir.exists()

    fresh()
    code, out, err = invoke([*flag, "plugins"], capsys)
    assert code == 0
    assert re.search(
        r"failed: evil_commands: .*may not replace the existing command\(s\) 'run'; none of its commands were added",
        err,
    ), err
    fresh()
    code, out, err = invoke([*flag, "hello"], capsys)
    assert code != 0 and "hello from evil" not in out, "none of its commands were added"


def _ruadapt_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "ruadapt", *args]


def test_sigterm_is_handled_like_ctrl_c_and_the_run_resumes(tiny_model, tmp_path):
    """SIGTERM (a scheduler's stop) exited 143 with no message and left the lock; now: one
    line saying how to resume, exit 143 (documented), no lock, the run resumable — and the
    resume, terminated again, behaves the same."""
    data = tmp_path / "chat.jsonl"
    data.write_text(jsonl(CHAT * 2), encoding="utf-8")
    out = tmp_path / "run"
    args = ["run", "--plugin", "sft", "--model", tiny_model, "--data", str(data), "-o", str(out)]
    args += ["--max-steps", "100000", "--set", "save_steps=2", "--set", "batch_size=1"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    lock = tmp_path / ".run.ruadapt-lock"

    def start_and_terminate(extra: list[str], ready: Callable[[], bool]) -> tuple[int, str]:
        log = tmp_path / f"log{len(extra)}.txt"
        with open(log, "w") as fh:
            proc = subprocess.Popen(
                _ruadapt_cmd(*args, *extra), env=env, stdout=fh, stderr=subprocess.STDOUT
            )
        deadline = time.time() + 240
        while not ready() and proc.poll() is None and time.time() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, log.read_text()[-2000:]
        assert lock.exists(), "the run holds its lock while training"
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=120)
        return proc.returncode, log.read_text()

    first = out / "checkpoints" / "checkpoint-2" / "trainer_state.json"
    code, text = start_and_terminate([], first.exists)
    assert code == 143, text[-2000:]
    errors = [line for line in text.splitlines() if "error:" in line]
    assert len(errors) == 1 and "to continue, rerun the same command with --resume" in errors[0], (
        text[-2000:]
    )
    assert "Traceback" not in text and "unexpected" not in text
    assert not lock.exists(), "SIGTERM released the lock"
    assert not (out / "run.json").exists(), "a terminated run must not look complete"

    resumed = tmp_path / "log1.txt"
    code, text = start_and_terminate(
        ["--resume"], lambda: resumed.exists() and "resuming from" in resumed.read_text()
    )
    assert code == 143 and "resuming from" in text, text[-2000:]
    assert not lock.exists()


def test_report_md_escapes_every_user_controlled_string(tiny_model, tmp_path, monkeypatch, capsys):
    """Model paths, prompt-file names, run names and prompt ids reached report.md raw (live
    HTML in a Markdown viewer); report.html was clean. Both must carry no tag of ours."""
    import shutil

    monkeypatch.chdir(tmp_path)
    evil_model = "<img src=x onerror=alert(1)>"
    shutil.copytree(tiny_model, tmp_path / evil_model)
    prompts = tmp_path / "<script>p.jsonl"
    prompts.write_text(
        json.dumps(
            {
                "id": "<script>alert(2)</script>",
                "ru": "Столица России?",
                "en": "Capital of Russia?",
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    rep = "rep<svg onload=alert(3)>"
    code, out, err = invoke(
        [
            "eval",
            "--model",
            evil_model,
            "--baseline",
            evil_model,
            "--prompts",
            prompts.name,
            "--tasks",
            "tokenization,generation",
            "-o",
            rep,
        ],
        capsys,
    )
    assert code == 0, err[-2000:]
    code, out, err = invoke(["report", rep, "-o", "cmp<b onmouseover=alert(4)>"], capsys)
    assert code == 0, err[-2000:]
    tags = re.compile(r"<\s*/?\s*(img|script|svg|b)\b", re.I)
    for report in [
        tmp_path / rep / "report.md",
        tmp_path / "cmp<b onmouseover=alert(4)>" / "report.md",
    ]:
        text = report.read_text(encoding="utf-8")
        assert not tags.search(text), tags.search(text).group(0)
        assert "&lt;img src=x onerror=alert(1)&gt;" in text  # shown, as text
    eval_md = (tmp_path / rep / "report.md").read_text(encoding="utf-8")
    assert "&lt;script&gt;p.jsonl" in eval_md and "&lt;script&gt;alert(2)&lt;/script&gt;" in eval_md
    html = (tmp_path / rep / "report.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img src=x" not in html and "<svg onload" not in html


def test_a_swallowed_sigterm_still_stops_training_at_the_next_step():
    """The SIGTERM handler raises at once, but a library that swallows every exception could
    eat that raise; the recorded request stops training at the next step boundary."""
    from ruadapt.callbacks import MetricsCallback
    from ruadapt.errors import Terminated, request_termination

    callback = MetricsCallback(run=None)
    callback.on_step_end(None, None, None)  # nothing requested: training goes on
    request_termination()
    try:
        with pytest.raises(Terminated):
            callback.on_step_end(None, None, None)
    finally:
        request_termination(False)
