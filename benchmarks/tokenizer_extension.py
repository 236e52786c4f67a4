"""Tokenizer extension on the tiny default: compression gained, English kept, time and memory.

    python benchmarks/tokenizer_extension.py                         # tiny, 1000/2000/4000 tokens
    python benchmarks/tokenizer_extension.py --new-tokens 3000 --model out/some-bpe-model
    python benchmarks/tokenizer_extension.py --scale-mb 100 --new-tokens 8000   # big corpus

The bundled ``ru-corpus`` is split by paragraphs: the first 80% is the extension corpus, the
last 20% is held out and measured (tokens per word with razdel words), so the reduction is not
measured on the text the tokens were learned from. English: share of ``en-corpus`` lines whose
token ids are identical before and after. Russian/English parity (Russian tokens over English
tokens on the same content) needs the bundled ``ru-en-parallel`` set and is ``null`` without
it. Each extension runs ``ruadapt.tokenizer.extend_model`` (learn, resize, save) in a child
process, so its time and peak RSS (``resource``, interpreter and imports included) are its own.
``RUADAPT_TINY_STEPS`` sets the tiny build's pretraining steps (the tokenizer does not depend on
them). A measurement, not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HOLD_OUT = 0.2
# issue 5 targets
TARGET_REDUCTION_PCT = 40.0
TARGET_PARITY = 1.2


def split_corpus(directory: Path) -> tuple[Path, list[str]]:
    """Write the training 80% of ru-corpus to ``directory``; return it and the held-out 20%."""
    from ruadapt.tokenizer.extend_model import iter_corpus

    paragraphs = list(iter_corpus("ru-corpus"))
    cut = int(len(paragraphs) * (1 - HOLD_OUT))
    path = directory / "ru-train.txt"
    path.write_text("\n\n".join(paragraphs[:cut]) + "\n", encoding="utf-8")
    return path, paragraphs[cut:]


def scaled_corpus(source: Path, directory: Path, megabytes: float) -> Path:
    """``source`` repeated until the file holds ``megabytes`` MB (a corpus-size stress test)."""
    text = source.read_text(encoding="utf-8").strip() + "\n\n"
    path = directory / f"ru-{megabytes:g}mb.txt"
    target, written = int(megabytes * 1_000_000), 0
    with open(path, "w", encoding="utf-8") as fh:
        while written < target:
            fh.write(text)
            written += len(text.encode("utf-8"))
    return path


def child(model: str, corpus: str, new_tokens: int, output: str) -> None:
    """Run one extension and print its timing and peak memory as JSON (child-process mode)."""
    from ruadapt.tokenizer.extend_model import extend_model

    start = time.perf_counter()
    stats = extend_model(model, corpus, new_tokens, output, overwrite=True, show_progress=False)
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "new_tokens": stats["new_tokens"],
                "requested": new_tokens,
                "vocab_size": stats["vocab_size"],
                "extend_seconds": round(seconds, 2),
                "learn_seconds": stats["learn_seconds"],
                "peak_rss_mb": round(peak_kb / 1024, 1),
                "corpus_stats": stats["corpus_stats"],
            }
        )
    )


def run_child(model: str, corpus: Path, n: int, output: Path) -> dict:
    proc = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            str(n),
            "--model",
            model,
            "--corpus",
            str(corpus),
            "--child-output",
            str(output),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def parallel_texts() -> dict[str, list[str]] | None:
    from ruadapt.errors import UserError
    from ruadapt.tokenizer.stats import load_parallel

    try:
        return load_parallel("ru-en-parallel")
    except (UserError, KeyError):
        return None


def measure(base, new, held_out: list[str], english: list[str], parallel) -> dict:
    """Held-out Russian tokens/word, English identical share, parity before and after."""
    from ruadapt.tokenizer.stats import compare_stats, tokenizer_stats

    before, after = tokenizer_stats(base, held_out), tokenizer_stats(new, held_out)
    en_stats = tokenizer_stats(new, english)
    a = base(english, add_special_tokens=False)["input_ids"]
    b = new(english, add_special_tokens=False)["input_ids"]
    out = {
        "ru_tokens_per_word_before": before["tokens_per_word"],
        "ru_tokens_per_word_after": after["tokens_per_word"],
        "ru_tokens_per_word_reduction_pct": round(
            100 * (1 - after["tokens_per_word"] / before["tokens_per_word"]), 2
        ),
        "ru_chars_per_token_after": after["chars_per_token"],
        "en_lines": len(english),
        "en_tokens_per_word": en_stats["tokens_per_word"],
        "en_ids_identical_share": round(
            sum(x == y for x, y in zip(a, b, strict=True)) / max(1, len(english)), 4
        ),
        # Not parity (the texts are not parallel): Russian held-out tokens/word over English
        # tokens/word on en-corpus, a rough stand-in when ru-en-parallel is not bundled.
        "ru_en_tokens_per_word_ratio_before": round(
            before["tokens_per_word"] / en_stats["tokens_per_word"], 4
        ),
        "ru_en_tokens_per_word_ratio_after": round(
            after["tokens_per_word"] / en_stats["tokens_per_word"], 4
        ),
        "ru_en_parity_before": None,
        "ru_en_parity_after": None,
    }
    if parallel:
        cmp = compare_stats({"base": base, "new": new}, parallel)
        out["ru_en_parity_before"] = cmp["tokenizers"]["base"]["ru_en_ratio"]
        out["ru_en_parity_after"] = cmp["tokenizers"]["new"]["ru_en_ratio"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="tiny", help="model to extend (default: tiny)")
    parser.add_argument("--new-tokens", default="1000,2000,4000", help="comma-separated sizes")
    parser.add_argument("--scale-mb", type=float, default=0.0, help="also time a corpus this big")
    parser.add_argument("-o", "--output", default="benchmarks/results/tokenizer_extension.json")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    parser.add_argument("--child-output", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    if args.child is not None:
        child(args.model, args.corpus, args.child, args.child_output)
        return

    from transformers import AutoTokenizer

    from ruadapt.models import resolve_model
    from ruadapt.tokenizer.extend_model import iter_corpus

    model = resolve_model(args.model)  # builds the tiny default once, outside the timings
    base = AutoTokenizer.from_pretrained(model)
    english = [line for p in iter_corpus("en-corpus") for line in p.splitlines() if line.strip()]
    parallel = parallel_texts()
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        train, held_out = split_corpus(tmp)
        for n in [int(x) for x in args.new_tokens.split(",") if x.strip()]:
            out = tmp / f"ext-{n}"
            result = run_child(model, train, n, out)
            new = AutoTokenizer.from_pretrained(out)
            result.update(measure(base, new, held_out, english, parallel))
            result["meets_reduction_target"] = (
                result["ru_tokens_per_word_reduction_pct"] >= TARGET_REDUCTION_PCT
            )
            runs.append(result)
            print(json.dumps(result), file=sys.stderr)
        scale = None
        if args.scale_mb > 0:
            big = scaled_corpus(train, tmp, args.scale_mb)
            n = max(int(x) for x in args.new_tokens.split(","))
            scale = {"corpus_mb": round(big.stat().st_size / 1e6, 1)}
            scale.update(run_child(model, big, n, tmp / "ext-scale"))
    result = {
        "benchmark": "tokenizer_extension",
        "model": args.model,
        "base_vocab_size": len(base),
        "held_out_ru_paragraphs": len(held_out),
        "parallel_set": "ru-en-parallel" if parallel else None,
        "targets": {
            "ru_tokens_per_word_reduction_pct": TARGET_REDUCTION_PCT,
            "ru_en_parity": TARGET_PARITY,
            "en_ids_identical_share": 1.0,
        },
        "runs": runs,
        "scale": scale,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "tiny_steps": os.environ.get("RUADAPT_TINY_STEPS"),
    }
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
