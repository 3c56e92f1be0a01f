"""File readers and file listing shared by the built-in datasets (and plugins).

Plain functions on numpy arrays; no torch; pydicom and nibabel are imported inside their
readers. Plugins (knee radiographs, pix2pix pairs …) may import them directly:

- ``read_image(path, channels, *, scale="dtype") -> float32 (H, W, channels) in [0, 1]``
  PNG/JPEG/TIFF/BMP via OpenCV (``IMREAD_UNCHANGED``): 16-bit files keep all 16 bits
  (divided by 65535 in float32), alpha is dropped, colour -> grey by luminance.
  ``scale="minmax"`` stretches each image to [0, 1] instead (e.g. 12-bit data in 16-bit PNGs).
- ``read_dicom(path, *, window="dicom") -> float32 (H, W) in [0, 1], bright = dense``
  RescaleSlope/Intercept applied, then windowing (``dicom``: WindowCenter/Width, falling back
  to min-max; ``minmax``; ``none``: the full stored-bit range), then MONOCHROME1 inverted.
- ``read_dicom_values(path) -> (float32 (H, W) modality values, pydicom Dataset)``
  the raw pixel array after rescale only (no window, no inversion).
- ``read_nifti(path) -> float32 volume`` (first volume of 4-D data), scaling applied.
- ``normalize_volume(volume, *, clip_percentile=99.5) -> float32 in [0, 1]``.
- ``to_value_range(array, lo, hi)`` maps an array in [0, 1] to [lo, hi] (clipping first).
- ``list_images(root)`` / ``list_files(root, extensions)`` -> sorted recursive ``list[Path]``.
- ``split_by_name(paths, split, val_fraction, test_fraction, *, root=None)`` deterministic
  split from a hash of each relative path (without extension): a file's split never changes
  when others are added.
- ``relative_stem(path, base) -> str`` the path relative to ``base`` without extension.
- ``find_split_folders(root) -> dict[str, Path]`` the ``train``/``val``/``test`` sub-folders
  (``validate``/``valid``/``validation`` count as ``val``), empty when there are none.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from corefill.errors import DataError, first_line

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp")
DICOM_EXTENSIONS = (".dcm", ".dicom")
NIFTI_EXTENSIONS = (".nii", ".nii.gz")
SPLITS = ("train", "val", "test")
SPLIT_FOLDER_NAMES = {"train": ("train", "training"), "test": ("test", "testing"),
                      "val": ("val", "validate", "valid", "validation")}


class UnreadableFileError(DataError):
    """A file could not be decoded (corrupt, truncated, or not an image)."""


# ---------------------------------------------------------------- listing and splits
def list_files(root: str | Path, extensions: Sequence[str]) -> list[Path]:
    """Every file under ``root`` (recursive, hidden entries skipped) with one of ``extensions``."""
    root = Path(root)
    endings = tuple(e.lower() for e in extensions)
    found = []
    for folder, subfolders, names in os.walk(root, followlinks=True):
        subfolders[:] = [d for d in subfolders if not d.startswith(".")]  # no .git, .cache …
        found += [Path(folder, n) for n in names if not n.startswith(".") and n.lower().endswith(endings)]
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def list_images(root: str | Path) -> list[Path]:
    """PNG/JPEG/TIFF/BMP files under ``root``, sorted by relative path."""
    return list_files(root, IMAGE_EXTENSIONS)


def find_split_folders(root: str | Path) -> dict[str, Path]:
    """Split sub-folders of ``root`` by canonical split name; ``{}`` if it has none."""
    root = Path(root)
    children = {p.name.lower(): p for p in root.iterdir() if p.is_dir()} if root.is_dir() else {}
    matches = {s: next((children[n] for n in names if n in children), None)
               for s, names in SPLIT_FOLDER_NAMES.items()}
    return {split: folder for split, folder in matches.items() if folder is not None}


def split_key(name: str) -> float:
    """A uniform number in [0, 1) that depends only on ``name``."""
    digest = hashlib.sha1(name.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64


def split_of(name: str, val_fraction: float, test_fraction: float) -> str:
    """The split ``name`` falls into: test below ``test_fraction``, then val, then train."""
    if val_fraction < 0 or test_fraction < 0 or val_fraction + test_fraction > 1:
        raise ValueError("val_fraction and test_fraction must be >= 0 and sum to <= 1")
    key = split_key(name)
    if key < test_fraction:
        return "test"
    if key < test_fraction + val_fraction:
        return "val"
    return "train"


def split_by_name(
    paths: Sequence[Path],
    split: str,
    val_fraction: float = 0.1,
    test_fraction: float = 0.1,
    *,
    root: str | Path | None = None,
) -> list[Path]:
    """The members of ``paths`` in ``split``, decided by a hash of each path relative to ``root``."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")

    return [p for p in paths if split_of(relative_stem(p, root), val_fraction, test_fraction) == split]


