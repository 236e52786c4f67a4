"""PPO throughput and memory on the tiny model: full fine-tuning vs LoRA, KV cache on vs off.

    python benchmarks/ppo_throughput.py                  # writes benchmarks/ppo_throughput.json
    python benchmarks/ppo_throughput.py --iterations 10 --batch-size 16 -o out/ppo.json

Each configuration runs in its own child process (so peak memory is its own) and reports:
samples/s of whole PPO iterations (rollout + reward + ``ppo_epochs`` of updates), samples/s
of generation alone, peak RSS (peak CUDA memory on a GPU) and the bytes of weights held for
policy + reference + value head. Ratios are taken against the full-model configuration of
the same run: LoRA keeps no reference copy (the base with the adapter off is the reference).
A second measurement compares generation with and without the KV cache. Numbers, not a test:
nothing here asserts a time.
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

CONFIGS = ("full", "lora")


def child(
    config: str, iterations: int, batch_size: int, new_tokens: int, model: str, threads: int
) -> dict:
    """One configuration, measured in this process."""
    import torch

    torch.set_num_threads(threads)  # tiny matrices: one thread beats contended cores
    from ruadapt_plugins.ppo.recipe import build_scorer, reference_for
    from ruadapt_plugins.ppo.trainer import PPOTrainer

    from ruadapt.plugins import load_plugins
    from ruadapt.registry import collect
    from ruadapt.runner import Run, configure
    from ruadapt.testing import write_samples

    torch.manual_seed(0)
    registry = collect(load_plugins())
    tmp = Path(tempfile.mkdtemp(prefix="ppo-bench-"))
    data = write_samples(tmp, "prompts", max(batch_size, 8))
    adapter = "lora" if config == "lora" else None
    resolved = configure(
        "ppo",
        registry,
        model=model,
        data=str(data),
        output=str(tmp / "out"),
        adapter=adapter,
        sets={
            "rewards": "russian",
            "batch_size": batch_size,
            "mini_batch_size": batch_size,
            "max_new_tokens": new_tokens,
            "learning_rate": 1e-3,
        },
    )
    run = Run(
        config=resolved,
        method=registry.method("ppo"),
        registry=registry,
        output_dir=tmp / "out",
        adapter=registry.adapter(adapter) if adapter else None,
    )
    policy = run.model
    if torch.cuda.is_available():
        policy.cuda()
    reference = reference_for(policy)
    trainer = PPOTrainer(
        run, resolved.method, policy, reference, build_scorer(run, resolved.method, None)
    )
    prompts = trainer.batch_prompts(run.dataset, 0)
    trainer.step(prompts)  # warm-up
    sync = torch.cuda.synchronize if torch.cuda.is_available() else (lambda: None)
    sync()
    start = time.perf_counter()
    for i in range(iterations):
        trainer.step(trainer.batch_prompts(run.dataset, i + 1))
    sync()
    ppo_seconds = time.perf_counter() - start

    def generation_rate(use_cache: bool) -> float:
        start = time.perf_counter()
        for _ in range(iterations):
            sample_fn(use_cache)
        sync()
        return iterations * batch_size / (time.perf_counter() - start)

    def sample_fn(use_cache: bool) -> None:
        # generation only: the same batched sampling PPO uses, timed apart from the scoring passes
        enc = run.tokenizer(
            [
                run.tokenizer.apply_chat_template(p, tokenize=False, add_generation_prompt=True)
                for p in prompts
            ],
            return_tensors="pt",
            padding=True,
            add_special_tokens=False,
        ).to(next(policy.parameters()).device)
        with torch.no_grad():
            policy.generate(
                **enc,
                do_sample=True,
                max_new_tokens=new_tokens,
                min_new_tokens=new_tokens,
                top_k=0,
                use_cache=use_cache,
                pad_token_id=run.tokenizer.pad_token_id,
            )

    with_cache, without_cache = generation_rate(True), generation_rate(False)
    weights = sum(p.numel() * p.element_size() for p in policy.parameters())
    if reference is not None:
        weights += sum(p.numel() * p.element_size() for p in reference.parameters())
    weights += sum(p.numel() * p.element_size() for p in trainer.value_head.parameters())
    peak = (
        torch.cuda.max_memory_allocated()
        if torch.cuda.is_available()
        else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    )
    return {
        "config": config,
        "ppo_samples_per_s": round(iterations * batch_size / ppo_seconds, 2),
        "generation_samples_per_s_kv_cache": round(with_cache, 2),
        "generation_samples_per_s_no_cache": round(without_cache, 2),
        "peak_memory_mb": round(peak / 2**20, 1),
        "peak_memory_kind": "cuda_allocated" if torch.cuda.is_available() else "process_rss",
        "weights_mb_policy_reference_value": round(weights / 2**20, 2),
        "trainable_parameters": run.extra.get("trainable_parameters"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--new-tokens", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    parser.add_argument("--model", default=None, help="model dir (default: a random tiny model)")
    parser.add_argument("-o", "--output", default="benchmarks/results/ppo_throughput.json")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = child(
            args.child, args.iterations, args.batch_size, args.new_tokens, args.model, args.threads
        )
        print(json.dumps(result))
        return

    model = args.model
    if model is None:
        from ruadapt.tiny import build_tiny_model

        model = str(Path(tempfile.mkdtemp(prefix="ppo-bench-model-")) / "tiny")
        build_tiny_model(model, steps=0, progress=False)
    results = []
    for config in CONFIGS:
        cmd = [
            sys.executable,
            __file__,
            "--child",
            config,
            "--model",
            model,
            "--iterations",
            str(args.iterations),
            "--batch-size",
            str(args.batch_size),
            "--new-tokens",
            str(args.new_tokens),
            "--threads",
            str(args.threads),
        ]
        env = {**os.environ, "HF_HUB_OFFLINE": "1"}
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
        if done.returncode:
            sys.exit(f"{config} failed:\n{done.stderr[-3000:]}")
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(json.dumps(results[-1]))
    full, lora = results
    report = {
        "benchmark": "ppo_throughput",
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
        },
        "settings": {
            "iterations": args.iterations,
            "batch_size": args.batch_size,
            "new_tokens": args.new_tokens,
            "threads": args.threads,
            "model": args.model or "tiny (random init)",
        },
        "results": results,
        "ratios": {
            "lora_vs_full_ppo_samples_per_s": round(
                lora["ppo_samples_per_s"] / full["ppo_samples_per_s"], 3
            ),
            "lora_vs_full_peak_memory": round(lora["peak_memory_mb"] / full["peak_memory_mb"], 3),
            "lora_vs_full_weights": round(
                lora["weights_mb_policy_reference_value"]
                / full["weights_mb_policy_reference_value"],
                3,
            ),
            "kv_cache_speedup_full": round(
                full["generation_samples_per_s_kv_cache"]
                / full["generation_samples_per_s_no_cache"],
                3,
            ),
        },
    }
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report["ratios"], indent=2))
    print(f"written: {args.output}")


if __name__ == "__main__":
    main()
