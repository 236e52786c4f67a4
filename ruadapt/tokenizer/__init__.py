"""Tokenizer extension: learn Russian BPE tokens, initialise their embeddings, measure."""

from ruadapt.tokenizer.card import save_extension_card
from ruadapt.tokenizer.embeddings import resize_and_init_embeddings
from ruadapt.tokenizer.extend import ExtensionResult, NewToken, extend_tokenizer
from ruadapt.tokenizer.extend_model import extend_model
from ruadapt.tokenizer.family import tokenizer_family
from ruadapt.tokenizer.propagate import propagate
from ruadapt.tokenizer.stats import compare_stats, tokenizer_stats

__all__ = [
    "ExtensionResult",
    "NewToken",
    "compare_stats",
    "extend_model",
    "extend_tokenizer",
    "propagate",
    "resize_and_init_embeddings",
    "save_extension_card",
    "tokenizer_family",
    "tokenizer_stats",
]
