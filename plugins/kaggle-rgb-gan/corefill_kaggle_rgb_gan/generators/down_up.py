"""The source's generator: an hourglass without skip connections."""
import torch
from torch import nn

from corefill.nn import doubling_widths, down_stack, up_stack


class DownUpGenerator(nn.Module):
    """(RGB with hole, mask) -> depth x (conv s2, LeakyReLU) -> depth x (up-conv, BN, ELU) -> RGB."""

    def __init__(self, *, channels=3, mask_channel=True, base_channels=64, max_channels=512, depth=4):
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