def relative_stem(path: str | Path, base: str | Path | None) -> str:
    """``path`` relative to ``base`` (posix) without its extension (``.nii.gz`` counts as one).

    Used as the stable item name and as the split key, so ``a/x.png`` and ``a/x.jpg`` (a
    pix2pix pair) land in the same split.
    """
    relative = (Path(path).relative_to(base) if base is not None else Path(path)).as_posix()
    name = relative.rsplit("/", 1)[-1]
    if name.lower().endswith(".nii.gz"):
        return relative[: -len(".nii.gz")]
    return relative.rsplit(".", 1)[0] if "." in name.lstrip(".") else relative


# ---------------------------------------------------------------- raster images
def decode_raster(path: Path) -> np.ndarray:
    """A raster file as OpenCV decodes it: (H, W) or (H, W, C) BGR(A), its own dtype."""
    import cv2

    # np.fromfile + imdecode works for any path (cv2.imread fails on non-ASCII on Windows).
    try:
        data = np.fromfile(str(path), dtype=np.uint8)
    except OSError as exc:
        raise UnreadableFileError(f"{path}: cannot read file: {exc.strerror or exc}") from None
    array = cv2.imdecode(data, cv2.IMREAD_UNCHANGED) if data.size else None
    if array is None:
        raise UnreadableFileError(f"{path}: not a readable image (corrupt or truncated)")
    return array


def _to_channels(array: np.ndarray, channels: int) -> np.ndarray:
    """OpenCV's BGR(A)/grey array -> (H, W, channels), RGB order; keeps the dtype."""
    import cv2

    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim == 3 and array.shape[2] == 4:
        array = array[:, :, :3]  # drop alpha
    if array.ndim == 2:
        return array[:, :, None] if channels == 1 else np.repeat(array[:, :, None], 3, axis=2)
    if channels == 1:
        return cv2.cvtColor(array, cv2.COLOR_BGR2GRAY)[:, :, None]
    return array[:, :, ::-1]


def _scale_to_unit(array: np.ndarray, scale: str) -> np.ndarray:
    values = array.astype(np.float32)
    if scale == "minmax":
        lo, hi = float(values.min()), float(values.max())
        return (values - lo) / (hi - lo) if hi > lo else np.zeros_like(values)
    if np.issubdtype(array.dtype, np.integer):
        return values / float(np.iinfo(array.dtype).max)
    return np.clip(values, 0.0, 1.0)  # float TIFFs are taken to be in [0, 1] already


def read_image(path: str | Path, channels: int = 3, *, scale: str = "dtype") -> np.ndarray:
    """Decode a PNG/JPEG/TIFF/BMP into float32 ``(H, W, channels)`` in [0, 1].

    ``scale="dtype"`` divides by the integer type's maximum (255 or 65535), so 16-bit data
    keeps its precision; ``scale="minmax"`` stretches each image's own range to [0, 1].
    """
    if channels not in (1, 3):
        raise ValueError(f"channels must be 1 or 3, got {channels}")
    if scale not in ("dtype", "minmax"):
        raise ValueError(f"scale must be 'dtype' or 'minmax', got {scale!r}")
    array = _to_channels(decode_raster(Path(path)), channels)
    return np.ascontiguousarray(_scale_to_unit(array, scale))


def probe_image(path: str | Path) -> None:
    """Cheap integrity check without decoding pixels; raises UnreadableFileError."""
    from PIL import Image

    try:
        with Image.open(path) as image:
            image.verify()
    except Exception as exc:  # PIL raises many types for bad files
        raise UnreadableFileError(f"{path}: not a readable image ({first_line(exc)})") from None


