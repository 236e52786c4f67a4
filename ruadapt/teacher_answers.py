"""The original model's own answers to Russian prompts, as chat data for the adapted model.

Sequence-level self-distillation: the model before adaptation (the *teacher*) answers Russian
prompts once; the adapted model then trains on those conversations in its own, canonical
tokenisation. The answers say what the original would have written, so training on them keeps
the adapted model's behaviour (and chat format) close to the original's while it learns to
*write* with its new tokens, which continued pretraining on prose alone barely teaches
(docs/adaptation.md).

    ruadapt teacher-answers --model smollm2 -o out/teacher        # out/teacher/data.jsonl

Answers are sampled (``temperature``, ``top_p``) with a fixed seed, since greedy answers of a
small model loop; answers whose word 4-grams mostly repeat (``max_repeat``) or that are empty
are dropped and counted. The prompts come from the bundled Russian method data, never from the
eval sets. The folder is an ordinary ruadapt output (``data.jsonl`` in chat ``messages``
format, ``teacher.json`` with what was generated and how), so a pipeline reuses it as long as
its options are unchanged: the teacher runs once per recipe, not once per experiment.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ruadapt.errors import UserError

DATA_FILE = "data.jsonl"
RECORD_FILE = "teacher.json"
#: bundled method sets whose user turns are Russian prompts (the eval sets are never read)
DEFAULT_PROMPTS = ("ru-prompts", "ru-sft", "ru-prefs", "ru-kto")


def repeated_ngram_share(text: str, n: int = 4) -> float:
    """Share of the word ``n``-grams of ``text`` that repeat an earlier one (0 for short texts)."""
    words = text.split()
    grams = [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]
    if not grams:
        return 0.0
    return 1.0 - len(set(grams)) / len(grams)


def _first_user_turn(record: dict[str, Any]) -> str | None:
    """The prompt of a bundled record of any kind: a chat's first user turn or ``prompt``."""
    messages = record.get("messages") or record.get("prompt")
    if isinstance(messages, str):
        return messages
    if isinstance(messages, list):
        for turn in messages:
            if isinstance(turn, dict) and turn.get("role") == "user":
                return str(turn.get("content") or "") or None
    return None


def collect_prompts(sources: Iterable[str], max_prompts: int, seed: int = 0) -> list[str]:
    """Unique Russian prompts from bundled sets or JSONL files, shuffled with ``seed``, at most
    ``max_prompts``. Eval sets are refused: distilling on them would leak the eval."""
    from ruadapt.data.bundled import BUNDLED, is_eval_set, load_bundled_records
    from ruadapt.data.readers import read_records

    seen: dict[str, None] = {}
    for source in sources:
        if source in BUNDLED:
            if is_eval_set(source):
                raise UserError(f"prompts {source}: an eval set; give method data, not eval data")
            records = load_bundled_records(source)
        else:
            path = Path(source).expanduser()
            if not path.is_file():
                raise UserError(f"prompts {source}: no such file or bundled dataset")
            records = [row.record for row in read_records(path, source)]
        for record in records:
            prompt = _first_user_turn(record)
            if prompt and prompt.strip():
                seen.setdefault(prompt.strip(), None)
    prompts = list(seen)
    if not prompts:
        raise UserError(f"prompts {', '.join(sources)}: no prompt found")
    random.Random(seed).shuffle(prompts)
    return prompts[:max_prompts]


def generate_answers(
    model: Any,
    tokenizer: Any,
    prompts: list[str],
    *,
    max_new_tokens: int,
    temperature: float,
    top_p: float,
    batch_size: int,
    seed: int,
    progress: Callable[[int], None] = lambda n: None,
) -> list[str]:
    """One sampled chat answer per prompt (the prompt through the chat template)."""
    import torch

    tokenizer.padding_side = "left"  # generation continues the prompt's last token
    texts = [
        tokenizer.apply_chat_template(
            [{"role": "user", "content": p}], tokenize=False, add_generation_prompt=True
        )
        for p in prompts
    ]
    torch.manual_seed(seed)
    # batches of similar length: a long prompt beside short ones pads every row to its length
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    answers: list[str] = [""] * len(texts)
    sample = temperature > 0
    for start in range(0, len(order), batch_size):
        rows = order[start : start + batch_size]
        batch = tokenizer(
            [texts[i] for i in rows], return_tensors="pt", padding=True, add_special_tokens=False
        )
        with torch.no_grad():
            out = model.generate(
                **batch,
                max_new_tokens=max_new_tokens,
                do_sample=sample,
                temperature=temperature if sample else None,
                top_p=top_p if sample else None,
                top_k=None,
                pad_token_id=tokenizer.pad_token_id,
            )
        for i, row in zip(rows, out[:, batch["input_ids"].shape[1] :], strict=True):
            answers[i] = tokenizer.decode(row, skip_special_tokens=True).strip()
        progress(len(rows))
    return answers


