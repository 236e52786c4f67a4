"""The PPO loop: rollout, reward, KL penalty, GAE, several epochs of clipped updates.

One iteration (= one ``step`` in metrics.jsonl and for ``max_steps``/``save_steps``):

1. sample one completion for each of ``batch_size`` prompts (``rollout.sample``);
2. score the completions (reward model and/or rule-based rewards) -> one scalar each;
3. per-token rewards ``-kl_coef * KL_t``, plus the score on the last response token;
4. GAE advantages and returns, whitened advantages;
5. ``ppo_epochs`` passes of minibatches: clipped surrogate + ``vf_coef`` * clipped value
   loss (- ``entropy_coef`` * entropy), gradient clipping at ``max_grad_norm``;
6. the adaptive KL coefficient moves towards ``target_kl``.

The run options go through accelerate: ``bf16``/``fp16`` (``mixed_precision``),
``gradient_accumulation_steps`` (minibatches per optimizer step), ``lr_scheduler`` and
``warmup_ratio`` (transformers' ``get_scheduler``, one step per optimizer step),
``gradient_checkpointing``, ``report_to`` (accelerate's trackers, under ``OUTPUT/logs``).
Checkpoints are ``accelerator.save_state`` folders (weights as safetensors, optimizer,
scheduler and every rank's RNG), loaded back without pickle: every ``.bin``/``.pkl`` goes
through ``torch.load(weights_only=True)`` and a file that holds anything else is refused.
"""

from __future__ import annotations

import json
import math
import os
import pickle
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
from ruadapt_plugins.ppo import losses
from ruadapt_plugins.ppo.rollout import Rollout, ValueHead, ValueModel, forward_logprobs, sample

import ruadapt

Scorer = Callable[[list[list[dict]], list[str]], list[float]]
STATE_FILE = "trainer_state.json"
#: trackers accelerate can log to (a subset of transformers' report_to names)
TRACKERS = (
    "tensorboard",
    "wandb",
    "comet_ml",
    "mlflow",
    "clearml",
    "dvclive",
    "swanlab",
    "trackio",
)


def check_trackers(report_to: list[str]) -> None:
    """PPO logs through accelerate's trackers: refuse the names accelerate does not have."""
    for name in report_to:
        if name not in TRACKERS:
            raise ruadapt.UserError(
                f"report_to {name!r}: ppo logs through accelerate, which supports "
                f"{', '.join(TRACKERS)}"
            )


def _mixed_precision(options: Any) -> str:
    return "bf16" if options.bf16 else "fp16" if options.fp16 else "no"


