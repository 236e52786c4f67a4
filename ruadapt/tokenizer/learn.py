"""Learning new BPE merges on top of a base vocabulary (the Rust trainer cannot continue one).

Every Cyrillic word of the corpus (cut with the base normalizer and pre-tokenizer) starts as
its base-token sequence. Two phases follow: SentencePiece-style vocabularies first get the
Cyrillic characters they lack as plain entries (byte fallback spelt them out, so no merge can
make them); then the most frequent adjacent pair whose merged string contains Cyrillic and is
new becomes the next token, over and over. Counting runs over the unique-word table, and a
merge only revisits the words that contain its pair.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ruadapt.tokenizer.family import (
    BYTE_TOKEN,
    SENTENCEPIECE,
    SPIECE_SPACE,
    complete_chars,
    has_cyrillic,
    token_bytes,
)

#: (token, frequency, merge or None, example word), in the order the tokens are added
Learned = tuple[str, int, tuple[str, str] | None, str]


def count_words(
    texts: Iterable[str], backend: Any, family: str, progress: bool
) -> tuple[Counter, dict[str, int]]:
    """Frequencies of the Cyrillic pre-tokens of ``texts`` under the base pre-tokenization."""
    from tqdm.auto import tqdm

    normalizer, pre_tokenizer = backend.normalizer, backend.pre_tokenizer
    # SentencePiece-style tokenizers without a splitting pre-tokenizer hand the whole text to
    # BPE; cut it where SentencePiece itself would (before each ▁) to get word units.
    split_spaces = family == SENTENCEPIECE
    piece_re = re.compile(f"{SPIECE_SPACE}?[^{SPIECE_SPACE}]+|{SPIECE_SPACE}")
    counts: Counter = Counter()
    n_texts = n_chars = 0
    for text in tqdm(texts, desc="counting words", unit=" texts", disable=not progress):
        n_texts += 1
        n_chars += len(text)
        if not has_cyrillic(text):
            continue  # nothing to learn from, and skipping it keeps English-heavy corpora fast
        norm = normalizer.normalize_str(text) if normalizer is not None else text
        if pre_tokenizer is not None:
            pieces = [p for p, _ in pre_tokenizer.pre_tokenize_str(norm)]
        else:
            pieces = [norm]
        if split_spaces:
            pieces = [q for p in pieces for q in piece_re.findall(p)]
        counts.update(pieces)
    cyrillic = Counter()
    for word, freq in counts.items():
        if has_cyrillic(token_bytes(word, family).decode("utf-8", "ignore")):
            cyrillic[word] = freq
    stats = {
        "texts": n_texts,
        "chars": n_chars,
        "cyrillic_words": sum(cyrillic.values()),
        "unique_cyrillic_words": len(cyrillic),
    }
    return cyrillic, stats


def _base_symbols(word: str, model: Any, family: str) -> list[str] | None:
    """The base segmentation of one pre-token as vocabulary strings.

    SentencePiece byte-fallback pieces (``<0xD1><0x91>``) are turned back into the character
    they spell, so that character can later be added to the vocabulary. ``None`` when the
    pieces do not spell the word (e.g. a byte-level vocabulary missing a byte symbol).
    """
    symbols: list[str] = []
    pending = bytearray()
    for tok in model.tokenize(word):
        match = BYTE_TOKEN.match(tok.value) if family == SENTENCEPIECE else None
        if match:
            pending.append(int(match.group(1), 16))
            continue
        if pending:
            symbols.extend(pending.decode("utf-8", "replace"))
            pending.clear()
        symbols.append(tok.value)
    if pending:
        symbols.extend(pending.decode("utf-8", "replace"))
    return symbols if "".join(symbols) == word else None


def _merge_word(
    seq: list[int], a: int, b: int, new: int, pair_counts: dict[tuple[int, int], int], freq: int
) -> list[int] | None:
    """Replace each ``a b`` in ``seq`` (left to right) by ``new``; ``None`` if none occurs.

    Updates ``pair_counts`` only around the merged positions, so a merge costs a few dict
    updates per occurrence rather than two per symbol of every touched word. The count of
    ``(a, b)`` itself is left alone: the caller drops the pair once all words are merged.
    """
    out: list[int] = []
    i, n = 0, len(seq)
    last = -2  # index of the ``b`` of the previous occurrence
    while i < n:
        if seq[i] == a and i + 1 < n and seq[i + 1] == b:
            if i and last != i - 1:  # shared with the previous occurrence's right side
                pair_counts[seq[i - 1], a] -= freq
            if i + 2 < n:
                pair_counts[b, seq[i + 2]] -= freq
            if out:
                pair_counts[out[-1], new] += freq
            out.append(new)
            last = i + 1
            i += 2
        else:
            if last == i - 1 and out:  # right neighbour of a fresh merge
                pair_counts[new, seq[i]] += freq
            out.append(seq[i])
            i += 1
    return out if last >= 0 else None


@dataclass
class _Words:
    """The corpus words as sequences of interned symbols, with each word's frequency."""

    vocab: dict[str, int]
    family: str
    ids: dict[str, int] = field(default_factory=dict)
    strings: list[str] = field(default_factory=list)
    encoded: list[bytes] = field(default_factory=list)
    mergeable: list[bool] = field(default_factory=list)  # may a merge use this symbol yet
    seqs: list[list[int]] = field(default_factory=list)
    freqs: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    def intern(self, s: str) -> int:
        i = self.ids.get(s)
        if i is None:
            i = self.ids[s] = len(self.strings)
            self.strings.append(s)
            self.encoded.append(token_bytes(s, self.family))
            self.mergeable.append(s in self.vocab)  # unknown characters only after they are added
        return i


