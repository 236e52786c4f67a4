"""Peak memory and time per step of sft, dpo, simpo, kto (full and with LoRA), one model.

    python benchmarks/methods_memory.py                        # writes benchmarks/out/...
    python benchmarks/methods_memory.py --steps 8 --hidden 512 --layers 8 -o out/mem.json

Every configuration trains the same random Llama (the tiny model's tokenizer, scaled up) on
the same prompts and answers (as chat, preference pairs, or the pairs split for KTO) with
the same batch size, through ``ruadapt.runner.run`` in a fresh process. Peak memory is the
rise of the process's resident memory over its level just before the run (on CUDA: the
allocator's peak), so it counts the model, its reference copy, optimizer state and
activations, not the interpreter. Ratios are against DPO in the same run (target: SimPO's
peak below DPO's). A measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import methods_common as common  # noqa: E402

METHODS = {"sft": "chat", "dpo": "preference", "simpo": "preference", "kto": "binary"}


def measure(spec: dict) -> dict:
    import torch

    torch.set_num_threads(1)
    import datasets  # noqa: F401  (imports before the baseline: they are not the method's)
    import transformers  # noqa: F401
    import trl  # noqa: F401

    from ruadapt.plugins import load_plugins
    from ruadapt.registry import collect
    from ruadapt.runner import run

    registry = collect(load_plugins())
    record = common.timed_fit()
    cuda = torch.cuda.is_available()
    before = common.rss_mb()
    start = time.perf_counter()
    run(
        spec["method"],
        registry,
        model=spec["model"],
        data=spec["data"],
        output=spec["output"],
        overwrite=True,
        max_steps=spec["steps"],
        adapter=spec["adapter"],
        sets={"batch_size": spec["batch_size"], "logging_steps": 1},
    )
    result = {
        "peak_mb": (
            torch.cuda.max_memory_allocated() / 2**20 if cuda else common.peak_mb() - before
        ),
        "seconds_per_step": record["train_seconds"] / record["steps"],
        "cpu_seconds_per_step": record["train_cpu_seconds"] / record["steps"],
        "total_seconds": time.perf_counter() - start,
    }
    info = json.loads((Path(spec["output"]) / "run.json").read_text())
    result["trainable_parameters"] = info.get("trainable_parameters")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--hidden", type=int, default=384)
    parser.add_argument("--layers", type=int, default=6)
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--no-lora", action="store_true", help="only full fine-tuning")
    parser.add_argument("-o", "--output", default="benchmarks/results/methods_memory.json")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(json.loads(args.child))))
        return

    adapters = [None] if args.no_lora else [None, "lora"]
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        model = common.build_model(tmp_path, args.hidden, args.layers)
        data = common.write_data(tmp_path)
        for adapter in adapters:
            for method in args.methods.split(","):
                name = method + ("+lora" if adapter else "")
                spec = {
                    "method": method,
                    "adapter": adapter,
                    "model": model,
                    "data": data[METHODS[method]],
                    "steps": args.steps,
                    "batch_size": args.batch_size,
                    "output": str(tmp_path / name),
                }
                results[name] = common.child(__file__, spec)
                print(f"{name}: {results[name]}", file=sys.stderr)

    ratios = {}
    for suffix in ("", "+lora"):
        base = results.get("dpo" + suffix)
        if not base:
            continue
        for name, r in results.items():
            if name.endswith("+lora") == bool(suffix):
                ratios[name] = {
                    "peak_vs_dpo": r["peak_mb"] / base["peak_mb"],
                    "step_time_vs_dpo": r["seconds_per_step"] / base["seconds_per_step"],
                    "step_cpu_time_vs_dpo": r["cpu_seconds_per_step"]
                    / base["cpu_seconds_per_step"],
                }
    report = {
        "benchmark": "methods_memory",
        "steps": args.steps,
        "batch_size": args.batch_size,
        "model": {"hidden": args.hidden, "layers": args.layers},
        "machine": common.machine(),
        "peak_measure": "cuda max_memory_allocated"
        if common.machine()["device"] == "cuda"
        else "rise of process RSS high-water mark over the pre-run level",
        "results": results,
        "ratios": ratios,
        "simpo_peak_below_dpo": {
            s: results["simpo" + s]["peak_mb"] < results["dpo" + s]["peak_mb"]
            for s in ("", "+lora")
            if "simpo" + s in results and "dpo" + s in results
        },
    }
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps({"ratios": ratios, "simpo_peak_below_dpo": report["simpo_peak_below_dpo"]}))


if __name__ == "__main__":
    main()
