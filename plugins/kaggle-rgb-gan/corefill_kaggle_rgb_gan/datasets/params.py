"""Params of the kaggle-images dataset (no torch import here)."""
from typing import Literal, Optional

from pydantic import Field

from corefill.datasets.params import SamplePhotosParams


class KaggleImagesParams(SamplePhotosParams):
    """Square RGB images of `crop_size` for the inpainting GAN, produced in `value_range`.

    ``root`` null: crops of the real photos bundled in scikit-image, exactly as the core's
    `sample-photos` (every field but ``root``, ``fit``, ``masks`` and ``mask_polarity`` is
    its). ``root`` a folder: every PNG/JPEG/TIFF/BMP under it (any size, grey or RGB, 8 or
    16 bit), one item per image, fitted to ``crop_size``² (``fit``); splits from
    ``train``/``val``/``test`` sub-folders when present, else from a hash of each file's name.
    A ``masks/`` sub-folder (of the root, or of a split folder) holds the source's pre-made
    masks: binary PNGs with the images' stems. An image with a mask file carries it as its
    item ``mask`` (1 = hole; resized with the image, nearest neighbour), which the engine
    uses instead of the recipe's masker; images without one get the masker's masks.
    ``photos``, ``crops_per_image`` and ``split_by`` apply to the embedded photos only.
    Unreadable images or masks are skipped and counted in one warning line.
    """

    channels: Literal[1, 3] = Field(
        3, description="1 = grey (luminance), 3 = RGB (grey images repeated)"
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
        None, description="folder of your images (searched recursively, masks/ excluded); "
        "null = the embedded photos"
    )
    fit: Literal["stretch", "crop"] = Field(
        "stretch", description="folder images: stretch = resize to crop_size x crop_size (as the "
        "source); crop = shorter side to size, then a crop_size crop (random for train, centred "
        "for val/test)"
    )
    masks: str = Field(
        "masks", min_length=1, description="sub-folder of pre-made masks (same stems as the "
        "images), used where present"
    )
    mask_polarity: Literal["white-is-hole", "black-is-hole"] = Field(
        "white-is-hole", description="which colour marks the hole in the mask files"
    )
