"""The RGB GAN's data as its source ships it: a folder of photos of any size with a masks/
folder of binary PNGs under the same stems. Real pixels from scikit-image's bundled photos."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from corefill.testing.files import photo, write_image

# split -> stem -> (photo, (width, height), kind); kinds: rgb, grey, grey16, jpg
SPLITS = {
    "train": {
        "astronaut": ("astronaut", (173, 141), "rgb"),
        "coffee": ("coffee", (211, 140), "jpg"),
        "camera": ("camera", (129, 97), "grey"),
        "coins16": ("coins", (151, 113), "grey16"),
        "motorcycle": ("motorcycle", (181, 149), "rgb"),
        "rocket": ("rocket", (167, 111), "jpg"),  # its mask file is corrupt: skipped
    },
    "val": {"chelsea": ("chelsea", (150, 100), "rgb"), "hubble": ("hubble_deep_field", (191, 163), "jpg")},
    "test": {
        "retina": ("retina", (123, 123), "jpg"),
        "ihc": ("immunohistochemistry", (160, 120), "rgb"),
        "brick": ("brick", (140, 140), "grey"),
    },
}
STROKE_MASKS = ("astronaut", "coffee", "camera", "chelsea")  # drawn like the source's masks
BLOCK_MASKS = ("retina", "ihc", "brick")  # every test image: a 68% block (shapes draws <= 40%)
UNREADABLE = {"train": 3, "val": 0, "test": 0}  # truncated.png, empty.jpg, rocket's mask


def stroke_mask(size: tuple[int, int], seed: int) -> np.ndarray:
    """White lines, circles and an ellipse on black, 0/255, as OpenCV draws them."""
    width, height = size
    rng = np.random.default_rng(seed)
    mask = np.zeros((height, width), np.uint8)
    for _ in range(4):
        x1, x2 = rng.integers(0, width, 2)
        y1, y2 = rng.integers(0, height, 2)
        cv2.line(mask, (int(x1), int(y1)), (int(x2), int(y2)), 255, int(rng.integers(6, 12)))
    cv2.circle(mask, (width // 3, height // 2), max(4, min(size) // 8), 255, -1)
    cv2.ellipse(mask, (2 * width // 3, height // 3), (width // 8, height // 12), 30, 0, 360, 255, -1)
    return mask


def block_mask(size: tuple[int, int]) -> np.ndarray:
    """A hole over the top 80% x 85% of the image (68% of it)."""
    width, height = size
    mask = np.zeros((height, width), np.uint8)
    mask[: round(height * 0.8), : round(width * 0.85)] = 255
    return mask


def write_tree(root: Path, *, split_folders: bool = True) -> Path:
    """``root/{train,val,test}/*`` (or all flat) and ``root/masks/<stem>.png``."""
    for split, images in SPLITS.items():
        for stem, (name, size, kind) in images.items():
            folder = root / split if split_folders else root
            write_image(folder / f"{stem}{'.jpg' if kind == 'jpg' else '.png'}", photo(name, size, kind))
            if stem in STROKE_MASKS:
                # camera's mask is stored at twice the size: masks are resized with their image.
                scale = 2 if stem == "camera" else 1
                write_image(root / "masks" / f"{stem}.png",
                      stroke_mask((size[0] * scale, size[1] * scale), seed=len(stem)))
            elif stem in BLOCK_MASKS:
                write_image(root / "masks" / f"{stem}.png", block_mask(size))
    (root / "masks" / "rocket.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    train = root / "train" if split_folders else root
    good = cv2.imencode(".png", photo("camera", (64, 64), "grey"))[1].tobytes()
    (train / "truncated.png").write_bytes(good[: len(good) // 3])
    (train / "empty.jpg").write_bytes(b"")
    return root


def expected_hole(root: Path, stem: str, side: int) -> np.ndarray:
    """The mask file of ``stem`` as the model sees it: white = hole, nearest-resized to side²."""
    pixels = cv2.imread(str(root / "masks" / f"{stem}.png"), cv2.IMREAD_GRAYSCALE)
    return cv2.resize((pixels > 127).astype(np.uint8), (side, side), interpolation=cv2.INTER_NEAREST)
