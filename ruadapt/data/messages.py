"""Conversation helpers shared by data formats: role names, normalisation, checks.

Formats (built-in or third-party) build canonical messages with these, so every layout ends
up as ``[{"role": "system"|"user"|"assistant", "content": str}, ...]``. Checks return
``[(field, message), ...]`` like ``DataFormat.validate``; an empty list means "fine".
"""

from __future__ import annotations

from typing import Any

Problems = list[tuple[str, str]]

ROLES = ("system", "user", "assistant")

#: Role names seen in public datasets, mapped to the canonical three. ShareGPT uses
#: human/gpt; Saiga-style Russian sets use bot; Gemini-style exports use model.
ROLE_ALIASES: dict[str, str] = {
    "system": "system",
    "user": "user",
    "human": "user",
    "assistant": "assistant",
    "gpt": "assistant",
    "bot": "assistant",
    "model": "assistant",
}


def message(role: str, content: str) -> dict[str, str]:
    """One canonical message."""
    return {"role": role, "content": content}


def normalize_turns(
    turns: list[dict], role_key: str = "role", content_key: str = "content"
) -> list[dict[str, str]]:
    """Canonical messages from a checked list of turns (other keys are dropped)."""
    return [message(ROLE_ALIASES[t[role_key].lower()], t[content_key]) for t in turns]


def as_prompt(value: str | list[dict]) -> list[dict[str, str]]:
    """A prompt given as a string becomes one user message; a message list is normalised."""
    if isinstance(value, str):
        return [message("user", value)]
    return normalize_turns(value)


def as_completion(value: str | list[dict]) -> list[dict[str, str]]:
    """A completion given as a string becomes one assistant message."""
    if isinstance(value, str):
        return [message("assistant", value)]
    return normalize_turns(value)


def with_system(messages: list[dict[str, str]], system: str | None) -> list[dict[str, str]]:
    """Prepend a system message unless there is no prompt or the conversation has one."""
    if not system or (messages and messages[0]["role"] == "system"):
        return messages
    return [message("system", system), *messages]


# ---- checks ---------------------------------------------------------------------------------


def check_text(record: dict, field: str, *, required: bool = True) -> Problems:
    """``field`` is a non-empty string (or absent, when not ``required``)."""
    value = record.get(field)
    if value is None:
        return [(field, "missing")] if required else []
    if not isinstance(value, str):
        return [(field, f"must be a string, got {type_name(value)}")]
    if not value.strip():
        return [(field, "empty")]
    return []


def check_turns(
    value: Any, field: str, *, role_key: str = "role", content_key: str = "content"
) -> Problems:
    """``value`` is a non-empty list of turns, each with a known role and non-empty content."""
    if value is None:
        return [(field, "missing")]
    if not isinstance(value, list):
        return [(field, f"must be a list of messages, got {type_name(value)}")]
    if not value:
        return [(field, "empty (no messages)")]
    problems: Problems = []
    for i, turn in enumerate(value):
        where = f"{field}[{i}]"
        if not isinstance(turn, dict):
            problems.append((where, f"must be an object with {role_key!r} and {content_key!r}"))
            continue
        role = turn.get(role_key)
        if not isinstance(role, str) or role.lower() not in ROLE_ALIASES:
            known = ", ".join(sorted(ROLE_ALIASES))
            problems.append((f"{where}.{role_key}", f"unknown role {role!r} (known: {known})"))
        problems += [(f"{where}.{f}", m) for f, m in check_text(turn, content_key)]
    return problems


def check_order(roles: list[str], field: str, *, last: str | None = None) -> Problems:
    """Roles alternate user/assistant after an optional leading system message.

    ``last`` requires the final turn's role: "assistant" for chat data (there must be an
    answer to learn), "user" for prompts (the model answers next).
    """
    body = roles[1:] if roles and roles[0] == "system" else roles
    if not body:
        return [(field, "no user or assistant messages")]
    for i, role in enumerate(body):
        expected = "user" if i % 2 == 0 else "assistant"
        if role != expected:
            index = i + (len(roles) - len(body))
            return [(f"{field}[{index}]", f"role {role!r} out of order, expected {expected!r}")]
    if last and body[-1] != last:
        return [(field, f"last message must be from the {last}, not the {body[-1]}")]
    return []


def check_conversation(
    record: dict,
    field: str,
    *,
    role_key: str = "role",
    content_key: str = "content",
    last: str | None = None,
) -> Problems:
    """A message list under ``field``: well-formed turns in a valid order."""
    value = record.get(field)
    problems = check_turns(value, field, role_key=role_key, content_key=content_key)
    if problems:
        return problems
    roles = [ROLE_ALIASES[t[role_key].lower()] for t in value]
    return check_order(roles, field, last=last)


def check_prompt(record: dict, field: str = "prompt") -> Problems:
    """A prompt: a non-empty string, or messages ending with a user turn."""
    if isinstance(record.get(field), list):
        return check_conversation(record, field, last="user")
    return check_text(record, field)


def check_completion(record: dict, field: str) -> Problems:
    """A completion: a non-empty string, or exactly one assistant message."""
    value = record.get(field)
    if not isinstance(value, list):
        return check_text(record, field)
    problems = check_turns(value, field)
    if problems:
        return problems
    roles = [ROLE_ALIASES[t["role"].lower()] for t in value]
    if roles != ["assistant"]:
        return [(field, f"must be one assistant message, got roles {roles}")]
    return []


def type_name(value: Any) -> str:
    """JSON's name for a Python value's type, for messages users read."""
    if value is None:
        return "null"
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)
