"""The embedded default data: axial slices of the MNI152 2009a template in the nilearn wheel.

Only the files the wheel ships are read (with nibabel; no nilearn fetcher, no download).
The template has grey- and white-matter probability maps but no CSF map, so CSF is the
probability left over inside the brain envelope (where the skull-stripped T1 is non-zero);
the label map is argmax(background, CSF, grey matter, white matter), as in OASIS.
"""
from __future__ import annotations

import functools

import numpy as np

from corefill.data import TEMPLATE_KEYS, template_dir, template_file
from corefill.plugin import DataError

from .slices import LabelledSlices, evenly_spaced, pad_to_square

CANVAS = 256  # OASIS slices are 256 x 256; the template's 197 x 233 plane is centred on it
MIN_BRAIN_PIXELS = 1500  # skip the near-empty top and bottom slices
ENVELOPE_LEVEL = 0.02  # T1 (0..1) above this counts as inside the brain envelope
# Split by axial slice index z: z % 10 == 3 -> val, z % 10 == 7 -> test, others train.
SPLIT_OF_REMAINDER = {3: "val", 7: "test"}


@functools.lru_cache(maxsize=1)
def load_template() -> dict[str, np.ndarray]:
    """T1, grey and white matter as float32 volumes in [0, 1], axes (x, y, z)."""
    import nibabel

    volumes = {}
    for key in TEMPLATE_KEYS:
        volumes[key] = np.asarray(nibabel.load(template_file(key)).dataobj, dtype=np.float32) / 255.0
    return volumes


def slice_labels(t1: np.ndarray, gm: np.ndarray, wm: np.ndarray) -> np.ndarray:
    """Class ids 0..3 of one slice from the template's probability maps."""
    envelope = (t1 > ENVELOPE_LEVEL).astype(np.float32)
    csf = envelope * np.clip(1.0 - gm - wm, 0.0, 1.0)
    return np.argmax(np.stack([1.0 - envelope, csf, gm, wm]), axis=0).astype(np.uint8)


def split_indices(split: str) -> list[int]:
    """Axial indices z of ``split`` (disjoint across splits; only slices with brain)."""
    t1 = load_template()["t1"]
    brain = (t1 > ENVELOPE_LEVEL).sum(axis=(0, 1))
    return [
        z
        for z in range(t1.shape[2])
        if brain[z] >= MIN_BRAIN_PIXELS and SPLIT_OF_REMAINDER.get(z % 10, "train") == split
    ]


def _axial(volume: np.ndarray, z: int) -> np.ndarray:
    # (x, y) -> rows = y with anterior up, columns = x; centred on the OASIS canvas.
    return pad_to_square(np.ascontiguousarray(volume[:, :, z].T[::-1]), CANVAS)


class Mni152Slices(LabelledSlices):
    """MNI152 template slices of one split, prepared once in memory (~100 KB each)."""

    def __init__(self, *, split: str, size: int, input_encoding: str, limit=None) -> None:
        indices = split_indices(split)
        indices = [indices[i] for i in evenly_spaced(len(indices), limit)]
        if not indices:
            raise DataError(f"{template_dir()}: MNI152 split {split!r} has no slices")
        volumes = load_template()
        self.slices = []
        for z in indices:
            t1, gm, wm = (_axial(volumes[k], z) for k in ("t1", "gm", "wm"))
            image = np.rint(t1 * 255.0).astype(np.uint8)
            self.slices.append((image, slice_labels(t1, gm, wm)))
        names = [f"mni152_z{z:03d}" for z in indices]
        super().__init__(names=names, size=size, input_encoding=input_encoding)

    def _load(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        return self.slices[index]
