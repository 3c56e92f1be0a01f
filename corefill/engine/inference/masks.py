"""Masks for inference: a user's mask files, or the recipe's masker. 1 / True = hole.

A hole is decided twice: at the image's own size (which pixels of the result come from the
model) and at the model's size (what the model is asked to fill). The model's hole covers
every model pixel that any image hole pixel falls in, so the model always fills at least
what the result takes from it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ...errors import DataError
from .images import colour_channels, read_pixels, resize, to_unit


class MaskFolder:
    """``--masks DIR``: files named like the inputs (any image extension), white = hole,
    of any size (resized to the image with nearest neighbour, so edges stay hard)."""

    def __init__(self, folder: Path) -> None:
        from ...datasets import io

        self.folder = folder
        self.by_stem: dict[str, Path] = {}
        for path in io.list_images(folder):
            self.by_stem.setdefault(path.stem, path)

    def hole(self, image_path: Path, height: int, width: int) -> np.ndarray:
        """Bool (height, width): True where the mask named like ``image_path`` is white."""
        path = self.by_stem.get(image_path.stem)
        if path is None:
            raise DataError(f"{self.folder}: no mask named {image_path.stem}.* for {image_path}")
        pixels = read_pixels(path)
        grey = to_unit(pixels).max(axis=2) if colour_channels(pixels) == 3 else to_unit(pixels)[:, :, 0]
        hole = resize((grey > 0.5).astype(np.uint8)[:, :, None], height, width, nearest=True)
        return hole[:, :, 0].astype(bool)


def model_hole(hole: np.ndarray, height: int, width: int) -> np.ndarray:
    """The image-size hole at the model's size: a model pixel is hole if any part is."""
    if hole.shape == (height, width):
        return hole.copy()
    covered = resize(hole.astype(np.float32)[:, :, None], height, width)
    return covered[:, :, 0] > 0.0


def recipe_hole(masker: Any, seed: int, name: str, height: int, width: int) -> np.ndarray:
    """The recipe's masker at the model's size, seeded by (seed, name) as test masks are:
    the same image always gets the same mask. ``masker=None``: everything is hole."""
    from ..data import name_seed

    if masker is None:
        return np.ones((height, width), bool)
    rng = np.random.default_rng([seed, name_seed(name)])
    return masker(height, width, rng=rng, name=name)[0].numpy() > 0.5


def image_hole(model: np.ndarray, height: int, width: int) -> np.ndarray:
    """A model-size hole brought to the image's size (nearest neighbour)."""
    return resize(model.astype(np.uint8)[:, :, None], height, width, nearest=True)[:, :, 0] > 0
