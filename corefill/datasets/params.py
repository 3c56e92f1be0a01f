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

from .output_params import OutputParams as _Output
# The photo datasets' Params live in photos_params.py; older plugins import them from here.
from .photos_params import PhotoName, PhotosOrFolderParams, SamplePhotosParams  # noqa: F401

Size = Union[int, tuple[int, int]]


def _positive_size(value: Any) -> Any:
    sizes = [value] if isinstance(value, int) else list(value or [])
    if any(s < 1 for s in sizes):
        raise ValueError("sizes must be >= 1")
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

