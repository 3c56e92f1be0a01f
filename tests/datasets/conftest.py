"""Fixtures for the dataset tests: tiny trees written into tmp_path."""
from __future__ import annotations

import sys
from pathlib import Path

import cv2
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from dataset_trees import random_image, write_png  # noqa: E402

import numpy as np  # noqa: E402


@pytest.fixture
def mixed_tree(tmp_path: Path) -> Path:
    """12 images: grey and RGB PNG, 16-bit PNG, JPEG, in nested folders."""
    root = tmp_path / "images"
    for i in range(4):
        write_png(root / "rgb" / f"c{i}.png", random_image(i))
        write_png(root / "grey" / f"g{i}.png", random_image(10 + i, channels=1))
        write_png(root / "deep" / "sixteen" / f"s{i}.png", random_image(20 + i, channels=1, dtype=np.uint16))
    jpeg = random_image(99)
    assert cv2.imwrite(str(root / "rgb" / "photo.jpg"), jpeg)
    return root
