"""Data: loading, format detection, validation and conversion to a method's data kind.

Public API::

    from ruadapt.data import load_for_method, validate, inspect, convert
    train, held_out = load_for_method("ru-sft", "chat", registry, eval_split=0.1)
    report = validate("prefs.jsonl", kind="preference")   # report.errors, report.ok
    ensure_chat_template(tokenizer, model)                # ChatML when the model has none

Formats come from the ``register_data_formats`` hook (built-ins: ``plugins/formats.py``);
see ``docs/data.md``. Nothing here imports torch; ``datasets`` loads only to build
Datasets or read saved/hub data.
"""

from ruadapt.data.bundled import BUNDLED, bundled_path, is_eval_set, load_bundled_records
from ruadapt.data.convert import convert
from ruadapt.data.inspect import Inspection, inspect
from ruadapt.data.load import load_for_method
from ruadapt.data.scan import Problem
from ruadapt.data.templates import DEFAULT_CHAT_TEMPLATE, ensure_chat_template
from ruadapt.data.validate import Report, validate

__all__ = [
    "BUNDLED",
    "DEFAULT_CHAT_TEMPLATE",
    "Inspection",
    "Problem",
    "Report",
    "bundled_path",
    "convert",
    "ensure_chat_template",
    "inspect",
    "is_eval_set",
    "load_bundled_records",
    "load_for_method",
    "validate",
]
