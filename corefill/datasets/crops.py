"""`random-crops`: many crops per image of any registered dataset (few large images -> many items).

Design: the wrapped dataset is named like any other (`{name, params}`) and built through
the registry, so crops work on image folders, DICOM, pairs or a plugin's dataset alike; its
params are validated with the recipe (RandomCropsParams), and its cache keeps the full
decoded images in memory so each crop costs only a slice.

Item ``k * crops_per_image + j`` is crop ``j`` of source image ``k``. Crop positions come
from ``numpy.random.default_rng((seed, epoch, index))`` for train (``set_epoch(e)``, or the key
``dataset[(epoch, index)]``, gives a new reproducible set each epoch) and from
``(seed, index)`` for val/test, which never change.
Tensors of the item with the image's height and width (``image``, ``input``, ``mask``) are
cropped at the same place; the name becomes ``"<source name>#<j>"``.
"""
from __future__ import annotations

from typing import Any, Mapping, Optional, Sequence

import numpy as np
import torch
from torch.utils.data import Dataset

from corefill.errors import DataError
from corefill.registry import BuildContext

from .base import split_key, to_chw_tensor
from .io import SPLITS, to_value_range
from .params import RandomCropsParams
from .transforms import crop_shape


def build_inner(ref: Any, context: BuildContext, split: str) -> Dataset:
    """Build the wrapped dataset named by ``ref`` ({name, params} or a ComponentRef) from
    the registries of ``context``."""
    from corefill.registry import build

    name, params = (ref["name"], ref.get("params", {})) if isinstance(ref, Mapping) else (ref.name, ref.params)
    return build(context.lookup().get("dataset", name), params, context.replace(split=split))


def row_band(height: int, split: str, val_fraction: float, test_fraction: float) -> tuple[int, int]:
    """Rows [start, stop) of ``split`` in region mode: train on top, then val, then test."""
    train_end = round(height * (1 - val_fraction - test_fraction))
    val_end = round(height * (1 - test_fraction))
    return {"train": (0, train_end), "val": (train_end, val_end), "test": (val_end, height)}[split]


class RandomCrops(Dataset):
    """Crops of ``crop_size`` from each item of a wrapped dataset, in its value range."""

    accepts_epoch_key = True  # dataset[(epoch, index)] works (see base.split_key)

    def __init__(self, params: RandomCropsParams, context: BuildContext, *,
                 inner: Optional[Sequence[Dataset]] = None) -> None:
        """``inner``: the wrapped datasets already built (default: built from ``params``)."""
        self.split, self.seed, self.epoch = context.split, int(params.seed), 0
        self.crop_h, self.crop_w = crop_shape(params.crop_size)
        self.crops_per_image = int(params.crops_per_image)
        self.split_by = params.split_by
        self.fractions = (params.val_fraction, params.test_fraction)
        self.inner = list(inner) if inner is not None else self._build(params.dataset, context)
        self.sources = [(d, i) for d in self.inner for i in range(len(d))]
        first = self.inner[0]
        self.value_range = tuple(first.value_range)
        self.channels = int(first.channels)
        if hasattr(first, "input_channels"):
            self.input_channels = first.input_channels

    def _build(self, ref: Any, context: BuildContext) -> list[Dataset]:
        if self.split_by == "inner":
            return [build_inner(ref, context, self.split)]
        built = []
        for split in SPLITS:  # region mode: every image the wrapped dataset has, in any split
            try:
                built.append(build_inner(ref, context, split))
            except DataError:
                continue
        if not built:
            name = ref["name"] if isinstance(ref, Mapping) else ref.name
            raise DataError(f"random-crops: wrapped dataset {name!r} has no images in any split")
        return built

    def set_epoch(self, epoch: int) -> None:
        """Train crops depend on the epoch: call before each epoch, or index with (epoch, index)."""
        self.epoch = int(epoch)

    def __len__(self) -> int:
        return len(self.sources) * self.crops_per_image

    # -- crop geometry -------------------------------------------------------------------
    def _rng(self, epoch: int, index: int) -> np.random.Generator:
        key = (self.seed, epoch, index) if self.split == "train" else (self.seed, index)
        return np.random.default_rng(key)

    def crop_origin(
        self, index: int, height: int, width: int, name: str, epoch: int = 0
    ) -> tuple[int, int]:
        """Top-left corner of crop ``index`` in an image of ``height`` x ``width``."""
        top_min, top_max = 0, height
        if self.split_by == "region":
            top_min, top_max = row_band(height, self.split, *self.fractions)
        if top_max - top_min < self.crop_h or width < self.crop_w:
            raise DataError(
                f"{name}: {self.split} region {top_max - top_min}x{width} of the image is smaller "
                f"than crop_size {self.crop_h}x{self.crop_w}"
            )
        rng = self._rng(epoch, index)
        top = int(rng.integers(top_min, top_max - self.crop_h + 1))
        left = int(rng.integers(0, width - self.crop_w + 1))
        return top, left

    # -- items --------------------------------------------------------------------------
    def _fast_arrays(self, dataset: Dataset, position: int) -> Optional[dict[str, np.ndarray]]:
        """Decoded arrays straight from a file dataset's cache (skips a full-image tensor)."""
        if getattr(dataset, "crop_size", "n/a") is None and hasattr(dataset, "arrays"):
            return dataset.arrays(position)
        return None

    def __getitem__(self, key: Any) -> dict[str, Any]:
        epoch, index = split_key(key, self.epoch)
        if not 0 <= index < len(self):
            raise IndexError(index)
        dataset, position = self.sources[index // self.crops_per_image]
        part = index % self.crops_per_image
        arrays = self._fast_arrays(dataset, position)
        if arrays is not None:
            name = dataset.name(dataset.records[position])
            height, width = arrays["image"].shape[:2]
            top, left = self.crop_origin(index, height, width, name, epoch)
            lo, hi = dataset.value_range
            item: dict[str, Any] = {
                key: to_chw_tensor(to_value_range(
                    array[top : top + self.crop_h, left : left + self.crop_w], lo, hi))
                for key, array in arrays.items()
            }
        else:
            item = dict(dataset[position])
            name = item["name"]
            height, width = item["image"].shape[-2:]
            top, left = self.crop_origin(index, height, width, name, epoch)
            for field, value in item.items():
                if isinstance(value, torch.Tensor) and value.ndim == 3 and value.shape[-2:] == (height, width):
                    item[field] = value[:, top : top + self.crop_h, left : left + self.crop_w].contiguous()
        item["name"] = f"{name}#{part}"
        return item
