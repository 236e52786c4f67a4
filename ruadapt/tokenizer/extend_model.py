"""``ruadapt tokenizer extend``: extend a model's tokenizer and embeddings, save the result.

The output directory is built in a staging folder next to it and renamed into place, with
``run.json`` (``status: complete``) written last, so a crash never leaves something that looks
like a finished model. ``extension.json`` records what was done (``base_vocab_size`` tells
``cpt --set new_rows_only=true`` which rows are new).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ruadapt.errors import UserError
from ruadapt.outputs import check_output, staged_folder

EXTENSION_FILE = "extension.json"
STATS_SAMPLE = 200  # texts per language for the before/after statistics


def iter_corpus(corpus: str, max_chars: int | None = None) -> Iterator[str]:
    """Texts of a bundled corpus name (``ru-corpus``), an installed-package corpus
    (``razdel-ru``, ``razdel-ru:max_chars=N``; see ``ruadapt.data.corpora``) or a file,
    streamed.

    ``.txt``: paragraphs separated by blank lines (a file without blank lines: one text per
    line); ``.jsonl``: the ``text`` field of each record; other formats through
    ``ruadapt.data.readers``. Stops after ``max_chars`` characters (a package corpus stops
    before the limit, at a sentence boundary).
    """
    from ruadapt.data.bundled import BUNDLED, bundled_path
    from ruadapt.data.corpora import is_corpus_spec, parse_corpus_spec

    if corpus not in BUNDLED and is_corpus_spec(corpus):
        yield from parse_corpus_spec(corpus).with_max_chars(max_chars).texts()
        return

    path = bundled_path(corpus) if corpus in BUNDLED else Path(corpus).expanduser()
    if not path.is_file():
        raise UserError(f"corpus {corpus}: no such file or bundled dataset")
    used = 0
    for text in _texts(path, corpus):
        if not text.strip():
            continue
        yield text
        used += len(text)
        if max_chars is not None and used >= max_chars:
            return


def _texts(path: Path, label: str) -> Iterator[str]:
    suffix = path.suffix.lower()
    try:
        if suffix in (".txt", ".md", ""):
            with open(path, encoding="utf-8") as fh:
                paragraph: list[str] = []
                for line in fh:
                    if line.strip():
                        paragraph.append(line.rstrip("\n"))
                    elif paragraph:
                        yield "\n".join(paragraph)
                        paragraph = []
                if paragraph:
                    yield "\n".join(paragraph)
            return
    except UnicodeDecodeError:
        raise UserError(f"{label}: not UTF-8 text") from None
    from ruadapt.data.readers import read_records

    for row in read_records(path, label):
        if not isinstance(row.record.get("text"), str):
            raise UserError(f"{row.where}: needs a string field 'text'")
        yield row.record["text"]


def load_tokenizer_as_is(path: str) -> Any:
    """The tokenizer exactly as saved (``ruadapt.models.load_tokenizer`` adds a pad token,
    which would then be saved as a change the extension did not make)."""
    from transformers import AutoTokenizer

    try:
        return AutoTokenizer.from_pretrained(path)
    except (OSError, ValueError) as exc:
        raise UserError(f"cannot load a tokenizer from {path}: {exc}".splitlines()[0]) from None


def _english_sample() -> list[str]:
    """English paragraphs for the "English unchanged" check (bundled en-corpus, if present)."""
    try:
        return list(iter_corpus("en-corpus"))[:STATS_SAMPLE]
    except (UserError, KeyError):
        return []


def _as_int(name: str, value: Any, minimum: int) -> int:
    """Recipe and CLI values may arrive as strings; fail naming the option."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise UserError(f"{name} must be an integer, got {value!r}") from None
    if number < minimum or isinstance(value, bool) or float(value) != number:
        raise UserError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return number


def extension_stats(base: Any, new: Any, ru: list[str], en: list[str]) -> dict[str, Any]:
    """Before/after tokens per word on Russian, and the share of English texts whose ids are
    identical under both tokenizers."""
    from ruadapt.tokenizer.stats import tokenizer_stats

    before, after = tokenizer_stats(base, ru), tokenizer_stats(new, ru)
    out: dict[str, Any] = {
        "ru_before": before,
        "ru_after": after,
        "ru_tokens_per_word_reduction_pct": round(
            100 * (1 - after["tokens_per_word"] / (before["tokens_per_word"] or 1)), 2
        ),
    }
    if en:
        a = base(en, add_special_tokens=False)["input_ids"]
        b = new(en, add_special_tokens=False)["input_ids"]
        same = sum(x == y for x, y in zip(a, b, strict=True))
        out["en_identical_share"] = round(same / len(en), 4)
    return out


