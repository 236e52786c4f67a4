"""ruadapt's eval suite (import name ``ruadapt_evals``): Russian against English, side by side.

    ruadapt eval --model out/ext --baseline tiny -o out/report
    ruadapt report out/sft/eval out/dpo/eval -o out/compare

Library entry point: :func:`ruadapt_evals.suite.evaluate`. Built-in tasks live in
``tasks/`` (one module each) and are registered through the ``register_eval_tasks`` hook in
``plugin.py``, exactly like a third party's. Definitions of every metric: ``docs/evals.md``.
"""
