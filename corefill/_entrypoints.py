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


def _name_and_version(distro: Any) -> tuple[str, str]:
    # `entrypoints` reads names from folder names (normalised) and no version for
    # editable installs; the package metadata has the real ones.
    name = getattr(distro, "name", None) or "?"
    version = getattr(distro, "version", None)
    try:
        metadata = importlib.metadata.distribution(name)
        name, version = metadata.metadata["Name"] or name, metadata.version or version
    except (importlib.metadata.PackageNotFoundError, ValueError):
        pass
    return name, version or "?"


def discover(path: list[str] | None = None) -> list[Entry]:
    """Every ``corefill`` entry point on ``path`` (default ``sys.path``), first one per name."""
    found: dict[str, Entry] = {}
    for ep in entrypoints.get_group_all(GROUP, path=path):
        distribution, version = _name_and_version(ep.distro)
        entry = Entry(ep.name, ep.module_name, distribution, version)
        found.setdefault(entry.name, entry)
    return list(found.values())