def to_value_range(array: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Map ``array`` in [0, 1] to [lo, hi] (values outside [0, 1] are clipped first)."""
    unit = np.clip(array, 0.0, 1.0).astype(np.float32, copy=False)
    return (unit * np.float32(hi - lo) + np.float32(lo)).astype(np.float32, copy=False)


# ---------------------------------------------------------------- DICOM
def _first(value: Any) -> float:
    """DICOM multi-valued attributes (several windows): take the first."""
    return float(value[0]) if hasattr(value, "__getitem__") else float(value)


def read_dicom_values(path: str | Path) -> tuple[np.ndarray, Any]:
    """Pixel data as float32 modality values (RescaleSlope/Intercept applied) and the dataset."""
    import pydicom

    try:
        ds = pydicom.dcmread(str(path))
        pixels = ds.pixel_array
    except Exception as exc:  # pydicom raises many types for bad files
        raise UnreadableFileError(f"{path}: not a readable DICOM image ({first_line(exc)})") from None
    samples = int(getattr(ds, "SamplesPerPixel", 1))
    if samples == 1 and pixels.ndim == 3:
        pixels = pixels[0]  # multi-frame: the first frame
    elif samples == 3:
        pixels = (pixels[0] if pixels.ndim == 4 else pixels).mean(axis=-1)
    values = pixels.astype(np.float32)
    slope = float(getattr(ds, "RescaleSlope", 1.0) or 1.0)
    intercept = float(getattr(ds, "RescaleIntercept", 0.0) or 0.0)
    if slope != 1.0 or intercept != 0.0:
        values = values * np.float32(slope) + np.float32(intercept)
    return values, ds


def _stored_range(ds: Any) -> tuple[float, float]:
    bits = int(getattr(ds, "BitsStored", 16))
    signed = int(getattr(ds, "PixelRepresentation", 0)) == 1
    lo, hi = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if signed else (0, 2**bits - 1)
    slope = float(getattr(ds, "RescaleSlope", 1.0) or 1.0)
    intercept = float(getattr(ds, "RescaleIntercept", 0.0) or 0.0)
    ends = sorted((lo * slope + intercept, hi * slope + intercept))
    return ends[0], ends[1]


def _window_bounds(values: np.ndarray, ds: Any, window: str) -> tuple[float, float]:
    if window == "dicom" and "WindowCenter" in ds and "WindowWidth" in ds:
        center, width = _first(ds.WindowCenter), max(_first(ds.WindowWidth), 1.0)
        # DICOM linear VOI: the window spans center - 0.5 ± (width - 1) / 2.
        return center - 0.5 - (width - 1) / 2, center - 0.5 + (width - 1) / 2
    if window == "none":
        return _stored_range(ds)
    return float(values.min()), float(values.max())


def read_dicom(path: str | Path, *, window: str = "dicom") -> np.ndarray:
    """A DICOM image as float32 ``(H, W)`` in [0, 1] with bright = dense (see module doc)."""
    if window not in ("dicom", "minmax", "none"):
        raise ValueError(f"window must be 'dicom', 'minmax' or 'none', got {window!r}")
    values, ds = read_dicom_values(path)
    lo, hi = _window_bounds(values, ds, window)
    unit = np.clip((values - np.float32(lo)) / np.float32(max(hi - lo, 1e-6)), 0.0, 1.0)
    if str(getattr(ds, "PhotometricInterpretation", "")).upper() == "MONOCHROME1":
        unit = 1.0 - unit  # MONOCHROME1 stores dense tissue as low values
    return unit.astype(np.float32, copy=False)


def probe_dicom(path: str | Path) -> None:
    """Header and pixel-data length check without decoding; raises UnreadableFileError."""
    import pydicom

    try:
        ds = pydicom.dcmread(str(path), defer_size="1 KB")
        if "PixelData" not in ds:
            raise ValueError("no pixel data")
    except Exception as exc:
        raise UnreadableFileError(f"{path}: not a readable DICOM image ({first_line(exc)})") from None


# ---------------------------------------------------------------- NIfTI
def read_nifti(path: str | Path) -> np.ndarray:
    """A NIfTI volume as float32 (scl_slope/inter applied); 4-D data gives its first volume."""
    import nibabel

    try:
        volume = np.asarray(nibabel.load(str(path)).get_fdata(dtype=np.float32))
    except Exception as exc:
        raise UnreadableFileError(f"{path}: not a readable NIfTI volume ({first_line(exc)})") from None
    while volume.ndim > 3:
        volume = volume[..., 0]
    if volume.ndim != 3:
        raise UnreadableFileError(f"{path}: expected a 3-D volume, got shape {volume.shape}")
    return volume


def normalize_volume(volume: np.ndarray, *, clip_percentile: float = 99.5) -> np.ndarray:
    """Map [min, percentile] of the volume to [0, 1] (robust to a few very bright voxels)."""
    lo = float(volume.min())
    # A strided sample estimates the percentile well and keeps big volumes fast.
    flat = volume.ravel(order="K")
    sample = flat[:: max(1, flat.size // 1_000_000)]
    hi = float(np.percentile(sample, clip_percentile)) if clip_percentile < 100 else float(volume.max())
    if hi <= lo:
        return np.zeros_like(volume, dtype=np.float32)
    out = (volume.astype(np.float32) - np.float32(lo)) * np.float32(1.0 / (hi - lo))
    np.minimum(out, 1.0, out=out)
    np.maximum(out, 0.0, out=out)
    return out
