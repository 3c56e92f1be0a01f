"""Gaussian-window SSIM per sample, averaged over the hole or over the whole image."""
from __future__ import annotations

from typing import Optional

import torch
import torch.nn.functional as F

from ..registry import BuildContext
from .params import SSIMParams
from .pixel import Region, region_mean

K1, K2 = 0.01, 0.03  # the usual SSIM stabilisers, for a peak value of 1


def gaussian_window(size: int, sigma: float) -> torch.Tensor:
    """Normalised 1-D gaussian of ``size`` taps (float64)."""
    offsets = torch.arange(size, dtype=torch.float64) - (size - 1) / 2
    weights = torch.exp(-offsets.square() / (2 * sigma**2))
    return weights / weights.sum()


def _blur(x: torch.Tensor, window: torch.Tensor) -> torch.Tensor:
    """Separable gaussian filter per channel with edge replication (output size = input size)."""
    channels, half = x.shape[1], window.numel() // 2
    x = F.pad(x, (half, half, half, half), mode="replicate")
    rows = window.view(1, 1, 1, -1).expand(channels, 1, 1, -1)
    x = F.conv2d(x, rows, groups=channels)
    return F.conv2d(x, rows.transpose(2, 3), groups=channels)


def ssim_map(output: torch.Tensor, target: torch.Tensor, *, window_size: int = 11,
             sigma: float = 1.5) -> torch.Tensor:
    """SSIM at every pixel, (N, C, H, W), for images in [0, 1]; computed in float64."""
    x, y = output.double(), target.double()
    window = gaussian_window(window_size, sigma).to(x.device)
    mu_x, mu_y = _blur(x, window), _blur(y, window)
    var_x = _blur(x * x, window) - mu_x.square()
    var_y = _blur(y * y, window) - mu_y.square()
    cov = _blur(x * y, window) - mu_x * mu_y
    c1, c2 = K1**2, K2**2
    numerator = (2 * mu_x * mu_y + c1) * (2 * cov + c2)
    denominator = (mu_x.square() + mu_y.square() + c1) * (var_x + var_y + c2)
    return numerator / denominator


class SSIMMetric:
    """Mean SSIM per sample over ``region`` (the map is first averaged over channels)."""

    higher_is_better = True
    per_sample = True

    def __init__(self, *, name: str, region: Region, window_size: int, sigma: float):
        if window_size % 2 == 0:
            raise ValueError(f"{name}: window_size must be odd, got {window_size}")
        self.name, self.region = name, region
        self.window_size, self.sigma = window_size, sigma

    def __call__(self, output: torch.Tensor, target: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        per_pixel = ssim_map(output, target, window_size=self.window_size, sigma=self.sigma)
        return region_mean(per_pixel.mean(dim=1, keepdim=True), mask, self.region).float()


# -- registration ---------------------------------------------------------------------------
def ssim_hole(params: SSIMParams, context: Optional[BuildContext] = None) -> SSIMMetric:
    return SSIMMetric(name="ssim_hole", region="hole", window_size=params.window_size,
                      sigma=params.sigma)


def ssim_full(params: SSIMParams, context: Optional[BuildContext] = None) -> SSIMMetric:
    return SSIMMetric(name="ssim_full", region="full", window_size=params.window_size,
                      sigma=params.sigma)
