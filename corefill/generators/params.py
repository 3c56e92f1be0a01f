"""Parameters of the built-in classical baselines (no torch here: read by `corefill components`)."""
from __future__ import annotations

from typing import Literal, Optional

from pydantic import Field, model_validator

from ..params import Params


class _ValueRange(Params):
    value_range: Optional[tuple[float, float]] = Field(
        None, description="value range of the images in and out; null = the dataset's"
    )

    @model_validator(mode="after")
    def _ordered(self):
        if self.value_range is not None and not self.value_range[0] < self.value_range[1]:
            raise ValueError(f"value_range must be (low, high) with low < high, got {self.value_range}")
        return self


class OpenCVInpaintParams(_ValueRange):
    """Classical inpainting with cv2.inpaint (no training). Images in and out in `value_range`.

    Images in and out in `value_range` (null: the dataset's). Input: the image with the hole blanked, plus the mask (1 = hole); known pixels are
    returned unchanged. `float32` inpaints each channel as a float image (any channel
    count, no quantisation); `uint8` works on 1- or 3-channel 8-bit images (faster).
    """

    radius: float = Field(3.0, ge=1, le=64, description="neighbourhood radius in pixels")
    dtype: Literal["float32", "uint8"] = Field(
        "float32", description="what OpenCV inpaints: float per channel, or 8-bit 1/3-channel images"
    )


class TeleaParams(OpenCVInpaintParams):
    """Telea's fast-marching inpainting (cv2.INPAINT_TELEA), no training."""


class NavierStokesParams(OpenCVInpaintParams):
    """Navier-Stokes-based inpainting (cv2.INPAINT_NS), no training."""


class MeanFillParams(_ValueRange):
    """Fills the hole with the mean of the known pixels, per image and channel (no training).

    Images in and out in `value_range`; an image without known pixels is filled with the
    middle of the range.
    """


class HarmonicParams(_ValueRange):
    """Membrane (harmonic) inpainting, no training: the hole takes the smoothest surface
    that meets the known pixels at its border (the discrete Laplace equation, solved per
    image and channel). Strong on small holes in smooth images, blind to texture.

    Images in and out in `value_range`; an image without known pixels is filled with the
    middle of the range.
    """
