"""The built-in data formats, registered through the same hook a third party uses.

Each format recognises a file by its field names, checks one record, and converts it to the
canonical records of its kind (see ``docs/data.md``). Detection picks the matching
format with the highest priority, so the specific ``binary`` (prompt/completion/label) wins
over ``prompt_completion``, which wins over the bare ``prompt``.

Deleting this module leaves ruadapt without formats (and says so); nothing else breaks.
"""

from __future__ import annotations

from itertools import combinations

import ruadapt
from ruadapt.data.messages import (
    Problems,
    as_completion,
    as_prompt,
    check_completion,
    check_conversation,
    check_prompt,
    check_text,
    message,
    normalize_turns,
    type_name,
)

# ---- text ----------------------------------------------------------------------------------


def _text(record: dict) -> list[dict]:
    return [{"text": record["text"]}]


# ---- chat: messages, ShareGPT, alpaca, prompt/completion --------------------------------------


def _messages(record: dict) -> list[dict]:
    return [{"messages": normalize_turns(record["messages"])}]


def _sharegpt_check(record: dict) -> Problems:
    problems = check_conversation(record, "conversations", role_key="from", content_key="value")
    return problems + check_text(record, "system", required=False)


def _sharegpt(record: dict) -> list[dict]:
    turns = normalize_turns(record["conversations"], role_key="from", content_key="value")
    if record.get("system") and turns[0]["role"] != "system":
        turns.insert(0, message("system", record["system"]))
    return [{"messages": turns}]


def _alpaca_check(record: dict) -> Problems:
    problems = check_text(record, "instruction") + check_text(record, "output")
    for optional in ("input", "system"):
        value = record.get(optional)
        if value is not None and not isinstance(value, str):
            problems.append((optional, f"must be a string, got {type_name(value)}"))
    return problems


def _alpaca(record: dict) -> list[dict]:
    # The input is the material the instruction is about ("translate: <input>").
    user = record["instruction"].strip()
    if (record.get("input") or "").strip():
        user = f"{user}\n\n{record['input'].strip()}"
    turns = [message("user", user), message("assistant", record["output"])]
    if (record.get("system") or "").strip():
        turns.insert(0, message("system", record["system"]))
    return [{"messages": turns}]


def _prompt_completion_check(record: dict) -> Problems:
    return check_prompt(record, "prompt") + check_completion(record, "completion")


def _prompt_completion(record: dict) -> list[dict]:
    return [{"messages": as_prompt(record["prompt"]) + as_completion(record["completion"])}]


# ---- preference: prompt/chosen/rejected, ranked lists -----------------------------------------


def _implicit_prompt(record: dict) -> bool:
    """Both sides are whole conversations sharing the prompt (Anthropic HH, UltraFeedback
    layouts); a ``prompt`` field next to them, if any, repeats that shared prefix."""
    chosen, rejected = record.get("chosen"), record.get("rejected")
    if not (isinstance(chosen, list) and isinstance(rejected, list)):
        return False
    return "prompt" not in record or len(chosen) > 1 or len(rejected) > 1


def _preference_check(record: dict) -> Problems:
    if _implicit_prompt(record):
        problems = check_conversation(record, "chosen", last="assistant")
        problems += check_conversation(record, "rejected", last="assistant")
        if not problems and record["chosen"][:-1] != record["rejected"][:-1]:
            problems.append(("rejected", "does not share the prompt (all but the last message)"))
        return problems
    return (
        check_prompt(record, "prompt")
        + check_completion(record, "chosen")
        + check_completion(record, "rejected")
    )


def _preference(record: dict) -> list[dict]:
    if _implicit_prompt(record):
        chosen, rejected = normalize_turns(record["chosen"]), normalize_turns(record["rejected"])
        return [{"prompt": chosen[:-1], "chosen": chosen[-1:], "rejected": rejected[-1:]}]
    return [
        {
            "prompt": as_prompt(record["prompt"]),
            "chosen": as_completion(record["chosen"]),
            "rejected": as_completion(record["rejected"]),
        }
    ]


def _ranked_order(record: dict) -> list[int]:
    """``ranking`` as response indices, best first: [3, 2, 0, 1] or ["D", "C", "A", "B"]."""
    return [r if isinstance(r, int) else ord(r.upper()) - ord("A") for r in record["ranking"]]


