"""Filling one image's hole with a model: the two strategies and the model call.

- ``crop`` (see :mod:`.windows`): each hole in windows of the model's size, scaled so the
  hole looks like the model's training holes; the fill is taken back at the image's own
  resolution. A ``residual`` model's fill is the exact harmonic fill of the image at its
  own resolution plus the model's correction, brought from the window's scale.
- ``resize``: the whole image brought to the model's size (aspect ratio not kept) and the
  completion brought back: for a model that regenerates a whole image's centre, or one that
  generates whole images.
- ``auto``: ``resize`` for a model that trained on whole-image holes, else ``crop``.

Arrays are (H, W, C) float32 in [0, 1] in the model's channels; holes bool (H, W).
"""
from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

from ...errors import DataError
from . import windows
from .images import resize
from .masks import model_hole

STRATEGIES = ("auto", "crop", "resize")
BATCH = 32  # windows per forward pass


def resolve(strategy: str, spec: dict[str, Any]) -> str:
    """The strategy ``auto`` stands for with this model (others as they are)."""
    if strategy not in STRATEGIES:
        raise DataError(f"strategy must be one of {', '.join(STRATEGIES)}, got {strategy!r}")
    if strategy != "auto":
        return strategy
    whole_image = spec["masker"]["name"] == "none" and not spec["item_masks"]
    return "resize" if whole_image or spec["conditional_input"] else "crop"


def fill_pixels(runner: Callable, spec: dict[str, Any], pixels: np.ndarray, hole: np.ndarray,
                *, strategy: str, device: Any) -> tuple[np.ndarray, list[str]]:
    """``(pixels with the hole filled, notes)``: (H, W, C) uint8/uint16 pixels in their own
    channels and type (:mod:`.images`), converted for the model and back; every known pixel
    stays the original's."""
    from . import images

    unit = images.convert_channels(images.to_unit(pixels), spec["channels"])
    filled, notes = fill(runner, spec, unit, hole, strategy=resolve(strategy, spec), device=device)
    back = images.convert_channels(filled, images.colour_channels(pixels))
    return images.fill_hole(pixels, back, hole), notes


def fill(runner: Callable, spec: dict[str, Any], unit: np.ndarray, hole: np.ndarray, *,
         strategy: str, device: Any) -> tuple[np.ndarray, list[str]]:
    """``(the image with its hole filled, notes on holes unlike the training ones)``."""
    if strategy == "resize":
        return fill_resize(runner, spec, unit, hole, device=device), []
    return fill_crop(runner, spec, unit, hole, device=device)


def fill_resize(runner: Callable, spec: dict[str, Any], unit: np.ndarray, hole: np.ndarray,
                *, device: Any) -> np.ndarray:
    """The whole image at the model's size, completed, and brought back."""
    height, width = hole.shape
    model_h, model_w = spec["size"]
    small = resize(unit, model_h, model_w)
    completed = complete(runner, small[None], model_hole(hole, model_h, model_w)[None],
                         spec, device)[0]
    return resize(completed, height, width)


def fill_crop(runner: Callable, spec: dict[str, Any], unit: np.ndarray, hole: np.ndarray,
              *, device: Any) -> tuple[np.ndarray, list[str]]:
    """Each hole filled in its own windows (see the module doc)."""
    model_side = int(min(spec["size"]))
    residual = spec["blend"] == "residual"
    planned = windows.plan(hole, model_side, spec.get("holes"))
    tiles = [(index, window) for index, cluster in enumerate(planned)
             for window in cluster.windows]
    shown = [windows.cut(unit, window) for _, window in tiles]
    holes = [windows.cut(hole[:, :, None], window)[:, :, 0] for _, window in tiles]
    small = np.stack([resize(image, model_side, model_side) for image in shown])
    small_holes = np.stack([model_hole(h, model_side, model_side) for h in holes])
    base = harmonic(unit, hole) if residual else np.zeros_like(unit)
    # A residual model corrects the harmonic fill: the exact one, solved once for the
    # image, brought to each window's scale (solving it again per window costs more than
    # the model).
    prefills = np.stack([resize(windows.cut(base, window), model_side, model_side)
                         for _, window in tiles]) if residual else None
    filled = complete(runner, small, small_holes, spec, device, prefills=prefills)
    total = np.zeros(unit.shape, np.float64)
    weight = np.zeros(hole.shape, np.float64)
    for (index, window), values in zip(tiles, filled):
        rows, cols, window_rows, window_cols = windows.inside(window, hole.shape)
        native = resize(values, window.side, window.side)[window_rows, window_cols]
        taken = planned[index].pixels[rows, cols]
        weights = window.weights()[window_rows, window_cols] * taken
        total[rows, cols] += native * weights[:, :, None]
        weight[rows, cols] += weights
    result = unit.copy()
    result[hole] = base[hole] + (total[hole] / weight[hole][:, None]).astype(np.float32)
    notes = [cluster.note for cluster in planned if cluster.note]
    return result, notes


