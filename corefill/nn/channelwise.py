"""The channel-wise fully connected layer of context encoders (Pathak et al. 2016, Sec. 3.1)."""
import math

import torch
import torch.nn.functional as F
from torch import nn


class ChannelWiseFC(nn.Module):
    """A fully connected layer per channel over its spatial positions (no cross-channel
    weights: ``channels * positions**2`` parameters instead of ``(channels * positions)**2``),
    then ReLU, dropout and a 1x1 conv that mixes the channels.

    Input and output ``(N, channels, H, W)`` with ``H * W == positions``.
    """

    def __init__(self, *, channels: int, positions: int, dropout: float = 0.0):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(channels, positions, positions))
        self.bias = nn.Parameter(torch.zeros(channels, positions))
        # Unit-variance outputs for unit-variance inputs, like a default linear layer.
        nn.init.normal_(self.weight, std=1.0 / math.sqrt(positions))
        self.dropout = nn.Dropout(dropout)
        self.mix = nn.Conv2d(channels, channels, 1)

    def spread(self, x: torch.Tensor) -> torch.Tensor:
        """The per-channel FC alone: ``(N, C, H, W) -> (N, C, H * W)``."""
        n, c, h, w = x.shape
        return torch.einsum("ncp,cpq->ncq", x.reshape(n, c, h * w), self.weight) + self.bias

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.mix(self.dropout(F.relu(self.spread(x))).reshape(x.shape))
