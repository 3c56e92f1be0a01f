"""Context encoder (Pathak et al. 2016) and its centre discriminator, parametrised so one
implementation serves grey radiographs and RGB thumbnails alike."""
from __future__ import annotations

import math
from typing import Literal, Optional

import torch
import torch.nn.functional as F
from torch import nn

from .blocks import Upsample, doubling_widths, down_stack, up_stack, upsampling_conv
from .channelwise import ChannelWiseFC
from .holes import hole_bounds

BOTTLENECK = 4  # side of the feature map the channel-wise FC connects


def _resize(x: torch.Tensor, side: int) -> torch.Tensor:
    if x.shape[-2:] == (side, side):
        return x
    return F.interpolate(x, size=(side, side), mode="bilinear", align_corners=False)


class ContextEncoder(nn.Module):
    """Masked image -> strided convs down to 4x4 -> channel-wise FC -> up-convs -> the content
    of the hole's bounding box, ``hole_size`` square, tanh in [-1, 1].

    Inputs of another size are resized to ``image_size``; a mask whose hole box is not
    ``hole_size`` square gets the prediction stretched onto its box. The decoder halves the
    channels per level, never below ``base_channels``. ``head="upconv"`` makes the last
    doubling a transposed conv straight to the image; ``"conv"`` doubles with up-blocks only
    and ends in a 3x3 conv. ``max_channels=None`` lets the encoder double without a cap.
    ``upsample`` picks the decoder's doubling layers (:func:`~.blocks.upsampling_conv`).
    """

    output_region = "hole_box"

    def __init__(self, *, image_size: int, hole_size: Optional[int] = None,
                 channels: int, base_channels: int,
                 max_channels: Optional[int] = None, mask_channel: bool,
                 dropout: float = 0.0, head: Literal["upconv", "conv"] = "upconv",
                 upsample: Upsample = "transposed"):
        super().__init__()
        hole_size = hole_size or image_size // 2
        self.image_size, self.mask_channel = image_size, mask_channel
        widths = doubling_widths(base=base_channels, count=int(math.log2(image_size // BOTTLENECK)),
                                 cap=max_channels)
        self.encoder = down_stack(in_channels=channels + int(mask_channel), widths=widths)
        self.bottleneck = ChannelWiseFC(channels=widths[-1], positions=BOTTLENECK**2,
                                        dropout=dropout)
        ups = int(math.log2(hole_size // BOTTLENECK)) - (head == "upconv")
        dec = [max(widths[-1] // 2**i, base_channels) for i in range(ups + 1)]
        self.decoder = up_stack(widths=dec, upsample=upsample)
        self.to_image = (upsampling_conv(in_channels=dec[-1], out_channels=channels,
                                         upsample=upsample)
                         if head == "upconv" else nn.Conv2d(dec[-1], channels, 3, padding=1))

    def forward(self, input: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        x = torch.cat([input, mask], dim=1) if self.mask_channel else input
        x = _resize(x, self.image_size)
        out = torch.tanh(self.to_image(self.decoder(self.bottleneck(self.encoder(x)))))
        bounds = hole_bounds(mask)
        if bounds is not None and bounds[2:] != tuple(out.shape[-2:]):
            # A hole unlike the trained one: stretch the prediction onto its box.
            out = F.interpolate(out, size=bounds[2:], mode="bilinear", align_corners=False)
        return out


class ContextDiscriminator(nn.Module):
    """DCGAN critic of the hole-box content: strided convs down to 4x4 (no norm on the first),
    then a 4x4 conv to one raw logit per image, ``(N, 1)``. Inputs of another size are
    resized to ``input_size``; ``max_channels=None`` doubles without a cap."""

    def __init__(self, *, input_size: int, channels: int, base_channels: int,
                 max_channels: Optional[int] = None):
        super().__init__()
        self.input_size = input_size
        widths = doubling_widths(base=base_channels, count=int(math.log2(input_size // BOTTLENECK)),
                                 cap=max_channels)
        self.features = down_stack(in_channels=channels, widths=widths)
        self.to_logit = nn.Conv2d(widths[-1], 1, BOTTLENECK)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.to_logit(self.features(_resize(x, self.input_size))).flatten(1)


class LinkedContextEncoder(nn.Module):
    """The context encoder with U-Net links: the same strided encoder and channel-wise FC
    bottleneck, and a decoder that takes the encoder's features at every scale (and the
    input itself before its last 3x3 conv), so it generates the whole ``image_size`` image,
    tanh in [-1, 1], and serves holes of any shape and place (``output_region`` full).
    Inputs of another size are resized to ``image_size`` and the output back."""

    output_region = "full"

    def __init__(self, *, image_size: int, channels: int, base_channels: int,
                 max_channels: Optional[int] = None, mask_channel: bool,
                 dropout: float = 0.0, upsample: Upsample = "transposed"):
        super().__init__()
        from .blocks import up_block

        self.image_size, self.mask_channel = image_size, mask_channel
        in_channels = channels + int(mask_channel)
        widths = doubling_widths(base=base_channels, count=int(math.log2(image_size // BOTTLENECK)),
                                 cap=max_channels)
        self.encoder = down_stack(in_channels=in_channels, widths=widths)
        self.bottleneck = ChannelWiseFC(channels=widths[-1], positions=BOTTLENECK**2,
                                        dropout=dropout)
        # Up from 4x4: each step reads the decoder's features and the encoder's at that side.
        outs = [*reversed(widths[:-1]), widths[0]]
        ins = [2 * widths[-1], *(o + w for o, w in zip(outs[:-1], reversed(widths[:-1])))]
        self.decoder = nn.ModuleList(up_block(in_channels=a, out_channels=b, upsample=upsample)
                                     for a, b in zip(ins, outs))
        self.to_image = nn.Conv2d(outs[-1] + in_channels, channels, 3, padding=1)

    def forward(self, input: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        x = torch.cat([input, mask], dim=1) if self.mask_channel else input
        side = x.shape[-2:]
        x = _resize(x, self.image_size)
        features = []
        h = x
        for block in self.encoder:
            h = block(h)
            features.append(h)
        h = self.bottleneck(h)
        for block, skip in zip(self.decoder, reversed(features)):
            h = block(torch.cat([h, skip], dim=1))
        out = torch.tanh(self.to_image(torch.cat([h, x], dim=1)))
        if out.shape[-2:] != side:
            out = F.interpolate(out, size=tuple(side), mode="bilinear", align_corners=False)
        return out
