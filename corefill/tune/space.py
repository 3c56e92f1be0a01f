"""Search spaces written on the command line: ``KEY=DIST``.

    train.generator_optimizer.lr=loguniform(1e-5,1e-3)
    train.generator_optimizer.betas.0=uniform(0.3,0.9)
    train.batch_size=int(8,64,log)
    generator.params.base_channels=choice(16,32,64)

``KEY`` is a dotted recipe field as in ``-o`` overrides. Each space is checked before any
trial runs: its syntax, then its bounds (or every choice) applied to the recipe as
overrides and validated, so an unknown key or a value the component's Params refuses is
one line naming the space. Imports neither torch nor optuna.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable

import yaml

from ..errors import RecipeError, first_line

KINDS = ("loguniform", "uniform", "int", "choice")
_DIST = re.compile(r"^(?P<kind>[a-z_]+)\((?P<args>.*)\)$")


@dataclass(frozen=True)
class Space:
    """One dimension: ``key`` sampled from ``kind`` with ``args`` (bounds or choices)."""

    key: str
    kind: str
    args: tuple
    log: bool = False
    text: str = ""

    def edges(self) -> list[Any]:
        """The values whose validity implies every sampled one's: the choices, or the
        bounds (and, for a float range, a fractional value: an integer field refuses it)."""
        if self.kind in ("uniform", "loguniform"):
            return [*self.args, math.nextafter(self.args[0], self.args[1])]
        return list(self.args)

    def sample(self, trial: Any) -> Any:
        """Draw this dimension's value from an Optuna trial."""
        if self.kind == "choice":
            return trial.suggest_categorical(self.key, list(self.args))
        if self.kind == "int":
            return trial.suggest_int(self.key, self.args[0], self.args[1], log=self.log)
        return trial.suggest_float(self.key, self.args[0], self.args[1],
                                   log=self.kind == "loguniform")


def override(key: str, value: Any) -> str:
    """``key=value`` as a ``-o`` override whose value reads back as the same YAML value
    (``1e-05`` alone would read as a string: YAML floats need a dot)."""
    text = yaml.safe_dump(value, default_flow_style=True).strip()
    return f"{key}={text.removesuffix('...').strip()}"


def parse(text: str) -> Space:
    """``KEY=DIST`` -> :class:`Space`; a malformed one is a one-line RecipeError."""
    key, sep, dist = text.partition("=")
    key, dist = key.strip(), dist.strip()
    if not sep or not key or not dist:
        raise _bad(text, "must look like dotted.key=DIST, e.g. train.generator_optimizer."
                         "lr=loguniform(1e-5,1e-3)")
    match = _DIST.match(dist)
    if match is None or match["kind"] not in KINDS:
        raise _bad(text, f"unknown distribution {dist!r}; use {', '.join(k + '(...)' for k in KINDS)}")
    kind = match["kind"]
    args = [_value(part.strip(), text) for part in match["args"].split(",") if part.strip()]
    if kind == "choice":
        if not args:
            raise _bad(text, "choice() needs at least one value")
        if any(not isinstance(a, (bool, int, float, str, type(None))) for a in args):
            raise _bad(text, "choice values must be numbers, strings, booleans or null")
        return Space(key, kind, tuple(args), text=text)
    log = kind == "loguniform"
    if kind == "int" and len(args) == 3 and args[2] == "log":
        args, log = args[:2], True
    if len(args) != 2:
        raise _bad(text, f"{kind}(low,high{',log' if kind == 'int' else ''}) takes two bounds")
    low, high = args
    numeric = (int,) if kind == "int" else (int, float)
    if not all(isinstance(a, numeric) and not isinstance(a, bool) for a in args):
        raise _bad(text, f"{kind} bounds must be {'integers' if kind == 'int' else 'numbers'}")
    if not low < high:
        raise _bad(text, f"low {low} must be below high {high}")
    if log and low <= 0:
        raise _bad(text, f"a log scale needs low > 0, got {low}")
    if kind != "int":
        low, high = float(low), float(high)
        if not (math.isfinite(low) and math.isfinite(high)):
            raise _bad(text, "bounds must be finite")
    return Space(key, kind, (low, high), log=log, text=text)


def _value(raw: str, text: str) -> Any:
    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError:
        raise _bad(text, f"cannot read {raw!r}") from None
    if isinstance(value, str):  # YAML reads 1e-5 as a string; Python does not
        try:
            return float(value) if value != "log" else value
        except ValueError:
            return value
    return value


def _bad(text: str, problem: str) -> RecipeError:
    return RecipeError(f"--space {text}: {problem}")


def parse_all(texts: Iterable[str]) -> list[Space]:
    spaces, seen = [], set()
    for text in texts:
        space = parse(text)
        if space.key in seen:
            raise _bad(text, f"{space.key} is searched twice")
        seen.add(space.key)
        spaces.append(space)
    if not spaces:
        raise RecipeError("tune: give at least one --space KEY=DIST")
    return spaces


def check(spaces: list[Space], load: Callable[[list[str]], Any]) -> None:
    """Apply every space's bounds (or choices) as overrides and validate the recipe with
    ``load(overrides)``; the first refusal is one line naming the space."""
    for space in spaces:
        for value in space.edges():
            try:
                load([override(space.key, value)])
            except RecipeError as exc:
                first = first_line(exc, "invalid")
                raise _bad(space.text, f"{value!r} is refused: {first}") from None
