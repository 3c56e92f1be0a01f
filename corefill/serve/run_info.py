"""What the page shows about the run: its report (metrics beside the baselines, the verdict)
and the test images to pick from.

Test images come from the recipe's test split, built once on first request (at most
:data:`MAX_SAMPLES`, evenly spaced): the clean image for an inpainting model, the
conditioning image (e.g. a segmentation) for a translation model. For inpainting, the
images the run's preprocessing set apart (``preprocessing/artifacts_to_regenerate.txt``,
e.g. radiographs with hardware) follow, at their own size.
"""
from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any, Optional

import numpy as np

from ..errors import first_line

MAX_SAMPLES = 12


def report_summary(run: Path) -> dict[str, Any]:
    """The part of ``RUN/report.json`` the page shows, or ``{"missing": reason}``."""
    path = run / "report.json"
    if not path.is_file():
        return {"missing": f"{path.name} not found in {run} (a run writes it after testing; "
                           "`corefill evaluate` writes one for a checkpoint)"}
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
        models = report["models"]
        metrics = [m["name"] for m in report["metrics"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return {"missing": f"{path}: unreadable report ({type(exc).__name__})"}
    higher = {m["name"]: bool(m.get("higher_is_better", True)) for m in report["metrics"]}
    rows = [{"model": key, "role": entry.get("role", ""), "component": entry.get("component", ""),
             "metrics": {name: _plain(entry.get("metrics", {}).get(name)) for name in metrics}}
            for key, entry in models.items()]
    return {
        "recipe": report.get("recipe"), "images": report.get("images"),
        "checkpoint": report.get("checkpoint"), "smoke_check": bool(report.get("smoke_check")),
        "metrics": [{"name": name, "higher_is_better": higher[name]} for name in metrics],
        "rows": rows,
        "verdict": [v.get("sentence", "") for v in report.get("verdict") or []],
        "training": {k: report.get("training", {}).get(k)
                     for k in ("steps", "epochs", "planned_epochs", "stopped_by", "note")},
    }


def _plain(value: Any) -> Optional[float]:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(number) else number


class Samples:
    """The run's test images, listed once (building a test split can take seconds)."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self._lock = threading.Lock()
        self._items: Optional[list[dict[str, Any]]] = None
        self._pixels: dict[str, Any] = {}
        self.note = ""

    def listing(self) -> dict[str, Any]:
        with self._lock:
            if self._items is None:
                self._items = self._collect()
        return {"samples": self._items, "note": self.note}

    def pixels(self, key: str) -> Optional[np.ndarray]:
        """The sample's pixels (uint8/uint16 (H, W, C)), or None for an unknown key."""
        self.listing()
        source = self._pixels.get(key)
        if source is None:
            return None
        if isinstance(source, Path):
            from ..engine.inference.images import read_pixels

            return read_pixels(source)
        return source

    def _collect(self) -> list[dict[str, Any]]:
        items = []
        try:
            items += self._from_test_split()
        except Exception as exc:  # noqa: BLE001 - the page works without samples
            first = first_line(exc)
            self.note = f"the test split could not be built here: {first}"
        if not self.model.translation:
            items += self._set_apart()
        return items

    def _from_test_split(self) -> list[dict[str, Any]]:
        from ..engine import build
        from .model import decode_condition

        dataset = build.dataset(self.model.recipe, build.context(self.model.registries), "test")
        count = len(dataset)
        picks = sorted({int(i) for i in np.linspace(0, count - 1, min(count, MAX_SAMPLES))})
        low, high = self.model.spec["value_range"]
        items = []
        for index in picks:
            item = dataset[index]
            name = str(item.get("name", index))
            if self.model.translation:
                encoded = item["input"].float().permute(1, 2, 0).numpy()
                pixels = decode_condition(encoded, self.model.spec)
            else:
                unit = ((item["image"].float() - low) / (high - low)).clamp(0, 1)
                pixels = np.round(unit.permute(1, 2, 0).numpy() * 255.0).astype(np.uint8)
            key = f"test-{index}"
            self._pixels[key] = pixels
            items.append({"key": key, "name": name, "source": "test split"})
        return items

    def _set_apart(self) -> list[dict[str, Any]]:
        from ..engine.inference.run import ARTIFACT_LIST

        listing = self.model.run / ARTIFACT_LIST
        if not listing.is_file():
            return []
        items = []
        lines = [line.strip() for line in listing.read_text(encoding="utf-8").splitlines()]
        for index, line in enumerate(line for line in lines if line):
            path = self.model.run / line
            if index >= MAX_SAMPLES or not path.is_file():
                continue
            key = f"set-apart-{index}"
            self._pixels[key] = path
            items.append({"key": key, "name": path.name, "source": "set apart by preprocessing"})
        return items
