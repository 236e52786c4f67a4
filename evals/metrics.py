"""Small pure metric functions shared by the tasks (no torch; unit-tested on plain strings).

Definitions are spelled out in ``docs/evals.md``; ``METRICS`` below is the same list in code,
used by the reports for descriptions and for which direction is better.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from typing import Any

# metric -> (one-line meaning, higher is better? None: neither direction is better)
METRICS: dict[str, tuple[str, bool | None]] = {
    "content_chars_per_second": (
        "tokenizer ceiling: reference chars/token x decode tokens/s, the speed if the model "
        "wrote like the references (not what it writes: see chars_per_second)",
        True,
    ),
    "content_words_per_second": (
        "tokenizer ceiling: reference words/token x decode tokens/s",
        True,
    ),
    "new_tokens_per_second": ("generated tokens / generation wall time", True),
    "new_tokens_per_cpu_second": (
        "generated tokens / CPU seconds of the process (CPU only; robust to a shared machine)",
        True,
    ),
    "decode_tokens_per_second": ("tokens after the first / time after the first", True),
    "chars_per_second": (
        "characters of the generated text / generation wall time (headline speed)",
        True,
    ),
    "letters_per_second": ("Cyrillic + Latin letters of the generated text / wall time", True),
    "cyrillic_letters_per_second": ("Cyrillic letters of the generated text / wall time", True),
    "words_per_second": ("razdel words of generated text / generation wall time", True),
    "prefill_seconds": ("one forward pass over a prompt batch", False),
    "time_to_first_token": ("generate() start to first new token, per batch", False),
    "peak_memory_mb": ("peak memory during generation (CUDA allocated or process RSS)", False),
    "tokens_per_word": ("tokens / razdel words", False),
    "tokens_per_char": ("tokens / characters", False),
    "tokens_per_byte": ("tokens / UTF-8 bytes", False),
    "chars_per_token": ("characters / tokens (generation, speed: of the generated text)", True),
    "letters_per_token": (
        "Cyrillic + Latin letters of the generated text / tokens generated",
        True,
    ),
    "cyrillic_letters_per_token": (
        "Cyrillic letters of the generated text / tokens generated",
        True,
    ),
    "writing_efficiency": (
        "canonical token count of the answers / tokens generated (1: writes as its tokenizer "
        "would split the same text)",
        True,
    ),
    "new_token_share": ("share of generated tokens from the extension (id >= base vocab)", None),
    "canonical_new_token_share": (
        "share of extension tokens in the canonical tokenisation of the same answers",
        None,
    ),
    "repeated_ngram_share": (
        "share of an answer's word 4-grams repeating an earlier one, mean over answers",
        False,
    ),
    "repeated_ngram_share_equal_chars": (
        "repeated_ngram_share with the answer and the baseline's cut to the shorter one's length",
        False,
    ),
    "baseline_repeated_ngram_share_equal_chars": (
        "the baseline's repeated_ngram_share on the same cut (beside the one above)",
        None,
    ),
    "early_stop_rate": ("share of answers ended by the model (EOS) before the token budget", None),
    "echo_rate": ("share of answers >= 80% copied from their prompt (runs of >= 12 chars)", False),
    "tokens_generated": ("text-carrying tokens generated over all answers", None),
    "chrf_equal_chars": (
        "chrF++ vs references, each answer cut to its reference's length in characters",
        True,
    ),
    "echo_chrf": ("chrF++ of the prompt itself as the answer, cut like chrf_equal_chars", None),
    "agreement_chrf": (
        "chrF++ of the model's answers against the baseline's, cut to the baseline's length",
        True,
    ),
    "bits_per_char": ("sum of token NLL in bits / characters", False),
    "bits_per_byte": ("sum of token NLL in bits / UTF-8 bytes", False),
    "bits_per_text": ("sum of token NLL in bits / texts (same content in both languages)", False),
    "chrf": ("chrF++ against references (sacrebleu, 0-100)", True),
    "bleu": ("BLEU against references (sacrebleu, 0-100)", True),
    "answer_language_accuracy": ("share of answers written mostly in the prompt's script", True),
    "mean_answer_chars": ("mean answer length in characters", False),
    "mean_answer_words": ("mean answer length in razdel words", False),
    "mc_accuracy": ("argmax of summed choice log-prob is the answer", True),
    "mc_accuracy_norm": ("argmax of choice log-prob per character is the answer", True),
    "win_rate": ("share of pairwise wins (ties count half)", True),
    "mean_reward": ("mean reward-model score of the answers", True),
    "judge_win_rate": ("share of pairwise wins by the judge endpoint", True),
}


# metric -> unit and scale, shown beside every value in the reports (the glossary's source)
UNITS: dict[str, str] = {
    "content_chars_per_second": "chars/s, tokenizer ceiling",
    "content_words_per_second": "words/s, tokenizer ceiling",
    "new_tokens_per_second": "tokens/s",
    "new_tokens_per_cpu_second": "tokens/CPU-s",
    "decode_tokens_per_second": "tokens/s",
    "prefill_tokens_per_second": "tokens/s",
    "chars_per_second": "chars/s",
    "letters_per_second": "letters/s",
    "cyrillic_letters_per_second": "letters/s",
    "letters_per_token": "letters/token",
    "cyrillic_letters_per_token": "letters/token",
    "writing_efficiency": "canonical tokens/token",
    "new_token_share": "share 0-1",
    "canonical_new_token_share": "share 0-1",
    "repeated_ngram_share": "share 0-1",
    "repeated_ngram_share_equal_chars": "share 0-1",
    "baseline_repeated_ngram_share_equal_chars": "share 0-1",
    "early_stop_rate": "share 0-1",
    "echo_rate": "share 0-1",
    "tokens_generated": "tokens",
    "chrf_equal_chars": "0-100",
    "echo_chrf": "0-100",
    "agreement_chrf": "0-100",
    "words_per_second": "words/s",
    "prefill_seconds": "s",
    "time_to_first_token": "s",
    "peak_memory_mb": "MiB",
    "kv_cache_mb": "MiB",
    "reference_chars_per_token": "chars/token",
    "tokens_per_word": "tokens/word",
    "tokens_per_char": "tokens/char",
    "tokens_per_byte": "tokens/byte",
    "chars_per_token": "chars/token",
    "bits_per_char": "bits/char",
    "bits_per_byte": "bits/byte",
    "bits_per_text": "bits/text",
    "chrf": "0-100",
    "bleu": "0-100",
    "answer_language_accuracy": "share 0-1",
    "mean_answer_chars": "chars",
    "mean_answer_words": "words",
    "empty_answer_rate": "share 0-1",
    "mc_accuracy": "share 0-1",
    "mc_accuracy_norm": "share 0-1",
    "chance": "share 0-1",
    "win_rate": "share 0-1, 0.5 = even",
    "mean_reward": "reward-model score",
    "judge_win_rate": "share 0-1, 0.5 = even",
}


def unit(metric: str) -> str:
    """The unit and scale of ``metric`` ('' when unknown, e.g. a third-party metric)."""
    return UNITS.get(metric, "")


def glossary(metrics: Iterable[str]) -> list[tuple[str, str, str, str]]:
    """``(metric, unit/scale, better, meaning)`` rows for the given metrics, in order."""
    rows = []
    for metric in dict.fromkeys(metrics):
        better = higher_is_better(metric)
        direction = "" if better is None else "higher" if better else "lower"
        meaning = METRICS[metric][0] if metric in METRICS else ""
        rows.append((metric, unit(metric), direction, meaning))
    return rows


def higher_is_better(metric: str) -> bool | None:
    """Whether a larger value of ``metric`` is better (None when unknown)."""
    info = METRICS.get(metric)
    return info[1] if info else None


def words(text: str) -> list[str]:
    """Words of ``text`` by razdel (a Russian-aware segmenter), punctuation dropped."""
    from razdel import tokenize

    return [t.text for t in tokenize(text) if any(ch.isalnum() for ch in t.text)]


def count_words(texts: Iterable[str]) -> int:
    return sum(len(words(t)) for t in texts)


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff" or "\u0500" <= ch <= "\u052f"


def _is_latin(ch: str) -> bool:
    return ch.isalpha() and (ch.isascii() or "\u00c0" <= ch <= "\u024f")


def script_of(text: str) -> str | None:
    """``"ru"`` when most letters are Cyrillic, ``"en"`` when most are Latin, else None
    (no letters, a tie, or another script)."""
    cyr = sum(map(_is_cyrillic, text))
    lat = sum(map(_is_latin, text))
    if cyr > lat:
        return "ru"
    if lat > cyr:
        return "en"
    return None


def answer_language_accuracy(answers: Sequence[str], lang: str) -> float:
    """Share of ``answers`` written mostly in the script of ``lang`` (an empty answer fails)."""
    if not answers:
        return math.nan
    return sum(script_of(a) == lang for a in answers) / len(answers)


def chrf(hypotheses: Sequence[str], references: Sequence[str]) -> float:
    """Corpus chrF++ (character 6-grams + word 2-grams, beta 2), as sacrebleu computes it."""
    from sacrebleu.metrics import CHRF

    return CHRF(word_order=2).corpus_score(list(hypotheses), [list(references)]).score


def bleu(hypotheses: Sequence[str], references: Sequence[str]) -> float:
    """Corpus BLEU with sacrebleu's defaults (13a tokenizer, exponential smoothing)."""
    from sacrebleu.metrics import BLEU

    return BLEU().corpus_score(list(hypotheses), [list(references)]).score


