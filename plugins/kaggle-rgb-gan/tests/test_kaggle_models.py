"""Generator and discriminator of the source: contracts and structure."""
import pytest
import torch

from corefill.plugin import BuildContext, build
from corefill.testing import check_component, registries


def network(kind, name, params, channels=3):  # built as the engine builds it
    return build(registries().get(kind, name), params, BuildContext(channels=channels))


def generator(**params):
    return network("generator", "kaggle-gan-generator", params)


def discriminator(**params):
    return network("discriminator", "kaggle-patch-discriminator", params)


@pytest.mark.parametrize("params", [{"base_channels": 8}, {"base_channels": 8, "depth": 2},
                                    {"channels": 1, "base_channels": 8, "mask_channel": False}])
def test_generator_conforms(params):
    channels = params.get("channels", 3)
    check_component("generator", "kaggle-gan-generator", params, input_channels=channels,
                    target_channels=channels, size=32)


@pytest.mark.parametrize("params", [{"base_channels": 8}, {"base_channels": 8, "output": "linear"}])
def test_discriminator_conforms(params):
    check_component("discriminator", "kaggle-patch-discriminator", params, channels=3, size=32)


def test_generator_takes_rgb_plus_mask():
    net = generator(base_channels=8)
    assert net.down[0][0].in_channels == 4  # RGB with the hole + the mask
    acts = {type(m) for m in net.down.modules()} | {type(m) for m in net.up.modules()}
    assert {torch.nn.LeakyReLU, torch.nn.BatchNorm2d, torch.nn.ELU} <= acts
    mask = torch.zeros(2, 1, 32, 32)
    mask[..., 4:9, :] = 1
    image = torch.rand(2, 3, 32, 32) * 2 - 1
    out = net(image * (1 - mask), mask)
    assert out.shape == (2, 3, 32, 32) and out.abs().max() <= 1
    # The mask channel matters: the same pixels with another mask give another output.
    assert not torch.allclose(out, net(image * (1 - mask), torch.zeros_like(mask)))


def test_discriminator_scores_patches():
    scores = discriminator(base_channels=8, depth=3)(torch.randn(2, 3, 64, 64))
    assert scores.shape == (2, 1, 8, 8) and 0 < scores.min() and scores.max() < 1
    raw = discriminator(base_channels=8, output="linear")(torch.randn(2, 3, 64, 64))
    assert raw.shape == (2, 1, 8, 8)


def test_size_not_divisible_is_a_clear_error():
    with pytest.raises(ValueError, match="divisible by 16"):
        generator(base_channels=8)(torch.zeros(1, 3, 40, 40), torch.zeros(1, 1, 40, 40))


def test_channels_follow_the_dataset_unless_the_recipe_sets_them():
    grey = network("generator", "kaggle-gan-generator", {"base_channels": 8}, channels=1)
    assert grey.down[0][0].in_channels == 2 and grey.to_image[0].out_channels == 1
    assert discriminator(base_channels=8, channels=1).net[0][0].in_channels == 1
    assert network("discriminator", "kaggle-patch-discriminator", {"base_channels": 8},
                   channels=1).net[0][0].in_channels == 1
    # No dataset known (a bare build): RGB, as the source.
    bare = build(registries().get("generator", "kaggle-gan-generator"), {"base_channels": 8})
    assert bare.down[0][0].in_channels == 4
