"""The 32² context encoder and its centre critic: contracts and structure."""
import pytest
import torch

from corefill.testing import check_component
from corefill_cifar_ce.discriminators.centre_critic import CentreCritic
from corefill_cifar_ce.discriminators.params import CentreCriticParams
from corefill_cifar_ce.generators.context_encoder import CifarContextEncoder
from corefill_cifar_ce.generators.params import CifarContextEncoderParams


def centre_mask(n, size, hole):
    mask = torch.zeros(n, 1, size, size)
    start = (size - hole) // 2
    mask[..., start:start + hole, start:start + hole] = 1
    return mask


def generator(**params):  # the source's defaults live on the Params only
    return CifarContextEncoder(**CifarContextEncoderParams(**params).model_dump())


def critic(**params):
    return CentreCritic(**CentreCriticParams(**params).model_dump())


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
