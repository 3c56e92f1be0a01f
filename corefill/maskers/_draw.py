"""Shared helpers: numpy canvas -> (1, H, W) float32 tensor, and area-capped drawing."""
from __future__ import annotations

from typing import Callable

import numpy as np
import torch


def to_mask_tensor(canvas: np.ndarray) -> torch.Tensor:
    """A 2-D array (non-zero = hole) as a float32 (1, H, W) tensor of exact 0/1."""
    return torch.from_numpy((canvas > 0).astype(np.float32)).unsqueeze(0)


def draw_capped(
    height: int,
    width: int,
    shapes: list[Callable[[np.ndarray], None]],
    max_fraction: float,
) -> np.ndarray:
    """Draw shapes one by one onto a uint8 canvas, skipping any that would make the hole
    larger than ``max_fraction`` of the image, so the cap holds without rejection loops."""
    canvas = np.zeros((height, width), np.uint8)
    limit = max_fraction * height * width
    for draw in shapes:
        trial = canvas.copy()
        draw(trial)
        if np.count_nonzero(trial) <= limit:
            canvas = trial
    return canvas


def ensure_hole(canvas: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Every drawn shape was over the cap (tiny images): fall back to one random hole pixel,
    so hole metrics stay defined."""
    if not canvas.any():
        canvas[rng.integers(canvas.shape[0]), rng.integers(canvas.shape[1])] = 1
    return canvas