class PPOTrainer:
    """ruadapt's own PPO on a causal LM (full or LoRA) with a value head on the policy."""

    def __init__(
        self,
        run: Any,
        config: Any,
        policy: Any,
        reference: Any,
        scorer: Scorer,
        value_model: Any = None,
        n_prompts: int | None = None,
    ) -> None:
        from accelerate import Accelerator
        from transformers import get_scheduler

        from ruadapt.reporting import logs_dir

        self.run, self.config, self.scorer = run, config, scorer
        o = run.options
        check_trackers(o.report_to)
        self.accelerator = Accelerator(
            cpu=not torch.cuda.is_available(),
            mixed_precision=_mixed_precision(o),
            gradient_accumulation_steps=o.gradient_accumulation_steps,
            # the scheduler counts optimizer steps: stepped once per step, not per process
            step_scheduler_with_optimizer=False,
            log_with=list(o.report_to) or None,
            project_dir=str(logs_dir(run.output_dir)),
        )
        if o.gradient_checkpointing:
            policy.gradient_checkpointing_enable(
                gradient_checkpointing_kwargs={"use_reentrant": False}
            )
        self.policy = policy
        self.reference = reference
        if value_model is None:  # a head on the policy's last hidden state
            self.value_head = ValueHead(policy.config.get_text_config().hidden_size)
        else:
            self.value_head = ValueModel(value_model)
        params = [p for p in policy.parameters() if p.requires_grad]
        params += list(self.value_head.parameters())
        self.optimizer = torch.optim.AdamW(params, lr=o.learning_rate, weight_decay=o.weight_decay)
        total = self.total_iterations(n_prompts or 1) * config.rounds
        updates = total * self.minibatches_per_iteration() // o.gradient_accumulation_steps
        self.scheduler = get_scheduler(
            o.lr_scheduler,
            self.optimizer,
            num_warmup_steps=math.ceil(o.warmup_ratio * updates),
            num_training_steps=max(1, updates),
        )
        self.policy, self.value_head, self.optimizer, self.scheduler = self.accelerator.prepare(
            self.policy, self.value_head, self.optimizer, self.scheduler
        )
        if self.reference is not None:
            self.reference.to(self.accelerator.device)
        self.kl = losses.KLController(
            config.kl_coef, config.target_kl if config.adaptive_kl else None, config.kl_horizon
        )
        self.iteration = 0
        self.optimizer_steps = 0
        if o.report_to:
            self.accelerator.init_trackers(
                o.run_name or run.output_dir.name,
                config={k: v for k, v in run.config.to_dict().items() if _scalar(v)},
            )

    def minibatches_per_iteration(self) -> int:
        """Gradient computations per iteration; ``gradient_accumulation_steps`` must divide it,
        so no accumulated gradient of one rollout leaks into the next iteration's update."""
        o, c = self.run.options, self.config
        n = c.ppo_epochs * math.ceil(o.batch_size / min(c.mini_batch_size, o.batch_size))
        if n % o.gradient_accumulation_steps:
            raise ruadapt.UserError(
                f"gradient_accumulation_steps={o.gradient_accumulation_steps} must divide the "
                f"{n} minibatches of a PPO iteration (ppo_epochs x batch_size / mini_batch_size)"
            )
        return n

    # ---- data order ---------------------------------------------------------------------
    def batch_prompts(self, dataset: Any, iteration: int) -> list[list[dict]]:
        """The prompts of ``iteration``: a fixed shuffle per epoch, so a resume sees the same."""
        from ruadapt import distributed

        n, size = len(dataset), self.run.options.batch_size
        # each process of a multi-process run takes its own slice of the global batch
        start = (iteration * distributed.world_size() + distributed.rank()) * size
        out = []
        for k in range(start, start + size):
            epoch, pos = divmod(k, n)
            g = torch.Generator().manual_seed(self.run.options.seed + epoch)
            order = torch.randperm(n, generator=g).tolist()
            out.append(dataset[order[pos]]["prompt"])
        return out

    def total_iterations(self, n_prompts: int) -> int:
        o = self.run.options
        if o.max_steps > 0:
            return o.max_steps
        return max(1, math.ceil(o.epochs * n_prompts / o.batch_size))

    # ---- one iteration ------------------------------------------------------------------
    def step(self, prompts: list[list[dict]]) -> dict[str, Any]:
        """Run one PPO iteration on ``prompts``; returns its metrics."""
        c = self.config
        policy = self.accelerator.unwrap_model(self.policy)
        value_head = self.accelerator.unwrap_model(self.value_head)
        ro = sample(
            policy,
            value_head,
            self.reference,
            self.run.tokenizer,
            prompts,
            max_new_tokens=c.max_new_tokens,
            temperature=c.temperature,
            top_p=c.top_p,
            max_prompt_length=self.run.options.max_length,
        )
        scores = torch.tensor(self.scorer(prompts, ro.completions), dtype=torch.float32)
        scores = scores.to(ro.logprobs.device)
        kl = losses.kl_per_token(ro.logprobs, ro.ref_logprobs, c.kl_estimator) * ro.mask
        rewards = losses.token_rewards(scores, kl, ro.mask, self.kl.coef)
        advantages, returns = losses.gae(rewards, ro.values, ro.mask, c.gamma, c.lam)
        if c.whiten_advantages:
            advantages = losses.masked_whiten(advantages, ro.mask)
        stats = self.update(ro, advantages, returns)
        kl_sum = kl.sum(1).mean().item()
        metrics = {
            "reward_mean": scores.mean().item(),
            "reward_std": scores.std().item() if len(scores) > 1 else 0.0,
            "kl": kl_sum,
            "kl_coef": self.kl.coef,
            "response_length": ro.mask.sum(1).mean().item(),
            "explained_variance": losses.explained_variance(ro.values, returns, ro.mask),
            **stats,
        }
        self.kl.update(kl_sum, len(prompts))
        metrics["sample"] = ro.completions[0][:200]
        return metrics

    def update(self, ro: Rollout, advantages: torch.Tensor, returns: torch.Tensor) -> dict:
        """``ppo_epochs`` passes of shuffled minibatches over the rollout."""
        c = self.config
        sums: dict[str, float] = {}
        counts: dict[str, int] = {}
        n = ro.input_ids.shape[0]
        size = min(c.mini_batch_size, n)
        self.policy.train()
        for _ in range(c.ppo_epochs):
            for idx in torch.randperm(n).split(size):
                with self.accelerator.accumulate(self.policy, self.value_head):
                    batch = self._minibatch(ro, advantages, returns, idx)
                for k, v in batch.items():
                    if math.isfinite(v):  # grad_norm exists on optimizer steps only
                        sums[k] = sums.get(k, 0.0) + v
                        counts[k] = counts.get(k, 0) + 1
        stats = {k: v / counts[k] for k, v in sums.items()}
        stats["learning_rate"] = self.scheduler.get_last_lr()[0]
        return stats

    def _minibatch(
        self, ro: Rollout, advantages: torch.Tensor, returns: torch.Tensor, idx: torch.Tensor
    ) -> dict[str, float]:
        """One gradient computation; an optimizer step when the accumulation is complete."""
        c, o = self.config, self.run.options
        mask = ro.mask[idx]
        logprobs, values, entropy = forward_logprobs(
            self.policy,
            self.value_head,
            ro.input_ids[idx],
            ro.attention_mask[idx],
            ro.prompt_length,
            c.temperature,
            with_entropy=True,
        )
        pg, pg_stats = losses.policy_loss(
            logprobs, ro.logprobs[idx], advantages[idx], mask, c.cliprange
        )
        vf, vf_stats = losses.value_loss(
            values.float(), ro.values[idx], returns[idx], mask, c.cliprange_value
        )
        ent = losses.masked_mean(entropy, mask)
        loss = pg + c.vf_coef * vf - c.entropy_coef * ent
        self.accelerator.backward(loss)  # divided by gradient_accumulation_steps
        grad_norm = float("nan")
        if self.accelerator.sync_gradients:
            params = [p for g in self.optimizer.param_groups for p in g["params"]]
            grad_norm = float(self.accelerator.clip_grad_norm_(params, o.max_grad_norm))
        self.optimizer.step()  # accelerate skips it until the last accumulated minibatch
        if self.accelerator.sync_gradients:
            self.scheduler.step()
            self.optimizer_steps += 1
        self.optimizer.zero_grad()
        return {
            "loss": loss.item(),
            "policy_loss": pg.item(),
            "value_loss": vf.item(),
            "entropy": ent.item(),
            "grad_norm": grad_norm,
            **{k: v.item() for k, v in {**pg_stats, **vf_stats}.items()},
        }

    # ---- the loop -----------------------------------------------------------------------
    def train(self, dataset: Any, until: int | None = None, eval_dataset: Any = None) -> list[dict]:
        """Iterate up to iteration ``until`` (default: ``max_steps``, or ``epochs`` over the
        prompts); returns the metrics of the iterations run. With ``eval_dataset`` (the
        ``eval_split`` prompts) the policy is scored on them at every checkpoint, or ten times
        per run, and at the end."""
        o = self.run.options
        total = until or self.total_iterations(len(dataset))
        every = o.save_steps or max(1, total // 10)
        history = []
        while self.iteration < total:
            metrics = self.step(self.batch_prompts(dataset, self.iteration))
            self.iteration += 1
            history.append(metrics)
            if self.iteration % o.logging_steps == 0 or self.iteration in (1, total):
                self.log(metrics)
                print(
                    f"ppo {self.iteration}/{total}  reward {metrics['reward_mean']:.3f}  "
                    f"kl {metrics['kl']:.3f}  len {metrics['response_length']:.1f}"
                )
            due = self.iteration % every == 0 or self.iteration == total
            if eval_dataset is not None and due:
                self.log(self.evaluate(eval_dataset))
            if o.save_steps and self.iteration % o.save_steps == 0:
                self.save()
        return history

    def log(self, metrics: dict[str, Any]) -> None:
        """metrics.jsonl, and the numbers to accelerate's trackers (``report_to``)."""
        self.run.log(metrics, step=self.iteration)
        if self.run.options.report_to:
            numbers = {k: v for k, v in metrics.items() if isinstance(v, int | float)}
            self.accelerator.log(numbers, step=self.iteration)

    @torch.no_grad()
    def evaluate(self, eval_dataset: Any) -> dict[str, float]:
        """Mean reward and KL of the current policy on the held-out prompts."""
        devices = [self.accelerator.device] if self.accelerator.device.type == "cuda" else []
        with torch.random.fork_rng(devices=devices):  # training draws the same numbers
            return self._evaluate(eval_dataset)

    def _evaluate(self, eval_dataset: Any) -> dict[str, float]:
        c = self.config
        prompts = [eval_dataset[i]["prompt"] for i in range(len(eval_dataset))]
        size = self.run.options.batch_size
        scores: list[float] = []
        kls: list[float] = []
        for start in range(0, len(prompts), size):
            batch = prompts[start : start + size]
            ro = sample(
                self.accelerator.unwrap_model(self.policy),
                None,
                self.reference,
                self.run.tokenizer,
                batch,
                max_new_tokens=c.max_new_tokens,
                temperature=c.temperature,
                top_p=c.top_p,
                max_prompt_length=self.run.options.max_length,
            )
            scores += self.scorer(batch, ro.completions)
            kl = losses.kl_per_token(ro.logprobs, ro.ref_logprobs, c.kl_estimator) * ro.mask
            kls += kl.sum(1).tolist()
        return {
            "eval_reward_mean": sum(scores) / len(scores),
            "eval_kl": sum(kls) / len(kls),
            "eval_prompts": len(prompts),
        }

    def end(self) -> None:
        """Close the trackers (flushes TensorBoard/W&B)."""
        if self.run.options.report_to:
            self.accelerator.end_training()

    # ---- checkpoints --------------------------------------------------------------------
    def save(self) -> Path:
        """Write ``checkpoints/checkpoint-N`` with ``accelerator.save_state`` (safetensors
        weights, optimizer, scheduler, each rank's RNG) atomically: it is built under a
        temporary name on every rank, then ``trainer_state.json`` and the rename come last."""
        acc = self.accelerator
        root = Path(self.run.work_dir)
        final = root / f"checkpoint-{self.iteration}"
        tmp = root / f".tmp-checkpoint-{self.iteration}"
        if acc.is_main_process:
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir(parents=True)
        acc.wait_for_everyone()
        acc.save_state(str(tmp), safe_serialization=True)
        acc.wait_for_everyone()
        if acc.is_main_process:
            state = {
                "global_step": self.iteration,
                "optimizer_steps": self.optimizer_steps,
                "kl_coef": self.kl.coef,
            }
            (tmp / STATE_FILE).write_text(json.dumps(state), encoding="utf-8")
            shutil.rmtree(final, ignore_errors=True)
            os.replace(tmp, final)
            for old in root.glob("checkpoint-*"):  # keep the two newest
                if int(old.name.rsplit("-", 1)[-1]) < self.iteration - self.run.options.save_steps:
                    shutil.rmtree(old, ignore_errors=True)
        acc.wait_for_everyone()
        return final

    def load(self, path: Path) -> None:
        """Continue from a checkpoint written by ``save``, without unpickling anything.

        accelerate loads optimizer and scheduler states with ``weights_only=True`` but skips
        an RNG file it cannot load in silence; we load that one first and refuse it loudly.
        """
        from accelerate.utils import load

        if (path / "rng.pt").exists() or (path / "trainable.safetensors").exists():
            raise ruadapt.UserError(
                f"{path} was written by an older ruadapt (pickled RNG state); "
                "start again with --overwrite"
            )
        rng = path / f"random_states_{self.accelerator.process_index}.pkl"
        try:
            if rng.exists():
                load(rng)
            self.accelerator.load_state(str(path))
        except pickle.UnpicklingError as exc:
            reason = str(exc).strip().splitlines()[0][:200]
            raise ruadapt.UserError(
                f"{path}: refusing to load a checkpoint file that holds more than tensors and "
                f"plain values (weights_only load failed: {reason})"
            ) from None
        meta = json.loads((path / STATE_FILE).read_text(encoding="utf-8"))
        self.iteration = int(meta["global_step"])
        self.optimizer_steps = int(meta.get("optimizer_steps", 0))
        self.kl.coef = float(meta["kl_coef"])

    def save_model(self, directory: str) -> None:
        """The final save, on every rank: the full state dict is gathered collectively
        (FSDP/ZeRO-3), the main process writes the policy and its value head."""
        from safetensors.torch import save_file

        acc = self.accelerator
        state = acc.get_state_dict(self.policy)
        head = acc.get_state_dict(self.value_head)
        if acc.is_main_process:
            policy = acc.unwrap_model(self.policy)
            policy.save_pretrained(directory, state_dict=state, safe_serialization=True)
            self.run.tokenizer.save_pretrained(directory)
            head = {k: v.detach().cpu().contiguous() for k, v in head.items()}
            save_file(head, str(Path(directory) / "value_head.safetensors"))
        acc.wait_for_everyone()


def _scalar(value: Any) -> bool:
    return isinstance(value, bool | int | float | str) or value is None
