"""What ``ruadapt plugins`` reports: each plugin, its origin and what it registers."""

from __future__ import annotations

from typing import Any

from ruadapt.registry import Registry


def describe_plugins(registry: Registry, *, include_builtin: bool = True) -> list[dict[str, Any]]:
    """One dict per loaded plugin (name, distribution, version, origin, hooks, registrations)."""
    pm = registry.plugins.pm
    rows = []
    for name, origin in sorted(registry.plugins.origins.items()):
        if not include_builtin and origin.builtin:
            continue
        plugin = pm.get_plugin(name)
        hooks = sorted(h.name for h in pm.get_hookcallers(plugin) or [])
        rows.append(
            {
                "name": name,
                "distribution": origin.distribution,
                "version": origin.version,
                "origin": "built-in" if origin.builtin else origin.source,
                "module": origin.module,
                "hooks": hooks,
                "registers": registry.registered_by(name),
                "warning": registry.plugins.warnings.get(name),
            }
        )
    return rows


def failed_plugins(registry: Registry) -> list[dict[str, str]]:
    """The ``"failed"`` list of ``ruadapt plugins --json``: one ``{"name", "error"}`` per plugin
    that failed to import, implemented an unknown hook, raised or registered a wrong record
    while registering, or registered a name another plugin has too."""
    return [{"name": n, "error": e} for n, e in sorted(registry.plugins.failures.items())]


def plugin_problem(registry: Registry, name: str) -> str | None:
    """Why plugin (or method) ``name`` is not loaded although it is installed, or None."""
    failure = registry.plugins.failures.get(name)
    if failure is not None and name not in registry.plugins.origins:
        return f"plugin {name!r} is installed but failed to load: {failure}"
    if ("method", name) in registry.conflicts:
        return registry.conflicts[("method", name)]
    return None


def plugin_problems(registry: Registry, name: str) -> list[str]:
    """What went wrong for a plugin that did load: the names it registered that another
    plugin registers too (those names are unusable until one plugin is removed)."""
    return [
        registry.conflicts[key]
        for key, plugins in sorted(registry.claimants.items())
        if name in plugins
    ]
