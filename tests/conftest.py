"""Shared fixtures: ruadapt.testing (tiny_model, tiny_data, offline) loads as a pytest plugin."""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
