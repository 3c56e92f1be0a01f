"""The 32² context encoder and its centre critic: contracts and structure."""
import pytest
import torch

from corefill.plugin import BuildContext, build
from corefill.testing import check_component, registries


def centre_mask(n, size, hole):
    mask = torch.zeros(n, 1, size, size)
    start = (size - hole) // 2
    mask[..., start:start + hole, start:start + hole] = 1
    return mask


def network(kind, name, params):  # built as the engine builds it; defaults: the Params'
    return build(registries().get(kind, name), params, BuildContext(channels=3))


def generator(**params):
    return network("generator", "cifar-context-encoder", params)


def critic(**params):
    return network("discriminator", "cifar-centre-critic", params)


@pytest.mark.parametrize("params", [{"base_channels": 8},
                                    {"base_channels": 8, "mask_channel": True, "dropout": 0.2}])
def test_generator_conforms(params):
    check_component("generator", "cifar-context-encoder", params, input_channels=3,
                    target_channels=3, size=32)


def test_critic_conforms():
    check_component("discriminator", "cifar-centre-critic", {"base_channels": 8}, channels=3,
                    size=16)


def test_generator_predicts_the_centre_only():
    net = generator(base_channels=8).eval()
    assert net.output_region == "hole_box"
    out = net(torch.zeros(3, 3, 32, 32), centre_mask(3, 32, 16))
    assert out.shape == (3, 3, 16, 16) and out.abs().max() <= 1
    # 4x4 bottleneck whatever the input size: 32 -> 16 -> 8 -> 4.
    assert net.encoder(torch.zeros(1, 3, 32, 32)).shape[-2:] == (4, 4)
    # A hole of another size: the prediction is stretched onto its box.
    assert net(torch.zeros(1, 3, 32, 32), centre_mask(1, 32, 10)).shape == (1, 3, 10, 10)


def test_critic_one_logit_per_image():
    assert critic(base_channels=8)(torch.randn(5, 3, 16, 16)).shape == (5, 1)
    assert critic(base_channels=8)(torch.randn(2, 3, 20, 20)).shape == (2, 1)


def test_the_source_layout_conv_head_and_uncapped_channels():
    net = generator(base_channels=8)
    assert isinstance(net.to_image, torch.nn.Conv2d) and net.to_image.kernel_size == (3, 3)
    assert net.encoder(torch.zeros(1, 3, 32, 32)).shape == (1, 32, 4, 4)  # 8, 16, 32: no cap
    assert critic(base_channels=8).features(torch.zeros(1, 3, 16, 16)).shape == (1, 16, 4, 4)
