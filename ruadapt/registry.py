"""Collecting what plugins register, attributed to the plugin that registered it.

Each hook implementation is called with its own ``register`` callback, so a name claimed by
two plugins becomes an error that names both distributions (never a silent rename).
"""

from __future__ import annotations

import difflib
import sys
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
    owners: dict[tuple[str, str], str] = field(default_factory=dict)  # (what, name) -> plugin
    # (what, name) registered by two plugins: the message naming both, raised on lookup
    conflicts: dict[tuple[str, str], str] = field(default_factory=dict)
    claimants: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # -> plugins

    def table(self, hook: str) -> dict[str, Any]:
        return {
            "register_methods": self.methods,
            "register_adapters": self.adapters,
            "register_data_formats": self.data_formats,
            "register_eval_tasks": self.eval_tasks,
            "register_rewards": self.rewards,
        }[hook]

    def method(self, name: str) -> Method:
        return self._find(self.methods, name, "method")

    def adapter(self, name: str) -> Adapter:
        return self._find(self.adapters, name, "adapter")

    def eval_task(self, name: str) -> EvalTask:
        return self._find(self.eval_tasks, name, "eval task")

    def reward(self, name: str) -> Reward:
        return self._find(self.rewards, name, "reward")

    def _find(self, table: dict[str, Any], name: str, what: str) -> Any:
        """``table[name]``, or a ``UserError`` that says why not: contested by two plugins,
        installed but failed to load, or unknown (with a suggestion)."""
        if name not in table and (what, name) in self.conflicts:
            raise UserError(self.conflicts[(what, name)])
        failure = self.plugins.failures.get(name)
        loaded = name in self.plugins.origins
        if name not in table and failure is not None and not loaded:  # plugin name = method
            raise UserError(
                f"{what} {name!r}: plugin {name!r} is installed but failed to load: {failure} "
                f"(see `ruadapt plugins`)"
            )
        return _lookup(table, name, what, "ruadapt plugins")

    def registered_by(self, plugin: str) -> dict[str, list[str]]:
        """What one plugin registered, e.g. ``{"method": ["dpo"]}``."""
        out: dict[str, list[str]] = {}
        for (what, name), owner in self.owners.items():
            if owner == plugin:
                out.setdefault(what, []).append(name)
        return out


def _lookup(table: dict[str, Any], name: str, what: str, hint: str) -> Any:
    if name in table:
        return table[name]
    available = ", ".join(sorted(table)) or "none installed"
    close = difflib.get_close_matches(name, table, n=1)
    suggestion = f" Did you mean {close[0]!r}?" if close else ""
    raise UserError(f"unknown {what} {name!r}.{suggestion} Available: {available} (see `{hint}`)")


def collect(plugins: Plugins) -> Registry:
    """Call every registration hook and build the registry, attributing each name to its plugin.

    Nothing a plugin does here stops the others, nor the CLI: a plugin that raises, or
    registers something that is not the hook's record type, is recorded in
    ``plugins.failures`` and skipped as a whole (nothing it registered stays). A name two
    plugins register is contested: it is left out of the registry, the later plugin's
    failure says so, and only looking the name up (``registry.method(name)``) raises, with
    a message naming both distributions.
    """
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
                    raise _WrongRecord(
                        f"{_describe(plugins, _plugin)}: registered {record!r} "
                        f"where a ruadapt.{_t.__name__} was expected"
                    )
                key = (_w, record.name)
                if key in registry.owners or key in registry.claimants:
                    claimants = registry.claimants.setdefault(key, [])
                    if key in registry.owners:  # the first owner loses it too: no silent winner
                        claimants.append(registry.owners.pop(key))
                        del _table[record.name]
                    claimants.append(_plugin)
                    registry.conflicts[key] = (
                        f"{_w} {record.name!r} is registered by both "
                        f"{' and '.join(_describe(plugins, p) for p in claimants)}; "
                        f"uninstall one or disable it with RUADAPT_DISABLE_PLUGINS"
                    )
                    plugins.failures[_plugin] = registry.conflicts[key]
                    return
                _table[record.name] = record
                registry.owners[key] = _plugin

            try:
                impl.function(register=register)
            except _WrongRecord as exc:
                failed.add(plugin_name)
                plugins.failures[plugin_name] = str(exc)
            except Exception as exc:  # a plugin raising during registration is skipped
                failed.add(plugin_name)
                plugins.failures[plugin_name] = (
                    f"{_describe(plugins, plugin_name)}: {hook_name} raised "
                    f"{type(exc).__name__}: {exc}"
                )
    for plugin_name in failed:  # skipped as a whole: nothing it registered before raising stays
        tables = {what: registry.table(hook) for hook, (_, what) in _HOOKS.items()}
        for what, name in [key for key, owner in registry.owners.items() if owner == plugin_name]:
            del registry.owners[(what, name)], tables[what][name]
        plugins.pm.unregister(name=plugin_name)
        plugins.origins.pop(plugin_name, None)
    return registry


