"""The parametrised context encoder and its discriminator (both heads, resizing, gradients)."""
import pytest
import torch
from torch import nn

from corefill.nn import ContextDiscriminator, ContextEncoder


def centre_mask(n, size, hole):
    mask = torch.zeros(n, 1, size, size)
    start = (size - hole) // 2
    mask[..., start:start + hole, start:start + hole] = 1
    return mask


@pytest.mark.parametrize("head, last", [("upconv", nn.ConvTranspose2d), ("conv", nn.Conv2d)])
def test_both_heads_predict_the_hole_box_from_a_4x4_bottleneck(head, last):
    net = ContextEncoder(image_size=32, hole_size=16, channels=3, base_channels=8,
                         mask_channel=False, head=head).eval()
    assert net.output_region == "hole_box" and isinstance(net.to_image, last)
    assert net.encoder(torch.zeros(1, 3, 32, 32)).shape == (1, 32, 4, 4)
    out = net(torch.rand(2, 3, 32, 32), centre_mask(2, 32, 16))
    assert out.shape == (2, 3, 16, 16) and out.abs().max() <= 1


def test_channels_capped_and_decoder_floored():
    net = ContextEncoder(image_size=64, hole_size=32, channels=1, base_channels=8, max_channels=16,
                         mask_channel=True)
    assert [b[0].out_channels for b in net.encoder] == [8, 16, 16, 16]
    assert [b[0].out_channels for b in net.decoder] == [8, 8]  # never below base_channels


def test_other_sizes_are_resized_and_stretched_onto_the_box():
    net = ContextEncoder(image_size=32, channels=1, base_channels=8, mask_channel=True).eval()
    mask = torch.zeros(1, 1, 45, 37)  # odd, non-square image and hole
    mask[..., 10:23, 3:30] = 1
    assert net(torch.rand(1, 1, 45, 37), mask).shape == (1, 1, 13, 27)
    # No hole at all: the trained box size.
    assert net(torch.rand(1, 1, 32, 32), torch.zeros(1, 1, 32, 32)).shape == (1, 1, 16, 16)


def test_the_mask_channel_reaches_the_prediction_and_gradients_flow():
    torch.manual_seed(0)
    net = ContextEncoder(image_size=16, hole_size=8, channels=1, base_channels=4,
                         mask_channel=True, dropout=0.1)
    image, mask = torch.rand(2, 1, 16, 16), centre_mask(2, 16, 8)
    out = net(image, mask)
    out.mean().backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in net.parameters())
    net.eval()
    shifted = torch.roll(mask, 1, dims=-1)
    assert not torch.allclose(net(image, mask), net(image, shifted))


def test_discriminator_one_logit_per_image_any_size():
    disc = ContextDiscriminator(input_size=16, channels=3, base_channels=8)
    assert [b[0].out_channels for b in disc.features] == [8, 16]
    assert disc(torch.randn(5, 3, 16, 16)).shape == (5, 1)
    x = torch.randn(2, 3, 21, 13, requires_grad=True)
    logits = disc(x)
    assert logits.shape == (2, 1)
    logits.sum().backward()
    assert x.grad.abs().sum() > 0
    capped = ContextDiscriminator(input_size=64, channels=1, base_channels=8, max_channels=16)
    assert [b[0].out_channels for b in capped.features] == [8, 16, 16, 16]
