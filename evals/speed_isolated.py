"""Model and baseline timed alike: each in its own process, repeats interleaved.

Timing two models one after the other in one process lets everything that drifts (other jobs
on a shared machine, CPU frequency, the allocator, memory the first model left behind) land
on one side only: the tiny model against itself measured 0.99-1.24x. Here each side lives in
its own worker process (``python -m ruadapt_evals.speed_worker``), loads its model once, and
times one pass per command. The parent alternates the sides (model, baseline, baseline, model,
...) so both see the same conditions, and the per-repeat values feed the model/baseline ratio
intervals (``ruadapt_evals.intervals.timing_differences``). Peak memory is each process's own
high-water mark, so nothing one model allocated is charged to the other.

How many repeats: at least ``speed_repeats``; then, with ``speed_ci_target`` > 0 (default
0.05), more until the model/baseline ratio's 95% interval is within +-5% in both languages, at
most ``speed_max_repeats``. ``settings`` says how many were taken and whether they converged:
a noisy machine shows up as a wide interval that did not converge, not as a false ratio.

Both workers are resident at once (an idle one waits on its input and uses no CPU); with
``speed_isolation="none"`` the speed task runs in-process, one model after the other.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import asdict
from typing import Any

from ruadapt_evals.data import LANGUAGES

ISOLATIONS = ("process", "none")


class Worker:
    """A speed worker process for one side; ``call`` sends one JSON command, reads one reply."""

    def __init__(self, role: str, spec: str, prompts: list[Any], options: Any) -> None:
        import torch

        self.role = role
        # the worker's stderr, shown on failure; closed in close()
        self._log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115
        env = dict(os.environ, TOKENIZERS_PARALLELISM="false")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "ruadapt_evals.speed_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
            env=env,
        )
        init = {
            "spec": spec,
            "role": role,
            "options": asdict(options),
            "prompts": [asdict(p) for p in prompts],
            "threads": torch.get_num_threads(),
        }
        try:
            self.static = self.call(init)["static"]
        except BaseException:
            self.close()
            raise

    def call(self, message: dict[str, Any]) -> dict[str, Any]:
        from ruadapt.errors import UserError

        assert self.proc.stdin is not None and self.proc.stdout is not None
        try:
            self.proc.stdin.write(json.dumps(message) + "\n")
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
        except BrokenPipeError:
            line = ""
        reply = json.loads(line) if line.strip() else {"error": "the worker exited"}
        if "error" in reply:
            self._log.seek(0)
            tail = "".join(self._log.read().strip().splitlines(keepends=True)[-5:])
            if reply.get("user_error"):
                raise UserError(reply["error"])
            raise RuntimeError(f"{self.role} speed worker: {reply['error']}\n{tail}")
        return reply

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.write(json.dumps({"cmd": "quit"}) + "\n")
                self.proc.stdin.close()
            except OSError:
                pass
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


# the timed metrics whose model/baseline interval decides when the repeats are enough: one
# over the whole generate() call (what chars/s and letters/s divide by), one over the decode
# steps (what the tokenizer ceiling multiplies)
CONVERGENCE = ("new_tokens_per_second", "decode_tokens_per_second")


def ratio_half_widths(
    model: dict[str, list[dict[str, Any]]], baseline: dict[str, list[dict[str, Any]]]
) -> dict[str, float]:
    """Per language, the widest relative half-width, ``(hi - lo) / 2 / ratio``, of the
    model/baseline ratio's 95% interval over ``CONVERGENCE`` (the geometric mean of
    interleaved pair ratios with a t interval, as the report computes it); inf with fewer than
    two usable pairs."""
    import math

    from ruadapt_evals.intervals import paired_repeats

    out = {}
    for lang in LANGUAGES:
        width = 0.0
        for metric in CONVERGENCE:
            found = paired_repeats(
                [s[metric] for s in model[lang]], [s[metric] for s in baseline[lang]]
            )
            if not found:
                width = math.inf
                break
            lo, hi = found["ratio_ci"]
            width = max(width, (hi - lo) / 2 / found["ratio"])
        out[lang] = width
    return out


def interleaved_speed(
    specs: dict[str, str], prompts: list[Any], options: Any, log: Any = None
) -> dict[str, dict[str, Any]]:
    """The speed task's result for each role in ``specs`` (``{"model": ..., "baseline":
    ...}``), both timed in their own processes with repeats interleaved."""
    from ruadapt_evals.tasks.speed import summarize_side

    from ruadapt.models import resolve_model

    log = log or (lambda message: None)
    workers: dict[str, Worker] = {}
    try:
        for role, spec in specs.items():
            # built here, not in a worker: building the cached tiny default (or converting a
            # GGUF) leaves memory in the process that did it, charged to that side's peak
            # (the tiny model against itself measured 1.40x memory on a first, uncached run)
            spec = resolve_model(spec)
            log(f"speed: starting the {role} worker")
            workers[role] = Worker(role, spec, prompts, options)
        roles = list(workers)
        for role in roles:  # untimed passes first: allocator, caches, lazy init
            for _ in range(options.speed_warmup):
                for lang in LANGUAGES:
                    workers[role].call({"cmd": "pass", "lang": lang})
        samples = {r: {lang: [] for lang in LANGUAGES} for r in roles}
        peaks: dict[str, dict[str, list[int]]] = {
            r: {lang: [] for lang in LANGUAGES} for r in roles
        }
        source = ""
        cap = max(options.speed_repeats, options.speed_max_repeats)
        repeat = 0
        widths: dict[str, float] = {}
        converged: bool | None = None
        while True:
            # ABBA: the side that went first goes second next time, and languages alternate
            for role in roles if repeat % 2 == 0 else roles[::-1]:
                for lang in LANGUAGES if repeat % 2 == 0 else LANGUAGES[::-1]:
                    reply = workers[role].call({"cmd": "pass", "lang": lang})
                    samples[role][lang].append(reply["sample"])
                    peaks[role][lang].append(reply["peak_bytes"])
                    source = reply["source"]
            repeat += 1
            log(f"speed repeat {repeat} (model and baseline)")
            if repeat < options.speed_repeats:
                continue
            if len(roles) == 2:
                widths = ratio_half_widths(samples[roles[0]], samples[roles[1]])
                converged = max(widths.values()) <= options.speed_ci_target
            # adaptive: stop once the ratio is pinned down (or at the cap); else fixed repeats
            if options.speed_ci_target <= 0 or converged is None or converged or repeat >= cap:
                break
        adaptive = {
            "repeats": repeat,
            "min_repeats": options.speed_repeats,
            "max_repeats": cap if options.speed_ci_target > 0 else options.speed_repeats,
            "ci_target": options.speed_ci_target,
            "ci_half_width": {k: round(v, 4) for k, v in widths.items()},
            "converged": converged if options.speed_ci_target > 0 else None,
        }
        results = {}
        for role in roles:
            settings = {
                "prompts_per_language": workers[role].static["prompts"],
                "batch_size": options.batch_size,
                "new_tokens_per_prompt": options.max_new_tokens,
                "warmup": options.speed_warmup,
                **adaptive,
                "memory_source": source,
                "device": workers[role].static["device"],
                "isolation": "own process per side, repeats interleaved (ABBA)",
            }
            static = {lang: workers[role].static[lang] for lang in LANGUAGES}
            results[role] = summarize_side(samples[role], peaks[role], static, settings)
        return results
    finally:
        for worker in workers.values():
            worker.close()
