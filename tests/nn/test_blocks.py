"""Down / up conv blocks and stacks: sides, layer order, biases, gradients."""
import pytest
import torch
from torch import nn

from corefill.nn import (ChannelWiseFC, doubling_widths, down_block, down_stack, up_block, up_stack,
                         upsampling_conv)


def test_widths_double_up_to_the_cap():
    assert doubling_widths(base=16, count=5) == [16, 32, 64, 128, 256]
    assert doubling_widths(base=16, count=5, cap=64) == [16, 32, 64, 64, 64]


@pytest.mark.parametrize("side, halved", [(32, 16), (33, 16), (7, 3)])
def test_down_block_halves_odd_and_even_sides(side, halved):
    block = down_block(in_channels=3, out_channels=5)
    assert block(torch.randn(2, 3, side, side + 2)).shape == (2, 5, halved, (side + 2) // 2)
    assert down_block(in_channels=3, out_channels=5, stride=1)(
        torch.randn(1, 3, 16, 16)).shape[-2:] == (15, 15)


def test_bias_only_without_norm_and_layer_order():
    normed, plain = down_block(in_channels=2, out_channels=4), down_block(
        in_channels=2, out_channels=4, norm=False)
    assert normed[0].bias is None and isinstance(normed[1], nn.BatchNorm2d)
    assert plain[0].bias is not None and len(plain) == 2
    up = up_block(in_channels=4, out_channels=2, activation="elu", dropout=0.5)
    assert [type(m) for m in up] == [nn.ConvTranspose2d, nn.BatchNorm2d, nn.ELU, nn.Dropout]
    pre = up_block(in_channels=4, out_channels=2, activation_first=True)
    assert isinstance(pre[0], nn.ReLU) and isinstance(pre[1], nn.ConvTranspose2d)
    assert len(down_block(in_channels=2, out_channels=4, activation=None, norm=False)) == 1


def test_pre_activation_leaves_its_input_alone():
    # A U-Net feeds a kept skip tensor to the next level: it must not be rewritten in place.
    skip = torch.randn(1, 4, 8, 8)
    kept = skip.clone()
    down_block(in_channels=4, out_channels=4, activation_first=True)(skip)
    assert torch.equal(skip, kept)


def test_stacks_shapes_first_block_unnormed_and_gradient_flows():
    down = down_stack(in_channels=3, widths=[8, 16, 32])
    up = up_stack(widths=[32, 16, 8])
    assert not any(isinstance(m, nn.BatchNorm2d) for m in down[0])
    assert all(isinstance(b[1], nn.BatchNorm2d) for b in down[1:])
    x = torch.randn(2, 3, 32, 32, requires_grad=True)
    out = up(down(x))
    assert down(x).shape == (2, 32, 4, 4) and out.shape == (2, 8, 16, 16)
    out.square().mean().backward()
    assert x.grad.abs().sum() > 0 and down[0][0].weight.grad.abs().sum() > 0


def test_channel_wise_fc_connects_positions_not_channels():
    layer = ChannelWiseFC(channels=4, positions=16).eval()
    x = torch.randn(1, 4, 4, 4)
    bumped = x.clone()
    bumped[0, 2, 0, 0] += 3.0
    change = (layer.spread(bumped) - layer.spread(x))[0]
    assert change[2].ne(0).all()  # one position reaches every position of its channel
    assert change[[0, 1, 3]].eq(0).all()  # ...and no other channel
    assert layer(x).shape == (1, 4, 4, 4)
    # The 1x1 mix then spreads across channels.
    assert (layer(bumped) - layer(x))[0].abs().sum(dim=(1, 2)).gt(0).all()


def test_channel_wise_fc_init_keeps_unit_scale_and_trains():
    torch.manual_seed(0)
    layer = ChannelWiseFC(channels=64, positions=16)
    assert abs(layer.weight.std() - 0.25) < 0.01  # 1 / sqrt(positions)
    x = torch.randn(256, 64, 4, 4)
    assert 0.8 < layer.spread(x).std() < 1.2
    layer(x).mean().backward()
    assert layer.weight.grad.abs().sum() > 0 and layer.mix.weight.grad.abs().sum() > 0


@pytest.mark.parametrize("upsample", ["transposed", "nearest", "bilinear"])
def test_every_upsampling_doubles_the_side(upsample):
    block = up_block(in_channels=4, out_channels=2, upsample=upsample)
    assert block(torch.randn(1, 4, 5, 7)).shape == (1, 2, 10, 14)


def test_resize_upsampling_has_no_checkerboard_on_a_constant_input():
    """A transposed conv with stride 2 and a 4x4 kernel overlaps unevenly: a constant input
    comes out with a periodic pattern; a resize + conv keeps it constant inside."""
    torch.manual_seed(0)
    flat = torch.ones(1, 3, 8, 8)
    resized = upsampling_conv(in_channels=3, out_channels=1, upsample="nearest")(flat)
    transposed = upsampling_conv(in_channels=3, out_channels=1, upsample="transposed")(flat)
    inner = (slice(None), slice(None), slice(2, -2), slice(2, -2))
    assert float(resized[inner].std()) < 1e-5 < float(transposed[inner].std())
