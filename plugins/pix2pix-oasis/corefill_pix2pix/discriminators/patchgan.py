"""pix2pix PatchGAN discriminator: a fully convolutional net of 4×4 convs."""
from __future__ import annotations

import torch
from torch import nn

from ..generators.unet import init_weights


class PatchDiscriminator(nn.Module):
    """C64 - C128 - C256 - C512(stride 1) - 1 logit per patch (for ``num_layers=3``).

    Receptive field: 4×4 convs, strides 2,2,2,1,1 give 70 pixels per output logit.
    No norm on the first layer; LeakyReLU(0.2) everywhere; logits are raw (use BCE-with-logits).
    """

    def __init__(self, *, in_channels: int = 5, base_channels: int = 64, num_layers: int = 3):
        super().__init__()
        self.in_channels = in_channels
        layers: list[nn.Module] = [
            nn.Conv2d(in_channels, base_channels, 4, 2, 1),
            nn.LeakyReLU(0.2),
        ]
        width = base_channels
        for i in range(1, num_layers + 1):
            previous, width = width, base_channels * min(2**i, 8)
            stride = 2 if i < num_layers else 1
            layers += [
                nn.Conv2d(previous, width, 4, stride, 1, bias=False),
                nn.BatchNorm2d(width),
                nn.LeakyReLU(0.2),
            ]
        layers.append(nn.Conv2d(width, 1, 4, 1, 1))
        self.net = nn.Sequential(*layers)
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
    strides = [2] * num_layers + [1, 1]
    field = 1
    for stride in reversed(strides):
        field = (field - 1) * stride + 4
    return field
