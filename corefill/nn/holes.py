"""The bounding box of a mask's hole (1 = hole), used to crop, paste and size predictions."""
from __future__ import annotations

from typing import Optional

import numpy as np
import torch


def hole_bounds(mask: torch.Tensor) -> Optional[tuple[int, int, int, int]]:
    """``(top, left, height, width)`` of the smallest box holding every hole pixel (> 0.5).

    ``mask`` is ``(..., H, W)``; leading dimensions are pooled, so a batch gives the one box
    that holds all its holes. ``None`` when nothing is a hole.
    """
    if mask.device.type == "cpu":  # numpy: 3x faster on one item's mask (the data loader)
        plane = mask.detach().float().numpy().reshape(-1, *mask.shape[-2:]).max(axis=0) > 0.5
        rows, cols = np.flatnonzero(plane.any(axis=1)), np.flatnonzero(plane.any(axis=0))
    else:
        plane = mask.detach().reshape(-1, *mask.shape[-2:]).amax(dim=0) > 0.5
        rows = torch.nonzero(plane.any(dim=1)).flatten().cpu().numpy()
        cols = torch.nonzero(plane.any(dim=0)).flatten().cpu().numpy()
    if rows.size == 0:
        return None
    top, left = int(rows[0]), int(cols[0])
    return top, left, int(rows[-1]) - top + 1, int(cols[-1]) - left + 1


def hole_box(mask: torch.Tensor) -> torch.Tensor:
    """:func:`hole_bounds` as an int64 tensor; a mask without a hole gets the whole image,
    so crops and pastes stay well defined."""
    bounds = hole_bounds(mask) or (0, 0, *mask.shape[-2:])
    return torch.tensor(bounds, dtype=torch.int64)
