"""Params of the completion-images dataset (no torch import here)."""
from typing import Literal, Optional

from pydantic import Field

from corefill.datasets.params import SamplePhotosParams


class CompletionImagesParams(SamplePhotosParams):
    """Square images of `crop_size` for the completion autoencoder, produced in `value_range`.

    ``root`` null: crops of the real photos bundled in scikit-image, exactly as the core's
    `sample-photos` (every field but ``root`` and ``fit`` is its). ``root`` a folder: every
    PNG/JPEG/TIFF/BMP under it (any size, grey or RGB, 8 or 16 bit), one item per image,
    fitted to ``crop_size``² (``fit``); splits from ``train``/``val``/``test`` sub-folders
    when present, else from a hash of each file's name (``val_fraction``, ``test_fraction``).
    ``photos``, ``crops_per_image`` and ``split_by`` apply to the embedded photos only.
    Unreadable files are skipped and counted in one warning line.
    """

    channels: Literal[1, 3] = Field(
        1, description="1 = grey (luminance), 3 = RGB (grey images repeated)"
    )
    crop_size: int = Field(64, ge=4, le=4096, description="side of the square items the model sees")
    val_fraction: float = Field(
        0.2, ge=0, le=0.5, description="bundled photos: share of each photo (region) or of the "
        "photos (photo); a folder without split sub-folders: share of its files"
    )
    test_fraction: float = Field(
        0.2, ge=0, le=0.5, description="as val_fraction, for test"
    )
    root: Optional[str] = Field(
        None, description="folder of your images (searched recursively); null = the embedded photos"
    )
    fit: Literal["stretch", "crop"] = Field(
        "stretch", description="folder images: stretch = resize to crop_size x crop_size (as the "
        "source); crop = shorter side to size, then a crop_size crop (random for train, centred "
        "for val/test)"
    )
