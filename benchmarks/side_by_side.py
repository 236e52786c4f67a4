"""Greedy answers of several models to the same Russian prompts, side by side (JSON + Markdown).

    python benchmarks/side_by_side.py smollm2 runs/old-demo-real/simpo runs/adapt-smollm2/model \\
        --labels original,before,after --prompts 5

The prompts are the first ``--prompts`` Russian prompts of ``ru-en-parallel`` (the eval's), in
the chat template, 64 new tokens, greedy; per model also the letters per generated token over
those answers. Writes ``benchmarks/results/side_by_side.json``. A look, not a measurement: the
eval (``ruadapt eval``) and ``benchmarks/chat_frontier.py`` give the figures with intervals.
"""

from __future__ import annotations

import argparse
import json
import os
import re
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
RESULTS = Path(__file__).parent / "results"
CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


def answers(spec: str, prompts: list[str], new_tokens: int) -> tuple[list[str], float]:
    """Greedy chat answers and Cyrillic letters per generated token (EOS excluded)."""
    import torch

    from ruadapt.models import load_causal_lm, load_tokenizer

    model, tok = load_causal_lm(spec, dtype="float32"), load_tokenizer(spec)
    model.eval()
    out, letters, tokens = [], 0, 0
    for prompt in prompts:
        text = tok.apply_chat_template(
            [{"role": "user", "content": prompt}], tokenize=False, add_generation_prompt=True
        )
        batch = tok(text, return_tensors="pt", add_special_tokens=False)
        with torch.no_grad():
            ids = model.generate(
                **batch, max_new_tokens=new_tokens, do_sample=False, pad_token_id=tok.pad_token_id
            )[0, batch["input_ids"].shape[1] :].tolist()
        ids = [i for i in ids if i not in tok.all_special_ids]
        answer = tok.decode(ids)
        out.append(answer)
        letters += len(CYRILLIC.findall(answer))
        tokens += len(ids)
    return out, letters / max(tokens, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+")
    parser.add_argument("--labels", help="comma-separated, one per model")
    parser.add_argument("--prompts", type=int, default=5)
    parser.add_argument("--new-tokens", type=int, default=64)
    parser.add_argument("--out", type=Path, default=RESULTS / "side_by_side.json")
    args = parser.parse_args(argv)
    from ruadapt.data.bundled import load_bundled_records

    labels = args.labels.split(",") if args.labels else args.models
    prompts = [r["ru"] for r in load_bundled_records("ru-en-parallel")[: args.prompts]]
    result = {"prompts": prompts, "new_tokens": args.new_tokens, "models": {}}
    for label, spec in zip(labels, args.models, strict=True):
        texts, density = answers(spec, prompts, args.new_tokens)
        result["models"][label] = {"model": spec, "answers": texts, "letters_per_token": density}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    for i, prompt in enumerate(prompts):
        print(f"\n**{prompt}**\n")
        for label in labels:
            answer = result["models"][label]["answers"][i].replace("\n", " ").strip()
            print(f"- {label}: {answer}")
    print()
    for label in labels:
        print(f"{label}: {result['models'][label]['letters_per_token']:.2f} letters/token")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
