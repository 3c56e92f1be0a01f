"""pix2pix U-Net generator (Isola et al. 2017): encoder-decoder with skip connections."""
from __future__ import annotations

import torch
from torch import nn

from corefill.nn import doubling_widths, down_block, init_weights, up_block
from corefill.plugin import BuildContext

from .params import UNetParams

DEPTHS = {"unet_128": 7, "unet_256": 8}


class UNetGenerator(nn.Module):
    """U-Net with ``num_downs`` halvings; level i of the decoder sees cat(decoded, encoded_i).

    Channels per level: base, 2·base, 4·base, then 8·base down to the 1×1 bottleneck.
    The bottleneck conv has no norm (1×1 maps, batch 1); the output layer is tanh.
    """

    def __init__(self, *, in_channels: int, out_channels: int, num_downs: int,
                 base_channels: int, dropout: float):
        super().__init__()
        if num_downs < 5:
            raise ValueError(f"num_downs must be at least 5, got {num_downs}")
        self.in_channels, self.num_downs = in_channels, num_downs
        widths = doubling_widths(base=base_channels, count=num_downs, cap=8 * base_channels)
        # Levels are pre-activated ([LeakyReLU] -> conv -> [BatchNorm]) so each level's
        # output, kept as a skip, is the conv's own output.
        self.downs = nn.ModuleList(
            down_block(
                in_channels=in_channels if i == 0 else widths[i - 1],
                out_channels=widths[i],
                norm=0 < i < num_downs - 1,
                activation="leaky_relu" if i > 0 else None,  # the raw input is not activated
                activation_first=True,
            )
            for i in range(num_downs)
        )
        # ups[k] rebuilds level num_downs-2-k; dropout on the 8x levels below the bottleneck
        # except the first, as in the paper's decoder (3 of them for unet_256).
        self.ups = nn.ModuleList(
            up_block(
                in_channels=widths[i] * (1 if i == num_downs - 1 else 2),
                out_channels=widths[i - 1],
                activation_first=True,
                dropout=dropout if 4 <= i <= num_downs - 2 else 0.0,
            )
            for i in range(num_downs - 1, 0, -1)
        )
        self.head = nn.Sequential(
            nn.ReLU(), nn.ConvTranspose2d(widths[0] * 2, out_channels, 4, 2, 1), nn.Tanh()
        )
        self.apply(init_weights)

    def forward(self, input: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        self._check(input)
        skips = []
        x = input
        for down in self.downs:
            x = down(x)
            skips.append(x)
        x = self.ups[0](skips[-1])
        for up, skip in zip(self.ups[1:], reversed(skips[1:-1])):
            x = up(torch.cat([x, skip], dim=1))
        return self.head(torch.cat([x, skips[0]], dim=1))

    def _check(self, input: torch.Tensor) -> None:
        factor = 2**self.num_downs
        if input.shape[1] != self.in_channels:
            raise ValueError(
                f"U-Net expects {self.in_channels} input channels, got {input.shape[1]} "
                "(generator param in_channels vs the dataset's input encoding)"
            )
        if input.shape[-1] % factor or input.shape[-2] % factor:
            raise ValueError(
                f"U-Net with {self.num_downs} levels needs sides divisible by {factor}, "
                f"got {tuple(input.shape[-2:])}"
            )


# -- registration ----------------------------------------------------------------------
def unet(params: UNetParams, context: BuildContext) -> UNetGenerator:
    """The architecture name gives the depth; channels as the recipe says, else the
    dataset's (its input encoding in, its images out; one-hot labels -> grey MRI without one)."""
    return UNetGenerator(
        in_channels=params.in_channels or context.input_channels or 4,
        out_channels=params.out_channels or context.channels or 1,
        num_downs=DEPTHS[params.architecture], base_channels=params.base_channels,
        dropout=params.dropout)
