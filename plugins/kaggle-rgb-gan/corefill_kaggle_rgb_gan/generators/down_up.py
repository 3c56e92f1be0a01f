"""The source's generator: an hourglass without skip connections."""
import torch
from torch import nn

from corefill.nn import doubling_widths, down_stack, up_stack
from corefill.plugin import BuildContext

from .params import DownUpGeneratorParams


class DownUpGenerator(nn.Module):
    """(RGB with hole, mask) -> depth x (conv s2, LeakyReLU) -> depth x (up-conv, BN, ELU) -> RGB."""

    def __init__(self, *, channels: int, mask_channel: bool, base_channels: int,
                 max_channels: int, depth: int):
        super().__init__()
        self.mask_channel, self.depth = mask_channel, depth
        widths = doubling_widths(base=base_channels, count=depth, cap=max_channels)
        self.down = down_stack(in_channels=channels + int(mask_channel), widths=widths, norm=False)
        self.up = up_stack(widths=widths[::-1], activation="elu")
        self.to_image = nn.Sequential(
            nn.ConvTranspose2d(widths[0], channels, 4, stride=2, padding=1), nn.Tanh())

    def forward(self, input, mask):
        x = torch.cat([input, mask], dim=1) if self.mask_channel else input
        step = 2**self.depth
        if x.shape[-2] % step or x.shape[-1] % step:
            raise ValueError(f"image size {tuple(x.shape[-2:])} must be divisible by {step} (2**depth)")
        return self.to_image(self.up(self.down(x)))


# -- registration ----------------------------------------------------------------------
def kaggle_gan_generator(params: DownUpGeneratorParams, context: BuildContext) -> DownUpGenerator:
    """As many channels as the recipe says, else as the dataset has (RGB without one)."""
    return DownUpGenerator(channels=params.channels or context.channels or 3,
                           mask_channel=params.mask_channel, base_channels=params.base_channels,
                           max_channels=params.max_channels, depth=params.depth)
