"""Fréchet Inception distance (dataset-level): reset / update / compute.

The real images' features are cached by a fingerprint of their pixels (:class:`RealFeatures`):
scoring a trained model and N baselines on one split runs Inception on the real images once
and on the N+1 sets of outputs, and every validation after the first reuses the split's.
"""
from __future__ import annotations

import hashlib
import threading
import weakref
from collections import OrderedDict
from typing import Any, Optional

import numpy as np
import torch

from ..registry import BuildContext
from .inception import build_fid_inception
from .params import FIDParams


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


class RealFeatures:
    """Inception features of real images, keyed by (weights, a SHA-1 of the pixels): the
    same batch of targets, seen by several models or several validations, is run once.

    Bounded by ``max_images`` (least recently used batches go first); ``enabled = False``
    turns it off (the benchmark's "without the cache")."""

    def __init__(self, max_images: int = 20_000) -> None:
        self.max_images, self.enabled = max_images, True
        self._entries: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self._images = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    @staticmethod
    def fingerprint(images: torch.Tensor) -> str:
        array = images.detach().float().contiguous().cpu().numpy()
        digest = hashlib.sha1(str(array.shape).encode())
        digest.update(array.tobytes())
        return digest.hexdigest()

    def get(self, key: tuple) -> Optional[np.ndarray]:
        with self._lock:
            found = self._entries.get(key) if self.enabled else None
            if found is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: tuple, features: np.ndarray) -> None:
        if not self.enabled:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = features
            self._images += len(features)
            while self._images > self.max_images and len(self._entries) > 1:
                _, dropped = self._entries.popitem(last=False)
                self._images -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._images = self.hits = self.misses = 0


REAL_FEATURES = RealFeatures()
_NETWORKS: dict[Optional[str], torch.nn.Module] = {}  # one Inception per weights file


class LastOutput:
    """The features FID computed for the last output tensor it saw, per weights file, so
    that KID scoring the same tensor (the scoring pass hands both metrics one object per
    model and batch) reuses them: matched by identity and version, no hashing, no copy."""

    def __init__(self) -> None:
        self._entries: dict[Optional[str], tuple[weakref.ref, int, np.ndarray]] = {}

    def put(self, weights: Optional[str], output: torch.Tensor, features: np.ndarray) -> None:
        self._entries[weights] = (weakref.ref(output), output._version, features)

    def get(self, weights: Optional[str], output: torch.Tensor) -> Optional[np.ndarray]:
        entry = self._entries.get(weights)
        if entry is None or entry[0]() is not output or entry[1] != output._version:
            return None
        return entry[2]


LAST_OUTPUT = LastOutput()


def _shared_network(weights: Optional[str]) -> torch.nn.Module:
    """Building the Inception costs about a second: every FID metric of a process shares it."""
    if weights not in _NETWORKS:
        _NETWORKS[weights] = build_fid_inception(weights)
    return _NETWORKS[weights]


def inception_layout(device: torch.device) -> torch.memory_format:
    """channels_last on CPU, where oneDNN runs Inception 1.4x faster in it for the same
    features (benchmarks/fid_layout.py). FID runs in fp32, and on CUDA channels_last pays
    with reduced precision (tensor cores), so there it keeps the default layout."""
    return torch.channels_last if device.type == "cpu" else torch.contiguous_format


class FIDMetric:
    """FID between the composited outputs and the targets seen since ``reset()``."""

    name = "fid"
    higher_is_better = False
    per_sample = False

    def __init__(self, *, weights: Optional[str], batch_size: int,
                 cache: Optional[RealFeatures] = None):
        self.weights = weights
        self.batch_size = batch_size
        self.cache = REAL_FEATURES if cache is None else cache
        self.reset()

    def reset(self) -> None:
        self._fake: list[np.ndarray] = []
        self._real: list[np.ndarray] = []

    def _network(self, device: torch.device, layout: torch.memory_format) -> torch.nn.Module:
        return _shared_network(self.weights).to(device, memory_format=layout)

    @torch.no_grad()
    def features(self, images: torch.Tensor) -> np.ndarray:
        """(N, 2048) pool3 features of images in [0, 1]; grey is replicated to RGB."""
        if images.dim() != 4 or images.shape[1] not in (1, 3):
            raise ValueError(f"fid: images must be (N, 1 or 3, H, W), got {tuple(images.shape)}")
        images = images.float().clamp(0, 1)
        if images.shape[1] == 1:
            images = images.expand(-1, 3, -1, -1)
        layout = inception_layout(images.device)
        net = self._network(images.device, layout)
        chunks = [net(part.contiguous(memory_format=layout))[0].flatten(1)
                  for part in images.split(self.batch_size)]
        return torch.cat(chunks).double().cpu().numpy()

    def real_features(self, target: torch.Tensor) -> np.ndarray:
        """The targets' features, from the cache when this batch of pixels was seen."""
        key = (self.weights, self.cache.fingerprint(target))
        found = self.cache.get(key)
        if found is None:
            found = self.features(target).astype(np.float32)  # Inception's own precision
            self.cache.put(key, found)
        return found

    def update(self, output: torch.Tensor, target: torch.Tensor, mask: torch.Tensor) -> None:
        fake = self.features(output)
        self._fake.append(fake)
        LAST_OUTPUT.put(self.weights, output, fake)
        self._real.append(self.real_features(target).astype(np.float64))

    def _sets(self) -> tuple[np.ndarray, np.ndarray]:
        fake = np.concatenate(self._fake) if self._fake else np.zeros((0, 2048))
        real = np.concatenate(self._real) if self._real else np.zeros((0, 2048))
        return fake, real

    def compute(self) -> float:
        fake, real = self._sets()
        if len(fake) < 2:
            raise ValueError(f"fid: needs at least 2 images, got {len(fake)}")
        return frechet_distance(fake, real)

    def compute_subset(self, indices: np.ndarray) -> float:
        """FID on the images at ``indices`` (repeats allowed: a bootstrap resample), the
        same indices for outputs and targets; NaN when fewer than 2 distinct images."""
        fake, real = self._sets()
        if len(np.unique(indices)) < 2:
            return float("nan")
        return frechet_distance(fake[indices], real[indices])

    def info(self) -> dict[str, Any]:
        """The facts without which two FIDs do not compare (the report's metric card)."""
        from importlib.metadata import version

        from .inception import weights_file

        path = weights_file(self.weights)
        return {
            "implementation": f"pytorch-fid {version('pytorch-fid')} InceptionV3; Fréchet distance "
                              "(exact low-rank form when N <= 2048)",
            "feature_extractor": f"TF FID Inception pool3, 2048-d ({path.name if path else 'unknown'})",
            "weights_sha256": _sha256(path) if path else None,
            "region": "full image (composited output vs target)",
            "resize": "bilinear to 299² inside pytorch-fid; grey replicated to RGB",
            "value_range": "[0, ∞); 0 = same feature statistics; lower is better; biased "
                           "upwards for small N",
        }


def _sha256(path) -> str:
    from .perceptual import sha256_of

    return sha256_of(path)


# -- registration -----------------------------------------------------------------------------
def fid(params: FIDParams, context: Optional[BuildContext] = None) -> FIDMetric:
    return FIDMetric(weights=params.weights, batch_size=params.batch_size)
