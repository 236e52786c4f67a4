"""Plugin overhead: ``ruadapt run --method dpo`` against TRL's DPOTrainer called raw.

    python benchmarks/methods_overhead.py                      # writes benchmarks/out/...
    python benchmarks/methods_overhead.py --steps 20 --repeats 3 -o out/overhead.json

Both sides train the same model on the same data with the same DPO configuration (the
TrainingArguments the runner builds, used verbatim by the raw side) and save the result.
Each run is a fresh process; the two sides alternate, ``--repeats`` times, and the report
gives medians and their ratio (target: plugin / raw <= 1.05), for the whole run (load,
data, train, save) and for the training loop alone, in process CPU time (one thread, so
robust on a shared machine) and in wall-clock time. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import methods_common as common  # noqa: E402


def run_plugin(spec: dict) -> dict:
    import torch

    torch.set_num_threads(1)
    # The libraries the raw side imports before its clock starts: imports are not overhead.
    import datasets  # noqa: F401
    import transformers  # noqa: F401
    from trl import DPOConfig, DPOTrainer  # noqa: F401

    from ruadapt.plugins import load_plugins
    from ruadapt.registry import collect
    from ruadapt.runner import run

    registry = collect(load_plugins())
    record = common.timed_fit()
    start, cpu = time.perf_counter(), time.process_time()
    run(
        "dpo",
        registry,
        model=spec["model"],
        data=spec["data"],
        output=spec["output"],
        overwrite=True,
        max_steps=spec["steps"],
        sets={"batch_size": 2, "logging_steps": 1},
    )
    return {
        "total_seconds": time.perf_counter() - start,
        "total_cpu_seconds": time.process_time() - cpu,
        **record,
    }


def run_raw(spec: dict) -> dict:
    import torch

    torch.set_num_threads(1)
    from datasets import Dataset
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import DPOConfig, DPOTrainer

    from ruadapt.plugins import load_plugins
    from ruadapt.registry import collect
    from ruadapt.runner import Run, configure

    # The runner's TrainingArguments, so both sides train with exactly the same settings.
    registry = collect(load_plugins())
    config = configure(
        "dpo",
        registry,
        model=spec["model"],
        data=spec["data"],
        output=spec["output"],
        max_steps=spec["steps"],
        sets={"batch_size": 2, "logging_steps": 1},
    )
    method = registry.method("dpo")
    kwargs = Run(config, method, registry, Path(spec["output"])).training_arguments()

    start, cpu = time.perf_counter(), time.process_time()
    tokenizer = AutoTokenizer.from_pretrained(spec["model"])
    model = AutoModelForCausalLM.from_pretrained(spec["model"])
    rows = [json.loads(x) for x in Path(spec["data"]).read_text().splitlines() if x]
    dataset = Dataset.from_list(
        [
            {
                "prompt": [{"role": "user", "content": r["prompt"]}],
                "chosen": [{"role": "assistant", "content": r["chosen"]}],
                "rejected": [{"role": "assistant", "content": r["rejected"]}],
            }
            for r in rows
        ]
    )
    args = DPOConfig(**kwargs, max_length=config.run.max_length, beta=0.1)
    trainer = DPOTrainer(model=model, args=args, train_dataset=dataset, processing_class=tokenizer)
    train_start, train_cpu = time.perf_counter(), time.process_time()
    trainer.train()
    train_seconds = time.perf_counter() - train_start
    train_cpu_seconds = time.process_time() - train_cpu
    trainer.save_model(spec["output"])
    tokenizer.save_pretrained(spec["output"])
    return {
        "total_seconds": time.perf_counter() - start,
        "total_cpu_seconds": time.process_time() - cpu,
        "train_seconds": train_seconds,
        "train_cpu_seconds": train_cpu_seconds,
        "steps": trainer.state.global_step,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("-o", "--output", default="benchmarks/results/methods_overhead.json")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        spec = json.loads(args.child)
        result = run_plugin(spec) if spec["side"] == "plugin" else run_raw(spec)
        print(json.dumps(result))
        return

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        model = common.build_model(tmp_path, args.hidden, args.layers)
        data = common.write_data(tmp_path)["preference"]
        runs: dict[str, list[dict]] = {"plugin": [], "raw": []}
        for i in range(args.repeats):
            for side in ("raw", "plugin") if i % 2 else ("plugin", "raw"):
                spec = {
                    "side": side,
                    "model": model,
                    "data": data,
                    "steps": args.steps,
                    "output": str(tmp_path / f"{side}-{i}"),
                }
                runs[side].append(common.child(__file__, spec))
                print(f"{side} #{i}: {runs[side][-1]}", file=sys.stderr)

    def median(side: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[side])

    keys = ("total_seconds", "train_seconds", "total_cpu_seconds", "train_cpu_seconds")
    report = {
        "benchmark": "methods_overhead",
        "method": "dpo",
        "steps": args.steps,
        "repeats": args.repeats,
        "model": {"hidden": args.hidden, "layers": args.layers},
        "machine": common.machine(),
        "plugin": {k: median("plugin", k) for k in keys},
        "raw_trl": {k: median("raw", k) for k in keys},
        # CPU time of the (single-threaded) process: robust on a shared machine, where
        # wall-clock time mostly measures the other tenants
        "ratio_total_cpu": median("plugin", "total_cpu_seconds")
        / median("raw", "total_cpu_seconds"),
        "ratio_train_cpu": median("plugin", "train_cpu_seconds")
        / median("raw", "train_cpu_seconds"),
        "ratio_total_wall": median("plugin", "total_seconds") / median("raw", "total_seconds"),
        "ratio_train_wall": median("plugin", "train_seconds") / median("raw", "train_seconds"),
        "target_ratio": 1.05,
        "runs": runs,
    }
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps({k: v for k, v in report.items() if k.startswith("ratio")}))


if __name__ == "__main__":
    main()
