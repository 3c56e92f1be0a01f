"""Real files for dataset tests: photo pixels at odd sizes, broken files, skip counts.

Fixtures should look like what users have: real pixels (the photos bundled in
scikit-image), odd sizes, grey/RGB/16-bit, JPEG beside PNG, and files that cannot be read.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import numpy as np

KINDS = ("rgb", "grey", "grey16", "jpg")


def photo(name: str, size: tuple[int, int], kind: str = "rgb") -> np.ndarray:
    """A bundled photo (``corefill.datasets.photos`` names) resized to ``size`` (w, h), as
    OpenCV writes it: BGR uint8 for rgb/jpg, uint8 for grey, uint16 for grey16."""
    import cv2

    from ..datasets.photos import photo_path

    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    flag = cv2.IMREAD_GRAYSCALE if kind.startswith("grey") else cv2.IMREAD_COLOR
    pixels = cv2.resize(cv2.imread(str(photo_path(name)), flag), size, interpolation=cv2.INTER_AREA)
    if kind == "grey16":
        # Real 16-bit content: the 8-bit values spread over 0..65535 plus detail below 8 bits.
        fine = np.arange(pixels.size, dtype=np.uint16).reshape(pixels.shape) % 97
        return pixels.astype(np.uint16) * 257 + fine
    return pixels


def write_image(path: Path, pixels: np.ndarray) -> Path:
    """``pixels`` written with OpenCV (format from the suffix); folders are created."""
    import cv2

    path.parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(str(path), pixels):
        raise OSError(f"{path}: OpenCV could not write it")
    return path


def write_unreadable(folder: Path) -> int:
    """A truncated PNG, a zero-byte JPEG and a text file named .png; returns how many."""
    import cv2

    folder.mkdir(parents=True, exist_ok=True)
    good = cv2.imencode(".png", photo("camera", (64, 64), "grey"))[1].tobytes()
    (folder / "truncated.png").write_bytes(good[: len(good) // 3])
    (folder / "empty.jpg").write_bytes(b"")
    (folder / "notes.png").write_text("not an image, despite its name\n")
    return 3


def skipped_count(records: Iterable) -> int:
    """Files skipped, summed over the ``UnreadableFilesWarning``s in ``records`` (from
    ``pytest.warns`` or ``warnings.catch_warnings(record=True)``)."""
    from ..datasets.base import UnreadableFilesWarning

    messages = [str(w.message) for w in records if issubclass(w.category, UnreadableFilesWarning)]
    return sum(int(m.split("skipped ")[1].split(" ")[0]) for m in messages)
