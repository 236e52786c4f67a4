"""The built-in eval tasks, registered through the same hook a third party uses.

Importing this module must stay cheap (no torch): every task module imports its heavy
dependencies inside ``run``.
"""

from __future__ import annotations

from ruadapt_evals.tasks import (
    generation,
    harness,
    lm,
    mc,
    preference,
    reference,
    speed,
    tokenization,
)

from ruadapt.hookspecs import hookimpl

#: The order tasks run in and appear in reports when ``--tasks`` is not given.
BUILTIN = (speed, tokenization, lm, generation, reference, mc, preference, harness)


@hookimpl
def register_eval_tasks(register):
    for module in BUILTIN:
        register(module.TASK)
