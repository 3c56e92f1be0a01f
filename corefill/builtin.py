"""The built-in plugin: registers the core's own components like any other plugin.

Each kind package (``corefill/maskers`` …) lists its components in a ``COMPONENTS``
table ``name -> (target, params)``; its ``__init__`` imports nothing, so this stays cheap.
"""
import importlib

from .hookspecs import hookimpl
from .registry import KINDS

PACKAGES = {kind: f"{kind}s" for kind in KINDS} | {"loss": "losses"}


@hookimpl
def corefill_register(registry):
    for kind in KINDS:
        package = importlib.import_module(f"corefill.{PACKAGES[kind]}")
        registry.add_table(package.COMPONENTS, kind=kind)
