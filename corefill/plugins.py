"""Plugin loading: discovery (``corefill`` entry points), registration through pluggy's
own hook call, blocking with pluggy's ``set_blocked``.

Each plugin is loaded and its ``corefill_register`` hook called on its own: an import
error or an exception in its hook marks that plugin broken and rolls back what it
registered, while the others keep working. A name two plugins register stays usable as
``plugin:name`` for each (the plain name is then ambiguous). ``COREFILL_DISABLE_PLUGINS=a,b``
blocks plugins by entry-point name (they are not even imported).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Optional

import pluggy

from . import _entrypoints, hookspecs
from .errors import one_line
from .components import Registries

DISABLE_ENV = "COREFILL_DISABLE_PLUGINS"


@dataclass
class PluginInfo:
    """What `corefill plugins` shows about one plugin."""

    name: str
    module: str
    distribution: str
    version: str
    status: str  # "ok", "broken" or "disabled"
    error: str = ""
    components: int = 0


class _Collector:
    """The ``registry`` object a plugin's hook receives; records what it adds."""

    def __init__(self, registries: Registries, source: str, plugin: str) -> None:
        self._registries = registries
        self._source, self._plugin = source, plugin
        self.added: list[tuple[str, str]] = []  # (kind, qualified name)

    def add(self, kind: str, name: str, *, target: str, params: str) -> None:
        spec = self._registries[kind].register(name, target=target, params=params,
                                               source=self._source, plugin=self._plugin)
        self.added.append((kind, spec.qualified))

    def add_table(self, table: dict, *, kind: Optional[str] = None) -> None:
        """Register ``{(kind, name): (target, params)}``, or ``{name: (target, params)}``
        when all entries are of one ``kind``."""
        for key, (target, params) in table.items():
            entry_kind, name = (kind, key) if kind is not None else key
            self.add(entry_kind, name, target=target, params=params)

    def rollback(self) -> None:
        for kind, name in self.added:
            self._registries[kind].unregister(name)


def new_manager() -> pluggy.PluginManager:
    """A plugin manager knowing corefill's hooks, with the disabled plugins blocked."""
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    for name in os.environ.get(DISABLE_ENV, "").split(","):
        if name.strip():
            manager.set_blocked(name.strip())
    return manager


def _register_plugin(manager: pluggy.PluginManager, registries: Registries,
                     entry: _entrypoints.Entry) -> PluginInfo:
    info = PluginInfo(entry.name, entry.module, entry.distribution, entry.version, "ok")
    source = f"plugin {entry.name!r} ({entry.distribution} {entry.version})"
    collector = _Collector(registries, source, entry.name)
    try:
        plugin = entry.load()
        manager.register(plugin, name=entry.name)
        # One plugin per call (the hook's other implementations left out), so what it adds
        # is attributed to it and its exception stops only it.
        others = [p for p in manager.get_plugins() if p is not plugin]
        manager.subset_hook_caller("corefill_register", remove_plugins=others)(registry=collector)
    except Exception as exc:  # a broken plugin must never take the CLI down
        collector.rollback()
        if manager.has_plugin(entry.name):
            manager.unregister(name=entry.name)
        info.status, info.error = "broken", one_line(exc)
    info.components = len(collector.added) if info.status == "ok" else 0
    return info


def load_plugins(registries: Registries,
                 manager: Optional[pluggy.PluginManager] = None) -> list[PluginInfo]:
    """Discover every installed plugin and register its components into ``registries``."""
    manager = manager or new_manager()
    infos = []
    # The built-in plugin goes first so third parties can never shadow its names silently.
    for entry in sorted(_entrypoints.discover(), key=lambda e: (e.name != "builtin", e.name)):
        if manager.is_blocked(entry.name):
            infos.append(
                PluginInfo(entry.name, entry.module, entry.distribution, entry.version, "disabled")
            )
            continue
        infos.append(_register_plugin(manager, registries, entry))
    registries.set_broken({i.name: i.error for i in infos if i.status == "broken"})
    registries.set_disabled(i.name for i in infos if i.status == "disabled")
    return infos


_STATE: tuple[Registries, list[PluginInfo]] | None = None


def registries() -> Registries:
    """The process-wide registries, with every plugin loaded (once)."""
    return _state()[0]


def resolve_registries(given: Optional[Registries]) -> Registries:
    """``given``, or the installed plugins' registries when none were given."""
    return registries() if given is None else given


def plugin_infos() -> list[PluginInfo]:
    return _state()[1]


def _state() -> tuple[Registries, list[PluginInfo]]:
    global _STATE
    if _STATE is None:
        regs = Registries()
        _STATE = (regs, load_plugins(regs))
    return _STATE


def reset() -> None:
    """Forget loaded plugins (tests use this after changing the environment)."""
    global _STATE
    _STATE = None
