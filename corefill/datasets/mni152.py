"""Where the MNI152 2009a template files of nilearn's wheel are: embedded brain MRI data.

Only the files the wheel ships are read (with nibabel, by the datasets that use them); no
nilearn fetcher runs and nothing is downloaded. ``key`` is ``t1`` (the skull-stripped T1
image), ``gm`` or ``wm`` (grey- and white-matter probability maps); each is 197 x 233 x 189
voxels of 1 mm, symmetric left to right.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

from corefill.errors import DataError

TEMPLATE_KEYS = ("t1", "gm", "wm")


def template_dir() -> Path:
    """nilearn's bundled data folder (nilearn is not imported)."""
    spec = importlib.util.find_spec("nilearn")
    if spec is None or spec.origin is None:
        raise DataError("nilearn is not installed: the embedded MNI152 data needs it "
                        "(pip install nilearn)")
    return Path(spec.origin).parent / "datasets" / "data"


def template_file(key: str) -> Path:
    """The template volume ``key`` (t1, gm, wm) as a .nii.gz path that exists."""
    if key not in TEMPLATE_KEYS:
        raise DataError(f"MNI152 template: unknown volume {key!r} (one of {', '.join(TEMPLATE_KEYS)})")
    path = template_dir() / f"mni_icbm152_{key}_tal_nlin_sym_09a_converted.nii.gz"
    if not path.is_file():
        raise DataError(f"{path}: MNI152 template file missing from the nilearn wheel")
    return path
