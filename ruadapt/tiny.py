"""The embedded tiny default: a small Llama-style LM with an English-centric tokenizer.

No pretrained model can be downloaded here, so ruadapt builds its own small world from the
bundled corpora: a byte-level BPE tokenizer trained mostly on English (with a little
Russian, like real English-centric models) and a ~2.5M-parameter causal LM pretrained for a
few hundred steps. ``--model tiny`` anywhere means the cached default build.

    ruadapt tiny-model --output out/tiny --steps 200
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Iterable
from pathlib import Path

from ruadapt.cache import cache_dir
from ruadapt.data.templates import DEFAULT_CHAT_TEMPLATE as CHAT_TEMPLATE

BUILD_VERSION = 1  # bump when the recipe below changes, so caches rebuild
DEFAULT_STEPS = 200
VOCAB_SIZE = 4096
RUSSIAN_SHARE = 0.04  # share of the tokenizer/pretraining text that is Russian
SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|pad|>"]


def default_texts() -> tuple[str, str]:
    """(English, Russian) text of the bundled corpora."""
    from ruadapt.data.bundled import bundled_path

    return (
        bundled_path("en-corpus").read_text(encoding="utf-8"),
        bundled_path("ru-corpus").read_text(encoding="utf-8"),
    )


def english_centric_mix(english: str, russian: str, share: float = RUSSIAN_SHARE) -> list[str]:
    """Paragraphs of mostly English text with ``share`` (by characters) of Russian."""
    en = [p.strip() for p in english.split("\n\n") if p.strip()]
    ru = [p.strip() for p in russian.split("\n\n") if p.strip()]
    budget = share * sum(map(len, en)) / (1 - share)
    picked, used = [], 0
    for paragraph in ru[::3]:  # spread over the corpus rather than its first pages
        if used >= budget:
            break
        picked.append(paragraph)
        used += len(paragraph)
    # interleave so pretraining batches are mixed
    step = max(1, len(en) // max(1, len(picked)))
    mixed = list(en)
    for i, paragraph in enumerate(picked):
        mixed.insert(min(len(mixed), (i + 1) * step + i), paragraph)
    return mixed


def build_tokenizer(texts: Iterable[str], vocab_size: int = VOCAB_SIZE):
    """An English-centric byte-level BPE tokenizer (GPT-2 style) with a chat template."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    backend = Tokenizer(models.BPE())
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    backend.train_from_iterator(texts, trainer=trainer)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend,
        bos_token="<|endoftext|>",
        eos_token="<|im_end|>",
        unk_token=None,
        pad_token="<|pad|>",
        model_max_length=1024,
    )
    tokenizer.chat_template = CHAT_TEMPLATE
    return tokenizer


def build_model(tokenizer, seed: int = 0):
    """A Llama-style causal LM of about 2.5M parameters with tied embeddings."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(seed)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=192,
        intermediate_size=512,
        num_hidden_layers=4,
        num_attention_heads=6,
        num_key_value_heads=2,
        max_position_embeddings=1024,
        tie_word_embeddings=True,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    model = LlamaForCausalLM(config)
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    return model


def pretrain(
    model,
    tokenizer,
    paragraphs: list[str],
    steps: int,
    *,
    seq_len: int = 128,
    batch_size: int = 16,
    lr: float = 3e-3,
    seed: int = 0,
    progress: bool = True,
) -> list[float]:
    """Plain next-token pretraining on packed text; returns the loss of each step."""
    import torch
    from tqdm.auto import tqdm

    if steps <= 0:
        return []
    ids: list[int] = []
    eot = tokenizer.convert_tokens_to_ids("<|endoftext|>")
    for paragraph in paragraphs:
        ids.extend(tokenizer(paragraph, add_special_tokens=False)["input_ids"])
        ids.append(eot)
    data = torch.tensor(ids)
    n_chunks = (len(data) - 1) // seq_len
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01, betas=(0.9, 0.95))
    warmup = max(1, steps // 20)

    def schedule(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, steps - warmup)))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
    model.train()
    losses = []
    bar = tqdm(range(steps), desc="pretraining tiny model", disable=not progress)
    for _ in bar:
        starts = torch.randint(0, n_chunks, (batch_size,), generator=generator) * seq_len
        batch = torch.stack([data[s : s + seq_len] for s in starts])
        loss = model(input_ids=batch, labels=batch).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(loss.item())
        bar.set_postfix(loss=f"{loss.item():.3f}")
    model.eval()
    return losses


def build_tiny_model(
    output: str | Path,
    steps: int = DEFAULT_STEPS,
    *,
    seed: int = 0,
    progress: bool = True,
    texts: tuple[str, str] | None = None,
    overwrite: bool = False,
) -> dict:
    """Build the tiny default into ``output`` (written atomically); returns a summary.

    An existing non-empty ``output`` is replaced only with ``overwrite`` and only if ruadapt
    wrote it (checked before the build).
    """
    import torch

    from ruadapt.outputs import check_output, staged_folder

    output = check_output(output, overwrite=overwrite)

    english, russian = texts or default_texts()
    paragraphs = english_centric_mix(english, russian)
    torch.manual_seed(seed)
    tokenizer = build_tokenizer(paragraphs)
    model = build_model(tokenizer, seed=seed)
    losses = pretrain(model, tokenizer, paragraphs, steps, seed=seed, progress=progress)
    summary = {
        "build_version": BUILD_VERSION,
        "steps": steps,
        "parameters": sum(p.numel() for p in model.parameters()),
        "vocab_size": len(tokenizer),
        "first_loss": losses[0] if losses else None,
        "final_loss": sum(losses[-10:]) / len(losses[-10:]) if losses else None,
    }
    with staged_folder(output, "tiny-model", checked=True) as staging:
        model.save_pretrained(staging, safe_serialization=True)
        tokenizer.save_pretrained(staging)
        (staging / "tiny_build.json").write_text(json.dumps(summary, indent=2))
    return summary


def tiny_cache_path(steps: int = DEFAULT_STEPS) -> Path:
    """The cache folder for a build; its name changes with the recipe and the corpora."""
    from ruadapt.data.bundled import bundled_path

    digest = hashlib.sha256(f"{BUILD_VERSION}:{steps}".encode())
    for name in ("en-corpus", "ru-corpus"):
        digest.update(bundled_path(name).read_bytes())
    return cache_dir() / f"tiny-s{steps}-{digest.hexdigest()[:10]}"


def ensure_tiny_model(steps: int | None = None, progress: bool = True) -> Path:
    """The cached tiny default, built on first use (``RUADAPT_TINY_STEPS`` sets its steps)."""
    if steps is None:
        steps = int(os.environ.get("RUADAPT_TINY_STEPS", DEFAULT_STEPS))
    path = tiny_cache_path(steps)
    if not (path / "tiny_build.json").is_file():
        build_tiny_model(path, steps, progress=progress, overwrite=True)  # a partial cache
    return path
