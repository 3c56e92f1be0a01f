"""FID's real images go through Inception once per split: a model and N baselines cost one
real pass and N+1 fake passes, later validations none, and the scores do not change."""
import numpy as np
import pytest
import torch

from corefill.engine.scoring import Model, evaluate_models
from corefill.metrics import fid as fid_module
from corefill.metrics.fid import FIDMetric, RealFeatures


class CountingNet(torch.nn.Module):
    """Stands in for Inception: 2048 features from pooled pixels; counts images seen."""

    def __init__(self):
        super().__init__()
        self.images = 0
        self.projection = torch.randn(3 * 16, 2048, generator=torch.Generator().manual_seed(0))

    def forward(self, x):
        self.images += x.shape[0]
        pooled = torch.nn.functional.adaptive_avg_pool2d(x, 4).flatten(1)
        return [(pooled @ self.projection)[:, :, None, None]]


@pytest.fixture
def net(monkeypatch):
    counting = CountingNet()
    monkeypatch.setattr(fid_module, "_shared_network", lambda weights: counting)
    return counting


def loader():
    g = torch.Generator().manual_seed(1)
    batches = []
    for _ in range(2):
        image = torch.rand(5, 1, 12, 12, generator=g) * 2 - 1
        mask = torch.zeros(5, 1, 12, 12)
        mask[:, :, 3:9, 3:9] = 1
        batches.append({"image": image, "mask": mask, "input": image * (1 - mask)})
    return batches


def score(models, cache):
    return evaluate_models(models, loader(), metrics_factory=lambda: [FIDMetric(weights=None, batch_size=16, cache=cache)],
                           value_range=(-1.0, 1.0), device=torch.device("cpu"))


MODELS = [Model(name, name, lambda x, m, k=k: x + k * m) for k, name in
          enumerate(["trained", "telea", "navier-stokes", "mean-fill"])]


def test_real_images_are_run_once_per_split_and_scores_are_unchanged(net):
    cache = RealFeatures()
    cached = score(MODELS, cache)
    assert net.images == 10 + 4 * 10  # one real pass, four fake passes
    net.images = 0
    again = score(MODELS[:1], cache)  # the next validation of the same split
    assert net.images == 10 and cache.hits == 3 * 2 + 2
    cache.enabled, net.images = False, 0
    fresh = score(MODELS, cache)
    assert net.images == 4 * 10 + 4 * 10
    for name in cached:
        assert cached[name]["metrics"]["fid"] == pytest.approx(fresh[name]["metrics"]["fid"],
                                                               rel=1e-9)
    assert again["trained"]["metrics"]["fid"] == cached["trained"]["metrics"]["fid"]


def test_other_pixels_miss_and_the_cache_is_bounded(net):
    cache = RealFeatures(max_images=12)
    metric = FIDMetric(weights=None, batch_size=16, cache=cache)
    a, b = torch.rand(6, 1, 8, 8), torch.rand(6, 1, 8, 8)
    metric.real_features(a)
    b_features = metric.real_features(b)
    assert cache.misses == 2 and net.images == 12
    b2 = b.clone()
    b2[0, 0, 0, 0] += 1e-3  # one pixel differs: not the same images
    metric.real_features(b2)
    assert cache.misses == 3 and net.images == 18
    np.testing.assert_array_equal(metric.real_features(b), b_features)  # b kept, a dropped
    metric.real_features(a)
    assert cache.misses == 4


def test_bootstrap_subset_pairs_fake_and_real_images(net):
    metric = FIDMetric(weights=None, batch_size=16, cache=RealFeatures())
    images = torch.rand(8, 1, 8, 8, generator=torch.Generator().manual_seed(3))
    metric.update(images, images, torch.ones_like(images))
    assert metric.compute() == pytest.approx(0.0, abs=1e-6)
    assert metric.compute_subset(np.array([0, 0, 3, 5, 5, 7])) == pytest.approx(0.0, abs=1e-6)
    assert np.isnan(metric.compute_subset(np.array([2, 2, 2])))
