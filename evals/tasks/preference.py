"""preference: win rate of the model's answers, by a reward model and/or a judge endpoint.

Per language, each answer is compared with the reference answer (``win_rate``), and with
``--baseline`` also with the baseline's answer to the same prompt (``paired``: the model's
win rate over the baseline). A win counts 1, a tie 1/2. The reward model is a
sequence-classification model (``--reward-model DIR``, e.g. from ``--method reward``); the
judge is optional (see ``ruadapt_evals.judge``). Answer lengths are reported next to the
win rate, because both reward models and judges are known to favour longer answers.
"""

from __future__ import annotations

from typing import Any

from ruadapt_evals.data import LANGUAGES

from ruadapt.contracts import EvalTask


def reward_model(ctx: Any) -> tuple[Any, Any]:
    """The ``--reward-model`` (a sequence-classification model with one output) and its
    tokenizer, loaded once per run and shared by the model's and the baseline's contexts."""
    key = ("reward_model", ctx.options.reward_model, ctx.device)
    if key not in ctx.shared:
        from transformers import AutoModelForSequenceClassification

        from ruadapt.errors import UserError
        from ruadapt.models import _has_safetensors, load_tokenizer, resolve_model

        spec = ctx.options.reward_model
        path = resolve_model(spec)
        tokenizer = load_tokenizer(spec)
        try:
            model = AutoModelForSequenceClassification.from_pretrained(
                path, use_safetensors=_has_safetensors(path)
            )
        except (OSError, ValueError) as exc:
            raise UserError(f"cannot load reward model {spec}: {exc}".splitlines()[0]) from None
        if model.config.num_labels != 1:
            raise UserError(
                f"reward model {spec} has {model.config.num_labels} outputs; expected 1 (a score)"
            )
        if model.config.pad_token_id is None:  # needed to find each row's last real token
            model.config.pad_token_id = tokenizer.pad_token_id
        ctx.shared[key] = (model.to(ctx.device).eval(), tokenizer)
    return ctx.shared[key]


def rewards(ctx: Any, prompts: list[str], answers: list[str]) -> list[float]:
    """Scalar reward of each (prompt, answer), in the reward model's chat format if it has one."""
    import torch

    model, tok = reward_model(ctx)
    device, batch = ctx.device, ctx.options.batch_size
    if getattr(tok, "chat_template", None):
        texts = [
            tok.apply_chat_template(
                [{"role": "user", "content": p}, {"role": "assistant", "content": a}],
                tokenize=False,
            )
            for p, a in zip(prompts, answers, strict=True)
        ]
    else:
        texts = [f"{p}\n{a}" for p, a in zip(prompts, answers, strict=True)]
    out: list[float] = []
    with torch.inference_mode():
        for start in range(0, len(texts), batch):
            enc = tok(
                texts[start : start + batch],
                padding=True,
                truncation=True,
                max_length=1024,
                return_tensors="pt",
                padding_side="right",
                add_special_tokens=False,
            ).to(device)
            out.extend(model(**enc).logits[:, 0].float().tolist())
    return out


def outcomes(ours: list[float], theirs: list[float]) -> list[float]:
    """Per item: 1 when ``ours`` scores higher, 0.5 on a tie, 0 when lower."""
    return [1.0 if a > b else 0.5 if a == b else 0.0 for a, b in zip(ours, theirs, strict=True)]


def win_rate(ours: list[float], theirs: list[float]) -> float:
    """Share of items where ``ours`` scores higher; ties count half."""
    return sum(outcomes(ours, theirs)) / max(1, len(ours))


def run(ctx: Any) -> dict[str, Any]:
    from ruadapt_evals.judge import judge_from_env

    spec, judge = ctx.options.reward_model, judge_from_env()
    if not spec and judge is None:
        return {"skipped": "no --reward-model and no RUADAPT_JUDGE_URL: nothing to judge with"}
    with_refs = all(p.ru_reference and p.en_reference for p in ctx.prompts)
    if not with_refs and ctx.other is None:
        return {"skipped": "needs reference answers in the prompts or a --baseline"}
    result: dict[str, Any] = {
        "settings": {"reward_model": spec, "judge": repr(judge) if judge else None}
    }
    paired: dict[str, Any] = {}
    for lang in LANGUAGES:
        prompts = [p.prompt(lang) for p in ctx.prompts]
        ours = ctx.answers(lang)
        side: dict[str, Any] = {"mean_answer_chars": sum(map(len, ours)) / len(ours)}
        pair: dict[str, Any] = {}
        side_items: dict[str, list[float]] = {}  # per-item outcomes, for the 95% intervals
        pair_items: dict[str, list[float]] = {}
        refs = [p.reference(lang) or "" for p in ctx.prompts]
        theirs = ctx.other.answers(lang) if ctx.other is not None else None
        if spec:
            mine = rewards(ctx, prompts, ours)
            side["mean_reward"] = sum(mine) / len(mine)
            if with_refs:
                side_items["wins"] = outcomes(mine, rewards(ctx, prompts, refs))
            if theirs is not None:
                pair_items["wins"] = outcomes(mine, rewards(ctx, prompts, theirs))
        if judge is not None:
            if with_refs:
                side_items["judge_wins"] = judge.outcomes(prompts, ours, refs)
            if theirs is not None:
                pair_items["judge_wins"] = judge.outcomes(prompts, ours, theirs)
        for target, items in ((side, side_items), (pair, pair_items)):
            for key, name in (("wins", "win_rate"), ("judge_wins", "judge_win_rate")):
                if key in items:
                    target[name] = sum(items[key]) / max(1, len(items[key]))
            if items:
                target["per_item"] = items
        result[lang] = side
        if pair:
            paired[lang] = pair
    if paired:
        result["paired"] = paired
    return result


TASK = EvalTask(
    name="preference",
    run=run,
    summary="reward-model / judge win rate vs references and vs the baseline, per language",
    needs_generation=True,
)
