"""Params of the down/up generator (no torch import here)."""
from typing import Optional

from pydantic import Field

from corefill.plugin import Params


class DownUpGeneratorParams(Params):
    """The source's generator: strided convs down (LeakyReLU), transposed convs up (BatchNorm, ELU).

    Expects the image with its hole zeroed, in [-1, 1], plus the mask as an extra channel
    (4 channels for RGB); height and width divisible by 2**depth. Produces the full image
    in [-1, 1] (tanh).
    """

    channels: Optional[int] = Field(
        None, ge=1, le=4, description="image channels (3 = RGB); null = the dataset's")
    mask_channel: bool = Field(True, description="feed the binary mask as an extra input channel")
    base_channels: int = Field(64, ge=4, le=512, description="channels of the first conv (doubling)")
    max_channels: int = Field(512, ge=8, le=2048, description="cap on channels in deeper layers")
    depth: int = Field(4, ge=1, le=8, description="stride-2 convs down (and transposed convs up)")
