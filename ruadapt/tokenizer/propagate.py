"""``ruadapt tokenizer propagate``: carry an extended vocabulary to a sibling model.

An adapted base model (extended with ``tokenizer extend`` and trained with ``cpt``) and its
instruct sibling share the original vocabulary but live in different embedding spaces. A linear
map ``y = x W + b`` from the adapted model's embedding space to the sibling's is fitted by least
squares on the shared (original) tokens and applied to the new rows, so the sibling gets
sensible Russian embeddings without re-training from scratch. Input embeddings and an untied LM
head each get their own map.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ruadapt.errors import UserError


def fit_linear_map(x: Any, y: Any) -> tuple[Any, Any]:
    """Least-squares ``W, b`` minimising ``||x W + b - y||²`` (float64, minimum-norm when
    there are fewer shared rows than dimensions)."""
    import torch

    x64, y64 = x.detach().double(), y.detach().double()
    ones = torch.ones(x64.shape[0], 1, dtype=torch.float64)
    solution = torch.linalg.lstsq(torch.cat([x64, ones], 1), y64, driver="gelsd").solution
    return solution[:-1], solution[-1]


def _map_rows(src: Any, dst: Any, shared: int, new: range) -> float:
    """Fit on rows ``< shared`` of ``src``/``dst``, write the mapped new rows into ``dst``;
    returns the relative residual of the fit on the shared rows."""
    import torch

    w, b = fit_linear_map(src[:shared], dst[:shared])
    with torch.no_grad():
        fitted = src[:shared].double() @ w + b
        err = (fitted - dst[:shared].double()).norm() / dst[:shared].double().norm().clamp_min(
            1e-12
        )
        dst[new.start : new.stop] = (src[new.start : new.stop].double() @ w + b).to(dst.dtype)
    return round(float(err), 6)


def propagate(
    adapted: str,
    target: str,
    output: str,
    *,
    overwrite: bool = False,
) -> dict[str, Any]:
    """Give ``target`` (e.g. the instruct sibling) the extended vocabulary of ``adapted`` (the
    output of ``tokenizer extend``, maybe trained further), mapping its new embedding rows
    through a least-squares linear map fitted on the shared tokens. Writes ``output``
    atomically (model, tokenizer with the target's chat template, ``extension.json``)."""
    from ruadapt.models import load_causal_lm, resolve_model
    from ruadapt.outputs import check_output, staged_folder
    from ruadapt.tokenizer.extend_model import (
        EXTENSION_FILE,
        load_tokenizer_as_is,
        mark_complete,
    )

    out = Path(output).expanduser()
    adapted_path, target_path = resolve_model(adapted), resolve_model(target)
    card_path = Path(adapted_path) / EXTENSION_FILE
    if not card_path.is_file():
        raise UserError(f"{adapted}: no {EXTENSION_FILE} (not made by `ruadapt tokenizer extend`)")
    check_output(
        out, overwrite=overwrite, inputs={"adapted model": adapted_path, "target": target_path}
    )
    card = json.loads(card_path.read_text(encoding="utf-8"))
    shared = int(card.get("first_new_id", card["base_vocab_size"]))

    src_tok, dst_tok = load_tokenizer_as_is(adapted_path), load_tokenizer_as_is(target_path)
    src_vocab, dst_vocab = src_tok.get_vocab(), dst_tok.get_vocab()
    mismatched = [t for t, i in dst_vocab.items() if i < shared and src_vocab.get(t) != i]
    if mismatched:
        raise UserError(
            f"{target} does not share the base vocabulary of {adapted} "
            f"({len(mismatched)} tokens differ, e.g. {mismatched[0]!r})"
        )
    src = load_causal_lm(adapted_path, dtype="float32")
    dst = load_causal_lm(target_path, dtype="float32")
    rows = src.get_input_embeddings().weight.shape[0]
    dst_rows = dst.get_input_embeddings().weight.shape[0]
    if dst_rows < shared:
        raise UserError(f"{target} has {dst_rows} embedding rows, fewer than {shared} shared")
    src_in = src.get_input_embeddings().weight
    src_out_layer = src.get_output_embeddings()
    dst.resize_token_embeddings(max(rows, dst_rows), mean_resizing=False)
    new = range(shared, rows)
    dst_in = dst.get_input_embeddings().weight
    residuals = {"input": _map_rows(src_in, dst_in, shared, new)}
    dst_out = dst.get_output_embeddings().weight
    if dst_out.data_ptr() != dst_in.data_ptr():
        src_out = src_out_layer.weight if src_out_layer is not None else src_in
        residuals["output"] = _map_rows(src_out, dst_out, shared, new)
    dst.config.vocab_size = dst_in.shape[0]

    tokenizer = src_tok
    if getattr(dst_tok, "chat_template", None):
        tokenizer.chat_template = dst_tok.chat_template  # the sibling's own chat format
    stats = {
        "adapted": adapted,
        "target": target,
        "shared_tokens": shared,
        "new_rows": len(new),
        "vocab_size": dst_in.shape[0],
        "fit_relative_residual": residuals,
    }
    with staged_folder(out, "tokenizer-propagate", checked=True) as staging:
        dst.save_pretrained(staging, safe_serialization=True)
        tokenizer.save_pretrained(staging)
        record = {**card, "base_model": target, "propagated": stats}
        record.pop("tokens", None)
        (staging / EXTENSION_FILE).write_text(
            json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        (staging / "README.md").write_text(
            f"# Propagated vocabulary extension\n\n- Target model: {target}\n"
            f"- Extended vocabulary and embeddings from: {adapted}\n"
            f"- Linear map fitted by least squares on {shared} shared tokens, applied to "
            f"{len(new)} new rows; relative residual {residuals}\n",
            encoding="utf-8",
        )
        mark_complete(staging, "tokenizer-propagate", stats)
    return stats
