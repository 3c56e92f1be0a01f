"""Windows around a user's holes, scaled so each hole looks like the holes a model learnt.

``--strategy crop`` fills each hole of an image on its own (see :func:`plan`):

1. **clusters**: holes (connected components, 1 = hole) closer than :data:`GAP` pixels are
   one cluster, filled together;
2. **scale**: the cluster is brought to a thickness the model trained on (the 5th-95th
   percentile of its training holes, :mod:`corefill.engine.hole_stats`): a cluster
   within that range keeps the image's own resolution, a thicker one is shrunk, a thinner
   one enlarged (at most :data:`MAX_UPSCALE` times);
3. **windows**: one window of the model's size at that scale, centred on the cluster, when
   the cluster fits in it as the training holes fitted in theirs; a longer cluster (a
   stroke across a large image) is covered by a grid of overlapping windows whose fills are
   blended with tent weights. A window is moved inside the image where the image is larger
   than the window; beyond the image's border its pixels (and holes) are mirrored. A model
   trained only on centred holes keeps its holes centred.

Every hole pixel inside a window is hole for the model, whichever cluster it belongs to,
so no window ever shows the model a pixel the user asked to replace. Only the cluster's own
pixels are taken from its windows. :class:`Window` records what is unusual about a hole
for this model (``note``), which inference reports as one warning line per image.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Optional

import numpy as np

from ..hole_stats import bounds, components, thickness_px

GAP = 3  # holes closer than this (pixels) are filled as one cluster
MAX_UPSCALE = 4.0  # a thin hole is enlarged at most this much (beyond, pixels are invented)
FIT_EXTENT = 0.75  # a cluster fits one window when its extent is at most this of the side
# Without training figures (a model exported before they existed): any hole up to half the
# window, at the image's own resolution.
DEFAULT_HOLES = {"thickness": [0.0, 0.25, 0.5], "extent": [0.0, 0.5, FIT_EXTENT],
                 "centre_offset": [0.0, 0.25, 0.5], "hole_fraction": [0.0, 0.1, 0.5]}


@dataclass(frozen=True)
class Window:
    """A square region of the image, ``side`` pixels from (``top``, ``left``) (it may reach
    beyond the image: mirrored), and the tent weight of its fill (``tent``: blended tiles)."""

    top: int
    left: int
    side: int
    tent: bool = False

    def weights(self) -> np.ndarray:
        """(side, side) weights of this window's pixels: 1, or a tent peaking at the centre."""
        if not self.tent:
            return np.ones((self.side, self.side), np.float32)
        ramp = 1.0 - np.abs(np.arange(self.side) + 0.5 - self.side / 2) / (self.side / 2)
        ramp = np.clip(ramp, 1e-3, None).astype(np.float32)
        return np.outer(ramp, ramp)


@dataclass
class Cluster:
    """One cluster's pixels (bool, image size), its windows and what is unusual about it."""

    pixels: np.ndarray
    windows: list[Window]
    scale: float
    note: Optional[str] = None


def clusters(hole: np.ndarray, gap: int = GAP) -> list[np.ndarray]:
    """The hole's clusters, as bool masks of the image's size (largest first)."""
    import cv2

    if gap > 0:
        kernel = np.ones((2 * gap + 1, 2 * gap + 1), np.uint8)
        grown = cv2.dilate(hole.astype(np.uint8), kernel) > 0
    else:
        grown = hole
    count, labels = components(grown)
    found = [hole & (labels == label) for label in range(1, count + 1)]
    return sorted(found, key=lambda c: -int(c.sum()))


def training_range(holes: Optional[dict[str, Any]], name: str) -> list[float]:
    """The 5th, 50th and 95th percentiles of a training-hole figure (fractions of the side)."""
    return list((holes or DEFAULT_HOLES).get(name, DEFAULT_HOLES[name]))


def choose_scale(thickness: float, model_side: int, holes: Optional[dict[str, Any]]) -> float:
    """Model pixels per image pixel that bring ``thickness`` (image pixels) into the
    training range; 1 when it is already there."""
    low, _, high = (q * model_side for q in training_range(holes, "thickness"))
    if thickness > high:
        return high / thickness
    if thickness < low:
        return min(low / thickness, MAX_UPSCALE)
    return 1.0


def _centred_only(holes: Optional[dict[str, Any]]) -> bool:
    """The model only ever saw holes centred in its images (a context encoder's box)."""
    return holes is not None and training_range(holes, "centre_offset")[2] < 0.02


