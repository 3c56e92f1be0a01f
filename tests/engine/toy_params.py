"""Params of the toy components used by the engine tests (no torch import here)."""
from pydantic import Field

from corefill.params import NoParams, Params  # noqa: F401 (NoParams is registered by path)


class ToyDatasetParams(Params):
    """Synthetic smooth images in [-1, 1]; paired=True adds a conditioning ``input``."""

    count: int = Field(12, ge=1, description="items in the split")
    size: int = Field(16, ge=4, description="image height and width")
    channels: int = Field(1, ge=1, description="image channels")
    paired: bool = Field(False, description="bring an `input` (pix2pix-style)")
    delay: float = Field(0.0, ge=0, description="seconds of sleep per item (slow runs)")
    broken: int = Field(-1, description="index whose file cannot be read (-1: none)")


class BoxMaskerParams(Params):
    """Square hole of `box` pixels at a random position (mask: 1 = hole)."""

    box: int = Field(6, ge=1, description="hole side in pixels")


class TinyGeneratorParams(Params):
    """Conv net on cat(input, mask); output in [-1, 1]."""

    in_channels: int = Field(1, ge=1, description="input channels")
    out_channels: int = Field(1, ge=1, description="output channels")
    width: int = Field(8, ge=1, description="hidden channels")
    patch: int = Field(0, ge=0, description="> 0: predict only a patch x patch hole box")
    dropout: float = Field(0.0, ge=0, lt=1, description="dropout before the head")


class TinyDiscriminatorParams(Params):
    """Two strided convs; images in [-1, 1] -> patch logits."""

    in_channels: int = Field(1, ge=1, description="input channels")
    width: int = Field(8, ge=1, description="hidden channels")



class MinImagesParams(Params):
    """Mean |output - target| over all pixels (images in [0, 1]); refuses small splits."""

    min_images: int = Field(2, ge=1, description="fewest images it will score")
