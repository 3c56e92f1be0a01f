"""Params of the completion-images dataset (no torch import here)."""
from typing import Literal

from pydantic import Field

from corefill.datasets.params import PhotosOrFolderParams


class CompletionImagesParams(PhotosOrFolderParams):
    """Square images of `crop_size` for the completion autoencoder, produced in `value_range`.

    ``root`` null: crops of the real photos bundled in scikit-image, as the core's
    `sample-photos`. ``root`` a folder: every PNG/JPEG/TIFF/BMP under it (any size, grey or
    RGB, 8 or 16 bit), one item per image, fitted to ``crop_size``² (``fit``: stretch
    resizes as the source did); splits from ``train``/``val``/``test`` sub-folders when
    present, else from a hash of each file's name. Unreadable files are skipped and counted
    in one warning line.
    """

    channels: Literal[1, 3] = Field(
        1, description="1 = grey (luminance), 3 = RGB (grey images repeated)"
    )
