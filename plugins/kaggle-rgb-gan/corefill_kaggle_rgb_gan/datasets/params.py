"""Params of the kaggle-images dataset (no torch import here)."""
from typing import Literal

from pydantic import Field

from corefill.data import PhotosOrFolderParams


class KaggleImagesParams(PhotosOrFolderParams):
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
    ``photos``, ``crops_per_image``, ``split_by``, ``flips`` and ``scales`` apply to the embedded
    photos only.
    Unreadable images or masks are skipped and counted in one warning line.
    """

    channels: Literal[1, 3] = Field(
        3, description="1 = grey (luminance), 3 = RGB (grey images repeated)"
    )
    masks: str = Field(
        "masks", min_length=1, description="sub-folder of pre-made masks (same stems as the "
        "images), used where present"
    )
    mask_polarity: Literal["white-is-hole", "black-is-hole"] = Field(
        "white-is-hole", description="which colour marks the hole in the mask files"
    )
