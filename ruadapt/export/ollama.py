"""``ruadapt export ollama``: a folder Ollama builds a model from (``ollama create -f Modelfile``).

Ollama renders prompts with Go templates, not Jinja, so the model's chat template is
translated: rendered with marker strings for each role, it yields each role's prefix and
suffix, a default system prompt if it injects one, and the generation prompt. The pieces are
checked by reassembling several conversations and comparing with the Jinja rendering; a
template they cannot reproduce is refused rather than approximated.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruadapt.errors import UserError

GGUF_NAME = "model.gguf"
_S, _U, _A, _U2 = "\x00SYSTEM\x00", "\x00USER\x00", "\x00ASSISTANT\x00", "\x00USER2\x00"


@dataclass(frozen=True)
class ChatPieces:
    """A chat template as literal text around each message, in the order it renders."""

    system_prefix: str
    system_suffix: str
    user_prefix: str
    user_suffix: str
    assistant_prefix: str
    assistant_suffix: str
    generation_prompt: str
    default_system: str | None  # what the template inserts when no system message is given

    def render(self, messages: list[dict[str, str]], add_generation_prompt: bool = True) -> str:
        """The prompt these pieces make (what the Go template makes in Ollama)."""
        if self.default_system is not None and (not messages or messages[0]["role"] != "system"):
            messages = [{"role": "system", "content": self.default_system}, *messages]
        out = []
        for m in messages:
            prefix, suffix = {
                "system": (self.system_prefix, self.system_suffix),
                "user": (self.user_prefix, self.user_suffix),
                "assistant": (self.assistant_prefix, self.assistant_suffix),
            }[m["role"]]
            out.append(prefix + m["content"] + suffix)
        return "".join(out) + (self.generation_prompt if add_generation_prompt else "")


def _after(text: str, marker: str, what: str) -> tuple[str, str]:
    if text.count(marker) != 1:
        raise UserError(f"the chat template does not render {what} verbatim; cannot translate it")
    before, after = text.split(marker)
    return before, after


def chat_pieces(tokenizer: Any) -> ChatPieces:
    """Each role's prefix and suffix in ``tokenizer``'s chat template (see the module doc)."""
    from ruadapt.export.gguf_export import plain_chat_template

    template = getattr(tokenizer, "chat_template", None)
    if not isinstance(template, str) or not template:
        raise UserError("the model has no chat template; Ollama needs one for chat")
    template = plain_chat_template(template)

    def render(messages: list[tuple[str, str]], gen: bool = False) -> str:
        return tokenizer.apply_chat_template(
            [{"role": r, "content": c} for r, c in messages],
            chat_template=template,
            tokenize=False,
            add_generation_prompt=gen,
        )

    user_only = render([("user", _U)])
    before_u, user_suffix = _after(user_only, _U, "a user message")
    with_gen = render([("user", _U)], gen=True)
    if not with_gen.startswith(user_only):
        raise UserError("the chat template's generation prompt is not appended at the end")
    generation_prompt = with_gen[len(user_only) :]
    _, tail = _after(render([("user", _U), ("assistant", _A)]), _U, "a user message")
    if not tail.startswith(user_suffix):
        raise UserError("the chat template ends a user message differently before an answer")
    assistant_prefix, assistant_suffix = _after(tail[len(user_suffix) :], _A, "an answer")
    turn = render([("user", _U), ("assistant", _A), ("user", _U2)])
    _, after_answer = _after(turn, _A, "an answer")
    user_prefix = after_answer[len(assistant_suffix) :].split(_U2)[0]
    system_prefix, rest = _after(render([("system", _S), ("user", _U)]), _S, "a system message")
    between, _ = _after(rest, _U, "a user message")
    if not between.endswith(user_prefix) or not before_u.endswith(user_prefix):
        raise UserError("the chat template's user prefix depends on its position")
    system_suffix = between[: len(between) - len(user_prefix)]
    default_block = before_u[: len(before_u) - len(user_prefix)]
    default_system = None
    if default_block:
        if not (default_block.startswith(system_prefix) and default_block.endswith(system_suffix)):
            raise UserError("the chat template starts with text that is not a system message")
        default_system = default_block[len(system_prefix) : len(default_block) - len(system_suffix)]
    pieces = ChatPieces(
        system_prefix,
        system_suffix,
        user_prefix,
        user_suffix,
        assistant_prefix,
        assistant_suffix,
        generation_prompt,
        default_system,
    )
    for messages in _probe_conversations():
        expected = tokenizer.apply_chat_template(
            messages, chat_template=template, tokenize=False, add_generation_prompt=True
        )
        if pieces.render(messages) != expected:
            raise UserError(
                "the chat template is not a fixed prefix/suffix per role; write the Ollama "
                "TEMPLATE by hand"
            )
    return pieces


def _probe_conversations() -> list[list[dict[str, str]]]:
    s = {"role": "system", "content": "Отвечай кратко."}
    u = {"role": "user", "content": "Какая столица России?"}
    a = {"role": "assistant", "content": "Москва."}
    u2 = {"role": "user", "content": "And of France?"}
    return [[u], [s, u], [u, a, u2], [s, u, a, u2]]


def _go_literal(text: str) -> str:
    """Text for a Go template: ``{{`` would open an action."""
    return text.replace("{{", '{{ "{{" }}')


def go_template(pieces: ChatPieces) -> str:
    """The Ollama ``TEMPLATE`` (Go text/template over ``.Messages``) for ``pieces``.

    No ``{{-`` trimming: the pieces' own newlines are part of the prompt."""
    p = {k: _go_literal(v) for k, v in vars(pieces).items() if isinstance(v, str)}
    return (
        "{{ range .Messages }}"
        f'{{{{ if eq .Role "system" }}}}{p["system_prefix"]}{{{{ .Content }}}}{p["system_suffix"]}'
        f'{{{{ else if eq .Role "user" }}}}{p["user_prefix"]}{{{{ .Content }}}}{p["user_suffix"]}'
        f'{{{{ else if eq .Role "assistant" }}}}{p["assistant_prefix"]}{{{{ .Content }}}}'
        f"{p['assistant_suffix']}"
        "{{ end }}{{ end }}"
        f"{p['generation_prompt']}"
    )


def stop_tokens(tokenizer: Any, pieces: ChatPieces) -> list[str]:
    """Strings that end an answer: the EOS token, the special token closing an answer, and
    the one opening the next turn (so the model cannot write the user's part)."""
    specials = [str(t) for t in tokenizer.all_special_tokens]
    added = getattr(tokenizer, "added_tokens_decoder", {}) or {}
    specials += [str(t) for t in added.values() if getattr(t, "special", False)]
    stops: list[str] = []
    if tokenizer.eos_token:
        stops.append(str(tokenizer.eos_token))
    for text, at_end in ((pieces.assistant_suffix.rstrip(), True), (pieces.user_prefix, False)):
        for token in specials:
            if (text.endswith(token) if at_end else text.startswith(token)) and token not in stops:
                stops.append(token)
    return stops


def _quoted(text: str) -> str:
    if '"""' in text:
        raise UserError('the chat template contains """, which a Modelfile cannot quote')
    return f'"""{text}"""'


def modelfile(tokenizer: Any, gguf_name: str = GGUF_NAME, source: str = "") -> str:
    """The Modelfile text: FROM the GGUF beside it, TEMPLATE, SYSTEM (the template's default
    system prompt, if any) and the stop tokens."""
    pieces = chat_pieces(tokenizer)
    lines = [
        f"# Written by `ruadapt export ollama`{f' from {source}' if source else ''}.",
        "# ollama create NAME -f Modelfile && ollama run NAME",
        f"FROM ./{gguf_name}",
        f"TEMPLATE {_quoted(go_template(pieces))}",
    ]
    if pieces.default_system is not None:
        lines.append(f"SYSTEM {_quoted(pieces.default_system)}")
    lines += [f'PARAMETER stop "{s}"' for s in stop_tokens(tokenizer, pieces)]
    return "\n".join(lines) + "\n"


def export_ollama(
    model: str, output_dir: str | Path, outtype: str = "f16", *, overwrite: bool = False
) -> Path:
    """Write ``output_dir`` with ``model.gguf`` (:func:`ruadapt.export.export_gguf`) and a
    ``Modelfile`` for it. The folder is built beside its target and swapped in when complete;
    an existing one is replaced only with ``overwrite`` and only if ruadapt wrote it."""
    from ruadapt.export.gguf_export import OUTTYPES, _load, require_gguf, write_gguf
    from ruadapt.outputs import check_output, staged_folder

    if outtype not in OUTTYPES:
        raise UserError(f"--outtype must be one of {', '.join(OUTTYPES)}; got {outtype!r}")
    out = check_output(output_dir, overwrite=overwrite, inputs={"MODEL": model})
    require_gguf()
    path, lm, tokenizer = _load(model)
    check_output(out, overwrite=overwrite, inputs={"MODEL": path})
    text = modelfile(tokenizer, GGUF_NAME, source=model)  # before the slow part: may refuse
    with staged_folder(out, "export ollama", checked=True) as staging:
        write_gguf(lm, tokenizer, staging / GGUF_NAME, outtype=outtype, name=Path(path).name)
        (staging / "Modelfile").write_text(text, encoding="utf-8")
    return out
