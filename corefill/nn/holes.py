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


def hole_boxes(masks: torch.Tensor) -> torch.Tensor:
    """``(B, 4)`` int64 ``(top, left, height, width)``: each ``(C, H, W)`` mask's box of a
    ``(B, C, H, W)`` batch, channels pooled, in one pass on the host. A mask without a hole
    gets the whole image, so crops and pastes stay well defined."""
    height, width = masks.shape[-2:]
    planes = masks.detach().float().cpu().numpy().reshape(masks.shape[0], -1, height, width)
    planes = planes.max(axis=1) > 0.5
    rows, cols = planes.any(axis=2), planes.any(axis=1)
    top, left = rows.argmax(axis=1), cols.argmax(axis=1)
    bottom = height - rows[:, ::-1].argmax(axis=1)
    right = width - cols[:, ::-1].argmax(axis=1)
    boxes = np.stack([top, left, bottom - top, right - left], axis=1)
    boxes[~rows.any(axis=1)] = (0, 0, height, width)
    return torch.from_numpy(boxes.astype(np.int64))


def hole_box(mask: torch.Tensor) -> torch.Tensor:
    """:func:`hole_boxes` of one mask ``(..., H, W)``, leading dimensions pooled."""
    return hole_boxes(mask.reshape(1, -1, *mask.shape[-2:]))[0]
