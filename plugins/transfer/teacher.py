"""The teacher's side, computed once and cached on disk in shards (bounded memory).

A shard holds ``shard_size`` aligned examples: the student's token ids, the student token that
ends each chunk, the teacher's log-probability of each chunk and the teacher's hidden states
after each chunk (float16). Training reads one shard at a time, so a step costs one student
forward and backward; later epochs reread the shards instead of running the teacher again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ruadapt_plugins.transfer.align import align
from ruadapt_plugins.transfer.losses import chunk_logprobs, token_logprobs


def prefix_id(tokenizer: Any) -> int:
    """The token every sequence starts after (BOS, else EOS), as ``bits_per_char`` does."""
    return tokenizer.bos_token_id if tokenizer.bos_token_id is not None else tokenizer.eos_token_id


def pad(rows: list[list[int]], value: int) -> tuple[Any, Any]:
    """(ids, mask) tensors of ``rows`` padded on the right."""
    import torch

    width = max(map(len, rows))
    ids = torch.full((len(rows), width), value, dtype=torch.long)
    mask = torch.zeros_like(ids)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = torch.tensor(row, dtype=torch.long)
        mask[i, : len(row)] = 1
    return ids, mask


def teacher_outputs(model: Any, tokenizer: Any, examples: list[dict], layers: list[int]) -> None:
    """Add ``teacher_chunk`` (log p per chunk) and ``hidden`` (layers x chunks x dim, float16)
    to each aligned example, in place, from one batched forward pass."""
    import torch

    start = prefix_id(tokenizer)
    ids, mask = pad([[start] + e["teacher_ids"] for e in examples], start)
    index, _ = pad([e["teacher_index"] for e in examples], 0)
    with torch.no_grad():
        out = model(input_ids=ids, attention_mask=mask, output_hidden_states=bool(layers))
        lp = token_logprobs(out.logits[:, :-1], ids[:, 1:]) * mask[:, 1:]
        chunks = chunk_logprobs(lp, index)
        for i, e in enumerate(examples):
            k = len(e["teacher_index"])
            e["teacher_chunk"] = chunks[i, :k].clone()
            at = torch.tensor(e["teacher_index"]) + 1  # the state after reading the token
            e["hidden"] = (
                torch.stack([out.hidden_states[layer][i, at] for layer in layers]).half()
                if layers
                else torch.zeros(0, k, 0, dtype=torch.float16)
            )


def _save_shard(path: Path, examples: list[dict]) -> None:
    import torch
    from safetensors.torch import save_file

    def flat(key: str, dtype: Any) -> Any:
        return torch.cat([torch.as_tensor(e[key], dtype=dtype) for e in examples])

    tensors = {
        "student_ids": flat("student_ids", torch.int32),
        "student_lengths": torch.tensor([len(e["student_ids"]) for e in examples]),
        "student_index": flat("student_index", torch.int32),
        "chunk_counts": torch.tensor([len(e["student_index"]) for e in examples]),
        "teacher_chunk": flat("teacher_chunk", torch.float32),
        "hidden": torch.cat([e["hidden"] for e in examples], dim=1).contiguous(),
        "chunk_bytes": flat("boundaries", torch.int64),
    }
    tmp = path.with_suffix(".tmp")
    save_file(tensors, str(tmp))
    tmp.replace(path)


def load_shard(path: Path) -> list[dict]:
    """The examples of one shard, as written by ``build_shards``."""
    from safetensors.torch import load_file

    t = load_file(str(path))
    out, s, c = [], 0, 0
    for length, count in zip(
        t["student_lengths"].tolist(), t["chunk_counts"].tolist(), strict=True
    ):
        out.append(
            {
                "student_ids": t["student_ids"][s : s + length].long().tolist(),
                "student_index": t["student_index"][c : c + count].long().tolist(),
                "teacher_chunk": t["teacher_chunk"][c : c + count],
                "hidden": t["hidden"][:, c : c + count],
            }
        )
        s, c = s + length, c + count
    return out


def build_shards(
    texts: Iterable[str],
    directory: Path,
    teacher: Any,
    teacher_tok: Any,
    student_tok: Any,
    *,
    max_length: int,
    layers: list[int],
    shard_size: int = 64,
    batch_size: int = 8,
    limit: int | None = None,
) -> Iterator[Path]:
    """Align ``texts`` (already cut to about ``max_length`` student tokens), run the teacher and
    write shards to ``directory``, yielding each shard's path as soon as it is on disk."""
    directory.mkdir(parents=True, exist_ok=True)
    shard: list[dict] = []
    batch: list[dict] = []
    n_shards = n_examples = 0
    was_training = teacher.training
    teacher.eval()

    def flush_batch() -> None:
        if batch:
            teacher_outputs(teacher, teacher_tok, batch, layers)
            shard.extend(batch)
            batch.clear()

    for text in texts:
        if limit is not None and n_examples >= limit:
            break
        # the teacher needs more tokens for the same text; 4x covers a 4x tokenizer premium
        example = align(text, teacher_tok, student_tok, 4 * max_length, max_length - 1)
        if example is None:
            continue
        batch.append(example)
        n_examples += 1
        if len(batch) == batch_size:
            flush_batch()
        if len(shard) >= shard_size:
            path = directory / f"shard-{n_shards:05d}.safetensors"
            _save_shard(path, shard)
            shard, n_shards = [], n_shards + 1
            yield path
    flush_batch()
    if shard:
        path = directory / f"shard-{n_shards:05d}.safetensors"
        _save_shard(path, shard)
        yield path
    teacher.train(was_training)
    (directory / "cache.json").write_text(json.dumps({"examples": n_examples, "layers": layers}))