def extend_model(
    model: str,
    corpus: str,
    new_tokens: int,
    output: str,
    *,
    init: str = "mean",
    norm_scale: float = 1.0,
    pad_to_multiple_of: int | None = None,
    max_chars: int | None = None,
    overwrite: bool = False,
    dry_run: bool = False,
    min_frequency: int = 2,
    seed: int = 0,
    show_progress: bool = True,
) -> dict[str, Any]:
    """Extend ``model``'s tokenizer with ``new_tokens`` Russian tokens learned from ``corpus``,
    resize and initialise its embeddings (``init``: mean, wmean, norm, random; ``norm_scale``:
    how far ``norm`` stretches a row toward its pieces' length), and save model and
    tokenizer (safetensors) to ``output`` with ``extension.json`` and a README card.

    ``model`` is ``tiny``, a model directory or a hub id; ``corpus`` a bundled name, a package
    corpus (``razdel-ru``) or a file.
    Returns the statistics (also in ``extension.json``). ``dry_run`` learns the tokens and
    returns the statistics without loading the model or writing anything.
    """
    from ruadapt.model_card import add_metadata
    from ruadapt.models import load_causal_lm, resolve_model
    from ruadapt.tokenizer.card import save_extension_card
    from ruadapt.tokenizer.embeddings import INITS, check_norm_scale, resize_and_init_embeddings
    from ruadapt.tokenizer.extend import extend_tokenizer

    new_tokens = _as_int("new_tokens", new_tokens, 0)
    if pad_to_multiple_of is not None:
        pad_to_multiple_of = _as_int("pad_to_multiple_of", pad_to_multiple_of, 1)
    if max_chars is not None:
        max_chars = _as_int("max_chars", max_chars, 1)
    if init not in INITS:
        raise UserError(f"init must be one of {', '.join(INITS)}; got {init!r}")
    check_norm_scale(norm_scale)
    if norm_scale != 1.0 and init != "norm":
        raise UserError(f"norm_scale applies to init=norm only (init is {init!r})")
    out = Path(output).expanduser()
    path = resolve_model(model)
    if not dry_run:
        check_output(out, overwrite=overwrite, inputs={"--model": path, "--corpus": corpus})

    start = time.perf_counter()
    base_tok = load_tokenizer_as_is(path)
    texts = list(iter_corpus(corpus, max_chars))
    if not texts:
        raise UserError(f"corpus {corpus} has no text")
    result = extend_tokenizer(
        base_tok,
        texts,
        new_tokens,
        pad_to_multiple_of=pad_to_multiple_of,
        min_frequency=min_frequency,
        show_progress=show_progress,
    )
    learn_seconds = time.perf_counter() - start
    if new_tokens > 0 and not result.new_tokens:
        raise UserError(
            f"corpus {corpus} adds no new tokens to {model} (every word it holds is already "
            "one token, e.g. an English-only corpus); give a Russian corpus"
        )
    summary = result.to_dict()
    stats: dict[str, Any] = {
        **{k: v for k, v in summary.items() if k not in ("tokens", "corpus", "seconds")},
        "base_model": model,
        "corpus": corpus,
        "corpus_stats": summary["corpus"],
        "init": init,
        **({"norm_scale": norm_scale} if init == "norm" else {}),
        "base_vocab_size": result.base_vocab_size,
        "first_new_id": min(result.new_token_ids, default=result.vocab_size),
        "learn_seconds": round(learn_seconds, 3),
        **extension_stats(base_tok, result.tokenizer, texts[:STATS_SAMPLE], _english_sample()),
    }
    if dry_run:
        stats["dry_run"] = True
        return stats

    lm = load_causal_lm(path, dtype="float32")
    # filler rows (padding) get the mean of the base rows
    resize = resize_and_init_embeddings(
        lm,
        base_tok,
        result.tokenizer,
        {t.id: t.token for t in result.new_tokens},
        init=init,
        vocab_size=result.vocab_size,
        seed=seed,
        norm_scale=norm_scale,
    )
    stats.update(embedding_rows=resize["rows"], tied_embeddings=resize["tied"])
    with staged_folder(out, "tokenizer-extend", checked=True) as staging:
        lm.save_pretrained(staging, safe_serialization=True)
        result.tokenizer.save_pretrained(staging)
        stats["seconds"] = round(time.perf_counter() - start, 3)
        record = {**stats, "tokens": result.to_dict()["tokens"]}
        (staging / EXTENSION_FILE).write_text(
            json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        save_extension_card(result, staging / "README.md")
        _append_card(staging / "README.md", stats)
        add_metadata(
            staging / "README.md",
            command="ruadapt tokenizer extend",
            base_model=model,
            data=corpus,
            tags=["tokenizer-extension"],
        )
        mark_complete(staging, "tokenizer-extend", _brief(stats))
    return stats


def mark_complete(directory: Path, step: str, summary: dict[str, Any]) -> None:
    """The runner's completion marker, so ``is_complete`` and the pipeline recognise it."""
    from ruadapt.outputs import write_atomic
    from ruadapt.runner import COMPLETE_MARKER

    body = {"status": "complete", "step": step, **summary}
    write_atomic(directory / COMPLETE_MARKER, json.dumps(body, indent=2, default=str) + "\n")


def _brief(stats: dict[str, Any]) -> dict[str, Any]:
    keys = ("base_model", "corpus", "init", "base_vocab_size", "vocab_size", "new_tokens")
    return {k: stats[k] for k in keys if k in stats}


def _append_card(card: Path, stats: dict[str, Any]) -> None:
    """Model-level facts the tokenizer card does not know."""
    before, after = stats["ru_before"], stats["ru_after"]
    lines = [
        "",
        "## Model",
        "",
        f"- Base model: {stats['base_model']}",
        f"- Corpus: {stats['corpus']}",
        f"- Embedding rows: {stats['embedding_rows']} "
        f"({'tied' if stats['tied_embeddings'] else 'untied'} input/output embeddings)",
        f"- New rows initialised with: {stats['init']}",
        f"- Russian tokens per word (corpus sample): {before['tokens_per_word']} -> "
        f"{after['tokens_per_word']} ({stats['ru_tokens_per_word_reduction_pct']}% fewer)",
    ]
    if "en_identical_share" in stats:
        lines.append(f"- English texts with identical token ids: {stats['en_identical_share']:.1%}")
    lines += [
        "",
        "Train the new embeddings next: `ruadapt run --method cpt --model THIS_DIR "
        "--data ru-corpus` (train=embeddings).",
    ]
    with open(card, "a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
