"""Strict, lazy registries: one per kind of component.

Components are registered by import path; nothing is imported until a component is
built (or its params are asked for). Each component is known by its qualified name
``plugin:name`` and, while no other plugin registers the same name, by ``name`` alone; a
plugin registering one name twice is an error naming both sources. An unknown name
suggests close matches, names plugins that failed to load, and, for a component of a
first-party plugin that is not installed (or is disabled), the distribution that brings it.

Building a registered component (``BuildContext``, ``build``) is :mod:`corefill.registry`'s
job; this module knows nothing of plugins or of building, so both can import it.
"""
from __future__ import annotations

import difflib
import importlib
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from .errors import DuplicateComponentError, RegistryError
from .first_party import missing_plugin_hint, provider

KINDS = ("dataset", "masker", "generator", "discriminator", "loss", "metric")


def import_object(path: str) -> Any:
    """Import ``"package.module:attr"`` (attr may be dotted)."""
    module_name, _, attr = path.partition(":")
    if not attr:
        raise ValueError(f"import path {path!r} must look like 'package.module:attr'")
    obj: Any = importlib.import_module(module_name)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


@dataclass(frozen=True)
class ComponentSpec:
    """A registered component: where it lives and who registered it."""

    kind: str
    name: str
    target: str
    params: str
    source: str
    plugin: str = ""  # the registering plugin's entry-point name ("builtin" for the core)

    @property
    def qualified(self) -> str:
        """``plugin:name``, a name no other plugin can take (the plain name without a plugin)."""
        return f"{self.plugin}:{self.name}" if self.plugin else self.name

    def params_class(self) -> type:
        return import_object(self.params)

    def load(self) -> Callable[..., Any]:
        return import_object(self.target)

    def summary(self) -> str:
        params_cls = self.params_class()
        text = params_cls.help() if hasattr(params_cls, "help") else params_cls.__doc__
        doc = (text or "").strip().splitlines()
        return doc[0] if doc else ""


@dataclass
class Registry:
    """All components of one kind, by qualified name (``plugin:name``).

    Two plugins may register the same name: both stay usable by their qualified names, and
    the plain name becomes ambiguous (an error listing the qualified names), so installing
    a plugin never silently replaces or disables another's component.
    """

    kind: str
    _specs: dict[str, ComponentSpec] = field(default_factory=dict)
    _by_name: dict[str, list[str]] = field(default_factory=dict)  # name -> qualified names
    # Filled by the plugin loader so "unknown name" errors can say what failed to load
    # (entry-point name -> one-line error) and which plugins are disabled.
    broken_plugins: dict[str, str] = field(default_factory=dict)
    disabled_plugins: frozenset[str] = frozenset()

    def register(self, name: str, *, target: str, params: str, source: str,
                 plugin: str = "") -> ComponentSpec:
        if ":" in name:
            raise RegistryError(f"{self.kind} {name!r} from {source}: a name cannot contain ':' "
                                "(it separates a plugin from its component)")
        spec = ComponentSpec(self.kind, name, target, params, source, plugin)
        if spec.qualified in self._specs:
            old = self._specs[spec.qualified]
            raise DuplicateComponentError(
                f"{self.kind} {name!r} registered twice: by {old.source} ({old.target}) "
                f"and by {source} ({target})"
            )
        self._specs[spec.qualified] = spec
        self._by_name.setdefault(name, []).append(spec.qualified)
        return spec

    def unregister(self, name: str) -> None:
        for qualified in [name] if name in self._specs else list(self._by_name.get(name, [])):
            spec = self._specs.pop(qualified)
            self._by_name[spec.name].remove(qualified)
            if not self._by_name[spec.name]:
                del self._by_name[spec.name]

    def list(self) -> list[str]:
        """The plain names (a clashing name once)."""
        return sorted(self._by_name)

    def specs(self) -> list[ComponentSpec]:
        """Every registered component, clashing ones included, by name then plugin."""
        return sorted(self._specs.values(), key=lambda s: (s.name, s.plugin))

    def clashes(self) -> dict[str, list[str]]:
        """Plain names more than one plugin registered -> their qualified names."""
        return {name: sorted(q) for name, q in sorted(self._by_name.items()) if len(q) > 1}

    def __contains__(self, name: object) -> bool:
        return name in self._specs or name in self._by_name

    def get(self, name: str) -> ComponentSpec:
        """By plain name (unambiguous) or qualified name ``plugin:name``."""
        if name in self._specs:
            return self._specs[name]
        found = self._by_name.get(name, [])
        if len(found) == 1:
            return self._specs[found[0]]
        if found:
            raise RegistryError(
                f"{self.kind} {name!r} is ambiguous: {len(found)} plugins register it; name one "
                f"of {', '.join(sorted(found))}")
        raise RegistryError(self._unknown_message(name))

    def _unknown_message(self, name: str) -> str:
        message = f"unknown {self.kind} {name!r}"
        broken = dict(self.broken_plugins)
        hint = missing_plugin_hint(self.kind, name, broken, self.disabled_plugins)
        if hint:  # a first-party plugin's: what to install (or enable), not a look-alike
            message += f": {hint}"
            broken.pop(provider(self.kind, name).entry_point, None)  # the hint said it
        else:
            candidates = list(self._by_name) + [q for q in self._specs if q not in self._by_name]
            close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.5)
            if close:
                message += "; did you mean " + ", ".join(repr(c) for c in close) + "?"
            elif self._specs:
                message += f"; available: {', '.join(self.list())}"
            else:
                message += "; none are registered"
        if broken:
            failed = "; ".join(f"{p}: {e}" for p, e in sorted(broken.items()))
            message += f" (plugins that failed to load: {failed})"
        return message


class Registries:
    """The six registries, addressed by kind."""

    def __init__(self) -> None:
        self._by_kind = {kind: Registry(kind) for kind in KINDS}

    def __getitem__(self, kind: str) -> Registry:
        try:
            return self._by_kind[kind]
        except KeyError:
            close = difflib.get_close_matches(kind, KINDS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise RegistryError(f"unknown component kind {kind!r}{hint}") from None

    def __iter__(self):
        return iter(self._by_kind.values())

    def get(self, kind: str, name: str) -> ComponentSpec:
        return self[kind].get(name)

    def set_broken(self, broken: dict[str, str]) -> None:
        for registry in self:
            registry.broken_plugins = dict(broken)

    def set_disabled(self, disabled: Iterable[str]) -> None:
        """The entry-point names of the plugins blocked from loading."""
        disabled = frozenset(disabled)
        for registry in self:
            registry.disabled_plugins = disabled
