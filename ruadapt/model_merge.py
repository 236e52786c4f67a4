"""``ruadapt merge MODEL --with ORIGINAL --weight a``: interpolate an adapted model with its
source model (ElChat's merge, Yamaguchi et al. 2025).

Continued pretraining of a chat model on raw text wears off its chat behaviour; averaging the
weights it shares with the source chat model brings part of that back. Every parameter the two
models share (same name, same shape) becomes ``(1 - a) * adapted + a * original``; the embedding
matrices (input and an untied head) are interpolated on the rows both vocabularies have and keep
the adapted model's rows beyond them, the new Russian tokens, as they are. ``a = 0`` gives the
adapted model back, ``a = 1`` the original on its vocabulary.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from ruadapt.errors import UserError


def interpolate_into(adapted: Any, original: Any, weight: float) -> dict[str, int]:
    """Blend ``original`` into ``adapted`` in place; returns counts of what was blended.

    Embedding-shaped parameters whose first dimension differs (an extended vocabulary) are
    blended on the first ``min(rows)`` rows; any other shape mismatch is an error naming it.
    """
    import torch

    theirs = original.state_dict()
    blended = rows_kept = 0
    seen: set[int] = set()
    with torch.no_grad():
        for name, param in adapted.state_dict(keep_vars=True).items():
            if id(param) in seen:
                continue  # tied weights: one tensor under two names
            seen.add(id(param))
            other = theirs.get(name)
            if other is None:
                continue
            if param.shape == other.shape:
                param.mul_(1 - weight).add_(other.to(param.dtype), alpha=weight)
            elif param.dim() == 2 and param.shape[1:] == other.shape[1:]:
                n = min(param.shape[0], other.shape[0])
                param[:n].mul_(1 - weight).add_(other[:n].to(param.dtype), alpha=weight)
                rows_kept += param.shape[0] - n
            else:
                raise UserError(
                    f"cannot merge {name}: shape {tuple(param.shape)} against the original's "
                    f"{tuple(other.shape)} (not the same architecture)"
                )
            blended += 1
    if not blended:
        raise UserError("the two models share no parameter; --with needs the source model")
    return {"tensors": blended, "new_rows_kept": rows_kept}


def merge_with_original(
    model: str,
    original: str,
    output: str,
    *,
    weight: float = 0.5,
    overwrite: bool = False,
) -> dict[str, Any]:
    """Write ``(1 - weight) * model + weight * original`` (shared parameters; new rows kept)
    to ``output`` with ``model``'s tokenizer; returns what was blended."""
    from ruadapt.model_card import write_card
    from ruadapt.models import load_causal_lm, load_tokenizer, resolve_model
    from ruadapt.outputs import check_output, staged_folder
    from ruadapt.tokenizer.extend_model import EXTENSION_FILE, mark_complete

    if not 0.0 <= weight <= 1.0:
        raise UserError(f"--weight must be between 0 and 1, got {weight}")
    source, base = resolve_model(model), resolve_model(original)
    out = check_output(output, overwrite=overwrite, inputs={"MODEL": source, "--with": base})
    adapted = load_causal_lm(source, dtype="float32")
    counts = interpolate_into(adapted, load_causal_lm(base, dtype="float32"), weight)
    tokenizer = load_tokenizer(source)
    with staged_folder(out, "merge", checked=True) as staging:
        adapted.save_pretrained(staging, safe_serialization=True)
        tokenizer.save_pretrained(staging)
        record = Path(source) / EXTENSION_FILE  # which rows are new: eval and export read it
        if record.is_file():
            shutil.copy2(record, staging / EXTENSION_FILE)
        write_card(
            staging,
            title=f"{Path(out).name}: {model} merged with {original}",
            what=f"`{model}` interpolated with its source `{original}` at weight {weight} "
            "(shared parameters; the new vocabulary rows kept) by `ruadapt merge --with`.",
            base_model=original,
            tags=["merged", "elchat"],
            facts={"adapted": f"`{model}`", "original": f"`{original}`", "weight": str(weight)},
            name=Path(out).name,
        )
        mark_complete(staging, "merge", {"model": model, "original": original, "weight": weight})
    return {"weight": weight, **counts}
