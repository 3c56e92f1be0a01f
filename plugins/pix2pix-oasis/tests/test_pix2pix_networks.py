"""U-Net depths and shapes, and conformance of both networks (the PatchGAN itself is
corefill.nn's, tested in tests/nn)."""
import pytest
import torch
from torch import nn

from corefill.plugin import BuildContext, build
from corefill.testing import check_component, registries

ONE_HOT = BuildContext(channels=1, input_channels=4)  # one-hot labels -> grey MRI


def network(kind, name, context=ONE_HOT, **params):  # built as the engine builds it
    return build(registries().get(kind, name), params, context)


def build_unet(**params):
    return network("generator", "unet", **params)


@pytest.mark.parametrize("architecture, side, levels, dropouts", [
    ("unet_128", 128, 7, 2),
    ("unet_256", 256, 8, 3),
])
def test_unet_depth_shape_and_bottleneck(architecture, side, levels, dropouts):
    unet = build_unet(architecture=architecture, base_channels=4).eval()
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


def test_channels_follow_the_dataset_unless_the_recipe_sets_them():
    scaled = BuildContext(channels=1, input_channels=1)  # one channel of scaled labels
    unet = network("generator", "unet", scaled, architecture="unet_128", base_channels=4)
    assert unet.in_channels == 1 and unet.head[1].out_channels == 1
    rgb = network("generator", "unet", BuildContext(channels=3, input_channels=4),
                  architecture="unet_128", base_channels=4)
    assert rgb.in_channels == 4 and rgb.head[1].out_channels == 3
    # The conditional D sees cat(input, image).
    assert network("discriminator", "patchgan", scaled, base_channels=8).in_channels == 2
    assert network("discriminator", "patchgan", base_channels=8).in_channels == 5
    assert network("discriminator", "patchgan", scaled, in_channels=3,
                   base_channels=8).in_channels == 3
    # No dataset known (a bare build): the paper's one-hot labels -> grey MRI.
    assert network("generator", "unet", BuildContext(), base_channels=4).in_channels == 4
    assert network("discriminator", "patchgan", BuildContext(), base_channels=8).in_channels == 5
