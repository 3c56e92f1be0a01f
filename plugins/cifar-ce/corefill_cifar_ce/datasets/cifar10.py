"""CIFAR-10 in the layouts it is published in (see :mod:`.sources`), or embedded photo crops."""
from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np
import torch
from torch.utils.data import Dataset

from corefill.data import SamplePhotos, SamplePhotosParams
from corefill.plugin import BuildContext, DataError

from .batches import TEST_NAMES, TRAIN_NAMES
from .params import CLASS_NAMES, Cifar10Params
from .sources import read_batches


def class_ids(classes: Optional[Sequence[Any]]) -> Optional[set[int]]:
    if classes is None:
        return None
    return {c if isinstance(c, int) else CLASS_NAMES.index(c) for c in classes}


def load_split(root: str, split: str, *, classes, val_fraction: float, seed: int):
    """(labels, images, names) of ``split``; val is a seeded share of the training batches."""
    batches = read_batches(root)
    wanted_names = TEST_NAMES if split == "test" else TRAIN_NAMES
    present = [name for name in wanted_names if name in batches.arrays]
    if not present:
        why = f" (skipped: {batches.skipped[0][1]})" if batches.skipped else ""
        raise DataError(f"cifar10: {batches.where}: no readable {' / '.join(wanted_names)} "
                        f"for split {split!r}{why}")
    labels = np.concatenate([batches.arrays[n][0] for n in present])
    images = np.concatenate([batches.arrays[n][1] for n in present])
    names = np.array([f"{n}#{i}" for n in present for i in range(len(batches.arrays[n][0]))])
    if split != "test":
        # A fixed partition of the training records (the same for train and val).
        held_out = np.random.default_rng(seed).random(len(labels)) < val_fraction
        keep = held_out if split == "val" else ~held_out
        labels, images, names = labels[keep], images[keep], names[keep]
    wanted = class_ids(classes)
    if wanted is not None:
        keep = np.isin(labels, sorted(wanted))
        labels, images, names = labels[keep], images[keep], names[keep]
    return labels, images, list(names), batches.where


class Cifar10(Dataset):
    """One split of CIFAR-10 (or of the embedded photo crops); items ``{image, name, label}``."""

    channels = 3
    accepts_epoch_key = False  # True for the embedded photo crops (set per instance)

    def __init__(self, params: Cifar10Params, context: BuildContext) -> None:
        split = context.split
        if split not in ("train", "val", "test"):
            raise DataError(f"cifar10: unknown split {split!r}")
        self.split, self.limit = split, params.limit
        self.value_range = (float(params.value_range[0]), float(params.value_range[1]))
        self.photos = None
        if params.root is None:
            self.photos = SamplePhotos(_embedded(params, split), context)
            self.accepts_epoch_key = True  # new train crops every epoch
            return
        classes, val_fraction = params.classes, params.val_fraction
        self.labels, self.images, self.names, folder = load_split(
            params.root, split, classes=classes, val_fraction=val_fraction, seed=params.seed)
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


def _embedded(params: Cifar10Params, split: str) -> SamplePhotosParams:
    """32² crops of the bundled colour photos, standing in for CIFAR-10 offline."""
    crops = params.embedded_train_crops if split == "train" else params.embedded_eval_crops
    return SamplePhotosParams(photos="colour", channels=3, size=params.embedded_size,
                              crop_size=32, crops_per_image=crops, split_by="region",
                              val_fraction=0.25, test_fraction=0.25, seed=params.seed,
                              value_range=params.value_range, flips=params.embedded_flips,
                              scales=params.embedded_scales)
