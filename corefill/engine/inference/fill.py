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

from typing import Any, Callable

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
    filled = complete(runner, small, small_holes, spec, device, correction=residual)
    base = harmonic(unit, hole) if residual else np.zeros_like(unit)
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
    """The exact harmonic (membrane) fill of an (H, W, C) image at its own resolution."""
    import torch

    from ...nn.blend import harmonic_fill

    image = torch.from_numpy(np.ascontiguousarray(unit.transpose(2, 0, 1)))[None]
    mask = torch.from_numpy(hole.astype(np.float32))[None, None]
    with torch.no_grad():
        filled = harmonic_fill(image * (1 - mask), mask, middle=0.5)
    return filled[0].permute(1, 2, 0).numpy()


def complete(runner: Callable, images: np.ndarray, holes: np.ndarray, spec: dict[str, Any],
             device: Any, *, correction: bool = False) -> np.ndarray:
    """The model's completion of model-size images (N, H, W, C) with holes (N, H, W), in
    [0, 1]; with ``correction`` only what a residual model adds to the harmonic fill."""
    groups = _groups(holes) if spec["output_region"] == "hole_box" else [range(len(holes))]
    out = np.zeros(images.shape, np.float32)
    for group in groups:
        for start in range(0, len(group), BATCH):
            chosen = list(group[start:start + BATCH])
            out[chosen] = _forward(runner, images[chosen], holes[chosen], spec, device,
                                   correction)
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
             device: Any, correction: bool) -> np.ndarray:
    import torch

    from ...nn.blend import harmonic_fill
    from ..data import hole_box, middle
    from ..steps import complete as composite

    low, high = spec["value_range"]
    target = torch.from_numpy(np.ascontiguousarray(images.transpose(0, 3, 1, 2)))
    target = (target * (high - low) + low).to(device)
    mask = torch.from_numpy(holes.astype(np.float32))[:, None].to(device)
    batch = {"image": target, "input": target * (1 - mask), "mask": mask}
    if spec["output_region"] == "hole_box":
        batch["hole_box"] = torch.stack([hole_box(m) for m in mask.cpu()])
    with torch.no_grad():
        output = composite(runner, batch, spec["output_region"], spec["blend"],
                           middle(spec["value_range"]))
        if correction:  # the harmonic fill the model started from, at the same scale
            output = low + output - harmonic_fill(target, mask, middle=middle(spec["value_range"]))
    unit = (output - low) / (high - low)
    if not correction:
        unit = unit.clamp(0, 1)
    return unit.permute(0, 2, 3, 1).float().cpu().numpy()


def check_hole(hole: np.ndarray, where: Any) -> None:
    """A hole that leaves nothing known cannot be filled from the image: one line."""
    if hole.all():
        raise DataError(f"{where}: the mask covers the whole image; nothing is left to fill "
                        "the hole from")

