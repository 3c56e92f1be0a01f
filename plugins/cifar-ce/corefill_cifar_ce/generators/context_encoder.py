"""Context encoder for CIFAR-size images: strided convs -> channel-wise FC -> up-convs."""
import math

import torch
import torch.nn.functional as F
from torch import nn


class ChannelwiseFullyConnected(nn.Module):
    """Each channel's spatial map fully connected to itself (no weights across channels),
    then a 1x1 convolution spreads information across channels (Pathak et al., Sec. 3.1)."""

    def __init__(self, *, channels: int, positions: int, dropout: float = 0.0):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(channels, positions, positions) / math.sqrt(positions))
        self.bias = nn.Parameter(torch.zeros(channels, positions))
        self.dropout = nn.Dropout(dropout)
        self.mix = nn.Conv2d(channels, channels, 1)

    def forward(self, x):
        n, c, h, w = x.shape
        spread = torch.einsum("ncp,cpq->ncq", x.reshape(n, c, h * w), self.weight) + self.bias
        return self.mix(self.dropout(F.relu(spread)).reshape(n, c, h, w))


def encoder_block(cin, cout, *, first):
    layers = [nn.Conv2d(cin, cout, 4, stride=2, padding=1, bias=first)]
    if not first:
        layers.append(nn.BatchNorm2d(cout))
    return nn.Sequential(*layers, nn.LeakyReLU(0.2, inplace=True))


def decoder_block(cin, cout):
    return nn.Sequential(nn.ConvTranspose2d(cin, cout, 4, stride=2, padding=1, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class CifarContextEncoder(nn.Module):
    """Masked image -> 4x4 features -> channel-wise FC -> the hole's content."""

    output_region = "hole_box"

    def __init__(self, *, image_size=32, hole_size=16, channels=3, base_channels=64,
                 mask_channel=False, dropout=0.0):
        super().__init__()
        self.image_size, self.mask_channel = image_size, mask_channel
        downs = int(math.log2(image_size // 4))
        widths = [base_channels * 2**i for i in range(downs)]
        ins = [channels + int(mask_channel)] + widths[:-1]
        self.encoder = nn.Sequential(*[encoder_block(a, b, first=i == 0)
                                       for i, (a, b) in enumerate(zip(ins, widths))])
        self.bottleneck = ChannelwiseFullyConnected(channels=widths[-1], positions=16,
                                                    dropout=dropout)
        ups = int(math.log2(hole_size // 4))
        dec = [widths[-1] // 2**i for i in range(ups + 1)]
        self.decoder = nn.Sequential(*[decoder_block(a, b) for a, b in zip(dec[:-1], dec[1:])])
        self.to_rgb = nn.Conv2d(dec[-1], channels, 3, padding=1)

    def forward(self, input, mask):
        x = torch.cat([input, mask], dim=1) if self.mask_channel else input
        if x.shape[-1] != self.image_size or x.shape[-2] != self.image_size:
            x = F.interpolate(x, size=(self.image_size,) * 2, mode="bilinear", align_corners=False)
        out = torch.tanh(self.to_rgb(self.decoder(self.bottleneck(self.encoder(x)))))
        box = hole_box_size(mask)
        if box is not None and box != tuple(out.shape[-2:]):
            # A hole unlike the trained centre: stretch the prediction onto its box.
            out = F.interpolate(out, size=box, mode="bilinear", align_corners=False)
        return out


def hole_box_size(mask):
    """(height, width) of the bounding box of every hole in the batch; None without holes."""
    rows = torch.nonzero(mask.amax(dim=(0, 1, 3)) > 0.5).flatten()
    cols = torch.nonzero(mask.amax(dim=(0, 1, 2)) > 0.5).flatten()
    if rows.numel() == 0:
        return None
    return int(rows[-1] - rows[0]) + 1, int(cols[-1] - cols[0]) + 1
