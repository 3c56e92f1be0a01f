"""Base class for component parameters (pydantic v2, unknown keys rejected)."""
import inspect
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

    @classmethod
    def help(cls) -> str:
        """The component's help text: its own docstring; when that is one line, followed by
        the body of the nearest base class's docstring, so an explanation several
        components share (Telea and Navier-Stokes, the PSNR variants) is written once."""
        own = inspect.cleandoc(cls.__dict__.get("__doc__") or "")
        if "\n" in own:
            return own
        for base in cls.__mro__[1:]:
            if base is Params or not issubclass(base, Params):
                break
            body = inspect.cleandoc(base.__dict__.get("__doc__") or "").partition("\n")[2].strip()
            if body:
                return f"{own}\n\n{body}" if own else inspect.cleandoc(base.__doc__)
        return own


class NoParams(Params):
    """This component takes no parameters."""
