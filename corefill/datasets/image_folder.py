"""`image-folder`: every PNG/JPEG/TIFF/BMP under a folder (see ImageFolderParams)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence, Union

import numpy as np

from .base import FileDataset
from .folders import default_crop, split_files, stem_name
from .io import list_images, probe_image, read_image
from .transforms import resize


class ImageFolder(FileDataset):
    """Items ``{"image": (C, H, W) in value_range, "name": relative path without extension}``."""

    def __init__(
        self,
        *,
        split: str,
        root: Union[str, Path],
        channels: int = 3,
        size: Optional[Union[int, Sequence[int]]] = None,
        crop: Optional[Union[int, Sequence[int]]] = None,
        crop_mode: str = "random",
        value_range: Sequence[float] = (-1.0, 1.0),
        scale: str = "dtype",
        val_fraction: float = 0.1,
        test_fraction: float = 0.1,
        cache: bool = True,
        cache_mb: float = 2048.0,
    ) -> None:
        files, self.base = split_files(
            Path(root), split, list_images, val_fraction, test_fraction, "images"
        )
        self.size, self.scale = size, scale
        super().__init__(
            records=files,
            where=str(root),
            split=split,
            value_range=value_range,
            channels=channels,
            crop=default_crop(size, crop),
            crop_mode=crop_mode,
            cache=cache,
            cache_mb=cache_mb,
        )

    def decode(self, record: Path) -> dict[str, np.ndarray]:
        return {"image": resize(read_image(record, self.channels, scale=self.scale), self.size)}

    def probe(self, record: Path) -> None:
        probe_image(record)

    def name(self, record: Path) -> str:
        return stem_name(record, self.base)

    def __repr__(self) -> str:
        return f"ImageFolder({self.where!r}, split={self.split!r}, items={len(self)})"
