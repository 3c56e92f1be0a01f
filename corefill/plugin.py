"""What a plugin registers components with, and what its components are built from.

One of the public modules for plugin authors (with :mod:`corefill.nn`,
:mod:`corefill.data` and :mod:`corefill.testing`; see docs/plugins.md, "The public
surface"): every name in ``__all__`` is promised under semantic versioning, and leaves
only after a deprecation warning for at least one minor release.

- ``hookimpl`` marks a plugin's ``corefill_register(registry)``; the ``registry`` it gets
  has ``add(kind, name, target=..., params=...)`` and ``add_table(table, kind=None)``,
  with ``KINDS`` the kinds a component can be;
- ``Params`` (a pydantic model, unknown keys rejected, with ``requires`` and ``preflight``
  hooks), ``NoParams`` for a component without parameters;
- ``BuildContext`` (what every target ``target(params, context)`` is handed; its
  ``lookup()`` gives the registries, for a component that builds another with ``build``);
- the errors the CLI prints as one line: ``CorefillError`` and its kinds ``DataError``,
  ``RecipeError``, ``ComponentError``, ``RegistryError``; ``one_line(exc)`` gives any
  exception's first line as such a report shows it (``Type: message``), ``first_line(exc)``
  the message's first line alone (the type name when it has none).

Cheap to import (no torch): registries and ``corefill validate`` import the Params
modules of plugins, which import this.
"""
from .errors import (ComponentError, CorefillError, DataError, RecipeError, RegistryError,
                     first_line, one_line)
from .hookspecs import hookimpl
from .params import NoParams, Params
from .registry import KINDS, BuildContext, build

__all__ = [
    "KINDS",
    "BuildContext",
    "ComponentError",
    "CorefillError",
    "DataError",
    "NoParams",
    "Params",
    "RecipeError",
    "RegistryError",
    "build",
    "first_line",
    "hookimpl",
    "one_line",
]


def __getattr__(name: str):
    # StepParts (what a training scheme's train_step(parts) is handed, promised like the
    # names above) lives with the engine's steps and imports torch: it is imported by name,
    # outside __all__, so registration, Params and `import *` stay torch-free.
    if name == "StepParts":
        from .engine.steps import StepParts

        return StepParts
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
