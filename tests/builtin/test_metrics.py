"""Built-in per-sample metrics: hand-computed values, identities, masking, references."""
import math

import numpy as np
import pytest
import torch
from skimage.metrics import structural_similarity

from corefill.metrics import COMPONENTS
from corefill.metrics.ssim import ssim_map
from corefill.plugins import registries
from corefill.registry import build
from corefill.testing import check_metric

DATASET_LEVEL = ("fid", "kid")
# lpips needs a backbone's weights: tests/builtin/test_lpips_kid.py makes and checks them
PIXEL_LEVEL = [name for name in COMPONENTS if not name.startswith("lpips")]
PER_SAMPLE = [name for name in PIXEL_LEVEL if name not in DATASET_LEVEL]


def make(name, **params):
    return build(registries().get("metric", name), params)


def smooth_batch(batch=2, channels=3, size=24, seed=0):
    gen = torch.Generator().manual_seed(seed)
    coarse = torch.rand(batch, channels, 5, 5, generator=gen)
    return torch.nn.functional.interpolate(coarse, size=(size, size), mode="bilinear", align_corners=False)


def centre_mask(batch=2, size=24, side=12):
    mask = torch.zeros(batch, 1, size, size)
    start = (size - side) // 2
    mask[..., start:start + side, start:start + side] = 1
    return mask


@pytest.mark.parametrize("name", PIXEL_LEVEL)
def test_registry_name_is_the_report_key(name):
    metric = make(name)
    assert metric.name == name
    assert metric.per_sample is (name not in DATASET_LEVEL)


@pytest.mark.parametrize("name", PER_SAMPLE)
@pytest.mark.parametrize("channels", [1, 3])
def test_conformance(name, channels):
    check_metric(make(name), channels=channels)


# Two samples, one channel, 1x4 pixels; the hole is the first two pixels.
TARGET = torch.tensor([[[[0.0, 0.5, 1.0, 1.0]]], [[[0.2, 0.2, 0.2, 0.2]]]])
OUTPUT = torch.tensor([[[[0.1, 0.3, 0.0, 1.0]]], [[[0.2, 0.2, 0.7, 0.2]]]])
MASK = torch.tensor([[[[1.0, 1.0, 0.0, 0.0]]]]).expand(2, 1, 1, 4)


@pytest.mark.parametrize("name,expected", [
    ("l1_hole", [(0.1 + 0.2) / 2, 0.0]),
    ("l1_full", [(0.1 + 0.2 + 1.0) / 4, 0.5 / 4]),
    ("l2_hole", [(0.01 + 0.04) / 2, 0.0]),
    ("l2_full", [(0.01 + 0.04 + 1.0) / 4, 0.25 / 4]),
    ("psnr_hole", [10 * math.log10(1 / 0.025), 100.0]),
    ("psnr_full", [10 * math.log10(4 / 1.05), 10 * math.log10(16)]),
])
def test_pixel_metrics_by_hand(name, expected):
    values = make(name)(OUTPUT, TARGET, MASK)
    assert values.shape == (2,) and values.dtype == torch.float32
    assert values.tolist() == pytest.approx(expected, rel=1e-5)


def test_psnr_cap_for_identical_images_is_configurable():
    images = smooth_batch()
    mask = centre_mask()
    assert make("psnr_full")(images, images, mask).tolist() == [100.0, 100.0]
    assert make("psnr_hole", max_db=60)(images, images, mask).tolist() == [60.0, 60.0]
    nearly = images + 1e-7
    assert make("psnr_hole")(nearly, images, mask).max() <= 100.0


def test_psnr_of_a_known_mse():
    target = torch.zeros(1, 3, 8, 8)
    output = torch.full((1, 3, 8, 8), 0.1)  # MSE 0.01 -> 20 dB
    assert float(make("psnr_full")(output, target, centre_mask(1, 8, 4))) == pytest.approx(20.0, abs=1e-5)


