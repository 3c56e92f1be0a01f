"""Masking wrapper and data loaders.

Masking runs inside the Dataset (so in DataLoader workers). Masks are reproducible:
train masks come from an rng seeded by (seed, epoch, index); val/test masks from
(seed, item name), so every model is evaluated on the same masks for the same image.
The train sampler yields ``(epoch, index)`` pairs, so the epoch reaches the workers
even when they are persistent.

The engine's loaders fetch a batch at once (:class:`BatchFetch`): per item only what differs
per item (the base item and its mask), then ``input`` and ``hole_box`` as whole-batch
tensor operations in :func:`collate`. Reading item by item (``dataset[key]``, what a plain
DataLoader over a MaskedDataset does) gives the same batch; on a small network's CPU step
that per-item work was 15% of the step.
"""
from __future__ import annotations

import hashlib
from typing import Any, Optional

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, DistributedSampler, default_collate

from ..errors import ComponentError, CorefillError, one_line
from ..nn.holes import hole_box, hole_boxes


def name_seed(name: str) -> int:
    """A stable 64-bit integer for an item name (Python's hash() is salted per process)."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "little")


class MaskedDataset(Dataset):
    """Adds ``mask``, ``input`` and ``hole_box`` to each item of a dataset.

    ``masker=None`` means no masking: the item's own mask, else all ones (the whole
    image is generated, as in pix2pix). ``blame``: how to name the masker when it fails
    (e.g. "masker 'grid' of plugin 'holes' (corefill-holes 1.0)"): its exception then
    becomes a one-line ComponentError saying so, in a loader worker too.
    """

    def __init__(self, base: Dataset, masker: Any, *, seed: int, split: str,
                 blame: Optional[str] = None) -> None:
        self.base = base
        self.masker = masker
        self.blame = blame
        self.seed = int(seed)
        self.split = split
        self.value_range = tuple(getattr(base, "value_range", (-1.0, 1.0)))
        self.channels = int(getattr(base, "channels", 0))

    def __len__(self) -> int:
        return len(self.base)

    def _rng(self, epoch: int, index: int, name: str) -> np.random.Generator:
        if self.split == "train":
            return np.random.default_rng([self.seed, epoch, index])
        return np.random.default_rng([self.seed, name_seed(name)])

    def __getitem__(self, key: Any) -> dict[str, Any]:
        epoch, index = _epoch_index(key)
        item = self._masked(self.base[self._base_key(key)], epoch, index)
        if "input" not in item:
            item["input"] = image_input(item["image"], item["mask"])
        item["hole_box"] = hole_box(item["mask"])
        return item

    def items_for_batch(self, keys: list) -> list[dict[str, Any]]:
        """Items without ``hole_box`` (and without ``input`` where the base gives none):
        :func:`collate` adds both for the whole batch. A base dataset with ``__getitems__``
        (DataLoader's batched fetch) is read through it."""
        base_keys = [self._base_key(key) for key in keys]
        fetch_batch = getattr(self.base, "__getitems__", None)
        bases = fetch_batch(base_keys) if fetch_batch else [self.base[k] for k in base_keys]
        items = [self._masked(base, *_epoch_index(key)) for base, key in zip(bases, keys)]
        if len({"input" in item for item in items}) > 1:  # some items bring their own
            for item in items:
                item.setdefault("input", image_input(item["image"], item["mask"]))
        return items

    def _base_key(self, key: Any) -> Any:
        # Datasets with random train crops take (epoch, index): new crops every epoch,
        # reproducible, and correct with persistent workers.
        epoch, index = _epoch_index(key)
        epoch_key = isinstance(key, tuple) and getattr(self.base, "accepts_epoch_key", False)
        return (epoch, index) if epoch_key else index

    def _masked(self, base_item: dict[str, Any], epoch: int, index: int) -> dict[str, Any]:
        """The base item with its ``name`` and float ``mask``."""
        item = dict(base_item)
        name = str(item.get("name", index))
        item["name"] = name
        if "mask" not in item:
            height, width = item["image"].shape[-2:]
            if self.masker is None:
                mask = torch.ones(1, height, width)
            else:
                mask = self._draw(height, width, epoch, index, name)
            item["mask"] = mask
        item["mask"] = item["mask"].to(torch.float32)
        return item

    def _draw(self, height: int, width: int, epoch: int, index: int, name: str) -> Any:
        # Seeding a generator is a third of a small item's cost: skipped for
        # maskers whose masks never draw from it (``random = False``).
        drawn = getattr(self.masker, "random", True)
        rng = self._rng(epoch, index, name) if drawn else None
        try:
            return self.masker(height, width, rng=rng, name=name)
        except CorefillError:
            raise  # written for the user already (a masks folder without this image)
        except Exception as exc:
            if self.blame is None:
                raise
            raise ComponentError(f"{self.blame} failed on item {name!r}: "
                                 f"{one_line(exc)}") from exc


def _epoch_index(key: Any) -> tuple[int, int]:
    return key if isinstance(key, tuple) else (0, key)


class BatchFetch(Dataset):
    """What the engine's loaders read: ``masked`` (or the items ``indices`` of it), a batch
    at a time through ``__getitems__``, which DataLoader calls when a dataset has it."""

    def __init__(self, masked: MaskedDataset, indices: Optional[range] = None) -> None:
        self.masked, self.indices = masked, indices

    def __len__(self) -> int:
        return len(self.masked) if self.indices is None else len(self.indices)

    def _key(self, key: Any) -> Any:
        return key if self.indices is None else self.indices[key]

    def __getitem__(self, key: Any) -> dict[str, Any]:
        return self.masked[self._key(key)]

    def __getitems__(self, keys: list) -> list[dict[str, Any]]:
        return self.masked.items_for_batch([self._key(key) for key in keys])


def image_input(image: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """What a generator sees by default: the image with its holes zeroed."""
    return image * (1.0 - mask)


def collate(items: list[dict[str, Any]]) -> dict[str, Any]:
    """``default_collate``, then the batch's ``input`` and ``hole_box`` where the items
    lack them (items from :meth:`MaskedDataset.items_for_batch`)."""
    batch = default_collate(items)
    if "input" not in batch:
        batch["input"] = image_input(batch["image"], batch["mask"])
    if "hole_box" not in batch:
        batch["hole_box"] = hole_boxes(batch["mask"])
    return batch


class EpochSampler(DistributedSampler):
    """DistributedSampler (also used with one process) yielding ``(epoch, index)``.

    ``skip`` drops the first indices of the epoch: a run resumed mid-epoch continues
    with exactly the batches it had not seen.
    """

    def __init__(self, dataset: Dataset, *, rank: int, world: int, seed: int,
                 shuffle: bool = True) -> None:
        super().__init__(dataset, num_replicas=world, rank=rank, shuffle=shuffle, seed=seed)
        self.skip = 0

    def __iter__(self):
        indices = list(super().__iter__())[self.skip:]
        return iter([(self.epoch, index) for index in indices])

    def __len__(self) -> int:
        return max(0, self.num_samples - self.skip)


def _generator(seed: int) -> torch.Generator:
    # Loaders draw worker seeds from their own generator, never the global RNG.
    generator = torch.Generator()
    generator.manual_seed(seed)
    return generator


def train_loader(dataset: MaskedDataset, *, batch_size: int, num_workers: int, seed: int,
                 rank: int, world: int, pin_memory: bool) -> DataLoader:
    sampler = EpochSampler(dataset, rank=rank, world=world, seed=seed)
    # Dropping a ragged last batch avoids batch-of-one BatchNorm failures, unless the
    # split is so small that nothing would be left.
    drop_last = sampler.num_samples >= batch_size
    return DataLoader(
        BatchFetch(dataset), batch_size=batch_size, sampler=sampler, num_workers=num_workers,
        pin_memory=pin_memory, drop_last=drop_last, persistent_workers=num_workers > 0,
        generator=_generator(seed), collate_fn=collate,
    )


def full_epoch_length(loader: DataLoader) -> int:
    """Steps in a whole epoch of a train loader (its length counts only the batches left)."""
    skip, loader.sampler.skip = loader.sampler.skip, 0
    length, loader.sampler.skip = len(loader), skip
    return length


def eval_loader(dataset: MaskedDataset, *, batch_size: int, num_workers: int,
                pin_memory: bool, limit: Optional[int] = None,
                items: Optional[list[int]] = None) -> DataLoader:
    """The split in order (its first ``limit`` items, or the ``items`` at those indices)."""
    keep = items if items is not None else \
        range(limit) if limit is not None and limit < len(dataset) else None
    source = BatchFetch(dataset, keep)
    return DataLoader(
        source, batch_size=batch_size, shuffle=False, num_workers=num_workers,
        pin_memory=pin_memory, generator=_generator(0), collate_fn=collate,
    )


def to_device(batch: dict[str, Any], device: torch.device,
              memory_format: torch.memory_format = torch.contiguous_format) -> dict[str, Any]:
    """Move tensors (not ``hole_box``, read on the host) to ``device`` without blocking
    (from pinned memory on CUDA: the copy overlaps the previous step's kernels); images
    and masks in ``memory_format``, the layout the networks' weights are in."""
    moved = {}
    for key, value in batch.items():
        if isinstance(value, torch.Tensor) and key != "hole_box":
            layout = memory_format if value.dim() == 4 else torch.preserve_format
            moved[key] = value.to(device, non_blocking=True, memory_format=layout)
        else:
            moved[key] = value
    return moved


def middle(value_range: tuple[float, float]) -> float:
    """The centre of a value range: what ``blend: residual`` reads as no correction."""
    return (float(value_range[0]) + float(value_range[1])) / 2


def to_unit(images: torch.Tensor, value_range: tuple[float, float]) -> torch.Tensor:
    """Map images from the dataset's value range to [0, 1] (what metrics receive)."""
    low, high = value_range
    return ((images - low) / (high - low)).clamp_(0.0, 1.0)
