"""The source's discriminator: a stack of strided convs ending in a map of real/fake scores."""
from torch import nn

from corefill.nn import doubling_widths, down_stack


class PatchDiscriminator(nn.Module):
    """depth x (conv 4x4 s2, LeakyReLU) -> conv 3x3 -> one score per patch."""

    def __init__(self, *, channels=3, base_channels=64, max_channels=512, depth=3, output="sigmoid"):
        super().__init__()
        widths = doubling_widths(base=base_channels, count=depth, cap=max_channels)
        head = [nn.Conv2d(widths[-1], 1, 3, padding=1)] + ([nn.Sigmoid()] if output == "sigmoid" else [])
        self.net = nn.Sequential(*down_stack(in_channels=channels, widths=widths, norm=False), *head)

    def forward(self, x):
        return self.net(x)
