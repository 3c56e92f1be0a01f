"""What a model's training holes looked like, so inference can show it holes like them.

A hole here is one connected component of a mask (1 = hole). Three figures describe it,
each as a fraction of the mask's shorter side (so they hold at any image size):

- ``thickness``: twice the largest distance from a hole pixel to the nearest known pixel,
  less one pixel (a 1-pixel line is 1 thick, a 32² box 32);
- ``extent``: the longer side of its bounding box;
- ``centre_offset``: how far its bounding box's centre lies from the image's centre.

:func:`of_masker` draws a masker's masks at the model's size (seeded, so a checkpoint
records the same figures every time) and :func:`summarise` keeps the 5th, 50th and 95th
percentiles of each figure over all holes, plus the hole's share of each image
(``hole_fraction``). The result is plain data, stored in the checkpoint's ``data_spec``
under ``holes`` (see :mod:`corefill.engine.spec`).
"""
from __future__ import annotations

from typing import Any, Iterable, Optional

import numpy as np

QUANTILES = (0.05, 0.5, 0.95)
SAMPLES = 256  # masks drawn from the training masker; enough for stable 5/95 percentiles
FIGURES = ("thickness", "extent", "centre_offset", "hole_fraction")


def thickness_px(component: np.ndarray) -> float:
    """Thickness in pixels of one hole (bool (H, W)): 2 x the inner distance - 1."""
    import cv2

    inside = np.pad(component.astype(np.uint8), 1)  # the image border counts as known
    distance = cv2.distanceTransform(inside, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    return max(1.0, 2.0 * float(distance.max()) - 1.0)


def components(hole: np.ndarray) -> tuple[int, np.ndarray]:
    """``(count, labels)``: the connected holes (8-connected) of a bool (H, W) mask,
    labelled 1..count."""
    import cv2

    count, labels = cv2.connectedComponents(hole.astype(np.uint8), connectivity=8)
    return count - 1, labels


def bounds(component: np.ndarray) -> tuple[int, int, int, int]:
    """``(top, left, height, width)`` of a non-empty bool (H, W) mask."""
    rows, cols = np.flatnonzero(component.any(axis=1)), np.flatnonzero(component.any(axis=0))
    return int(rows[0]), int(cols[0]), int(rows[-1] - rows[0] + 1), int(cols[-1] - cols[0] + 1)


def describe(component: np.ndarray) -> dict[str, float]:
    """The figures of one hole (bool (H, W)), as fractions of the shorter side."""
    height, width = component.shape
    side = float(min(height, width))
    top, left, box_h, box_w = bounds(component)
    offset = np.hypot(top + box_h / 2 - height / 2, left + box_w / 2 - width / 2)
    return {"thickness": thickness_px(component) / side, "extent": max(box_h, box_w) / side,
            "centre_offset": float(offset) / side}


def summarise(masks: Iterable[np.ndarray]) -> Optional[dict[str, Any]]:
    """Percentiles (:data:`QUANTILES`) of every figure over the holes of ``masks`` (bool
    (H, W) arrays); None when no mask has a hole."""
    figures: dict[str, list[float]] = {name: [] for name in FIGURES}
    count = 0
    for mask in masks:
        if not mask.any():
            continue
        count += 1
        figures["hole_fraction"].append(float(mask.mean()))
        total, labels = components(mask)
        for label in range(1, total + 1):
            for name, value in describe(labels == label).items():
                figures[name].append(value)
    if not count:
        return None
    summary: dict[str, Any] = {name: [round(float(np.quantile(values, q)), 5) for q in QUANTILES]
                               for name, values in figures.items()}
    summary["masks"] = count
    return summary


def of_masker(masker: Any, height: int, width: int, *, count: int = SAMPLES,
              seed: int = 0) -> Optional[dict[str, Any]]:
    """:func:`summarise` of ``count`` masks that ``masker`` draws at ``height`` x ``width``."""
    def draw(index: int) -> np.ndarray:
        rng = np.random.default_rng([seed, index])
        return masker(height, width, rng=rng, name=f"holes-{index}")[0].numpy() > 0.5

    return summarise(draw(index) for index in range(count))
