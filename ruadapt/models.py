"""Finding, loading and saving models: local folders, hub ids, adapters, and ``tiny``.

Heavy imports stay inside functions so ``ruadapt --help`` does not pay for torch.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ruadapt.errors import UserError

TINY = "tiny"


def resolve_model(spec: str) -> str:
    """Turn ``--model`` into something ``from_pretrained`` loads, or fail naming the path."""
    if spec == TINY:
        from ruadapt.tiny import ensure_tiny_model

        return str(ensure_tiny_model())
    from ruadapt import real_models  # aliases of real models shipped by optional packages

    if real_models.is_alias(spec) and not Path(spec).exists():
        return str(real_models.ensure_real_model(spec))
    path = Path(spec).expanduser()
    if path.exists():
        if not path.is_dir():
            raise UserError(f"model path {path} is a file; expected a model directory")
        if not (path / "config.json").is_file() and not is_adapter_dir(path):
            raise UserError(f"model path {path} has no config.json (not a saved model)")
        for name in ("config.json", "adapter_config.json"):
            _check_json_object(path / name)
        return str(path)
    looks_local = spec.startswith((".", "/", "~")) or spec.count("/") != 1
    if looks_local:
        raise UserError(f"model path {spec} does not exist")
    return spec  # a hub id: transformers resolves it (from its cache when offline)


def _check_json_object(path: Path) -> None:
    """A model folder's config must be one JSON object; say so before transformers trips."""
    if not path.is_file():
        return
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "msg", None) or type(exc).__name__
        raise UserError(f"{path}: corrupt model config ({reason})") from None
    if not isinstance(value, dict):
        raise UserError(f"{path}: corrupt model config (not a JSON object)")


def is_adapter_dir(path: str | Path) -> bool:
    return (Path(path) / "adapter_config.json").is_file()


def adapter_base(path: str | Path) -> str:
    """The base model an adapter directory was trained on."""
    config = json.loads((Path(path) / "adapter_config.json").read_text())
    base = config.get("base_model_name_or_path")
    if not base:
        raise UserError(f"{path}/adapter_config.json names no base model")
    return base


def load_tokenizer(spec: str, *, trust_remote_code: bool = False) -> Any:
    """A fast tokenizer with a pad token (the EOS token when the model has none)."""
    from transformers import AutoTokenizer

    path = resolve_model(spec)
    try:
        tokenizer = AutoTokenizer.from_pretrained(path, trust_remote_code=trust_remote_code)
    except OSError as exc:
        raise UserError(f"cannot load a tokenizer from {spec}: {exc}".splitlines()[0]) from None
    except LOAD_ERRORS as exc:
        raise UserError(load_failure(spec, "tokenizer", exc)) from None
    if tokenizer.pad_token is None:
        if tokenizer.eos_token is None:
            raise UserError(
                f"the tokenizer in {spec} has neither a pad nor an EOS token "
                "(check tokenizer_config.json)"
            )
        tokenizer.pad_token = tokenizer.eos_token
    _check_chat_template(spec, tokenizer)
    return tokenizer


def _check_chat_template(spec: str, tokenizer: Any) -> None:
    """A chat template that does not compile fails here, naming the folder, not mid-training."""
    template = getattr(tokenizer, "chat_template", None)
    templates = template.values() if isinstance(template, dict) else [template]
    from jinja2 import TemplateError
    from transformers.utils.chat_template_utils import _compile_jinja_template

    for text in templates:
        if isinstance(text, str):
            try:
                _compile_jinja_template(text)
            except TemplateError as exc:
                raise UserError(
                    f"the chat template of {spec} does not compile: {exc}".splitlines()[0]
                ) from None


def _check_generation_config(spec: str, model: Any) -> None:
    """generation_config.json values of the wrong type only fail when the trained model is
    saved; refuse them before training."""
    config = getattr(model, "generation_config", None)
    for name in ("temperature", "top_p", "top_k", "repetition_penalty", "max_new_tokens"):
        value = getattr(config, name, None)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise UserError(
                f"{spec}: generation_config.json: {name!r} must be a number, not {value!r}"
            )