@pytest.mark.parametrize("name", ["l1_hole", "l2_hole", "psnr_hole", "ssim_hole", "accuracy_hole"])
def test_hole_metrics_ignore_known_pixels(name):
    target, mask = smooth_batch(), centre_mask()
    output = (target + 0.05 * torch.randn(target.shape, generator=torch.Generator().manual_seed(1))).clamp(0, 1)
    metric = make(name)
    before = metric(output, target, mask)
    # Far from the hole (beyond the SSIM window) the known pixels may be anything.
    far = torch.ones_like(mask)
    far[..., 1:-1, 1:-1] = 0
    changed = far * torch.rand_like(output) + (1 - far) * output
    assert torch.equal(metric(changed, target, mask), before)
    full = make(name.replace("_hole", "_full")) if name != "accuracy_hole" else None
    if full is not None:
        assert not torch.equal(full(changed, target, mask), full(output, target, mask))


@pytest.mark.parametrize("name", ["l1_hole", "psnr_hole", "ssim_hole", "accuracy_hole"])
def test_hole_metrics_of_a_sample_without_hole_are_nan(name):
    images, mask = smooth_batch(), centre_mask()
    mask[1] = 0
    values = make(name)(images * 0.9, images, mask)
    assert not math.isnan(float(values[0])) and math.isnan(float(values[1]))


def test_ssim_identity_and_ordering():
    target, mask = smooth_batch(channels=1), centre_mask()
    for name in ("ssim_hole", "ssim_full"):
        metric = make(name)
        assert metric(target, target, mask).tolist() == pytest.approx([1.0, 1.0], abs=1e-6)
        slight = metric((target + 0.02).clamp(0, 1), target, mask)
        strong = metric(torch.rand_like(target), target, mask)
        assert torch.all(slight < 1) and torch.all(strong < slight)


def test_ssim_map_matches_scikit_image_inside_the_border():
    rng = np.random.default_rng(0)
    x = rng.random((1, 1, 32, 32))
    y = np.clip(x + rng.normal(0, 0.1, x.shape), 0, 1)
    _, reference = structural_similarity(
        x[0, 0], y[0, 0], data_range=1.0, gaussian_weights=True, sigma=1.5,
        use_sample_covariance=False, full=True,
    )
    ours = ssim_map(torch.from_numpy(x), torch.from_numpy(y))[0, 0].numpy()
    inner = (slice(5, -5), slice(5, -5))  # padding differs only within half a window of the edge
    np.testing.assert_allclose(ours[inner], reference[inner], atol=1e-6)


def test_ssim_hole_is_the_map_mean_over_the_hole():
    target, mask = smooth_batch(), centre_mask()
    output = (target * 0.8 + 0.1).clamp(0, 1)
    per_pixel = ssim_map(output, target).mean(dim=1, keepdim=True)
    expected = [float(per_pixel[i][mask[i] > 0].mean()) for i in range(2)]
    assert make("ssim_hole")(output, target, mask).tolist() == pytest.approx(expected, rel=1e-6)
    assert make("ssim_full")(output, target, mask).tolist() == pytest.approx(
        per_pixel.flatten(1).mean(1).tolist(), rel=1e-6)


def test_accuracy_counts_samples_within_tolerance():
    target = torch.zeros(3, 1, 4, 4)
    mask = torch.ones(3, 1, 4, 4)
    mask[..., 0, :] = 0  # known row with a large error that must not count
    output = torch.stack([torch.full((1, 4, 4), v) for v in (0.05, 0.08, 0.2)])
    output[..., 0, :] = 1.0
    # MSE in the hole: 0.0025, 0.0064, 0.04 -> only the first within 0.005
    assert make("accuracy_hole")(output, target, mask).tolist() == [1.0, 0.0, 0.0]
    # L1 in the hole: 0.05, 0.08, 0.2 -> two within 0.1
    assert make("accuracy_hole", error="l1", tolerance=0.1)(output, target, mask).tolist() == [1.0, 1.0, 0.0]
    assert make("accuracy_hole").higher_is_better


def test_even_ssim_window_is_rejected():
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="odd"):
        make("ssim_full", window_size=10)
