"""LaMa's random evaluation masks: ``lama-thin``, ``lama-medium``, ``lama-thick``.

A re-implementation (no code copied) of how LaMa (Suvorov et al., "Resolution-robust Large
Mask Inpainting with Fourier Convolutions", WACV 2022; github advimman/lama) makes its
irregular test masks: ``bin/gen_mask_dataset.py`` with ``generator_kind: random`` runs the
``MixedMaskGenerator`` of ``saicinpainting/training/data/masks.py`` with the parameters of

- ``configs/data_gen/random_thin_256.yaml`` / ``random_thin_512.yaml``: strokes
  min_times 4, max_times 50 / 70, max_width 10 / 20, max_angle 4, max_len 40 / 100; no boxes;
- ``configs/data_gen/random_medium_256.yaml`` / ``random_medium_512.yaml``: strokes
  min_times 4, max_times 5 / 10, max_width 50 / 100, max_angle 4, max_len 100 / 200; boxes
  (box_proba 0.3) margin 0, bbox_min_size 10 / 30, bbox_max_size 50 / 150, 1-5 of them;
- ``configs/data_gen/random_thick_256.yaml`` / ``random_thick_512.yaml``: strokes
  min_times 1, max_times 5, max_width 100 / 250, max_angle 4, max_len 200 / 450; boxes
  (box_proba 0.3) margin 10, bbox_min_size 30, bbox_max_size 150 / 300, 1-3 / 1-4 of them;

and, in all six, irregular_proba 1, variants_n 5 and max_tamper_area 0.5 (the default of
``max_hole_fraction``). The tables are in :mod:`corefill.maskers.lama_params`.

The algorithm, as LaMa's code runs it (no ramp, so its coefficient is 1):

- a mask is strokes with probability 1 / (1 + box_proba), else boxes;
- strokes: their number is uniform in [min_times, max_times + 1] (the generator adds one to
  max_times before an exclusive draw). Each starts at a uniform pixel and has 1-5 segments;
  a segment turns to angle 0.01 + k radians, k uniform in [0, max_angle), mirrored to
  2π - angle on even-numbered strokes, runs 10 + [0, max_len) pixels (x += len·sin,
  y += len·cos, truncated, clipped to the image) and is an OpenCV line 5 + [0, max_width)
  pixels thick; the next segment starts where it ended;
- boxes: their number is uniform in [min_times, max_times]; each side is uniform in
  [bbox_min_size, min(bbox_max_size + 1, H - 2·margin, W - 2·margin)), and the box lies
  uniformly inside the image less the margin;
- the mask-dataset script keeps only masks covering at most max_tamper_area of the image
  (of 5 variants per image): here a mask over ``max_hole_fraction`` is drawn again, up to
  100 times, which gives the same distribution; should all fail (a tiny cap), the smallest.

Every pixel length (segment length and its offset 10, brush width and its offset 5, box
sides, margin) is scaled by min(H, W) / preset. LaMa resizes each image so its shorter
side is the preset size before drawing, so this is its mask at that size; at the preset's
own size the draws are LaMa's exactly. Its final random square crop is not applied: the
mask is drawn at the size asked for.
"""
from __future__ import annotations

import math
from typing import Optional

import cv2
import numpy as np
import torch

from ..registry import BuildContext
from ._draw import to_mask_tensor
from .lama_params import Boxes, LamaParams, Strokes

TRIES = 100  # masks over the area cap are drawn again, at most this many times


def _pixels(length: float, scale: float) -> int:
    return max(1, round(length * scale))


def _math_direction(turn: int, mirrored: bool) -> tuple[float, float]:
    """(sin, cos) of LaMa's stroke direction 0.01 + ``turn`` radians (2π minus that when
    mirrored), through libm as LaMa computes it."""
    angle = 0.01 + turn
    if mirrored:
        angle = math.tau - angle
    return math.sin(angle), math.cos(angle)


def _cv2_line(canvas: np.ndarray, start: tuple[int, int], end: tuple[int, int], width: int) -> None:
    cv2.line(canvas, start, end, 1, width)


