"""Load a YAML recipe, apply ``-o`` overrides, and validate it down to every param.

The result is a fully resolved :class:`Recipe`: every component's params carry their
defaults, so what runs is exactly what is saved. Errors are one line:
``recipes/knee.yaml: generator.params.ngf: Input should be a valid integer, got 'abc'``.
"""
from __future__ import annotations

import copy
import difflib
import hashlib
import json
from pathlib import Path
from typing import Any, Iterable

import yaml
from pydantic import ValidationError

from .errors import RecipeError, RegistryError, first_line
from .recipe import Recipe
from .registry import Registries


def read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise RecipeError(f"{path}: cannot read recipe: {exc.strerror or exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or first_line(exc)
        raise RecipeError(f"{path}: invalid YAML: {where}{problem}") from None
    if not isinstance(data, dict):
        raise RecipeError(f"{path}: a recipe must be a YAML mapping, got {type(data).__name__}")
    return data


def deep_merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    """``top`` over ``base``: mappings merge key by key; lists, scalars and null replace. A
    component whose ``name`` ``top`` changes is replaced whole: the base's params were
    written for another component."""
    merged = copy.deepcopy(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict) and \
                not _swapped(merged[key], value):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _swapped(base: dict[str, Any], top: dict[str, Any]) -> bool:
    return "name" in top and "name" in base and top["name"] != base["name"]


def read_recipe_data(path: Path, _seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """A recipe file's mapping with its ``base:`` chain merged in (base first, then this)."""
    data = read_yaml(path)
    base = data.pop("base", None)
    if base is None:
        return data
    if not isinstance(base, str) or not base.strip():
        raise RecipeError(f"{path}: base: must be the path of another recipe, got {base!r}")
    base_path = (Path(path).parent / base).resolve()
    chain = (*_seen, Path(path).resolve())
    if base_path in chain:
        raise RecipeError(f"{path}: base: {base} leads back to itself")
    if not base_path.is_file():
        raise RecipeError(f"{path}: base: no such recipe {base_path}")
    return deep_merge(read_recipe_data(base_path, chain), data)


def key_origins(path: Path, _seen: tuple[Path, ...] = ()) -> dict[tuple[str, ...], Path]:
    """Which file of a ``base:`` chain set each key of the merged recipe (a key path ->
    the file); mappings merge, everything else (and a swapped component) is replaced."""
    data = read_yaml(path)
    base = data.pop("base", None)
    origins: dict[tuple[str, ...], Path] = {}
    if isinstance(base, str) and base.strip():
        base_path = (Path(path).parent / base).resolve()
        if base_path.is_file() and base_path not in _seen:
            origins = key_origins(base_path, (*_seen, Path(path).resolve()))
    _mark(origins, (), data, Path(path))
    return origins


def _mark(origins: dict[tuple[str, ...], Path], prefix: tuple[str, ...], top: Any,
          path: Path) -> None:
    for key, value in top.items():
        at = (*prefix, str(key))
        if not isinstance(value, dict) or "name" in value:  # replaced whole (or swapped)
            for old in [k for k in origins if k[:len(at)] == at]:
                del origins[old]
        origins[at] = path
        if isinstance(value, dict):
            _mark(origins, at, value, path)


def with_origins(error: RecipeError, path: Path) -> RecipeError:
    """``error``'s lines (``FILE: dotted.key: message``) naming the base recipe a key came
    from, where it came from one."""
    try:
        origins = key_origins(path)
    except RecipeError:
        return error
    lines = []
    for line in str(error).splitlines():
        parts = line.split(": ", 2)
        if len(parts) == 3 and parts[0] == str(path):
            keys = tuple(parts[1].split("."))
            found = [origins[keys[:n]] for n in range(len(keys), 0, -1) if keys[:n] in origins]
            if found and found[0].resolve() != Path(path).resolve():
                line = f"{parts[0]}: {parts[1]} (from its base {found[0]}): {parts[2]}"
        lines.append(line)
    return RecipeError("\n".join(lines))


def apply_overrides(data: dict[str, Any], overrides: Iterable[str], source: str) -> dict[str, Any]:
    """``train.epochs=5`` sets ``data["train"]["epochs"] = 5`` (value parsed as YAML)."""
    data = copy.deepcopy(data)
    for item in overrides:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise RecipeError(f"{source}: override {item!r} must look like dotted.key=value")
        try:
            value = yaml.safe_load(raw) if raw.strip() else ""
        except yaml.YAMLError:
            value = raw
        node = data
        parts = key.strip().split(".")
        for depth, part in enumerate(parts[:-1]):
            node = _child(node, part, ".".join(parts[: depth + 1]), source)
        _assign(node, parts[-1], value, key, source)
    return data


def _child(node: Any, part: str, dotted: str, source: str) -> Any:
    if isinstance(node, list):
        return node[_index(part, len(node), dotted, source)]
    if not isinstance(node, dict):
        raise RecipeError(f"{source}: override {dotted}: not a mapping")
    return node.setdefault(part, {})


def _assign(node: Any, part: str, value: Any, dotted: str, source: str) -> None:
    if isinstance(node, list):
        node[_index(part, len(node), dotted, source)] = value
    elif isinstance(node, dict):
        node[part] = value
    else:
        raise RecipeError(f"{source}: override {dotted}: parent is not a mapping")


def _index(part: str, length: int, dotted: str, source: str) -> int:
    if not part.isdigit() or int(part) >= length:
        raise RecipeError(f"{source}: override {dotted}: no list item {part!r} (has {length})")
    return int(part)


def _format(source: str, prefix: str, error: dict[str, Any], model: Any = None) -> str:
    loc = ".".join(str(p) for p in (prefix, *error["loc"]) if p != "")
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] not in ("missing", "extra_forbidden") and "input" in error:
        shown = error["input"]
        if not isinstance(shown, (dict, list)):
            message += f", got {shown!r}"
    elif error["type"] == "extra_forbidden":
        message = "unknown key (not allowed here)"
        allowed = _allowed_keys(model, error["loc"])
        close = difflib.get_close_matches(str(error["loc"][-1]), allowed, n=1, cutoff=0.6)
        if close:
            message += f"; did you mean {close[0]!r}?"
        elif allowed:
            message += f"; allowed: {', '.join(allowed)}"
    return f"{source}: {loc}: {message}"


def _allowed_keys(model: Any, loc: tuple) -> list[str]:
    """The field names of the (nested) model that ``loc`` ends in; [] when unknown."""
    import typing

    from pydantic import BaseModel

    for part in loc[:-1]:
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return []
        field = model.model_fields.get(str(part))
        if field is None:
            return []
        options = [a for a in typing.get_args(field.annotation) if a is not type(None)]
        model = options[0] if len(options) == 1 else field.annotation
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def _raise_validation(source: str, prefix: str, exc: ValidationError, model: Any = None) -> None:
    lines = [_format(source, prefix, e, model) for e in exc.errors()]
    raise RecipeError("\n".join(lines)) from None


def _resolve_params(registries: Registries, kind: str, ref: Any, field: str, source: str):
    try:
        spec = registries.get(kind, ref.name)
    except RegistryError as exc:
        raise RecipeError(f"{source}: {field}.name: {exc}") from None
    from . import faults

    params_cls = faults.params_class(spec, f"{source}: {field}")
    try:
        params = params_cls.model_validate(ref.params, context={"registries": registries})
    except ValidationError as exc:
        _raise_validation(source, f"{field}.params", exc, params_cls)
    faults.check_used(spec, params_cls, ref.params, f"{source}: {field}")
    return params.model_dump(mode="json")


def resolve(data: dict[str, Any], registries: Registries, source: str) -> Recipe:
    """Validate the recipe and every component's params; fill in all defaults."""
    try:
        recipe = Recipe.model_validate(data)
    except ValidationError as exc:
        _raise_validation(source, "", exc, Recipe)
    for field, kind, ref in recipe.component_refs():
        ref.params = _resolve_params(registries, kind, ref, field, source)
    spec = registries.get("dataset", recipe.data.dataset.name)
    for split, override in recipe.data.splits.items():
        merged = {**recipe.data.dataset.params, **override}
        params_cls = spec.params_class()
        try:
            params_cls.model_validate(merged)
        except ValidationError as exc:
            _raise_validation(source, f"data.splits.{split}", exc, params_cls)
    return recipe


def load_recipe(path: str | Path, overrides: Iterable[str] = (), registries=None) -> Recipe:
    """Read, override and fully validate a recipe file."""
    from .plugins import resolve_registries

    registries = resolve_registries(registries)
    source = str(path)
    data = apply_overrides(read_recipe_data(Path(path)), overrides, source)
    try:
        recipe = resolve(data, registries, source)
    except RecipeError as exc:
        raise with_origins(exc, Path(path)) from None
    from .preflight import check_recipe

    check_recipe(recipe, registries, source)
    return recipe


def recipe_hash(recipe: Recipe) -> str:
    """A stable hash of everything that affects training (not where it is written)."""
    payload = recipe.model_dump(mode="json", exclude={"output_dir", "device"})
    blob = json.dumps(payload, sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def recipe_to_yaml(recipe: Recipe) -> str:
    return yaml.safe_dump(recipe.model_dump(mode="json"), sort_keys=False)
