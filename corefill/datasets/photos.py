"""`sample-photos`: crops of the real photographs bundled inside scikit-image (and scikit-learn).

A dataset that needs no download and no root: demos and tests of RGB or grey inpainting
run on real camera images. Only files shipped *inside* the installed wheels are read,
straight from their package folders (found with ``importlib.util.find_spec``, so neither
package is imported); scikit-image's fetchers, which may download, are never called.

Splits never share pixels: ``split_by="photo"`` gives each split its own photos;
``split_by="region"`` cuts every photo into three bands across its longer side (train,
then val, then test) and keeps each crop inside its split's band.
Item ``k * crops_per_image + j`` is crop ``j`` of photo ``k``. Its position comes from
``numpy.random.default_rng((seed, epoch, index))`` for train (``dataset[(epoch, index)]``
gives new crops each epoch; ``dataset[index]`` is epoch 0) and from ``(seed, index)`` for
val/test, so evaluation crops never change. ``flips`` turns and mirrors train crops (one of
8 ways per crop and epoch), more training data from few photos. ``scales`` draws, per train
crop and epoch, the scale the photo is resized to before cropping (``size`` times the drawn
factor), so the network sees each scene's structures at several sizes; val/test use ``size``.
"""
from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence, Union

import numpy as np
from torch.utils.data import Dataset

from corefill.errors import DataError
from corefill.registry import BuildContext

from .base import split_key, to_chw_tensor
from .io import read_image, to_value_range
from .params import SamplePhotosParams
from .transforms import resize

# name -> (package, file inside the package). Photographs only: no charts, text or drawings.
# motorcycle_right is left out: it is the stereo twin of motorcycle_left, and a photo split
# would otherwise leak the same scene into two splits.
CATALOGUE: dict[str, tuple[str, str]] = {
    "astronaut": ("skimage", "data/astronaut.png"),
    "brick": ("skimage", "data/brick.png"),
    "camera": ("skimage", "data/camera.png"),
    "chelsea": ("skimage", "data/chelsea.png"),
    "coffee": ("skimage", "data/coffee.png"),
    "coins": ("skimage", "data/coins.png"),
    "grass": ("skimage", "data/grass.png"),
    "gravel": ("skimage", "data/gravel.png"),
    "hubble_deep_field": ("skimage", "data/hubble_deep_field.jpg"),
    "immunohistochemistry": ("skimage", "data/ihc.png"),
    "moon": ("skimage", "data/moon.png"),
    "motorcycle": ("skimage", "data/motorcycle_left.png"),
    "retina": ("skimage", "data/retina.jpg"),
    "rocket": ("skimage", "data/rocket.jpg"),
    "china": ("sklearn", "datasets/images/china.jpg"),
    "flower": ("sklearn", "datasets/images/flower.jpg"),
}
COLOUR = ("astronaut", "chelsea", "coffee", "hubble_deep_field", "immunohistochemistry",
          "motorcycle", "retina", "rocket", "china", "flower")
_INSTALL = {"skimage": "scikit-image", "sklearn": "scikit-learn"}


def package_folder(package: str) -> Path | None:
    """The installed folder of ``package`` without importing it; None when not installed."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def photo_path(name: str) -> Path | None:
    """Where the bundled file of photo ``name`` is, None if its package or file is missing."""
    package, relative = CATALOGUE[name]
    folder = package_folder(package)
    path = folder / relative if folder is not None else None
    return path if path is not None and path.is_file() else None


def resolve_names(photos: Union[str, Sequence[str]]) -> list[str]:
    """The photos to use: a named group ("all", "colour", "grey") keeps what is installed;
    explicitly named photos must all be there."""
    if package_folder("skimage") is None:
        raise DataError("sample-photos: scikit-image is not installed; pip install scikit-image")
    if isinstance(photos, str):
        group = {"all": list(CATALOGUE), "colour": list(COLOUR),
                 "grey": [n for n in CATALOGUE if n not in COLOUR]}[photos]
        names = [n for n in group if photo_path(n) is not None]
        if not names:
            raise DataError(f"sample-photos: none of the {photos!r} photos is installed")
        return sorted(names)
    for name in photos:
        if photo_path(name) is None:
            package, relative = CATALOGUE[name]
            raise DataError(f"sample-photos: photo {name!r} ({relative}) is not installed; "
                            f"pip install {_INSTALL[package]}")
    return sorted(dict.fromkeys(photos))


@lru_cache(maxsize=8)
def load_photos(names: tuple[str, ...], channels: int, size: int | None) -> tuple[np.ndarray, ...]:
    """Decoded photos, float32 (H, W, C) in [0, 1], shorter side resized to ``size``.
    Cached: the three splits of one configuration decode the files once."""
    return tuple(resize(read_image(photo_path(n), channels), size) for n in names)


def split_photos(names: list[str], split: str, val_fraction: float, test_fraction: float,
                 seed: int) -> list[str]:
    """Photo split: a seeded shuffle, test first, then val, the rest train."""
    order = [names[i] for i in np.random.default_rng(seed).permutation(len(names))]
    n_test = max(1, round(len(order) * test_fraction)) if test_fraction > 0 else 0
    n_val = max(1, round(len(order) * val_fraction)) if val_fraction > 0 else 0
    parts = {"test": order[:n_test], "val": order[n_test:n_test + n_val],
             "train": order[n_test + n_val:]}
    return sorted(parts[split])


def band(length: int, split: str, val_fraction: float, test_fraction: float) -> tuple[int, int]:
    """[start, stop) of ``split`` along a photo's longer side: train, then val, then test."""
    train_end = round(length * (1 - val_fraction - test_fraction))
    val_end = round(length * (1 - test_fraction))
    return {"train": (0, train_end), "val": (train_end, val_end), "test": (val_end, length)}[split]


