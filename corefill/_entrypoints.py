"""The one place that talks to the ``entrypoints`` package."""
from __future__ import annotations

import importlib
import importlib.metadata
from dataclasses import dataclass
from typing import Any

import entrypoints

GROUP = "corefill"


@dataclass(frozen=True)
class Entry:
    """One ``corefill`` entry point: a plugin module and the distribution shipping it."""

    name: str
    module: str
    distribution: str
    version: str

    def load(self) -> Any:
        return importlib.import_module(self.module)


def _version(distro: Any) -> str:
    # Editable installs leave the version out of what `entrypoints` reads.
    version = getattr(distro, "version", None)
    if not version and getattr(distro, "name", None):
        try:
            version = importlib.metadata.version(distro.name)
        except importlib.metadata.PackageNotFoundError:
            version = None
    return version or "?"


def discover(path: list[str] | None = None) -> list[Entry]:
    """Every ``corefill`` entry point on ``path`` (default ``sys.path``), first one per name."""
    found: dict[str, Entry] = {}
    for ep in entrypoints.get_group_all(GROUP, path=path):
        distro = ep.distro
        entry = Entry(
            name=ep.name,
            module=ep.module_name,
            distribution=getattr(distro, "name", "?") or "?",
            version=_version(distro),
        )
        found.setdefault(entry.name, entry)
    return list(found.values())
