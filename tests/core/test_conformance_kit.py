"""The kit passes correct components and fails deliberately wrong ones, saying why."""
import numpy as np
import pytest
import torch

from corefill.testing import (
    check_dataset,
    check_discriminator,
    check_generator,
    check_loss,
    check_masker,
    check_metric,
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


class NanGenerator(TinyGenerator):
    def forward(self, x, mask):
        return super().forward(x, mask) * float("nan")


class RandomGenerator(TinyGenerator):
    """Not reproducible from its state dict: adds fresh noise at inference."""

    def forward(self, x, mask):
        return super().forward(x, mask) + torch.randn_like(x)


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
