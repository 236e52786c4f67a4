"""Loading plugins: built-in and third-party alike, through the ``ruadapt`` entry-point group.

``load_plugins()`` is a factory, not a global: tests build their own, the CLI caches one.
One plugin failing to import, or implementing a hook that does not exist, is recorded and
skipped; the others still load (pluggy's own loader stops at the first failure).
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
from dataclasses import dataclass, field
from types import ModuleType

import pluggy

from ruadapt import hookspecs

ENTRY_POINT_GROUP = "ruadapt"
DISABLE_ENV = "RUADAPT_DISABLE_PLUGINS"
TRACE_ENV = "RUADAPT_TRACE_PLUGINS"


@dataclass(frozen=True)
class Origin:
    """Where a plugin came from: the distribution that installed it, or an explicit module."""

    distribution: str
    version: str
    module: str
    source: str  # how it was found: "entry-point", "module" (--plugin-module) or "object"

    @property
    def builtin(self) -> bool:
        return self.distribution == "ruadapt"


@dataclass
class Plugins:
    """A plugin manager plus what ruadapt knows about each plugin in it."""

    pm: pluggy.PluginManager
    origins: dict[str, Origin] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)  # plugin name -> one-line reason
    warnings: dict[str, str] = field(default_factory=dict)  # loaded, but something is off
    disabled: list[str] = field(default_factory=list)


def disabled_from_env() -> list[str]:
    """Names in ``RUADAPT_DISABLE_PLUGINS`` (comma separated)."""
    raw = os.environ.get(DISABLE_ENV, "")
    return [name.strip() for name in raw.split(",") if name.strip()]


def load_plugins(
    *,
    entry_points: bool = True,
    modules: tuple[str, ...] | list[str] = (),
    objects: dict[str, object] | None = None,
    disabled: list[str] | None = None,
) -> Plugins:
    """Build a plugin manager with every installed plugin, minus the disabled ones.

    ``modules`` are dotted module names registered explicitly (``--plugin-module``);
    ``objects`` maps names to plugin objects (tests register throwaway plugins this way).
    """
    pm = pluggy.PluginManager("ruadapt")
    pm.add_hookspecs(hookspecs)
    blocked = list(disabled if disabled is not None else disabled_from_env())
    plugins = Plugins(pm=pm, disabled=blocked)
    for name in blocked:
        pm.set_blocked(name)
    if entry_points:
        _load_entry_points(plugins)
    for module_name in modules:
        _register(
            plugins,
            module_name,
            lambda m=module_name: importlib.import_module(m),
            Origin(distribution=module_name, version="", module=module_name, source="module"),
        )
    for name, obj in (objects or {}).items():
        module = getattr(obj, "__name__", type(obj).__name__)
        _register(
            plugins,
            name,
            lambda o=obj: o,
            Origin(distribution=name, version="", module=module, source="object"),
        )
    _drop_unknown_hooks(plugins)
    if os.environ.get(TRACE_ENV):
        _trace(pm)
    return plugins


def _load_entry_points(plugins: Plugins) -> None:
    seen: set[str] = set()
    for ep in sorted(
        importlib.metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name
    ):
        dist = ep.dist
        origin = Origin(
            distribution=dist.name if dist else "?",
            version=dist.version if dist else "?",
            module=ep.value,
            source="entry-point",
        )
        if ep.name in seen:
            # Same plugin name from two distributions: keep the first, report the second.
            first = plugins.origins.get(ep.name)
            owner = f"{first.distribution} {first.version}" if first else "another distribution"
            plugins.failures[ep.name] = (
                f"{origin.distribution} {origin.version}: plugin name {ep.name!r} "
                f"is already used by {owner}"
            )
            continue
        seen.add(ep.name)
        _register(plugins, ep.name, ep.load, origin)
        if dist is not None and ep.name in plugins.origins:
            mismatch = version_mismatch(dist.requires or [])
            if mismatch:
                plugins.warnings[ep.name] = f"{origin.distribution} {origin.version}: {mismatch}"


def version_mismatch(requirements: list[str]) -> str | None:
    """A message when a plugin's declared ``ruadapt`` requirement excludes this version."""
    from packaging.requirements import InvalidRequirement, Requirement

    from ruadapt.version import __version__

    for line in requirements:
        try:
            req = Requirement(line)
        except InvalidRequirement:
            continue
        applies = req.name == "ruadapt" and req.marker is None and req.specifier
        if applies and not req.specifier.contains(__version__, prereleases=True):
            return f"declares ruadapt{req.specifier} but ruadapt {__version__} is installed"
    return None


def _register(plugins: Plugins, name: str, load, origin: Origin) -> None:
    if plugins.pm.is_blocked(name):
        return
    try:
        obj: ModuleType | object = load()
        plugins.pm.register(obj, name=name)
    except Exception as exc:  # any failure in a plugin's import must not take the CLI down
        where = f"{origin.distribution} {origin.version}".strip()
        plugins.failures[name] = f"{where}: {type(exc).__name__}: {exc}".replace("\n", " ")
        return
    plugins.origins[name] = origin


def _drop_unknown_hooks(plugins: Plugins) -> None:
    """Unregister plugins implementing a hook ruadapt does not define (usually a typo)."""
    pm = plugins.pm
    while True:
        try:
            pm.check_pending()
            return
        except pluggy.PluginValidationError as exc:
            plugin = exc.plugin
            name = pm.get_name(plugin) or str(plugin)
            plugins.failures[name] = f"{_where(plugins, name)}: {exc}"
            pm.unregister(plugin)
            plugins.origins.pop(name, None)


def _where(plugins: Plugins, name: str) -> str:
    origin = plugins.origins.get(name)
    return f"{origin.distribution} {origin.version}".strip() if origin else name


def _trace(pm: pluggy.PluginManager) -> None:
    import sys

    def before(hook_name, hook_impls, kwargs):
        names = [impl.plugin_name for impl in hook_impls]
        print(f"ruadapt trace: {hook_name} -> {names}", file=sys.stderr)

    def after(outcome, hook_name, hook_impls, kwargs):
        pass

    pm.add_hookcall_monitoring(before, after)
