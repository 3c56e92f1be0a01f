"""Base class for component parameters (pydantic v2, unknown keys rejected)."""
from typing import ClassVar

from pydantic import BaseModel, ConfigDict


class Params(BaseModel):
    """Parameters of a component. Subclass it; document every field.

    Two optional hooks that ``corefill validate`` (and ``run``, before training) checks:

    - ``requires``: import name -> pip requirement of modules the component needs beyond
      the core, e.g. ``{"pydicom": "pydicom>=2.4"}``;
    - ``preflight(self) -> list[tuple[str, str]]``: ``(field, problem and fix)`` pairs for
      what would fail later (a weights file that cannot be had, say). Keep it fast and
      torch-free.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, protected_namespaces=())

    requires: ClassVar[dict[str, str]] = {}


class NoParams(Params):
    """This component takes no parameters."""