def summarize(values: Sequence[float]) -> tuple[float, float]:
    """``(median, spread)`` where spread is (max - min) / median: 0.05 means a 5% band."""
    if not values:
        return math.nan, math.nan
    mid = statistics.median(values)
    spread = (max(values) - min(values)) / mid if mid else math.nan
    return mid, spread


def ratio(numerator: Any, denominator: Any) -> float | None:
    """``numerator / denominator`` for two finite numbers, else None."""
    if not _number(numerator) or not _number(denominator) or denominator == 0:
        return None
    return numerator / denominator


def ratios(numerators: dict[str, Any], denominators: dict[str, Any]) -> dict[str, float]:
    """Ratio of every numeric metric present in both dicts (e.g. Russian over English)."""
    out = {}
    for key, value in numerators.items():
        r = ratio(value, denominators.get(key))
        if r is not None:
            out[key] = r
    return out


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def chrf_item_stats(hypotheses: Sequence[str], references: Sequence[str]) -> list[list[int]]:
    """Per-item chrF++ n-gram counts; summed over any subset they give that subset's corpus
    chrF++ (``chrf_from_stats``), which is what a bootstrap over items resamples."""
    from sacrebleu.metrics import CHRF

    rows = CHRF(word_order=2)._extract_corpus_statistics(list(hypotheses), [list(references)])
    return [list(map(int, row)) for row in rows]


def chrf_from_stats(totals: Sequence[float]) -> float:
    """Corpus chrF++ from column sums of ``chrf_item_stats`` rows."""
    from sacrebleu.metrics import CHRF

    return CHRF(word_order=2)._compute_score_from_stats(list(totals)).score


def bleu_item_stats(hypotheses: Sequence[str], references: Sequence[str]) -> list[list[int]]:
    """Per-item BLEU counts (hypothesis/reference lengths, n-gram matches and totals)."""
    from sacrebleu.metrics import BLEU

    rows = BLEU()._extract_corpus_statistics(list(hypotheses), [list(references)])
    return [list(map(int, row)) for row in rows]


def bleu_from_stats(totals: Sequence[float]) -> float:
    """Corpus BLEU from column sums of ``bleu_item_stats`` rows."""
    from sacrebleu.metrics import BLEU

    return BLEU()._compute_score_from_stats([int(round(t)) for t in totals]).score
