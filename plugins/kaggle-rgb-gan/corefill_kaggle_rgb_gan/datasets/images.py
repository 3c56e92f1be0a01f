"""`kaggle-images`: one dataset name whether the data is embedded or the user's folder."""
from __future__ import annotations

from typing import Optional, Sequence, Union

from torch.utils.data import Dataset

from corefill.datasets.photos import SamplePhotos

from .folder import MaskedImageFolder


def kaggle_images(*, split: str, root: Optional[str] = None, fit: str = "stretch",
                  masks: str = "masks", mask_polarity: str = "white-is-hole",
                  photos: Union[str, Sequence[str]] = "all", channels: int = 3,
                  size: Optional[int] = 320, crop_size: int = 64, crops_per_image: int = 32,
                  split_by: str = "region", val_fraction: float = 0.2,
                  test_fraction: float = 0.2, seed: int = 0,
                  value_range: Sequence[float] = (-1.0, 1.0)) -> Dataset:
    """Embedded photo crops when ``root`` is None, else the images (and masks) under ``root``."""
    if root is None:
        return SamplePhotos(split=split, photos=photos, channels=channels, size=size,
                            crop_size=crop_size, crops_per_image=crops_per_image,
                            split_by=split_by, val_fraction=val_fraction,
                            test_fraction=test_fraction, seed=seed, value_range=value_range)
    return MaskedImageFolder(split=split, root=root, channels=channels, crop_size=crop_size,
                             fit=fit, size=size, value_range=value_range,
                             val_fraction=val_fraction, test_fraction=test_fraction,
                             masks=masks, mask_polarity=mask_polarity)
