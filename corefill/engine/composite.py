"""Compositing: how a generator's output becomes a completed image, shared by training,
scoring, validation, inference and serve.

- :func:`complete`: ``mask * out + (1 - mask) * image``; Poisson-blended with
  ``blend="poisson"``; the harmonic fill plus the generator's correction with
  ``blend="residual"`` (:func:`residual_complete`, :func:`residual_correction`);
- :func:`paste` / :func:`crop`: a hole-box generator's patch into its image, and back;
- :func:`discriminator_view`: what a discriminator sees of real or completed images.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

import torch
import torch.nn.functional as F

from ..nn.blend import harmonic_fill, poisson_blend


def _same_boxes(boxes: list[list[int]]) -> bool:
    return all(box == boxes[0] for box in boxes)


def paste(patch: torch.Tensor, image: torch.Tensor, boxes: torch.Tensor) -> torch.Tensor:
    """Paste per-sample patches into ``image`` at the hole boxes (host tensor, (N, 4))."""
    rows = boxes.tolist()
    full = image.detach().clone().to(patch.dtype)
    if _same_boxes(rows):
        top, left, height, width = rows[0]
        if patch.shape[-2:] != (height, width):
            patch = F.interpolate(patch, size=(height, width), mode="bilinear",
                                  align_corners=False)
        full[:, :, top:top + height, left:left + width] = patch
        return full
    for i, (top, left, height, width) in enumerate(rows):
        one = patch[i:i + 1]
        if one.shape[-2:] != (height, width):
            one = F.interpolate(one, size=(height, width), mode="bilinear", align_corners=False)
        full[i:i + 1, :, top:top + height, left:left + width] = one
    return full


def crop(images: torch.Tensor, boxes: torch.Tensor) -> torch.Tensor:
    """Crop each sample's hole box; differing boxes are resized to the first one's size."""
    rows = boxes.tolist()
    if _same_boxes(rows):
        top, left, height, width = rows[0]
        return images[:, :, top:top + height, left:left + width]
    size = tuple(rows[0][2:])
    crops = []
    for i, (top, left, height, width) in enumerate(rows):
        one = images[i:i + 1, :, top:top + height, left:left + width]
        if one.shape[-2:] != size:
            one = F.interpolate(one, size=size, mode="bilinear", align_corners=False)
        crops.append(one)
    return torch.cat(crops)


def complete(generator: Callable, batch: dict[str, Any], region: Optional[str],
             blend: str = "paste", middle: float = 0.0) -> torch.Tensor:
    """Run the generator and composite: ``mask * out + (1 - mask) * image``; with
    ``blend="poisson"`` the fill is Poisson-blended into the known pixels instead
    (:mod:`corefill.nn.blend`; only the known pixels of ``image`` are read); with
    ``blend="residual"`` see :func:`residual_complete` (``middle``: the centre of the value
    range, the output that corrects nothing)."""
    if blend == "residual":
        return residual_complete(generator, batch, region, middle)
    output = generator(batch["input"], batch["mask"])
    if region == "hole_box":
        output = paste(output, batch["image"], batch["hole_box"])
    mask = batch["mask"]
    if blend == "poisson":
        return poisson_blend(output, batch["image"], mask)
    return mask * output + (1.0 - mask) * batch["image"]


def residual_complete(generator: Callable, batch: dict[str, Any], region: Optional[str],
                      middle: float) -> torch.Tensor:
    """The harmonic fill plus the generator's correction: the generator sees its input with
    the hole holding the harmonic fill instead of zeros, and its output less ``middle`` is
    added to that fill in the hole. A generator whose output is ``middle`` everywhere (the
    engine zeroes its last layer: :func:`corefill.nn.init.zero_output_layer`) gives the
    harmonic fill exactly, so training starts from the strongest classical fill and only
    has to learn what it misses (only the known pixels of ``image`` are read)."""
    image, mask = batch["image"], batch["mask"]
    with torch.no_grad():  # a function of the known pixels alone: nothing to learn in it
        prefill = harmonic_fill(image, mask, middle=middle)
    return prefill + residual_correction(generator, batch, prefill, region, middle)


def residual_correction(generator: Callable, batch: dict[str, Any], prefill: torch.Tensor,
                        region: Optional[str], middle: float) -> torch.Tensor:
    """What a residual generator adds to ``prefill`` (the harmonic fill): its output less
    ``middle``, in the hole only (inference brings in a fill solved at another scale)."""
    mask, net_input = batch["mask"], batch["input"]
    if net_input.shape != prefill.shape:
        raise ValueError(f"blend residual fills the hole of the generator's input, which "
                         f"must be the masked image (shape {tuple(prefill.shape)}), got "
                         f"{tuple(net_input.shape)}")
    output = generator(net_input * (1.0 - mask) + mask * prefill.to(net_input.dtype), mask)
    if region == "hole_box":
        output = paste(output, torch.full_like(prefill, middle), batch["hole_box"])
    return mask * (output - middle)


def discriminator_view(kind: str, images: torch.Tensor, batch: dict[str, Any]) -> torch.Tensor:
    """What D sees of real or completed images (recipe ``discriminator.input``)."""
    if kind == "fill":
        return crop(images, batch["hole_box"])
    if kind == "conditional":
        return torch.cat([batch["input"].to(images.dtype), images], dim=1)
    return images
