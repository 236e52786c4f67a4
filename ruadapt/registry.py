"""Collecting what plugins register, attributed to the plugin that registered it.

Each hook implementation is called with its own ``register`` callback, so a name claimed by
two plugins becomes an error that names both distributions (never a silent rename).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from ruadapt.contracts import Adapter, DataFormat, EvalTask, Method, Reward
from ruadapt.errors import UserError
from ruadapt.plugins import Plugins, load_plugins

# hook name -> (record type, what the record is called in messages)
_HOOKS: dict[str, tuple[type, str]] = {
    "register_methods": (Method, "method"),
    "register_adapters": (Adapter, "adapter"),
    "register_data_formats": (DataFormat, "data format"),
    "register_eval_tasks": (EvalTask, "eval task"),
    "register_rewards": (Reward, "reward"),
}


@dataclass
class Registry:
    """Everything the installed plugins provide, by name, with the owning plugin of each."""

    plugins: Plugins
    methods: dict[str, Method] = field(default_factory=dict)
    adapters: dict[str, Adapter] = field(default_factory=dict)
    data_formats: dict[str, DataFormat] = field(default_factory=dict)
    eval_tasks: dict[str, EvalTask] = field(default_factory=dict)
    rewards: dict[str, Reward] = field(default_factory=dict)
    owners: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, name) -> plugin

    def table(self, hook: str) -> dict[str, Any]:
        return {
            "register_methods": self.methods,
            "register_adapters": self.adapters,
            "register_data_formats": self.data_formats,
            "register_eval_tasks": self.eval_tasks,
            "register_rewards": self.rewards,
        }[hook]

    def method(self, name: str) -> Method:
        return _lookup(self.methods, name, "method", "ruadapt plugins")

    def adapter(self, name: str) -> Adapter:
        return _lookup(self.adapters, name, "adapter", "ruadapt plugins")

    def eval_task(self, name: str) -> EvalTask:
        return _lookup(self.eval_tasks, name, "eval task", "ruadapt plugins")

    def reward(self, name: str) -> Reward:
        return _lookup(self.rewards, name, "reward", "ruadapt plugins")

    def registered_by(self, plugin: str) -> dict[str, list[str]]:
        """What one plugin registered, e.g. ``{"method": ["dpo"]}``."""
        out: dict[str, list[str]] = {}
        for (kind, name), owner in self.owners.items():
            if owner == plugin:
                out.setdefault(kind, []).append(name)
        return out


def _lookup(table: dict[str, Any], name: str, what: str, hint: str) -> Any:
    if name in table:
        return table[name]
    available = ", ".join(sorted(table)) or "none installed"
    close = difflib.get_close_matches(name, table, n=1)
    suggestion = f" Did you mean {close[0]!r}?" if close else ""
    raise UserError(f"unknown {what} {name!r}.{suggestion} Available: {available} (see `{hint}`)")


def collect(plugins: Plugins) -> Registry:
    """Call every registration hook and build the registry; duplicate names are errors."""
    registry = Registry(plugins=plugins)
    failed: set[str] = set()
    for hook_name, (record_type, what) in _HOOKS.items():
        hook = getattr(plugins.pm.hook, hook_name)
        table = registry.table(hook_name)
        # get_hookimpls() is in registration order; walk it so every record has an owner.
        for impl in hook.get_hookimpls():
            plugin_name = impl.plugin_name
            if plugin_name in failed:
                continue

            def register(record, _plugin=plugin_name, _table=table, _t=record_type, _w=what):
                if not isinstance(record, _t):
                    raise UserError(
                        f"plugin {_describe(plugins, _plugin)} registered {record!r} "
                        f"where a ruadapt.{_t.__name__} was expected"
                    )
                if record.name in _table:
                    first = registry.owners[(_w, record.name)]
                    raise UserError(
                        f"{_w} {record.name!r} is registered by both "
                        f"{_describe(plugins, first)} and {_describe(plugins, _plugin)}; "
                        f"uninstall one or disable it with RUADAPT_DISABLE_PLUGINS"
                    )
                _table[record.name] = record
                registry.owners[(_w, record.name)] = _plugin

            try:
                impl.function(register=register)
            except UserError:
                raise
            except Exception as exc:  # a plugin raising during registration is skipped
                failed.add(plugin_name)
                plugins.failures[plugin_name] = (
                    f"{_describe(plugins, plugin_name)}: {hook_name} raised "
                    f"{type(exc).__name__}: {exc}"
                )
    for plugin_name in failed:  # skipped as a whole: nothing it registered before raising stays
        tables = {what: registry.table(hook) for hook, (_, what) in _HOOKS.items()}
        for kind, name in [key for key, owner in registry.owners.items() if owner == plugin_name]:
            del registry.owners[(kind, name)], tables[kind][name]
        plugins.pm.unregister(name=plugin_name)
        plugins.origins.pop(plugin_name, None)
    return registry


def _describe(plugins: Plugins, plugin: str) -> str:
    origin = plugins.origins.get(plugin)
    if origin is None:
        return plugin
    version = f" {origin.version}" if origin.version else ""
    return f"{origin.distribution}{version} (plugin {plugin!r})"


_cached: Registry | None = None


def get_registry(*, modules: tuple[str, ...] = (), refresh: bool = False) -> Registry:
    """The process-wide registry the CLI uses (tests build their own with ``collect``)."""
    global _cached
    if _cached is None or refresh or modules:
        _cached = collect(load_plugins(modules=modules))
    return _cached
