"""Parameters of the built-in classical baselines (no torch here: read by `corefill components`)."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from ..params import Params


class _ValueRange(Params):
    value_range: tuple[float, float] = Field(
        (-1.0, 1.0), description="value range of the images in and out (the dataset's value_range)"
    )

    @model_validator(mode="after")
    def _ordered(self):
        low, high = self.value_range
        if not low < high:
            raise ValueError(f"value_range must be (low, high) with low < high, got {self.value_range}")
        return self


class OpenCVInpaintParams(_ValueRange):
    """Classical inpainting with cv2.inpaint (no training). Images in and out in `value_range`.

    Input: the image with the hole blanked, plus the mask (1 = hole); known pixels are
    returned unchanged. `float32` inpaints each channel as a float image (any channel
    count, no quantisation); `uint8` works on 1- or 3-channel 8-bit images (faster).
    """

    radius: float = Field(3.0, ge=1, le=64, description="neighbourhood radius in pixels")
    dtype: Literal["float32", "uint8"] = Field(
        "float32", description="what OpenCV inpaints: float per channel, or 8-bit 1/3-channel images"
    )


class TeleaParams(OpenCVInpaintParams):
    """Telea's fast-marching inpainting (cv2.INPAINT_TELEA), no training. Images in `value_range`.

    Input: the image with the hole blanked, plus the mask (1 = hole); known pixels are
    returned unchanged. `float32` inpaints each channel as a float image (any channel
    count, no quantisation); `uint8` works on 1- or 3-channel 8-bit images (faster).
    """


class NavierStokesParams(OpenCVInpaintParams):
    """Navier-Stokes-based inpainting (cv2.INPAINT_NS), no training. Images in `value_range`.

    Input: the image with the hole blanked, plus the mask (1 = hole); known pixels are
    returned unchanged. `float32` inpaints each channel as a float image (any channel
    count, no quantisation); `uint8` works on 1- or 3-channel 8-bit images (faster).
    """


class MeanFillParams(_ValueRange):
    """Fills the hole with the mean of the known pixels, per image and channel (no training).

    Images in and out in `value_range`; an image without known pixels is filled with the
    middle of the range.
    """
