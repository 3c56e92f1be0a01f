"""Irregular maskers drawn with OpenCV: DeepFill-v2-style brush strokes and random shapes."""
from __future__ import annotations

import math
from functools import partial
from typing import Callable, Optional

import cv2
import numpy as np
import torch

from ..registry import BuildContext
from ._draw import draw_capped, ensure_hole, to_mask_tensor
from .params import FreeFormParams, ShapesParams


def _stroke_points(height: int, width: int, vertices: int, angles: np.ndarray,
                   rng: np.random.Generator) -> list[tuple[int, int]]:
    """A random walk starting anywhere in the image; segment lengths ~ N(r, r/2), clipped."""
    mean_length = math.hypot(height, width) / 8
    x, y = float(rng.integers(0, width)), float(rng.integers(0, height))
    points = [(int(x), int(y))]
    for angle in angles[:vertices]:
        length = float(np.clip(rng.normal(mean_length, mean_length / 2), 0, 2 * mean_length))
        x = float(np.clip(x + length * math.cos(angle), 0, width - 1))
        y = float(np.clip(y + length * math.sin(angle), 0, height - 1))
        points.append((int(x), int(y)))
    return points


def _draw_stroke(canvas: np.ndarray, points: list[tuple[int, int]], brush: int) -> None:
    for start, end in zip(points[:-1], points[1:]):
        cv2.line(canvas, start, end, 1, brush)
    # Round joints and ends, as a brush would leave them.
    for point in points:
        cv2.circle(canvas, point, brush // 2, 1, -1)


class FreeFormMasker:
    """Free-form brush strokes (DeepFill v2) with an upper bound on the hole area."""

    def __init__(self, params: FreeFormParams, context: Optional[BuildContext] = None):
        self.strokes = (params.min_strokes, params.max_strokes)
        self.vertices = (params.min_vertices, params.max_vertices)
        self.widths = (params.min_width, params.max_width)
        self.mean_angle, self.angle_range = params.mean_angle, params.angle_range
        self.max_hole_fraction = params.max_hole_fraction

    def _stroke(self, height: int, width: int, rng: np.random.Generator) -> Callable[[np.ndarray], None]:
        vertices = int(rng.integers(self.vertices[0], self.vertices[1] + 1))
        low = self.mean_angle - rng.uniform(0, self.angle_range)
        high = self.mean_angle + rng.uniform(0, self.angle_range)
        angles = rng.uniform(low, high, size=vertices)
        # Alternate turning direction so strokes zig-zag instead of spiralling.
        angles[::2] = 2 * math.pi - angles[::2]
        # A random heading per stroke (DeepFill flips the whole mask instead) so strokes
        # run in every direction, not only rightwards.
        angles += rng.uniform(0, 2 * math.pi)
        points = _stroke_points(height, width, vertices, angles, rng)
        brush = max(1, round(rng.uniform(*self.widths) * min(height, width)))
        return partial(_draw_stroke, points=points, brush=brush)

    def __call__(self, height: int, width: int, *, rng: np.random.Generator,
                 name: Optional[str] = None) -> torch.Tensor:
        count = int(rng.integers(self.strokes[0], self.strokes[1] + 1))
        strokes = [self._stroke(height, width, rng) for _ in range(count)]
        canvas = draw_capped(height, width, strokes, self.max_hole_fraction)
        return to_mask_tensor(ensure_hole(canvas, rng))


class ShapesMasker:
    """Random lines, circles and ellipse arcs (the RGB-GAN source's OpenCV masks), area-capped."""

    def __init__(self, params: ShapesParams, context: Optional[BuildContext] = None):
        self.max_counts = (params.max_lines, params.max_circles, params.max_ellipses)
        self.thickness = (params.min_thickness, params.max_thickness)
        self.max_hole_fraction = params.max_hole_fraction

    def _counts(self, rng: np.random.Generator) -> list[int]:
        counts = [int(rng.integers(0, top + 1)) for top in self.max_counts]
        if sum(counts) == 0:
            kinds = [k for k, top in enumerate(self.max_counts) if top > 0]
            counts[kinds[int(rng.integers(len(kinds)))]] = 1
        return counts

    def _line(self, h: int, w: int, thick: int, rng: np.random.Generator):
        start = (int(rng.integers(w)), int(rng.integers(h)))
        end = (int(rng.integers(w)), int(rng.integers(h)))
        return lambda canvas: cv2.line(canvas, start, end, 1, thick)

    def _circle(self, h: int, w: int, thick: int, rng: np.random.Generator):
        centre = (int(rng.integers(w)), int(rng.integers(h)))
        radius = max(1, int(rng.uniform(0.02, 0.15) * min(h, w)))
        return lambda canvas: cv2.circle(canvas, centre, radius, 1, thick)

    def _ellipse(self, h: int, w: int, thick: int, rng: np.random.Generator):
        centre = (int(rng.integers(w)), int(rng.integers(h)))
        axes = tuple(max(1, int(rng.uniform(0.03, 0.3) * min(h, w))) for _ in range(2))
        angle, start = float(rng.uniform(0, 180)), float(rng.uniform(0, 180))
        end = start + float(rng.uniform(90, 360))
        return lambda canvas: cv2.ellipse(canvas, centre, axes, angle, start, end, 1, thick)

    def __call__(self, height: int, width: int, *, rng: np.random.Generator,
                 name: Optional[str] = None) -> torch.Tensor:
        makers = (self._line, self._circle, self._ellipse)
        shapes = []
        for make, count in zip(makers, self._counts(rng)):
            for _ in range(count):
                thick = max(1, round(rng.uniform(*self.thickness) * min(height, width)))
                shapes.append(make(height, width, thick, rng))
        # Shuffle so the area cap does not systematically drop the kind drawn last.
        shapes = [shapes[i] for i in rng.permutation(len(shapes))]
        canvas = draw_capped(height, width, shapes, self.max_hole_fraction)
        return to_mask_tensor(ensure_hole(canvas, rng))
