"""Strict, lazy registries: one per kind of component.

Components are registered by import path; nothing is imported until a component is
built (or its params are asked for). Each component is known by its qualified name
``plugin:name`` and, while no other plugin registers the same name, by ``name`` alone; a
plugin registering one name twice is an error naming both sources. An unknown name
suggests close matches and names plugins that failed to load.
"""
from __future__ import annotations

import dataclasses
import difflib
import importlib
import inspect
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

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
    # Filled by the plugin loader so "unknown name" errors can say what failed to load.
    broken_plugins: dict[str, str] = field(default_factory=dict)

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
        candidates = list(self._by_name) + [q for q in self._specs if q not in self._by_name]
        close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.5)
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


@dataclass(frozen=True)
class BuildContext:
    """What the engine knows when it builds a component, handed to every target built as
    ``target(params, context)``, so a recipe never repeats it.

    ``registries``: where a component naming another (a dataset wrapping a dataset) looks
    it up; None = the installed plugins'. ``split``: the dataset split being built
    (``"train"``, ``"val"``, ``"test"``), None for other kinds. ``value_range``,
    ``channels``, ``input_channels``: the dataset's, once it is built (None while the
    dataset itself is being built). ``device``: where the run computes.
    """

    registries: Optional["Registries"] = None
    split: Optional[str] = None
    value_range: Optional[tuple[float, float]] = None
    channels: Optional[int] = None
    input_channels: Optional[int] = None
    device: str = "cpu"

    def replace(self, **changes: Any) -> "BuildContext":
        return dataclasses.replace(self, **changes)

    def of_dataset(self, dataset: Any) -> "BuildContext":
        """This context with what ``dataset`` (built) says about its images."""
        channels = int(dataset.channels)
        return self.replace(value_range=tuple(float(v) for v in dataset.value_range),
                            channels=channels,
                            input_channels=int(getattr(dataset, "input_channels", channels)))

    def lookup(self) -> "Registries":
        """``registries``, or the installed plugins' when none were given."""
        from .plugins import resolve_registries

        return resolve_registries(self.registries)


def takes_params(target: Callable[..., Any]) -> bool:
    """Whether ``target`` is built as ``target(params, context)``: its first two positional
    parameters are named ``params`` and ``context``. Anything else is the older form,
    ``target(**params)`` (datasets also get ``split=``), which keeps working."""
    try:
        parameters = inspect.signature(target).parameters.values()
    except (TypeError, ValueError):
        return False
    positional = [p.name for p in parameters
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return positional[:2] == ["params", "context"]


def validate_params(spec: ComponentSpec, params: Any = None,
                    registries: Optional["Registries"] = None) -> Any:
    """``params`` (a dict or a Params instance) as the component's validated Params; a
    field naming another component looks it up in ``registries`` (None: the installed)."""
    params_cls = spec.params_class()
    if isinstance(params, params_cls):
        return params
    return params_cls.model_validate(params or {}, context={"registries": registries})


def build(spec: ComponentSpec, params: Any = None, context: Optional[BuildContext] = None,
          **changes: Any) -> Any:
    """Validate ``params`` and build the component in ``context`` (default: an empty one),
    with ``changes`` to its fields (``build(spec, params, split="val")``)."""
    context = (context or BuildContext()).replace(**changes)
    params = validate_params(spec, params, context.registries)
    target = spec.load()
    if takes_params(target):
        return target(params, context)
    legacy = {"split": context.split} if spec.kind == "dataset" else {}
    return target(**dict(params), **legacy)