def harmonic(unit: np.ndarray, hole: np.ndarray) -> np.ndarray:
    """The exact harmonic (membrane) fill of an (H, W, C) image at its own resolution: the
    training's fill (:func:`corefill.nn.blend.harmonic_fill`: the Laplace equation on the
    hole, image borders reflecting), solved directly on the hole's pixels (a sparse LU:
    one factorisation for every channel; conjugate gradients on a stroke across a large
    image take hundreds of sweeps of the whole image)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.linalg import splu

    height, width = hole.shape
    rows, cols = np.nonzero(hole)
    index = np.full(hole.shape, -1, np.int64)
    index[rows, cols] = np.arange(rows.size)
    degree = np.zeros(rows.size)
    entries: list[tuple[np.ndarray, np.ndarray]] = []
    rhs = np.zeros((rows.size, unit.shape[2]))
    for d_row, d_col in ((-1, 0), (1, 0), (0, -1), (0, 1)):
        n_row, n_col = rows + d_row, cols + d_col
        inside = (n_row >= 0) & (n_row < height) & (n_col >= 0) & (n_col < width)
        degree += inside
        at, n_row, n_col = np.flatnonzero(inside), n_row[inside], n_col[inside]
        neighbour = index[n_row, n_col]
        unknown = neighbour >= 0
        entries.append((at[unknown], neighbour[unknown]))
        np.add.at(rhs, at[~unknown], unit[n_row[~unknown], n_col[~unknown]])
    first = np.concatenate([np.arange(rows.size)] + [a for a, _ in entries])
    second = np.concatenate([np.arange(rows.size)] + [b for _, b in entries])
    values = np.concatenate([degree] + [-np.ones(a.size) for a, _ in entries])
    matrix = coo_matrix((values, (first, second)), shape=(rows.size, rows.size)).tocsc()
    result = unit.copy()
    result[rows, cols] = splu(matrix).solve(rhs).astype(unit.dtype)
    return result


def complete(runner: Callable, images: np.ndarray, holes: np.ndarray, spec: dict[str, Any],
             device: Any, *, prefills: Optional[np.ndarray] = None) -> np.ndarray:
    """The model's completion of model-size images (N, H, W, C) with holes (N, H, W), in
    [0, 1]; given the harmonic fills of the images (``prefills``), only what a residual
    model adds to them."""
    groups = _groups(holes) if spec["output_region"] == "hole_box" else [range(len(holes))]
    out = np.zeros(images.shape, np.float32)
    for group in groups:
        for start in range(0, len(group), BATCH):
            chosen = list(group[start:start + BATCH])
            out[chosen] = _forward(runner, images[chosen], holes[chosen], spec, device,
                                   None if prefills is None else prefills[chosen])
    return out


def _groups(holes: np.ndarray) -> list[list[int]]:
    """Windows whose holes share a bounding box: a hole-box generator sizes its output by
    the box of the whole batch, so each forward pass gets one box."""
    from ..hole_stats import bounds

    by_box: dict[tuple, list[int]] = {}
    for index, hole in enumerate(holes):
        key = bounds(hole) if hole.any() else ()
        by_box.setdefault(key, []).append(index)
    return list(by_box.values())


def _forward(runner: Callable, images: np.ndarray, holes: np.ndarray, spec: dict[str, Any],
             device: Any, prefills: Optional[np.ndarray]) -> np.ndarray:
    import torch

    from ...nn.holes import hole_boxes
    from ..data import middle
    from ..composite import complete as composite, residual_correction

    low, high = spec["value_range"]

    def tensor(array: np.ndarray) -> torch.Tensor:  # (N, H, W, C) in [0, 1] -> the model's
        nchw = torch.from_numpy(np.ascontiguousarray(array.transpose(0, 3, 1, 2)))
        return (nchw * (high - low) + low).to(device)

    target = tensor(images)
    mask = torch.from_numpy(holes.astype(np.float32))[:, None].to(device)
    batch = {"image": target, "input": target * (1 - mask), "mask": mask}
    if spec["output_region"] == "hole_box":
        batch["hole_box"] = hole_boxes(mask)
    centre = middle(spec["value_range"])
    with torch.no_grad():
        if prefills is None:
            unit = ((composite(runner, batch, spec["output_region"], spec["blend"], centre)
                     - low) / (high - low)).clamp(0, 1)
        else:
            unit = residual_correction(runner, batch, tensor(prefills), spec["output_region"],
                                       centre) / (high - low)
    return unit.permute(0, 2, 3, 1).float().cpu().numpy()


def check_hole(hole: np.ndarray, where: Any) -> None:
    """A hole that leaves nothing known cannot be filled from the image: one line."""
    if hole.all():
        raise DataError(f"{where}: the mask covers the whole image; nothing is left to fill "
                        "the hole from")

