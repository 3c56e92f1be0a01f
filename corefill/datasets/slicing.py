"""Which slice indices of a volume a split gets (pure functions on index lists).

Splits never share a slice: ``block_split`` gives train | val | test as contiguous ranges
of the kept slices; ``interleaved_split`` assigns runs of ``block_size`` slices by a
caller-supplied rule (a hash). Both drop ``gap`` slices after every border between two
different splits, since neighbouring slices are nearly identical.
"""
from __future__ import annotations

from typing import Callable, Iterable, Sequence

import numpy as np

FOREGROUND_LEVEL = 0.05  # normalised intensity above which a voxel counts as foreground


def foreground_slices(
    volume: np.ndarray, axis: int, candidates: Iterable[int], min_foreground: float
) -> list[int]:
    """The candidate indices whose share of foreground voxels is at least ``min_foreground``."""
    candidates = list(candidates)
    if min_foreground <= 0:
        return candidates
    other_axes = tuple(a for a in range(volume.ndim) if a != axis)
    share = (volume > FOREGROUND_LEVEL).mean(axis=other_axes)
    return [i for i in candidates if share[i] >= min_foreground]


def _drop_after_borders(labelled: Sequence[tuple[int, str]], gap: int) -> list[tuple[int, str]]:
    kept, previous, since_border = [], None, gap
    for index, split in labelled:
        if previous is not None and split != previous:
            since_border = 0
        previous = split
        if since_border < gap:
            since_border += 1
            continue
        kept.append((index, split))
    return kept


def block_split(
    indices: Sequence[int], split: str, val_fraction: float, test_fraction: float, gap: int
) -> list[int]:
    """Contiguous blocks: the first share of ``indices`` is train, then val, then test."""
    count = len(indices)
    n_test = round(count * test_fraction)
    n_val = round(count * val_fraction)
    n_train = count - n_val - n_test
    names = ["train"] * n_train + ["val"] * n_val + ["test"] * n_test
    labelled = _drop_after_borders(list(zip(indices, names)), gap)
    return [index for index, name in labelled if name == split]


def interleaved_split(
    indices: Sequence[int],
    split: str,
    block_size: int,
    gap: int,
    split_of_run: Callable[[int], str],
) -> list[int]:
    """Runs of ``block_size`` consecutive kept slices, each run's split given by ``split_of_run``."""
    labelled = [(index, split_of_run(pos // block_size)) for pos, index in enumerate(indices)]
    return [index for index, name in _drop_after_borders(labelled, gap) if name == split]
