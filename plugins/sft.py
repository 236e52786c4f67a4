"""SFT: supervised fine-tuning on chat data, loss on assistant tokens only.

ruadapt run --plugin sft --model tiny --data ru-sft -o out/sft
"""

from __future__ import annotations

from dataclasses import dataclass

import ruadapt
from ruadapt.config import opt


@dataclass
class SFTConfig:
    assistant_only_loss: bool = opt(True, "compute the loss on assistant tokens only")
    packing: bool = opt(False, "pack several examples into one sequence (faster, no padding)")


def train(run, config: SFTConfig) -> None:
    from trl import SFTConfig as TrlSFTConfig
    from trl import SFTTrainer

    args = TrlSFTConfig(
        **run.training_arguments(),
        max_length=run.options.max_length,
        assistant_only_loss=config.assistant_only_loss,
        packing=config.packing,
    )
    trainer = SFTTrainer(
        model=run.model,
        args=args,
        train_dataset=run.dataset,
        eval_dataset=run.eval_dataset,
        processing_class=run.tokenizer,
        callbacks=[run.callback()],
    )
    trainer.train(resume_from_checkpoint=run.resume_from)
    run.model = trainer.model


@ruadapt.hookimpl
def register_methods(register):
    register(
        ruadapt.Method(
            name="sft",
            config=SFTConfig,
            data_kind="chat",
            train=train,
            summary="supervised fine-tuning, loss on assistant tokens only",
            run_defaults={"data": "ru-sft", "learning_rate": 5e-4},
        )
    )
