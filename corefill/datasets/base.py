"""The shared machinery of file-backed datasets: scan, skip unreadable files, cache, crop.

A subclass lists *records* (one per item, e.g. a path or a pair of paths) and implements
``decode(record) -> dict[str, ndarray (H, W, C) in [0, 1]]`` (already resized; key
``"image"`` plus optional ``"input"``), ``probe(record)`` (a cheap integrity check) and
``name(record)``. Everything else — the one-time warning about unreadable files, the memory
cache, crops and the mapping to ``value_range`` — lives here.
"""
from __future__ import annotations

import warnings
from typing import Any, Optional, Sequence

import numpy as np
import torch
from torch.utils.data import Dataset

from corefill.errors import DataError

from .io import UnreadableFileError, to_value_range
from .transforms import crop, crop_origin, crop_shape


class UnreadableFilesWarning(UserWarning):
    """Some files of a dataset could not be decoded and were skipped."""


def report_skipped(where: str, skipped: list[tuple[Any, str]], total: int) -> None:
    """One warning line for all unreadable files of a dataset."""
    if skipped:
        first, reason = skipped[0]
        warnings.warn(
            f"{where}: skipped {len(skipped)} unreadable file(s) of {total}; first: {reason}",
            UnreadableFilesWarning,
            stacklevel=3,
        )


def split_key(key: Any, default_epoch: int) -> tuple[int, int]:
    """``dataset[i]`` or ``dataset[(epoch, i)]`` (what the engine's epoch sampler yields)."""
    if isinstance(key, tuple):
        return int(key[0]), int(key[1])
    return default_epoch, int(key)


def to_chw_tensor(array: np.ndarray) -> torch.Tensor:
    """(H, W, C) float32 -> contiguous (C, H, W) tensor."""
    return torch.from_numpy(np.ascontiguousarray(array.transpose(2, 0, 1)))


class FileDataset(Dataset):
    """Map-style dataset over ``records``; see the module docstring for what subclasses add."""

    accepts_epoch_key = True  # dataset[(epoch, index)] works (see split_key)

    def __init__(
        self,
        *,
        records: Sequence[Any],
        where: str,
        split: str,
        value_range: Sequence[float],
        channels: int,
        crop: Any = None,
        crop_mode: str = "center",
        cache: bool = True,
        cache_mb: float = 2048.0,
    ) -> None:
        self.where = where
        self.split = split
        self.value_range = (float(value_range[0]), float(value_range[1]))
        self.channels = int(channels)
        self.crop_size = crop_shape(crop)
        self.random_crop = crop_mode == "random" and split == "train"
        self.epoch = 0
        self._cache: dict[int, dict[str, np.ndarray]] = {}
        self._cache_budget = int(cache_mb * 2**20) if cache else 0
        self.records = self._scan(list(records))
        if not self.records:
            raise DataError(f"{where}: split {split!r} has no readable files")

    # -- to implement -------------------------------------------------------------------
    def decode(self, record: Any) -> dict[str, np.ndarray]:
        raise NotImplementedError

    def probe(self, record: Any) -> None:
        """Raise UnreadableFileError if ``record`` is clearly broken (default: decode it)."""
        self.decode(record)

    def name(self, record: Any) -> str:
        raise NotImplementedError

    # -- scanning and caching -----------------------------------------------------------
    def _scan(self, records: list[Any]) -> list[Any]:
        """Decode into the cache while the budget lasts, probe the rest; drop broken records."""
        kept, skipped, used = [], [], 0
        for record in records:
            try:
                if used < self._cache_budget:
                    arrays = self.decode(record)
                    used += sum(a.nbytes for a in arrays.values())
                    self._cache[len(kept)] = arrays
                else:
                    self.probe(record)
            except UnreadableFileError as exc:
                skipped.append((record, str(exc)))
                continue
            kept.append(record)
        self.cached_bytes = used
        report_skipped(self.where, skipped, len(records))
        self.skipped = [r for r, _ in skipped]
        return kept

    def arrays(self, index: int) -> dict[str, np.ndarray]:
        """The decoded (resized, uncropped) arrays of item ``index``, from the cache if there."""
        cached = self._cache.get(index)
        return cached if cached is not None else self.decode(self.records[index])

    def set_epoch(self, epoch: int) -> None:
        """Random train crops depend on (epoch, index): call before each epoch for new ones,
        or index with ``(epoch, index)`` (works with persistent DataLoader workers)."""
        self.epoch = int(epoch)

    # -- items ----------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.records)

    def _crop_all(self, arrays: dict[str, np.ndarray], index: int, epoch: int) -> dict[str, np.ndarray]:
        if self.crop_size is None:
            return arrays
        height, width = arrays["image"].shape[:2]
        crop_h, crop_w = self.crop_size
        if crop_h > height or crop_w > width:
            raise DataError(
                f"{self.where}: {self.name(self.records[index])}: image {height}x{width} is "
                f"smaller than crop {crop_h}x{crop_w} (split {self.split!r})"
            )
        rng: Optional[np.random.Generator] = None
        if self.random_crop:
            # Same index + epoch -> same crop: reproducible runs, any number of workers.
            rng = np.random.default_rng((epoch, index))
        top, left = crop_origin(height, width, crop_h, crop_w, random=self.random_crop, rng=rng)
        return {k: crop(a, top, left, crop_h, crop_w) for k, a in arrays.items()}

    def __getitem__(self, key: Any) -> dict[str, Any]:
        epoch, index = split_key(key, self.epoch)
        if not 0 <= index < len(self.records):
            raise IndexError(index)
        arrays = self._crop_all(self.arrays(index), index, epoch)
        lo, hi = self.value_range
        item: dict[str, Any] = {k: to_chw_tensor(to_value_range(a, lo, hi)) for k, a in arrays.items()}
        item["name"] = self.name(self.records[index])
        return item
