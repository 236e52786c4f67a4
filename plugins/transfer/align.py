"""Align two tokenisations of the same text at the character boundaries both share.

Every token spells a run of UTF-8 bytes (byte-level BPE through its byte table, SentencePiece
through ``▁`` and ``<0xNN>`` byte-fallback pieces), so the byte offset where each token ends is
known exactly, without trusting a tokenizer's ``offset_mapping`` (which is ambiguous for a piece
that holds half a character). A *chunk* ends where both tokenisations end a token *and* a
character ends: the text before it is then spelled completely by both sides, so the teacher's
and the student's log-probabilities of each chunk are probabilities of the same string.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ruadapt.errors import UserError


def byte_ends(tokenizer: Any, ids: Sequence[int], text: str) -> list[int]:
    """Byte offset in ``text.encode()`` where each token of ``ids`` ends.

    A SentencePiece normalizer that prepends ``▁`` spells one byte more than the text holds;
    that leading space is not part of the text, so offsets are shifted back by it.
    """
    from ruadapt.tokenizer.extend import token_bytes, tokenizer_family

    family = tokenizer_family(tokenizer)
    ends, total, first = [], 0, b""
    for piece in tokenizer.convert_ids_to_tokens(list(ids)):
        spelled = token_bytes(piece, family)
        first = first or spelled
        total += len(spelled)
        ends.append(total)
    extra = total - len(text.encode("utf-8"))
    if extra == 1 and first.startswith(b" ") and not text.startswith(" "):
        ends = [max(0, e - 1) for e in ends]
    elif extra != 0:
        raise UserError(
            f"transfer: the {type(tokenizer).__name__} tokens do not spell the text byte for "
            f"byte ({total} bytes for {len(text.encode('utf-8'))}); its normalizer changes text"
        )
    return ends


def char_starts(text: str) -> set[int]:
    """Byte offsets at which a character ends (and the next begins), the text's end included."""
    offsets, total = set(), 0
    for ch in text:
        total += len(ch.encode("utf-8"))
        offsets.add(total)
    return offsets


def shared_boundaries(
    text: str, teacher_ends: Sequence[int], student_ends: Sequence[int]
) -> list[int]:
    """Sorted byte offsets where both tokenisations end a token and a character ends."""
    shared = set(teacher_ends) & set(student_ends) & char_starts(text)
    shared.discard(0)
    return sorted(shared)


def last_token_at(ends: Sequence[int], boundaries: Sequence[int]) -> list[int]:
    """For each boundary, the index of the last token ending there (zero-byte tokens such as a
    lone prepended ``▁`` end where their neighbour does; the later one holds the full prefix)."""
    index = {end: i for i, end in enumerate(ends)}
    return [index[b] for b in boundaries]


def align(
    text: str, teacher_tok: Any, student_tok: Any, max_teacher: int, max_student: int
) -> dict[str, list[int]] | None:
    """Both tokenisations of ``text`` (cut at ``max_*`` tokens) and, per shared boundary inside
    what both kept, the index of the token that ends it on each side; None without a chunk."""
    t_ids = teacher_tok(text, add_special_tokens=False)["input_ids"]
    s_ids = student_tok(text, add_special_tokens=False)["input_ids"]
    t_ends = byte_ends(teacher_tok, t_ids, text)[:max_teacher]
    s_ends = byte_ends(student_tok, s_ids, text)[:max_student]
    t_ids, s_ids = t_ids[: len(t_ends)], s_ids[: len(s_ends)]
    bounds = shared_boundaries(text, t_ends, s_ends)
    if not bounds:
        return None
    return {
        "teacher_ids": t_ids,
        "student_ids": s_ids,
        "teacher_index": last_token_at(t_ends, bounds),
        "student_index": last_token_at(s_ends, bounds),
        "boundaries": bounds,
    }


def segments(texts: Iterable[str], tokenizer: Any, max_tokens: int) -> Iterator[str]:
    """Cut each text into pieces of about ``max_tokens`` tokens of ``tokenizer``, at whitespace
    where there is some, so every piece is read whole instead of truncated."""
    for text in texts:
        if not text.strip():
            continue
        offsets = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)[
            "offset_mapping"
        ]
        start, i = 0, 0
        while i < len(offsets):
            j = i + max_tokens
            if j >= len(offsets):
                yield text[start:]
                break
            cut = offsets[j][0]
            space = text.rfind(" ", start + 1, cut + 1)
            cut = space if space > start else cut
            if cut <= start:
                cut = offsets[j][1]
            yield text[start:cut]
            start = cut
            while i < len(offsets) and offsets[i][0] < start:
                i += 1
