"""Training a recipe from a plugin's tests, and reading what the run wrote: a test trains a
tiny recipe for real and checks that something measurable improved."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional


def train_recipe(recipe: dict[str, Any], out_dir: str | Path, *, device: str = "cpu",
                 registries=None, source: str = "test recipe") -> Path:
    """Validate ``recipe`` (a dict as a recipe file holds it, without ``base:``) through the
    installed plugins, train and evaluate it as ``corefill run`` does; returns the run
    folder. ``source`` names the recipe in validation errors."""
    from ..config import resolve
    from ..engine import run
    from ..plugins import resolve_registries

    registries = resolve_registries(registries)
    return run(resolve(recipe, registries, source), out_dir=out_dir, device=device,
               registries=registries)


def run_records(folder: str | Path, kind: Optional[str] = "train") -> list[dict[str, Any]]:
    """The run's metrics.jsonl records of type ``kind`` (``train``, ``val``,
    ``val-baseline``; None: all), in order."""
    lines = (Path(folder) / "metrics.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    return [r for r in records if kind is None or r.get("type") == kind]


def run_report(folder: str | Path) -> dict[str, Any]:
    """The run's report.json."""
    return json.loads((Path(folder) / "report.json").read_text())
