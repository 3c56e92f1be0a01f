"""PatchGAN discriminator (Isola et al. 2017): one real/fake logit per overlapping patch."""
from __future__ import annotations

import torch
from torch import nn

from .blocks import doubling_widths, down_block
from .init import init_weights


class PatchGAN(nn.Module):
    """C64 - C128 - C256 - C512(stride 1) - 1 logit per patch (for ``num_layers=3``).

    4x4 convs with strides 2 (x num_layers), 1, 1: a 70-pixel receptive field for 3 layers
    (:func:`receptive_field`). No norm on the first layer, LeakyReLU(0.2), channels capped at
    8x ``base_channels``, raw logits ``(N, 1, h, w)`` (pair with BCE-with-logits), pix2pix init.
    """

    def __init__(self, *, in_channels: int = 5, base_channels: int = 64, num_layers: int = 3):
        super().__init__()
        self.in_channels = in_channels
        widths = doubling_widths(base=base_channels, count=num_layers + 1, cap=8 * base_channels)
        layers = [down_block(in_channels=in_channels, out_channels=widths[0], norm=False)]
        layers += [down_block(in_channels=a, out_channels=b, stride=2 if i < num_layers else 1)
                   for i, (a, b) in enumerate(zip(widths[:-1], widths[1:]), start=1)]
        self.net = nn.Sequential(*layers, nn.Conv2d(widths[-1], 1, 4, 1, 1))
        self.apply(init_weights)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[1] != self.in_channels:
            raise ValueError(
                f"PatchGAN expects {self.in_channels} channels, got {x.shape[1]} "
                "(discriminator param in_channels; conditional D sees input + image channels)"
            )
        return self.net(x)


def receptive_field(num_layers: int = 3) -> int:
    """Side of the input patch one output logit depends on (70 for 3 layers)."""
    field = 1
    for stride in reversed([2] * num_layers + [1, 1]):
        field = (field - 1) * stride + 4
    return field
