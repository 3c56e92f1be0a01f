"""`image-folder`: every PNG/JPEG/TIFF/BMP under a folder (see ImageFolderParams)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from corefill.registry import BuildContext

from .base import FileDataset
from .folders import file_options, split_files, stem_name
from .io import list_images, probe_image, read_image
from .params import ImageFolderParams
from .transforms import resize


class ImageFolder(FileDataset):
    """Items ``{"image": (C, H, W) in value_range, "name": relative path without extension}``."""

    def __init__(self, params: ImageFolderParams, context: BuildContext) -> None:
        files, self.base = split_files(Path(params.root), context.split, list_images,
                                       params.val_fraction, params.test_fraction, "images")
        self.size, self.scale = params.size, params.scale
        super().__init__(records=files, where=str(params.root), split=context.split,
                         **file_options(params))

    def decode(self, record: Path) -> dict[str, np.ndarray]:
        return {"image": resize(read_image(record, self.channels, scale=self.scale), self.size)}

    def probe(self, record: Path) -> None:
        probe_image(record)

    def name(self, record: Path) -> str:
        return stem_name(record, self.base)

    def __repr__(self) -> str:
        return f"ImageFolder({self.where!r}, split={self.split!r}, items={len(self)})"
