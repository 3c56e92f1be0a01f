"""The source's generator: an hourglass without skip connections."""
import torch
from torch import nn


def down(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 4, stride=2, padding=1), nn.LeakyReLU(0.2, inplace=True))


def up(cin, cout):
    return nn.Sequential(nn.ConvTranspose2d(cin, cout, 4, stride=2, padding=1, bias=False),
                         nn.BatchNorm2d(cout), nn.ELU(inplace=True))


class DownUpGenerator(nn.Module):
    """(RGB with hole, mask) -> depth x (conv s2, LeakyReLU) -> depth x (up-conv, BN, ELU) -> RGB."""

    def __init__(self, *, channels=3, mask_channel=True, base_channels=64, max_channels=512, depth=4):
        super().__init__()
        self.mask_channel, self.depth = mask_channel, depth
        widths = [min(base_channels * 2**i, max_channels) for i in range(depth)]
        ins = [channels + int(mask_channel)] + widths[:-1]
        self.down = nn.Sequential(*[down(a, b) for a, b in zip(ins, widths)])
        rev = widths[::-1]
        self.up = nn.Sequential(*[up(a, b) for a, b in zip(rev[:-1], rev[1:])])
        self.to_image = nn.Sequential(
            nn.ConvTranspose2d(widths[0], channels, 4, stride=2, padding=1), nn.Tanh())

    def forward(self, input, mask):
        x = torch.cat([input, mask], dim=1) if self.mask_channel else input
        step = 2**self.depth
        if x.shape[-2] % step or x.shape[-1] % step:
            raise ValueError(f"image size {tuple(x.shape[-2:])} must be divisible by {step} (2**depth)")
        return self.to_image(self.up(self.down(x)))
