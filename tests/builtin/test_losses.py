"""Built-in losses: hand-computed values, masking, numerical stability, gradients."""
import math

import pytest
import torch
import torch.nn.functional as F

from corefill.plugins import registries
from corefill.registry import build
from corefill.testing import check_loss


def make(name, **params):
    return build(registries().get("loss", name), params)


# One image, two channels, 2x2 pixels; the hole is the top row.
TARGET = torch.tensor([[[[0.0, 1.0], [2.0, 3.0]], [[1.0, 1.0], [1.0, 1.0]]]])
OUTPUT = torch.tensor([[[[1.0, -1.0], [2.5, 3.0]], [[1.5, 1.0], [0.0, 1.0]]]])
MASK = torch.tensor([[[[1.0, 1.0], [0.0, 0.0]]]])
# |diff| per channel: c0 = [1, 2 | 0.5, 0], c1 = [0.5, 0 | 1, 0]; hole = first row.


@pytest.mark.parametrize("name,params,expected", [
    ("l1-hole", {}, (1 + 2 + 0.5 + 0) / 4),
    ("l1-hole", {"reduction": "sum"}, 1 + 2 + 0.5 + 0),
    ("l2-hole", {}, (1 + 4 + 0.25 + 0) / 4),
    ("l2-hole", {"reduction": "sum"}, 1 + 4 + 0.25),
    ("l1", {}, (1 + 2 + 0.5 + 0 + 0.5 + 0 + 1 + 0) / 8),
    ("l1", {"reduction": "sum"}, 5.0),
    ("l2", {}, (1 + 4 + 0.25 + 0.25 + 1) / 8),
])
def test_reconstruction_values_by_hand(name, params, expected):
    loss = make(name, **params)
    assert loss.adversarial is False
    assert float(loss(OUTPUT, TARGET, MASK)) == pytest.approx(expected)


def test_sum_reduction_is_the_rgb_gan_sources_reconstruction_loss():
    output, target = torch.rand(2, 3, 8, 8), torch.rand(2, 3, 8, 8)
    mask = (torch.rand(2, 1, 8, 8) > 0.5).float()
    source_loss = torch.sum(torch.abs(mask * (target - output)))
    assert torch.allclose(make("l1-hole", reduction="sum")(output, target, mask), source_loss)


@pytest.mark.parametrize("name", ["l1-hole", "l2-hole"])
def test_hole_losses_ignore_known_pixels_and_send_them_no_gradient(name):
    output = OUTPUT.clone().requires_grad_()
    loss = make(name)
    value = loss(output, TARGET, MASK)
    value.backward()
    assert torch.all(output.grad[..., 1, :] == 0) and torch.any(output.grad[..., 0, :] != 0)
    changed = OUTPUT.clone()
    changed[..., 1, :] += 10
    assert torch.equal(loss(changed, TARGET, MASK), value.detach())


def test_hole_loss_without_hole_is_zero_not_nan():
    output = torch.rand(1, 1, 4, 4, requires_grad=True)
    value = make("l1-hole")(output, torch.rand(1, 1, 4, 4), torch.zeros(1, 1, 4, 4))
    assert float(value.detach()) == 0.0
    value.backward()  # still attached to the graph


@pytest.mark.parametrize("name", ["l1-hole", "l2-hole", "l1", "l2", "bce", "lsgan", "hinge"])
def test_conformance(name):
    check_loss(make(name), channels=1)
    check_loss(make(name), channels=3)


def test_bce_matches_torch_and_is_stable():
    loss = make("bce")
    fake, real = torch.tensor([0.3, -2.0, 4.0]), torch.tensor([1.5, -0.5, 0.0])
    expected_g = F.binary_cross_entropy_with_logits(fake, torch.ones(3))
    expected_d = (F.binary_cross_entropy_with_logits(real, torch.ones(3))
                  + F.binary_cross_entropy_with_logits(fake, torch.zeros(3)))
    assert torch.allclose(loss.generator_loss(fake), expected_g)
    assert torch.allclose(loss.discriminator_loss(real, fake), expected_d)
    assert float(loss.generator_loss(torch.zeros(4))) == pytest.approx(math.log(2))
    huge = torch.tensor([-1000.0, 1000.0], requires_grad=True)
    value = loss.generator_loss(huge)
    assert float(value.detach()) == pytest.approx(500.0)  # (1000 + 0) / 2, no inf
    value.backward()
    assert torch.isfinite(huge.grad).all()


def test_lsgan_values_by_hand():
    loss = make("lsgan")
    fake, real = torch.tensor([0.0, 2.0]), torch.tensor([1.0, 3.0])
    assert float(loss.generator_loss(fake)) == pytest.approx((1 + 1) / 2)
    assert float(loss.discriminator_loss(real, fake)) == pytest.approx((0 + 4) / 2 + (0 + 4) / 2)


def test_hinge_values_by_hand():
    loss = make("hinge")
    fake, real = torch.tensor([-2.0, 0.5]), torch.tensor([2.0, 0.25])
    assert float(loss.generator_loss(fake)) == pytest.approx(0.75)
    # real: relu(1 - [2, .25]) = [0, .75]; fake: relu(1 + [-2, .5]) = [0, 1.5]
    assert float(loss.discriminator_loss(real, fake)) == pytest.approx(0.375 + 0.75)


def test_adversarial_flags():
    for name in ("bce", "lsgan", "hinge"):
        assert make(name).adversarial is True


def test_log_l2_hole_is_the_mean_over_images_of_the_log_hole_mse():
    output, target = torch.rand(3, 2, 6, 6), torch.rand(3, 2, 6, 6)
    mask = torch.zeros(3, 1, 6, 6)
    mask[0, :, 1:4, 1:4] = 1
    mask[1, :, :, :2] = 1  # image 2 has no hole: it adds nothing
    loss = make("log-l2-hole", eps=1e-3)
    assert loss.adversarial is False
    expected = [math.log(float(((output[i] - target[i]) ** 2 * mask[i]).sum()
                               / (2 * mask[i].sum())) + 1e-3) for i in (0, 1)]
    assert float(loss(output, target, mask)) == pytest.approx(sum(expected) / 2, rel=1e-5)


def test_log_l2_hole_weighs_images_as_mean_psnr_does():
    """Halving one image's error gains as much as halving another's, whatever their sizes:
    what mean PSNR rewards (plain L2 weighs the large error 100x more)."""
    target, mask = torch.zeros(2, 1, 4, 4), torch.ones(2, 1, 4, 4)
    output = torch.cat([torch.full((1, 1, 4, 4), 0.01), torch.full((1, 1, 4, 4), 0.1)])
    loss = make("log-l2-hole", eps=1e-12)
    output.requires_grad_(True)
    loss(output, target, mask).backward()
    # d log(mse)/d output = 2 (o - t) / (n mse): the same for both images relative to their error
    assert torch.allclose(output.grad[0] * 0.01, output.grad[1] * 0.1)
    # identical images: a finite value (eps), no NaN in the gradient
    same = torch.zeros(1, 1, 4, 4, requires_grad=True)
    make("log-l2-hole")(same, torch.zeros(1, 1, 4, 4), torch.ones(1, 1, 4, 4)).backward()
    assert torch.isfinite(same.grad).all()


def test_log_l2_hole_passes_the_conformance_kit():
    check_loss(make("log-l2-hole"))
