"""The source's discriminator: a stack of strided convs ending in a map of real/fake scores."""
from torch import nn


class PatchDiscriminator(nn.Module):
    """depth x (conv 4x4 s2, LeakyReLU) -> conv 3x3 -> one score per patch."""

    def __init__(self, *, channels=3, base_channels=64, max_channels=512, depth=3, output="sigmoid"):
        super().__init__()
        layers, cin = [], channels
        for i in range(depth):
            cout = min(base_channels * 2**i, max_channels)
            layers += [nn.Conv2d(cin, cout, 4, stride=2, padding=1), nn.LeakyReLU(0.2, inplace=True)]
            cin = cout
        layers.append(nn.Conv2d(cin, 1, 3, padding=1))
        if output == "sigmoid":
            layers.append(nn.Sigmoid())
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)
