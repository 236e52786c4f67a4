"""The plugin contract: every hook ruadapt calls, with project name ``ruadapt``.

All hooks are registration hooks: they run once at start-up and hand records to a
``register`` callback, so the core can attribute each name to the plugin that registered it
(two plugins claiming one name is an error naming both). Full documentation with an example
per hook: ``docs/plugins.md``.
"""

from pluggy import HookimplMarker, HookspecMarker

hookspec = HookspecMarker("ruadapt")
hookimpl = HookimplMarker("ruadapt")


@hookspec
def register_methods(register):
    """Register training methods: ``register(ruadapt.Method(...))``."""


@hookspec
def register_adapters(register):
    """Register adapters that compose with any method: ``register(ruadapt.Adapter(...))``."""


@hookspec
def register_data_formats(register):
    """Register data formats (detect, validate, convert): ``register(ruadapt.DataFormat(...))``."""


@hookspec
def register_eval_tasks(register):
    """Register tasks for ``ruadapt eval``: ``register(ruadapt.EvalTask(...))``."""


@hookspec
def register_rewards(register):
    """Register rule-based rewards for RL methods: ``register(ruadapt.Reward(...))``."""


@hookspec
def register_commands(app):
    """Add sub-commands to the root ``typer.Typer`` app (called once, before the CLI parses)."""
