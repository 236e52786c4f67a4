"""The pieces of ``ruadapt adapt``: teacher answers, merge --with, the norm-matched init at work,
``@stage/file`` references, and the command end to end on the tiny model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

import pytest
import torch
from helpers import invoke, tiny_llama

from ruadapt.errors import UserError
from ruadapt.model_merge import interpolate_into
from ruadapt.teacher_answers import collect_prompts, repeated_ngram_share


class Result(NamedTuple):
    exit_code: int
    output: str


def cli(args: list[str], capsys) -> Result:
    """The real entry point in-process; stdout and stderr together."""
    code, out, err = invoke(args, capsys)
    return Result(code, out + err)


def test_repeated_ngram_share_counts_repeats_of_earlier_grams():
    assert repeated_ngram_share("a b c d e f") == 0.0
    # 4-grams of "a b c d a b c d": abcd bcda cdab dabc abcd -> 5 grams, 4 distinct
    assert repeated_ngram_share("a b c d a b c d") == pytest.approx(1 - 4 / 5)
    assert repeated_ngram_share("too short") == 0.0


def test_collect_prompts_refuses_eval_sets_and_is_seeded():
    with pytest.raises(UserError, match="eval set"):
        collect_prompts(["ru-en-parallel"], 10)
    a = collect_prompts(["ru-prompts", "ru-sft"], 50, seed=1)
    assert a == collect_prompts(["ru-prompts", "ru-sft"], 50, seed=1)
    assert len(a) == len(set(a)) == 50
    assert a != collect_prompts(["ru-prompts", "ru-sft"], 50, seed=2)


def test_teacher_answers_writes_chat_data_the_sft_loader_reads(tiny_model, tmp_path, capsys):
    out = tmp_path / "teacher"
    result = cli(
        [
            "teacher-answers",
            "--model",
            tiny_model,
            "-o",
            str(out),
            "--max-prompts",
            "6",
            "--max-new-tokens",
            "8",
        ],
        capsys,
    )
    assert result.exit_code == 0, result.output
    record = json.loads((out / "teacher.json").read_text())
    rows = [json.loads(x) for x in (out / "data.jsonl").read_text().splitlines()]
    assert record["prompts_used"] == 6
    assert record["kept"] == len(rows) == 6 - sum(record["dropped"].values())
    prompts = set(collect_prompts(["ru-prompts", "ru-sft", "ru-prefs", "ru-kto"], 6))
    for row in rows:
        user, assistant = row["messages"]
        assert user["role"] == "user" and user["content"] in prompts
        assert assistant["role"] == "assistant" and assistant["content"]
    # the output is ruadapt's: a second run without --overwrite is refused, with it replaced
    again = cli(["teacher-answers", "--model", tiny_model, "-o", str(out)], capsys)
    assert again.exit_code != 0 and "--overwrite" in again.output


def _tiny_pair(vocab_adapted: int, vocab_original: int, tied: bool):
    """An "adapted" model with more rows and an "original", different weights."""
    return tiny_llama(vocab_adapted, tied, seed=0), tiny_llama(vocab_original, tied, seed=1)


@pytest.mark.parametrize("tied", [True, False])
def test_interpolate_blends_shared_rows_and_keeps_new_rows(tied):
    adapted, original = _tiny_pair(40, 30, tied)
    before = {k: v.clone() for k, v in adapted.state_dict().items()}
    theirs = original.state_dict()
    counts = interpolate_into(adapted, original, 0.25)
    after = adapted.state_dict()
    for name, value in after.items():
        if value.shape[0] == 40 and value.dim() == 2:  # embedding-shaped: 30 shared rows
            expected = 0.75 * before[name][:30] + 0.25 * theirs[name]
            torch.testing.assert_close(value[:30], expected)
            assert torch.equal(value[30:], before[name][30:])  # the new rows, untouched
        else:
            torch.testing.assert_close(value, 0.75 * before[name] + 0.25 * theirs[name])
    assert counts["new_rows_kept"] == (10 if tied else 20)
    if tied:
        assert adapted.lm_head.weight.data_ptr() == adapted.model.embed_tokens.weight.data_ptr()


def test_interpolate_refuses_another_architecture():
    from transformers import LlamaConfig, LlamaForCausalLM

    adapted, _ = _tiny_pair(40, 30, True)
    other = LlamaForCausalLM(
        LlamaConfig(
            vocab_size=30,
            hidden_size=8,
            intermediate_size=16,
            num_hidden_layers=1,
            num_attention_heads=2,
            num_key_value_heads=2,
        )
    )
    with pytest.raises(UserError, match="not the same architecture"):
        interpolate_into(adapted, other, 0.5)


def test_merge_with_cli_weight_zero_gives_the_adapted_model_back(tiny_model, tmp_path, capsys):
    from safetensors.torch import load_file

    ext = tmp_path / "ext"
    result = cli(
        ["tokenizer", "extend", "--model", tiny_model, "--new-tokens", "40", "-o", str(ext)], capsys
    )
    assert result.exit_code == 0, result.output
    for weight in ("0", "1"):
        out = tmp_path / f"blend{weight}"
        result = cli(
            ["merge", str(ext), "--with", tiny_model, "--weight", weight, "-o", str(out)], capsys
        )
        assert result.exit_code == 0, result.output
        assert (out / "extension.json").is_file()  # which rows are new travels along
    ours, blend0, blend1 = (
        load_file(str(p / "model.safetensors"))
        for p in (ext, tmp_path / "blend0", tmp_path / "blend1")
    )
    original = load_file(str(Path(tiny_model) / "model.safetensors"))
    for name, value in ours.items():
        torch.testing.assert_close(blend0[name], value)
        n = original[name].shape[0]
        torch.testing.assert_close(blend1[name][:n], original[name])
    bad = cli(
        ["merge", str(ext), "--with", tiny_model, "--weight", "1.5", "-o", str(tmp_path / "x")],
        capsys,
    )
    assert bad.exit_code != 0 and "--weight must be between 0 and 1" in bad.output


def test_norm_init_gives_new_rows_the_length_of_real_tokens(tiny_model, tmp_path, capsys):
    from safetensors.torch import load_file

    norms = {}
    for init in ("mean", "norm"):
        out = tmp_path / init
        result = cli(
            [
                "tokenizer",
                "extend",
                "--model",
                tiny_model,
                "--new-tokens",
                "60",
                "--init",
                init,
                "-o",
                str(out),
            ],
            capsys,
        )
        assert result.exit_code == 0, result.output
        base = json.loads((out / "extension.json").read_text())["base_vocab_size"]
        weight = load_file(str(out / "model.safetensors"))["model.embed_tokens.weight"]
        norms[init] = (weight[:base].norm(dim=1).mean(), weight[base:].norm(dim=1).mean())
    base_norm, mean_norm = norms["mean"]
    assert mean_norm < 0.95 * base_norm  # averaging shortens
    assert norms["norm"][1] > mean_norm
    # --norm-scale is a share of the way: meaningless for another init, refused outside [0, 1]
    for init, scale, message in (("mean", "0.5", "init=norm only"), ("norm", "2", "[0, 1]")):
        args = ["tokenizer", "extend", "--model", tiny_model, "--new-tokens", "60"]
        result = cli(
            [*args, "--init", init, "--norm-scale", scale, "-o", str(tmp_path / "x")], capsys
        )
        assert result.exit_code != 0 and message in result.output
        assert not (tmp_path / "x").exists()


def test_stage_file_references_resolve_inside_comma_lists(tmp_path):
    from ruadapt.pipeline import load_recipe, plan

    recipe = tmp_path / "r.yaml"
    recipe.write_text(
        "model: tiny\noutput: " + str(tmp_path / "out") + "\nstages:\n"
        "  - {name: teacher, step: teacher-answers, model: '@base'}\n"
        "  - {name: sft, method: sft, data: '@teacher/data.jsonl,ru-sft'}\n"
    )
    steps = plan(load_recipe(recipe))
    assert steps[1][1]["data"] == f"{tmp_path / 'out' / 'teacher' / 'data.jsonl'},ru-sft"
    assert steps[0][1]["model"] == "tiny"


def test_english_replay_is_disjoint_from_the_held_out_english_and_joins_cpt(tmp_path, monkeypatch):
    from ruadapt.adapt import (
        ENGLISH_EVAL_PARAGRAPHS,
        english_paragraphs,
        english_replay,
        heldout_texts,
        overrides_for,
    )

    monkeypatch.setenv("RUADAPT_CACHE", str(tmp_path / "cache"))
    named = english_replay(5000, write=False)
    assert not named.exists()  # a dry run only names it
    path = english_replay(5000)
    assert path == named and path.is_relative_to(tmp_path / "cache")
    replay = [json.loads(line)["text"] for line in path.read_text().splitlines()]
    assert 5000 <= sum(map(len, replay)) < 5000 + max(map(len, replay))
    assert replay[0] == english_paragraphs()[ENGLISH_EVAL_PARAGRAPHS]
    # even the largest held-out English the eval reads shares no paragraph with the replay
    held = heldout_texts(10**9)["en"]
    assert len(held) == ENGLISH_EVAL_PARAGRAPHS and not set(held) & set(replay)
    before = path.stat().st_mtime_ns
    assert english_replay(5000) == path  # the same path: the cpt stage's hash holds
    assert path.stat().st_mtime_ns == before
    assert english_replay(6000) != path
    cpt = overrides_for("razdel-ru", None, False, path)["cpt"]
    assert cpt["data"] == f"razdel-ru:max_chars=300000,{path}"  # the recipe's data, then replay
    cpt = overrides_for(str(tmp_path / "ru.txt"), None, False, path)["cpt"]
    assert cpt["data"] == f"{tmp_path / 'ru.txt'},{path}"


def test_adapt_dry_run_prints_the_plan_and_an_estimate(tmp_path, capsys):
    out = tmp_path / "adapted"
    result = cli(["adapt", "--model", "tiny", "-o", str(out), "--dry-run"], capsys)
    assert result.exit_code == 0, result.output
    for stage in ("extend", "teacher", "cpt", "model", "eval"):
        assert f"] {stage} (" in result.output
    assert "total estimate" in result.output
    assert not out.exists()  # a dry run writes nothing


def test_adapt_refuses_an_unknown_export(tmp_path, capsys):
    result = cli(
        ["adapt", "--model", "tiny", "-o", str(tmp_path / "o"), "--export", "onnx"], capsys
    )
    assert result.exit_code != 0 and "--export must be gguf" in result.output


def test_adapt_fast_on_the_tiny_model_writes_a_ready_chat_model(tmp_path, capsys):
    """The whole command in miniature: a model transformers loads with its chat template, the
    verdicts in adapt.json, and a rerun that skips every stage."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    out = tmp_path / "adapted"
    result = cli(["adapt", "--model", "tiny", "-o", str(out), "--fast", "--export", "gguf"], capsys)
    assert result.exit_code == 0, result.output[-2000:]
    assert (out / "model.gguf").read_bytes()[:4] == b"GGUF"  # --export gguf, llama.cpp's format
    summary = json.loads((out / "adapt.json").read_text())
    assert summary["model"] == str(out / "model")
    assert {"ru_letters_per_token_ratio", "ru_reference_bpc_ratio"} <= set(summary["targets"])
    assert "target ru_reference_bpc_ratio" in result.output
    model = AutoModelForCausalLM.from_pretrained(out / "model")
    tokenizer = AutoTokenizer.from_pretrained(out / "model")
    ext = json.loads((out / "extend" / "extension.json").read_text())
    assert len(tokenizer) == ext["vocab_size"] > ext["base_vocab_size"]
    assert model.get_input_embeddings().weight.shape[0] >= len(tokenizer)
    prompt = tokenizer.apply_chat_template(
        [{"role": "user", "content": "Привет"}], tokenize=False, add_generation_prompt=True
    )
    assert "Привет" in prompt
    again = cli(["adapt", "--model", "tiny", "-o", str(out), "--fast", "--export", "gguf"], capsys)
    assert again.exit_code == 0
    assert again.output.count("skipped") == 5  # extend, teacher, cpt, model, eval