def _ranked_check(record: dict) -> Problems:
    problems = check_prompt(record, "prompt")
    responses, ranking = record.get("responses"), record.get("ranking")
    if not isinstance(responses, list) or len(responses) < 2:
        return [*problems, ("responses", "must be a list of at least two responses")]
    for i, response in enumerate(responses):
        field = f"responses[{i}]"
        problems += check_completion({field: response}, field)
    letters = all(isinstance(r, str) and len(r) == 1 and r.isalpha() for r in ranking or [])
    numbers = all(isinstance(r, int) and not isinstance(r, bool) for r in ranking or [])
    if not isinstance(ranking, list) or len(ranking) < 2 or not (letters or numbers):
        return [
            *problems,
            ("ranking", "must list at least two response indices (0-based) or letters, best first"),
        ]
    order = _ranked_order(record)
    if any(not 0 <= i < len(responses) for i in order):
        problems.append(("ranking", f"refers to a response that does not exist ({ranking})"))
    elif len(set(order)) != len(order):
        problems.append(("ranking", f"names a response twice ({ranking})"))
    return problems


def _ranked(record: dict) -> list[dict]:
    """Every ordered pair of a ranking: D > C > A > B gives DC DA DB CA CB AB (n(n-1)/2)."""
    prompt = as_prompt(record["prompt"])
    responses = [as_completion(r) for r in record["responses"]]
    return [
        {"prompt": prompt, "chosen": responses[better], "rejected": responses[worse]}
        for better, worse in combinations(_ranked_order(record), 2)
    ]


# ---- binary feedback and prompts ------------------------------------------------------------


def _binary_check(record: dict) -> Problems:
    problems = check_prompt(record, "prompt") + check_completion(record, "completion")
    label = record.get("label")
    if label is None:
        problems.append(("label", "missing"))
    elif not isinstance(label, bool):
        problems.append(("label", f"must be true or false, got {label!r} ({type_name(label)})"))
    return problems


def _binary(record: dict) -> list[dict]:
    return [
        {
            "prompt": as_prompt(record["prompt"]),
            "completion": as_completion(record["completion"]),
            "label": record["label"],
        }
    ]


def _prompt(record: dict) -> list[dict]:
    return [{"prompt": as_prompt(record["prompt"])}]


FORMATS = [
    ruadapt.DataFormat(
        name="text",
        kind="text",
        detect=lambda cols: "text" in cols,
        convert=_text,
        validate=lambda r: check_text(r, "text"),
        summary="text",
    ),
    ruadapt.DataFormat(
        name="messages",
        kind="chat",
        detect=lambda cols: "messages" in cols,
        convert=_messages,
        validate=lambda r: check_conversation(r, "messages"),
        summary="messages: [{role, content}, ...]",
        priority=10,
    ),
    ruadapt.DataFormat(
        name="sharegpt",
        kind="chat",
        detect=lambda cols: "conversations" in cols,
        convert=_sharegpt,
        validate=_sharegpt_check,
        summary="conversations: [{from, value}, ...]",
        priority=10,
    ),
    ruadapt.DataFormat(
        name="alpaca",
        kind="chat",
        detect=lambda cols: {"instruction", "output"} <= cols,
        convert=_alpaca,
        validate=_alpaca_check,
        summary="instruction, input, output",
        priority=10,
    ),
    ruadapt.DataFormat(
        name="prompt_completion",
        kind="chat",
        detect=lambda cols: {"prompt", "completion"} <= cols,
        convert=_prompt_completion,
        validate=_prompt_completion_check,
        summary="prompt, completion",
        priority=10,
    ),
    ruadapt.DataFormat(
        name="preference",
        kind="preference",
        detect=lambda cols: {"chosen", "rejected"} <= cols,
        convert=_preference,
        validate=_preference_check,
        summary="prompt, chosen, rejected",
        priority=20,
    ),
    ruadapt.DataFormat(
        name="ranked",
        kind="preference",
        detect=lambda cols: {"responses", "ranking"} <= cols,
        convert=_ranked,
        validate=_ranked_check,
        summary="prompt, responses, ranking (best first)",
        priority=20,
    ),
    ruadapt.DataFormat(
        name="binary",
        kind="binary",
        detect=lambda cols: {"prompt", "completion", "label"} <= cols,
        convert=_binary,
        validate=_binary_check,
        summary="prompt, completion, label",
        priority=20,
    ),
    ruadapt.DataFormat(
        name="prompt",
        kind="prompts",
        detect=lambda cols: "prompt" in cols,
        convert=_prompt,
        validate=lambda r: check_prompt(r, "prompt"),
        summary="prompt",
    ),
]


@ruadapt.hookimpl
def register_data_formats(register):
    for fmt in FORMATS:
        register(fmt)
