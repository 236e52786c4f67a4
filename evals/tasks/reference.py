"""reference-bpc: how likely the model finds the reference answers, per character.

For every prompt with a reference answer, the bits the model spends on the reference's
characters when it follows the prompt exactly as the generation task poses it (a user turn
with the generation prompt in chat format). Lower is better. Unlike chrF++ of a few greedy
tokens, it reads the whole reference and needs no sampling, so it moves with small changes
of a small model; per character, it compares models with different tokenizers. The per-item
``bits``/``chars`` give it intervals and paired differences like the lm task's.
"""

from __future__ import annotations

import math
from typing import Any

from ruadapt_evals.data import LANGUAGES

from ruadapt.contracts import EvalTask


def reference_bits(
    model: Any, tokenizer: Any, prompts: list[str], references: list[str], options: Any
) -> list[float]:
    """Bits of each reference (its tokens after the encoded prompt, no special tokens)."""
    from ruadapt_evals.generate import encode_prompts
    from ruadapt_evals.tasks.mc import continuation_logprobs_of_ids

    contexts = encode_prompts(tokenizer, prompts, options.prompt_format)
    rows = [
        (ctx, tokenizer(ref, add_special_tokens=False)["input_ids"])
        for ctx, ref in zip(contexts, references, strict=True)
    ]
    scores = continuation_logprobs_of_ids(model, tokenizer, rows, options.batch_size)
    return [-s / math.log(2) for s in scores]


def run(ctx: Any) -> dict[str, Any]:
    """Bits per character of the reference answers per language, with per-item values."""
    result: dict[str, Any] = {}
    for lang in LANGUAGES:
        pairs = [(p.prompt(lang), p.reference(lang)) for p in ctx.prompts if p.reference(lang)]
        if not pairs:
            result[lang] = {"skipped": "no reference answers"}
            continue
        prompts, refs = [q for q, _ in pairs], [r for _, r in pairs]
        bits = reference_bits(ctx.model, ctx.tokenizer, prompts, refs, ctx.options)
        chars = [len(r) for r in refs]
        result[lang] = {
            "bits_per_char": sum(bits) / sum(chars),
            "references": len(refs),
            "per_item": {"bits": bits, "chars": chars},
        }
    return result


TASK = EvalTask(
    name="reference-bpc",
    run=run,
    summary="bits per character of the reference answers after each prompt (lower is better)",
)
