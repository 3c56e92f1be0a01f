"""Params of the context-encoder generator (no torch import here)."""
from typing import Optional

from pydantic import Field, field_validator, model_validator

from corefill.params import Params


def _power_of_two(value: int, field: str) -> int:
    if value & (value - 1):
        raise ValueError(f"{field} must be a power of two, got {value}")
    return value


class ContextEncoderParams(Params):
    """Context encoder (Pathak et al. 2016): encoder -> channel-wise FC -> up-conv decoder.

    Expects the masked image in [-1, 1] (hole pixels zeroed) of size ``image_size``;
    produces only the hole's bounding-box content in [-1, 1] (tanh), ``hole_size`` square,
    resized to the mask's actual box when that differs.
    """

    image_size: int = Field(64, ge=16, le=1024, description="input height = width (power of 2)")
    hole_size: Optional[int] = Field(
        None, ge=8, le=512, description="side of the generated centre box; default image_size // 2"
    )
    channels: int = Field(1, ge=1, le=4, description="image channels (1 = grey radiographs)")
    base_channels: int = Field(32, ge=4, le=256, description="channels of the first encoder conv")
    max_channels: int = Field(256, ge=8, le=2048, description="cap on channels in deeper layers")
    mask_channel: bool = Field(
        True, description="feed the mask as an extra input channel (tells the net where the hole is)"
    )
    dropout: float = Field(0.0, ge=0.0, lt=1.0, description="dropout after the channel-wise FC")

    @field_validator("image_size", "hole_size")
    @classmethod
    def _check_pow2(cls, value, info):
        return value if value is None else _power_of_two(value, info.field_name)

    @model_validator(mode="after")
    def _hole_fits(self):
        if self.hole_size is not None and self.hole_size > self.image_size:
            raise ValueError(f"hole_size {self.hole_size} exceeds image_size {self.image_size}")
        return self
