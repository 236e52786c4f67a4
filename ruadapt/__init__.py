"""ruadapt: adapt large language models to Russian.

Public API for plugin authors::

    import ruadapt

    @ruadapt.hookimpl
    def register_methods(register):
        register(ruadapt.Method("orpo", ORPOConfig, data_kind="preference", train=train))

    def train(run: ruadapt.Run, config: ORPOConfig) -> None: ...

The names a plugin may rely on, with the version that added each, are listed in
docs/plugins.md ("Versioning", "Public names"); tests/test_versioning.py keeps that list and
``__all__`` in step. Importing this module is cheap: torch and transformers load only when a
model is used.
"""

from ruadapt.contracts import DATA_KINDS, Adapter, DataFormat, EvalTask, Method, Reward
from ruadapt.errors import UserError
from ruadapt.hookspecs import hookimpl
from ruadapt.runner import Run
from ruadapt.version import __version__

__all__ = [
    "DATA_KINDS",
    "Adapter",
    "DataFormat",
    "EvalTask",
    "Method",
    "Reward",
    "Run",
    "UserError",
    "hookimpl",
    "__version__",
]
