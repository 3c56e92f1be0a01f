"""pix2pix U-Net generator (Isola et al. 2017): encoder-decoder with skip connections."""
from __future__ import annotations

import torch
from torch import nn

DEPTHS = {"unet_128": 7, "unet_256": 8}


class DownLevel(nn.Module):
    """[LeakyReLU] -> 4x4 stride-2 conv -> [BatchNorm]: halves the side."""

    def __init__(self, *, in_channels: int, out_channels: int, activate: bool, norm: bool):
        super().__init__()
        layers: list[nn.Module] = [nn.LeakyReLU(0.2)] if activate else []
        layers.append(nn.Conv2d(in_channels, out_channels, 4, 2, 1, bias=not norm))
        if norm:
            layers.append(nn.BatchNorm2d(out_channels))
        self.block = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.block(x)


class UpLevel(nn.Module):
    """ReLU -> 4x4 stride-2 transposed conv -> BatchNorm [-> Dropout]: doubles the side."""

    def __init__(self, *, in_channels: int, out_channels: int, dropout: float):
        super().__init__()
        layers: list[nn.Module] = [
            nn.ReLU(),
            nn.ConvTranspose2d(in_channels, out_channels, 4, 2, 1, bias=False),
            nn.BatchNorm2d(out_channels),
        ]
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
        self.block = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.block(x)


class UNetGenerator(nn.Module):
    """U-Net with ``num_downs`` halvings; level i of the decoder sees cat(decoded, encoded_i).

    Channels per level: base, 2·base, 4·base, then 8·base down to the 1×1 bottleneck.
    The bottleneck conv has no norm (1×1 maps, batch 1); the output layer is tanh.
    """

    def __init__(
        self,
        *,
        in_channels: int = 4,
        out_channels: int = 1,
        num_downs: int = 8,
        base_channels: int = 64,
        dropout: float = 0.5,
    ):
        super().__init__()
        if num_downs < 5:
            raise ValueError(f"num_downs must be at least 5, got {num_downs}")
        self.in_channels, self.num_downs = in_channels, num_downs
        widths = [base_channels * min(2**i, 8) for i in range(num_downs)]
        self.downs = nn.ModuleList(
            DownLevel(
                in_channels=in_channels if i == 0 else widths[i - 1],
                out_channels=widths[i],
                activate=i > 0,
                norm=0 < i < num_downs - 1,
            )
            for i in range(num_downs)
        )
        # ups[k] rebuilds level num_downs-2-k; dropout on the 8x levels below the bottleneck
        # except the first, as in the paper's decoder (3 of them for unet_256).
        self.ups = nn.ModuleList(
            UpLevel(
                in_channels=widths[i] * (1 if i == num_downs - 1 else 2),
                out_channels=widths[i - 1],
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


def init_weights(module: nn.Module) -> None:
    """pix2pix init: conv weights ~ N(0, 0.02), norm scales ~ N(1, 0.02), biases 0."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.BatchNorm2d):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


def build_unet(*, architecture: str = "unet_256", **kwargs) -> UNetGenerator:
    """Registered target: maps the architecture name to its depth."""
    return UNetGenerator(num_downs=DEPTHS[architecture], **kwargs)
