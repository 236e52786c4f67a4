"""Built-in eval tasks, one small module each; each exposes ``TASK`` (a ``ruadapt.EvalTask``)."""
