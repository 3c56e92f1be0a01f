"""Params of the built-in datasets (pydantic, no torch: `corefill validate` stays torch-free).

Roots are typed as existing paths, so a recipe naming a missing folder fails validation
with the field's name before any tensor exists.
"""
from __future__ import annotations

from typing import Any, ClassVar, Literal, Optional, Union

from pydantic import (DirectoryPath, Field, FilePath, ValidationInfo, field_validator,
                      model_validator)

from corefill.params import Params
from corefill.recipe import ComponentRef

Size = Union[int, tuple[int, int]]


def _positive_size(value: Any) -> Any:
    sizes = [value] if isinstance(value, int) else list(value or [])
    if any(s < 1 for s in sizes):
        raise ValueError("sizes must be >= 1")
    return value


class _Output(Params):
    value_range: tuple[float, float] = Field(
        (-1.0, 1.0), description="[lo, hi] the images are mapped to, e.g. [-1, 1] or [0, 1]"
    )

    @field_validator("value_range")
    @classmethod
    def _ordered(cls, value: tuple[float, float]) -> tuple[float, float]:
        if not value[0] < value[1]:
            raise ValueError("value_range must be [lo, hi] with lo < hi")
        return value


class _Split(Params):
    val_fraction: float = Field(
        0.1, ge=0, le=1, description="share of files for val when the root has no split folders"
    )
    test_fraction: float = Field(
        0.1, ge=0, le=1, description="share of files for test when the root has no split folders"
    )

    @model_validator(mode="after")
    def _fractions(self):
        if self.val_fraction + self.test_fraction > 1:
            raise ValueError("val_fraction + test_fraction must be <= 1")
        return self


class _Cache(Params):
    cache: bool = Field(True, description="keep decoded, resized images in memory")
    cache_mb: float = Field(2048.0, ge=0, description="memory budget of the cache in MiB")


class _Geometry(Params):
    size: Optional[Size] = Field(
        None, description="resize: int = shorter side (aspect kept), [h, w] = exact; none = as is"
    )
    crop: Optional[Size] = Field(
        None, description="crop after resizing, int or [h, w]; default: size when size is an int"
    )
    crop_mode: Literal["center", "random"] = Field(
        "random", description="train crops (val/test are always centred)"
    )

    @field_validator("size", "crop")
    @classmethod
    def _positive(cls, value: Any) -> Any:
        return _positive_size(value)


class ImageFolderParams(_Output, _Split, _Cache, _Geometry):
    """Images under a folder (recursive; PNG/JPEG/TIFF/BMP), produced in `value_range` (default [-1, 1]).

    Split sub-folders (train, val|validate|valid, test) are used when present; otherwise
    each file's split comes from a hash of its relative path (stable when files are added).
    """

    root: DirectoryPath = Field(description="folder of images (searched recursively)")
    channels: Literal[1, 3] = Field(3, description="1 = grey, 3 = RGB")
    scale: Literal["dtype", "minmax"] = Field(
        "dtype", description="dtype: divide by 255/65535; minmax: stretch each image to its range"
    )


class PairedFolderParams(_Output, _Split, _Cache, _Geometry):
    """Aligned pairs (pix2pix style): `input` from input_root, `image` from target_root, both in `value_range`.

    Files are matched by relative path without extension; any unmatched file is an error.
    """

    input_root: DirectoryPath = Field(description="folder of conditioning images")
    target_root: DirectoryPath = Field(description="folder of target images (same relative names)")
    channels: Literal[1, 3] = Field(3, description="channels of the target image")
    input_channels: Literal[1, 3] = Field(3, description="channels of the input image")
    scale: Literal["dtype", "minmax"] = Field("dtype", description="see image-folder")


class DicomFolderParams(_Output, _Split, _Cache, _Geometry):
    """DICOM images under a folder, bright = dense (MONOCHROME1 inverted), produced in `value_range`.

    Pixel values stay float32 from the raw array (10-16 bit kept) through rescale and windowing.
    """

    requires: ClassVar[dict[str, str]] = {"pydicom": "corefill[dicom]"}

    root: DirectoryPath = Field(description="folder of DICOM files (searched recursively)")
    window: Literal["dicom", "minmax", "none"] = Field(
        "dicom",
        description="dicom: WindowCenter/Width (min-max if absent); minmax: per image; "
        "none: the full stored-bit range",
    )
    channels: Literal[1, 3] = Field(1, description="1 = grey; 3 repeats the grey channel")
    extensions: tuple[str, ...] = Field(
        (".dcm", ".dicom"), description="file name endings to read; '' reads every file"
    )


