"""Classical inpainting baselines: parameter-free generators with ``forward(input, mask)``.

``input`` is the image with the hole blanked, ``mask`` is 1 in the hole; outputs keep the
known pixels of ``input`` exactly and are in the same value range.
"""
from __future__ import annotations

from typing import Any, Literal

import cv2
import numpy as np
import torch
from torch import nn

from ..nn.blend import harmonic_fill, hole_mean_fill
from ..registry import BuildContext
from .params import HarmonicParams, MeanFillParams, NavierStokesParams, TeleaParams

_FLAGS = {"telea": cv2.INPAINT_TELEA, "navier-stokes": cv2.INPAINT_NS}


class OpenCVInpaint(nn.Module):
    """cv2.inpaint (Telea's fast marching or Navier-Stokes) applied image by image."""

    keeps_known = True  # returns the known pixels of its input unchanged

    def __init__(self, *, method: Literal["telea", "navier-stokes"], radius: float,
                 value_range: tuple[float, float], dtype: Literal["float32", "uint8"]):
        super().__init__()
        if method not in _FLAGS:
            raise ValueError(f"unknown cv2.inpaint method {method!r}; use one of {sorted(_FLAGS)}")
        self.method, self.radius, self.dtype = method, float(radius), dtype
        self.low, self.high = (float(v) for v in value_range)

    def _inpaint_one(self, image: np.ndarray, hole: np.ndarray) -> np.ndarray:
        """image (C, H, W) float32 in [0, 255]; returns the same shape."""
        flag = _FLAGS[self.method]
        if self.dtype == "uint8":
            if image.shape[0] not in (1, 3):
                raise ValueError(f"{self.method}: dtype uint8 needs 1 or 3 channels, got {image.shape[0]}")
            pixels = np.ascontiguousarray(image.transpose(1, 2, 0).round().astype(np.uint8))
            filled = cv2.inpaint(pixels, hole, self.radius, flag).reshape(pixels.shape)
            return filled.transpose(2, 0, 1).astype(np.float32)
        channels = [cv2.inpaint(np.ascontiguousarray(ch), hole, self.radius, flag) for ch in image]
        return np.stack(channels)

    @torch.no_grad()
    def forward(self, input: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        scale = 255.0 / (self.high - self.low)
        pixels = ((input.detach().float().cpu() - self.low) * scale).clamp(0, 255).numpy()
        holes = (mask.detach().cpu().numpy()[:, 0] > 0.5).astype(np.uint8)
        filled = np.stack([self._inpaint_one(img, hole) for img, hole in zip(pixels, holes)])
        result = torch.from_numpy(filled).to(input.device, input.dtype) / scale + self.low
        mask = mask.to(input.dtype)
        return mask * result + (1 - mask) * input


class MeanFill(nn.Module):
    """Fills the hole with the mean of the known pixels of each image and channel."""

    keeps_known = True

    def __init__(self, *, value_range: tuple[float, float]):
        super().__init__()
        self.middle = (float(value_range[0]) + float(value_range[1])) / 2

    @torch.no_grad()
    def forward(self, input: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return hole_mean_fill(input, mask, middle=self.middle)


class HarmonicFill(MeanFill):
    """The smoothest surface that meets the known pixels at the hole's border: the discrete
    Laplace equation on the hole (membrane inpainting), solved as a Poisson blend of a fill
    with no gradients of its own (an all-hole image gets the mean fill's ``middle``)."""

    @torch.no_grad()
    def forward(self, input: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return harmonic_fill(input, mask, middle=self.middle)


# -- registration: built from their Params in the dataset's context ----------------------
def _value_range(params: Any, context: BuildContext) -> tuple[float, float]:
    """The recipe's value range if it names one, else the dataset's ([-1, 1] without one)."""
    return tuple(params.value_range or context.value_range or (-1.0, 1.0))


def telea(params: TeleaParams, context: BuildContext) -> OpenCVInpaint:
    return OpenCVInpaint(method="telea", radius=params.radius, dtype=params.dtype,
                         value_range=_value_range(params, context))


def navier_stokes(params: NavierStokesParams, context: BuildContext) -> OpenCVInpaint:
    return OpenCVInpaint(method="navier-stokes", radius=params.radius, dtype=params.dtype,
                         value_range=_value_range(params, context))


def mean_fill(params: MeanFillParams, context: BuildContext) -> MeanFill:
    return MeanFill(value_range=_value_range(params, context))


def harmonic(params: HarmonicParams, context: BuildContext) -> HarmonicFill:
    return HarmonicFill(value_range=_value_range(params, context))