def load_causal_lm(
    spec: str,
    *,
    trust_remote_code: bool = False,
    dtype: str = "auto",
    quantization: str | None = None,
) -> Any:
    """Load a causal LM; an adapter directory is loaded onto its base and merged.

    ``quantization`` (``4bit``/``8bit``) loads the weights through bitsandbytes (QLoRA base).
    """
    from transformers import AutoModelForCausalLM

    from ruadapt.hardware import quantization_config

    quantized = {"quantization_config": quantization_config(quantization)} if quantization else {}

    def plain(folder: str, **extra: Any) -> Any:
        return AutoModelForCausalLM.from_pretrained(
            folder,
            trust_remote_code=trust_remote_code,
            dtype=dtype,
            use_safetensors=_has_safetensors(folder),
            **extra,
        )

    path = resolve_model(spec)
    try:
        if is_adapter_dir(path):  # merged in full precision: no quantized base under an adapter
            model = load_through_adapters(path, plain)
        else:
            model = plain(path, **quantized)
    except OSError as exc:
        raise UserError(f"cannot load model {spec}: {exc}".splitlines()[0]) from None
    except LOAD_ERRORS as exc:
        raise UserError(load_failure(spec, "model", exc)) from None
    _check_generation_config(spec, model)
    return model


def _strict_dataclass_error() -> tuple[type[BaseException], ...]:
    """huggingface_hub's config validation error (a plain Exception), where it exists."""
    try:
        from huggingface_hub.errors import StrictDataclassError
    except ImportError:
        return ()
    return (StrictDataclassError,)


#: what transformers raises for a model folder whose files contradict each other (a config
#: field of the wrong type, an unknown model_type, weights of other shapes, a broken
#: tokenizer or chat template): the folder's fault, reported as such in one line
LOAD_ERRORS: tuple[type[BaseException], ...] = (
    ValueError,
    TypeError,
    KeyError,
    AttributeError,
    RuntimeError,
    IndexError,
    *_strict_dataclass_error(),
)


def load_failure(spec: str, what: str, exc: BaseException) -> str:
    """One line for a model folder transformers could not load, naming the folder."""
    text = str(exc).strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    first = lines[0] if lines else type(exc).__name__
    if "ignore_mismatched_sizes" in text or "size mismatch" in text:
        first = "its weights have other shapes than its config.json describes"
    elif first.endswith(":"):  # "Validation error for field 'x':" + why (next line or cause)
        why = lines[1] if len(lines) > 1 else str(exc.__cause__ or "").strip()
        first = f"{first} {why.splitlines()[0] if why else 'invalid'}"
    elif isinstance(exc, KeyError):
        first = f"missing entry {first}"
    if len(first) > 200:
        first = first[:197] + "..."
    return f"cannot load the {what} in {spec} (a corrupt or inconsistent folder?): {first}"


def load_through_adapters(path: str, load_plain: Callable[[str], Any]) -> Any:
    """``load_plain(path)`` for a model folder; for an adapter folder, its base loaded the same
    way (an adapter trained on a merged adapter: the whole chain), grown to the adapter's
    vocabulary, with the adapter merged in. ``load_plain`` picks the model class (a causal LM,
    or a sequence classifier for a reward head on an SFT adapter)."""
    if not is_adapter_dir(path):
        return load_plain(path)
    base = load_through_adapters(resolve_model(adapter_base(path)), load_plain)
    _match_vocab(base, path)
    return merge_adapter(base, path)


