"""Kernel Inception distance (Bińkowski et al., ICLR 2018): the unbiased MMD² between the
outputs' and the targets' Inception pool3 features under the cubic polynomial kernel
k(x, y) = (x·y / d + 1)³, averaged over random subsets (mean and standard deviation).

It shares FID's Inception network, its features and its real-feature cache
(:class:`.fid.FIDMetric`), so a recipe with both runs Inception once per image set. Unlike
FID it is unbiased in the number of images: on test splits of tens of images it is the
distribution metric whose value means something.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..registry import BuildContext
from .fid import LAST_OUTPUT, FIDMetric


def polynomial_mmd(fake: np.ndarray, real: np.ndarray) -> float:
    """Unbiased MMD² of two feature sets (m, d) and (n, d), cubic polynomial kernel."""
    dim = fake.shape[1]
    k_ff = (fake @ fake.T / dim + 1) ** 3
    k_rr = (real @ real.T / dim + 1) ** 3
    k_fr = (fake @ real.T / dim + 1) ** 3
    m, n = len(fake), len(real)
    within_fake = (k_ff.sum() - np.trace(k_ff)) / (m * (m - 1))
    within_real = (k_rr.sum() - np.trace(k_rr)) / (n * (n - 1))
    return float(within_fake + within_real - 2 * k_fr.mean())


def kernel_inception_distance(fake: np.ndarray, real: np.ndarray, *, subsets: int,
                              subset_size: int, seed: int = 0) -> tuple[float, float]:
    """(mean, std) of the unbiased MMD² over ``subsets`` draws of ``min(subset_size, n)``
    images from each set, without replacement within a draw (numpy PCG64, ``seed``)."""
    size = min(subset_size, len(fake), len(real))
    if size == len(fake) == len(real):  # every subset would be the whole set: no spread to tell
        return polynomial_mmd(fake, real), float("nan")
    rng = np.random.default_rng(seed)
    values = np.array([
        polynomial_mmd(fake[rng.choice(len(fake), size, replace=False)],
                       real[rng.choice(len(real), size, replace=False)])
        for _ in range(subsets)])
    return float(values.mean()), float(values.std())


class KIDMetric(FIDMetric):
    """KID between the composited outputs and the targets seen since ``reset()``."""

    name = "kid"

    def __init__(self, *, weights: Optional[str], batch_size: int, subsets: int,
                 subset_size: int, seed: int = 0):
        super().__init__(weights=weights, batch_size=batch_size)
        self.subsets, self.subset_size, self.seed = subsets, subset_size, seed
        self.std: Optional[float] = None

    def update(self, output, target, mask) -> None:
        # The outputs' features, when FID (listed first) computed them for this tensor.
        found = LAST_OUTPUT.get(self.weights, output)
        fake = found if found is not None else self.features(output)
        self._fake.append(np.asarray(fake, dtype=np.float64))
        self._real.append(self.real_features(target).astype(np.float64))

    def compute(self) -> float:
        fake, real = self._sets()
        if len(fake) < 2:
            raise ValueError(f"kid: needs at least 2 images, got {len(fake)}")
        mean, std = kernel_inception_distance(
            fake, real, subsets=self.subsets, subset_size=self.subset_size, seed=self.seed)
        self.std = None if np.isnan(std) else std  # None: N <= subset_size, see the bootstrap interval
        return mean

    def compute_subset(self, indices: np.ndarray) -> float:
        """KID on the images at ``indices`` (a bootstrap resample), one subset: all of them."""
        fake, real = self._sets()
        if len(np.unique(indices)) < 2:
            return float("nan")
        return polynomial_mmd(fake[indices], real[indices])

    def details(self) -> dict[str, Any]:
        return {"std": self.std, "subsets": self.subsets,
                "subset_size": min(self.subset_size, sum(len(f) for f in self._fake))}

    def info(self) -> dict[str, Any]:
        card = super().info()
        card.update(implementation="corefill: unbiased MMD², cubic polynomial kernel "
                                   f"(x·y/d + 1)³, mean and std over {self.subsets} subsets "
                                   f"of min({self.subset_size}, N) images",
                    value_range="[≈0, ∞); 0 = same distribution (unbiased: can dip below 0); "
                                "lower is better")
        return card


# -- registration -----------------------------------------------------------------------------
def kid(params: Any, context: Optional[BuildContext] = None) -> KIDMetric:
    return KIDMetric(weights=params.weights, batch_size=params.batch_size,
                     subsets=params.subsets, subset_size=params.subset_size, seed=params.seed)