def teacher_answers(
    model: str,
    output: str,
    *,
    prompts: str | list[str] = ",".join(DEFAULT_PROMPTS),
    max_prompts: int = 240,
    max_new_tokens: int = 96,
    temperature: float = 0.7,
    top_p: float = 0.9,
    max_repeat: float = 0.3,
    batch_size: int = 24,
    seed: int = 0,
    overwrite: bool = False,
    show_progress: bool = True,
) -> dict[str, Any]:
    """Let ``model`` (the teacher) answer Russian ``prompts`` and write the conversations to
    ``output/data.jsonl`` (chat ``messages``) with ``teacher.json``; returns that record.

    ``prompts``: bundled set names or JSONL files, comma-separated or a list.
    """
    from tqdm import tqdm

    from ruadapt.data.messages import message
    from ruadapt.models import load_causal_lm, load_tokenizer, resolve_model
    from ruadapt.outputs import check_output, staged_folder
    from ruadapt.tokenizer.extend_model import mark_complete

    sources = [s.strip() for s in prompts.split(",")] if isinstance(prompts, str) else prompts
    sources = [s for s in sources if s]
    if max_prompts < 1:
        raise UserError(f"max_prompts must be >= 1, got {max_prompts}")
    if max_new_tokens < 1:
        raise UserError(f"max_new_tokens must be >= 1, got {max_new_tokens}")
    if not 0 <= max_repeat <= 1:
        raise UserError(f"max_repeat must be between 0 and 1, got {max_repeat}")
    path = resolve_model(model)
    files = {f"--prompts {s}": s for s in sources if Path(s).expanduser().is_file()}
    out = check_output(output, overwrite=overwrite, inputs={"--model": path, **files})
    chosen = collect_prompts(sources, max_prompts, seed)
    start = time.perf_counter()
    lm, tokenizer = load_causal_lm(path, dtype="float32"), load_tokenizer(path)
    if not getattr(tokenizer, "chat_template", None):
        raise UserError(f"{model}: the tokenizer has no chat template; the teacher must chat")
    lm.eval()
    with tqdm(total=len(chosen), desc="teacher answers", disable=not show_progress) as bar:
        answers = generate_answers(
            lm,
            tokenizer,
            chosen,
            max_new_tokens=max_new_tokens,
            temperature=temperature,
            top_p=top_p,
            batch_size=batch_size,
            seed=seed,
            progress=bar.update,
        )
    kept, dropped = [], {"empty": 0, "repetitive": 0}
    for prompt, answer in zip(chosen, answers, strict=True):
        if not answer:
            dropped["empty"] += 1
        elif repeated_ngram_share(answer) > max_repeat:
            dropped["repetitive"] += 1
        else:
            kept.append({"messages": [message("user", prompt), message("assistant", answer)]})
    if not kept:
        raise UserError(f"teacher {model}: every answer was empty or repetitive; nothing to train")
    record = {
        "teacher": model,
        "prompts": sources,
        "prompts_used": len(chosen),
        "kept": len(kept),
        "dropped": dropped,
        "max_new_tokens": max_new_tokens,
        "temperature": temperature,
        "top_p": top_p,
        "max_repeat": max_repeat,
        "seed": seed,
        "seconds": round(time.perf_counter() - start, 1),
    }
    with staged_folder(out, "teacher-answers", checked=True) as staging:
        body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kept)
        (staging / DATA_FILE).write_text(body, encoding="utf-8")
        (staging / RECORD_FILE).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        mark_complete(staging, "teacher-answers", {"teacher": model, "kept": len(kept)})
    return record
