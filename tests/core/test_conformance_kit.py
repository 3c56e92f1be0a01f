"""The kit passes correct components and fails deliberately wrong ones, saying why."""
import numpy as np
import pytest
import torch

from pydantic import Field

from corefill.params import Params
from corefill.testing import (
    check_dataset,
    check_discriminator,
    check_generator,
    check_loss,
    check_masker,
    check_metric,
    check_params,
)


class BoxMasker:
    def __call__(self, height, width, *, rng, name=None):
        mask = torch.zeros(1, height, width)
        top, left = rng.integers(0, height // 2), rng.integers(0, width // 2)
        mask[:, top:top + height // 2, left:left + width // 2] = 1
        return mask


class Byte255Masker(BoxMasker):
    def __call__(self, height, width, *, rng, name=None):
        return super().__call__(height, width, rng=rng) * 255


class UnseededMasker(BoxMasker):
    def __call__(self, height, width, *, rng, name=None):
        return super().__call__(height, width, rng=np.random.default_rng())


class TinyGenerator(torch.nn.Module):
    def __init__(self, *, channels=1):
        super().__init__()
        self.conv = torch.nn.Conv2d(channels + 1, channels, 3, padding=1)

    def forward(self, x, mask):
        return torch.tanh(self.conv(torch.cat([x, mask], 1)))


class InvertedMasker(BoxMasker):
    """Marks the known part as the hole: 0 = hole, the wrong way round."""

    def __call__(self, height, width, *, rng, name=None):
        return 1 - super().__call__(height, width, rng=rng)


class UnboundedGenerator(TinyGenerator):
    def forward(self, x, mask):
        return self.conv(torch.cat([x, mask], 1)) * 10


class InvertedFill(TinyGenerator):
    """Says it keeps known pixels, but fills where the mask is 0."""

    keeps_known = True

    def forward(self, x, mask):
        return mask * x + (1 - mask) * super().forward(x, mask)


class NanGenerator(TinyGenerator):
    def forward(self, x, mask):
        return super().forward(x, mask) * float("nan")


class RandomGenerator(TinyGenerator):
    """Not reproducible from its state dict: adds fresh noise at inference."""

    def forward(self, x, mask):
        return (super().forward(x, mask) + 0.01 * torch.randn_like(x)).clamp(-1, 1)


class FrozenGenerator(TinyGenerator):
    def forward(self, x, mask):
        return super().forward(x, mask).detach() + 0 * self.conv.weight.sum().detach()


class L1Hole:
    adversarial = False

    def __call__(self, output, target, mask):
        return ((output - target).abs() * mask).sum() / mask.sum().clamp(min=1)


class DetachedLoss(L1Hole):
    def __call__(self, output, target, mask):
        return super().__call__(output.detach(), target, mask)


class PsnrLike:
    name, higher_is_better, per_sample = "psnr_full", True, True

    def __call__(self, output, target, mask):
        mse = (output - target).pow(2).flatten(1).mean(1)
        return 10 * torch.log10(1 / mse.clamp(min=1e-10))


class NoisyMetric(PsnrLike):
    def __call__(self, output, target, mask):
        return super().__call__(output, target, mask) + torch.rand(output.shape[0])


class Dataset:
    value_range, channels = (-1.0, 1.0), 1

    def __len__(self):
        return 2

    def __getitem__(self, index):
        gen = torch.Generator().manual_seed(index)
        return {"image": torch.rand(1, 8, 8, generator=gen) * 2 - 1, "name": f"item{index}"}


class OutOfRangeDataset(Dataset):
    def __getitem__(self, index):
        item = super().__getitem__(index)
        return {**item, "image": (item["image"] + 1) * 127.5}


def test_correct_components_pass():
    check_masker(BoxMasker())
    check_generator(TinyGenerator)
    check_generator(lambda: TinyGenerator(channels=3), input_channels=3, target_channels=3)
    check_discriminator(lambda: torch.nn.Conv2d(2, 1, 4, stride=2))
    check_loss(L1Hole())
    check_metric(PsnrLike())
    check_dataset(Dataset())


@pytest.mark.parametrize(
    "check, component, rule",
    [
        (check_masker, Byte255Masker(), "exactly 0.0 or 1.0"),
        (check_masker, UnseededMasker(), "same rng seed must give the same mask"),
        (check_masker, InvertedMasker(), "polarity inverted"),
        (check_generator, UnboundedGenerator, r"value range \(-1.0, 1.0\)"),
        (check_generator, InvertedFill, "changed known pixels"),
        (check_generator, NanGenerator, "keep known pixels"),
        (check_generator, RandomGenerator, "round trip"),
        (check_generator, FrozenGenerator, "changed no parameter"),
        (check_loss, DetachedLoss(), "differentiable"),
        (check_metric, NoisyMetric(), "deterministic"),
        (check_dataset, OutOfRangeDataset(), "value_range"),
    ],
)
def test_wrong_components_fail_with_the_rule(check, component, rule):
    with pytest.raises(AssertionError, match=rule):
        check(component)


def test_wrong_output_shape_fails():
    class Cropping(TinyGenerator):
        def forward(self, x, mask):
            return super().forward(x, mask)[..., 1:]

    with pytest.raises(AssertionError, match=r"output shape must be \(2, 1, 32, 32\)"):
        check_generator(Cropping)


def test_hole_box_generator_must_return_the_box():
    class Patch(TinyGenerator):
        output_region = "hole_box"

        def forward(self, x, mask):
            return super().forward(x, mask)[..., 8:24, 8:24]

    check_generator(Patch)  # the 16×16 centre hole of a 32² image
    Patch.forward = lambda self, x, mask: TinyGenerator.forward(self, x, mask)
    with pytest.raises(AssertionError, match=r"\(2, 1, 16, 16\)"):
        check_generator(Patch)


def test_a_deep_generator_is_checked_at_the_size_it_supports():
    class NeedsSixtyFour(TinyGenerator):
        def forward(self, x, mask):
            assert x.shape[-1] >= 64, "too small for this network"
            return super().forward(x, mask)

    check_generator(NeedsSixtyFour, size=64)
    with pytest.raises(AssertionError, match="too small"):
        check_generator(NeedsSixtyFour)


class _Documented(Params):
    """A documented component. Images in [-1, 1]."""

    width: int = Field(8, ge=1, description="channels")


class _NoDescription(Params):
    """Fine docstring."""

    width: int = 8


class _Undocumented(Params):
    width: int = Field(8, description="channels")


class _BadDefault(Params):
    """Default its own constraint refuses."""

    cells: int = Field(0, ge=1, description="cells per side")


class _WrongType(Params):
    """Default of the wrong type."""

    cells: int = Field("sixteen", description="cells per side")


@pytest.mark.parametrize("params_cls, rule", [
    (_NoDescription, r"_NoDescription.width: every field needs a description"),
    (_Undocumented, "needs a docstring"),
    (_BadDefault, r"_BadDefault.cells: its default is invalid \(.*greater than or equal to 1"),
    (_WrongType, r"_WrongType.cells: its default is invalid \(.*valid integer.*got 'sixteen'"),
])
def test_params_checks(params_cls, rule):
    check_params(_Documented, torch_free=False)  # this test module imports torch itself
    with pytest.raises(AssertionError, match=rule):
        check_params(params_cls, torch_free=False)


def test_params_module_importing_torch_is_caught(tmp_path, monkeypatch):
    (tmp_path / "heavy_params.py").write_text(
        "import torch\nfrom pydantic import Field\nfrom corefill.params import Params\n\n"
        "class HeavyParams(Params):\n    \"\"\"Imports torch.\"\"\"\n\n"
        "    width: int = Field(8, description='channels')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    import heavy_params

    with pytest.raises(AssertionError, match="heavy_params imports torch"):
        check_params(heavy_params.HeavyParams)
