"""The completion autoencoder: contracts, shape rules, the source's init."""
import math

import pytest
import torch

from corefill.plugin import BuildContext, build
from corefill.testing import check_component, registries


def autoencoder(data_channels=1, **params):  # built as the engine builds it, on grey data
    return build(registries().get("generator", "completion-autoencoder"), params,
                 BuildContext(channels=data_channels, value_range=(0.0, 1.0)))


@pytest.mark.parametrize("params", [
    {"base_channels": 8},
    {"base_channels": 8, "depth": 2, "mask_channel": True, "output_activation": "tanh"},
    {"channels": 3, "base_channels": 8, "depth": 3, "output_activation": "none", "init": "default"},
])
def test_conforms(params):
    channels = params.get("channels", 1)
    check_component("generator", "completion-autoencoder", params, input_channels=channels,
                    target_channels=channels, size=32)


def test_four_pool_stages_and_four_upsample_stages():
    net = autoencoder(base_channels=8)
    assert sum(isinstance(m, torch.nn.MaxPool2d) for m in net.modules()) == 4
    assert sum(isinstance(m, torch.nn.Upsample) for m in net.modules()) == 4
    assert net.encoder(torch.zeros(1, 1, 64, 64)).shape == (1, 64, 4, 4)
    out = net(torch.zeros(2, 1, 64, 64), torch.zeros(2, 1, 64, 64))
    assert out.shape == (2, 1, 64, 64) and 0 <= out.min() and out.max() <= 1  # sigmoid


def test_he_init_matches_xavier_over_two():
    torch.manual_seed(0)
    net = autoencoder(base_channels=32)
    conv = net.encoder[2][0]  # 64 -> 128 channels, 3x3
    fan_in = conv.in_channels * 9
    assert conv.weight.std().item() == pytest.approx(math.sqrt(2 / fan_in), rel=0.05)
    assert conv.bias.abs().max() == 0


def test_size_not_divisible_by_the_pooling_is_a_clear_error():
    net = autoencoder(base_channels=4)
    with pytest.raises(ValueError, match="divisible by 16"):
        net(torch.zeros(1, 1, 40, 40), torch.zeros(1, 1, 40, 40))


def test_channels_follow_the_dataset_unless_the_recipe_sets_them():
    rgb = autoencoder(data_channels=3, base_channels=4)
    assert rgb.encoder[0][0].in_channels == 3 and rgb.decoder[-1][-1].out_channels == 3
    assert autoencoder(data_channels=3, base_channels=4, channels=1).encoder[0][0].in_channels == 1
    # No dataset known (a bare build): grey, as the source.
    bare = build(registries().get("generator", "completion-autoencoder"), {"base_channels": 4})
    assert bare.encoder[0][0].in_channels == 1
