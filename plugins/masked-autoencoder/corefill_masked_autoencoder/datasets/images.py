"""`completion-images`: one dataset name whether the data is embedded or the user's folder."""
from __future__ import annotations

from typing import Any, Optional, Sequence, Union

from torch.utils.data import Dataset

from corefill.datasets.image_folder import ImageFolder
from corefill.datasets.photos import SamplePhotos


def completion_images(*, split: str, root: Optional[str] = None, fit: str = "stretch",
                      photos: Union[str, Sequence[str]] = "all", channels: int = 1,
                      size: Optional[int] = 320, crop_size: int = 64, crops_per_image: int = 32,
                      split_by: str = "region", val_fraction: float = 0.2,
                      test_fraction: float = 0.2, seed: int = 0,
                      value_range: Sequence[float] = (-1.0, 1.0)) -> Dataset:
    """Embedded photo crops when ``root`` is None, else the images under ``root``."""
    if root is None:
        return SamplePhotos(split=split, photos=photos, channels=channels, size=size,
                            crop_size=crop_size, crops_per_image=crops_per_image,
                            split_by=split_by, val_fraction=val_fraction,
                            test_fraction=test_fraction, seed=seed, value_range=value_range)
    geometry: dict[str, Any] = (
        {"size": [crop_size, crop_size], "crop": None} if fit == "stretch"
        # The shorter side goes to `size` (never below the crop), then a square crop.
        else {"size": max(size or crop_size, crop_size), "crop": crop_size, "crop_mode": "random"}
    )
    return ImageFolder(split=split, root=root, channels=channels, value_range=value_range,
                       val_fraction=val_fraction, test_fraction=test_fraction, **geometry)
