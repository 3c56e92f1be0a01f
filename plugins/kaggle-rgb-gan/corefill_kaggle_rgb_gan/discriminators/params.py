"""Params of the per-patch discriminator (no torch import here)."""
from typing import Literal, Optional

from pydantic import Field

from corefill.plugin import Params


class PatchDiscriminatorParams(Params):
    """The source's discriminator: strided convs with LeakyReLU, one real/fake score per patch.

    Expects whole images ``(N, channels, H, W)`` in [-1, 1]; produces ``(N, 1, H/2**depth,
    W/2**depth)`` scores: in (0, 1) with ``output: sigmoid`` (the source, trained with MSE),
    raw with ``linear``. Pair with the `lsgan` loss (MSE to 1 for real, 0 for fake).
    """

    channels: Optional[int] = Field(
        None, ge=1, le=8,
        description="channels of what D sees; null = the dataset's image channels (D sees the image)")
    base_channels: int = Field(64, ge=4, le=512, description="channels of the first conv (doubling)")
    max_channels: int = Field(512, ge=8, le=2048, description="cap on channels in deeper layers")
    depth: int = Field(3, ge=1, le=8, description="stride-2 convs; each patch score sees ~2**(depth+2) px")
    output: Literal["sigmoid", "linear"] = Field(
        "sigmoid", description="sigmoid: scores in (0, 1) as the source; linear: raw least-squares scores"
    )
