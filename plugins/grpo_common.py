"""What the group-relative RL methods (grpo, rloo) share: options, rewards, the TRL wiring.

Both sample ``num_generations`` completions per prompt, score each with the run's rewards and
compare a completion with its own group instead of a learned value: GRPO by
``(r - mean) / std`` within the group, RLOO by ``r_i - mean of the other completions``.
The rewards are the ones ``ppo`` uses: a reward model (``reward``, weighted by
``reward_weight``) and/or registered rule-based rewards (``rewards``, see
``ruadapt_plugins.rewards``), each handed to TRL as one weighted reward function so TRL logs
every part (``rewards/NAME/mean``).

Kept apart from ``grpo.py`` and ``rloo.py`` so deleting one of them removes one method only.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ruadapt
from ruadapt.config import opt

#: Run defaults of both methods: short answers to the bundled Russian prompts.
RUN_DEFAULTS = {
    "data": "ru-prompts",
    "learning_rate": 1e-5,
    "batch_size": 8,
    "max_length": 256,
    "logging_steps": 1,
}


@dataclass
class GroupRLConfig:
    reward: str | None = opt(None, "reward model directory (trained with --plugin reward)")
    reward_weight: float = opt(1.0, "weight of the reward model's score in the total reward")
    rewards: str | None = opt(
        None, "rule-based rewards NAME[@PARAM][:WEIGHT],... e.g. russian:1,length@80:0.3"
    )
    num_generations: int = opt(4, "completions sampled per prompt (the group); divides batch_size")
    max_new_tokens: int = opt(48, "tokens sampled per completion")
    temperature: float = opt(1.0, "sampling temperature")
    top_p: float = opt(1.0, "nucleus sampling: keep the smallest token set of this mass")
    beta: float = opt(0.04, "KL penalty coefficient towards the reference (0: no reference)")
    epsilon: float = opt(0.2, "clip of the probability ratio")
    num_iterations: int = opt(1, "gradient passes over each batch of completions (mu)")

    def __post_init__(self) -> None:
        checks = [
            (self.num_generations >= 2, "num_generations must be >= 2 (a group needs two)"),
            (self.max_new_tokens >= 1, "max_new_tokens must be >= 1"),
            (self.temperature > 0, "temperature must be > 0"),
            (0 < self.top_p <= 1, "top_p must be in (0, 1]"),
            (self.beta >= 0, "beta must be >= 0"),
            (self.epsilon > 0, "epsilon must be > 0"),
            (self.num_iterations >= 1, "num_iterations must be >= 1"),
            (
                self.reward or self.rewards,
                "no reward: pass --reward RM_DIR or --set rewards=russian",
            ),
        ]
        for ok, message in checks:
            if not ok:
                raise ruadapt.UserError(message)


def _text(message: Any) -> str:
    """The text of a TRL prompt or completion: a string, or a list of chat messages."""
    if isinstance(message, str):
        return message
    return message[-1]["content"] if message else ""


def rule_reward(label: str, score: Callable) -> Callable:
    """A TRL reward function from a ruadapt ``score(prompt_texts, completion_texts)``."""

    def reward(prompts: list, completions: list, **_: Any) -> list[float]:
        values = score([_text(p) for p in prompts], [_text(c) for c in completions])
        values = list(values)
        if len(values) != len(completions):
            raise ruadapt.UserError(
                f"reward {label!r} returned {len(values)} scores for {len(completions)} texts"
            )
        return [float(v) for v in values]

    reward.__name__ = label  # TRL logs rewards/<__name__>/mean
    return reward


def reward_model_reward(path: str, max_length: int) -> Callable:
    """A TRL reward function scoring (prompt, completion) with a ruadapt reward model."""
    from ruadapt_plugins.reward import load_reward_model, score

    model, tokenizer = load_reward_model(path)

    def reward_model(prompts: list, completions: list, **_: Any) -> list[float]:
        messages = [p if isinstance(p, list) else [{"role": "user", "content": p}] for p in prompts]
        texts = [_text(c) for c in completions]
        return score(model, tokenizer, messages, texts, max_length=max_length)

    return reward_model


def reward_functions(run: Any, config: GroupRLConfig) -> tuple[list[Callable], list[float]]:
    """The run's reward functions and their weights (reward model first, then the rules)."""
    funcs: list[Callable] = []
    weights: list[float] = []
    if config.rewards:
        from ruadapt_plugins.rewards import combine

        _, parts = combine(config.rewards, run.registry)  # validates every name first
        for label, weight, score in parts:
            funcs.append(rule_reward(label, score))
            weights.append(weight)
    if config.reward:
        funcs.insert(0, reward_model_reward(config.reward, run.options.max_length))
        weights.insert(0, config.reward_weight)
    return funcs, weights


def check_batch(run: Any, config: GroupRLConfig) -> None:
    """A step's completions (batch_size x grad accumulation) must hold whole groups."""
    completions = run.options.batch_size * run.options.gradient_accumulation_steps
    if completions % config.num_generations:
        raise ruadapt.UserError(
            f"batch_size x gradient_accumulation_steps ({completions}) must be a multiple of "
            f"num_generations ({config.num_generations}): each step scores whole groups"
        )


def train_group_method(
    run: Any, config: GroupRLConfig, trainer_cls: type, config_cls: type, **method_args: Any
) -> None:
    """Train ``trainer_cls`` (GRPOTrainer / RLOOTrainer) with the run's options and rewards."""
    from ruadapt_plugins._trl import chat_model, fit, is_peft, use_base_as_reference

    check_batch(run, config)
    funcs, weights = reward_functions(run, config)  # fail on a bad reward before the model
    dataset = run.dataset
    model = chat_model(run)
    kwargs = run.training_arguments()
    kwargs.update(
        num_generations=config.num_generations,
        max_completion_length=config.max_new_tokens,
        temperature=config.temperature,
        top_p=config.top_p,
        beta=config.beta,
        epsilon=config.epsilon,
        num_iterations=config.num_iterations,
        reward_weights=weights,
        **method_args,
    )
    trainer = trainer_cls(
        model=model,
        reward_funcs=funcs,
        args=config_cls(**kwargs),
        train_dataset=dataset,
        processing_class=run.tokenizer,
        callbacks=[run.callback()],
    )
    if config.beta > 0 and not is_peft(model):
        # TRL reloads the reference from the model's path; an exact copy of the starting
        # policy is right even when the vocabulary was just resized for a chat template
        ref = copy.deepcopy(trainer.accelerator.unwrap_model(trainer.model))
        ref.requires_grad_(False)
        trainer.ref_model = trainer.accelerator.prepare_model(ref.eval(), evaluation_mode=True)
    use_base_as_reference(trainer)  # a fresh LoRA: the base with the adapter off, no copy
    fit(run, trainer)
    summarize(run, trainer)


def summarize(run: Any, trainer: Any) -> None:
    """First vs last quarter of the logged mean reward, for run.json and the docs."""
    rewards = [h["reward"] for h in trainer.state.log_history if "reward" in h]
    if not rewards:
        return
    k = max(1, len(rewards) // 4)
    run.extra["reward"] = {
        "steps": len(rewards),
        "reward_first": round(sum(rewards[:k]) / k, 4),
        "reward_last": round(sum(rewards[-k:]) / k, 4),
        "window": k,
    }