class NiftiSlicesParams(_Output, _Split, _Cache):
    """2-D slices of NIfTI volumes, normalised per volume to `value_range`; optional label volume as `input`.

    Splits are by slice position (contiguous blocks or hashed interleaved blocks) or by volume,
    so two splits never share a slice.
    """

    requires: ClassVar[dict[str, str]] = {"nibabel": "corefill[nifti]"}

    path: Union[FilePath, DirectoryPath] = Field(description="a .nii/.nii.gz file or a folder of them")
    label_path: Optional[Union[FilePath, DirectoryPath]] = Field(
        None, description="label volume (or folder with the same file names) given as `input`"
    )
    label_encoding: Literal["scaled", "onehot"] = Field(
        "scaled", description="scaled: label / max label in one channel; onehot: one channel per class"
    )
    num_classes: Optional[int] = Field(
        None, ge=2, description="classes for onehot/scaled (default: max label + 1)"
    )
    axis: Literal[0, 1, 2] = Field(2, description="volume axis the slices are taken across")
    slice_range: Optional[tuple[int, int]] = Field(
        None, description="[start, stop) slice indices to use (default: all)"
    )
    skip_empty: bool = Field(True, description="drop slices with little foreground")
    min_foreground: float = Field(
        0.05, ge=0, le=1, description="foreground share (normalised value > 0.05) a kept slice needs"
    )
    clip_percentile: float = Field(
        99.5, gt=0, le=100, description="volume percentile mapped to the top of the range"
    )
    size: Optional[tuple[int, int]] = Field(None, description="resize slices to [h, w]")
    channels: Literal[1, 3] = Field(1, description="1 = grey; 3 repeats the grey channel")
    split_by: Literal["slice", "volume"] = Field(
        "slice", description="slice: split each volume's slices; volume: split files by name hash"
    )
    split_mode: Literal["blocks", "interleaved"] = Field(
        "blocks",
        description="blocks: train|val|test as contiguous ranges; interleaved: runs of "
        "block_size slices assigned by hash",
    )
    block_size: int = Field(8, ge=1, description="slices per run in interleaved mode")
    split_gap: int = Field(2, ge=0, description="slices dropped between blocks (limits leakage)")


class RandomCropsParams(Params):
    """`crops_per_image` crops of `crop_size` from each item of another dataset, in that dataset's range.

    Train crops are random but reproducible per (seed, index, epoch); val/test crops are fixed.
    `split_by: region` uses every image of the wrapped dataset and gives each split its own
    band of rows (for training on a few large images).
    """

    dataset: ComponentRef = Field(description="the wrapped dataset: {name, params}")
    crop_size: Size = Field(256, description="crop size, int or [h, w]")
    crops_per_image: int = Field(16, ge=1, description="crops taken from each source image")
    seed: int = Field(0, description="seed of the crop positions")
    split_by: Literal["inner", "region"] = Field(
        "inner",
        description="inner: the wrapped dataset's own split; region: all its images, split into "
        "bands of rows (train top, then val, then test)",
    )
    val_fraction: float = Field(0.1, ge=0, le=1, description="region mode: share of rows for val")
    test_fraction: float = Field(0.1, ge=0, le=1, description="region mode: share of rows for test")

    @field_validator("crop_size")
    @classmethod
    def _positive(cls, value: Any) -> Any:
        return _positive_size(value)

    @model_validator(mode="after")
    def _fractions(self):
        if self.val_fraction + self.test_fraction >= 1:
            raise ValueError("val_fraction + test_fraction must be < 1 (train needs rows)")
        return self

    @field_validator("dataset")
    @classmethod
    def _resolve_inner(cls, ref: ComponentRef, info: ValidationInfo) -> ComponentRef:
        """Validate the wrapped dataset's params now (missing paths fail at validation), in
        the registries the recipe is validated with (validation context ``registries``)."""
        from pydantic import ValidationError

        from corefill.errors import RegistryError
        from corefill.plugins import resolve_registries

        given = (info.context or {}).get("registries")
        try:
            spec = resolve_registries(given).get("dataset", ref.name)
        except RegistryError as exc:
            raise ValueError(f"name: {exc}") from None
        try:
            params = spec.params_class().model_validate(ref.params, context=info.context)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ValueError(f"params.{where}: {first['msg']}") from None
        return ComponentRef(name=ref.name, params=params.model_dump(mode="json"))


PhotoName = Literal[
    "astronaut", "brick", "camera", "chelsea", "coffee", "coins", "grass", "gravel",
    "hubble_deep_field", "immunohistochemistry", "moon", "motorcycle", "retina", "rocket",
    "china", "flower",
]


class SamplePhotosParams(_Output):
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
