"""Chat templates: the model's own when it has one, a documented ChatML default otherwise.

Methods call ``ensure_chat_template(tokenizer, model)`` before training on conversations.
The default is ChatML (``<|im_start|>role\\ncontent<|im_end|>\\n``) with
``{% generation %}`` markers around assistant turns, so TRL can compute the loss on
assistant tokens only. It is the template of ruadapt's tiny model.
"""

from __future__ import annotations

from typing import Any

from ruadapt.contracts import DATA_KINDS
from ruadapt.data.kinds import conversations, record_text

CHATML_TOKENS = ("<|im_start|>", "<|im_end|>")

# ChatML with {% generation %} markers, so TRL can mask everything but assistant turns.
DEFAULT_CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' }}"
    "{% if message['role'] == 'assistant' %}"
    "{% generation %}{{ message['content'] + '<|im_end|>' }}{% endgeneration %}{{ '\n' }}"
    "{% else %}{{ message['content'] + '<|im_end|>\n' }}{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)

__all__ = ["DEFAULT_CHAT_TEMPLATE", "ensure_chat_template", "model_max_length", "token_count"]


def ensure_chat_template(tokenizer: Any, model: Any = None) -> bool:
    """Give ``tokenizer`` the default template if it has none; True when it did.

    Installing the default adds the ChatML markers as special tokens when the vocabulary
    lacks them and makes ``<|im_end|>`` the end-of-sequence token, so generation stops at
    the end of an answer. Pass ``model`` to resize its embeddings and update its EOS id;
    without it, resize the model yourself when ``len(tokenizer)`` grew.
    """
    if getattr(tokenizer, "chat_template", None):
        return False
    vocab = tokenizer.get_vocab()
    missing = [t for t in CHATML_TOKENS if t not in vocab]
    if missing:
        tokenizer.add_tokens(missing, special_tokens=True)
    tokenizer.chat_template = DEFAULT_CHAT_TEMPLATE
    tokenizer.eos_token = "<|im_end|>"
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    if model is not None:
        if missing:
            model.resize_token_embeddings(len(tokenizer))
        eos_id = tokenizer.convert_tokens_to_ids("<|im_end|>")
        model.config.eos_token_id = eos_id
        if getattr(model, "generation_config", None) is not None:
            model.generation_config.eos_token_id = eos_id
    return True


def token_count(tokenizer: Any, kind: str, record: dict) -> int:
    """Tokens the model sees for a canonical record (the longest side of a pair).

    Conversations are rendered with the chat template first, so the count includes the
    template's markers, as in training.
    """
    if kind == "text" or kind not in DATA_KINDS:  # eval sets: their text, as written
        text = record_text(kind, record)
        return len(tokenizer(text, add_special_tokens=False)["input_ids"])
    longest = 0
    for messages, generation_prompt in conversations(kind, record):
        text = tokenizer.apply_chat_template(
            messages, tokenize=False, add_generation_prompt=generation_prompt
        )
        longest = max(longest, len(tokenizer(text, add_special_tokens=False)["input_ids"]))
    return longest


def model_max_length(tokenizer: Any, model_path: str | None = None) -> int | None:
    """The model's context length: the tokenizer's limit, else the model config's."""
    limit = getattr(tokenizer, "model_max_length", None)
    if isinstance(limit, int) and 0 < limit < 10**7:  # unset limits are huge sentinels
        return limit
    if model_path:
        import json
        from pathlib import Path

        config = Path(model_path) / "config.json"
        if config.is_file():
            value = json.loads(config.read_text()).get("max_position_embeddings")
            return int(value) if value else None
    return None
