"""Extend an English-centric BPE tokenizer with Russian tokens, keeping every existing id.

The new tokens are real BPE vocabulary: learned merges are appended to ``model.merges`` after
all base merges and the merged strings get fresh ids after the largest id in use. Because BPE
applies merges by rank, the base merges still fire first and produce exactly the base
segmentation; the new merges then join base tokens of Cyrillic words. Text without Cyrillic
never contains a new merge's pair, so it encodes to the same ids as before.

The Rust ``tokenizers`` trainer cannot continue from an existing vocabulary, so the merges are
learned here: every Cyrillic word of the corpus (cut with the base normalizer and
pre-tokenizer) starts as its base-token sequence, and the most frequent adjacent pair whose
merged string contains Cyrillic and is new becomes the next token. Counting runs over the
unique-word table, and a merge only revisits the words that contain its pair.
"""

from __future__ import annotations

import heapq
import json
import logging
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruadapt.errors import UserError

log = logging.getLogger(__name__)

BYTE_LEVEL = "byte_level"
SENTENCEPIECE = "sentencepiece"
SUPPORTED = (
    "supported: fast BPE tokenizers, byte-level (GPT-2, Llama 3, Qwen) or SentencePiece-style "
    "with byte_fallback (Llama 2, Mistral)"
)
# Cyrillic, Cyrillic Supplement, Extended-A/B/C: every block a Russian-adjacent word can use.
CYRILLIC = re.compile("[\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f]")
SPIECE_SPACE = "\u2581"  # ▁
BYTE_TOKEN = re.compile(r"^<0x([0-9A-Fa-f]{2})>$")
# A space never survives either family's normalizer/pre-tokenizer (byte-level maps it to Ġ,
# SentencePiece-style to ▁), so a filler name with a space can never be produced by encoding.
FILLER_FORMAT = "<ruadapt unused {}>"
FILLER_PATTERN = re.compile(r"^<ruadapt unused \d+>$")


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2's reversible byte -> printable character map used by byte-level BPE."""
    printable = (
        list(range(ord("!"), ord("~") + 1))
        + list(range(ord("¡"), ord("¬") + 1))
        + list(range(ord("®"), ord("ÿ") + 1))
    )
    chars = list(printable)
    extra = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            chars.append(256 + extra)
            extra += 1
    return dict(zip(printable, map(chr, chars), strict=True))


# byte-level character -> the latin-1 character of its byte, for a C-speed str.translate
_BYTE_TABLE = {ord(c): b for b, c in bytes_to_unicode().items()}


def token_bytes(token: str, family: str) -> bytes:
    """The UTF-8 bytes a vocabulary string stands for in ``family`` (for Cyrillic checks)."""
    if family == BYTE_LEVEL:
        try:
            return token.translate(_BYTE_TABLE).encode("latin-1")
        except UnicodeEncodeError:
            return token.encode("utf-8")  # special tokens are stored verbatim
    match = BYTE_TOKEN.match(token)
    if match:
        return bytes([int(match.group(1), 16)])
    return token.replace(SPIECE_SPACE, " ").encode("utf-8")


def has_cyrillic(text: str) -> bool:
    """Whether ``text`` contains at least one Cyrillic character."""
    return CYRILLIC.search(text) is not None


