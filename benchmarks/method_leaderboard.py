"""The method leaderboard: what each alignment method buys in Russian, at what cost.

    python benchmarks/method_leaderboard.py            # SmolLM2-135M, the full board
    python benchmarks/method_leaderboard.py --fast     # the tiny model, a few minutes
    python benchmarks/method_leaderboard.py --collect runs/method-leaderboard   # re-read only

Runs the recipe (``examples/recipes/method-leaderboard.yaml``, or ``-fast.yaml``) as one
``ruadapt pipeline`` child process, exactly the command a user would type, while sampling that
process: resident memory (VmRSS, every 0.2 s) and CPU seconds (utime + stime) between the
stage lines the pipeline prints. Then it reads every stage's output and scores each method's
eval answers against the SFT start's, item by item:

- Russian and English chrF++ (corpus), answer-language accuracy, mean answer length (chars),
  multiple-choice accuracy: each with a seeded 95% bootstrap interval over items, and for
  chrF++, language accuracy and length the *paired* difference to the SFT start;
- reward-model win rate against the SFT start's answer to the same prompt (ties 1/2), scored
  by the board's own reward model (trained on ru-prefs from the SFT start), with its interval;
- cost per training stage: optimizer steps, wall seconds, CPU seconds, peak resident memory of
  the pipeline process while the stage ran (MB; it includes what earlier stages left loaded),
  and tokens/s as the trainer counts them.

Writes ``benchmarks/results/method_leaderboard[_fast].json`` and a plot
(``docs/method_leaderboard.png`` for the full board), and prints the Markdown table.
A difference is called one only when its paired interval excludes 0 (DESIGN.md).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RECIPES = ROOT / "examples" / "recipes"
RESULTS = ROOT / "benchmarks" / "results"
METHODS = ("dpo", "simpo", "kto", "orpo", "ppo", "grpo", "rloo")
STAGE_LINE = re.compile(r"^\[(\d+)/(\d+)\] (\S+) \(([^)]+)\): (running|resuming|finished)")


# ---- running the pipeline, watched from outside ------------------------------------------------


def _proc_stat(pid: int) -> tuple[float, float]:
    """(resident MB, CPU seconds) of a live process, from /proc."""
    rss = 0.0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return rss, (int(fields[11]) + int(fields[12])) / ticks


def run_pipeline(recipe: Path, output: Path, sets: list[str]) -> dict[str, dict[str, float]]:
    """Run ``ruadapt pipeline`` in a child process; per-stage wall s, CPU s and peak RSS MB."""
    launcher = "import sys; from ruadapt.cli import main; sys.exit(main())"
    command = [sys.executable, "-c", launcher, "pipeline", str(recipe), "-o", str(output)]
    for item in sets:
        command += ["--set", item]
    print("$ ruadapt", " ".join(command[3:]), flush=True)
    child = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    )
    stages: dict[str, dict[str, float]] = {}
    current: list[Any] = [None]  # [stage name]
    lock = threading.Lock()

    def sample() -> None:
        while child.poll() is None:
            try:
                rss, _ = _proc_stat(child.pid)
            except (OSError, IndexError, ValueError):
                break
            with lock:
                if current[0] is not None:
                    entry = stages[current[0]]
                    entry["peak_rss_mb"] = max(entry["peak_rss_mb"], rss)
            time.sleep(0.2)

    def close(now: float) -> None:
        name = current[0]
        if name is None:
            return
        entry = stages[name]
        try:
            _, cpu = _proc_stat(child.pid)
        except (OSError, IndexError, ValueError):
            cpu = entry["cpu_start"]
        entry["wall_seconds"] = round(now - entry.pop("start"), 2)
        entry["cpu_seconds"] = round(cpu - entry.pop("cpu_start"), 2)
        entry["peak_rss_mb"] = round(entry["peak_rss_mb"], 1)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    assert child.stdout is not None
    for line in child.stdout:
        sys.stdout.write(line)
        match = STAGE_LINE.match(line.strip())
        if not match:
            continue
        now = time.time()
        with lock:
            close(now)
            current[0] = None
            if match.group(5) != "finished":
                _, cpu = _proc_stat(child.pid)
                stages[match.group(3)] = {
                    "start": now,
                    "cpu_start": cpu,
                    "peak_rss_mb": 0.0,
                    "resumed": match.group(5) == "resuming",
                }
                current[0] = match.group(3)
    # the last stage ends when the process does: its CPU time is read just before exit
    code = child.wait()
    with lock:
        name = current[0]
        if name is not None:
            entry = stages[name]
            entry["wall_seconds"] = round(time.time() - entry.pop("start"), 2)
            entry.pop("cpu_start")
            entry["cpu_seconds"] = None  # the process is gone; wall seconds stand in
    if code != 0:
        raise SystemExit(f"ruadapt pipeline failed (exit {code}); see the output above")
    return stages


# ---- statistics (ruadapt_evals.bootstrap: seeded percentile intervals over items) ------------


def with_interval(value: float, interval: Any) -> dict[str, Any]:
    return {"value": round(float(value), 4), "ci95": [round(float(x), 4) for x in interval]}


def compared(stat: Any, base_stat: Any, n: int) -> dict[str, Any]:
    """The statistic with its interval, and its paired difference to the SFT start's."""
    import numpy as np
    from ruadapt_evals.bootstrap import interval, paired

    out = with_interval(stat(np.arange(n)), interval(stat, n))
    diff = paired(stat, base_stat, n)
    out["vs_sft"] = with_interval(diff["difference"], diff["difference_ci"])
    out["vs_sft"]["excludes_zero"] = diff["excludes_zero"]
    return out


