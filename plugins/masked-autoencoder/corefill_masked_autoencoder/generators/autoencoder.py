"""The completion autoencoder of the source: no skip connections, the hole is rebuilt from the
bottleneck alone."""
from typing import Literal

import torch
from torch import nn

from corefill.plugin import BuildContext

from .params import CompletionAutoencoderParams

ACTIVATIONS = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "none": nn.Identity}


def encoder_stage(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2))


def decoder_stage(cin, cout, *, last):
    layers = [nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(cin, cout, 3, padding=1)]
    return nn.Sequential(*layers) if last else nn.Sequential(*layers, nn.ReLU(inplace=True))


class CompletionAutoencoder(nn.Module):
    """(input [, mask]) -> conv/pool x depth -> upsample/conv x depth -> full image."""

    def __init__(self, *, channels: int, base_channels: int, depth: int, mask_channel: bool,
                 output_activation: Literal["sigmoid", "tanh", "none"],
                 init: Literal["he", "default"]):
        super().__init__()
        self.mask_channel, self.depth = mask_channel, depth
        widths = [base_channels * 2**i for i in range(depth)]
        ins = [channels + int(mask_channel)] + widths[:-1]
        self.encoder = nn.Sequential(*[encoder_stage(a, b) for a, b in zip(ins, widths)])
        outs = widths[::-1][1:] + [channels]
        self.decoder = nn.Sequential(*[decoder_stage(a, b, last=i == depth - 1)
                                       for i, (a, b) in enumerate(zip(widths[::-1], outs))])
        self.activation = ACTIVATIONS[output_activation]()
        if init == "he":
            self.apply(he_init)

    def forward(self, input, mask):
        x = torch.cat([input, mask], dim=1) if self.mask_channel else input
        step = 2**self.depth
        if x.shape[-2] % step or x.shape[-1] % step:
            raise ValueError(f"image size {tuple(x.shape[-2:])} must be divisible by {step} "
                             f"(2**depth)")
        return self.activation(self.decoder(self.encoder(x)))


def he_init(module):
    """'Xavier/2': zero-mean normal weights with variance 2 / fan_in (suits ReLU), zero bias."""
    if isinstance(module, nn.Conv2d):
        nn.init.kaiming_normal_(module.weight, nonlinearity="relu")
        nn.init.zeros_(module.bias)


# -- registration ----------------------------------------------------------------------
def completion_autoencoder(params: CompletionAutoencoderParams,
                           context: BuildContext) -> CompletionAutoencoder:
    """As many channels as the recipe says, else as the dataset has (grey without one)."""
    return CompletionAutoencoder(
        channels=params.channels or context.channels or 1, base_channels=params.base_channels,
        depth=params.depth, mask_channel=params.mask_channel,
        output_activation=params.output_activation, init=params.init)
