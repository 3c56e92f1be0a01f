"""Reading a user's images as they are and writing results at their own size and depth.

Pixels stay in their own integer type (uint8 or uint16) and channel count from reading to
writing, so the known pixels of a result are exactly the original's. Other pixel types
(float or 32-bit TIFFs) and DICOM images are first brought to uint16: those results are
16-bit PNGs. Arrays are (H, W, C) in RGB(A) order; C is 1 (grey), 2 (grey + alpha),
3 (RGB) or 4 (RGBA). Alpha is carried through untouched, never inpainted.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import numpy as np

from ...errors import DataError

_KEPT_TYPES = (np.uint8, np.uint16)


def read_pixels(path: Path) -> np.ndarray:
    """An image file's pixels, (H, W, C) uint8 or uint16, RGB(A) order."""
    from ...datasets import io

    if path.name.lower().endswith(io.DICOM_EXTENSIONS):
        unit = io.read_dicom(path)  # windowed to [0, 1], bright = dense
        return np.round(unit * 65535.0).astype(np.uint16)[:, :, None]
    array = io.decode_raster(path)
    if array.ndim == 2:
        array = array[:, :, None]
    if array.shape[2] >= 3:  # OpenCV's BGR(A) -> RGB(A)
        array = np.concatenate([array[:, :, 2::-1], array[:, :, 3:]], axis=2)
    return np.ascontiguousarray(_to_kept_type(array, path))


def _to_kept_type(array: np.ndarray, path: Path) -> np.ndarray:
    if array.dtype in _KEPT_TYPES:
        return array
    if np.issubdtype(array.dtype, np.floating):  # float TIFFs are taken to be in [0, 1]
        return np.round(np.clip(array, 0.0, 1.0) * 65535.0).astype(np.uint16)
    if np.issubdtype(array.dtype, np.integer):
        info = np.iinfo(array.dtype)
        unit = (array.astype(np.float64) - info.min) / float(info.max - info.min)
        return np.round(unit * 65535.0).astype(np.uint16)
    raise DataError(f"{path}: unsupported pixel type {array.dtype}")


def colour_channels(pixels: np.ndarray) -> int:
    """1 for grey (with or without alpha), 3 for RGB(A)."""
    return 3 if pixels.shape[2] >= 3 else 1


def to_unit(pixels: np.ndarray) -> np.ndarray:
    """The colour channels as float32 in [0, 1] (alpha dropped)."""
    colour = pixels[:, :, : colour_channels(pixels)]
    return colour.astype(np.float32) / np.float32(np.iinfo(pixels.dtype).max)


def convert_channels(unit: np.ndarray, channels: int) -> np.ndarray:
    """(H, W, 1|3) float -> (H, W, channels): grey is repeated, RGB goes to luminance."""
    import cv2

    if unit.shape[2] == channels:
        return unit
    if channels == 3:
        return np.repeat(unit, 3, axis=2)
    return cv2.cvtColor(np.ascontiguousarray(unit), cv2.COLOR_RGB2GRAY)[:, :, None]


def resize(array: np.ndarray, height: int, width: int, *, nearest: bool = False) -> np.ndarray:
    """(H, W, C) -> (height, width, C); area averaging when shrinking, bilinear otherwise."""
    import cv2

    if array.shape[:2] == (height, width):
        return array
    if nearest:
        interpolation = cv2.INTER_NEAREST
    elif array.shape[0] >= height and array.shape[1] >= width:
        interpolation = cv2.INTER_AREA
    else:
        interpolation = cv2.INTER_LINEAR
    resized = cv2.resize(np.ascontiguousarray(array), (width, height), interpolation=interpolation)
    return resized[:, :, None] if resized.ndim == 2 else resized


def fill_hole(pixels: np.ndarray, filled_unit: np.ndarray, hole: np.ndarray) -> np.ndarray:
    """``pixels`` with its colour channels replaced by ``filled_unit`` (float, [0, 1], same
    size and channels) where ``hole`` (bool (H, W)) is set; everything else is untouched."""
    top = np.iinfo(pixels.dtype).max
    colour = colour_channels(pixels)
    result = pixels.copy()
    filled = np.round(np.clip(filled_unit[hole], 0.0, 1.0) * top).astype(pixels.dtype)
    result[hole, :colour] = filled
    return result


def comparison(pixels: np.ndarray, hole: np.ndarray, result: np.ndarray) -> np.ndarray:
    """original | masked (hole mid-grey) | result, 8-bit, separated by white bars."""
    def eight_bit(image: np.ndarray) -> np.ndarray:
        unit = to_unit(image)
        return np.round(unit * 255.0).astype(np.uint8)

    original, done = eight_bit(pixels), eight_bit(result)
    masked = original.copy()
    masked[hole] = 128
    bar = np.full((original.shape[0], 2, original.shape[2]), 255, np.uint8)
    return np.concatenate([original, bar, masked, bar, done], axis=1)


def encode_png(pixels: np.ndarray) -> bytes:
    """Lossless PNG of (H, W, C) uint8/uint16 RGB(A) pixels, in their own depth."""
    import cv2

    if pixels.shape[2] >= 3:  # RGB(A) -> OpenCV's BGR(A)
        pixels = np.concatenate([pixels[:, :, 2::-1], pixels[:, :, 3:]], axis=2)
    elif pixels.shape[2] == 2:  # PNG has grey + alpha, OpenCV writes it as BGRA
        pixels = np.concatenate([np.repeat(pixels[:, :, :1], 3, axis=2), pixels[:, :, 1:]],
                                axis=2)
    ok, data = cv2.imencode(".png", np.ascontiguousarray(pixels))
    if not ok:
        raise DataError("could not encode a PNG")
    return data.tobytes()


def write_png(path: Path, pixels: np.ndarray) -> Path:
    """``pixels`` as a lossless PNG, written atomically (a crash never leaves half a file)."""
    from ..outputs import write_atomic

    write_atomic(path, encode_png(pixels))
    return path


def conversion_note(counts: dict[str, int], examples: dict[str, list[str]],
                    model_channels: int) -> Optional[str]:
    """One warning line for every channel conversion of a run, or None."""
    if not counts:
        return None
    model = "RGB" if model_channels == 3 else "grey"
    parts = []
    for kind, count in sorted(counts.items()):
        names = ", ".join(examples[kind][:3]) + (", ..." if count > 3 else "")
        parts.append(f"{count} {kind} image{'s' if count != 1 else ''} ({names})")
    return (f"converted {' and '.join(parts)} to {model} for the {model} model; results keep "
            "their own channels")
