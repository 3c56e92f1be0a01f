"""Resize and crop helpers on numpy ``(H, W, C)`` float32 arrays (no torch).

- ``resolve_size(size) -> (h, w) | int | None``: ``int`` = shorter side, ``[h, w]`` = exact.
- ``resize(array, size) -> array``: area filter when shrinking, bilinear when enlarging.
- ``crop_origin(height, width, crop_h, crop_w, *, random, rng) -> (top, left)``.
- ``crop(array, top, left, crop_h, crop_w) -> array`` (a view).
"""
from __future__ import annotations

from typing import Optional, Sequence, Union

import numpy as np

SizeSpec = Union[int, Sequence[int], None]


def target_shape(height: int, width: int, size: SizeSpec) -> tuple[int, int]:
    """Output (h, w) for an input of (height, width): int = shorter side, pair = exact."""
    if size is None:
        return height, width
    if isinstance(size, int):
        scale = size / min(height, width)
        # The shorter side gets exactly `size`; the other keeps the aspect ratio.
        if height <= width:
            return size, max(1, round(width * scale))
        return max(1, round(height * scale)), size
    return int(size[0]), int(size[1])


def resize(array: np.ndarray, size: SizeSpec) -> np.ndarray:
    """Resize ``(H, W, C)`` to ``size``; returns the input unchanged when the shape matches."""
    import cv2

    height, width = array.shape[:2]
    out_h, out_w = target_shape(height, width, size)
    if (out_h, out_w) == (height, width):
        return array
    # Area averaging avoids aliasing when shrinking; bilinear cannot overshoot when enlarging.
    shrinking = out_h * out_w < height * width
    interpolation = cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR
    resized = cv2.resize(array, (out_w, out_h), interpolation=interpolation)
    return resized[:, :, None] if resized.ndim == 2 else resized


def crop_shape(crop: SizeSpec) -> Optional[tuple[int, int]]:
    if crop is None:
        return None
    if isinstance(crop, int):
        return crop, crop
    return int(crop[0]), int(crop[1])


def crop_origin(
    height: int, width: int, crop_h: int, crop_w: int, *, random: bool, rng: np.random.Generator | None
) -> tuple[int, int]:
    """Top-left corner of a crop: centred, or uniform over all valid positions."""
    if crop_h > height or crop_w > width:
        raise ValueError(f"crop {crop_h}x{crop_w} is larger than the image {height}x{width}")
    if random:
        if rng is None:
            raise ValueError("a random crop needs an rng")
        return int(rng.integers(0, height - crop_h + 1)), int(rng.integers(0, width - crop_w + 1))
    return (height - crop_h) // 2, (width - crop_w) // 2


def crop(array: np.ndarray, top: int, left: int, crop_h: int, crop_w: int) -> np.ndarray:
    return array[top : top + crop_h, left : left + crop_w]
