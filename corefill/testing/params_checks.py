"""What the kit checks of a component's Params class: the CLI help and ``corefill
validate`` depend on it (docs/contracts.md, "Registration")."""
from __future__ import annotations

import subprocess
import sys


def check_params(params_cls: type, *, torch_free: bool = True) -> None:
    """A docstring, a description for every field, defaults the fields accept, and (with
    ``torch_free``) a module that does not import torch, checked in a fresh interpreter
    (``components`` and ``validate`` import it without torch)."""
    from ..faults import invalid_defaults

    what = params_cls.__name__
    if not (params_cls.__dict__.get("__doc__") or "").strip():
        raise AssertionError(f"{what}: a Params class needs a docstring (the component's help, "
                             "with the value range it expects)")
    for name, field in params_cls.model_fields.items():
        if not (field.description or "").strip():
            raise AssertionError(f"{what}.{name}: every field needs a description "
                                 "(Field(..., description=...)): `corefill components -v` shows it")
    for name, problem in invalid_defaults(params_cls).items():
        raise AssertionError(f"{what}.{name}: its default is invalid ({problem})")
    if torch_free and _imports_torch(params_cls.__module__):
        raise AssertionError(f"{what}: its module {params_cls.__module__} imports torch; keep "
                             "Params modules pydantic-only (import torch in the component's module)")


def _imports_torch(module: str) -> bool:
    """Whether importing ``module`` in a fresh interpreter loads torch."""
    code = (f"import importlib, sys; importlib.import_module({module!r}); "
            "sys.exit(3 if 'torch' in sys.modules else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    return done.returncode == 3
