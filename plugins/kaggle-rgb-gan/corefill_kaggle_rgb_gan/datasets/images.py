"""`kaggle-images`: one dataset name whether the data is embedded or the user's folder."""
from __future__ import annotations

from torch.utils.data import Dataset

from corefill.datasets.photos import SamplePhotos

from .folder import MaskedImageFolder
from .params import KaggleImagesParams


def kaggle_images(*, split: str, **fields) -> Dataset:
    """Embedded photo crops when ``root`` is None, else the images (and masks) under ``root``."""
    params = KaggleImagesParams(**fields)
    if params.root is None:
        return SamplePhotos(split=split, **params.photo_params())
    return MaskedImageFolder(split=split, root=params.root, channels=params.channels,
                             crop_size=params.crop_size, fit=params.fit, size=params.size,
                             value_range=params.value_range, val_fraction=params.val_fraction,
                             test_fraction=params.test_fraction, masks=params.masks,
                             mask_polarity=params.mask_polarity)