def _complete(data: bytes) -> bool:
    """Whether ``data`` is whole UTF-8 characters (no partial sequence at either end)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _walk(node: Any) -> Iterator[dict]:
    """Every component dict of a (possibly nested Sequence) normalizer/pre-tokenizer JSON."""
    if isinstance(node, dict):
        yield node
        for child in node.get("normalizers", []) + node.get("pretokenizers", []):
            yield from _walk(child)


def tokenizer_family(tokenizer: Any) -> str:
    """``"byte_level"`` or ``"sentencepiece"``; a ``UserError`` for anything unsupported."""
    return _inspect(tokenizer)[1]


def _inspect(tokenizer: Any) -> tuple[dict, str]:
    backend = getattr(tokenizer, "backend_tokenizer", None)
    name = type(tokenizer).__name__
    if backend is None:
        raise UserError(f"{name} is a slow (Python) tokenizer; {SUPPORTED}")
    data = json.loads(backend.to_str())
    model = data.get("model") or {}
    if model.get("type") != "BPE":
        raise UserError(f"the tokenizer's model is {model.get('type')}, not BPE; {SUPPORTED}")
    if model.get("continuing_subword_prefix") or model.get("end_of_word_suffix"):
        raise UserError(f"BPE with subword prefixes/suffixes is not supported; {SUPPORTED}")
    pre = list(_walk(data.get("pre_tokenizer")))
    norm = list(_walk(data.get("normalizer")))
    if any(p.get("type") == "ByteLevel" for p in pre):
        return data, BYTE_LEVEL
    spaces_to_metaspace = any(p.get("type") == "Metaspace" for p in pre) or any(
        n.get("type") == "Replace"
        and n.get("pattern", {}).get("String") == " "
        and n.get("content") == SPIECE_SPACE
        for n in norm
    )
    if spaces_to_metaspace and model.get("byte_fallback"):
        return data, SENTENCEPIECE
    if spaces_to_metaspace:
        raise UserError(
            f"SentencePiece-style BPE without byte_fallback is not supported; {SUPPORTED}"
        )
    raise UserError(f"BPE tokenizer without a ByteLevel or Metaspace pre-tokenizer; {SUPPORTED}")


@dataclass
class NewToken:
    """One token added to the vocabulary."""

    token: str  # the vocabulary string (byte-level or ▁ form)
    id: int
    text: str  # what it decodes to
    frequency: int  # pair count (or character count) when it was added
    merge: tuple[str, str] | None  # None for a character added without a merge
    example: str  # the corpus pre-token it was learned from (vocabulary form)


@dataclass
class ExtensionResult:
    """What ``extend_tokenizer`` built: the new tokenizer and a record of what was added."""

    tokenizer: Any
    family: str
    base_vocab_size: int  # len(base tokenizer), added tokens included
    requested: int
    new_tokens: list[NewToken]
    merges_added: int
    skipped_existing: int  # candidate pairs whose merged string the base already had
    filler_tokens: list[tuple[str, int]] = field(default_factory=list)
    corpus: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def new_token_ids(self) -> list[int]:
        """Ids of the learned tokens (fillers excluded)."""
        return [t.id for t in self.new_tokens]

    @property
    def vocab_size(self) -> int:
        """Rows the embedding matrix needs: the largest id in use + 1."""
        return 1 + max(self.tokenizer.get_vocab().values())

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable summary (the tokenizer itself left out)."""
        return {
            "family": self.family,
            "base_vocab_size": self.base_vocab_size,
            "vocab_size": self.vocab_size,
            "requested": self.requested,
            "new_tokens": len(self.new_tokens),
            "merges_added": self.merges_added,
            "skipped_existing": self.skipped_existing,
            "filler_tokens": len(self.filler_tokens),
            "corpus": dict(self.corpus),
            "seconds": round(self.seconds, 3),
            "tokens": [
                {"token": t.token, "id": t.id, "text": t.text, "frequency": t.frequency}
                for t in self.new_tokens
            ],
        }


def _count_words(
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


def _learn(
    words: Counter,
    model: Any,
    vocab: dict[str, int],
    taken: set[str],
    family: str,
    budget: int,
    min_frequency: int,
    progress: bool,
) -> tuple[list[tuple[str, int, tuple[str, str] | None, str]], int]:
    """Incremental BPE from the base segmentation.

    Returns ``[(token, frequency, merge or None, example word)]`` in the order added, and the
    number of candidate pairs skipped because their merged string already exists.
    """
    from tqdm.auto import tqdm

    sym_id: dict[str, int] = {}
    sym_str: list[str] = []
    sym_bytes: list[bytes] = []
    mergeable: list[bool] = []

    def intern(s: str) -> int:
        i = sym_id.get(s)
        if i is None:
            i = sym_id[s] = len(sym_str)
            sym_str.append(s)
            sym_bytes.append(token_bytes(s, family))
            mergeable.append(s in vocab)  # unknown characters only after they are added
        return i

    seqs: list[list[int]] = []
    freqs: list[int] = []
    texts: list[str] = []
    for word, freq in words.most_common():
        symbols = _base_symbols(word, model, family)
        if symbols is None:
            continue
        seqs.append([intern(s) for s in symbols])
        freqs.append(freq)
        texts.append(word)

    added: list[tuple[str, int, tuple[str, str] | None, str]] = []
    bar = tqdm(total=budget, desc="learning tokens", unit=" tok", disable=not progress)

    # SentencePiece-style vocabularies may lack Cyrillic letters (ё, rare ones) that byte
    # fallback spells out. They have no merge to come from, so they are added as plain
    # vocabulary entries first: later merges can then build on them.
    if family == SENTENCEPIECE:
        char_freq: Counter = Counter()
        char_example: dict[int, str] = {}
        for seq, freq, text in zip(seqs, freqs, texts, strict=True):
            for s in seq:
                if not mergeable[s] and has_cyrillic(sym_str[s]):
                    char_freq[s] += freq
                    char_example.setdefault(s, text)
        for s, freq in char_freq.most_common():
            if len(added) >= budget or freq < min_frequency or sym_str[s] in taken:
                continue
            mergeable[s] = True
            taken.add(sym_str[s])
            added.append((sym_str[s], freq, None, char_example[s]))
            bar.update(1)

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
            or not _complete(merged_bytes)
        ):
            rejected.add(pair)
            continue
        if merged in taken:
            rejected.add(pair)
            skipped += 1
            continue
        new = intern(merged)
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
    bar.close()
    return added, skipped


