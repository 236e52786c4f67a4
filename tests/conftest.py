"""Shared fixtures: ruadapt.testing (tiny_model, tiny_data, offline) loads as a pytest plugin."""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# Tiny models run faster on one thread than on several (thread hand-off dominates tiny matmuls),
# and CI machines are shared; subprocesses (CLI tests) inherit the variable.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import torch  # noqa: E402  (after the environment it reads)

torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
