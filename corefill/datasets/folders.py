"""Which files of a root belong to a split: split sub-folders if present, else a name hash."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from corefill.errors import DataError

from .io import find_split_folders, relative_stem, split_by_name

Lister = Callable[[Path], list[Path]]


def split_files(
    root: Path, split: str, lister: Lister, val_fraction: float, test_fraction: float, what: str
) -> tuple[list[Path], Path]:
    """(files of ``split``, the folder their names are relative to); DataError when empty."""
    root = Path(root)
    if not root.is_dir():
        raise DataError(f"{root}: dataset root does not exist or is not a folder (split {split!r})")
    folders = find_split_folders(root)
    if folders:
        if split not in folders:
            raise DataError(
                f"{root}: has split folders {sorted(folders)} but none for split {split!r}"
            )
        base = folders[split]
        files = lister(base)
        if not files:
            raise DataError(f"{base}: no {what} found for split {split!r}")
        return files, base
    every = lister(root)
    if not every:
        raise DataError(f"{root}: no {what} found (split {split!r})")
    files = split_by_name(every, split, val_fraction, test_fraction, root=root)
    if not files:
        raise DataError(
            f"{root}: split {split!r} is empty ({len(every)} {what}, val_fraction={val_fraction}, "
            f"test_fraction={test_fraction})"
        )
    return files, root


def stem_name(path: Path, base: Path) -> str:
    """Stable item id: the path relative to ``base`` without its extension."""
    return relative_stem(path, base)


def default_crop(size, crop):
    """An int ``size`` (shorter side) with no crop gives square ``size`` crops."""
    if crop is None and isinstance(size, int):
        return size
    return crop


def file_options(params: Any) -> dict[str, Any]:
    """The :class:`~corefill.datasets.base.FileDataset` options a folder dataset's Params
    carry (value range, channels, crop, cache), so each dataset passes them in one line."""
    return {"value_range": params.value_range, "channels": params.channels,
            "crop": default_crop(params.size, params.crop), "crop_mode": params.crop_mode,
            "cache": params.cache, "cache_mb": params.cache_mb}
