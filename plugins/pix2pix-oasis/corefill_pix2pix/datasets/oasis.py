"""OASIS "keras_png_slices" loader, and the dataset factory the plugin registers.

Layout (under ``root``, or under ``root/keras_png_slices_data/`` as the Kaggle archive
unpacks)::

    keras_png_slices_train/case_001_slice_0.nii.png
    keras_png_slices_seg_train/seg_001_slice_0.nii.png
    ..._validate/, ..._seg_validate/, ..._test/, ..._seg_test/

Images and label maps are paired by (case id, slice id) parsed from the file names. A
slice whose image or label is missing, unreadable or of another size is skipped, counted
and reported in one warning line per split; it never stops a run.
"""
from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import NamedTuple

import cv2
import numpy as np

from corefill.data import UnreadableFilesWarning
from corefill.plugin import BuildContext, DataError, first_line

from .params import OasisSlicesParams
from .slices import LabelledSlices, evenly_spaced, labels_from_png

SPLIT_SUFFIX = {"train": "train", "val": "validate", "test": "test"}
KAGGLE_FOLDER = "keras_png_slices_data"  # the folder the Kaggle download unpacks to
_IDS = re.compile(r"(\d+)_slice_(\d+)")


def oasis_slices(params: OasisSlicesParams, context: BuildContext):
    """Build the split (OasisSlicesParams): OASIS PNG slices under ``root``, or MNI152
    template slices when ``root`` is null."""
    options = dict(split=context.split, size=params.size, input_encoding=params.input_encoding,
                   limit=params.limit)
    if params.root is None:
        from .mni152 import Mni152Slices

        return Mni152Slices(**options)
    return OasisSlices(root=params.root, **options)


class Scan(NamedTuple):
    """The usable (image, label map) pairs of a split and what was skipped, with why."""

    pairs: list[tuple[Path, Path]]
    skipped: list[tuple[Path, str]]


def resolve_root(root: str | Path) -> Path:
    """``root`` itself, or its ``keras_png_slices_data/`` folder when the slices sit there."""
    base = Path(root).expanduser()
    if not base.is_dir():
        raise DataError(f"data.dataset.params.root: {base} is not a folder")
    while (base / KAGGLE_FOLDER).is_dir() and not any(base.glob("*_seg_*")):
        base = base / KAGGLE_FOLDER
    return base


def _split_folders(root: Path, split: str) -> tuple[Path, Path]:
    """The one image folder and the one label folder of ``split`` under ``root``."""
    suffix = "_" + SPLIT_SUFFIX[split]
    folders = [p for p in sorted(root.iterdir()) if p.is_dir() and p.name.endswith(suffix)]
    segs = [p for p in folders if "_seg_" in p.name]
    images = [p for p in folders if "_seg_" not in p.name]
    for kind, found in (("image", images), ("segmentation", segs)):
        if len(found) != 1:
            names = ", ".join(p.name for p in found) or "none"
            raise DataError(
                f"data.dataset.params.root: {root}: expected one {kind} folder ending in "
                f"'{suffix}' for split {split!r}, found {names}"
            )
    return images[0], segs[0]


def _by_ids(folder: Path, skipped: list) -> dict[tuple[int, int], Path]:
    files: dict[tuple[int, int], Path] = {}
    for path in sorted(folder.glob("*.png")):
        match = _IDS.search(path.name)
        if match is None:
            skipped.append((path, f"{path}: no '<case>_slice_<n>' id in the name to pair it by"))
        else:
            files[(int(match[1]), int(match[2]))] = path
    return files


def _image_size(path: Path) -> tuple[int, int]:
    """Width and height from the header, after checking every chunk (no pixel decoding).

    PIL's verify reads the whole file and checks each PNG chunk's CRC, which catches
    truncated, zero-byte and corrupt files at a tenth of the cost of decoding them.
    """
    from PIL import Image

    try:
        with Image.open(path) as image:
            size = image.size
            image.verify()
    except Exception as exc:  # PIL raises many types for bad files
        reason = first_line(exc)
        raise ValueError(f"{path}: not a readable PNG ({reason})") from None
    return size


def _check_pair(image: Path, seg: Path) -> str:
    """Why the pair is unusable, or "" when both files read and their sizes match."""
    try:
        image_size, seg_size = _image_size(image), _image_size(seg)
    except ValueError as exc:
        return str(exc)
    if image_size != seg_size:
        return f"{seg}: size {seg_size} differs from its image {image.name} {image_size}"
    return ""


def scan_pairs(root: str | Path, split: str) -> Scan:
    """(image, label map) paths of ``split`` sorted by (case, slice), and what was skipped."""
    image_dir, seg_dir = _split_folders(resolve_root(root), split)
    skipped: list[tuple[Path, str]] = []
    images, segs = _by_ids(image_dir, skipped), _by_ids(seg_dir, skipped)
    for key in sorted(set(images) - set(segs)):
        skipped.append((images[key], f"{images[key]}: no label map {seg_dir.name}/seg_"
                                     f"{key[0]:03d}_slice_{key[1]}.nii.png"))
    for key in sorted(set(segs) - set(images)):
        skipped.append((segs[key], f"{segs[key]}: label map without an image"))
    pairs = []
    for key in sorted(set(images) & set(segs)):
        problem = _check_pair(images[key], segs[key])
        if problem:
            skipped.append((images[key], problem))
        else:
            pairs.append((images[key], segs[key]))
    if not pairs:
        raise DataError(f"data.dataset.params.root: {image_dir}: no usable slice pairs "
                        f"(split {split!r}; {len(skipped)} skipped)")
    return Scan(pairs, skipped)


def report_skipped(where: str, scan: Scan) -> None:
    """One warning line per split: how many slices were skipped, and the first reason."""
    if scan.skipped:
        total = len(scan.pairs) + len(scan.skipped)
        warnings.warn(f"{where}: skipped {len(scan.skipped)} of {total} slice files "
                      f"(unreadable or unpaired); first: {scan.skipped[0][1]}",
                      UnreadableFilesWarning, stacklevel=3)


def _read_grey(path: Path) -> np.ndarray:
    array = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    if array is None:  # passed the integrity check at start, then changed or vanished
        raise DataError(f"{path}: not a readable PNG image")
    return array


class OasisSlices(LabelledSlices):
    """OASIS PNG slice pairs of one split (see module docstring for the layout)."""

    def __init__(self, *, root, split: str, size: int, input_encoding: str, limit=None) -> None:
        scan = scan_pairs(root, split)
        report_skipped(f"oasis-slices {split} ({root})", scan)
        self.skipped = scan.skipped
        self.pairs = [scan.pairs[i] for i in evenly_spaced(len(scan.pairs), limit)]
        names = [image.name.split(".")[0] for image, _ in self.pairs]
        super().__init__(names=names, size=size, input_encoding=input_encoding)

    def _load(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        image_path, seg_path = self.pairs[index]
        return _read_grey(image_path), labels_from_png(_read_grey(seg_path))
