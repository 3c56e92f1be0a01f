"""Strict, lazy registries: one per kind of component.

Components are registered by import path; nothing is imported until a component is
built (or its params are asked for). A name registered twice is an error naming both
sources; an unknown name suggests close matches and names plugins that failed to load.
"""
from __future__ import annotations

import difflib
import importlib
from dataclasses import dataclass, field
from typing import Any, Callable

from .errors import DuplicateComponentError, RegistryError

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

    def params_class(self) -> type:
        return import_object(self.params)

    def load(self) -> Callable[..., Any]:
        return import_object(self.target)

    def summary(self) -> str:
        doc = (self.params_class().__doc__ or "").strip().splitlines()
        return doc[0] if doc else ""


@dataclass
class Registry:
    """All components of one kind."""

    kind: str
    _specs: dict[str, ComponentSpec] = field(default_factory=dict)
    # Filled by the plugin loader so "unknown name" errors can say what failed to load.
    broken_plugins: dict[str, str] = field(default_factory=dict)

    def register(self, name: str, *, target: str, params: str, source: str) -> ComponentSpec:
        if name in self._specs:
            old = self._specs[name]
            raise DuplicateComponentError(
                f"{self.kind} {name!r} registered twice: by {old.source} ({old.target}) "
                f"and by {source} ({target})"
            )
        spec = ComponentSpec(self.kind, name, target, params, source)
        self._specs[name] = spec
        return spec

    def unregister(self, name: str) -> None:
        self._specs.pop(name, None)

    def list(self) -> list[str]:
        return sorted(self._specs)

    def __contains__(self, name: object) -> bool:
        return name in self._specs

    def get(self, name: str) -> ComponentSpec:
        try:
            return self._specs[name]
        except KeyError:
            raise RegistryError(self._unknown_message(name)) from None

    def _unknown_message(self, name: str) -> str:
        message = f"unknown {self.kind} {name!r}"
        close = difflib.get_close_matches(name, self._specs, n=3, cutoff=0.5)
        if close:
            message += "; did you mean " + ", ".join(repr(c) for c in close) + "?"
        elif self._specs:
            message += f"; available: {', '.join(self.list())}"
        else:
            message += "; none are registered"
        if self.broken_plugins:
            failed = "; ".join(f"{p}: {e}" for p, e in sorted(self.broken_plugins.items()))
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


def build(spec: ComponentSpec, params: Any = None, **context: Any) -> Any:
    """Validate ``params`` (a dict or a Params instance) and call the target."""
    params_cls = spec.params_class()
    if not isinstance(params, params_cls):
        params = params_cls.model_validate(params or {})
    return spec.load()(**dict(params), **context)
