"""Strided 4x4 conv blocks (halve / double the side) and the stacks built from them."""
from __future__ import annotations

from typing import Literal, Optional, Sequence

from torch import nn

Upsample = Literal["transposed", "nearest", "bilinear"]

ACTIVATIONS = {
    "leaky_relu": lambda inplace: nn.LeakyReLU(0.2, inplace=inplace),
    "relu": lambda inplace: nn.ReLU(inplace=inplace),
    "elu": lambda inplace: nn.ELU(inplace=inplace),
}


def doubling_widths(*, base: int, count: int, cap: Optional[int] = None) -> list[int]:
    """Channels of ``count`` levels: ``base``, doubling per level, never above ``cap``."""
    return [min(base * 2**i, cap or base * 2**i) for i in range(count)]


def _block(conv: nn.Module, out_channels: int, *, norm: bool, activation: Optional[str],
           activation_first: bool, dropout: float) -> nn.Sequential:
    # Pre-activation must not be in place: its input is often a skip tensor kept for later.
    act = [ACTIVATIONS[activation](not activation_first)] if activation else []
    layers = [conv] + ([nn.BatchNorm2d(out_channels)] if norm else [])
    layers = act + layers if activation_first else layers + act
    return nn.Sequential(*layers, *([nn.Dropout(dropout)] if dropout > 0 else []))


def down_block(*, in_channels: int, out_channels: int, norm: bool = True,
               activation: Optional[str] = "leaky_relu", activation_first: bool = False,
               stride: int = 2) -> nn.Sequential:
    """Conv 4x4 (stride 2 halves the side) -> [BatchNorm] -> activation (a name in
    ``ACTIVATIONS``, or None for none).

    ``activation_first`` puts the activation before the conv (pix2pix U-Net levels). The conv
    has a bias only without norm (BatchNorm's shift replaces it).
    """
    conv = nn.Conv2d(in_channels, out_channels, 4, stride=stride, padding=1, bias=not norm)
    return _block(conv, out_channels, norm=norm, activation=activation,
                  activation_first=activation_first, dropout=0.0)


def upsampling_conv(*, in_channels: int, out_channels: int, upsample: Upsample = "transposed",
                    bias: bool = True) -> nn.Module:
    """A layer that doubles the side: a 4x4 stride-2 transposed conv (``"transposed"``, as
    DCGAN-style papers), or a ``"nearest"``/``"bilinear"`` resize then a 3x3 conv, which
    cannot leave the checkerboard texture uneven kernel overlap gives."""
    if upsample == "transposed":
        return nn.ConvTranspose2d(in_channels, out_channels, 4, stride=2, padding=1, bias=bias)
    if upsample not in ("nearest", "bilinear"):
        raise ValueError(f"upsample must be transposed, nearest or bilinear, got {upsample!r}")
    return nn.Sequential(nn.Upsample(scale_factor=2, mode=upsample),
                         nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=bias))


def up_block(*, in_channels: int, out_channels: int, norm: bool = True,
             activation: Optional[str] = "relu", activation_first: bool = False,
             dropout: float = 0.0, upsample: Upsample = "transposed") -> nn.Sequential:
    """:func:`upsampling_conv` (doubles the side) -> [BatchNorm] -> activation
    [-> Dropout]; ``activation_first`` as in :func:`down_block`."""
    conv = upsampling_conv(in_channels=in_channels, out_channels=out_channels,
                           upsample=upsample, bias=not norm)
    return _block(conv, out_channels, norm=norm, activation=activation,
                  activation_first=activation_first, dropout=dropout)


def down_stack(*, in_channels: int, widths: Sequence[int], norm: bool = True,
               activation: str = "leaky_relu") -> nn.Sequential:
    """One :func:`down_block` per width (side / 2**len(widths)); the first never has a norm
    (DCGAN: normalising the raw image only removes information)."""
    ins = [in_channels, *widths[:-1]]
    return nn.Sequential(*[
        down_block(in_channels=a, out_channels=b, norm=norm and i > 0, activation=activation)
        for i, (a, b) in enumerate(zip(ins, widths))
    ])


def up_stack(*, widths: Sequence[int], activation: str = "relu",
             upsample: Upsample = "transposed") -> nn.Sequential:
    """One :func:`up_block` from each width to the next (side * 2**(len(widths) - 1))."""
    return nn.Sequential(*[up_block(in_channels=a, out_channels=b, activation=activation,
                                    upsample=upsample)
                           for a, b in zip(widths[:-1], widths[1:])])
