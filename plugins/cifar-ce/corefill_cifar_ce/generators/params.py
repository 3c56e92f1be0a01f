"""Params of the CIFAR context encoder (no torch import here)."""
from pydantic import Field, field_validator, model_validator

from corefill.params import Params


class CifarContextEncoderParams(Params):
    """Context encoder (Pathak et al. 2016) for small images: conv encoder down to 4x4,
    channel-wise fully connected bottleneck, up-conv decoder to the centre hole.

    Expects the masked image in [-1, 1] (hole zeroed), ``image_size`` square; produces only
    the hole's bounding box in [-1, 1] (tanh), ``hole_size`` square, resized to the mask's
    box when that differs.
    """

    image_size: int = Field(32, ge=8, le=512, description="input height = width (power of 2)")
    hole_size: int = Field(16, ge=4, le=512, description="side of the generated centre (power of 2)")
    channels: int = Field(3, ge=1, le=4, description="image channels (3 = RGB)")
    base_channels: int = Field(64, ge=4, le=512, description="channels of the first encoder conv (doubling)")
    mask_channel: bool = Field(False, description="also feed the mask (the source does not)")
    dropout: float = Field(0.0, ge=0.0, lt=1.0, description="dropout after the channel-wise FC")

    @field_validator("image_size", "hole_size")
    @classmethod
    def _pow2(cls, value, info):
        if value & (value - 1):
            raise ValueError(f"{info.field_name} must be a power of two, got {value}")
        return value

    @model_validator(mode="after")
    def _hole_fits(self):
        if self.hole_size > self.image_size:
            raise ValueError(f"hole_size {self.hole_size} exceeds image_size {self.image_size}")
        return self
