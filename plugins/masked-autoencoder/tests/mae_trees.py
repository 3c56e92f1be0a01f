"""A user's folder of images as found in the wild, from real photo pixels (scikit-image's
bundled files): odd sizes, grey and RGB, PNG and JPEG, 16-bit, plus three unreadable files."""
from __future__ import annotations

from pathlib import Path

from corefill.testing.files import photo, write_image, write_unreadable

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


def write_flat_tree(root: Path) -> Path:
    """Every image in one folder (plus a nested one): splits come from a name hash."""
    for stem, (name, size, kind) in IMAGES.items():
        extension = ".jpg" if kind == "jpg" else ".png"
        sub = "more/" if stem in ("grass", "retina") else ""
        write_image(root / f"{sub}{stem}{extension}", photo(name, size, kind))
    write_unreadable(root)
    return root
