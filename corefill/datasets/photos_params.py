"""Params of the bundled-photos datasets (pydantic, no torch): crops of the photos that
scikit-image and scikit-learn ship, and a dataset that switches to a folder of the user's
images when given a ``root``."""
from __future__ import annotations

from typing import Any, ClassVar, Literal, Optional, Union

from pydantic import Field, model_validator

from .output_params import OutputParams

PhotoName = Literal[
    "astronaut", "brick", "camera", "chelsea", "coffee", "coins", "grass", "gravel",
    "hubble_deep_field", "immunohistochemistry", "moon", "motorcycle", "retina", "rocket",
    "china", "flower",
]


class SamplePhotosParams(OutputParams):
    """Crops of the real photos bundled in scikit-image (and scikit-learn), in `value_range`.

    No root and no download: the files inside the installed wheels are read (needs
    `pip install scikit-image`; china/flower need scikit-learn). Splits never share pixels
    (by photo, or by bands across each photo's longer side). Val/test crops are fixed per
    index; train crops change per epoch.
    """

    requires: ClassVar[dict[str, str]] = {"skimage": "corefill[samples]"}

    photos: Union[Literal["all", "colour", "grey"], tuple[PhotoName, ...]] = Field(
        "all", description="a group (all, colour, grey: what is installed) or a list of photo names"
    )
    channels: Literal[1, 3] = Field(3, description="1 = grey (luminance), 3 = RGB (grey photos repeated)")
    size: Optional[int] = Field(
        320, ge=8, le=4096, description="resize each photo's shorter side to this before cropping; none = as is"
    )
    crop_size: int = Field(64, ge=4, le=4096, description="side of the square crops (the items)")
    crops_per_image: int = Field(32, ge=1, le=100000, description="crops taken from each photo")
    split_by: Literal["region", "photo"] = Field(
        "region", description="region: bands across each photo's longer side (train, val, test); "
        "photo: whole photos per split"
    )
    val_fraction: float = Field(0.2, ge=0, le=0.5, description="share of each photo (region) or of the photos (photo) for val")
    test_fraction: float = Field(0.2, ge=0, le=0.5, description="share of each photo (region) or of the photos (photo) for test")
    seed: int = Field(0, description="seed of the crop positions and of the photo split")
    flips: bool = Field(
        False, description="train crops: each one flipped and/or turned by quarter turns, one "
        "of 8 ways chosen per crop and epoch (more training data from few photos); val/test as is"
    )
    scales: tuple[float, ...] = Field(
        (1.0,), min_length=1, description="train crops: the photo's shorter side is size times "
        "one of these factors, drawn per crop and epoch (scale augmentation); val/test at size"
    )

    @model_validator(mode="after")
    def _crop_fits(self):
        if self.size is not None and self.crop_size > self.size:
            raise ValueError(f"crop_size {self.crop_size} exceeds size {self.size}")
        if self.val_fraction + self.test_fraction >= 1:
            raise ValueError("val_fraction + test_fraction must be < 1 (train needs pixels)")
        if self.scales != (1.0,) and self.size is None:
            raise ValueError("scales need a size to scale (size: null keeps the photos as they are)")
        if any(not 0.1 <= s <= 8 for s in self.scales):
            raise ValueError(f"scales must lie in [0.1, 8], got {list(self.scales)}")
        if self.size is not None and round(min(self.scales) * self.size) < self.crop_size:
            raise ValueError(f"the smallest scale {min(self.scales)} makes photos smaller than crop_size")
        return self


class PhotosOrFolderParams(SamplePhotosParams):
    """Base for a plugin dataset whose `root` alone switches between the embedded photos and
    the user's folder of images (any size, grey or RGB, 8 or 16 bit), in `value_range`.

    ``root`` null: crops of the photos bundled in scikit-image, exactly as `sample-photos`.
    ``root`` a folder: one item per image, fitted to ``crop_size``² (``fit``); splits from
    ``train``/``val``/``test`` sub-folders when present, else from a hash of each file's
    name. ``photos``, ``crops_per_image``, ``split_by``, ``flips`` and ``scales`` apply to the
    embedded photos only.
    """

    crop_size: int = Field(64, ge=4, le=4096, description="side of the square items the model sees")
    val_fraction: float = Field(
        0.2, ge=0, le=0.5, description="bundled photos: share of each photo (region) or of the "
        "photos (photo); a folder without split sub-folders: share of its files"
    )
    test_fraction: float = Field(0.2, ge=0, le=0.5, description="as val_fraction, for test")
    root: Optional[str] = Field(
        None, description="folder of your images (searched recursively); null = the embedded photos"
    )
    fit: Literal["stretch", "crop"] = Field(
        "stretch", description="folder images: stretch = resize to crop_size x crop_size; crop "
        "= shorter side to size, then a crop_size crop (random for train, centred for val/test)"
    )

    def photo_params(self) -> dict[str, Any]:
        """The fields `sample-photos` takes, for the embedded case."""
        return {name: getattr(self, name) for name in SamplePhotosParams.model_fields}
