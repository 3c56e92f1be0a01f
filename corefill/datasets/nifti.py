"""`nifti-slices`: 2-D slices of NIfTI volumes, optionally with a label volume as `input`.

Volumes are normalised once (min .. `clip_percentile` -> [0, 1]), stored with the slicing
axis first and kept in memory while they fit `cache_mb`; slices are cut and resized per
item (cheap). Slices are split by their
position along `axis` (contiguous blocks, or runs of `block_size` assigned by a hash), with
`split_gap` slices dropped at every border so neighbouring, nearly identical slices never
end up in two splits; or whole volumes are split by file name.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import numpy as np
from torch.utils.data import Dataset

from corefill.errors import DataError
from corefill.registry import BuildContext

from .base import report_skipped, split_key, to_chw_tensor
from .folders import stem_name
from .io import (
    NIFTI_EXTENSIONS,
    UnreadableFileError,
    list_files,
    normalize_volume,
    read_nifti,
    split_by_name,
    split_of,
    to_value_range,
)
from .params import NiftiSlicesParams
from .slicing import block_split, foreground_slices, interleaved_split


def _volume_files(path: Path, split: str) -> tuple[list[Path], Path]:
    if path.is_file():
        return [path], path.parent
    if not path.is_dir():
        raise DataError(f"{path}: NIfTI path does not exist (split {split!r})")
    return list_files(path, NIFTI_EXTENSIONS), path


def _label_files(volumes: list[Path], base: Path, label_path: Optional[Path]) -> list[Optional[Path]]:
    if label_path is None:
        return [None] * len(volumes)
    if label_path.is_file():
        if len(volumes) != 1:
            raise DataError(f"{label_path}: one label file given for {len(volumes)} volumes")
        return [label_path]
    labels = [label_path / p.relative_to(base) for p in volumes]
    missing = [p for p in labels if not p.is_file()]
    if missing:
        raise DataError(f"{label_path}: {len(missing)} volume(s) have no label file (e.g. {missing[0]})")
    return labels


class NiftiSlices(Dataset):
    """Items ``{"image": (C, H, W), "name": "<volume>#<slice>", ["input": labels]}`` in value_range."""

    accepts_epoch_key = True  # dataset[(epoch, index)] works; slices do not depend on the epoch

    def __init__(self, params: NiftiSlicesParams, context: BuildContext) -> None:
        split, path = context.split, Path(params.path)
        self.where, self.split = str(path), split
        self.value_range = (float(params.value_range[0]), float(params.value_range[1]))
        self.channels, self.axis, self.size = int(params.channels), int(params.axis), params.size
        self.label_encoding, self.clip_percentile = params.label_encoding, params.clip_percentile
        volumes, self.base = _volume_files(path, split)
        if not volumes:
            raise DataError(f"{path}: no NIfTI volumes found (split {split!r})")
        label_path = Path(params.label_path) if params.label_path else None
        labels = _label_files(volumes, self.base, label_path)
        if params.split_by == "volume":
            chosen = set(split_by_name(volumes, split, params.val_fraction, params.test_fraction,
                                       root=self.base))
            labels = [lab for v, lab in zip(volumes, labels) if v in chosen]
            volumes = [v for v in volumes if v in chosen]
            if not volumes:
                raise DataError(f"{path}: split {split!r} has no volumes")
        self._select = dict(
            split_by=params.split_by, split_mode=params.split_mode, block_size=params.block_size,
            split_gap=params.split_gap, val_fraction=params.val_fraction,
            test_fraction=params.test_fraction, slice_range=params.slice_range,
            min_foreground=params.min_foreground if params.skip_empty else 0.0,
        )
        budget = int(params.cache_mb * 2**20) if params.cache else 0
        self.sources, self.records = self._load(volumes, labels, budget)
        if not self.records:
            raise DataError(f"{path}: split {split!r} has no slices (axis {self.axis})")
        self.num_classes = params.num_classes or self._max_label() + 1
        self.input_channels = self.num_classes if self.label_encoding == "onehot" else 1

    # -- loading ----------------------------------------------------------------------------
    def _load(self, volumes, labels, budget):
        sources, records, skipped, used = [], [], [], 0
        for volume_path, label_file in zip(volumes, labels):
            try:
                volume = self._read_volume(volume_path)
                label = self._read_label(label_file)
            except UnreadableFileError as exc:
                skipped.append((volume_path, str(exc)))
                continue
            if label is not None and label.shape != volume.shape:
                raise DataError(f"{label_file}: label shape {label.shape} != volume {volume.shape}")
            slices = self._slices_of(volume, stem_name(volume_path, self.base))
            keep = used + volume.nbytes <= budget
            used += volume.nbytes if keep else 0
            sources.append(dict(path=volume_path, label_path=label_file,
                                volume=volume if keep else None, label=label if keep else None,
                                max_label=int(label.max()) if label is not None else 0))
            records += [(len(sources) - 1, index) for index in slices]
        report_skipped(self.where, skipped, len(volumes))
        return sources, records

    def _read_volume(self, path: Path) -> np.ndarray:
        """Normalised volume with the slicing axis first and contiguous (fast slices)."""
        volume = normalize_volume(read_nifti(path), clip_percentile=self.clip_percentile)
        return np.ascontiguousarray(np.moveaxis(volume, self.axis, 0))

    def _read_label(self, path: Optional[Path]) -> Optional[np.ndarray]:
        if path is None:
            return None
        label = np.rint(read_nifti(path)).astype(np.int16)
        return np.ascontiguousarray(np.moveaxis(label, self.axis, 0))

    def _slices_of(self, volume: np.ndarray, stem: str) -> list[int]:
        s = self._select
        count = volume.shape[0]
        start, stop = s["slice_range"] or (0, count)
        candidates = range(max(0, start), min(count, stop))
        kept = foreground_slices(volume, 0, candidates, s["min_foreground"])
        if s["split_by"] == "volume":
            return kept
        if s["split_mode"] == "blocks":
            return block_split(kept, self.split, s["val_fraction"], s["test_fraction"], s["split_gap"])

        def split_of_run(run: int) -> str:
            return split_of(f"{stem}#run{run}", s["val_fraction"], s["test_fraction"])

        return interleaved_split(kept, self.split, s["block_size"], s["split_gap"], split_of_run)

    def _max_label(self) -> int:
        return max(source["max_label"] for source in self.sources)

    def _arrays(self, source: dict[str, Any]) -> tuple[np.ndarray, Optional[np.ndarray]]:
        if source["volume"] is not None:
            return source["volume"], source["label"]
        return self._read_volume(source["path"]), self._read_label(source["label_path"])

    # -- items ------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.records)

    def _cut(self, volume: np.ndarray, index: int, nearest: bool = False) -> np.ndarray:
        import cv2

        # rot90 puts the volume's second in-plane axis upwards (radiological viewing for RAS).
        plane = np.ascontiguousarray(np.rot90(volume[index]))
        if self.size is not None and tuple(plane.shape) != tuple(self.size):
            flag = cv2.INTER_NEAREST if nearest else cv2.INTER_AREA
            source = plane.astype(np.float32) if nearest else plane
            plane = cv2.resize(source, (int(self.size[1]), int(self.size[0])), interpolation=flag)
        return plane

    def _encode_label(self, plane: np.ndarray) -> np.ndarray:
        labels = np.clip(plane.astype(np.int64), 0, self.num_classes - 1)
        if self.label_encoding == "onehot":
            return (labels[:, :, None] == np.arange(self.num_classes)).astype(np.float32)
        return (labels.astype(np.float32) / (self.num_classes - 1))[:, :, None]

    def __getitem__(self, key: Any) -> dict[str, Any]:
        source_index, slice_index = self.records[split_key(key, 0)[1]]
        source = self.sources[source_index]
        volume, label = self._arrays(source)
        lo, hi = self.value_range
        image = self._cut(volume, slice_index)[:, :, None]
        if self.channels == 3:
            image = np.repeat(image, 3, axis=2)
        item: dict[str, Any] = {
            "image": to_chw_tensor(to_value_range(image, lo, hi)),
            "name": f"{stem_name(source['path'], self.base)}#{slice_index}",
        }
        if label is not None:
            encoded = self._encode_label(self._cut(label, slice_index, nearest=True))
            item["input"] = to_chw_tensor(to_value_range(encoded, lo, hi))
        return item
