"""`completion-images`: one dataset name whether the data is embedded or the user's folder."""
from __future__ import annotations

from torch.utils.data import Dataset

from corefill.datasets.image_folder import ImageFolder
from corefill.datasets.params import ImageFolderParams, SamplePhotosParams
from corefill.datasets.photos import SamplePhotos
from corefill.registry import BuildContext

from .params import CompletionImagesParams


def completion_images(params: CompletionImagesParams, context: BuildContext) -> Dataset:
    """Embedded photo crops when ``root`` is None, else the images under ``root``."""
    if params.root is None:
        return SamplePhotos(SamplePhotosParams(**params.photo_params()), context)
    crop = params.crop_size
    geometry = (
        {"size": [crop, crop], "crop": None} if params.fit == "stretch"
        # The shorter side goes to `size` (never below the crop), then a square crop.
        else {"size": max(params.size or crop, crop), "crop": crop, "crop_mode": "random"}
    )
    folder = ImageFolderParams(root=params.root, channels=params.channels,
                               value_range=params.value_range, val_fraction=params.val_fraction,
                               test_fraction=params.test_fraction, **geometry)
    return ImageFolder(folder, context)
