"""The Markdown card written beside an extended tokenizer: sizes, corpus, a sample of tokens."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the annotation only
    from ruadapt.tokenizer.extend import ExtensionResult


def _md(text: str) -> str:
    """A token's text made safe inside a Markdown table cell and visible (spaces as ␣)."""
    return text.replace("|", "\\|").replace("`", "ˋ").replace(" ", "␣").replace("\n", "\\n")


def save_extension_card(result: ExtensionResult, path: str | Path, sample: int = 40) -> Path:
    """Write a short Markdown card of the extension (sizes, corpus, a sample of new tokens)."""
    path = Path(path)
    c = result.corpus
    lines = [
        "# Tokenizer extension",
        "",
        f"- Tokenizer family: {result.family} BPE",
        f"- Base vocabulary: {result.base_vocab_size}",
        f"- New tokens: {len(result.new_tokens)} of {result.requested} requested "
        f"({result.merges_added} merges, {len(result.new_tokens) - result.merges_added} "
        "characters without a merge)",
        f"- Candidates skipped as already in the base vocabulary: {result.skipped_existing}",
        f"- Filler tokens (padding): {len(result.filler_tokens)}",
        f"- Embedding rows needed: {result.vocab_size}",
        f"- Corpus: {c.get('texts', 0)} texts, {c.get('chars', 0)} characters, "
        f"{c.get('cyrillic_words', 0)} Cyrillic words ({c.get('unique_cyrillic_words', 0)} unique)",
        f"- Time: {result.seconds:.1f} s",
        "",
        "Base token ids are unchanged; new merges rank after every base merge, so text without "
        "Cyrillic tokenizes exactly as before.",
        "",
        f"## First {min(sample, len(result.new_tokens))} new tokens",
        "",
        "| id | token | text | frequency |",
        "|---:|---|---|---:|",
    ]
    for t in result.new_tokens[:sample]:
        lines.append(f"| {t.id} | `{_md(t.token)}` | {_md(t.text)} | {t.frequency} |")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