class _WrongRecord(Exception):
    """A plugin handed ``register`` something other than the hook's record type."""


def add_commands(registry: Registry, app: Any) -> None:
    """Let each plugin add its sub-commands to ``app``; one that raises is recorded as that
    plugin's failure instead of taking every command down.

    A plugin may add commands, never replace one: a name already taken (a built-in such as
    ``run``, or an earlier plugin's) would silently win over it (Typer keeps the last), so
    the plugin's commands are all taken back and the refusal, naming the plugin and the
    command, is recorded as its failure (``ruadapt plugins`` lists it).
    """
    plugins = registry.plugins
    for impl in plugins.pm.hook.register_commands.get_hookimpls():
        taken = _command_names(app)
        before = (list(app.registered_commands), list(app.registered_groups))
        try:
            impl.function(app=app)
        except Exception as exc:
            app.registered_commands[:], app.registered_groups[:] = before
            plugins.failures[impl.plugin_name] = (
                f"{_describe(plugins, impl.plugin_name)}: register_commands raised "
                f"{type(exc).__name__}: {exc}"
            )
            continue
        added = [
            info
            for info in [*app.registered_commands, *app.registered_groups]
            if not any(info is old for old in [*before[0], *before[1]])
        ]
        clashes = sorted({name for info in added for name in _info_names(info)} & taken)
        if clashes:
            app.registered_commands[:], app.registered_groups[:] = before
            plugins.failures[impl.plugin_name] = (
                f"{_describe(plugins, impl.plugin_name)}: register_commands may not replace "
                f"the existing command(s) {', '.join(repr(c) for c in clashes)}; "
                "none of its commands were added"
            )
            # said on every invocation: the user may be expecting the plugin's version
            print(f"warning: {plugins.failures[impl.plugin_name]}", file=sys.stderr)


def _command_names(app: Any) -> set[str]:
    """The names the commands and groups registered on a Typer ``app`` answer to."""
    return {
        name
        for info in [*app.registered_commands, *app.registered_groups]
        for name in _info_names(info)
    }


def _info_names(info: Any) -> set[str]:
    """Names of one Typer registration: a command's name (or its function's, as Typer derives
    it), a group's name, or, for a nameless group, the commands it merges in."""
    from typer.main import get_command_name, solve_typer_info_defaults
    from typer.models import CommandInfo

    if isinstance(info, CommandInfo):
        name = info.name or (info.callback and get_command_name(info.callback.__name__))
        return {name} if name else set()
    solved = solve_typer_info_defaults(info)
    if solved.name:
        return {solved.name}
    sub = solved.typer_instance
    return _command_names(sub) if sub is not None else set()


def _describe(plugins: Plugins, plugin: str) -> str:
    origin = plugins.origins.get(plugin)
    if origin is None:
        return plugin
    version = f" {origin.version}" if origin.version else ""
    return f"{origin.distribution}{version} (plugin {plugin!r})"


_cached: Registry | None = None
_cached_modules: tuple[str, ...] = ()


def get_registry(*, modules: tuple[str, ...] = (), refresh: bool = False) -> Registry:
    """The process-wide registry the CLI uses (tests build their own with ``collect``)."""
    global _cached, _cached_modules
    # the same modules reuse the registry: add_commands recorded its refusals on it
    if _cached is None or refresh or modules != _cached_modules:
        _cached = collect(load_plugins(modules=modules))
        _cached_modules = modules
    return _cached
