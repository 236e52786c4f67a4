"""``ruadapt export gguf``: a model folder (extended, trained, or an adapter) as one GGUF file.

Written with the ``gguf`` package, the format's own Python library (``GGUFWriter`` for the
file, ``TensorNameMap`` for llama.cpp's tensor names, ``gguf.quants`` for bf16 and q8_0), so
no byte of the format is hand-written here. llama.cpp's own converter is not used: it names the
pre-tokenizer by hashing token ids, which refuses every extended tokenizer; ruadapt names it
from the tokenizer's rules instead (``ruadapt.tokenizer.pretok``, recorded at extension time).

Supported: Llama-architecture models (SmolLM2, the tiny model, Llama 2/3 without rope scaling)
and Qwen2, with a byte-level BPE tokenizer.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

from ruadapt.errors import UserError

OUTTYPES = ("f32", "f16", "bf16", "q8_0")

# model_type -> (gguf arch name, q/k rows stored rotate-half style and permuted for llama.cpp)
ARCHITECTURES = {"llama": ("llama", True), "qwen2": ("qwen2", False)}

# transformers' training-only template tags; llama.cpp's and Ollama's renderers do not know them
_GENERATION_TAGS = re.compile(r"\{%-?\s*(end)?generation\s*-?%\}")


def require_gguf() -> Any:
    """The ``gguf`` package, or a one-line error saying how to install it."""
    try:
        import gguf
    except ImportError:
        raise UserError('GGUF export needs the gguf package: pip install "ruadapt[real]"') from None
    return gguf


def plain_chat_template(template: str) -> str:
    """``template`` without ``{% generation %}`` / ``{% endgeneration %}`` (no-ops when
    rendering, unknown to the Jinja engines of llama.cpp and llama-cpp-python)."""
    return _GENERATION_TAGS.sub("", template)


def _permute_rotary(weight: Any, n_head: int) -> Any:
    """Reorder q/k projection rows from Hugging Face's rotate-half RoPE layout to the
    interleaved-pairs layout llama.cpp's ``llama`` architecture applies RoPE in."""
    rows = weight.shape[0]
    return (
        weight.reshape(n_head, 2, rows // n_head // 2, *weight.shape[1:])
        .swapaxes(1, 2)
        .reshape(weight.shape)
    )


def _rope_theta(config: Any) -> float:
    params = getattr(config, "rope_parameters", None) or getattr(config, "rope_scaling", None)
    params = params if isinstance(params, dict) else {}
    kind = params.get("rope_type") or params.get("type") or "default"
    if kind != "default":
        raise UserError(
            f"rope scaling {kind!r} is not supported by ruadapt export gguf (only plain RoPE)"
        )
    theta = params.get("rope_theta", getattr(config, "rope_theta", None))
    return float(theta if theta is not None else 10000.0)


def _token_table(tokenizer: Any, n_vocab: int) -> tuple[list[str], list[int], list[str]]:
    """(tokens by id, their llama.cpp token types, merges "a b" in rank order)."""
    import gguf

    from ruadapt.tokenizer.extend import FILLER_PATTERN
    from ruadapt.tokenizer.family import BYTE_LEVEL, inspect_tokenizer

    data, family = inspect_tokenizer(tokenizer)
    if family != BYTE_LEVEL:
        raise UserError(
            "ruadapt export gguf supports byte-level BPE tokenizers (GPT-2, Llama 3, Qwen, "
            f"SmolLM style); this one is {family}"
        )
    tokens: dict[int, str] = {}
    types: dict[int, int] = {}
    for text, i in data["model"]["vocab"].items():
        tokens[i] = text
        unused = FILLER_PATTERN.match(text)
        types[i] = int(gguf.TokenType.UNUSED if unused else gguf.TokenType.NORMAL)
    for added in data.get("added_tokens") or []:
        i = added["id"]
        tokens[i] = added["content"]
        kind = gguf.TokenType.CONTROL if added.get("special") else gguf.TokenType.USER_DEFINED
        types[i] = int(kind)
    if tokens and max(tokens) >= n_vocab:
        raise UserError(
            f"the tokenizer has ids up to {max(tokens)} but the model has only {n_vocab} "
            "embedding rows; resize the model (ruadapt tokenizer extend does) before export"
        )
    names, kinds = [], []
    for i in range(n_vocab):  # rows no token uses: padding llama.cpp must still have a name for
        names.append(tokens.get(i, f"[PAD{i}]"))
        kinds.append(types.get(i, int(gguf.TokenType.UNUSED)))
    merges = [m if isinstance(m, str) else " ".join(m) for m in data["model"].get("merges", [])]
    return names, kinds, merges


def _adds(tokenizer: Any) -> tuple[bool, bool]:
    """Whether encoding with special tokens puts BOS first / EOS last (llama.cpp must agree)."""
    plain = tokenizer("a", add_special_tokens=False)["input_ids"]
    full = tokenizer("a", add_special_tokens=True)["input_ids"]
    bos, eos = tokenizer.bos_token_id, tokenizer.eos_token_id
    add_bos = bos is not None and len(full) > len(plain) and full[0] == bos
    add_eos = eos is not None and len(full) > len(plain) and full[-1] == eos
    return add_bos, add_eos


def _tensor_data(name: str, array: Any, outtype: str) -> tuple[Any, Any]:
    """(data, raw_dtype) for the writer: 1-D tensors (norms, biases) stay float32 like
    llama.cpp's converter keeps them; q8_0 needs rows divisible by its block of 32."""
    import gguf
    import numpy as np

    array = np.ascontiguousarray(array, dtype=np.float32)
    if array.ndim <= 1 or outtype == "f32":
        return array, None
    if outtype == "f16":
        return array.astype(np.float16), None
    qtype = gguf.GGMLQuantizationType.BF16 if outtype == "bf16" else gguf.GGMLQuantizationType.Q8_0
    block = gguf.GGML_QUANT_SIZES[qtype][0]
    if array.shape[-1] % block:
        return array.astype(np.float16), None  # cannot be blocked: f16, as the converter does
    return gguf.quants.quantize(array, qtype), qtype


def _file_type(outtype: str) -> int:
    import gguf

    return int(
        {
            "f32": gguf.LlamaFileType.ALL_F32,
            "f16": gguf.LlamaFileType.MOSTLY_F16,
            "bf16": gguf.LlamaFileType.MOSTLY_BF16,
            "q8_0": gguf.LlamaFileType.MOSTLY_Q8_0,
        }[outtype]
    )


def _load(model: str) -> tuple[str, Any, Any]:
    """(resolved path, causal LM in float32 with any adapter merged, tokenizer as saved)."""
    from transformers import AutoTokenizer

    from ruadapt.models import load_causal_lm, resolve_model

    path = resolve_model(model)
    folder = Path(path)
    if not folder.is_dir():
        raise UserError(f"{model}: not a local model folder (ruadapt never downloads for export)")
    try:
        tokenizer = AutoTokenizer.from_pretrained(path)
    except (OSError, ValueError) as exc:
        raise UserError(f"cannot load a tokenizer from {model}: {exc}".splitlines()[0]) from None
    config_path = folder / "config.json"
    if config_path.is_file():
        model_type = json.loads(config_path.read_text(encoding="utf-8")).get("model_type")
        if model_type not in ARCHITECTURES:
            raise UserError(_unsupported(model, model_type))
    lm = load_causal_lm(path, dtype="float32")
    return path, lm, tokenizer


def _unsupported(model: str, model_type: Any) -> str:
    return (
        f"{model}: architecture {model_type!r} is not supported by ruadapt export gguf "
        f"(supported: {', '.join(ARCHITECTURES)})"
    )


def write_gguf(
    lm: Any,
    tokenizer: Any,
    path: str | Path,
    *,
    outtype: str = "f16",
    name: str = "model",
    pre: str | None = None,
) -> dict[str, Any]:
    """Write ``lm`` and ``tokenizer`` as a GGUF file at ``path`` (no output policy: the
    caller picks a fresh path). Returns what was written (architecture, pre-tokenizer, counts)."""
    from ruadapt.tokenizer.pretok import llama_cpp_pre_name, recorded_pre_name, tokenizer_json

    if outtype not in OUTTYPES:
        raise UserError(f"--outtype must be one of {', '.join(OUTTYPES)}; got {outtype!r}")
    gguf = require_gguf()
    config = lm.config
    if config.model_type not in ARCHITECTURES:
        raise UserError(_unsupported(name, config.model_type))
    arch, permute = ARCHITECTURES[config.model_type]
    if pre is None:
        pre = recorded_pre_name(tokenizer)
    if pre is None:
        pre = llama_cpp_pre_name(tokenizer_json(tokenizer).get("pre_tokenizer"))
    if pre is None:
        rules = json.dumps(tokenizer_json(tokenizer).get("pre_tokenizer"))[:200]
        raise UserError(
            f"{name}: llama.cpp has no known name for this pre-tokenizer ({rules}); "
            "pass --pre NAME with llama.cpp's name for it"
        )

    state = {k: v.detach().float().cpu().numpy() for k, v in lm.state_dict().items()}
    n_vocab = state["model.embed_tokens.weight"].shape[0]
    tied = bool(getattr(config, "tie_word_embeddings", False))
    if tied:
        state.pop("lm_head.weight", None)  # llama.cpp reuses token_embd when output is absent
    n_head = config.num_attention_heads
    n_head_kv = getattr(config, "num_key_value_heads", None) or n_head
    head_dim = getattr(config, "head_dim", None) or config.hidden_size // n_head
    tokens, kinds, merges = _token_table(tokenizer, n_vocab)
    add_bos, add_eos = _adds(tokenizer)

    writer = gguf.GGUFWriter(str(path), arch)
    writer.add_name(name)
    writer.add_file_type(_file_type(outtype))
    writer.add_context_length(config.max_position_embeddings)
    writer.add_embedding_length(config.hidden_size)
    writer.add_block_count(config.num_hidden_layers)
    writer.add_feed_forward_length(config.intermediate_size)
    writer.add_head_count(n_head)
    writer.add_head_count_kv(n_head_kv)
    writer.add_key_length(head_dim)
    writer.add_value_length(head_dim)
    writer.add_rope_dimension_count(head_dim)
    writer.add_rope_freq_base(_rope_theta(config))
    writer.add_layer_norm_rms_eps(config.rms_norm_eps)
    writer.add_vocab_size(n_vocab)
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre(pre)
    writer.add_token_list(tokens)
    writer.add_token_types(kinds)
    writer.add_token_merges(merges)
    for special, add in (
        ("bos", writer.add_bos_token_id),
        ("eos", writer.add_eos_token_id),
        ("unk", writer.add_unk_token_id),
        ("pad", writer.add_pad_token_id),
    ):
        token_id = getattr(tokenizer, f"{special}_token_id", None)
        if token_id is not None:
            add(int(token_id))
    writer.add_add_bos_token(add_bos)
    writer.add_add_eos_token(add_eos)
    template = getattr(tokenizer, "chat_template", None)
    if isinstance(template, str) and template:
        writer.add_chat_template(plain_chat_template(template))
    writer.add_quantization_version(gguf.GGML_QUANT_VERSION)

    names = gguf.get_tensor_name_map(gguf.MODEL_ARCH[arch.upper()], config.num_hidden_layers)
    for key, array in state.items():
        if key.endswith("rotary_emb.inv_freq"):
            continue
        gguf_name = names.get_name(key, try_suffixes=(".weight", ".bias"))
        if gguf_name is None:
            raise UserError(f"{name}: tensor {key} has no llama.cpp name for {arch}")
        if permute and key.endswith("self_attn.q_proj.weight"):
            array = _permute_rotary(array, n_head)
        elif permute and key.endswith("self_attn.k_proj.weight"):
            array = _permute_rotary(array, n_head_kv)
        data, raw_dtype = _tensor_data(gguf_name, array, outtype)
        writer.add_tensor(gguf_name, data, raw_dtype=raw_dtype)

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return {
        "architecture": arch,
        "outtype": outtype,
        "tokenizer_pre": pre,
        "n_vocab": n_vocab,
        "tokens": len(tokens),
        "merges": len(merges),
        "tensors": len([k for k in state if not k.endswith("inv_freq")]),
        "add_bos": add_bos,
    }


def export_gguf(
    model: str,
    output_file: str | Path,
    outtype: str = "f16",
    *,
    overwrite: bool = False,
    pre: str | None = None,
) -> Path:
    """Export ``model`` (``tiny``, ``smollm2``, a model or run folder, or an adapter folder,
    merged first) to the GGUF file ``output_file`` that llama.cpp and Ollama load.

    ``outtype``: f32, f16, bf16 or q8_0 (1-D tensors stay f32). ``pre`` overrides llama.cpp's
    pre-tokenizer name (default: the one recorded at extension time, else read from the
    tokenizer's rules). The file is written beside its target and renamed into place; an
    existing file is replaced only with ``overwrite``. Returns the path.
    """
    from ruadapt.outputs import check_output, staged_file

    if outtype not in OUTTYPES:
        raise UserError(f"--outtype must be one of {', '.join(OUTTYPES)}; got {outtype!r}")
    out = Path(output_file).expanduser()
    if out.suffix.lower() != ".gguf":
        raise UserError(f"output {out} should end in .gguf")
    out = check_output(out, overwrite=overwrite, folder=False, inputs={"MODEL": model})
    require_gguf()
    path, lm, tokenizer = _load(model)
    check_output(out, overwrite=overwrite, folder=False, inputs={"MODEL": path})
    with staged_file(out, checked=True) as staging:
        write_gguf(lm, tokenizer, staging, outtype=outtype, name=Path(path).name, pre=pre)
    return out


def timed_export(model: str, output_file: str | Path, **kwargs: Any) -> tuple[Path, float]:
    """:func:`export_gguf` and its wall time in seconds (for the CLI's summary line)."""
    start = time.perf_counter()
    out = export_gguf(model, output_file, **kwargs)
    return out, time.perf_counter() - start
