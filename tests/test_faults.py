# ruff: noqa: E501  (one case per line reads best)
"""Fault injection through the real CLI: every bad input or fault gets one line, exit 1, and
leaves every file as it was.

Each case runs ``ruadapt`` in-process (one shared tiny model, many cases per process) in its
own folder and asserts:
- the exit status (1),
- exactly one ``error:`` line matching the expected message, and no traceback,
- every file under the case folder and the shared model byte-identical afterwards (hashes), and
  nothing new there: no partial output, staging folder or lock left behind.

Classes (the ``CLASS`` of each case id): ``loss`` (data-loss scenarios of the output policy),
``resume`` (resume that resumes the right run), ``guard`` (non-finite and invalid options,
failed eval tasks, empty extensions), ``pickle`` (no pickle loads), ``enc`` (file encodings),
``model`` (corrupt model folders), ``json`` (JSON/YAML edge cases), ``recipe`` (pipeline files),
``io`` (unwritable or misplaced outputs), ``option`` (unvalidated options and names).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.helpers import invoke

CHAT = [
    {
        "messages": [
            {"role": "user", "content": f"Привет {i}"},
            {"role": "assistant", "content": "Здравствуйте, чем помочь?"},
        ]
    }
    for i in range(8)
]
PREFS = [
    {"prompt": f"Вопрос {i}", "chosen": "Хороший ответ", "rejected": "Плохо"} for i in range(8)
]
PAIRS = [{"prompt": "Вопрос", "response": "Ответ"}]
PROMPTS = [{"ru": "Столица России?", "en": "Capital of Russia?"}]
RU = "Москва — столица России. Мы изучаем русский язык каждый день.\n" * 40
EN = "The quick brown fox jumps over the lazy dog. We learn every day.\n" * 40
CP1251 = "Привет, мир! Это текст в кодировке Windows.".encode("cp1251")


def jsonl(records: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


@dataclass(repr=False)
class Case:
    """``args`` may use {m} (shared tiny model), {t} (the case folder), {a} (a LoRA adapter
    run copied into {t}/adapter), {r} (an interrupted run copied into {t}/run), {mc} (a copy of
    the model in {t}/model)."""

    id: str
    args: str
    expect: str
    files: dict[str, str | bytes] = field(default_factory=dict)
    setup: Callable[[Path], None] | None = None
    code: int = 1
    report: bool = False  # data validate/convert: errors go to a report on stdout, file:line each
    may_change: str = "^$"  # paths a command may rewrite (a --resume records its own config)

    def __repr__(self) -> str:  # files can be large (deep nesting): keep reports short
        return f"Case({self.id})"


def _file_parent(t: Path) -> None:
    (t / "afile").write_text("not a folder")


def _user_folder(t: Path) -> None:
    (t / "mine").mkdir()
    (t / "mine" / "thesis.txt").write_text("five years of work")


def _truncate_weights(folder: Path) -> None:
    weights = next(folder.glob("*.safetensors"))
    weights.write_bytes(weights.read_bytes()[:200])


def _bin_only(folder: Path, pattern: str, name: str) -> None:
    for weights in folder.glob(pattern):
        weights.rename(weights.with_name(name))


def _lock(t: Path) -> None:
    (t / ".busy.ruadapt-lock").write_text(json.dumps({"pid": os.getpid(), "host": os.uname()[1]}))
    (t / "busy").mkdir()


def _crafted_rng(t: Path) -> None:
    """A checkpoint RNG file whose unpickling would run code (create the file 'pwned')."""
    import pickle

    class Payload:
        def __reduce__(self):
            return (os.system, (f"touch {t / 'pwned'}",))

    for ckpt in (t / "run" / "checkpoints").glob("checkpoint-*"):
        (ckpt / "rng_state.pth").write_bytes(pickle.dumps(Payload()))


S = "run --plugin sft --model {m} --data {t}/chat.jsonl --max-steps 1"
# ruadapt's marker on a pipeline output and on a report (file names alone prove nothing)
PIPELINE = {"p/.ruadapt-output.json": '{"command": "pipeline", "files": ["pipeline.json"]}'}
REPORT = {"rep/.ruadapt-output.json": '{"command": "eval", "files": ["report.json", "report.md"]}'}
CHATF = {"chat.jsonl": jsonl(CHAT)}

CASES = [
    # ---- loss: the output policy (every command that writes) ---------------------------
    Case(
        "loss-extend-overwrite-input-model",
        "tokenizer extend -m {mc} -c {t}/ru.txt -n 8 -o {mc} --overwrite",
        "would overwrite the --model",
        {"ru.txt": RU},
    ),
    Case(
        "loss-extend-overwrite-parent-of-model",
        "tokenizer extend -m {mc} -c {t}/ru.txt -n 8 -o {t} --overwrite",
        "would overwrite the --model",
        {"ru.txt": RU},
    ),
    Case(
        "loss-extend-overwrite-folder-holding-corpus",
        "tokenizer extend -m {m} -c {t}/d/ru.txt -n 8 -o {t}/d --overwrite",
        "would overwrite the --corpus",
        {"d/ru.txt": RU},
    ),
    Case(
        "loss-extend-overwrite-plain-file",
        "tokenizer extend -m {m} -c {t}/ru.txt -n 8 -o {t}/afile --overwrite",
        "exists and is a file",
        {"ru.txt": RU},
        _file_parent,
    ),
    Case(
        "loss-extend-existing-without-flag",
        "tokenizer extend -m {m} -c {t}/ru.txt -n 8 -o {t}/mine",
        "not empty; pass --overwrite",
        {"ru.txt": RU},
        _user_folder,
    ),
    Case(
        "loss-extend-overwrite-user-folder",
        "tokenizer extend -m {m} -c {t}/ru.txt -n 8 -o {t}/mine --overwrite",
        "not a ruadapt output",
        {"ru.txt": RU},
        _user_folder,
    ),
    Case(
        "loss-tiny-existing-folder-without-flag",
        "tiny-model --steps 0 -o {t}/mine",
        "not empty; pass --overwrite",
        setup=_user_folder,
    ),
    Case(
        "loss-tiny-overwrite-user-folder",
        "tiny-model --steps 0 -o {t}/mine --overwrite",
        "not a ruadapt output",
        setup=_user_folder,
    ),
    Case(
        "loss-tiny-output-is-a-file",
        "tiny-model --steps 0 -o {t}/afile",
        "exists and is a file",
        setup=_file_parent,
    ),
    Case(
        "loss-merge-overwrite-parent-of-adapter",
        "merge {a} -o {t} --overwrite",
        "would overwrite the adapter",
    ),
    Case("loss-merge-into-adapter", "merge {a} -o {a} --overwrite", "would overwrite the adapter"),
    Case(
        "loss-merge-existing-without-flag",
        "merge {a} -o {t}/mine",
        "not empty; pass --overwrite",
        setup=_user_folder,
    ),
    Case(
        "loss-merge-overwrite-user-folder",
        "merge {a} -o {t}/mine --overwrite",
        "not a ruadapt output",
        setup=_user_folder,
    ),
    Case(
        "loss-merge-into-base-model",
        "merge {a} -o {m} --overwrite",
        "would overwrite the base model",
    ),
    Case(
        "loss-reward-score-existing-file",
        "reward score --model {m} --data {t}/p.jsonl -o {t}/old.jsonl",
        "already exists; pass --overwrite",
        {"p.jsonl": jsonl(PAIRS), "old.jsonl": "{}\n"},
    ),
    Case(
        "loss-reward-score-onto-data",
        "reward score --model {m} --data {t}/p.jsonl -o {t}/p.jsonl --overwrite",
        "would overwrite the --data",
        {"p.jsonl": jsonl(PAIRS)},
    ),
    Case(
        "loss-reward-score-into-model",
        "reward score --model {mc} --data {t}/p.jsonl -o {mc}/s.jsonl",
        "lies inside the --model",
        {"p.jsonl": jsonl(PAIRS)},
    ),
    Case(
        "loss-run-overwrite-keeps-finished-run-on-data-error",
        "run --plugin sft --model {m} --data {t}/bad.jsonl -o {a} --overwrite --max-steps 1",
        r"bad\.jsonl:1",
        {"bad.jsonl": "{not json\n"},
    ),
    Case(
        "loss-run-resume-finished-run-keeps-it",
        "run --plugin sft --adapter lora --model {m} --data {t}/chat.jsonl -o {a} --resume --max-steps 2 --set save_steps=1 --set logging_steps=1 --set batch_size=2",
        "is a finished run",
        CHATF,
    ),
    Case(
        "loss-run-non-empty-user-folder",
        S + " -o {t}/mine",
        "not empty; pass --overwrite",
        CHATF,
        _user_folder,
    ),
    Case(
        "loss-run-overwrite-user-folder",
        S + " -o {t}/mine --overwrite",
        "not a ruadapt output",
        CHATF,
        _user_folder,
    ),
    Case(
        "loss-run-output-inside-model",
        "run --plugin sft --model {mc} --data {t}/chat.jsonl -o {mc}/out",
        "inside the --model",
        CHATF,
    ),
    Case(
        "loss-run-output-is-model",
        "run --plugin sft --model {mc} --data {t}/chat.jsonl -o {mc} --overwrite",
        "would overwrite the --model",
        CHATF,
    ),
    Case(
        "loss-run-output-is-data",
        S + " -o {t}/chat.jsonl --overwrite",
        "would overwrite the --data",
        CHATF,
    ),
    Case(
        "loss-run-output-parent-of-data",
        "run --plugin sft --model {m} --data {t}/d/chat.jsonl -o {t}/d --overwrite",
        "would overwrite the --data",
        {"d/chat.jsonl": jsonl(CHAT)},
    ),
    Case(
        "loss-run-output-is-a-file",
        S + " -o {t}/afile",
        "exists and is a file",
        CHATF,
        _file_parent,
    ),
    Case(
        "loss-convert-existing-output",
        "data convert {t}/p.jsonl {t}/o.jsonl --to preference",
        "already exists; pass --overwrite",
        {"p.jsonl": jsonl(PREFS), "o.jsonl": "keep\n"},
    ),
    Case(
        "loss-convert-onto-input",
        "data convert {t}/p.jsonl {t}/p.jsonl --to preference --overwrite",
        "also an input",
        {"p.jsonl": jsonl(PREFS)},
    ),
    Case(
        "loss-convert-output-is-folder",
        "data convert {t}/p.jsonl {t}/d.jsonl --to preference --overwrite",
        "is a folder",
        {"p.jsonl": jsonl(PREFS), "d.jsonl/x": "x"},
    ),
    Case(
        "loss-eval-overwrite-user-folder",
        "eval --model {m} --tasks tokenization -o {t}/mine --overwrite",
        "not a ruadapt output",
        setup=_user_folder,
    ),
    Case(
        "loss-eval-into-model",
        "eval --model {mc} --tasks tokenization -o {mc} --overwrite",
        "would overwrite the --model",
    ),
    Case(
        "loss-eval-onto-prompts",
        "eval --model {m} --tasks tokenization --prompts {t}/p.jsonl -o {t}/p.jsonl",
        "would overwrite the --prompts",
        {"p.jsonl": jsonl(PROMPTS)},
    ),
    Case("loss-report-into-a-run", "report {a} -o {a} --overwrite", "would overwrite the run"),
    Case("loss-report-parent-of-run", "report {a} -o {t} --overwrite", "would overwrite the run"),
    Case(
        "loss-report-user-folder",
        "report {a} -o {t}/mine --overwrite",
        "not a ruadapt output",
        setup=_user_folder,
    ),
    Case(
        "loss-pipeline-into-user-folder",
        "pipeline {t}/r.yaml -o {t}/mine",
        "is not a pipeline output ruadapt wrote",
        {"r.yaml": "stages:\n  - {name: a, plugin: sft}\n"},
        _user_folder,
    ),
    Case(
        "loss-propagate-onto-target",
        "tokenizer propagate --adapted {x} --target {mc} -o {mc} --overwrite",
        "would overwrite the target",
    ),
    Case(
        "loss-second-writer-refused",
        "tiny-model --steps 0 -o {t}/busy",
        "being written by another ruadapt process",
        setup=_lock,
    ),
    # ---- resume: only the same interrupted run ----------------------------------------
    Case(
        "resume-other-method",
        "run --plugin dpo --adapter lora --model {m} --data {t}/p.jsonl -o {r} --resume --max-steps 2",
        "was a run with plugin='sft'",
        {"p.jsonl": jsonl(PREFS)},
    ),
    Case(
        "resume-other-data",
        "run --plugin sft --adapter lora --model {m} --data {t}/other.jsonl -o {r} --resume --max-steps 2",
        "was a run with data=",
        {"other.jsonl": jsonl(CHAT[:4])},
    ),
    Case(
        "resume-other-model",
        "run --plugin sft --adapter lora --model {mc} --data {t}/chat.jsonl -o {r} --resume --max-steps 2",
        "was a run with model=",
        CHATF,
    ),
    Case(
        "resume-other-adapter",
        "run --plugin sft --model {m} --data {d} -o {r} --resume --max-steps 2",
        "was a run with adapter=",
        CHATF,
    ),
    Case("resume-nothing", S + " -o {t}/none --resume", "nothing to resume"),
    Case(
        "resume-user-folder",
        S + " -o {t}/mine --resume",
        "is not a ruadapt output",
        CHATF,
        _user_folder,
    ),
    Case("resume-and-overwrite", S + " -o {t}/x --resume --overwrite", "exclude each other", CHATF),
    Case(
        "resume-corrupt-pipeline-state",
        "pipeline {t}/r.yaml -o {t}/p",
        r"pipeline\.json: corrupt pipeline state",
        {"r.yaml": "stages:\n  - {name: a, plugin: sft}\n", "p/pipeline.json": "{torn", **PIPELINE},
    ),
    Case(
        "resume-pipeline-state-is-a-list",
        "pipeline {t}/r.yaml -o {t}/p",
        "corrupt pipeline state",
        {
            "r.yaml": "stages:\n  - {name: a, plugin: sft}\n",
            "p/pipeline.json": "[1, 2]",
            **PIPELINE,
        },
    ),
    Case(
        "resume-pipeline-state-not-utf8",
        "pipeline {t}/r.yaml -o {t}/p",
        "corrupt pipeline state",
        {
            "r.yaml": "stages:\n  - {name: a, plugin: sft}\n",
            "p/pipeline.json": b"\xff\xfe{",
            **PIPELINE,
        },
    ),
    # ---- guard: non-finite and invalid options, failed tasks, empty extensions ---------
    *[
        Case(f"guard-{key}-{value}", S + f" -o {{t}}/o --set {key}={value}", expect, CHATF)
        for key, value, expect in [
            ("learning_rate", "inf", "must be a finite number"),
            ("learning_rate", "nan", "must be a finite number"),
            ("learning_rate", "-inf", "must be a finite number"),
            ("epochs", "inf", "must be a finite number"),
            ("max_grad_norm", "nan", "must be a finite number"),
            ("warmup_ratio", "-1", r"warmup_ratio must be in \[0, 1\)"),
            ("warmup_ratio", "1.5", r"warmup_ratio must be in \[0, 1\)"),
            ("max_samples", "-3", "max_samples must be >= 1"),
            ("max_samples", "0", "max_samples must be >= 1"),
            ("lr_scheduler", "bogus", "lr_scheduler 'bogus' is not a schedule"),
            ("lr_scheduler", "cosin", "did you mean 'cosine'"),
            ("report_to", "bogus", "report_to 'bogus'"),
            ("weight_decay", "-1", "weight_decay must be >= 0"),
            ("batch_size", "0", "batch_size must be >= 1"),
            ("eval_split", "1.5", "eval_split must be in"),
            ("max_steps", "abc", "expected (int|a whole number)"),
            ("seed", "-1", "seed must be >= 0"),
        ]
    ],
    Case(
        "guard-dpo-beta-inf",
        "run --plugin dpo --model {m} --data {t}/p.jsonl -o {t}/o --set beta=inf",
        "must be a finite number",
        {"p.jsonl": jsonl(PREFS)},
    ),
    Case(
        "guard-diverged-loss-stops-run",
        "run --plugin sft --model {m} --data {t}/chat.jsonl -o {t}/o --max-steps 4"
        " --set learning_rate=1e37 --set logging_steps=1 --set max_grad_norm=0 --set batch_size=2",
        "diverged",
        CHATF,
    ),
    Case(
        "guard-eval-requested-task-fails-on-device",
        "eval --model {m} --tasks tokenization,lm --device cuda:7 --max-prompts 1 -o {t}/rep",
        "eval task|cuda|CUDA|device",
    ),
    Case(
        "guard-eval-failed-task-keeps-old-report",
        "eval --model {t}/broken --tasks lm --max-prompts 1 -o {t}/rep --overwrite",
        "eval task lm|safetensors|corrupt",
        {"rep/report.json": "{}", "rep/report.md": "old", **REPORT},
        lambda t: (shutil.copytree(MODEL[0], t / "broken"), _truncate_weights(t / "broken")),
    ),
    Case(
        "guard-extend-all-english-corpus",
        "tokenizer extend -m {m} -c {t}/en.txt -n 8 -o {t}/ext",
        "adds no new tokens",
        {"en.txt": EN},
    ),
    Case(
        "guard-extend-negative-tokens",
        "tokenizer extend -m {m} -c {t}/ru.txt -n -5 -o {t}/ext",
        "new_tokens|new-tokens",
        {"ru.txt": RU},
    ),
    Case(
        "guard-eval-bad-prompts-file",
        "eval --model {m} --tasks tokenization --prompts {t}/p.jsonl -o {t}/rep",
        r"p\.jsonl:1",
        {"p.jsonl": "{oops\n"},
    ),
    # ---- pickle: safetensors only --------------------------------------------------------
    Case(
        "pickle-run-model-with-bin-only",
        "run --plugin sft --model {t}/pm --data {t}/chat.jsonl -o {t}/o --max-steps 1",
        "safetensors only",
        CHATF,
        lambda t: (
            shutil.copytree(MODEL[0], t / "pm"),
            _bin_only(t / "pm", "*.safetensors", "pytorch_model.bin"),
        ),
    ),
    Case(
        "pickle-eval-model-with-bin-only",
        "eval --model {t}/pm --tasks lm --max-prompts 1 -o {t}/rep",
        "safetensors only",
        setup=lambda t: (
            shutil.copytree(MODEL[0], t / "pm"),
            _bin_only(t / "pm", "*.safetensors", "pytorch_model.bin"),
        ),
    ),
    Case(
        "pickle-merge-adapter-with-bin-only",
        "merge {a} -o {t}/merged",
        "safetensors only",
        setup=lambda t: _bin_only(t / "adapter", "adapter_model.safetensors", "adapter_model.bin"),
    ),
    Case(
        "pickle-crafted-rng-state-on-resume",
        "run --plugin sft --adapter lora --model {m} --data {d} -o {r} --resume --allow-changes --max-steps 3 --set save_steps=1 --set logging_steps=1 --set batch_size=2",
        "refused to load a pickled file|weights_only|Unpickl",
        CHATF,
        _crafted_rng,
        may_change=r"/run/(config\.yaml|\.ruadapt-output\.json)$",  # the resume's own record
    ),
    # ---- enc: encodings named, with the iconv line --------------------------------------
    Case(
        "enc-config-cp1251",
        S + " -o {t}/o --config {t}/c.yaml",
        "cp1251.*iconv -f cp1251 -t utf-8",
        {**CHATF, "c.yaml": b"system_prompt: " + CP1251},
    ),
    Case(
        "enc-config-utf16",
        S + " -o {t}/o --config {t}/c.yaml",
        "UTF-16.*iconv -f utf-16",
        {**CHATF, "c.yaml": "learning_rate: 0.1\n".encode("utf-16")},
    ),
    Case(
        "enc-recipe-cp1251",
        "pipeline {t}/r.yaml -o {t}/p",
        "cp1251.*iconv",
        {"r.yaml": b"# " + CP1251 + b"\nstages: []\n"},
    ),
    Case(
        "enc-recipe-utf16",
        "pipeline {t}/r.yaml -o {t}/p",
        "UTF-16",
        {"r.yaml": "stages: []\n".encode("utf-16")},
    ),
    Case(
        "enc-stats-data-cp1251",
        "tokenizer stats -t {m} --data {t}/d.jsonl",
        "cp1251.*iconv",
        {"d.jsonl": b'{"ru": "' + CP1251 + b'", "en": "hello"}\n'},
    ),
    Case(
        "enc-reward-data-cp1251",
        "reward score --model {m} --data {t}/d.jsonl -o {t}/s.jsonl",
        "cp1251.*iconv",
        {"d.jsonl": b'{"prompt": "' + CP1251 + b'", "response": "x"}\n'},
    ),
    Case(
        "enc-validate-cp1251",
        "data validate {t}/d.jsonl",
        "cp1251",
        {"d.jsonl": b'{"text": "' + CP1251 + b'"}\n'},
        report=True,
    ),
    Case(
        "enc-validate-utf16",
        "data validate {t}/d.jsonl",
        "UTF-16",
        {"d.jsonl": jsonl([{"text": "привет"}]).encode("utf-16")},
        report=True,
    ),
    Case(
        "enc-run-data-cp1251",
        S + " -o {t}/o2 --data {t}/d.jsonl",
        "cp1251",
        {"d.jsonl": b'{"text": "' + CP1251 + b'"}\n'},
    ),
    Case(
        "enc-eval-prompts-cp1251",
        "eval --model {m} --tasks tokenization --prompts {t}/p.jsonl -o {t}/rep",
        "cp1251",
        {"p.jsonl": b'{"ru": "' + CP1251 + b'", "en": "hi"}\n'},
    ),
    Case(
        "enc-extend-corpus-cp1251",
        "tokenizer extend -m {m} -c {t}/ru.txt -n 8 -o {t}/ext",
        "cp1251|UTF-8",
        {"ru.txt": CP1251 * 50},
    ),
    # ---- model: corrupt model folders ----------------------------------------------------
    Case(
        "model-truncated-weights-run",
        "run --plugin sft --model {t}/bm --data {t}/chat.jsonl -o {t}/o --max-steps 1",
        "safetensors|cannot load model",
        CHATF,
        lambda t: (shutil.copytree(MODEL[0], t / "bm"), _truncate_weights(t / "bm")),
    ),
    Case(
        "model-missing-tokenizer-run",
        "run --plugin sft --model {t}/bm --data {t}/chat.jsonl -o {t}/o --max-steps 1",
        "tokenizer",
        CHATF,
        lambda t: (
            shutil.copytree(MODEL[0], t / "bm"),
            (t / "bm" / "tokenizer.json").unlink(),
            [p.unlink() for p in (t / "bm").glob("tokenizer_config.json")],
        ),
    ),
    Case(
        "model-empty-config-run",
        "run --plugin sft --model {t}/bm --data {t}/chat.jsonl -o {t}/o --max-steps 1",
        "config.json",
        CHATF,
        lambda t: (shutil.copytree(MODEL[0], t / "bm"), (t / "bm" / "config.json").write_text("")),
    ),
    Case(
        "model-config-not-an-object",
        "run --plugin sft --model {t}/bm --data {t}/chat.jsonl -o {t}/o --max-steps 1",
        "config.json|cannot load",
        CHATF,
        lambda t: (
            shutil.copytree(MODEL[0], t / "bm"),
            (t / "bm" / "config.json").write_text("[]"),
        ),
    ),
    Case(
        "model-no-config",
        "run --plugin sft --model {t}/bm --data {t}/chat.jsonl -o {t}/o",
        "has no config.json",
        CHATF,
        lambda t: (t / "bm").mkdir(),
    ),
    Case(
        "model-is-a-file",
        "run --plugin sft --model {t}/chat.jsonl --data {t}/chat.jsonl -o {t}/o",
        "is a file",
        CHATF,
    ),
    Case(
        "model-missing",
        "run --plugin sft --model {t}/nope --data {t}/chat.jsonl -o {t}/o",
        "does not exist",
        CHATF,
    ),
    Case(
        "model-truncated-weights-eval",
        "eval --model {t}/bm --tasks lm --max-prompts 1 -o {t}/rep",
        "safetensors|cannot load|eval task",
        setup=lambda t: (shutil.copytree(MODEL[0], t / "bm"), _truncate_weights(t / "bm")),
    ),
    Case(
        "model-truncated-weights-extend",
        "tokenizer extend -m {t}/bm -c {t}/ru.txt -n 8 -o {t}/ext",
        "safetensors|cannot load",
        {"ru.txt": RU},
        lambda t: (shutil.copytree(MODEL[0], t / "bm"), _truncate_weights(t / "bm")),
    ),
    Case(
        "model-truncated-adapter-merge",
        "merge {a} -o {t}/merged",
        "safetensors|cannot load",
        setup=lambda t: _truncate_weights(t / "adapter"),
    ),
    Case(
        "model-adapter-config-empty",
        "merge {a} -o {t}/merged",
        "adapter_config.json|malformed JSON",
        setup=lambda t: (t / "adapter" / "adapter_config.json").write_text(""),
    ),
    Case("model-merge-not-an-adapter", "merge {m} -o {t}/merged", "not an adapter directory"),
    Case(
        "model-propagate-without-extension",
        "tokenizer propagate --adapted {m} --target {m} -o {t}/o",
        "no extension.json",
    ),
    # ---- json: JSON/YAML edge cases --------------------------------------------------------
    Case(
        "json-deep-nesting-data",
        "data validate {t}/d.jsonl",
        r"d\.jsonl:1|nested too deeply",
        {"d.jsonl": "[" * 100000 + "]" * 100000 + "\n"},
        report=True,
    ),
    Case(
        "json-huge-integer-data",
        "data validate {t}/d.jsonl --kind text",
        r"d\.jsonl:1|too many digits",
        {"d.jsonl": '{"text": ' + "9" * 5000 + "}\n"},
        report=True,
    ),
    Case(
        "json-deep-nesting-run-data",
        S + " -o {t}/o --data {t}/d.jsonl",
        r"d\.jsonl:1|nested too deeply",
        {"d.jsonl": "[" * 100000 + "]" * 100000 + "\n"},
    ),
    Case(
        "json-deep-nesting-prompts",
        "eval --model {m} --tasks tokenization --prompts {t}/p.jsonl -o {t}/rep",
        r"p\.jsonl:1|nested too deeply",
        {"p.jsonl": "[" * 100000 + "]" * 100000 + "\n"},
    ),
    Case(
        "json-huge-integer-prompts",
        "eval --model {m} --tasks tokenization --prompts {t}/p.jsonl -o {t}/rep",
        r"p\.jsonl:1|too many digits",
        {"p.jsonl": '{"ru": ' + "9" * 5000 + "}\n"},
    ),
    Case(
        "json-deep-nesting-config",
        S + " -o {t}/o --config {t}/c.yaml",
        "c.yaml|nested too deeply",
        {**CHATF, "c.yaml": "a: " + "[" * 20000 + "]" * 20000 + "\n"},
    ),
    Case(
        "json-config-is-a-list",
        S + " -o {t}/o --config {t}/c.yaml",
        "expected a mapping",
        {**CHATF, "c.yaml": "- 1\n- 2\n"},
    ),
    Case(
        "json-config-invalid-yaml",
        S + " -o {t}/o --config {t}/c.yaml",
        r"c\.yaml:\d+: invalid YAML",
        {**CHATF, "c.yaml": "a: [1,\n"},
    ),
    Case(
        "json-stats-data-malformed",
        "tokenizer stats -t {m} --data {t}/d.jsonl",
        r"d\.jsonl:2",
        {"d.jsonl": '{"ru": "а", "en": "a"}\n{torn\n'},
    ),
    Case(
        "json-reward-data-malformed",
        "reward score --model {m} --data {t}/d.jsonl -o {t}/s.jsonl",
        r"d\.jsonl:1",
        {"d.jsonl": "{torn\n"},
    ),
    Case(
        "json-data-empty-file",
        S + " -o {t}/o --data {t}/e.jsonl",
        "empty|no records|no data",
        {"e.jsonl": ""},
    ),
    Case(
        "json-convert-bad-record",
        "data convert {t}/p.jsonl {t}/o.jsonl --to preference",
        "nothing written|p.jsonl:1",
        {"p.jsonl": '{"prompt": "a"}\n'},
        report=True,
    ),
    # ---- recipe: malformed recipes --------------------------------------------------------
    Case("recipe-missing", "pipeline {t}/none.yaml", "not found"),
    Case("recipe-is-a-folder", "pipeline {t}/d", "not found|is a folder", {"d/x": "x"}),
    Case(
        "recipe-stages-not-a-list",
        "pipeline {t}/r.yaml -o {t}/p",
        "'stages' must be a non-empty list",
        {"r.yaml": "stages: 3\n"},
    ),
    Case(
        "recipe-stage-without-name",
        "pipeline {t}/r.yaml -o {t}/p",
        "needs a 'name'",
        {"r.yaml": "stages:\n  - {plugin: sft}\n"},
    ),
    Case(
        "recipe-stage-is-a-string",
        "pipeline {t}/r.yaml -o {t}/p",
        "needs a 'name'",
        {"r.yaml": "stages:\n  - sft\n"},
    ),
    Case(
        "recipe-unknown-step",
        "pipeline {t}/r.yaml -o {t}/p",
        "unknown step 'bake'",
        {"r.yaml": "stages:\n  - {name: a, step: bake}\n"},
    ),
    Case(
        "recipe-duplicate-stage",
        "pipeline {t}/r.yaml -o {t}/p",
        "names must be unique",
        {"r.yaml": "stages:\n  - {name: a, plugin: sft}\n  - {name: a, plugin: sft}\n"},
    ),
    Case(
        "recipe-unknown-top-key",
        "pipeline {t}/r.yaml -o {t}/p",
        "unknown top-level",
        {"r.yaml": "stagez: []\n"},
    ),
    Case(
        "recipe-top-level-list",
        "pipeline {t}/r.yaml -o {t}/p",
        "expected a mapping",
        {"r.yaml": "- a\n"},
    ),
    Case(
        "recipe-unknown-plugin",
        "pipeline {t}/r.yaml -o {t}/p",
        "unknown method 'nosuch'",
        {"r.yaml": "stages:\n  - {name: a, plugin: nosuch}\n"},
    ),
    Case(
        "recipe-bad-reference",
        "pipeline {t}/r.yaml -o {t}/p",
        "not an earlier stage",
        {"r.yaml": "stages:\n  - {name: a, plugin: sft, model: '@zzz'}\n"},
    ),
    Case(
        "recipe-no-output",
        "pipeline {t}/r.yaml",
        "no 'output'",
        {"r.yaml": "stages:\n  - {name: a, plugin: sft}\n"},
    ),
    Case(
        "recipe-invalid-yaml",
        "pipeline {t}/r.yaml -o {t}/p",
        "invalid YAML",
        {"r.yaml": "stages: [\n"},
    ),
    Case(
        "recipe-bad-set",
        "pipeline {t}/r.yaml -o {t}/p --set nodot",
        "expected STAGE.option=value",
        {"r.yaml": "stages:\n  - {name: a, plugin: sft}\n"},
    ),
    # ---- io: outputs checked writable before any compute -----------------------------------
    Case(
        "io-run-output-under-a-file",
        S + " -o {t}/afile/o",
        "not a writable folder",
        CHATF,
        _file_parent,
    ),
    Case(
        "io-extend-output-under-a-file",
        "tokenizer extend -m {m} -c {t}/ru.txt -n 8 -o {t}/afile/o",
        "not a writable folder",
        {"ru.txt": RU},
        _file_parent,
    ),
    Case(
        "io-tiny-output-under-a-file",
        "tiny-model --steps 0 -o {t}/afile/o",
        "not a writable folder",
        setup=_file_parent,
    ),
    Case(
        "io-merge-output-under-a-file",
        "merge {a} -o {t}/afile/o",
        "not a writable folder",
        setup=_file_parent,
    ),
    Case(
        "io-reward-output-under-a-file",
        "reward score --model {m} --data {t}/p.jsonl -o {t}/afile/s.jsonl",
        "not a writable folder",
        {"p.jsonl": jsonl(PAIRS)},
        _file_parent,
    ),
    Case(
        "io-convert-output-under-a-file",
        "data convert {t}/p.jsonl {t}/afile/o.jsonl --to preference",
        "not a writable folder",
        {"p.jsonl": jsonl(PREFS)},
        _file_parent,
    ),
    Case(
        "io-eval-output-under-a-file",
        "eval --model {m} --tasks tokenization -o {t}/afile/rep",
        "not a writable folder",
        setup=_file_parent,
    ),
    Case(
        "io-report-output-under-a-file",
        "report {a} -o {t}/afile/rep",
        "not a writable folder",
        setup=_file_parent,
    ),
    Case(
        "io-pipeline-output-under-a-file",
        "pipeline {t}/r.yaml -o {t}/afile/p",
        "not a writable folder",
        {"r.yaml": "stages:\n  - {name: a, plugin: sft}\n"},
        _file_parent,
    ),
    Case(
        "io-config-missing", S + " -o {t}/o --config {t}/none.yaml", "config file not found", CHATF
    ),
    Case(
        "io-config-is-a-folder",
        S + " -o {t}/o --config {t}/d",
        "not found|is a folder",
        {**CHATF, "d/x": "x"},
    ),
    Case(
        "io-data-missing",
        "run --plugin sft --model {m} --data {t}/none.jsonl -o {t}/o",
        "none.jsonl",
        CHATF,
    ),
    Case("io-stats-data-missing", "tokenizer stats -t {m} --data {t}/none.jsonl", "none.jsonl"),
    Case(
        "io-convert-output-not-jsonl",
        "data convert {t}/p.jsonl {t}/o.txt --to preference",
        "must be a .jsonl file",
        {"p.jsonl": jsonl(PREFS)},
    ),
    # ---- option: names and values --------------------------------------------------------
    Case(
        "option-plugin-name-250-chars",
        "run --plugin " + "x" * 250 + " --model {m} -o {t}/o",
        "unknown method",
    ),
    Case(
        "option-unknown-plugin", "run --plugin sfft --model {m} -o {t}/o", "(?i)did you mean 'sft'"
    ),
    Case(
        "option-unknown-key",
        S + " -o {t}/o --set learnin_rate=1",
        "did you mean 'learning_rate'",
        CHATF,
    ),
    Case(
        "option-set-without-equals",
        S + " -o {t}/o --set learning_rate",
        "expected key=value",
        CHATF,
    ),
    Case("option-unknown-adapter", S + " -o {t}/o --adapter lorra", "lorra", CHATF),
    Case("option-unknown-eval-task", "eval --model {m} --tasks nosuch -o {t}/rep", "nosuch"),
    Case(
        "option-convert-unknown-kind",
        "data convert {t}/p.jsonl {t}/o.jsonl --to bogus",
        "bogus",
        {"p.jsonl": jsonl(PREFS)},
    ),
    Case(
        "option-extend-bad-init",
        "tokenizer extend -m {m} -c {t}/ru.txt -n 8 -o {t}/ext --init bogus",
        "init must be one of",
        {"ru.txt": RU},
    ),
    Case(
        "option-no-output",
        "run --plugin sft --model {m} --data {t}/chat.jsonl",
        "no output directory",
        CHATF,
    ),
    Case("option-new-plugin-250-chars", "plugins new " + "x" * 250 + " -o {t}/p", "at most 64"),
    Case("option-plugin-info-250-chars", "plugins info " + "x" * 250, "x{250}"),
    Case(
        "io-run-locked-by-another-writer",
        S + " -o {t}/busy",
        "being written by another ruadapt process",
        CHATF,
        _lock,
    ),
    Case(
        "option-data-of-the-wrong-kind",
        "run --plugin dpo --model {m} --data {t}/chat.jsonl -o {t}/o --max-steps 1",
        "chat.jsonl",
        CHATF,
    ),
    Case(
        "guard-lora-alpha-inf",
        S + " -o {t}/o --adapter lora --set lora_alpha=inf",
        "must be a finite number",
        CHATF,
    ),
]

MODEL: list[str] = []  # the shared tiny model, set by the fixture (setups copy it)


@pytest.fixture(scope="module")
def world(tiny_model, tmp_path_factory):
    """A finished LoRA SFT run with checkpoints (2 steps, saved every step), made once."""
    from ruadapt.registry import get_registry
    from ruadapt.runner import run

    MODEL[:] = [tiny_model]
    root = tmp_path_factory.mktemp("faults")
    data = root / "chat.jsonl"
    data.write_text(jsonl(CHAT), encoding="utf-8")
    sets = {"save_steps": 1, "logging_steps": 1, "batch_size": 2}
    adapter = run(
        "sft",
        get_registry(),
        model=tiny_model,
        data=str(data),
        output=str(root / "adapter"),
        adapter="lora",
        max_steps=2,
        sets=sets,
    )
    ext = root / "ext"
    from ruadapt.tokenizer.extend_model import extend_model

    extend_model(tiny_model, "ru-corpus", 8, str(ext), show_progress=False, max_chars=20000)
    return {"model": tiny_model, "adapter": adapter, "data": data, "ext": ext}


def snapshot(*roots: Path) -> dict[str, str]:
    """Every file (hash) and folder under ``roots``, hidden ones included."""
    seen = {}
    for root in roots:
        for path in [root] if root.is_file() else sorted(root.rglob("*")):
            key = str(path)
            seen[key] = "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return seen


def prepare(case: Case, world: dict, t: Path) -> list[str]:
    for name, content in case.files.items():
        path = t / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    if "{a}" in case.args:
        shutil.copytree(world["adapter"], t / "adapter")
    if "{r}" in case.args:
        shutil.copytree(world["adapter"], t / "run")
        (t / "run" / "run.json").unlink()  # as a killed run leaves it
    if "{mc}" in case.args:
        shutil.copytree(world["model"], t / "model")
    if case.setup is not None:
        case.setup(t)
    values = {
        "m": world["model"],
        "t": str(t),
        "a": str(t / "adapter"),
        "r": str(t / "run"),
        "mc": str(t / "model"),
        "x": str(world["ext"]),
        "d": str(world["data"]),
    }
    return [part.format(**values) for part in case.args.split()]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_fault(case, world, tmp_path, capsys):
    t = tmp_path / "case"
    t.mkdir()
    args = prepare(case, world, t)
    shared = [Path(world["model"]), Path(world["ext"]), Path(world["data"])]
    before = snapshot(t, *shared)
    code, out, err = invoke(args, capsys)
    after = snapshot(t, *shared)
    assert "Traceback" not in out + err, err[-3000:]
    assert code == case.code, f"exit {code}; stderr: {err[-2000:]}"
    if case.report:
        assert re.search(case.expect, out + err), out + err
    else:
        # the error must start its own line, even after a half-drawn progress bar
        errors = [line for line in err.splitlines() if line.startswith("error:")]
        assert len(errors) == 1, f"expected one error line, got: {err[-2000:]}"
        assert re.search(case.expect, errors[0]), errors[0]
    if "pwned" in case.id or case.id.startswith("pickle-crafted"):
        assert not (t / "pwned").exists(), "the crafted pickle ran code"
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    changed = {k for k in changed if not re.search(case.may_change, k)}
    assert not changed, f"files changed, appeared or vanished: {sorted(changed)[:5]}"


def test_case_count_and_classes():
    """The suite's promise: at least 100 cases over every class of the issue."""
    classes = {c.id.split("-", 1)[0] for c in CASES}
    assert len(CASES) >= 100 and len({c.id for c in CASES}) == len(CASES)
    assert classes == {
        "loss",
        "resume",
        "guard",
        "pickle",
        "enc",
        "model",
        "json",
        "recipe",
        "io",
        "option",
    }