def _draw_stroke(canvas: np.ndarray, spec: Strokes, mirrored: bool, scale: float,
                 rng: np.random.Generator, line=_cv2_line, direction=_math_direction) -> None:
    """One polygonal chain of 1-5 thick segments from a uniform start pixel. ``line`` and
    ``direction`` (k, mirrored) -> (sin, cos) are swapped for portable ones by mask sets."""
    height, width = canvas.shape
    x, y = int(rng.integers(width)), int(rng.integers(height))
    for _ in range(1 + int(rng.integers(5))):
        sin, cos = direction(int(rng.integers(spec.max_angle)), mirrored)
        length = (10 + int(rng.integers(spec.max_len))) * scale
        brush = _pixels(5 + int(rng.integers(spec.max_width)), scale)
        end_x = min(max(int(x + length * sin), 0), width)
        end_y = min(max(int(y + length * cos), 0), height)
        line(canvas, (x, y), (end_x, end_y), brush)
        x, y = end_x, end_y


def draw_strokes(height: int, width: int, spec: Strokes, scale: float,
                 rng: np.random.Generator, line=_cv2_line,
                 direction=_math_direction) -> np.ndarray:
    canvas = np.zeros((height, width), np.uint8)
    for index in range(int(rng.integers(spec.min_times, spec.max_times + 2))):
        _draw_stroke(canvas, spec, index % 2 == 0, scale, rng, line, direction)
    return canvas


def _box_sides(height: int, width: int, spec: Boxes, scale: float) -> tuple[int, int, int]:
    """(margin, smallest side, one past the largest side) in pixels, valid at any size."""
    margin = min(round(spec.margin * scale), (min(height, width) - 1) // 2)
    room = min(height, width) - 2 * margin
    low = min(_pixels(spec.bbox_min_size, scale), room)
    high = min(_pixels(spec.bbox_max_size + 1, scale), room)
    return margin, low, max(high, low + 1)


def draw_boxes(height: int, width: int, spec: Boxes, scale: float,
               rng: np.random.Generator) -> np.ndarray:
    canvas = np.zeros((height, width), np.uint8)
    margin, low, high = _box_sides(height, width, spec, scale)
    for _ in range(int(rng.integers(spec.min_times, spec.max_times + 1))):
        box_w, box_h = int(rng.integers(low, high)), int(rng.integers(low, high))
        left = int(rng.integers(margin, width - margin - box_w + 1))
        top = int(rng.integers(margin, height - margin - box_h + 1))
        canvas[top:top + box_h, left:left + box_w] = 1
    return canvas


class LamaMasker:
    """LaMa's random thin / medium / thick evaluation masks (the params class picks which)."""

    def __init__(self, params: LamaParams, context: Optional[BuildContext] = None):
        self.preset = params.preset
        self.strokes, self.boxes = params.published()
        self.max_hole_fraction = params.max_hole_fraction
        self.line, self.direction = _cv2_line, _math_direction  # portable ones: corefill.masksets

    def draw(self, height: int, width: int, rng: np.random.Generator) -> np.ndarray:
        """One candidate mask (uint8, 1 = hole), before the area cap."""
        scale = min(height, width) / self.preset
        if self.boxes is not None and rng.random() >= 1 / (1 + self.boxes.weight):
            return draw_boxes(height, width, self.boxes, scale, rng)
        return draw_strokes(height, width, self.strokes, scale, rng, self.line, self.direction)

    def __call__(self, height: int, width: int, *, rng: np.random.Generator,
                 name: Optional[str] = None) -> torch.Tensor:
        smallest = None
        for _ in range(TRIES):
            canvas = self.draw(height, width, rng)
            if np.count_nonzero(canvas) <= self.max_hole_fraction * height * width:
                return to_mask_tensor(canvas)
            if smallest is None or np.count_nonzero(canvas) < np.count_nonzero(smallest):
                smallest = canvas
        return to_mask_tensor(smallest)
