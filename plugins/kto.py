"""KTO: Kahneman-Tversky optimisation on unpaired good/bad answers (TRL's KTOTrainer).

    ruadapt run --method kto --model out/sft --data ru-kto -o out/kto
    ruadapt run --method kto --model out/sft --data ru-prefs -o out/kto     # pairs are split

Each example is a prompt, an answer and a label (desirable or not). With the implied reward
``r = log pi(y|x) - log pi_ref(y|x)`` (summed over answer tokens) and the reference point
``z0 = max(0, KL estimate)`` (from mismatched prompt/answer pairs of the same batch):
desirable ``lambda_D * (1 - sigmoid(beta * (r - z0)))``, undesirable
``lambda_U * (1 - sigmoid(beta * (z0 - r)))``. When the classes are unbalanced and no weights
are given, ruadapt sets them so that ``lambda_D n_D / (lambda_U n_U)`` lies in ``[1, 4/3]``
(KTO paper, Eq. 8), up-weighting the rarer class.
"""

from __future__ import annotations

from dataclasses import dataclass

import ruadapt
from ruadapt.config import opt

LOSS_TYPES = ("kto", "apo_zero_unpaired")
#: Target of the automatic rebalancing: the middle of the paper's range [1, 4/3], so
#: rounding can never push the ratio outside it.
TARGET_RATIO = 7 / 6


@dataclass
class KTOConfig:
    beta: float = opt(0.1, "strength of the pull towards the reference (higher: stay closer)")
    desirable_weight: float | None = opt(
        None, "lambda_D, weight of desirable examples (default: rebalanced from the data)"
    )
    undesirable_weight: float | None = opt(
        None, "lambda_U, weight of undesirable examples (default: rebalanced from the data)"
    )
    loss_type: str = opt("kto", f"loss variant: {', '.join(LOSS_TYPES)}")
    ref: str | None = opt(None, "reference model directory (default: the starting model)")
    shuffle: bool = opt(True, "shuffle once before training (TRL's KTO reads the data in order)")

    def __post_init__(self) -> None:
        if self.beta <= 0:
            raise ruadapt.UserError(f"beta must be > 0, got {self.beta}")
        for name in ("desirable_weight", "undesirable_weight"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ruadapt.UserError(f"{name} must be > 0, got {value}")
        if self.loss_type not in LOSS_TYPES:
            raise ruadapt.UserError(
                f"loss_type must be one of {', '.join(LOSS_TYPES)}, got {self.loss_type!r}"
            )


def class_weights(
    n_desirable: int, n_undesirable: int, desirable: float | None, undesirable: float | None
) -> tuple[float, float]:
    """``(lambda_D, lambda_U)``: the user's, or rebalanced so lambda_D n_D / lambda_U n_U is in
    [1, 4/3] by raising the weight of the rarer class (weights the user set are kept)."""
    if desirable is not None or undesirable is not None:
        return (
            1.0 if desirable is None else desirable,
            1.0 if undesirable is None else undesirable,
        )
    if not n_desirable or not n_undesirable:
        return 1.0, 1.0  # one class only: nothing to balance
    ratio = n_desirable / n_undesirable
    if 1.0 <= ratio <= 4 / 3:
        return 1.0, 1.0
    if ratio < 1.0:
        return TARGET_RATIO / ratio, 1.0
    return 1.0, ratio / TARGET_RATIO


def train(run: ruadapt.Run, config: KTOConfig) -> None:
    from ruadapt_plugins._trl import fit, note, trl_args, trl_reference, use_base_as_reference
    from trl import KTOConfig as TrlKTOConfig
    from trl import KTOTrainer

    if run.options.batch_size < 2 and config.loss_type == "kto":
        raise ruadapt.UserError(
            "kto needs batch_size >= 2: the KL reference point is estimated within a batch"
        )
    dataset = run.dataset
    if config.shuffle:
        dataset = dataset.shuffle(seed=run.options.seed)
    labels = dataset["label"]
    n_d, n_u = sum(labels), len(labels) - sum(labels)
    weights = class_weights(n_d, n_u, config.desirable_weight, config.undesirable_weight)
    balance = weights[0] * n_d / (weights[1] * n_u) if n_u else float("inf")
    run.extra["kto"] = {
        "desirable": n_d,
        "undesirable": n_u,
        "desirable_weight": weights[0],
        "undesirable_weight": weights[1],
        "weighted_ratio": round(balance, 4),
    }
    note(
        f"kto: {n_d} desirable, {n_u} undesirable; lambda_D={weights[0]:.4g}, "
        f"lambda_U={weights[1]:.4g} (lambda_D*n_D/(lambda_U*n_U) = {balance:.3f})"
    )
    model = run.chat_model()
    ref = run.reference_model(config.ref)
    args = trl_args(
        TrlKTOConfig,
        run,
        beta=config.beta,
        loss_type=config.loss_type,
        desirable_weight=weights[0],
        undesirable_weight=weights[1],
    )
    trainer = KTOTrainer(
        model=model,
        ref_model=trl_reference(ref),
        args=args,
        train_dataset=dataset,
        eval_dataset=run.eval_dataset,
        processing_class=run.tokenizer,
        callbacks=[run.callback()],
    )
    use_base_as_reference(trainer)
    fit(run, trainer)


@ruadapt.hookimpl
def register_methods(register):
    register(
        ruadapt.Method(
            name="kto",
            config=KTOConfig,
            data_kind="binary",
            train=train,
            summary="KTO on unpaired desirable/undesirable answers (pairs are split)",
            reference_model=True,
            trainer_config="trl:KTOConfig",
            run_defaults={"data": "ru-kto", "learning_rate": 5e-5},
        )
    )