def learn_tokens(
    words: Counter,
    model: Any,
    vocab: dict[str, int],
    taken: set[str],
    family: str,
    budget: int,
    min_frequency: int,
    progress: bool,
) -> tuple[list[Learned], int]:
    """Incremental BPE from the base segmentation.

    Returns ``[(token, frequency, merge or None, example word)]`` in the order added, and the
    number of candidate pairs skipped because their merged string already exists.
    """
    from tqdm.auto import tqdm

    table = _Words(vocab, family)
    for word, freq in words.most_common():
        symbols = _base_symbols(word, model, family)
        if symbols is None:
            continue
        table.seqs.append([table.intern(s) for s in symbols])
        table.freqs.append(freq)
        table.texts.append(word)

    bar = tqdm(total=budget, desc="learning tokens", unit=" tok", disable=not progress)
    added: list[Learned] = []
    if family == SENTENCEPIECE:
        added += _add_missing_characters(table, taken, budget, min_frequency, bar)
    merges, skipped = _learn_merges(table, taken, budget - len(added), min_frequency, bar)
    bar.close()
    return added + merges, skipped


def _add_missing_characters(
    table: _Words, taken: set[str], budget: int, min_frequency: int, bar: Any
) -> list[Learned]:
    """Phase 1: Cyrillic letters a SentencePiece-style vocabulary lacks (ё, rare ones), which
    byte fallback spells out. They have no merge to come from, so they are added as plain
    vocabulary entries first: later merges can then build on them."""
    char_freq: Counter = Counter()
    char_example: dict[int, str] = {}
    for seq, freq, text in zip(table.seqs, table.freqs, table.texts, strict=True):
        for s in seq:
            if not table.mergeable[s] and has_cyrillic(table.strings[s]):
                char_freq[s] += freq
                char_example.setdefault(s, text)
    added: list[Learned] = []
    for s, freq in char_freq.most_common():
        if len(added) >= budget or freq < min_frequency or table.strings[s] in taken:
            continue
        table.mergeable[s] = True
        taken.add(table.strings[s])
        added.append((table.strings[s], freq, None, char_example[s]))
        bar.update(1)
    return added


def _learn_merges(
    table: _Words, taken: set[str], budget: int, min_frequency: int, bar: Any
) -> tuple[list[Learned], int]:
    """Phase 2: merge the most frequent new Cyrillic pair, ``budget`` times at most."""
    sym_str, sym_bytes, mergeable = table.strings, table.encoded, table.mergeable
    seqs, freqs, texts = table.seqs, table.freqs, table.texts
    added: list[Learned] = []
    pair_counts: dict[tuple[int, int], int] = defaultdict(int)
    # Word indices per pair; may hold duplicates or stale entries, checked when used. Lists
    # keep this a few bytes per entry where sets would cost tens.
    where: dict[tuple[int, int], list[int]] = defaultdict(list)
    for wi, seq in enumerate(seqs):
        for pair in zip(seq, seq[1:], strict=False):
            pair_counts[pair] += freqs[wi]
            where[pair].append(wi)
    # Max-heap with lazy invalidation: an entry's count is an upper bound refreshed on pop.
    heap = [(-c, p) for p, c in pair_counts.items() if c >= min_frequency]
    heapq.heapify(heap)
    rejected: set[tuple[int, int]] = set()
    skipped = 0

    while heap and len(added) < budget:
        neg, pair = heapq.heappop(heap)
        count = pair_counts.get(pair, 0)
        if count != -neg:
            if count >= min_frequency:
                heapq.heappush(heap, (-count, pair))
            continue
        if count < min_frequency:
            break  # the true maximum is below the threshold
        if pair in rejected:
            continue
        a, b = pair
        merged = sym_str[a] + sym_str[b]
        merged_bytes = sym_bytes[a] + sym_bytes[b]
        if (
            not (mergeable[a] and mergeable[b])
            or not has_cyrillic(merged_bytes.decode("utf-8", "ignore"))
            # Byte-level: new tokens are whole characters. A letter plus the first byte of the
            # next one is a poor unit (it cannot be decoded or initialised on its own), and
            # the whole-character path to the same compression is always open.
            or not complete_chars(merged_bytes)
        ):
            rejected.add(pair)
            continue
        if merged in taken:
            rejected.add(pair)
            skipped += 1
            continue
        new = table.intern(merged)
        mergeable[new] = True
        taken.add(merged)
        example, example_freq = "", -1
        touched: set[tuple[int, int]] = set()
        for wi in set(where.pop(pair, ())):
            seq = seqs[wi]
            if a not in seq:
                continue  # stale index: the pair left this word earlier
            freq = freqs[wi]
            out = _merge_word(seq, a, b, new, pair_counts, freq)
            if out is None:
                continue
            if freq > example_freq:
                example, example_freq = texts[wi], freq
            # Only pairs with the new symbol are new adjacencies in this word.
            for k, sym in enumerate(out):
                if sym == new:
                    if k:
                        where[out[k - 1], new].append(wi)
                        touched.add((out[k - 1], new))
                    if k + 1 < len(out):
                        where[new, out[k + 1]].append(wi)
                        touched.add((new, out[k + 1]))
            seqs[wi] = out
        pair_counts.pop(pair, None)
        for p in touched:
            if pair_counts[p] >= min_frequency:
                heapq.heappush(heap, (-pair_counts[p], p))
        added.append((merged, count, (sym_str[a], sym_str[b]), example))
        bar.update(1)
    return added, skipped
