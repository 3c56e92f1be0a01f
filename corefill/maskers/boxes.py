"""Rectangular maskers: a centred box (as in the context-encoder papers), random boxes, and the all-ones mask."""
from __future__ import annotations

from typing import Optional, Union

import numpy as np
import torch

from ..errors import DataError
from ..registry import BuildContext
from .params import CenterParams, FullMaskParams, RandomBoxParams


def _box_sides(size: Union[int, tuple[int, int]]) -> tuple[int, int]:
    return (size, size) if isinstance(size, int) else (int(size[0]), int(size[1]))


class CenterMasker:
    """A centred rectangle: ``size`` pixels, or ``fraction`` of each side when size is None."""

    random = False  # the same box for every image: the engine passes no rng

    def __init__(self, params: CenterParams, context: Optional[BuildContext] = None):
        self.size, self.fraction = params.size, params.fraction

    def hole_size(self, height: int, width: int) -> tuple[int, int]:
        if self.size is None:
            return max(1, round(height * self.fraction)), max(1, round(width * self.fraction))
        box_h, box_w = _box_sides(self.size)
        if box_h > height or box_w > width:
            raise DataError(
                f"center masker: hole {box_h}x{box_w} does not fit in a {height}x{width} image"
            )
        return box_h, box_w

    def __call__(self, height: int, width: int, *, rng: Optional[np.random.Generator],
                 name: Optional[str] = None) -> torch.Tensor:
        box_h, box_w = self.hole_size(height, width)
        top, left = (height - box_h) // 2, (width - box_w) // 2
        mask = torch.zeros(1, height, width, dtype=torch.float32)
        mask[:, top:top + box_h, left:left + box_w] = 1.0
        return mask


class RandomBoxMasker:
    """``count`` boxes, sides uniform in [min_fraction, max_fraction] of the image side."""

    def __init__(self, params: RandomBoxParams, context: Optional[BuildContext] = None):
        self.min_fraction, self.max_fraction = params.min_fraction, params.max_fraction
        self.count = params.count

    def _side(self, length: int, rng: np.random.Generator) -> int:
        low = max(1, round(self.min_fraction * length))
        high = max(low, round(self.max_fraction * length))
        return int(rng.integers(low, high + 1))

    def __call__(self, height: int, width: int, *, rng: np.random.Generator,
                 name: Optional[str] = None) -> torch.Tensor:
        mask = torch.zeros(1, height, width, dtype=torch.float32)
        for _ in range(self.count):
            box_h, box_w = self._side(height, rng), self._side(width, rng)
            top = int(rng.integers(0, height - box_h + 1))
            left = int(rng.integers(0, width - box_w + 1))
            mask[:, top:top + box_h, left:left + box_w] = 1.0
        return mask


class FullMasker:
    """Image-to-image translation: the whole image is generated, so the mask is all ones."""

    whole_image = True
    random = False

    def __init__(self, params: FullMaskParams, context: Optional[BuildContext] = None):
        del params, context  # nothing to configure

    def __call__(self, height: int, width: int, *, rng: Optional[np.random.Generator],
                 name: Optional[str] = None) -> torch.Tensor:
        return torch.ones(1, height, width, dtype=torch.float32)