def _single(box: tuple[int, int, int, int], side: int, shape: tuple[int, int],
            keep_centred: bool) -> Window:
    top, left, box_h, box_w = box
    start = [top + box_h / 2 - side / 2, left + box_w / 2 - side / 2]
    if not keep_centred:  # real pixels beat mirrored ones
        for axis in (0, 1):
            if side <= shape[axis]:
                start[axis] = min(max(start[axis], 0), shape[axis] - side)
    return Window(int(math.floor(start[0])), int(math.floor(start[1])), side)


def _tiles(cluster: np.ndarray, box: tuple[int, int, int, int], side: int) -> list[Window]:
    """Windows of ``side`` at a stride of half a side whose central half holds the cluster."""
    top, left, box_h, box_w = box
    half = max(side // 2, 1)
    tiles = []
    for row in range(top, top + box_h, half):
        for col in range(left, left + box_w, half):
            if cluster[row:row + half, col:col + half].any():
                tiles.append(Window(row - side // 4, col - side // 4, side, tent=True))
    return tiles


def plan(hole: np.ndarray, model_side: int, holes: Optional[dict[str, Any]]) -> list[Cluster]:
    """Every cluster of ``hole`` (bool (H, W)) with the windows that fill it."""
    shape = hole.shape
    largest = max(shape)
    fraction_high = training_range(holes, "hole_fraction")[2]
    planned = []
    for pixels in clusters(hole):
        box = bounds(pixels)
        thickness = thickness_px(pixels)
        scale = choose_scale(thickness, model_side, holes)
        side = max(int(round(model_side / scale)), 1)
        if side > largest:  # the whole image (mirrored to a square) is the largest window
            side = largest
            scale = model_side / side
        extent = max(box[2], box[3])
        if extent <= FIT_EXTENT * side or side >= largest:
            windows = [_single(box, side, shape, _centred_only(holes))]
        else:
            windows = _tiles(pixels, box, side)
        note = _note(thickness * scale, model_side, holes, hole, windows[0], fraction_high)
        planned.append(Cluster(pixels, windows, scale, note))
    return planned


def _note(thickness: float, model_side: int, holes: Optional[dict[str, Any]],
          hole: np.ndarray, window: Window, fraction_high: float) -> Optional[str]:
    """What sets this hole apart from the training holes, at the model's scale, or None."""
    if holes is None:
        return None
    low, _, high = (q * model_side for q in training_range(holes, "thickness"))
    if thickness > 1.5 * high:
        return (f"a hole is {thickness:.0f} px thick at the model's scale, thicker than it "
                f"trained on ({low:.0f}-{high:.0f} px)")
    if thickness < low / 1.5:
        return (f"a hole is {thickness:.1f} px thick at the model's scale, thinner than it "
                f"trained on ({low:.0f}-{high:.0f} px)")
    share = float(cut(hole[:, :, None].astype(np.float32), window).mean())
    if share > 1.5 * fraction_high + 0.05:
        return (f"a hole fills {share:.0%} of its window; the model trained on holes of up "
                f"to {fraction_high:.0%}")
    return None


def mirror_index(index: np.ndarray, length: int) -> np.ndarray:
    """Indices beyond [0, length) mirrored back (no edge repeat), for any distance."""
    if length == 1:
        return np.zeros_like(index)
    period = 2 * length - 2
    index = np.abs(index) % period
    return np.where(index >= length, period - index, index)


def cut(array: np.ndarray, window: Window) -> np.ndarray:
    """The window's pixels of an (H, W, C) array, mirrored beyond the image's border."""
    rows = mirror_index(np.arange(window.top, window.top + window.side), array.shape[0])
    cols = mirror_index(np.arange(window.left, window.left + window.side), array.shape[1])
    return array[np.ix_(rows, cols)]


def inside(window: Window, shape: tuple[int, int]) -> tuple[slice, slice, slice, slice]:
    """``(image rows, image cols, window rows, window cols)``: the part of the window that
    lies in the image."""
    top, left = max(window.top, 0), max(window.left, 0)
    bottom = min(window.top + window.side, shape[0])
    right = min(window.left + window.side, shape[1])
    return (slice(top, bottom), slice(left, right),
            slice(top - window.top, bottom - window.top),
            slice(left - window.left, right - window.left))
