"""The PPO loop: rollout, reward, KL penalty, GAE, several epochs of clipped updates.

One iteration (= one ``step`` in metrics.jsonl and for ``max_steps``/``save_steps``):

1. sample one completion for each of ``batch_size`` prompts (``rollout.sample``);
2. score the completions (reward model and/or rule-based rewards) -> one scalar each;
3. per-token rewards ``-kl_coef * KL_t``, plus the score on the last response token;
4. GAE advantages and returns, whitened advantages;
5. ``ppo_epochs`` passes of minibatches: clipped surrogate + ``vf_coef`` * clipped value
   loss (- ``entropy_coef`` * entropy), gradient clipping at ``max_grad_norm``;
6. the adaptive KL coefficient moves towards ``target_kl``.
"""

from __future__ import annotations

import json
import math
import os
import random
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
from ruadapt_plugins.ppo import losses
from ruadapt_plugins.ppo.rollout import Rollout, ValueHead, ValueModel, forward_logprobs, sample

Scorer = Callable[[list[list[dict]], list[str]], list[float]]
TRAINABLE_FILE = "trainable.safetensors"
STATE_FILE = "trainer_state.json"


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
    ) -> None:
        from accelerate import Accelerator

        self.run, self.config, self.scorer = run, config, scorer
        o = run.options
        self.accelerator = Accelerator(cpu=not torch.cuda.is_available())
        self.policy = policy
        self.reference = reference
        if value_model is None:  # a head on the policy's last hidden state
            self.value_head = ValueHead(policy.config.get_text_config().hidden_size)
        else:
            self.value_head = ValueModel(value_model)
        params = [p for p in policy.parameters() if p.requires_grad]
        params += list(self.value_head.parameters())
        self.optimizer = torch.optim.AdamW(params, lr=o.learning_rate, weight_decay=o.weight_decay)
        self.policy, self.value_head, self.optimizer = self.accelerator.prepare(
            self.policy, self.value_head, self.optimizer
        )
        if self.reference is not None:
            self.reference.to(self.accelerator.device)
        self.kl = losses.KLController(
            config.kl_coef, config.target_kl if config.adaptive_kl else None, config.kl_horizon
        )
        self.iteration = 0

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
        c, o = self.config, self.run.options
        sums: dict[str, float] = {}
        count = 0
        n = ro.input_ids.shape[0]
        size = min(c.mini_batch_size, n)
        self.policy.train()
        for _ in range(c.ppo_epochs):
            for idx in torch.randperm(n).split(size):
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
                self.optimizer.zero_grad()
                self.accelerator.backward(loss)
                grad_norm = self.accelerator.clip_grad_norm_(
                    [p for g in self.optimizer.param_groups for p in g["params"]], o.max_grad_norm
                )
                self.optimizer.step()
                batch = {
                    "loss": loss.item(),
                    "policy_loss": pg.item(),
                    "value_loss": vf.item(),
                    "entropy": ent.item(),
                    "grad_norm": float(grad_norm),
                    **{k: v.item() for k, v in {**pg_stats, **vf_stats}.items()},
                }
                for k, v in batch.items():
                    sums[k] = sums.get(k, 0.0) + v
                count += 1
        return {k: v / count for k, v in sums.items()}

    # ---- the loop -----------------------------------------------------------------------
    def train(self, dataset: Any, until: int | None = None) -> list[dict]:
        """Iterate up to iteration ``until`` (default: ``max_steps``, or ``epochs`` over the
        prompts); returns the metrics of the iterations run."""
        o = self.run.options
        total = until or self.total_iterations(len(dataset))
        history = []
        while self.iteration < total:
            metrics = self.step(self.batch_prompts(dataset, self.iteration))
            self.iteration += 1
            history.append(metrics)
            if self.iteration % o.logging_steps == 0 or self.iteration in (1, total):
                self.run.log(metrics, step=self.iteration)
                print(
                    f"ppo {self.iteration}/{total}  reward {metrics['reward_mean']:.3f}  "
                    f"kl {metrics['kl']:.3f}  len {metrics['response_length']:.1f}"
                )
            if o.save_steps and self.iteration % o.save_steps == 0:
                self.save()
        return history

    # ---- checkpoints --------------------------------------------------------------------
    def trainable_state(self) -> dict[str, torch.Tensor]:
        policy = self.accelerator.unwrap_model(self.policy)
        state = {
            f"policy.{n}": p.detach().cpu().clone().contiguous()
            for n, p in policy.named_parameters()
            if p.requires_grad
        }
        head = self.accelerator.unwrap_model(self.value_head)
        state.update(
            {f"value_head.{n}": p.detach().cpu().clone() for n, p in head.named_parameters()}
        )
        return state

    def save(self) -> Path:
        """Write ``checkpoints/checkpoint-N`` atomically (``trainer_state.json`` last)."""
        from safetensors.torch import save_file

        from ruadapt import distributed

        root = Path(self.run.work_dir)
        final = root / f"checkpoint-{self.iteration}"
        if not distributed.is_main():
            return final
        tmp = root / f".tmp-checkpoint-{self.iteration}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        save_file(self.trainable_state(), str(tmp / TRAINABLE_FILE))
        torch.save(self.optimizer.state_dict(), tmp / "optimizer.pt")
        torch.save({"torch": torch.get_rng_state(), "python": random.getstate()}, tmp / "rng.pt")
        state = {"global_step": self.iteration, "kl_coef": self.kl.coef}
        (tmp / STATE_FILE).write_text(json.dumps(state), encoding="utf-8")
        shutil.rmtree(final, ignore_errors=True)
        os.replace(tmp, final)
        for old in root.glob("checkpoint-*"):  # keep the two newest
            if int(old.name.rsplit("-", 1)[-1]) < self.iteration - self.run.options.save_steps:
                shutil.rmtree(old, ignore_errors=True)
        return final

    def load(self, path: Path) -> None:
        """Continue from a checkpoint written by ``save``."""
        from safetensors.torch import load_file

        state = load_file(str(path / TRAINABLE_FILE))
        policy = dict(self.accelerator.unwrap_model(self.policy).named_parameters())
        head = dict(self.accelerator.unwrap_model(self.value_head).named_parameters())
        with torch.no_grad():
            for key, value in state.items():
                owner, name = key.split(".", 1)
                target = (policy if owner == "policy" else head)[name]
                target.copy_(value.to(target.device, target.dtype))
        self.optimizer.load_state_dict(torch.load(path / "optimizer.pt", weights_only=True))
        rng = torch.load(path / "rng.pt", weights_only=False)  # our own file: python RNG state
        torch.set_rng_state(rng["torch"])
        random.setstate(rng["python"])
        meta = json.loads((path / STATE_FILE).read_text(encoding="utf-8"))
        self.iteration = int(meta["global_step"])
        self.kl.coef = float(meta["kl_coef"])
