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
                "origin": "built-in" if origin.builtin else origin.kind,
                "module": origin.module,
                "hooks": hooks,
                "registers": registry.registered_by(name),
                "warning": registry.plugins.warnings.get(name),
            }
        )
    return rows


def failed_plugins(registry: Registry) -> list[dict[str, str]]:
    return [{"name": n, "error": e} for n, e in sorted(registry.plugins.failures.items())]
