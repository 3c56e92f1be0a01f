"""Params of the completion-images dataset (no torch import here)."""
from typing import Literal

from pydantic import Field

from corefill.data import PhotosOrFolderParams


class CompletionImagesParams(PhotosOrFolderParams):
    """Images for the completion autoencoder, produced in `value_range`.

    ``root`` null, ``embedded: mni152``: axial slices of the MNI152 brain template in
    nilearn's wheel (a skull-stripped T1 MRI), resized to ``slice_shape``; the slices are
    split in runs of 5 by a hash (``val_fraction``, ``test_fraction``), one slice dropped
    after every change of split so no two splits hold neighbouring slices.
    ``root`` null, ``embedded: photos``: crops of the real photos bundled in scikit-image, as
    the core's `sample-photos`. ``root`` a folder: every PNG/JPEG/TIFF/BMP under it (any
    size, grey or RGB, 8 or 16 bit), one item per image, fitted to ``crop_size``² (``fit``:
    stretch resizes as the source did); splits from ``train``/``val``/``test`` sub-folders
    when present, else from a hash of each file's name. Unreadable files are skipped and
    counted in one warning line.
    """

    channels: Literal[1, 3] = Field(
        1, description="1 = grey (luminance), 3 = RGB (grey images repeated)"
    )
    embedded: Literal["photos", "mni152"] = Field(
        "photos", description="the data when root is null: photos = scikit-image's photos, "
        "mni152 = axial T1 slices of the MNI152 brain template in nilearn's wheel"
    )
    slice_shape: tuple[int, int] = Field(
        (144, 128), description="embedded mni152: [height, width] the slices are resized to "
        "(the template's 233 x 197 mm plane; both sides multiples of 16 for a depth-4 model)"
    )
