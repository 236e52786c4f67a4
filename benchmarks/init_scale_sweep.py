"""How long should a new token's row be? The untrained extended model at each ``norm_scale``.

``tokenizer extend --init norm --norm-scale s`` gives each new row the direction of the mean of
its pieces and a length ``s`` of the way from the mean's length to the pieces' mean length
(0: the plain mean, 1: the pieces' length). With tied embeddings that length is also how
loudly the token speaks as an output. For each scale this sets the new rows of one extension
of SmolLM2-135M-Instruct (8,000 tokens, razdel-ru training split) with the library's own
``init_rows`` and measures, untrained:

- bits per character on the razdel-ru training text the extension read (30,000 characters),
  on held-out Russian documents and on held-out English paragraphs (``ruadapt adapt``'s own
  held-out texts, every character scored);
- what it writes: greedy answers to 24 Russian chat prompts (48 new tokens, the chat frontier's
  prompts): the share of new tokens among those generated against the canonical share of the
  same text, letters per token, repeated 4-grams.

    ruadapt tokenizer extend --model smollm2 --corpus razdel-ru --max-chars 1500000 \\
        --new-tokens 8000 --init norm -o runs/ext-norm
    python benchmarks/init_scale_sweep.py runs/ext-norm

Writes ``benchmarks/results/init_scale_sweep.json``. CPU only; a few minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(Path(__file__).parent))

RESULTS = Path(__file__).parent / "results"
SCALES = (0.0, 0.1, 0.25, 0.5, 1.0)
TRAIN_CHARS = 30_000


def bits_per_char(model: Any, tok: Any, texts: list[str]) -> float:
    from ruadapt.lm_metrics import score_texts

    score = score_texts(model, tok, texts, batch_size=4)
    return sum(score.text_bits) / sum(score.text_chars)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("extension", help="a `tokenizer extend` output of SmolLM2 (any init)")
    parser.add_argument("--scales", default=",".join(map(str, SCALES)))
    parser.add_argument("--out", type=Path, default=RESULTS / "init_scale_sweep.json")
    args = parser.parse_args(argv)

    import chat_frontier
    import torch
    from ruadapt_evals.writing import per_item_writing, summarize_writing

    from ruadapt.adapt import heldout_texts
    from ruadapt.data.corpora import parse_corpus_spec
    from ruadapt.models import load_causal_lm, load_tokenizer
    from ruadapt.tokenizer.embeddings import decompositions, init_rows

    record = json.loads((Path(args.extension) / "extension.json").read_text())
    base_rows = record["first_new_id"]
    tok = load_tokenizer(args.extension)
    model = load_causal_lm(args.extension, dtype="float32")
    model.eval()
    weight = model.get_input_embeddings().weight
    if model.get_output_embeddings().weight.data_ptr() != weight.data_ptr():
        raise SystemExit("this sweep is about tied embeddings; the model has an untied head")
    parts = decompositions(
        load_tokenizer(record["base_model"]), {t["id"]: t["token"] for t in record["tokens"]}
    )
    texts = {
        "train_ru": list(parse_corpus_spec(f"razdel-ru:max_chars={TRAIN_CHARS}").texts()),
        **{f"heldout_{k}": v for k, v in heldout_texts(4000).items()},
    }
    prompts = chat_frontier.prompts()["chat"]
    result: dict[str, Any] = {"extension": args.extension, "base_rows": base_rows, "points": []}
    for scale in (float(s) for s in args.scales.split(",")):
        start = time.time()
        with torch.no_grad():
            init_rows(weight, base_rows, parts, "norm", norm_scale=scale)
        point: dict[str, Any] = {"norm_scale": scale}
        point["row_norm"] = weight[base_rows:].detach().norm(dim=1).mean().item()
        for name, group in texts.items():
            point[f"bpc_{name}"] = bits_per_char(model, tok, group)
        answers, ids = chat_frontier.generate(model, tok, prompts, chat=True)
        items = per_item_writing(
            answers,
            ids,
            tok,
            base_vocab_size=base_rows,
            prompts=prompts,
            max_new_tokens=chat_frontier.NEW_TOKENS,
        )
        summary = summarize_writing(items)
        for key in ("letters_per_token", "new_token_share", "canonical_new_token_share",
                    "repeated_ngram_share"):  # fmt: skip
            point[key] = summary[key]
        point["answers"] = answers[:3]
        point["seconds"] = round(time.time() - start, 1)
        print(json.dumps({k: v for k, v in point.items() if k != "answers"}), flush=True)
        result["points"].append(point)
    result["base_row_norm"] = weight[:base_rows].detach().norm(dim=1).mean().item()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