def _special_kwargs(tokenizer: Any) -> dict[str, Any]:
    """Special-token and behaviour attributes to carry over to the new tokenizer object."""
    kwargs: dict[str, Any] = {}
    for name in ("bos", "eos", "unk", "sep", "pad", "cls", "mask"):
        value = getattr(tokenizer, f"_{name}_token", None)
        if value is None:
            value = getattr(tokenizer, f"{name}_token", None)
        kwargs[f"{name}_token"] = None if value is None else str(value)
    extra = getattr(tokenizer, "extra_special_tokens", None)
    if extra is None:
        extra = getattr(tokenizer, "additional_special_tokens", None)
    if isinstance(extra, dict):
        kwargs["extra_special_tokens"] = dict(extra)
    elif extra:
        kwargs["additional_special_tokens"] = [str(t) for t in extra]
    for name in (
        "model_max_length",
        "padding_side",
        "truncation_side",
        "clean_up_tokenization_spaces",
        "model_input_names",
    ):
        if hasattr(tokenizer, name):
            kwargs[name] = getattr(tokenizer, name)
    return kwargs


def extend_tokenizer(
    tokenizer: Any,
    texts: Iterable[str],
    new_tokens: int,
    *,
    pad_to_multiple_of: int | None = None,
    min_frequency: int = 2,
    show_progress: bool = True,
) -> ExtensionResult:
    """Learn ``new_tokens`` Russian BPE tokens from ``texts`` and return a new tokenizer.

    The input tokenizer is not modified. Every base token keeps its id and string; new tokens
    get ids after the largest id in use (added tokens included) and their merges are appended
    after all base merges. With ``pad_to_multiple_of`` the id space is padded with unused
    filler tokens (``<ruadapt unused N>``, unreachable by encoding). Fewer than ``new_tokens``
    are added (with a warning) only when the corpus has no more pairs seen ``min_frequency``
    times. Raises ``UserError`` for tokenizers other than byte-level or byte-fallback BPE.
    """
    from tokenizers import Tokenizer
    from transformers import PreTrainedTokenizerFast

    start = time.perf_counter()
    if isinstance(new_tokens, bool) or not isinstance(new_tokens, int) or new_tokens < 0:
        raise UserError(f"new_tokens must be a non-negative integer, got {new_tokens!r}")
    if min_frequency < 1:
        raise UserError(f"min_frequency must be at least 1, got {min_frequency}")
    if pad_to_multiple_of is not None and pad_to_multiple_of < 1:
        raise UserError(f"pad_to_multiple_of must be positive, got {pad_to_multiple_of}")
    if isinstance(texts, str):
        texts = [texts]  # a single string is one text, not an iterable of characters
    data, family = _inspect(tokenizer)
    backend = tokenizer.backend_tokenizer
    vocab: dict[str, int] = data["model"]["vocab"]
    added_tokens = data.get("added_tokens") or []
    # Strings of added tokens count as taken: a vocabulary entry with the same string but
    # another id would make token -> id lookups ambiguous.
    taken = set(vocab) | {t["content"] for t in added_tokens}
    next_id = 1 + max([*vocab.values(), *(t["id"] for t in added_tokens), -1])

    words, corpus = _count_words(texts, backend, family, show_progress)
    learned, skipped = _learn(
        words, backend.model, vocab, set(taken), family, new_tokens, min_frequency, show_progress
    )
    if len(learned) < new_tokens:
        log.warning(
            "learned %d of %d requested tokens: no more Cyrillic pairs occur %d+ times",
            len(learned),
            new_tokens,
            min_frequency,
        )

    new_vocab = dict(vocab)
    # `tokenizers` gives added tokens that are missing from the model vocabulary the ids right
    # after it on load, ignoring the stored ids (Llama 3 and Qwen specials live there). Growing
    # the model vocabulary would shift them, so they are pinned into it at their own ids; the
    # added-token matcher still extracts them before BPE runs, so encoding is unchanged.
    for t in added_tokens:
        new_vocab.setdefault(t["content"], t["id"])
    merges = list(data["model"]["merges"])
    as_strings = bool(merges) and isinstance(merges[0], str)  # tokenizers < 0.20 format
    records: list[NewToken] = []
    for token, freq, merge, example in learned:
        new_vocab[token] = next_id
        if merge is not None:
            merges.append(f"{merge[0]} {merge[1]}" if as_strings else list(merge))
        text = token_bytes(token, family).decode("utf-8", "replace")
        records.append(NewToken(token, next_id, text, freq, merge, example))
        next_id += 1
    fillers: list[tuple[str, int]] = []
    if pad_to_multiple_of:
        while next_id % pad_to_multiple_of:
            name = FILLER_FORMAT.format(len(fillers))
            new_vocab[name] = next_id
            fillers.append((name, next_id))
            next_id += 1
    data["model"]["vocab"] = new_vocab
    data["model"]["merges"] = merges

    new_backend = Tokenizer.from_str(json.dumps(data, ensure_ascii=False))
    new_tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=new_backend, **_special_kwargs(tokenizer)
    )
    if getattr(tokenizer, "chat_template", None) is not None:
        new_tokenizer.chat_template = tokenizer.chat_template
    result = ExtensionResult(
        tokenizer=new_tokenizer,
        family=family,
        base_vocab_size=len(tokenizer),
        requested=new_tokens,
        new_tokens=records,
        merges_added=sum(r.merge is not None for r in records),
        skipped_existing=skipped,
        filler_tokens=fillers,
        corpus=corpus,
    )
    result.seconds = time.perf_counter() - start
    return result


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
