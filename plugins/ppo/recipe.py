"""Wiring a PPO run: policy, reference, reward, the PPO loop, and alternating RM rounds."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from ruadapt_plugins.ppo.trainer import PPOTrainer, Scorer

import ruadapt


def reference_for(policy: Any) -> Any:
    """None for a PEFT policy (the base with the adapter off), else a frozen exact copy."""
    from ruadapt_plugins._trl import is_peft

    if is_peft(policy):
        return None
    ref = copy.deepcopy(policy)
    ref.requires_grad_(False)
    return ref.eval()


class RewardModelScorer:
    """Scores with a reward model (kept on the policy's device), re-trainable between rounds."""

    def __init__(self, path: str, max_length: int) -> None:
        from ruadapt_plugins.reward import load_reward_model

        self.model, self.tokenizer = load_reward_model(path)
        self.max_length = max_length

    def __call__(self, prompts: list[list[dict]], completions: list[str]) -> list[float]:
        from ruadapt_plugins.reward import score

        return score(self.model, self.tokenizer, prompts, completions, max_length=self.max_length)


def value_model(run: Any, config: Any, rm: RewardModelScorer | None) -> Any:
    """``value_model=reward``: a trainable copy of the reward model (its tokenizer must be
    the policy's vocabulary); None: a value head on the policy."""
    if config.value_model == "policy":
        return None
    if rm is None:
        raise ruadapt.UserError("value_model=reward needs a reward model: pass --reward RM_DIR")
    if rm.tokenizer.get_vocab() != run.tokenizer.get_vocab():
        raise ruadapt.UserError(
            f"value_model=reward: the reward model {config.reward} has another vocabulary "
            "than the policy; use value_model=policy"
        )
    model = copy.deepcopy(rm.model)
    model.requires_grad_(True)
    return model.train()


def build_scorer(run: Any, config: Any, rm: RewardModelScorer | None) -> Scorer:
    """Total reward: ``reward_weight * RM score`` + the weighted rule-based rewards."""
    rules = None
    if config.rewards:
        from ruadapt_plugins.rewards import combine

        rules, _ = combine(config.rewards, run.registry)

    def total(prompts: list[list[dict]], completions: list[str]) -> list[float]:
        values = [0.0] * len(completions)
        if rm is not None:
            values = [config.reward_weight * v for v in rm(prompts, completions)]
        if rules is not None:
            texts = [p[-1]["content"] for p in prompts]
            values = [v + r for v, r in zip(values, rules(texts, completions), strict=True)]
        return values

    return total


def train_ppo(run: Any, config: Any) -> None:
    from ruadapt_plugins._trl import chat_model
    from ruadapt_plugins.ppo.trainer import check_trackers

    from ruadapt import distributed

    check_trackers(run.options.report_to)  # before the model loads
    dataset, eval_dataset = run.dataset, run.eval_dataset
    policy = chat_model(run)
    policy.config.use_cache = True
    reference = reference_for(policy)
    rm = RewardModelScorer(config.reward, run.options.max_length) if config.reward else None
    trainer = PPOTrainer(
        run,
        config,
        policy,
        reference,
        build_scorer(run, config, rm),
        value_model(run, config, rm),
        n_prompts=len(dataset),
    )
    if run.resume_from:
        trainer.load(Path(run.resume_from))
    per_round = trainer.total_iterations(len(dataset))  # max_steps / epochs count one round
    history: list[dict] = []
    for round_ in range(config.rounds):
        end = per_round * (round_ + 1)
        if trainer.iteration >= end:
            continue  # finished before a resume
        if round_ > 0 and rm is not None and trainer.iteration == per_round * round_:
            retrain_reward_model(run, config, trainer, rm, dataset, round_)
        history += trainer.train(dataset, until=end, eval_dataset=eval_dataset)
    trainer.end()
    run.model = trainer.accelerator.unwrap_model(trainer.policy)
    run.trainer = trainer  # the runner's final save: trainer.save_model on every rank
    if config.rounds > 1 and rm is not None and distributed.is_main():
        from ruadapt.models import save_pretrained

        # the reward model after the last round, beside the policy
        save_pretrained(rm.model, rm.tokenizer, run.output_dir / "reward_model")
    run.extra["ppo"] = summarize(history)


def summarize(history: list[dict]) -> dict[str, Any]:
    """First vs last iterations of the reward and KL, for run.json and the docs."""
    if not history:
        return {}
    k = max(1, len(history) // 4)
    first, last = history[:k], history[-k:]

    def mean(rows: list[dict], key: str) -> float:
        return round(sum(r[key] for r in rows) / len(rows), 4)

    return {
        "iterations": len(history),
        "reward_first": mean(first, "reward_mean"),
        "reward_last": mean(last, "reward_mean"),
        "kl_last": mean(last, "kl"),
        "window": k,
    }


def retrain_reward_model(
    run: Any, config: Any, trainer: PPOTrainer, rm: RewardModelScorer, prompts: Any, round_: int
) -> None:
    """One RM round: new comparison pairs (file or labelled samples), then Bradley-Terry."""
    from ruadapt_plugins.reward import RewardConfig, train_reward_model

    pairs = comparison_data(run, config, trainer, prompts, round_)
    rm.model.requires_grad_(True)
    rm.model.train()
    rm.model = train_reward_model(
        run,
        RewardConfig(),
        rm.model,
        pairs,
        round_dir=str(run.output_dir / "reward_rounds" / f"round-{round_}"),
        max_steps=config.rm_steps,
        tokenizer=rm.tokenizer,
    )
    rm.model.requires_grad_(False)
    rm.model.eval()
    run.log({"rm_round": round_, "rm_pairs": len(pairs)}, step=trainer.iteration)


def comparison_data(run: Any, config: Any, trainer: PPOTrainer, prompts: Any, round_: int) -> Any:
    """Preference records for an RM round: ``comparisons`` data, or labelled policy samples.

    Labelled samples: two completions per prompt from the current policy; the ``labeler``
    reward picks the winner; ties are dropped.
    """
    from datasets import Dataset

    if config.comparisons:
        from ruadapt.data import load_for_method

        return load_for_method(
            config.comparisons, "preference", run.registry, seed=run.options.seed
        )[0]
    from ruadapt_plugins.ppo.rollout import sample
    from ruadapt_plugins.rewards import combine

    judge, _ = combine(config.labeler, run.registry)
    policy = trainer.accelerator.unwrap_model(trainer.policy)
    records: list[dict] = []
    offset = 10_000 * round_  # other prompts than the PPO batches of this iteration
    batch = [p for p in trainer.batch_prompts(prompts, offset)][: config.comparison_pairs]
    outs = []
    for _ in range(2):
        ro = sample(
            policy,
            None,
            trainer.reference,
            run.tokenizer,
            batch,
            max_new_tokens=config.max_new_tokens,
            temperature=config.temperature,
            top_p=config.top_p,
            max_prompt_length=run.options.max_length,
        )
        outs.append(ro.completions)
    texts = [p[-1]["content"] for p in batch]
    a_scores, b_scores = judge(texts, outs[0]), judge(texts, outs[1])
    for prompt, a, b, sa, sb in zip(batch, outs[0], outs[1], a_scores, b_scores, strict=True):
        if sa == sb or a == b:
            continue
        win, lose = (a, b) if sa > sb else (b, a)
        records.append(
            {
                "prompt": prompt,
                "chosen": [{"role": "assistant", "content": win}],
                "rejected": [{"role": "assistant", "content": lose}],
            }
        )
    if not records:
        raise ruadapt.UserError(
            f"round {round_}: the labeler {config.labeler!r} found no pair with a winner; "
            "pass comparisons=FILE or another labeler"
        )
    return Dataset.from_list(records)
