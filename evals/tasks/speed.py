"""speed: how fast Russian and English arrive, on the same prompts and budget.

Greedy generation with KV cache of exactly ``max_new_tokens`` per prompt (EOS suppressed, so
both languages and both models decode the same number of tokens), batched, warm-up passes
excluded, several timed repeats with the median and spread reported.

The headline is what the model *writes*: characters (``chars_per_second``), Cyrillic + Latin
letters (``letters_per_second``) and Cyrillic letters (``cyrillic_letters_per_second``) of the
decoded text of the generated ids per second of generation, and the same counts per
generated token (``chars_per_token``, ``letters_per_token``, ``cyrillic_letters_per_token``,
with per-prompt counts for intervals). Every decoding step counts as a generated token,
including one that decodes to nothing (a special token other than EOS); since EOS is
suppressed the text is what the model writes when it is not allowed to stop, which is the
same for both sides of a comparison.

Beside it, ``content_chars_per_second`` (reference chars/token x decode tokens/s) is the
*tokenizer ceiling*: the speed if the model wrote text that tokenizes like the references.
An adapted model that ignores its new tokens reaches the ceiling on paper only.
"""

from __future__ import annotations

import math
import threading
import time
from typing import Any

from ruadapt_evals.data import LANGUAGES

from ruadapt.contracts import EvalTask

# reported per language as median over repeats, each with its spread
TIMED = (
    "new_tokens_per_second",
    "new_tokens_per_cpu_second",
    "decode_tokens_per_second",
    "chars_per_second",
    "letters_per_second",
    "cyrillic_letters_per_second",
    "words_per_second",
    "prefill_seconds",
    "prefill_tokens_per_second",
    "time_to_first_token",
)


class PeakMemory:
    """Peak memory while a block runs (absolute, weights included).

    CUDA: the allocator's peak. Linux CPU: the kernel's RSS high-water mark (VmHWM), reset on
    entry through /proc/self/clear_refs, so no sampling thread competes with the timed code.
    Elsewhere: RSS sampled every 5 ms. PyTorch's CPU allocations are invisible to tracemalloc.
    """

    def __init__(self, device: str) -> None:
        self.cuda = device.startswith("cuda")
        self.peak_bytes = 0
        self.source = "cuda_max_allocated" if self.cuda else "process_rss_peak"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> PeakMemory:
        if self.cuda:
            import torch

            torch.cuda.reset_peak_memory_stats()
            return self
        self.peak_bytes = _rss()
        try:
            with open("/proc/self/clear_refs", "w") as fh:
                fh.write("5")  # 5 = reset the peak RSS to the current RSS (Linux >= 4.0)
        except OSError:
            self.source = "process_rss_sampled"
            self._thread = threading.Thread(target=self._sample, daemon=True)
            self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak_bytes = max(self.peak_bytes, _rss())

    def __exit__(self, *exc: Any) -> None:
        if self.cuda:
            import torch

            self.peak_bytes = torch.cuda.max_memory_allocated()
        elif self._thread is not None:
            self._stop.set()
            self._thread.join()
        else:
            self.peak_bytes = max(self.peak_bytes, _vm_hwm())


def _rss() -> int:
    import psutil

    return psutil.Process().memory_info().rss


def _vm_hwm() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def kv_cache_bytes(model: Any, batch: int, length: int) -> int | None:
    """Size of a full KV cache: 2 (K and V) x layers x KV heads x head dim x tokens x bytes.

    Deterministic, unlike process memory, and it grows with the token count: this is where a
    tokenizer premium costs memory. None for architectures without these config fields.
    """
    c = model.config
    try:
        heads = c.num_attention_heads
        kv_heads = getattr(c, "num_key_value_heads", None) or heads
        head_dim = getattr(c, "head_dim", None) or c.hidden_size // heads
        layers = c.num_hidden_layers
    except AttributeError:
        return None
    itemsize = next(model.parameters()).element_size()
    return 2 * layers * kv_heads * head_dim * length * batch * itemsize


def _sync(device: str) -> None:
    if device.startswith("cuda"):
        import torch

        torch.cuda.synchronize()


# per-prompt counts of one pass (in prompt order), kept for the per-token intervals
COUNTS = ("gen_chars", "gen_letters", "gen_cyrillic", "gen_tokens")


