"""DCGAN-style critic of the centre region (the source's discriminator)."""
import math

import torch.nn.functional as F
from torch import nn


class CentreCritic(nn.Module):
    """Strided 4x4 convs down to 4x4, then one 4x4 conv to a logit per image."""

    def __init__(self, *, input_size=16, channels=3, base_channels=64):
        super().__init__()
        self.input_size = input_size
        layers, cin = [], channels
        for i in range(int(math.log2(input_size // 4))):
            cout = base_channels * 2**i
            layers.append(nn.Conv2d(cin, cout, 4, stride=2, padding=1, bias=i == 0))
            if i > 0:
                layers.append(nn.BatchNorm2d(cout))
            layers.append(nn.LeakyReLU(0.2, inplace=True))
            cin = cout
        self.features = nn.Sequential(*layers)
        self.to_logit = nn.Conv2d(cin, 1, 4)

    def forward(self, x):
        if x.shape[-1] != self.input_size or x.shape[-2] != self.input_size:
            x = F.interpolate(x, size=(self.input_size,) * 2, mode="bilinear", align_corners=False)
        return self.to_logit(self.features(x)).flatten(1)
