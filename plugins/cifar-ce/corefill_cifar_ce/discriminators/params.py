"""Params of the centre critic (no torch import here)."""
from pydantic import Field, field_validator

from corefill.params import Params


class CentreCriticParams(Params):
    """Discriminator of the context encoder: real vs generated centre regions.

    Expects ``(N, channels, input_size, input_size)`` crops in [-1, 1] (other sizes are
    resized); produces one raw logit per image, ``(N, 1)`` (pair with `bce`).
    """

    input_size: int = Field(16, ge=8, le=512, description="side of the judged centre (power of 2)")
    channels: int = Field(3, ge=1, le=4, description="image channels")
    base_channels: int = Field(64, ge=4, le=512, description="channels of the first conv (doubling)")

    @field_validator("input_size")
    @classmethod
    def _pow2(cls, value):
        if value & (value - 1):
            raise ValueError(f"input_size must be a power of two, got {value}")
        return value
