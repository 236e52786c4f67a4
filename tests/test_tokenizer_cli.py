"""``ruadapt tokenizer extend|stats|propagate`` and the propagation's least-squares map."""

from __future__ import annotations

import json

import pytest
import torch
from helpers import invoke
from test_tokenizer_extend import ENGLISH_PARAGRAPHS, RUSSIAN_PARAGRAPHS

from ruadapt.errors import UserError
from ruadapt.runner import is_complete
from ruadapt.tokenizer.propagate import fit_linear_map, propagate


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("tokcli")
    corpus = root / "ru.txt"
    corpus.write_text("\n\n".join(RUSSIAN_PARAGRAPHS * 2) + "\n", encoding="utf-8")
    parallel = root / "parallel.jsonl"
    with open(parallel, "w", encoding="utf-8") as fh:
        for ru, en in zip(RUSSIAN_PARAGRAPHS, ENGLISH_PARAGRAPHS * 2, strict=False):
            fh.write(json.dumps({"ru": ru, "en": en}, ensure_ascii=False) + "\n")
    return root, str(corpus), str(parallel)


@pytest.fixture(scope="module")
def extended_cli(tiny_model, files):
    """An extended tiny model, built once for the module (the CLI itself is tested above)."""
    from ruadapt.tokenizer.extend_model import extend_model

    root, corpus, _ = files
    out = root / "ext"
    extend_model(tiny_model, corpus, 80, str(out), show_progress=False)
    return str(out)


def test_extend_cli_dry_run_json(tiny_model, files, capsys, tmp_path):
    _, corpus, _ = files
    target = tmp_path / "never"
    code, out, err = invoke(
        [
            "tokenizer",
            "extend",
            "-m",
            tiny_model,
            "-c",
            corpus,
            "-n",
            "20",
            "-o",
            str(target),
            "--dry-run",
            "--json",
        ],
        capsys,
    )
    assert code == 0, err
    stats = json.loads(out)
    assert stats["new_tokens"] == 20 and stats["dry_run"] and not target.exists()
    assert stats["ru_after"]["tokens_per_word"] < stats["ru_before"]["tokens_per_word"]


def test_extend_cli_writes_and_refuses_overwrite(tiny_model, files, capsys, tmp_path):
    _, corpus, _ = files
    target = tmp_path / "ext"
    args = ["tokenizer", "extend", "-m", tiny_model, "-c", corpus, "-n", "10", "-o", str(target)]
    code, out, err = invoke(args, capsys)
    assert code == 0, err
    assert is_complete(target) and "saved:" in out and "Russian tokens/word" in out
    code, out, err = invoke(args, capsys)
    assert code == 1 and "exists" in err and "Traceback" not in err
    code, out, err = invoke(args[:-2] + ["--init", "nope", "-o", str(tmp_path / "x")], capsys)
    assert code == 1 and "init must be one of" in err


def test_stats_table_and_json(tiny_model, extended_cli, files, capsys):
    _, _, parallel = files
    code, out, err = invoke(
        ["tokenizer", "stats", "-t", tiny_model, "-t", extended_cli, "--data", parallel], capsys
    )
    assert code == 0, err
    assert "tok/word" in out and "ru/en" in out and "fewer" in out
    code, out, err = invoke(
        ["tokenizer", "stats", "-t", tiny_model, "-t", extended_cli, "--data", parallel, "--json"],
        capsys,
    )
    result = json.loads(out)
    base, new = (result["tokenizers"][k] for k in (tiny_model, extended_cli))
    assert new["ru"]["tokens"] < base["ru"]["tokens"] and new["en"] == base["en"]
    assert new["ru_en_ratio"] < base["ru_en_ratio"]
    assert result["reduction"]["ru"]["tokens_per_word_pct"] > 0


def test_stats_bad_data_is_one_line_error(tiny_model, capsys, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"ru": "привет"}\n', encoding="utf-8")
    code, _, err = invoke(["tokenizer", "stats", "-t", tiny_model, "--data", str(bad)], capsys)
    assert code == 1 and f"{bad}:1" in err and "'en'" in err


def test_fit_linear_map_recovers_known_map():
    torch.manual_seed(0)
    x = torch.randn(200, 8)
    w, b = torch.randn(8, 5), torch.randn(5)
    fw, fb = fit_linear_map(x, x @ w + b)
    torch.testing.assert_close(fw.float(), w, atol=1e-4, rtol=1e-4)
    torch.testing.assert_close(fb.float(), b, atol=1e-4, rtol=1e-4)


def _sibling(tiny_model: str, path, untied: bool):
    """A sibling of the tiny model whose embeddings are a known affine map of the base's."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    base = AutoModelForCausalLM.from_pretrained(tiny_model)
    config = base.config
    config.tie_word_embeddings = not untied
    sibling = type(base)(config)
    e = base.get_input_embeddings().weight.detach()
    g = torch.Generator().manual_seed(1)
    maps = {
        k: (
            torch.randn(e.shape[1], e.shape[1], generator=g) * 0.2,
            torch.randn(e.shape[1], generator=g),
        )
        for k in ("in", "out")
    }
    with torch.no_grad():
        sibling.get_input_embeddings().weight.copy_(e @ maps["in"][0] + maps["in"][1])
        if untied:
            sibling.get_output_embeddings().weight.copy_(e @ maps["out"][0] + maps["out"][1])
    sibling.save_pretrained(path, safe_serialization=True)
    tok = AutoTokenizer.from_pretrained(tiny_model)
    tok.chat_template = "{{ 'sibling template' }}"
    tok.save_pretrained(path)
    return maps


@pytest.mark.parametrize("untied", [False, True])
def test_propagate_applies_known_map(tiny_model, extended_cli, tmp_path, capsys, untied):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    maps = _sibling(tiny_model, tmp_path / "sibling", untied)
    out = tmp_path / "out"
    code, stdout, err = invoke(
        [
            "tokenizer",
            "propagate",
            "--adapted",
            extended_cli,
            "--target",
            str(tmp_path / "sibling"),
            "-o",
            str(out),
        ],
        capsys,
    )
    assert code == 0, err
    assert is_complete(out) and "mapped 80 new rows" in stdout
    card = json.loads((out / "extension.json").read_text())
    shared = card["base_vocab_size"]
    adapted = AutoModelForCausalLM.from_pretrained(extended_cli).get_input_embeddings().weight
    model = AutoModelForCausalLM.from_pretrained(out)
    new_rows = adapted[shared:].detach()
    expected_in = new_rows @ maps["in"][0] + maps["in"][1]
    got_in = model.get_input_embeddings().weight.detach()
    assert got_in.shape[0] == adapted.shape[0]
    torch.testing.assert_close(got_in[shared:], expected_in, atol=1e-3, rtol=1e-3)
    sibling = AutoModelForCausalLM.from_pretrained(tmp_path / "sibling")
    assert torch.equal(got_in[:shared], sibling.get_input_embeddings().weight)  # base rows kept
    if untied:
        expected_out = new_rows @ maps["out"][0] + maps["out"][1]
        got_out = model.get_output_embeddings().weight.detach()
        torch.testing.assert_close(got_out[shared:], expected_out, atol=1e-3, rtol=1e-3)
    tok = AutoTokenizer.from_pretrained(out)
    assert len(tok) == got_in.shape[0] and tok.chat_template == "{{ 'sibling template' }}"


def test_propagate_needs_an_extension(tiny_model, tmp_path):
    with pytest.raises(UserError, match="extension.json"):
        propagate(tiny_model, tiny_model, str(tmp_path / "o"))
