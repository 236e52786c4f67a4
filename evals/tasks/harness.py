"""lm-eval: lm-evaluation-harness tasks on the same model, merged into the report.

Opt-in: runs only with ``--lm-eval-tasks`` (``lm_eval_tasks`` in recipes), e.g.
``belebele_rus_Cyrl,belebele_eng_Latn,xnli_ru,xnli_en``, and needs ``pip install lm-eval``
(the ``ruadapt[lm-eval]`` extra). The harness gets the already loaded model and tokenizer
(``HFLM(pretrained=model)``), so nothing is loaded twice. Task names are paired by language:
``xnli_ru`` / ``xnli_en`` and ``belebele_rus_Cyrl`` / ``belebele_eng_Latn`` both report as
``xnli.acc`` / ``belebele.acc`` under ``ru`` and ``en``, so the suite's ru/en ratio applies;
a task without a language suffix lands under ``other``. ``--max-prompts`` becomes the
harness's ``limit``; ``lm_eval_include`` adds a folder of local YAML tasks (offline data).
The harness downloads its datasets from the hub unless they are cached or local.
"""

from __future__ import annotations

import re
from typing import Any

from ruadapt.contracts import EvalTask

# suffix -> language; checked longest first
SUFFIXES = {
    "_rus_cyrl": "ru",
    "_eng_latn": "en",
    "_ru": "ru",
    "_en": "en",
    "_rus": "ru",
    "_eng": "en",
}


def split_language(task: str) -> tuple[str, str]:
    """``("xnli", "ru")`` for ``xnli_ru``; ``(task, "other")`` without a language suffix."""
    lowered = task.lower()
    for suffix in sorted(SUFFIXES, key=len, reverse=True):
        if lowered.endswith(suffix):
            return task[: -len(suffix)], SUFFIXES[suffix]
    return task, "other"


def flatten(results: dict[str, dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Harness results (``{"xnli_ru": {"acc,none": 0.4, "acc_stderr,none": ...}}``) as
    ``{"ru": {"xnli.acc": 0.4, "xnli.acc_stderr": ...}}``."""
    out: dict[str, dict[str, float]] = {}
    for task, metrics in results.items():
        base, lang = split_language(task)
        for key, value in metrics.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                continue
            metric = re.sub(r",none$", "", key).replace(",", ":")
            out.setdefault(lang, {})[f"{base}.{metric}"] = float(value)
    return out


def run(ctx: Any) -> dict[str, Any]:
    """Run the configured harness tasks on ``ctx.model``; skipped when not configured/installed."""
    from ruadapt.errors import UserError

    names = [t.strip() for t in (ctx.options.lm_eval_tasks or "").split(",") if t.strip()]
    if not names:
        return {"skipped": "no --lm-eval-tasks given"}
    try:
        from lm_eval import evaluator
        from lm_eval.models.huggingface import HFLM
        from lm_eval.tasks import TaskManager
    except ImportError:
        return {"skipped": "lm-evaluation-harness is not installed: pip install 'ruadapt[lm-eval]'"}
    manager = TaskManager(include_path=ctx.options.lm_eval_include)
    try:
        output = evaluator.simple_evaluate(
            model=HFLM(
                pretrained=ctx.model, tokenizer=ctx.tokenizer, batch_size=ctx.options.batch_size
            ),
            tasks=names,
            limit=ctx.options.max_prompts,
            task_manager=manager,
            random_seed=ctx.options.seed,
        )
    except KeyError as exc:  # the harness raises KeyError for unknown task names
        raise UserError(f"--lm-eval-tasks: unknown lm-eval task {exc}") from None
    result: dict[str, Any] = dict(flatten(output.get("results", {})))
    result["settings"] = {"tasks": ",".join(names), "limit": ctx.options.max_prompts}
    return result


TASK = EvalTask(
    name="lm-eval",
    run=run,
    summary="lm-evaluation-harness tasks (opt-in), paired by language",
)
