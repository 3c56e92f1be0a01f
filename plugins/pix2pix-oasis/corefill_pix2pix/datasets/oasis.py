"""OASIS "keras_png_slices" loader, and the dataset factory the plugin registers.

Layout (under ``root``)::

    keras_png_slices_train/case_001_slice_0.nii.png
    keras_png_slices_seg_train/seg_001_slice_0.nii.png
    ..._validate/, ..._seg_validate/, ..._test/, ..._seg_test/

Images and label maps are paired by (case id, slice id) parsed from the file names.
"""
from __future__ import annotations

import re
from pathlib import Path

import cv2
import numpy as np

from corefill.errors import DataError

from .slices import LabelledSlices, evenly_spaced, labels_from_png

SPLIT_SUFFIX = {"train": "train", "val": "validate", "test": "test"}
_IDS = re.compile(r"(\d+)_slice_(\d+)")


def oasis_slices(*, split: str, root=None, size=256, input_encoding="onehot", limit=None):
    """Build the split: OASIS PNG slices under ``root``, or MNI152 template slices."""
    if root is None:
        from .mni152 import Mni152Slices

        return Mni152Slices(split=split, size=size, input_encoding=input_encoding, limit=limit)
    return OasisSlices(
        root=root, split=split, size=size, input_encoding=input_encoding, limit=limit
    )


def _split_folders(root: Path, split: str) -> tuple[Path, Path]:
    """The one image folder and the one label folder of ``split`` under ``root``."""
    if not root.is_dir():
        raise DataError(f"{root}: OASIS root is not a folder (dataset param 'root')")
    suffix = "_" + SPLIT_SUFFIX[split]
    folders = [p for p in sorted(root.iterdir()) if p.is_dir() and p.name.endswith(suffix)]
    segs = [p for p in folders if "_seg_" in p.name]
    images = [p for p in folders if "_seg_" not in p.name]
    for kind, found in (("image", images), ("segmentation", segs)):
        if len(found) != 1:
            names = ", ".join(p.name for p in found) or "none"
            raise DataError(
                f"{root}: expected one {kind} folder ending in '{suffix}' for split "
                f"{split!r}, found {names}"
            )
    return images[0], segs[0]


def _by_ids(folder: Path) -> dict[tuple[int, int], Path]:
    files: dict[tuple[int, int], Path] = {}
    for path in sorted(folder.glob("*.png")):
        match = _IDS.search(path.name)
        if match is None:
            raise DataError(f"{path}: file name has no '<case>_slice_<n>' id to pair it by")
        files[(int(match[1]), int(match[2]))] = path
    return files


def find_pairs(root: Path, split: str) -> list[tuple[Path, Path]]:
    """(image, label map) paths of ``split``, sorted by (case, slice)."""
    image_dir, seg_dir = _split_folders(root, split)
    images, segs = _by_ids(image_dir), _by_ids(seg_dir)
    if not images:
        raise DataError(f"{image_dir}: no .png slices (split {split!r})")
    for missing, other in ((set(images) - set(segs), images), (set(segs) - set(images), segs)):
        if missing:
            first = other[min(missing)]
            raise DataError(f"{first}: no matching file for case/slice {min(missing)} "
                            f"({len(missing)} unpaired in split {split!r})")
    return [(images[key], segs[key]) for key in sorted(images)]


def _read_grey(path: Path) -> np.ndarray:
    array = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    if array is None:
        raise DataError(f"{path}: not a readable PNG image")
    return array


class OasisSlices(LabelledSlices):
    """OASIS PNG slice pairs of one split (see module docstring for the layout)."""

    def __init__(self, *, root, split: str, size: int, input_encoding: str, limit=None) -> None:
        pairs = find_pairs(Path(root).expanduser(), split)
        self.pairs = [pairs[i] for i in evenly_spaced(len(pairs), limit)]
        names = [image.name.split(".")[0] for image, _ in self.pairs]
        super().__init__(names=names, size=size, input_encoding=input_encoding)

    def _load(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        image_path, seg_path = self.pairs[index]
        image, seg = _read_grey(image_path), _read_grey(seg_path)
        if image.shape != seg.shape:
            raise DataError(
                f"{seg_path}: size {seg.shape} differs from its image {image_path.name} {image.shape}"
            )
        return image, labels_from_png(seg)
