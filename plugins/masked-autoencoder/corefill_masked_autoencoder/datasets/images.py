"""`completion-images`: one dataset name whether the data is embedded or the user's folder."""
from __future__ import annotations

from torch.utils.data import Dataset

from corefill.data import (ImageFolder, ImageFolderParams, NiftiSlices, NiftiSlicesParams,
                           SamplePhotos, SamplePhotosParams, template_file)
from corefill.plugin import BuildContext

from .params import CompletionImagesParams

# Runs of 5 axial slices go to one split; the first slice after a change of split is dropped,
# so a val or test slice is at least 2 mm from every train slice.
SLICE_RUN, SLICE_GAP = 5, 1


def brain_slices(params: CompletionImagesParams, context: BuildContext) -> Dataset:
    """Axial T1 slices of the MNI152 template, split by runs of slices."""
    slices = NiftiSlicesParams(
        path=template_file("t1"), axis=2, size=params.slice_shape, channels=params.channels,
        value_range=params.value_range, split_mode="interleaved", block_size=SLICE_RUN,
        split_gap=SLICE_GAP, val_fraction=params.val_fraction,
        test_fraction=params.test_fraction)
    return NiftiSlices(slices, context)


def completion_images(params: CompletionImagesParams, context: BuildContext) -> Dataset:
    """Embedded photo crops or brain slices when ``root`` is None, else the images under ``root``."""
    if params.root is None:
        if params.embedded == "mni152":
            return brain_slices(params, context)
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