def timed_pass(ctx: Any, encoded: list[list[int]], config: Any) -> dict[str, Any]:
    """One pass over all prompts of one language; sums over batches, then rates, and under
    ``counts`` the per-prompt characters, letters, Cyrillic letters and tokens generated."""
    import torch
    from ruadapt_evals.generate import TokenClock, left_pad, length_batches
    from ruadapt_evals.metrics import count_words
    from ruadapt_evals.writing import count_letters

    model, tok, device = ctx.model, ctx.tokenizer, ctx.device
    n_new = config.max_new_tokens
    total = prefill = ttft = decode = cpu = 0.0
    tokens = decode_tokens = prompt_tokens = chars = words = 0
    counts: dict[str, list[int]] = {key: [0] * len(encoded) for key in COUNTS}
    batches = length_batches([len(e) for e in encoded], ctx.options.batch_size)
    with torch.inference_mode():
        for batch in batches:
            inputs = left_pad([encoded[i] for i in batch], config.pad_token_id, device)
            _sync(device)
            start = time.perf_counter()
            model(**inputs, use_cache=True)
            _sync(device)
            prefill += time.perf_counter() - start
            clock = TokenClock()
            start, cpu_start = time.perf_counter(), time.process_time()
            out = model.generate(**inputs, generation_config=config, streamer=clock)
            _sync(device)
            total += time.perf_counter() - start
            cpu += time.process_time() - cpu_start
            ttft += clock.times[1] - start
            decode += clock.times[-1] - clock.times[1]
            new = out[:, inputs["input_ids"].shape[1] :]
            if new.shape[1] != n_new:  # a model whose generate() ignores min_new_tokens
                raise RuntimeError(f"generated {new.shape[1]} tokens, not the fixed {n_new}")
            tokens += new.numel()
            decode_tokens += len(batch) * (n_new - 1)
            prompt_tokens += int(inputs["attention_mask"].sum())
            texts = tok.batch_decode(new, skip_special_tokens=True)
            chars += sum(map(len, texts))
            words += count_words(texts)
            for i, text in zip(batch, texts, strict=True):
                letters, cyrillic = count_letters(text)
                counts["gen_chars"][i], counts["gen_tokens"][i] = len(text), n_new
                counts["gen_letters"][i], counts["gen_cyrillic"][i] = letters, cyrillic
    return {
        "new_tokens_per_second": tokens / total,
        # CPU seconds this process spent generating (all its threads): unlike wall time, not
        # inflated by other jobs waiting for the same cores; meaningful on CPU only
        "new_tokens_per_cpu_second": tokens / cpu if cpu > 0 and device == "cpu" else math.nan,
        # with a 1-token budget there is no decode phase; fall back to end-to-end
        "decode_tokens_per_second": decode_tokens / decode if decode > 0 else tokens / total,
        # what the model wrote: the decoded text of the generated ids, per wall second
        "chars_per_second": chars / total,
        "letters_per_second": sum(counts["gen_letters"]) / total,
        "cyrillic_letters_per_second": sum(counts["gen_cyrillic"]) / total,
        "words_per_second": words / total,
        "prefill_seconds": prefill / len(batches),
        "prefill_tokens_per_second": prompt_tokens / prefill,
        "time_to_first_token": ttft / len(batches),
        "counts": counts,
    }


def max_kv_cache(ctx: Any, encoded: list[list[int]], n_new: int) -> int | None:
    """The largest batch's KV cache at the end of generation (left padding included)."""
    from ruadapt_evals.generate import length_batches

    sizes = [
        kv_cache_bytes(ctx.model, len(b), max(len(encoded[i]) for i in b) + n_new)
        for b in length_batches([len(e) for e in encoded], ctx.options.batch_size)
    ]
    return None if None in sizes else max(sizes)  # type: ignore[type-var]


def reference_density(ctx: Any, lang: str) -> tuple[float, float]:
    """(characters, words) per token of the reference answers (prompts when there are none)."""
    from ruadapt_evals.metrics import count_words

    texts = [p.reference(lang) or p.prompt(lang) for p in ctx.prompts]
    n_tokens = sum(len(ctx.tokenizer(t, add_special_tokens=False)["input_ids"]) for t in texts)
    return sum(map(len, texts)) / n_tokens, count_words(texts) / n_tokens


class SpeedSide:
    """One model's timed passes: its prompts encoded once per language, a fixed-length greedy
    config, and one ``timed(lang)`` call per pass (with its peak memory). The in-process task
    and the isolated worker (``ruadapt_evals.speed_isolated``) both time through this class."""

    def __init__(self, ctx: Any) -> None:
        from ruadapt_evals.generate import encode_prompts, greedy_config

        opts = ctx.options
        self.ctx = ctx
        self.prompts = ctx.prompts[: opts.speed_prompts]
        self.config = greedy_config(
            ctx.model, ctx.tokenizer, opts.max_new_tokens, fixed_length=True
        )
        self.encoded = {
            lang: encode_prompts(
                ctx.tokenizer, [p.prompt(lang) for p in self.prompts], opts.prompt_format
            )
            for lang in LANGUAGES
        }

    def timed(self, lang: str) -> tuple[dict[str, float], int, str]:
        """One pass over the language's prompts: (rates, peak memory bytes, memory source)."""
        with PeakMemory(self.ctx.device) as memory:
            sample = timed_pass(self.ctx, self.encoded[lang], self.config)
        return sample, memory.peak_bytes, memory.source

    def static(self) -> dict[str, dict[str, float]]:
        """Untimed facts per language: reference chars and words per token, KV-cache size."""
        out = {}
        for lang in LANGUAGES:
            chars_per_token, words_per_token = reference_density(self.ctx, lang)
            kv = max_kv_cache(self.ctx, self.encoded[lang], self.ctx.options.max_new_tokens)
            out[lang] = {"chars_per_token": chars_per_token, "words_per_token": words_per_token}
            if kv is not None:
                out[lang]["kv_cache_mb"] = kv / 2**20
        return out


