"""Uploaded files -> pixels and holes, with every refusal a :class:`BadInput` (status +
one-line message) that the page shows and the API returns as 4xx JSON.

Limits: 20 MB per file and 40 megapixels per image. The pixel count is read from the
file's header before anything is decoded, so a small file that would decode to a huge
image (a decompression bomb) is refused without allocating it.
"""
from __future__ import annotations

import io
import re
import tempfile
from pathlib import Path

import numpy as np

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000
# The whole request: an image and its mask at most, plus the form's own bytes.
MAX_REQUEST_BYTES = 2 * MAX_FILE_BYTES + 1024 * 1024


class BadInput(Exception):
    """A request the page can explain: ``status`` (4xx) and a one-line ``message``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def megabytes(count: int) -> str:
    return f"{count / (1024 * 1024):.1f} MB"


def too_large(size: int) -> BadInput:
    return BadInput(413, f"upload too large: {megabytes(size)} (the limit is "
                         f"{megabytes(MAX_FILE_BYTES)} per file)")


def _safe_name(name: str) -> str:
    """The upload's own file name (its extension tells DICOM from rasters), made safe."""
    base = Path(name or "upload").name
    return re.sub(r"[^A-Za-z0-9._-]", "_", base)[-100:] or "upload"


def _check_header(data: bytes, name: str) -> None:
    """Refuse what is not an image, or an image over :data:`MAX_PIXELS`, from the header."""
    from PIL import Image

    from ..datasets import io as dataset_io

    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except Image.DecompressionBombError:
        raise BadInput(413, f"{name}: the image is too large (over {MAX_PIXELS / 1e6:.0f} "
                            "megapixels)") from None
    except Exception:  # noqa: BLE001 - Pillow does not know it: DICOM, or not an image
        if name.lower().endswith(dataset_io.DICOM_EXTENSIONS):
            return  # checked after reading (pydicom reads its header and pixels together)
        raise BadInput(415, f"{name}: not an image (PNG, JPEG, TIFF, BMP or DICOM)") from None
    if width * height > MAX_PIXELS:
        raise BadInput(413, f"{name}: {width}x{height} is {width * height / 1e6:.1f} "
                            f"megapixels (the limit is {MAX_PIXELS / 1e6:.0f})")


def read_upload(data: bytes, name: str) -> np.ndarray:
    """An uploaded image's pixels as ``corefill inpaint`` reads files: (H, W, C) uint8 or
    uint16, RGB(A), in its own depth."""
    from ..engine.inference.images import read_pixels
    from ..errors import CorefillError

    name = _safe_name(name)
    if not data:
        raise BadInput(400, f"{name}: the file is empty")
    if len(data) > MAX_FILE_BYTES:
        raise too_large(len(data))
    _check_header(data, name)
    with tempfile.TemporaryDirectory(prefix="corefill-serve-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            pixels = read_pixels(path)
        except CorefillError as exc:  # the reader's one line, naming the upload, not the temp file
            raise BadInput(415, str(exc).replace(f"{folder}/", "")) from None
        except Exception:  # noqa: BLE001 - decoders raise anything on hostile input
            raise BadInput(415, f"{name}: not a readable image") from None
    if pixels.shape[0] * pixels.shape[1] > MAX_PIXELS:
        raise BadInput(413, f"{name}: the image is too large (over {MAX_PIXELS / 1e6:.0f} "
                            "megapixels)")
    return pixels


def read_hole(data: bytes, name: str, height: int, width: int) -> np.ndarray:
    """Bool (height, width): True where the mask is painted (white, or any colour channel
    over half); a mask of another size is resized with nearest neighbour."""
    from ..engine.inference import images

    pixels = read_upload(data, name or "mask.png")
    unit = images.to_unit(pixels)
    painted = unit.max(axis=2) > 0.5
    if painted.shape != (height, width):
        painted = images.resize(painted.astype(np.uint8)[:, :, None], height, width,
                                nearest=True)[:, :, 0] > 0
    if not painted.any():
        raise BadInput(422, "the mask is empty: paint the hole to fill first")
    return painted
