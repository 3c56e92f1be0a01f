"""Context encoder generator: masked image -> bottleneck -> channel-wise FC -> centre region."""
import math

import torch
import torch.nn.functional as F
from torch import nn


class ChannelWiseFC(nn.Module):
    """A fully connected layer per channel over the spatial positions (no cross-channel weights),
    followed by a 1x1 conv that mixes channels: Pathak et al.'s cheap substitute for a full FC."""

    def __init__(self, *, channels: int, spatial: int, dropout: float = 0.0):
        super().__init__()
        positions = spatial * spatial
        self.weight = nn.Parameter(torch.empty(channels, positions, positions))
        self.bias = nn.Parameter(torch.zeros(channels, positions))
        nn.init.normal_(self.weight, std=1.0 / math.sqrt(positions))
        self.dropout = nn.Dropout(dropout)
        self.mix = nn.Conv2d(channels, channels, 1)

    def forward(self, x):
        n, c, h, w = x.shape
        flat = x.reshape(n, c, h * w)
        out = torch.einsum("ncp,cpq->ncq", flat, self.weight) + self.bias
        out = self.dropout(F.relu(out))
        return self.mix(out.reshape(n, c, h, w))


def _down(cin, cout, norm=True):
    layers = [nn.Conv2d(cin, cout, 4, stride=2, padding=1, bias=not norm)]
    if norm:
        layers.append(nn.BatchNorm2d(cout))
    layers.append(nn.LeakyReLU(0.2, inplace=True))
    return nn.Sequential(*layers)


def _up(cin, cout):
    return nn.Sequential(
        nn.ConvTranspose2d(cin, cout, 4, stride=2, padding=1, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
    )


class ContextEncoder(nn.Module):
    """Encoder down to 4x4, channel-wise FC bottleneck, up-conv decoder to the hole box."""

    output_region = "hole_box"

    def __init__(self, *, image_size=64, hole_size=None, channels=1, base_channels=32,
                 max_channels=256, mask_channel=True, dropout=0.0):
        super().__init__()
        hole_size = hole_size or image_size // 2
        self.image_size, self.hole_size, self.mask_channel = image_size, hole_size, mask_channel
        widths = [min(base_channels * 2**i, max_channels)
                  for i in range(int(math.log2(image_size // 4)))]
        cin = channels + int(mask_channel)
        self.encoder = nn.Sequential(*[
            _down(prev, width, norm=i > 0)
            for i, (prev, width) in enumerate(zip([cin] + widths[:-1], widths))
        ])
        self.bottleneck = ChannelWiseFC(channels=widths[-1], spatial=4, dropout=dropout)
        steps = int(math.log2(hole_size // 4))
        dec = [widths[-1]] + [max(widths[-1] // 2**(i + 1), base_channels) for i in range(steps - 1)]
        self.decoder = nn.Sequential(*[_up(a, b) for a, b in zip(dec[:-1], dec[1:])])
        self.to_image = nn.ConvTranspose2d(dec[-1], channels, 4, stride=2, padding=1)

    def forward(self, input, mask):
        x = torch.cat([input, mask], dim=1) if self.mask_channel else input
        if x.shape[-2:] != (self.image_size, self.image_size):
            x = F.interpolate(x, size=(self.image_size,) * 2, mode="bilinear", align_corners=False)
        out = torch.tanh(self.to_image(self.decoder(self.bottleneck(self.encoder(x)))))
        box = _box_size(mask)
        if box is not None and box != tuple(out.shape[-2:]):
            # A mask whose box differs from the trained hole: stretch the prediction onto it.
            out = F.interpolate(out, size=box, mode="bilinear", align_corners=False)
        return out


def _box_size(mask):
    """(h, w) of the bounding box of the hole over the whole batch, None if no hole."""
    rows = mask.amax(dim=(0, 1, 3)).nonzero()
    cols = mask.amax(dim=(0, 1, 2)).nonzero()
    if rows.numel() == 0:
        return None
    return (int(rows[-1] - rows[0]) + 1, int(cols[-1] - cols[0]) + 1)
