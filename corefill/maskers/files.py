"""Masks read from image files, matched to dataset items by name."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import cv2
import numpy as np
import torch

from ..errors import DataError
from ..masksets import MANIFEST, mask_for, verify_set
from ..registry import BuildContext
from ._draw import to_mask_tensor
from .params import FromFilesParams


class FromFilesMasker:
    """``<root>/<name><ext>`` as a mask; 0/1 or 0/255 files; ``polarity`` picks the hole colour."""

    def __init__(self, params: FromFilesParams, context: Optional[BuildContext] = None):
        self.root = Path(params.root).expanduser()
        if not self.root.is_dir():
            raise DataError(f"from-files masker: mask folder {self.root} does not exist")
        self.polarity = params.polarity
        self.extensions = tuple(ext if ext.startswith(".") else f".{ext}"
                                for ext in params.extensions)
        # A set written by `corefill masks`: checksums first (one line when one differs);
        # items without a file of their own name get the set's mask picked by their name.
        self.set_files: list[str] = []
        if (self.root / MANIFEST).is_file():
            self.set_files = verify_set(self.root)

    def path_for(self, name: str) -> Path:
        stem = Path(name).name
        candidates = [self.root / f"{stem}{ext}" for ext in self.extensions]
        for path in candidates:
            if path.is_file():
                return path
        if self.set_files:
            return self.root / mask_for(self.set_files, name)
        raise DataError(
            f"from-files masker: no mask for item {name!r}: expected {candidates[0]}"
            + (f" (or another of {', '.join(self.extensions[1:])})" if len(candidates) > 1 else "")
        )

    def _read(self, path: Path) -> np.ndarray:
        pixels = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
        if pixels is None:
            raise DataError(f"from-files masker: cannot read mask image {path}")
        # 0/1 files stay on the 0..1 scale; anything brighter is taken as 0..255.
        threshold = 0.5 if pixels.max() <= 1 else 127.5
        white = pixels > threshold
        return white if self.polarity == "white-is-hole" else ~white

    def __call__(self, height: int, width: int, *, rng: np.random.Generator,
                 name: Optional[str] = None) -> torch.Tensor:
        if name is None:
            raise DataError("from-files masker needs the item name to find its mask file")
        path = self.path_for(name)
        hole = self._read(path)
        if hole.shape != (height, width):
            raise DataError(
                f"from-files masker: mask {path} is {hole.shape[0]}x{hole.shape[1]} "
                f"but the image is {height}x{width}"
            )
        return to_mask_tensor(hole)
