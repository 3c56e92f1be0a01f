"""Params of the context-encoder discriminator (no torch import here)."""
from pydantic import Field, field_validator

from corefill.params import Params


class ContextDiscriminatorParams(Params):
    """DCGAN-style critic of the centre region: real vs generated hole-box content.

    Expects ``(N, channels, input_size, input_size)`` crops in [-1, 1]; produces one
    raw logit per image, shape ``(N, 1)`` (no sigmoid: pair it with a BCE-with-logits loss).
    """

    input_size: int = Field(32, ge=8, le=1024, description="side of the judged box (power of 2)")
    channels: int = Field(1, ge=1, le=4, description="image channels")
    base_channels: int = Field(32, ge=4, le=256, description="channels of the first conv")
    max_channels: int = Field(256, ge=8, le=2048, description="cap on channels in deeper layers")

    @field_validator("input_size")
    @classmethod
    def _check_pow2(cls, value):
        if value & (value - 1):
            raise ValueError(f"input_size must be a power of two, got {value}")
        return value
