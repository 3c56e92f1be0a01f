"""Parameters of the pix2pix generators (no torch import)."""
from typing import Literal, Optional

from pydantic import Field

from corefill.plugin import Params


class UNetParams(Params):
    """pix2pix U-Net with skip connections: conditioning image -> image in [-1, 1] (tanh).

    Expects ``input`` of ``in_channels`` (a one-hot label map in {0, 1} or a label map in
    [-1, 1]) whose sides are divisible by 256 (unet_256: 8 halvings) or 128 (unet_128:
    7 halvings). The mask argument is ignored (pix2pix translates the whole image).
    """

    architecture: Literal["unet_128", "unet_256"] = Field(
        "unet_256", description="unet_256: 8 down/up levels (256² -> 1²); unet_128: 7 levels"
    )
    in_channels: Optional[int] = Field(
        None, ge=1, le=64,
        description="channels of the conditioning input; null = the dataset's input channels")
    out_channels: Optional[int] = Field(
        None, ge=1, le=16, description="channels of the generated image; null = the dataset's")
    base_channels: int = Field(
        64, ge=4, le=256, description="filters of the first level (ngf); doubles up to 8x"
    )
    dropout: float = Field(
        0.5, ge=0.0, lt=1.0, description="dropout in the innermost 8x-wide decoder levels"
    )


class LabelMeanParams(Params):
    """Baseline: paints each label with its mean training intensity (in the data's range).

    Reads the label map from ``input`` (one-hot with ``num_classes`` channels: argmax; one
    channel: labels scaled to [-1, 1]). Needs ``fit(loader)`` on the train split first.
    """

    num_classes: int = Field(4, ge=2, le=64, description="number of labels in the map")
    out_channels: Optional[int] = Field(
        None, ge=1, le=16, description="channels of the painted image; null = the dataset's")
