"""The source's preprocessing rules, on grey float32 images ``(H, W)`` in [0, 1] (numpy, no torch).

- negatives: an inverted radiograph has a bright background; DICOM says so in its header
  (MONOCHROME1, handled by the reader), a PNG only through its pixels: the median of the
  outer ring of the image above ``threshold`` means the background is bright -> invert;
- blur: the variance of the Laplacian (grey levels 0-255) below ``threshold`` -> exclude;
- hardware: a connected region of near-saturated pixels (>= ``level``) covering at least
  ``min_area`` of the image is metal (prosthesis, screw, plate, wire) -> set apart.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def border_ring(image: np.ndarray, fraction: float) -> np.ndarray:
    """The pixels within ``fraction`` of the image side from any edge (at least 1 pixel)."""
    height, width = image.shape
    band = max(1, int(round(min(height, width) * fraction)))
    inside = np.zeros(image.shape, dtype=bool)
    inside[band:height - band, band:width - band] = True
    return image[~inside]


def is_negative(image: np.ndarray, *, threshold: float, border_fraction: float) -> bool:
    """True when the background (outer ring) is bright: an inverted radiograph."""
    return float(np.median(border_ring(image, border_fraction))) > threshold


def laplacian_variance(image: np.ndarray) -> float:
    """Sharpness: variance of the 3x3 Laplacian of the image in 0-255 grey levels."""
    import cv2

    grey = image.astype(np.float64) * 255.0
    return float(cv2.Laplacian(grey, cv2.CV_64F, ksize=1).var())


def largest_bright_region(image: np.ndarray, *, level: float) -> float:
    """Area fraction of the largest 8-connected region of pixels >= ``level``."""
    import cv2

    bright = (image >= level).astype(np.uint8)
    if not bright.any():
        return 0.0
    count, _, stats, _ = cv2.connectedComponentsWithStats(bright, connectivity=8)
    return float(stats[1:count, cv2.CC_STAT_AREA].max()) / bright.size


@dataclass(frozen=True)
class Rules:
    """Thresholds of the three rules (see the dataset's params for what each means)."""

    invert_negatives: bool = True
    negative_threshold: float = 0.6
    border_fraction: float = 0.05
    blur_threshold: float = 20.0
    hardware_level: float = 0.97
    hardware_min_area: float = 0.02


@dataclass
class Verdict:
    """What the rules decided for one image: its (possibly inverted) pixels and its fate."""

    image: np.ndarray
    inverted: bool = False
    blurry: bool = False
    hardware: bool = False
    sharpness: float = 0.0
    bright_area: float = 0.0
    notes: dict = field(default_factory=dict)

    @property
    def fate(self) -> str:
        if self.blurry:
            return "blurry"
        return "artifact" if self.hardware else "kept"


def apply_rules(image: np.ndarray, rules: Rules, *, known_negative: bool | None = None) -> Verdict:
    """Run the rules in order: un-invert, then blur, then hardware (metal must be bright).

    ``known_negative`` is the header's word (DICOM); None means judge from the pixels.
    A blurry image is excluded outright, so it is never also listed as an artifact.
    """
    inverted = False
    if known_negative is None and rules.invert_negatives:
        inverted = is_negative(image, threshold=rules.negative_threshold,
                               border_fraction=rules.border_fraction)
        if inverted:
            image = 1.0 - image
    elif known_negative:
        inverted = True  # the reader already inverted it; record it
    verdict = Verdict(image=image, inverted=inverted)
    verdict.sharpness = laplacian_variance(image)
    verdict.blurry = verdict.sharpness < rules.blur_threshold
    verdict.bright_area = largest_bright_region(image, level=rules.hardware_level)
    verdict.hardware = not verdict.blurry and verdict.bright_area >= rules.hardware_min_area
    return verdict
