"""SFT: supervised fine-tuning on conversations, loss on assistant tokens only.

    ruadapt run --method sft --model tiny --data ru-sft -o out/sft
    ruadapt run --method sft --model tiny --data ru-sft --adapter lora -o out/sft-lora

The loss is the cross-entropy of the assistant tokens; system and user tokens are context
only. TRL finds those tokens through the chat template's ``{% generation %}`` markers (or a
patched template it ships for known model families). For any other template ruadapt falls
back to completion-only loss: each conversation becomes prompt (everything before the last
answer) + completion (the last answer), and only the completion is trained.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ruadapt
from ruadapt.config import opt

PACKING_STRATEGIES = ("bfd", "bfd_split", "wrapped")


@dataclass
class SFTConfig:
    assistant_only_loss: bool = opt(
        True, "loss on assistant tokens only (false: on every token of the conversation)"
    )
    packing: bool = opt(False, "pack several conversations into one max_length sequence")
    packing_strategy: str = opt(
        "bfd", "how to pack: bfd (whole conversations), bfd_split, wrapped (cut anywhere)"
    )
    chat_template: str | None = opt(
        None, "chat template to train with: a .jinja file, or `chatml` (ruadapt's default)"
    )

    def __post_init__(self) -> None:
        if self.packing_strategy not in PACKING_STRATEGIES:
            raise ruadapt.UserError(
                f"packing_strategy must be one of {', '.join(PACKING_STRATEGIES)}, "
                f"got {self.packing_strategy!r}"
            )
        if self.chat_template not in (None, "chatml"):
            path = Path(self.chat_template).expanduser()
            if not path.is_file():
                raise ruadapt.UserError(f"chat_template: no such file {path}")


def set_chat_template(run: Any, choice: str | None) -> None:
    """Install the chosen chat template on the run's tokenizer (saved with the model)."""
    if choice is None:
        return
    tokenizer = run.tokenizer
    if choice == "chatml":
        tokenizer.chat_template = None  # chat_model() installs the ChatML default
    else:
        tokenizer.chat_template = Path(choice).expanduser().read_text(encoding="utf-8")


def can_mask_assistant(tokenizer: Any) -> bool:
    """True when TRL can find assistant tokens: generation markers, or a known template."""
    from trl.chat_template_utils import get_training_chat_template, has_generation_markers

    if has_generation_markers(tokenizer.chat_template):
        return True
    try:
        get_training_chat_template(tokenizer)
    except ValueError:  # TRL ships no training variant of this template
        return False
    return True


ANSWER_CHECK_LIMIT = 2000  # conversations checked for answers lost to truncation


def answerless_conversations(tokenizer: Any, dataset: Any, max_length: int) -> tuple[int, int]:
    """(conversations whose text before the first answer already fills ``max_length`` tokens,
    conversations checked): truncation leaves those without a single answer token, so under
    an answer-only loss they train nothing. At most ``ANSWER_CHECK_LIMIT`` are checked."""
    lost = checked = 0
    for example in dataset.select(range(min(len(dataset), ANSWER_CHECK_LIMIT))):
        messages = example["messages"]
        first = next((i for i, m in enumerate(messages) if m["role"] == "assistant"), None)
        if first is None:
            continue
        text = tokenizer.apply_chat_template(
            messages[:first], tokenize=False, add_generation_prompt=True
        )
        lost += len(tokenizer(text, add_special_tokens=False)["input_ids"]) >= max_length
        checked += 1
    return lost, checked


def last_turn_as_completion(example: dict) -> dict:
    """A conversation as prompt (all before the last answer) + completion (the last answer)."""
    messages = example["messages"]
    return {"prompt": messages[:-1], "completion": messages[-1:]}


def train(run: ruadapt.Run, config: SFTConfig) -> None:
    from ruadapt_plugins._trl import chat_model, fit, note, trl_args
    from trl import SFTConfig as TrlSFTConfig
    from trl import SFTTrainer

    dataset, eval_dataset = run.dataset, run.eval_dataset
    set_chat_template(run, config.chat_template)
    model = chat_model(run)
    # only an answer-only loss trains nothing on them; a whole-conversation loss still learns
    lost, checked = (
        answerless_conversations(run.tokenizer, dataset, run.options.max_length)
        if config.assistant_only_loss
        else (0, 0)
    )
    if lost:
        note(
            f"{lost} of {checked} conversations have no answer token left within "
            f"max_length={run.options.max_length} (the prompt alone fills it), so they train "
            "nothing; raise --max-length"
        )
    assistant_only = config.assistant_only_loss
    if assistant_only and not can_mask_assistant(run.tokenizer):
        note(
            f"the chat template of {run.options.model} marks no assistant tokens "
            "({% generation %}); training on the last answer of each conversation "
            "(completion-only loss); pass --chat-template chatml to train every answer"
        )
        dataset = dataset.map(last_turn_as_completion, remove_columns=["messages"])
        if eval_dataset is not None:
            eval_dataset = eval_dataset.map(last_turn_as_completion, remove_columns=["messages"])
        assistant_only = False
    args = trl_args(
        TrlSFTConfig,
        run,
        assistant_only_loss=assistant_only,
        packing=config.packing,
        packing_strategy=config.packing_strategy,
    )
    trainer = SFTTrainer(
        model=model,
        args=args,
        train_dataset=dataset,
        eval_dataset=eval_dataset,
        processing_class=run.tokenizer,
        callbacks=[run.callback()],
    )
    fit(run, trainer)


@ruadapt.hookimpl
def register_methods(register):
    register(
        ruadapt.Method(
            name="sft",
            config=SFTConfig,
            data_kind="chat",
            train=train,
            summary="supervised fine-tuning, loss on assistant tokens only",
            trainer_config="trl:SFTConfig",
            run_defaults={"data": "ru-sft", "learning_rate": 5e-4},
        )
    )