def chrf_statistic(hyps: list[str], refs: list[str]) -> Any:
    """Corpus chrF++ of a resample from per-item statistics (summed, not rescored)."""
    from ruadapt_evals.bootstrap import from_summed_rows
    from sacrebleu.metrics import CHRF

    metric = CHRF(word_order=2)
    rows = metric._extract_corpus_statistics(hyps, [refs])
    return from_summed_rows(rows, lambda totals: metric._compute_score_from_stats(totals).score)


# ---- reading a finished board ------------------------------------------------------------------


def answers(eval_dir: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """lang -> item id -> {prompt, answer, reference} of the evaluated model."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for line in (eval_dir / "generations.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row.get("role", "model") == "model":
            out.setdefault(row["lang"], {})[row["id"]] = row
    return out


def task_items(directory: Path, task: str, lang: str) -> dict[str, list] | None:
    """The per-item lists of one task and language in an eval folder's report."""
    report = json.loads((directory / "report.json").read_text())
    side = (report["tasks"].get(task) or {}).get("model", {}).get(lang) or {}
    return side.get("per_item")


def paired_metric(eval_dir: Path, base_dir: Path, task: str, lang: str) -> dict[str, Any] | None:
    """MC accuracy (``mc``) or reference bits/char (``reference-bpc``) with its interval and,
    on the same items, the paired difference to SFT; the statistic is the one the eval's own
    intervals use for that metric (``ruadapt_evals.intervals.ESTIMATORS``)."""
    from ruadapt_evals.intervals import ESTIMATORS

    needs, statistic = ESTIMATORS[{"mc": "mc_accuracy", "reference-bpc": "bits_per_char"}[task]]
    mine, theirs = task_items(eval_dir, task, lang), task_items(base_dir, task, lang)
    if not mine or not theirs or len(mine[needs[0]]) != len(theirs[needs[0]]):
        return None
    out = compared(statistic(mine), statistic(theirs), len(mine[needs[0]]))
    out["items"] = len(mine[needs[0]])
    return out


def quality(rows: dict[str, dict[str, Any]], base: dict[str, dict[str, Any]], lang: str) -> dict:
    """chrF++, answer-language accuracy and length with intervals, paired against ``base``."""
    from ruadapt_evals.bootstrap import mean_of
    from ruadapt_evals.metrics import script_of

    ids = sorted(set(rows) & set(base))
    hyps = [rows[i]["answer"] for i in ids]
    base_hyps = [base[i]["answer"] for i in ids]
    out: dict[str, Any] = {"items": len(ids)}
    scored = [k for k, i in enumerate(ids) if rows[i].get("reference")]
    if scored:
        refs = [rows[ids[k]]["reference"] for k in scored]
        out["chrf"] = compared(
            chrf_statistic([hyps[k] for k in scored], refs),
            chrf_statistic([base_hyps[k] for k in scored], refs),
            len(scored),
        )
    for key, fn in (
        ("answer_language_accuracy", lambda t: float(script_of(t) == lang)),
        ("mean_answer_chars", lambda t: float(len(t))),
    ):
        out[key] = compared(
            mean_of([fn(t) for t in hyps]), mean_of([fn(t) for t in base_hyps]), len(ids)
        )
    return out


def win_rates(reward_model: Path, board: dict, sft: dict) -> dict[str, dict[str, Any]]:
    """Paired reward-model win rate of each model's answer over the SFT start's (ties 1/2)."""
    from ruadapt_evals.bootstrap import interval, mean_of
    from ruadapt_plugins.reward import load_reward_model, score

    model, tokenizer = load_reward_model(str(reward_model))
    cache: dict[tuple[str, str], float] = {}

    def rewards(rows: dict[str, dict[str, Any]], ids: list[str]) -> list[float]:
        todo = [i for i in ids if (rows[i]["prompt"], rows[i]["answer"]) not in cache]
        if todo:
            prompts = [[{"role": "user", "content": rows[i]["prompt"]}] for i in todo]
            values = score(model, tokenizer, prompts, [rows[i]["answer"] for i in todo])
            for i, v in zip(todo, values, strict=True):
                cache[(rows[i]["prompt"], rows[i]["answer"])] = v
        return [cache[(rows[i]["prompt"], rows[i]["answer"])] for i in ids]

    out: dict[str, dict[str, Any]] = {}
    for name, by_lang in board.items():
        out[name] = {}
        for lang, rows in by_lang.items():
            ids = sorted(set(rows) & set(sft[lang]))
            mine, theirs = rewards(rows, ids), rewards(sft[lang], ids)
            wins = [
                1.0 if a > b else 0.5 if a == b else 0.0 for a, b in zip(mine, theirs, strict=True)
            ]
            entry = with_interval(sum(wins) / len(wins), interval(mean_of(wins), len(wins)))
            entry["mean_reward"] = round(sum(mine) / len(mine), 4)
            out[name][lang] = entry
    return out


def training_cost(run_dir: Path, watched: dict[str, float] | None) -> dict[str, Any]:
    """Optimizer steps, seconds and tokens/s of a training stage (+ what the watcher saw)."""
    run = json.loads((run_dir / "run.json").read_text())
    lines = [json.loads(x) for x in (run_dir / "metrics.jsonl").read_text().splitlines() if x]
    import yaml

    planned = (yaml.safe_load((run_dir / "config.yaml").read_text()) or {}).get("max_steps", -1)
    logged = max((x.get("step", 0) for x in lines), default=0)
    # a complete run did all max_steps; metrics.jsonl only holds every logging_steps-th
    steps = planned if run.get("status") == "complete" and planned > 0 else logged
    speeds = [x["tokens_per_second"] for x in lines if "tokens_per_second" in x]
    tokens = (run.get("final_metrics") or {}).get("num_tokens")
    if speeds:
        per_second = round(sum(speeds) / len(speeds), 1)
    elif tokens and run.get("seconds"):  # too few log lines for a rate: whole-stage average
        per_second = round(tokens / run["seconds"], 1)
    else:
        per_second = None
    cost: dict[str, Any] = {
        "optimizer_steps": steps,
        "train_seconds": run.get("seconds"),
        "tokens_per_second": per_second,
        "trainable_parameters": run.get("trainable_parameters"),
    }
    if watched:
        cost.update({k: v for k, v in watched.items() if k != "resumed"})
    return cost


def collect(output: Path, watched: dict[str, dict[str, float]]) -> dict[str, Any]:
    """Every number of the board from a finished pipeline folder."""
    sft = answers(output / "eval-sft")
    names = ["original", "sft", *[m for m in METHODS if (output / f"eval-{m}").is_dir()]]
    board = {name: answers(output / f"eval-{name}") for name in names}
    rows: dict[str, Any] = {}
    for name in names:
        eval_dir = output / f"eval-{name}"
        entry: dict[str, Any] = {}
        for lang in ("ru", "en"):
            entry[lang] = quality(board[name][lang], sft[lang], lang)
            for key, task in (("mc_accuracy", "mc"), ("reference_bpc", "reference-bpc")):
                entry[lang][key] = paired_metric(eval_dir, output / "eval-sft", task, lang)
        if (output / name / "run.json").is_file():
            entry["cost"] = training_cost(output / name, watched.get(name))
        rows[name] = entry
    if (output / "reward-model" / "run.json").is_file():
        wins = win_rates(output / "reward-model", board, sft)
        for name, by_lang in wins.items():
            for lang, value in by_lang.items():
                rows[name][lang]["rm_win_rate_vs_sft"] = value
    return rows


# ---- output ------------------------------------------------------------------------------------


def fmt(entry: dict[str, Any] | None, scale: float = 1.0, digits: int = 1) -> str:
    if not entry:
        return "—"
    lo, hi = entry["ci95"]
    return f"{entry['value'] * scale:.{digits}f} [{lo * scale:.{digits}f}, {hi * scale:.{digits}f}]"


def delta(entry: dict[str, Any] | None, scale: float = 1.0, digits: int = 1) -> str:
    """A paired difference; marked * when its interval excludes 0."""
    if not entry or "vs_sft" not in entry:
        return "—"
    d = entry["vs_sft"]
    lo, hi = d["ci95"]
    mark = "*" if lo > 0 or hi < 0 else ""
    return f"{d['value'] * scale:+.{digits}f}{mark}"


def table(rows: dict[str, Any]) -> str:
    """The Markdown table of the board (Russian quality, English quality, cost)."""
    head = (
        "| model | ru chrF++ | Δ vs SFT | ru lang acc % | Δ | ru MC % | RM win vs SFT (ru) % "
        "| ru ref bits/char | Δ | ru chars | en chrF++ | Δ | en lang acc % | en MC % "
        "| en ref bits/char | Δ | steps | train s | CPU s | peak MB | tok/s |\n|" + "---|" * 21
    )
    lines = [head]
    for name, r in rows.items():
        ru, en, cost = r["ru"], r["en"], r.get("cost", {})
        lines.append(
            "| "
            + " | ".join(
                [
                    name,
                    fmt(ru.get("chrf")),
                    delta(ru.get("chrf")),
                    fmt(ru["answer_language_accuracy"], 100, 0),
                    delta(ru["answer_language_accuracy"], 100, 0),
                    fmt(ru.get("mc_accuracy"), 100, 0),
                    fmt(ru.get("rm_win_rate_vs_sft"), 100, 0),
                    fmt(ru.get("reference_bpc"), digits=3),
                    delta(ru.get("reference_bpc"), digits=3),
                    f"{ru['mean_answer_chars']['value']:.0f}",
                    fmt(en.get("chrf")),
                    delta(en.get("chrf")),
                    fmt(en["answer_language_accuracy"], 100, 0),
                    fmt(en.get("mc_accuracy"), 100, 0),
                    fmt(en.get("reference_bpc"), digits=3),
                    delta(en.get("reference_bpc"), digits=3),
                    str(cost.get("optimizer_steps", "—")),
                    str(cost.get("train_seconds", "—")),
                    str(cost.get("cpu_seconds", "—")),
                    str(cost.get("peak_rss_mb", "—")),
                    str(cost.get("tokens_per_second", "—")),
                ]
            )
            + " |"
        )
    return "\n".join(lines)


def plot(rows: dict[str, Any], path: Path, title: str) -> None:
    """Russian chrF++, reference bits/char and RM win rate vs SFT (with intervals) against
    training CPU seconds."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    for ax, key, label, scale in (
        (axes[0], "chrf", "Russian chrF++ (higher is better)", 1.0),
        (axes[1], "reference_bpc", "Russian reference bits/char (lower is better)", 1.0),
        (axes[2], "rm_win_rate_vs_sft", "reward-model win rate vs SFT, Russian (%)", 100.0),
    ):
        for name, r in rows.items():
            entry = r["ru"].get(key)
            if not entry:
                continue
            cost = r.get("cost", {})
            x = cost.get("cpu_seconds") or cost.get("train_seconds") or 0.0
            y, (lo, hi) = entry["value"] * scale, entry["ci95"]
            ax.errorbar(
                x, y, yerr=[[y - lo * scale], [hi * scale - y]], fmt="o", capsize=3, label=name
            )
            ax.annotate(name, (x, y), textcoords="offset points", xytext=(5, 4), fontsize=8)
        if key == "rm_win_rate_vs_sft":
            ax.axhline(50, color="grey", lw=0.8, ls="--")
        ax.set_xlabel("training CPU seconds (0: not trained)")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fast", action="store_true", help="the tiny-model variant (minutes)")
    parser.add_argument("--recipe", help="another recipe (default: method-leaderboard[-fast])")
    parser.add_argument("-o", "--output", help="pipeline output folder (default: the recipe's)")
    parser.add_argument("--set", action="append", default=[], help="STAGE.key=value override")
    parser.add_argument("--collect", help="only read a finished board in this folder")
    parser.add_argument("--json", help="where to write the JSON (default: benchmarks/results)")
    parser.add_argument("--plot", help="where to write the plot")
    args = parser.parse_args(argv)
    suffix = "-fast" if args.fast else ""
    recipe = Path(args.recipe or RECIPES / f"method-leaderboard{suffix}.yaml")
    started = time.time()
    watched: dict[str, dict[str, float]] = {}
    ran_for = None
    if args.collect:
        output = Path(args.collect)
        previous = Path(args.json or RESULTS / f"method_leaderboard{suffix.replace('-', '_')}.json")
        if previous.is_file():  # keep what the watcher measured when the board ran
            before = json.loads(previous.read_text())
            watched, ran_for = before.get("watched", {}), before.get("wall_seconds_pipeline")
    else:
        import yaml

        output = Path(args.output or yaml.safe_load(recipe.read_text())["output"])
        watched = run_pipeline(recipe, output, args.set)
    wall = round(time.time() - started, 1)
    rows = collect(output, watched)
    import torch

    result = {
        "benchmark": "method_leaderboard",
        "command": "python benchmarks/method_leaderboard.py" + (" --fast" if args.fast else ""),
        "recipe": str(recipe.relative_to(ROOT)) if recipe.is_relative_to(ROOT) else str(recipe),
        "sets": args.set,
        "output": str(output),
        "wall_seconds_pipeline": ran_for if args.collect else wall,
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "load_average_1m_at_end": round(os.getloadavg()[0], 2),
        "bootstrap": "ruadapt_evals.bootstrap: 1000 seeded resamples of items, percentile 95%",
        "watched": watched,
        "rows": rows,
    }
    json_path = Path(args.json or RESULTS / f"method_leaderboard{suffix.replace('-', '_')}.json")
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    plot_path = Path(args.plot) if args.plot else None
    if plot_path is None and not args.fast:
        plot_path = ROOT / "docs" / "method_leaderboard.png"
    if plot_path is not None:
        plot(rows, plot_path, f"{recipe.name}: Russian quality against training cost")
    print(table(rows))
    print(f"\npipeline wall time: {result['wall_seconds_pipeline']} s; JSON: {json_path}")
    return result


if __name__ == "__main__":
    main()