def summarize_side(
    samples: dict[str, list[dict[str, float]]],
    peaks: dict[str, list[int]],
    static: dict[str, dict[str, float]],
    settings: dict[str, Any],
) -> dict[str, Any]:
    """The task's result from timed samples: medians, spreads, content throughput, memory,
    and ``per_repeat`` values (what the model/baseline ratio intervals resample)."""
    from ruadapt_evals.metrics import summarize

    result: dict[str, Any] = {"settings": settings}
    for lang in LANGUAGES:
        metrics: dict[str, Any] = {}
        spread: dict[str, float] = {}
        for key in TIMED:
            metrics[key], spread[key] = summarize([s[key] for s in samples[lang]])
        facts = static[lang]
        decode = [s["decode_tokens_per_second"] for s in samples[lang]]
        per_repeat = {key: [s[key] for s in samples[lang]] for key in TIMED}
        per_repeat["content_chars_per_second"] = [facts["chars_per_token"] * d for d in decode]
        per_repeat["content_words_per_second"] = [facts["words_per_token"] * d for d in decode]
        per_repeat["peak_memory_mb"] = [p / 2**20 for p in peaks[lang]]
        metrics["content_chars_per_second"] = (
            facts["chars_per_token"] * metrics["decode_tokens_per_second"]
        )
        metrics["content_words_per_second"] = (
            facts["words_per_token"] * metrics["decode_tokens_per_second"]
        )
        spread["content_chars_per_second"] = spread["decode_tokens_per_second"]
        spread["content_words_per_second"] = spread["decode_tokens_per_second"]
        metrics["reference_chars_per_token"] = facts["chars_per_token"]
        # per generated token, from one pass (greedy decoding writes the same text each
        # repeat); the per-prompt counts give them bootstrap intervals and paired differences
        counts = next((s["counts"] for s in samples[lang] if s.get("counts")), None)
        if counts:
            metrics.update(writing_per_token(counts))
            metrics["per_item"] = {key: counts[key] for key in COUNTS}
        metrics["peak_memory_mb"] = max(peaks[lang]) / 2**20
        if "kv_cache_mb" in facts:
            metrics["kv_cache_mb"] = facts["kv_cache_mb"]
        metrics["spread"] = spread
        metrics["per_repeat"] = per_repeat
        result[lang] = metrics
    return result


def writing_per_token(counts: dict[str, list[int]]) -> dict[str, float]:
    """Characters, letters and Cyrillic letters of the generated text per generated token."""
    tokens = sum(counts["gen_tokens"])
    if not tokens:
        return {}
    return {
        "chars_per_token": sum(counts["gen_chars"]) / tokens,
        "letters_per_token": sum(counts["gen_letters"]) / tokens,
        "cyrillic_letters_per_token": sum(counts["gen_cyrillic"]) / tokens,
    }


def speed_settings(ctx: Any, prompts: int, source: str, isolation: str) -> dict[str, Any]:
    opts = ctx.options
    return {
        "prompts_per_language": prompts,
        "batch_size": opts.batch_size,
        "new_tokens_per_prompt": opts.max_new_tokens,
        "warmup": opts.speed_warmup,
        "repeats": opts.speed_repeats,
        "memory_source": source,
        "device": ctx.device,
        "isolation": isolation,
    }


def run(ctx: Any) -> dict[str, Any]:
    """Time generation per language in this process; medians, spreads, content throughput,
    peak memory. (With a baseline the suite times both sides in their own processes,
    interleaved, instead: ``ruadapt_evals.speed_isolated``.)"""
    opts = ctx.options
    side = SpeedSide(ctx)
    samples: dict[str, list[dict[str, float]]] = {lang: [] for lang in LANGUAGES}
    peaks: dict[str, list[int]] = {lang: [] for lang in LANGUAGES}
    source = ""
    for repeat in range(opts.speed_warmup + opts.speed_repeats):
        # alternate the order so slow drift (thermal, other load) hits both languages alike
        for lang in LANGUAGES if repeat % 2 == 0 else LANGUAGES[::-1]:
            sample, peak, source = side.timed(lang)
            if repeat >= opts.speed_warmup:
                samples[lang].append(sample)
                peaks[lang].append(peak)
        ctx.log(f"speed repeat {repeat + 1}/{opts.speed_warmup + opts.speed_repeats}")
    settings = speed_settings(ctx, len(side.prompts), source, "in-process")
    return summarize_side(samples, peaks, side.static(), settings)


TASK = EvalTask(
    name="speed",
    run=run,
    summary=(
        "greedy decoding speed per language: generated chars and letters per second and per "
        "token, tokens/s, TTFT, memory; content chars/s = the tokenizer ceiling"
    ),
)
