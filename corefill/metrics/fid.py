"""Fréchet Inception distance (dataset-level): reset / update / compute."""
from __future__ import annotations

from typing import Optional

import numpy as np
import torch

from .inception import build_fid_inception


def low_rank_frechet_distance(fake: np.ndarray, real: np.ndarray) -> float:
    """Exact Fréchet distance of two feature sets (n, d) with few samples (n <= d).

    With centred features A (covariance AᵀA / (n-1)), the non-zero eigenvalues of
    S_fake·S_real are the squared singular values of A_fake·A_realᵀ / √((n_f-1)(n_r-1)),
    so Tr √(S_fake·S_real) needs an n_f×n_r SVD instead of a d×d matrix square root.
    """
    fake_centred, real_centred = fake - fake.mean(axis=0), real - real.mean(axis=0)
    scale_fake, scale_real = len(fake) - 1, len(real) - 1
    trace_fake = np.square(fake_centred).sum() / scale_fake
    trace_real = np.square(real_centred).sum() / scale_real
    cross = np.linalg.svd(fake_centred @ real_centred.T, compute_uv=False).sum()
    trace_sqrt = cross / np.sqrt(scale_fake * scale_real)
    mean_gap = np.square(fake.mean(axis=0) - real.mean(axis=0)).sum()
    return float(mean_gap + trace_fake + trace_real - 2 * trace_sqrt)


def frechet_distance(fake: np.ndarray, real: np.ndarray) -> float:
    """pytorch-fid's Fréchet distance; for sets smaller than the feature size, whose
    covariances are singular (where a 2048² matrix square root takes seconds and is
    inaccurate), the exact low-rank form above gives the same value."""
    from pytorch_fid.fid_score import calculate_frechet_distance

    if min(len(fake), len(real)) <= fake.shape[1]:
        distance = low_rank_frechet_distance(fake, real)
    else:
        distance = calculate_frechet_distance(
            fake.mean(axis=0), np.cov(fake, rowvar=False), real.mean(axis=0), np.cov(real, rowvar=False)
        )
    # Rounding can leave a tiny negative value for equal sets.
    return max(float(distance), 0.0)


class FIDMetric:
    """FID between the composited outputs and the targets seen since ``reset()``."""

    name = "fid"
    higher_is_better = False
    per_sample = False

    def __init__(self, *, weights: Optional[str] = None, batch_size: int = 16):
        self.weights = weights
        self.batch_size = batch_size
        self._net: Optional[torch.nn.Module] = None
        self.reset()

    def reset(self) -> None:
        self._fake: list[np.ndarray] = []
        self._real: list[np.ndarray] = []

    def _network(self, device: torch.device) -> torch.nn.Module:
        if self._net is None:
            self._net = build_fid_inception(self.weights)
        return self._net.to(device)

    @torch.no_grad()
    def features(self, images: torch.Tensor) -> np.ndarray:
        """(N, 2048) pool3 features of images in [0, 1]; grey is replicated to RGB."""
        if images.dim() != 4 or images.shape[1] not in (1, 3):
            raise ValueError(f"fid: images must be (N, 1 or 3, H, W), got {tuple(images.shape)}")
        images = images.float().clamp(0, 1)
        if images.shape[1] == 1:
            images = images.expand(-1, 3, -1, -1)
        net = self._network(images.device)
        chunks = [net(part)[0].flatten(1) for part in images.split(self.batch_size)]
        return torch.cat(chunks).double().cpu().numpy()

    def update(self, output: torch.Tensor, target: torch.Tensor, mask: torch.Tensor) -> None:
        self._fake.append(self.features(output))
        self._real.append(self.features(target))

    def compute(self) -> float:
        fake = np.concatenate(self._fake) if self._fake else np.zeros((0, 2048))
        real = np.concatenate(self._real) if self._real else np.zeros((0, 2048))
        if len(fake) < 2:
            raise ValueError(f"fid: needs at least 2 images, got {len(fake)}")
        return frechet_distance(fake, real)
