"""Plugin discovery (``corefill`` entry points) and registration (pluggy hooks).

Each plugin is loaded and registered on its own: an import error, an exception in
its hook or a duplicate name marks that plugin broken and rolls back what it
registered, while the others keep working. ``COREFILL_DISABLE_PLUGINS=a,b`` skips
plugins by entry-point name.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import pluggy

from . import _entrypoints, hookspecs
from .registry import Registries

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

    def __init__(self, registries: Registries, source: str) -> None:
        self._registries = registries
        self._source = source
        self.added: list[tuple[str, str]] = []

    def add(self, kind: str, name: str, *, target: str, params: str) -> None:
        self._registries[kind].register(name, target=target, params=params, source=self._source)
        self.added.append((kind, name))

    def rollback(self) -> None:
        for kind, name in self.added:
            self._registries[kind].unregister(name)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


def _disabled() -> set[str]:
    return {n.strip() for n in os.environ.get(DISABLE_ENV, "").split(",") if n.strip()}


def _register_plugin(
    manager: pluggy.PluginManager, registries: Registries, entry: _entrypoints.Entry
) -> PluginInfo:
    info = PluginInfo(entry.name, entry.module, entry.distribution, entry.version, "ok")
    source = f"plugin {entry.name!r} ({entry.distribution} {entry.version})"
    collector = _Collector(registries, source)
    try:
        module = entry.load()
        manager.register(module, name=entry.name)
        for impl in manager.hook.corefill_register.get_hookimpls():
            if impl.plugin_name == entry.name:
                impl.function(registry=collector)
    except Exception as exc:  # a broken plugin must never take the CLI down
        collector.rollback()
        if manager.has_plugin(entry.name):
            manager.unregister(name=entry.name)
        info.status, info.error = "broken", _one_line(exc)
    info.components = len(collector.added) if info.status == "ok" else 0
    return info


def load_plugins(registries: Registries) -> list[PluginInfo]:
    """Discover every installed plugin and register its components into ``registries``."""
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    disabled = _disabled()
    infos = []
    # The built-in plugin goes first so third parties can never shadow its names silently.
    for entry in sorted(_entrypoints.discover(), key=lambda e: (e.name != "builtin", e.name)):
        if entry.name in disabled:
            infos.append(
                PluginInfo(entry.name, entry.module, entry.distribution, entry.version, "disabled")
            )
            continue
        infos.append(_register_plugin(manager, registries, entry))
    registries.set_broken({i.name: i.error for i in infos if i.status == "broken"})
    return infos


_STATE: tuple[Registries, list[PluginInfo]] | None = None


def registries() -> Registries:
    """The process-wide registries, with every plugin loaded (once)."""
    return _state()[0]


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
