"""The source's discriminator: a stack of strided convs ending in a map of real/fake scores."""
from typing import Literal

from torch import nn

from corefill.nn import doubling_widths, down_stack
from corefill.plugin import BuildContext

from .params import PatchDiscriminatorParams


class PatchDiscriminator(nn.Module):
    """depth x (conv 4x4 s2, LeakyReLU) -> conv 3x3 -> one score per patch."""

    def __init__(self, *, channels: int, base_channels: int, max_channels: int, depth: int,
                 output: Literal["sigmoid", "linear"]):
        super().__init__()
        widths = doubling_widths(base=base_channels, count=depth, cap=max_channels)
        head = [nn.Conv2d(widths[-1], 1, 3, padding=1)] + ([nn.Sigmoid()] if output == "sigmoid" else [])
        self.net = nn.Sequential(*down_stack(in_channels=channels, widths=widths, norm=False), *head)

    def forward(self, x):
        return self.net(x)


# -- registration ----------------------------------------------------------------------
def kaggle_patch_discriminator(params: PatchDiscriminatorParams,
                               context: BuildContext) -> PatchDiscriminator:
    """As many channels as the recipe says, else the dataset's image channels (RGB without
    one): D judges the composited image."""
    return PatchDiscriminator(channels=params.channels or context.channels or 3,
                              base_channels=params.base_channels,
                              max_channels=params.max_channels, depth=params.depth,
                              output=params.output)
