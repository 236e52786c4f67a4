"""The speed users see in llama.cpp: adapted against original, from exported GGUF files.

    python benchmarks/llamacpp_speed.py --adapted out/demo-real/cpt           # vs smollm2
    python benchmarks/llamacpp_speed.py --adapted A --original B --outtypes f16,q8_0 \
        --repeats 5 --prompts 12 --new-tokens 96 --out benchmarks/results/llamacpp_speed.json

Both models are exported with ``ruadapt export gguf`` at each weight type (f16 and q8_0 by
default) and run in llama-cpp-python (llama.cpp built from source). Each measurement runs in
its own process: load the GGUF, warm up once, then for each of the parallel set's prompts
(ru-en-parallel: the same question in Russian and in English, through the chat template)
time prompt processing (one ``eval`` of the prompt) and greedy decoding (argmax of llama.cpp's
logits, one token at a time, up to ``--new-tokens`` or an end-of-generation token). Speeds:

- generated characters per second: the characters of the text llama.cpp decodes from the
  generated tokens (``detokenize``), over the decoding time;
- prompt characters per second: the prompt's characters over its processing time (the same
  text for both models; the adapted tokenizer needs fewer tokens for Russian);
- tokens per second of each, and the tokenizer's ceiling (prompt characters per token).

Repeats are interleaved (original, adapted; the order alternates per repeat) and paired by
repeat: the adapted/original ratio is the geometric mean of the pair ratios with a t interval
on their logarithms (``ruadapt_evals.intervals.paired_repeats``). Wall-clock figures are
measurements, never asserted. Writes JSON (default ``benchmarks/results/llamacpp_speed.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULT = ROOT / "benchmarks" / "results" / "llamacpp_speed.json"
LANGS = ("ru", "en")


# ---- one measurement, in its own process --------------------------------------------------
def measure(gguf: str, prompts: dict[str, list[str]], new_tokens: int, threads: int) -> dict:
    """Prompt processing and greedy decoding of every prompt in one loaded model."""
    import numpy as np
    from llama_cpp import Llama, llama_get_logits_ith, llama_vocab_is_eog

    llm = Llama(gguf, n_ctx=1024, n_threads=threads, n_threads_batch=threads, verbose=False)
    n_vocab, vocab = llm.n_vocab(), llm._model.vocab

    def logits() -> np.ndarray:
        return np.ctypeslib.as_array(llama_get_logits_ith(llm._ctx.ctx, -1), shape=(n_vocab,))

    def run(prompt: str) -> dict:
        ids = llm.tokenize(prompt.encode("utf-8"), add_bos=False, special=True)
        llm.reset()
        start = time.perf_counter()
        llm.eval(ids)
        prompt_seconds = time.perf_counter() - start
        out: list[int] = []
        start = time.perf_counter()
        token = int(np.argmax(logits()))
        while not llama_vocab_is_eog(vocab, token) and len(out) < new_tokens:
            out.append(token)
            llm.eval([token])
            token = int(np.argmax(logits()))
        decode_seconds = time.perf_counter() - start
        text = llm.detokenize(out).decode("utf-8", errors="replace")
        return {
            "prompt_chars": len(prompt),
            "prompt_tokens": len(ids),
            "prompt_seconds": prompt_seconds,
            "new_tokens": len(out),
            "new_chars": len(text),
            "decode_seconds": decode_seconds,
            "text": text,
        }

    run(prompts["ru"][0])  # warm-up: first-call allocations are not the model's speed
    result = {}
    for lang, items in prompts.items():
        runs = [run(p) for p in items]
        total = {k: sum(r[k] for r in runs) for k in runs[0] if k != "text"}
        total["texts"] = [r["text"] for r in runs]
        result[lang] = total
    return result


# ---- the driver ---------------------------------------------------------------------------
def parallel_prompts(tokenizer_dir: str, n: int) -> dict[str, list[str]]:
    """The first ``n`` questions of ru-en-parallel in each language, as chat prompts."""
    from transformers import AutoTokenizer

    from ruadapt.data.bundled import bundled_path

    tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir)
    rows = [json.loads(line) for line in bundled_path("ru-en-parallel").open(encoding="utf-8")]
    out: dict[str, list[str]] = {}
    for lang in LANGS:
        out[lang] = [
            tokenizer.apply_chat_template(
                [{"role": "user", "content": row[lang]}], tokenize=False, add_generation_prompt=True
            )
            for row in rows[:n]
        ]
    return out


def speeds(m: dict) -> dict:
    return {
        "generated_chars_per_second": m["new_chars"] / m["decode_seconds"],
        "generated_tokens_per_second": m["new_tokens"] / m["decode_seconds"],
        "prompt_chars_per_second": m["prompt_chars"] / m["prompt_seconds"],
        "prompt_tokens_per_second": m["prompt_tokens"] / m["prompt_seconds"],
    }


def child(gguf: Path, prompts_file: Path, new_tokens: int, threads: int) -> dict:
    env = dict(os.environ, HF_HUB_OFFLINE="1", OMP_NUM_THREADS=str(threads))
    command = [sys.executable, __file__, "--child", str(gguf), str(prompts_file)]
    command += ["--new-tokens", str(new_tokens), "--threads", str(threads)]
    done = subprocess.run(command, check=True, capture_output=True, text=True, env=env)
    return json.loads(done.stdout.strip().splitlines()[-1])


def export_all(models: dict[str, str], outtypes: list[str], work: Path) -> dict:
    from ruadapt.export.gguf_export import export_gguf

    files: dict = {}
    for side, model in models.items():
        for outtype in outtypes:
            path = work / f"{side}-{outtype}.gguf"
            start = time.perf_counter()
            export_gguf(model, path, outtype, overwrite=True)
            files[side, outtype] = {
                "path": path,
                "export_seconds": round(time.perf_counter() - start, 1),
                "mib": round(path.stat().st_size / 2**20, 1),
            }
            print(f"exported {side} {outtype}: {files[side, outtype]}", file=sys.stderr)
    return files


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--adapted", required=False, help="Adapted model folder.")
    parser.add_argument("--original", default="smollm2", help="Original model (default smollm2).")
    parser.add_argument("--outtypes", default="f16,q8_0")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--prompts", type=int, default=12, help="Questions per language.")
    parser.add_argument("--new-tokens", type=int, default=96)
    # one thread: on a shared machine a second thread mostly waits at llama.cpp's barriers
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--work", default="", help="Folder for the GGUF files (default: temp).")
    parser.add_argument("--out", default=str(RESULT))
    parser.add_argument("--child", nargs=2, metavar=("GGUF", "PROMPTS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        prompts = json.loads(Path(args.child[1]).read_text(encoding="utf-8"))
        print(json.dumps(measure(args.child[0], prompts, args.new_tokens, args.threads)))
        return
    if not args.adapted:
        parser.error("--adapted is required")

    import tempfile

    sys.path.insert(0, str(ROOT))
    import llama_cpp
    from ruadapt_evals.intervals import paired_repeats

    from ruadapt.models import resolve_model

    models = {"original": resolve_model(args.original), "adapted": resolve_model(args.adapted)}
    outtypes = [t.strip() for t in args.outtypes.split(",") if t.strip()]
    work = Path(args.work or tempfile.mkdtemp(prefix="llamacpp-speed-"))
    work.mkdir(parents=True, exist_ok=True)
    files = export_all(models, outtypes, work)
    prompt_files = {}
    for side, model in models.items():  # each side's own chat template (they are the same)
        prompt_files[side] = work / f"prompts-{side}.json"
        prompt_files[side].write_text(
            json.dumps(parallel_prompts(model, args.prompts), ensure_ascii=False), "utf-8"
        )

    runs: dict = {f"{side}/{t}": [] for side in models for t in outtypes}
    for r in range(args.repeats):
        for outtype in outtypes:
            order = list(models) if r % 2 == 0 else list(reversed(models))
            for side in order:
                m = child(files[side, outtype]["path"], prompt_files[side], args.new_tokens,
                          args.threads)  # fmt: skip
                runs[f"{side}/{outtype}"].append(m)
                ru = speeds(m["ru"])["generated_chars_per_second"]
                print(f"repeat {r + 1} {outtype} {side}: ru {ru:.1f} chars/s", file=sys.stderr)

    table = []
    for outtype in outtypes:
        for lang in LANGS:
            row: dict = {"outtype": outtype, "lang": lang}
            per: dict = {}
            for side in models:
                ms = [m[lang] for m in runs[f"{side}/{outtype}"]]
                per[side] = {k: [speeds(x)[k] for x in ms] for k in speeds(ms[0])}
                row[side] = {k: sum(v) / len(v) for k, v in per[side].items()}
                first = ms[0]
                row[side]["prompt_chars_per_token"] = first["prompt_chars"] / first["prompt_tokens"]
                row[side]["generated_chars_per_token"] = (
                    first["new_chars"] / first["new_tokens"] if first["new_tokens"] else None
                )
                row[side]["generated_tokens"] = first["new_tokens"]
                row[side]["generated_chars"] = first["new_chars"]
                row[side]["per_repeat"] = per[side]
            row["ratio"] = {
                k: paired_repeats(per["adapted"][k], per["original"][k]) for k in per["adapted"]
            }
            table.append(row)

    samples = {
        side: {lang: runs[f"{side}/{outtypes[0]}"][0][lang]["texts"][:3] for lang in LANGS}
        for side in models
    }
    result = {
        "command": "python benchmarks/llamacpp_speed.py "
        + " ".join(a for a in (argv if argv is not None else sys.argv[1:])),
        "models": {side: str(path) for side, path in models.items()},
        "llama_cpp_python": llama_cpp.__version__,
        "outtypes": outtypes,
        "repeats": args.repeats,
        "prompts_per_language": args.prompts,
        "max_new_tokens": args.new_tokens,
        "threads": args.threads,
        "exports": {
            f"{side}/{t}": {k: v for k, v in f.items() if k != "path"}
            for (side, t), f in files.items()
        },
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "table": table,
        "sample_answers": samples,
        "written": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for row in table:
        ratio = row["ratio"]["generated_chars_per_second"]
        pp = row["ratio"]["prompt_chars_per_second"]
        print(
            f"{row['outtype']} {row['lang']}: generated chars/s "
            f"{row['original']['generated_chars_per_second']:.1f} -> "
            f"{row['adapted']['generated_chars_per_second']:.1f} "
            f"({ratio['ratio']:.2f}x [{ratio['ratio_ci'][0]:.2f}, {ratio['ratio_ci'][1]:.2f}]); "
            f"prompt chars/s {pp['ratio']:.2f}x [{pp['ratio_ci'][0]:.2f}, {pp['ratio_ci'][1]:.2f}]"
        )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
