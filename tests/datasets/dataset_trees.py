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


def construct(cls, *, split: str, checked: bool = True, **fields):
    """corefill.testing.construct; ``checked=False`` skips validation, so a test can hand
    the dataset what validation would refuse (a root deleted since)."""
    import typing

    from corefill.registry import BuildContext
    from corefill.testing import construct as checked_construct

    if checked:
        return checked_construct(cls, split=split, **fields)
    params_cls = typing.get_type_hints(cls.__init__)["params"]
    return cls(params_cls.model_construct(**fields), BuildContext(split=split))
