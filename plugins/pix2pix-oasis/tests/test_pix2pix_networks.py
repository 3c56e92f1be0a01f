"""U-Net depths and shapes, and conformance of both networks (the PatchGAN itself is
corefill.nn's, tested in tests/nn)."""
import pytest
import torch
from torch import nn

from corefill.testing import check_component
from corefill_pix2pix.generators.unet import build_unet


@pytest.mark.parametrize("architecture, side, levels, dropouts", [
    ("unet_128", 128, 7, 2),
    ("unet_256", 256, 8, 3),
])
def test_unet_depth_shape_and_bottleneck(architecture, side, levels, dropouts):
    unet = build_unet(architecture=architecture, in_channels=4, base_channels=4).eval()
    seen = []
    unet.downs[-1].register_forward_hook(lambda m, i, o: seen.append(o.shape))
    with torch.no_grad():
        out = unet(torch.rand(1, 4, side, side), None)
    assert out.shape == (1, 1, side, side)
    assert len(unet.downs) == levels
    assert seen[0][-2:] == (1, 1)  # the encoder goes all the way down to 1×1
    assert sum(isinstance(m, nn.Dropout) for m in unet.modules()) == dropouts
    assert sum(isinstance(m, nn.BatchNorm2d) for m in unet.modules()) == 2 * levels - 3
    assert out.abs().max() <= 1.0  # tanh output in [-1, 1]


def test_unet_skip_connections_carry_detail():
    # With the bottleneck path zeroed, the output still depends on the input through skips.
    unet = build_unet(architecture="unet_128", in_channels=1, base_channels=4, dropout=0.0).eval()
    with torch.no_grad():
        unet.ups[0][1].weight.zero_()  # the bottleneck up-conv
        a = unet(torch.zeros(1, 1, 128, 128), None)
        b = unet(torch.ones(1, 1, 128, 128), None)
    assert not torch.allclose(a, b)


def test_unet_rejects_wrong_side_and_channels():
    unet = build_unet(architecture="unet_256", in_channels=4, base_channels=4)
    with pytest.raises(ValueError, match="divisible by 256"):
        unet(torch.zeros(1, 4, 128, 128), None)
    with pytest.raises(ValueError, match="expects 4 input channels"):
        unet(torch.zeros(1, 1, 256, 256), None)


def test_unet_conforms():
    check_component("generator", "unet",
                    {"architecture": "unet_128", "in_channels": 4, "base_channels": 4},
                    input_channels=4, target_channels=1, size=128)


def test_patchgan_conforms():
    check_component("discriminator", "patchgan", {"in_channels": 5, "base_channels": 8},
                    channels=5, size=64)
