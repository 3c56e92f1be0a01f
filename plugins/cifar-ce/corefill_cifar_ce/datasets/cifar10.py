"""CIFAR-10 from its binary batches (numpy only: the pickled python version is never read)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional, Sequence

import numpy as np
import torch
from torch.utils.data import Dataset

from corefill.errors import DataError

from .params import CLASS_NAMES

RECORD_BYTES = 1 + 3 * 32 * 32
TRAIN_FILES = tuple(f"data_batch_{i}.bin" for i in range(1, 6))
TEST_FILES = ("test_batch.bin",)
FOLDER = "cifar-10-batches-bin"


def find_batches_folder(root: str | Path) -> Path:
    """``root`` itself when it holds the .bin batches, else ``root/cifar-10-batches-bin``."""
    root = Path(root)
    for folder in (root, root / FOLDER):
        if any((folder / name).is_file() for name in TRAIN_FILES + TEST_FILES):
            return folder
    raise DataError(f"cifar10: no CIFAR-10 binary batches (data_batch_*.bin, test_batch.bin) "
                    f"in {root} or {root / FOLDER}")


def read_batch(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """(labels uint8 (N,), images uint8 (N, 3, 32, 32)) of one binary batch file."""
    raw = np.fromfile(path, dtype=np.uint8)
    if raw.size == 0 or raw.size % RECORD_BYTES:
        raise DataError(f"cifar10: {path}: {raw.size} bytes is not a whole number of "
                        f"{RECORD_BYTES}-byte records (1 label + 3072 pixels)")
    records = raw.reshape(-1, RECORD_BYTES)
    labels = records[:, 0]
    if labels.max() > 9:
        bad = int(np.argmax(labels > 9))
        raise DataError(f"cifar10: {path}: record {bad} has label {labels[bad]} (expected 0-9)")
    return labels, records[:, 1:].reshape(-1, 3, 32, 32)


def class_ids(classes: Optional[Sequence[Any]]) -> Optional[set[int]]:
    if classes is None:
        return None
    return {c if isinstance(c, int) else CLASS_NAMES.index(c) for c in classes}


def load_split(folder: Path, split: str, *, classes, val_fraction: float, seed: int):
    """(labels, images, names) of ``split``; val is a seeded share of the training batches."""
    files = TEST_FILES if split == "test" else TRAIN_FILES
    labels, images, names = [], [], []
    for name in files:
        path = folder / name
        if not path.is_file():
            continue
        batch_labels, batch_images = read_batch(path)
        labels.append(batch_labels)
        images.append(batch_images)
        names += [f"{path.stem}#{i}" for i in range(len(batch_labels))]
    if not labels:
        raise DataError(f"cifar10: {folder}: no {' / '.join(files)} for split {split!r}")
    labels, images, names = np.concatenate(labels), np.concatenate(images), np.array(names)
    if split != "test":
        # A fixed partition of the training records (the same for train and val).
        held_out = np.random.default_rng(seed).random(len(labels)) < val_fraction
        keep = held_out if split == "val" else ~held_out
        labels, images, names = labels[keep], images[keep], names[keep]
    wanted = class_ids(classes)
    if wanted is not None:
        keep = np.isin(labels, sorted(wanted))
        labels, images, names = labels[keep], images[keep], names[keep]
    return labels, images, list(names)


class Cifar10(Dataset):
    """One split of CIFAR-10 (or of the embedded photo crops); items ``{image, name, label}``."""

    channels = 3
    accepts_epoch_key = False  # True for the embedded photo crops (set per instance)

    def __init__(self, *, split: str = "train", root: Optional[str] = None, classes=None,
                 val_fraction: float = 0.1, limit: Optional[int] = None, seed: int = 0,
                 value_range: Sequence[float] = (-1.0, 1.0), embedded_size: int = 128,
                 embedded_train_crops: int = 256, embedded_eval_crops: int = 24) -> None:
        if split not in ("train", "val", "test"):
            raise DataError(f"cifar10: unknown split {split!r}")
        self.split, self.limit = split, limit
        self.value_range = (float(value_range[0]), float(value_range[1]))
        self.photos = None
        if root is None:
            self.photos = _embedded(split, seed, self.value_range, embedded_size,
                                    embedded_train_crops, embedded_eval_crops)
            self.accepts_epoch_key = True  # new train crops every epoch
            return
        if not Path(root).is_dir():
            raise DataError(f"cifar10: root {root} is not a folder")
        folder = find_batches_folder(root)
        self.labels, self.images, self.names = load_split(
            folder, split, classes=classes, val_fraction=val_fraction, seed=seed)
        if not self.names:
            raise DataError(f"cifar10: {folder}: split {split!r} is empty (classes={classes}, "
                            f"val_fraction={val_fraction})")

    def __len__(self) -> int:
        total = len(self.photos) if self.photos is not None else len(self.names)
        return min(total, self.limit) if self.limit else total

    def __getitem__(self, key: Any) -> dict[str, Any]:
        index = key[1] if isinstance(key, tuple) else key
        if not 0 <= index < len(self):
            raise IndexError(index)
        if self.photos is not None:
            return {**self.photos[key], "label": -1}
        lo, hi = self.value_range
        pixels = torch.from_numpy(self.images[index].astype(np.float32) / 255.0)
        return {"image": pixels * (hi - lo) + lo, "name": self.names[index],
                "label": int(self.labels[index])}


def _embedded(split, seed, value_range, size, train_crops, eval_crops):
    from corefill.datasets.photos import SamplePhotos

    return SamplePhotos(split=split, photos="colour", channels=3, size=size, crop_size=32,
                        crops_per_image=train_crops if split == "train" else eval_crops,
                        split_by="region", val_fraction=0.25, test_fraction=0.25, seed=seed,
                        value_range=value_range)
