"""LPIPS against the `lpips` package on the same weights; KID against a direct computation.

No ImageNet weights exist offline: the tests make a backbone (random init, fixed seed),
save it where corefill looks ($COREFILL_CACHE/lpips/) and load the same into lpips.LPIPS.
"""
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch

lpips_package = pytest.importorskip("lpips")

from corefill.metrics import lpips_sources, perceptual  # noqa: E402
from corefill.metrics.kid import KIDMetric, kernel_inception_distance  # noqa: E402
from corefill.plugins import registries  # noqa: E402
from corefill.registry import build  # noqa: E402

STAGES = perceptual.STAGE_ENDS


def _backbone(net: str) -> dict:
    import torchvision

    torch.manual_seed(7)
    model = (torchvision.models.alexnet if net == "alex" else torchvision.models.vgg16)(weights=None)
    return model.state_dict()


@pytest.fixture(scope="module")
def weights_cache(tmp_path_factory):
    root = tmp_path_factory.mktemp("lpips-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COREFILL_CACHE", str(root))
        patch.setenv("COREFILL_OFFLINE", "1")
        (root / "lpips").mkdir()
        for net in ("alex", "vgg"):
            torch.save(_backbone(net), root / "lpips" / lpips_sources.backbone_file(net))
        perceptual._NETWORKS.clear()
        yield root
    perceptual._NETWORKS.clear()


def _reference(net: str):
    """lpips.LPIPS with its own heads and our backbone, stage by stage."""
    reference = lpips_package.LPIPS(net=net, pnet_rand=True, verbose=False)
    backbone, ends, state = _backbone(net), STAGES[net], {}
    for key, value in backbone.items():
        if key.startswith("features."):
            index = int(key.split(".")[1])
            stage = next(k for k, end in enumerate(ends) if index < end) + 1
            state[f"slice{stage}.{key[len('features.'):]}"] = value
    reference.net.load_state_dict(state)
    return reference.eval()


def _images(count=3, size=64, channels=3, seed=0):
    generator = torch.Generator().manual_seed(seed)
    target = torch.rand(count, channels, size, size, generator=generator)
    output = (target + 0.3 * torch.randn(target.shape, generator=generator)).clamp(0, 1)
    return output, target


@pytest.mark.parametrize("net", ["alex", "vgg"])
def test_lpips_equals_the_lpips_package_on_the_same_weights(weights_cache, net):
    metric = build(registries().get("metric", "lpips"), {"net": net})
    output, target = _images()
    mine = metric(output, target, torch.ones(3, 1, 64, 64))
    with torch.no_grad():
        theirs = _reference(net)(output, target, normalize=True).flatten()
    assert mine.shape == (3,) and (mine > 0).all()
    torch.testing.assert_close(mine, theirs, rtol=1e-4, atol=1e-6)
    same = metric(target, target, torch.ones(3, 1, 64, 64))
    assert same.abs().max() < 1e-6


def test_lpips_hole_scores_the_crop_around_the_hole(weights_cache):
    metric = build(registries().get("metric", "lpips_hole"), {"min_size": 64})
    output, target = _images(count=2, size=128)
    mask = torch.zeros(2, 1, 128, 128)
    mask[0, :, 10:30, 90:120] = 1  # a 20x30 hole: a 64² crop inside the image
    crop = perceptual.hole_crops(mask, 64)
    assert crop[0] == (0, 64, 64, 64) and crop[1] is None  # pushed inside the image
    values = metric(output, target, mask)
    top, left, h, w = crop[0]
    with torch.no_grad():
        expected = _reference("alex")(output[:1, :, top:top + h, left:left + w],
                                      target[:1, :, top:top + h, left:left + w], normalize=True)
    assert torch.isnan(values[1])
    torch.testing.assert_close(values[0], expected.flatten()[0], rtol=1e-4, atol=1e-6)


def test_lpips_grey_images_are_replicated(weights_cache):
    metric = build(registries().get("metric", "lpips"), {})
    output, target = _images(channels=1)
    grey = metric(output, target, torch.ones(3, 1, 64, 64))
    rgb = metric(output.expand(-1, 3, -1, -1), target.expand(-1, 3, -1, -1), torch.ones(3, 1, 64, 64))
    torch.testing.assert_close(grey, rgb)
    card = metric.info()
    assert card["weights_sha256"]["backbone"] == perceptual.sha256_of(
        weights_cache / "lpips" / "alexnet-owt-7be5be79.pth")


def test_validate_offline_without_backbone_is_one_line(tmp_path):
    script = textwrap.dedent(f"""
        import os, sys
        os.environ["COREFILL_CACHE"] = {str(tmp_path / 'empty')!r}
        os.environ["TORCH_HOME"] = {str(tmp_path / 'torch')!r}
        os.environ["COREFILL_OFFLINE"] = "1"
        from corefill.metrics.params import LPIPSParams
        print(LPIPSParams().preflight())
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert "alexnet-owt-7be5be79.pth" in out.stdout and "sha256 begins 7be5be79" in out.stdout
    assert str(tmp_path / "empty" / "lpips") in out.stdout


def _direct_mmd(x, y):
    """Unbiased MMD² written out term by term (a loop), cubic kernel."""
    d = x.shape[1]
    k = lambda a, b: (a @ b / d + 1) ** 3  # noqa: E731
    m, n = len(x), len(y)
    xx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    yy = sum(k(y[i], y[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    xy = sum(k(x[i], y[j]) for i in range(m) for j in range(n)) / (m * n)
    return xx + yy - 2 * xy


def test_kid_equals_a_direct_computation_on_the_same_features():
    rng = np.random.default_rng(3)
    fake, real = rng.random((12, 16)), rng.random((12, 16)) + 0.1
    mean, std = kernel_inception_distance(fake, real, subsets=5, subset_size=8, seed=1)
    draws = np.random.default_rng(1)
    expected = []
    for _ in range(5):
        f = fake[draws.choice(12, 8, replace=False)]
        r = real[draws.choice(12, 8, replace=False)]
        expected.append(_direct_mmd(f, r))
    assert mean == pytest.approx(np.mean(expected), rel=1e-10)
    assert std == pytest.approx(np.std(expected), rel=1e-8) and std > 0
    alike, _ = kernel_inception_distance(rng.random((12, 16)), rng.random((12, 16)),
                                         subsets=5, subset_size=12)
    apart, _ = kernel_inception_distance(rng.random((12, 16)), rng.random((12, 16)) + 0.5,
                                         subsets=5, subset_size=12)
    assert abs(alike) < apart / 10


class _Features(KIDMetric):
    """KID on a fixed projection instead of Inception (the metric's own arithmetic)."""

    def features(self, images):
        return images.flatten(1)[:, :32].double().numpy()


def test_kid_metric_on_images_matches_the_direct_computation():
    metric = _Features(weights=None, batch_size=4, subsets=4, subset_size=6)
    output, target = _images(count=8, size=8, seed=2)
    metric.update(output[:4], target[:4], None)
    metric.update(output[4:], target[4:], None)
    value = metric.compute()
    fake = output.flatten(1)[:, :32].double().numpy()
    real = target.flatten(1)[:, :32].float().double().numpy()
    draws, expected = np.random.default_rng(0), []
    for _ in range(4):
        expected.append(_direct_mmd(fake[draws.choice(8, 6, replace=False)],
                                    real[draws.choice(8, 6, replace=False)]))
    assert value == pytest.approx(np.mean(expected), rel=1e-6)
    assert metric.details()["std"] == pytest.approx(np.std(expected), rel=1e-5)