class SamplePhotos(Dataset):
    """Crops of bundled real photos; items ``{image (C, crop, crop) in value_range, name}``."""

    accepts_epoch_key = True

    def __init__(self, params: SamplePhotosParams, context: BuildContext) -> None:
        split = context.split
        if split not in ("train", "val", "test"):
            raise DataError(f"sample-photos: unknown split {split!r}")
        self.split, self.seed = split, int(params.seed)
        self.channels, self.crop_size = int(params.channels), int(params.crop_size)
        self.crops_per_image, self.flips = int(params.crops_per_image), bool(params.flips)
        self.value_range = (float(params.value_range[0]), float(params.value_range[1]))
        photos, fractions = params.photos, (params.val_fraction, params.test_fraction)
        names = resolve_names(photos if isinstance(photos, str) else tuple(photos))
        if params.split_by == "photo":
            names = split_photos(names, split, *fractions, self.seed)
            if not names:
                raise DataError(f"sample-photos: split {split!r} got no photo (split_by photo, "
                                f"val_fraction={fractions[0]}, test_fraction={fractions[1]})")
        self.scales = tuple(params.scales) if split == "train" else (1.0,)
        # One list of (name, image, region) per scale; ``self.photos`` (the names and their
        # count, the same at every scale) is the first.
        self.scaled = [self._photos_at(names, params, scale, fractions) for scale in self.scales]
        self.photos = self.scaled[0]

    def _photos_at(self, names: list[str], params: SamplePhotosParams, scale: float,
                   fractions: tuple[float, float]) -> list[tuple[str, np.ndarray, tuple]]:
        size = None if params.size is None else round(params.size * scale)
        images = load_photos(tuple(names), self.channels, size)
        return [(name, image, self._region(name, image, params.split_by, *fractions))
                for name, image in zip(names, images)]

    def _region(self, name: str, image: np.ndarray, split_by: str, val_fraction: float,
                test_fraction: float) -> tuple[int, int, int, int]:
        """(top, left, height, width) of the part of ``image`` this split may crop from."""
        height, width = image.shape[:2]
        top, left, rows, cols = 0, 0, height, width
        if split_by == "region":
            if width >= height:
                left, stop = band(width, self.split, val_fraction, test_fraction)
                cols = stop - left
            else:
                top, stop = band(height, self.split, val_fraction, test_fraction)
                rows = stop - top
        if rows < self.crop_size or cols < self.crop_size:
            raise DataError(
                f"sample-photos: {name}: the {self.split} region {rows}x{cols} is smaller than "
                f"crop_size {self.crop_size} (raise size, lower crop_size, or use split_by: photo)")
        return top, left, rows, cols

    def __len__(self) -> int:
        return len(self.photos) * self.crops_per_image

    def scale_of(self, index: int, epoch: int) -> int:
        """Which of ``self.scales`` crop ``index`` is cut at, from its own stream (so the
        positions of a single-scale dataset do not change)."""
        if len(self.scales) == 1:
            return 0
        return int(np.random.default_rng((self.seed, epoch, index, 2)).integers(len(self.scales)))

    def photo_of(self, index: int, epoch: int) -> tuple[str, np.ndarray, tuple]:
        """(name, image at the drawn scale, region) crop ``index`` is cut from."""
        return self.scaled[self.scale_of(index, epoch)][index // self.crops_per_image]

    def crop_origin(self, index: int, epoch: int = 0,
                    photo: tuple[str, np.ndarray, tuple] | None = None) -> tuple[int, int]:
        """Top-left corner, in the coordinates of the photo at its drawn scale, of crop ``index``
        (``photo``: :meth:`photo_of`, when the caller has it already)."""
        _, _, (top, left, rows, cols) = photo or self.photo_of(index, epoch)
        key = (self.seed, epoch, index) if self.split == "train" else (self.seed, index)
        rng = np.random.default_rng(key)
        return (top + int(rng.integers(0, rows - self.crop_size + 1)),
                left + int(rng.integers(0, cols - self.crop_size + 1)))

    def flipped(self, patch: np.ndarray, index: int, epoch: int) -> np.ndarray:
        """One of the square's 8 symmetries (quarter turns, then maybe a mirror), drawn
        from its own stream so the crop positions stay those of ``flips: false``."""
        way = int(np.random.default_rng((self.seed, epoch, index, 1)).integers(8))
        turned = np.rot90(patch, way % 4)
        return np.ascontiguousarray(turned[:, ::-1] if way >= 4 else turned)

    def __getitem__(self, key: Any) -> dict[str, Any]:
        epoch, index = split_key(key, 0)
        if not 0 <= index < len(self):
            raise IndexError(index)
        photo = self.photo_of(index, epoch)
        name, image, _ = photo
        top, left = self.crop_origin(index, epoch, photo)
        patch = image[top:top + self.crop_size, left:left + self.crop_size]
        if self.flips and self.split == "train":
            patch = self.flipped(patch, index, epoch)
        lo, hi = self.value_range
        return {"image": to_chw_tensor(to_value_range(patch, lo, hi)),
                "name": f"{name}_{self.split}#{index % self.crops_per_image}"}
