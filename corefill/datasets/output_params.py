"""The value range every built-in dataset maps its images to (pydantic, no torch)."""
from __future__ import annotations

from pydantic import Field, field_validator

from corefill.params import Params


class OutputParams(Params):
    """Base of dataset Params: the range images come out in."""

    value_range: tuple[float, float] = Field(
        (-1.0, 1.0), description="[lo, hi] the images are mapped to, e.g. [-1, 1] or [0, 1]"
    )

    @field_validator("value_range")
    @classmethod
    def _ordered(cls, value: tuple[float, float]) -> tuple[float, float]:
        if not value[0] < value[1]:
            raise ValueError("value_range must be [lo, hi] with lo < hi")
        return value
