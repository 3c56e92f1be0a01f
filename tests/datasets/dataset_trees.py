"""Helpers that write tiny image trees (into tmp_path only)."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np


def write_png(path: Path, array: np.ndarray) -> Path:
    """Write ``array`` (H, W) grey or (H, W, 3) RGB, uint8 or uint16."""
    path.parent.mkdir(parents=True, exist_ok=True)
    bgr = array[:, :, ::-1] if array.ndim == 3 else array
    assert cv2.imwrite(str(path), np.ascontiguousarray(bgr))
    return path


def random_image(seed: int, height: int = 20, width: int = 24, channels: int = 3, dtype=np.uint8):
    rng = np.random.default_rng(seed)
    top = np.iinfo(dtype).max
    shape = (height, width, channels) if channels == 3 else (height, width)
    return rng.integers(0, top + 1, size=shape, dtype=np.int64).astype(dtype)


def truncate(path: Path) -> Path:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path
