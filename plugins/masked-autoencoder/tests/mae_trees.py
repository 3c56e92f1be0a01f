"""A user's folder of images as found in the wild, from real photo pixels (scikit-image's
bundled files): odd sizes, grey and RGB, PNG and JPEG, 16-bit, plus three unreadable files."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from corefill.datasets.photos import photo_path

# name -> (photo, (width, height), kind); kinds: rgb, grey, grey16, jpg
IMAGES = {
    "astronaut": ("astronaut", (173, 141), "rgb"),
    "camera": ("camera", (129, 97), "grey"),
    "coins16": ("coins", (151, 113), "grey16"),
    "chelsea": ("chelsea", (150, 100), "jpg"),
    "coffee": ("coffee", (211, 140), "rgb"),
    "moon": ("moon", (97, 131), "grey"),
    "brick": ("brick", (140, 140), "grey"),
    "rocket": ("rocket", (167, 111), "jpg"),
    "motorcycle": ("motorcycle", (181, 149), "rgb"),
    "grass": ("grass", (133, 101), "grey"),
    "retina": ("retina", (123, 123), "jpg"),
    "hubble": ("hubble_deep_field", (191, 163), "rgb"),
}
UNREADABLE = 3  # a truncated PNG, a zero-byte JPEG, a text file named .png


def photo(name: str, size: tuple[int, int], kind: str) -> np.ndarray:
    """The bundled photo resized to ``size`` (w, h), as OpenCV writes it."""
    flag = cv2.IMREAD_GRAYSCALE if kind.startswith("grey") else cv2.IMREAD_COLOR
    pixels = cv2.resize(cv2.imread(str(photo_path(name)), flag), size, interpolation=cv2.INTER_AREA)
    if kind == "grey16":
        # Real 16-bit content: the 8-bit values spread over 0..65535 plus fine detail below 8 bits.
        return pixels.astype(np.uint16) * 257 + np.arange(pixels.size, dtype=np.uint16).reshape(pixels.shape) % 97
    return pixels


def write_image(path: Path, pixels: np.ndarray) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    assert cv2.imwrite(str(path), pixels), path
    return path


def write_unreadable(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    good = cv2.imencode(".png", photo("camera", (64, 64), "grey"))[1].tobytes()
    (folder / "truncated.png").write_bytes(good[: len(good) // 3])
    (folder / "empty.jpg").write_bytes(b"")
    (folder / "notes.png").write_text("not an image, despite its name\n")


def write_flat_tree(root: Path) -> Path:
    """Every image in one folder (plus a nested one): splits come from a name hash."""
    for stem, (name, size, kind) in IMAGES.items():
        extension = ".jpg" if kind == "jpg" else ".png"
        sub = "more/" if stem in ("grass", "retina") else ""
        write_image(root / f"{sub}{stem}{extension}", photo(name, size, kind))
    write_unreadable(root)
    return root
