"""A folder of images of any size, each with its pre-made mask when ``masks/`` holds one.

Masks are found and binarised by the core's `from-files` masker (same stems, 0/1 or 0/255
files, a polarity); this module only resizes them with their image, nearest neighbour, so
a mask drawn for the full-size image still covers the same pixels at the model's size.
"""
from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any, Optional

import cv2
import numpy as np

from corefill.data import (FileDataset, FromFilesMasker, FromFilesParams,
                           UnreadableFileError, list_images, probe_image, read_image,
                           resize, split_files, stem_name)
from corefill.plugin import BuildContext, DataError

from .params import KaggleImagesParams


def _lister(masks: str):
    """Images under a folder, leaving out any ``masks`` sub-folder."""
    def images(folder: Path) -> list[Path]:
        return [p for p in list_images(folder) if masks not in p.relative_to(folder).parts[:-1]]
    return images


def _mask_reader(root: Path, base: Path, masks: str, polarity: str) -> Optional[FromFilesMasker]:
    """The split folder's ``masks/`` if it has one, else the root's; None when neither exists."""
    for folder in (base / masks, root / masks):
        if folder.is_dir():
            return FromFilesMasker(FromFilesParams(root=str(folder), polarity=polarity))
    return None


class MaskedImageFolder(FileDataset):
    """Items ``{image (C, S, S) in value_range, name, [mask (1, S, S) {0,1}]}``, S = crop_size."""

    def __init__(self, params: KaggleImagesParams, context: BuildContext) -> None:
        """``params.root`` is a folder (the embedded photos are not this class's)."""
        root, split, crop_size = Path(params.root), context.split, params.crop_size
        files, self.base = split_files(root, split, _lister(params.masks), params.val_fraction,
                                       params.test_fraction, "images")
        self.mask_files = _mask_reader(root, self.base, params.masks, params.mask_polarity)
        if params.fit == "stretch":
            self.size, crop = [crop_size, crop_size], None
        else:  # the shorter side to `size` (never below the crop), then a square crop
            self.size, crop = max(params.size or crop_size, crop_size), crop_size
        self.read_channels = params.channels
        super().__init__(records=files, where=str(root), split=split,
                         value_range=params.value_range, channels=params.channels, crop=crop,
                         crop_mode="random")
        self.masked = sum(self.mask_path(r) is not None for r in self.records)
        if self.mask_files is not None and not self.masked:
            # A masks/ folder that matches nothing is most likely a naming mismatch.
            warnings.warn(f"{root}: none of the {len(self.records)} {split} images has a mask "
                          f"in {self.mask_files.root} (same file stem expected); the recipe's "
                          "masker draws every mask", UserWarning, stacklevel=2)

    def name(self, record: Path) -> str:
        return stem_name(record, self.base)

    def mask_path(self, record: Path) -> Optional[Path]:
        if self.mask_files is None:
            return None
        try:
            return self.mask_files.path_for(self.name(record))
        except DataError:  # no mask file for this image: the recipe's masker draws one
            return None

    def _hole(self, record: Path, shape: tuple[int, int]) -> Optional[np.ndarray]:
        """The pre-made hole of ``record`` as float32 (H, W, 1) at ``shape``, or None."""
        path = self.mask_path(record)
        if path is None:
            return None
        from PIL import Image

        try:
            with Image.open(path) as header:  # the file's own size, so the masker accepts it
                width, height = header.size
            hole = self.mask_files(height, width, rng=None, name=self.name(record))
        except Exception as exc:  # a corrupt mask: the pair is skipped and counted
            raise UnreadableFileError(f"{path}: not a readable mask ({exc})") from None
        pixels = hole[0].numpy().astype(np.uint8)
        resized = cv2.resize(pixels, (shape[1], shape[0]), interpolation=cv2.INTER_NEAREST)
        return resized.astype(np.float32)[:, :, None]

    def decode(self, record: Path) -> dict[str, np.ndarray]:
        image = resize(read_image(record, self.read_channels), self.size)
        hole = self._hole(record, image.shape[:2])
        return {"image": image} if hole is None else {"image": image, "mask": hole}

    def probe(self, record: Path) -> None:
        probe_image(record)
        path = self.mask_path(record)
        if path is not None:
            probe_image(path)

    def __getitem__(self, key: Any) -> dict[str, Any]:
        item = super().__getitem__(key)
        if "mask" in item:
            # The base class maps every array to value_range; a mask stays exactly 0/1.
            lo, hi = self.value_range
            item["mask"] = (item["mask"] > (lo + hi) / 2).to(item["image"].dtype)
        return item

    def __repr__(self) -> str:
        return (f"MaskedImageFolder({self.where!r}, split={self.split!r}, items={len(self)}, "
                f"with pre-made masks={self.masked})")