def merge_adapter(base: Any, adapter_path: str) -> Any:
    """Merge a saved adapter into ``base`` and return a trainable standalone model.

    PEFT loads adapters for inference and freezes every weight; the merged model keeps those
    flags, so a method trained on it (KTO after a LoRA SFT stage) would have nothing to train.
    The merged model's ``_name_or_path`` becomes the adapter folder, so an adapter trained on
    it records that folder as its base and loads onto base + this adapter, not the bare base.
    """
    from peft import PeftModel

    if not (Path(adapter_path) / "adapter_model.safetensors").is_file():
        raise UserError(
            f"{adapter_path} has no adapter_model.safetensors; ruadapt loads safetensors only "
            "(a pickled adapter_model.bin could run code when loaded)"
        )
    from peft import PeftConfig

    config = PeftConfig.from_pretrained(adapter_path)
    if config.task_type == "CAUSAL_LM" and not hasattr(base, "prepare_inputs_for_generation"):
        # a causal-LM adapter onto a sequence classifier (a reward head on an SFT adapter):
        # PEFT's causal-LM wrapper needs generation, the plain wrapper only the module names
        config.task_type = None
    model = PeftModel.from_pretrained(base, adapter_path, config=config).merge_and_unload()
    model.config._name_or_path = model.name_or_path = str(Path(adapter_path).resolve())
    return model.requires_grad_(True)


def _has_safetensors(path: str) -> bool:
    """Safetensors only, never a pickle: a local folder without them is refused here, and
    ``use_safetensors=True`` makes transformers refuse a pickle-only hub repository."""
    p = Path(path)
    if p.is_dir() and not any(p.glob("*.safetensors")):
        raise UserError(
            f"{p} has no .safetensors weights; ruadapt loads safetensors only "
            "(a pickled .bin could run code when loaded)"
        )
    return True


def _match_vocab(base: Any, adapter_path: str) -> None:
    """An adapter trained after tokenizer extension carries a larger vocabulary."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(adapter_path)
    if len(tokenizer) > base.get_input_embeddings().weight.shape[0]:
        base.resize_token_embeddings(len(tokenizer), mean_resizing=False)


def check_reward_head(spec: str) -> None:
    """Refuse to score with a model that has no trained reward head.

    A causal LM (or any model without saved ``score`` weights) loads as a sequence classifier
    with a freshly initialised head, and its "rewards" are random numbers; a reward model is
    a folder ``ruadapt run --method reward`` wrote (a ``...ForSequenceClassification`` with
    ``score`` weights, or a ``SEQ_CLS`` adapter). A hub id is not checked (nothing to read).
    """
    path = Path(resolve_model(spec))
    if not path.is_dir():
        return
    train = f"train one with `ruadapt run --method reward --model {spec} --data PREFS -o RM`"
    if is_adapter_dir(path):
        task = json.loads((path / "adapter_config.json").read_text(encoding="utf-8"))
        if task.get("task_type") != "SEQ_CLS":
            raise UserError(
                f"--model {spec} is a {task.get('task_type') or 'plain'} adapter, not a reward "
                f"model (no trained score head; its scores would be random); {train}"
            )
        return
    config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    architectures = [str(a) for a in config.get("architectures") or []]
    if any(a.endswith("ForSequenceClassification") for a in architectures) and _has_score(path):
        return
    kind = ", ".join(architectures) or "a model without a score head"
    raise UserError(
        f"--model {spec} is {kind}, not a reward model (no trained score head; "
        f"its scores would come from a random one); {train}"
    )


def _has_score(path: Path) -> bool:
    """True when the folder's safetensors hold the classifier head (``score.weight``)."""
    from safetensors import safe_open

    for weights in path.glob("*.safetensors"):
        with safe_open(str(weights), framework="pt") as fh:
            if any(key.split(".")[-2:] == ["score", "weight"] for key in fh.keys()):  # noqa: SIM118
                return True
    return False


def count_parameters(model: Any) -> tuple[int, int]:
    """``(trainable, total)`` parameter counts."""
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in model.parameters())
    return trainable, total


def save_pretrained(model: Any, tokenizer: Any, directory: str | Path) -> None:
    """Save weights (safetensors only) and tokenizer into ``directory``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(directory, safe_serialization=True)
    if tokenizer is not None:
        tokenizer.save_pretrained(directory)
