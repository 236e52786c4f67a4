"""The canonical data kinds: their checks, the conversions between them, their Arrow schemas.

A format converts a file's records into its own kind; this module then converts between kinds
where that is meaningful (chat -> prompts, preference -> binary) and checks the result, so
every method receives records of exactly one shape (TRL's conversational dataset types).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ruadapt.contracts import DATA_KINDS
from ruadapt.data.messages import Problems, check_order, message, type_name

#: What a record of each kind looks like, for messages that tell users what to give.
EXAMPLES: dict[str, str] = {
    "text": '{"text": "..."} or a .txt file',
    "chat": '{"messages": [{"role": "user", ...}, {"role": "assistant", ...}]}',
    "preference": '{"prompt": "...", "chosen": "...", "rejected": "..."}',
    "binary": '{"prompt": "...", "completion": "...", "label": true}',
    "prompts": '{"prompt": "..."}',
}


def chat_to_prompts(record: dict) -> list[dict]:
    """A conversation becomes the prompt that leads to its last answer."""
    messages = record["messages"]
    if messages and messages[-1]["role"] == "assistant":
        messages = messages[:-1]
    return [{"prompt": messages}]


def preference_to_binary(record: dict) -> list[dict]:
    """A pair becomes two unpaired examples: chosen (desirable), rejected (undesirable)."""
    return [
        {"prompt": record["prompt"], "completion": record["chosen"], "label": True},
        {"prompt": record["prompt"], "completion": record["rejected"], "label": False},
    ]


def prompt_only(record: dict) -> list[dict]:
    """A pair or a labelled example becomes its prompt (PPO rollouts from preference data)."""
    return [{"prompt": record["prompt"]}]


#: (from kind, to kind) -> conversion, and a note printed when it happens.
CONVERSIONS: dict[tuple[str, str], tuple[Callable[[dict], list[dict]], str]] = {
    ("chat", "prompts"): (chat_to_prompts, "conversations without their last answer"),
    ("preference", "prompts"): (prompt_only, "the prompts of the pairs, answers dropped"),
    ("binary", "prompts"): (prompt_only, "the prompts of the examples, answers dropped"),
    ("preference", "binary"): (
        preference_to_binary,
        "each preference pair split into a desirable (chosen) and an undesirable (rejected) "
        "example",
    ),
}


def can_convert(source: str, target: str) -> bool:
    return source == target or (source, target) in CONVERSIONS


def convert_kind(record: dict, source: str, target: str) -> list[dict]:
    """Records of ``target`` kind from one canonical record of ``source`` kind."""
    if source == target:
        return [record]
    return CONVERSIONS[(source, target)][0](record)


def add_system_prompt(record: dict, kind: str, system: str | None) -> dict:
    """Prepend ``system`` to the conversation (chat) or prompt of a record without one."""
    field = {"chat": "messages", "preference": "prompt", "binary": "prompt", "prompts": "prompt"}
    key = field.get(kind)
    if not system or key is None or record[key][0]["role"] == "system":
        return record
    return {**record, key: [message("system", system), *record[key]]}


# ---- checks of canonical records --------------------------------------------------------------


def check_record(kind: str, record: dict) -> Problems:
    """Problems of a canonical record of ``kind`` (after format and kind conversion)."""
    if kind == "text":
        if not isinstance(record.get("text"), str) or not record["text"].strip():
            return [("text", "empty")]
        return []
    if kind == "chat":
        return _check_messages(record, "messages", last="assistant")
    problems = _check_messages(record, "prompt", last="user")
    if kind == "prompts":
        return problems
    if kind == "preference":
        problems += _check_answer(record, "chosen") + _check_answer(record, "rejected")
        if not problems and record["chosen"] == record["rejected"]:
            problems.append(("rejected", "same as chosen (a pair teaches nothing)"))
        return problems
    if kind == "binary":
        problems += _check_answer(record, "completion")
        label = record.get("label")
        if not isinstance(label, bool):
            problems.append(("label", f"must be true or false, got {label!r} ({type_name(label)})"))
        return problems
    raise ValueError(f"unknown data kind {kind!r}; expected one of {DATA_KINDS}")


def _check_messages(record: dict, field: str, *, last: str) -> Problems:
    messages = record.get(field)
    if not isinstance(messages, list) or not messages:
        return [(field, "missing or empty")]
    for i, m in enumerate(messages):
        if not isinstance(m.get("content"), str) or not m["content"].strip():
            return [(f"{field}[{i}].content", "empty")]
    return check_order([m["role"] for m in messages], field, last=last)


def _check_answer(record: dict, field: str) -> Problems:
    value = record.get(field)
    if (
        not isinstance(value, list)
        or len(value) != 1
        or value[0].get("role") != "assistant"
        or not isinstance(value[0].get("content"), str)
    ):
        return [(field, "must be one assistant message")]
    if not value[0]["content"].strip():
        return [(field, "empty")]
    return []


# ---- reading canonical records -----------------------------------------------------------------


def text_fields(kind: str, record: dict) -> Iterator[tuple[str, str]]:
    """``(field, text)`` for every piece of text in a canonical record, for statistics.

    Messages are named by role (``messages.user``) so a set whose answers are English while
    its questions are Russian shows up as such.
    """
    if kind == "text":
        yield "text", record["text"]
    elif kind in DATA_KINDS:
        for key in ("messages", "prompt", "chosen", "rejected", "completion"):
            for m in record.get(key) or ():
                yield f"{key}.{m['role']}", m["content"]
    else:  # an eval set: the strings of its language sides (ru, en_reference, ru.choices...)
        for key, value in record.items():
            if key.split("_")[0] not in ("ru", "en"):
                continue  # ids and categories are labels, not text
            if isinstance(value, str):
                yield key, value
            elif isinstance(value, dict):
                for name, inner in value.items():
                    for text in inner if isinstance(inner, list) else [inner]:
                        if isinstance(text, str):
                            yield f"{key}.{name}", text


def record_text(kind: str, record: dict) -> str:
    """All text of a canonical record joined, for length statistics."""
    return "\n".join(text for _, text in text_fields(kind, record))


def conversations(kind: str, record: dict) -> list[tuple[list[dict], bool]]:
    """The message lists a model sees for a record, each with "add generation prompt".

    A preference record is two conversations (prompt + chosen, prompt + rejected); a prompt
    ends where the model starts answering.
    """
    if kind == "chat":
        return [(record["messages"], False)]
    if kind == "prompts":
        return [(record["prompt"], True)]
    if kind == "preference":
        return [
            (record["prompt"] + record["chosen"], False),
            (record["prompt"] + record["rejected"], False),
        ]
    if kind == "binary":
        return [(record["prompt"] + record["completion"], False)]
    raise ValueError(f"{kind!r} records are not conversations")


def arrow_schema(kind: str) -> Any:
    """The fixed Arrow schema of a kind, so every file of a kind yields identical columns."""
    import pyarrow as pa

    messages = pa.list_(pa.struct([("role", pa.string()), ("content", pa.string())]))
    columns = {
        "text": [("text", pa.string())],
        "chat": [("messages", messages)],
        "preference": [("prompt", messages), ("chosen", messages), ("rejected", messages)],
        "binary": [("prompt", messages), ("completion", messages), ("label", pa.bool_())],
        "prompts": [("prompt", messages)],
    }[kind]
    return pa.schema(columns)
