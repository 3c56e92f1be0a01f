"""Where the radiographs come from: a folder of PNG/JPEG/DICOM files, or embedded crops.

Each source yields ``Item``s: grey float32 ``(size, size)`` images in [0, 1] with their
split, KL grade and whether a DICOM header already said they were stored inverted.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

import numpy as np

from corefill.data import (DICOM_EXTENSIONS, IMAGE_EXTENSIONS, UnreadableFileError,
                           find_split_folders, list_files, read_dicom, read_image,
                           split_key, split_of)
from corefill.plugin import DataError

EMBEDDED_FILES = ("RG3_UNCR.dcm", "RG1_UNCR.dcm")


@dataclass
class Item:
    name: str
    source: str
    split: str
    image: Optional[np.ndarray]  # None when the file could not be read
    grade: int = -1
    known_negative: Optional[bool] = None  # DICOM header's word; None = judge the pixels
    error: str = ""


def _square(image: np.ndarray, size: int) -> np.ndarray:
    import cv2

    shrinking = image.shape[0] * image.shape[1] > size * size
    interpolation = cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR
    return cv2.resize(image, (size, size), interpolation=interpolation).astype(np.float32)


def _is_monochrome1(path: Path) -> bool:
    import pydicom

    header = pydicom.dcmread(str(path), stop_before_pixels=True)
    return str(getattr(header, "PhotometricInterpretation", "")).upper() == "MONOCHROME1"


def read_grey(path: Path) -> tuple[np.ndarray, Optional[bool]]:
    """A radiograph as float32 (H, W) in [0, 1]; DICOMs come back un-inverted (bright = dense)."""
    if path.name.lower().endswith(DICOM_EXTENSIONS):
        return read_dicom(path), _is_monochrome1(path)
    return read_image(path, channels=1)[:, :, 0], None


def _grade(path: Path) -> int:
    return int(path.parent.name) if path.parent.name.isdigit() else -1


def folder_items(root: str, size: int, val_fraction: float, test_fraction: float) -> Iterator[Item]:
    """Every image under ``root``: split from train|val|test folders, else from a name hash."""
    base = Path(root).expanduser()
    if not base.is_dir():
        raise DataError(f"data.dataset.params.root: folder not found: {base}")
    files = list_files(base, IMAGE_EXTENSIONS + DICOM_EXTENSIONS)
    if not files:
        raise DataError(f"data.dataset.params.root: no PNG/JPEG/DICOM images under {base}")
    folders = find_split_folders(base)
    for path in files:
        relative = path.relative_to(base).as_posix()
        if folders:
            split = next((s for s, f in folders.items() if f in path.parents), None)
            if split is None:
                continue  # files beside the split folders belong to no split
        else:
            split = split_of(relative, val_fraction, test_fraction)
        try:
            image, negative = read_grey(path)
        except (UnreadableFileError, OSError) as exc:
            yield Item(relative, str(path), split, None, error=str(exc))
            continue
        yield Item(relative, str(path), split, _square(image, size), _grade(path), negative)


def _embedded_sources(scale: float) -> list[tuple[str, str, np.ndarray, bool]]:
    import cv2
    from pydicom.data import get_testdata_file

    sources = []
    for filename in EMBEDDED_FILES:
        path = get_testdata_file(filename)
        if path is None:
            raise DataError(f"embedded data: {filename} not found; install pydicom-data")
        image, negative = read_grey(Path(path))
        image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        sources.append((Path(filename).stem, str(path), image, negative))
    return sources


def _bands(stem: str, image: np.ndarray, size: int, val_fraction: float,
           test_fraction: float) -> dict[int, str]:
    """Split of every horizontal band of ``size`` rows, ordered by a hash of its name.

    Taking the first bands (by hash) for test, then val, guarantees each held-out split
    at least one band when its fraction is above zero.
    """
    rows = image.shape[0] // size
    if rows == 0 or image.shape[1] < size:
        raise DataError(f"embedded data: embedded_scale makes {stem} smaller than {size}²")
    order = sorted(range(rows), key=lambda r: split_key(f"{stem}@band{r}"))
    n_test = max(int(test_fraction > 0), round(rows * test_fraction))
    n_val = max(int(val_fraction > 0), round(rows * val_fraction))
    splits = {r: "train" for r in range(rows)}
    for k, r in enumerate(order[:n_test + n_val]):
        splits[r] = "test" if k < n_test else "val"
    return splits


def embedded_items(*, size, scale, val_fraction, test_fraction, train_crops, max_eval_crops,
                   seed) -> Iterator[Item]:
    """Crops of the pydicom-data radiographs, held out by horizontal band.

    Each source is cut into bands ``size`` rows high; a band's split comes from a hash of
    its name. Val/test crops run along their bands at a stride of ``size // 2``; train
    crops sit at random positions overlapping no held-out band, so no held-out pixel is
    ever trained on.
    """
    rng = np.random.default_rng(seed)
    sources = _embedded_sources(scale)
    counts = {"val": 0, "test": 0}
    allowed = []
    for stem, path, image, negative in sources:
        free = np.ones(image.shape, dtype=bool)
        for r, split in _bands(stem, image, size, val_fraction, test_fraction).items():
            if split == "train":
                continue
            free[r * size:(r + 1) * size] = False
            for x in range(0, image.shape[1] - size + 1, max(1, size // 2)):
                if counts[split] < max_eval_crops:
                    counts[split] += 1
                    crop = image[r * size:(r + 1) * size, x:x + size].copy()
                    yield Item(f"{stem}#y{r * size}x{x}", f"{path}#y{r * size}x{x}", split,
                               crop, known_negative=negative)
        allowed.append(free)
    areas = np.asarray([a.sum() for a in allowed], dtype=np.float64)
    for (stem, path, image, negative), free, share in zip(sources, allowed, areas / areas.sum()):
        wanted = int(round(train_crops * share))
        for y, x in _free_positions(free, size, wanted, rng):
            yield Item(f"{stem}#y{y}x{x}", f"{path}#y{y}x{x}", "train",
                       image[y:y + size, x:x + size].copy(), known_negative=negative)


def _free_positions(free: np.ndarray, size: int, wanted: int, rng) -> list[tuple[int, int]]:
    """Random top-left corners of ``size``² windows lying wholly in ``free``."""
    # Integral image of blocked pixels: a window is allowed when it sums to zero.
    integral = np.pad((~free).cumsum(0).cumsum(1), ((1, 0), (1, 0)))
    window = (integral[size:, size:] - integral[:-size, size:]
              - integral[size:, :-size] + integral[:-size, :-size])
    ys, xs = np.nonzero(window == 0)
    if len(ys) == 0 or wanted == 0:
        return []
    picks = rng.choice(len(ys), size=wanted, replace=len(ys) < wanted)
    return [(int(ys[i]), int(xs[i])) for i in picks]
