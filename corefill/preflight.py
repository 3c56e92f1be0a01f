"""Checks that catch, before any tensor exists, what would make a run fail later.

`corefill validate` and `corefill run` both call :func:`check_recipe` after the recipe's
schema and params are valid. Each problem is one line naming the recipe file, the field
and the fix; all problems are reported together. Nothing here imports torch.

What is checked:
- a Python module that a named component needs (its Params' ``requires``: import name ->
  pip requirement), e.g. pydicom for DICOM folders, nibabel for NIfTI volumes;
- tensorboard when ``train.tensorboard`` is on;
- a dataset ``root`` (or ``*_root``) that does not exist, nested datasets included;
- whatever a component's Params say in ``preflight()`` (the FID metric: its weights).
"""
from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any, Iterator

from .errors import RecipeError
from .recipe import Recipe


def module_available(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # a parent package that is missing or broken
        return False


def _missing_modules(params: Any) -> Iterator[tuple[str, str]]:
    for module, requirement in (getattr(type(params), "requires", None) or {}).items():
        if not module_available(module):
            yield module, requirement


def _dataset_roots(params: dict[str, Any], field: str) -> Iterator[tuple[str, str]]:
    """(dotted field, path) of every root-like param, through wrapped datasets."""
    for key, value in params.items():
        if (key == "root" or key.endswith("_root")) and isinstance(value, str) and value:
            yield f"{field}.{key}", value
        elif isinstance(value, dict) and isinstance(value.get("params"), dict):
            yield from _dataset_roots(value["params"], f"{field}.{key}.params")


def _component_problems(recipe: Recipe, registries) -> Iterator[str]:
    fields_of: dict[str, list[str]] = {}  # one line per missing file: FID and KID share it
    for field, kind, ref in recipe.component_refs():
        params = registries.get(kind, ref.name).params_class().model_validate(ref.params)
        for module, requirement in _missing_modules(params):
            yield (f"{field}: {kind} {ref.name!r} needs the {module!r} module, which is not "
                   f"installed; fix: pip install '{requirement}'")
        check = getattr(params, "preflight", None)
        for where, message in (check() if callable(check) else ()):
            fields_of.setdefault(message, []).append(f"{field}.params.{where}" if where else field)
    for message, (first, *others) in fields_of.items():
        yield f"{first}: {message}" + (f" (also {', '.join(others)})" if others else "")


def _root_problems(recipe: Recipe) -> Iterator[str]:
    dataset = recipe.data.dataset
    splits = [("", dataset.params)] + [
        (f"data.splits.{split}", {**dataset.params, **override})
        for split, override in recipe.data.splits.items()
    ]
    seen: set[str] = set()
    for prefix, params in splits:
        for field, path in _dataset_roots(params, prefix or "data.dataset.params"):
            if path in seen:
                continue
            seen.add(path)
            if not Path(path).expanduser().exists():
                yield (f"{field}: {path} does not exist; fix: point it at the dataset's folder, "
                       "or set it to null for the embedded data")


def problems(recipe: Recipe, registries) -> list[str]:
    found = list(_root_problems(recipe))
    found += list(_component_problems(recipe, registries))
    if recipe.train.tensorboard and not module_available("tensorboard"):
        found.append("train.tensorboard: needs the 'tensorboard' module, which is not installed; "
                     "fix: pip install 'corefill[tensorboard]' (or set train.tensorboard: false)")
    return found


def check_recipe(recipe: Recipe, registries, source: str) -> None:
    """Raise one RecipeError listing every problem (one line each), or return."""
    found = problems(recipe, registries)
    if found:
        raise RecipeError("\n".join(f"{source}: {line}" for line in found))
