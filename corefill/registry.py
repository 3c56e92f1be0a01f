"""Building a registered component: the :class:`BuildContext` every target gets, and
:func:`build` (validate the params, import the target, call it).

The registries themselves live in :mod:`corefill.components`; their names are imported
here too (``from corefill.registry import Registries`` keeps working). Plugin authors take
``BuildContext`` and ``build`` from :mod:`corefill.plugin`.
"""
from __future__ import annotations

import dataclasses
import inspect
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Optional

from .components import KINDS, ComponentSpec, Registries, Registry, import_object

__all__ = ["KINDS", "BuildContext", "ComponentSpec", "Registries", "Registry", "build",
           "import_object", "takes_params", "validate_params"]


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
        from .plugins import resolve_registries  # loading plugins is not for --help

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
    warnings.warn(f"{spec.kind} {spec.qualified!r} is built as target(**params), the older "
                  "builder convention; take (params, context) instead (see the plugin guide). "
                  "The older form will be removed after at least one minor release.",
                  DeprecationWarning, stacklevel=2)
    legacy = {"split": context.split} if spec.kind == "dataset" else {}
    return target(**dict(params), **legacy)
