"""`kaggle-images`: one dataset name whether the data is embedded or the user's folder."""
from __future__ import annotations

from torch.utils.data import Dataset

from corefill.data import SamplePhotos, SamplePhotosParams
from corefill.plugin import BuildContext

from .folder import MaskedImageFolder
from .params import KaggleImagesParams


def kaggle_images(params: KaggleImagesParams, context: BuildContext) -> Dataset:
    """Embedded photo crops when ``root`` is None, else the images (and masks) under ``root``."""
    if params.root is None:
        return SamplePhotos(SamplePhotosParams(**params.photo_params()), context)
    return MaskedImageFolder(params, context)
