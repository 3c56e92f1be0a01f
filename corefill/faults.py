"""A plugin's own mistakes, found before a run and reported as the plugin's.

A params import path that does not import, a Params field whose default its own
constraints refuse, a target module that does not exist: none of these is the user's
fault, so each becomes one line naming the plugin, the component and the field (at
``corefill validate`` and in ``corefill plugins``), never a traceback mid-run. Torch-free:
params modules are pydantic only, and a target's module is looked up, not imported.
"""
from __future__ import annotations

import importlib.util
import sys
from typing import Any, Iterable

from .errors import RecipeError, one_line
from .registry import ComponentSpec


def who(spec: ComponentSpec) -> str:
    return f"{spec.kind} {spec.qualified!r} of {spec.source}"


def params_class(spec: ComponentSpec, where: str) -> type:
    """The component's Params class, or a RecipeError blaming its plugin."""
    try:
        return spec.params_class()
    except Exception as exc:  # noqa: BLE001 - any import failure is the plugin's
        raise RecipeError(f"{where}: {who(spec)} cannot be used: its params "
                          f"{spec.params} do not import ({one_line(exc)}); a fault of that "
                          "plugin: report it to its authors") from None


def invalid_defaults(params_cls: type, given: Iterable[str] = ()) -> dict[str, str]:
    """Field -> problem, for each default (of a field not in ``given``) that the field's own
    type or constraints refuse (pydantic does not validate defaults by itself)."""
    from pydantic import ValidationError
    from pydantic_core import PydanticUndefined

    given = set(given)
    defaults = {}
    for name, field in params_cls.model_fields.items():
        if name in given or field.is_required():
            continue
        defaults[name] = field.default_factory() if field.default is PydanticUndefined \
            else field.default
    try:
        params_cls.model_validate(defaults)
    except ValidationError as exc:
        return {str(e["loc"][0]): f"{e['msg'].removeprefix('Value error, ')}, got {e['input']!r}"
                for e in exc.errors() if e["loc"] and e["loc"][0] in defaults}
    return {}


def missing_target(spec: ComponentSpec) -> str | None:
    """A problem line if the target's module cannot be found (without importing it)."""
    module = spec.target.partition(":")[0]
    if module in sys.modules:  # already imported (``__main__`` has no spec to find)
        return None
    try:
        found = importlib.util.find_spec(module)
    except Exception as exc:  # noqa: BLE001 - a parent package failing to import
        return f"its target module {module} does not import ({one_line(exc)})"
    return None if found else f"its target module {module} does not exist"


def check_used(spec: ComponentSpec, params_cls: type, given: Any, where: str) -> None:
    """RecipeError for the first fault of a component a recipe uses (``where``: the recipe
    field, e.g. ``recipe.yaml: masker``)."""
    for name, problem in invalid_defaults(params_cls, given).items():
        raise RecipeError(f"{where}.params.{name}: the default of {who(spec)} is invalid "
                          f"({problem}); a fault of that plugin: set {name} in the recipe, "
                          "or report it to its authors")
    problem = missing_target(spec)
    if problem:
        raise RecipeError(f"{where}.name: {who(spec)} cannot be built: {problem}; a fault of "
                          "that plugin: report it to its authors")


def component_faults(spec: ComponentSpec) -> list[str]:
    """Every fault of one registered component, one line each (``corefill plugins``). A
    params module that imports torch is caught when this runs in a torch-free process."""
    torch_before = "torch" in sys.modules
    try:
        params_cls = spec.params_class()
    except Exception as exc:  # noqa: BLE001
        return [f"params {spec.params} do not import ({one_line(exc)})"]
    faults = []
    if not torch_before and "torch" in sys.modules:
        faults.append(f"params module {spec.params.partition(':')[0]} imports torch (every "
                      "`corefill validate` and `components` then pays for it): keep it pydantic-only")
    faults += [f"params field {name!r}: invalid default ({problem})"
               for name, problem in invalid_defaults(params_cls).items()]
    problem = missing_target(spec)
    return faults + ([problem] if problem else [])
