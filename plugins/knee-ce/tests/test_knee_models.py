"""Context encoder and its discriminator: contracts, structure, and a real training run."""
import pytest
import torch

from corefill.plugin import BuildContext, build
from corefill.testing import check_component, registries


def network(kind, name, **params):  # built as the engine builds it, on grey radiographs
    return build(registries().get(kind, name), params, BuildContext(channels=1))


def centre_mask(n, size):
    mask = torch.zeros(n, 1, size, size)
    mask[..., size // 4:3 * size // 4, size // 4:3 * size // 4] = 1
    return mask


@pytest.mark.parametrize("params", [{"image_size": 32}, {"image_size": 32, "mask_channel": False},
                                    {"image_size": 64, "hole_size": 16, "dropout": 0.1},
                                    {"image_size": 32, "upsample": "bilinear"}])
def test_context_encoder_conforms(params):
    check_component("generator", "context-encoder", params, input_channels=1,
                    target_channels=1, size=32)


def test_context_discriminator_conforms():
    check_component("discriminator", "context-discriminator",
                    {"input_size": 16, "channels": 2}, channels=2, size=16)


@pytest.mark.parametrize("split", ["train", "val", "test"])
def test_knee_dataset_conforms(split):
    check_component("dataset", "knee-radiographs",
                    {"size": 32, "embedded_scale": 0.0625, "train_crops": 64}, split=split)


def test_generator_outputs_only_the_hole_box():
    net = network("generator", "context-encoder", image_size=64, base_channels=8,
                  max_channels=32).eval()
    assert net.output_region == "hole_box"
    out = net(torch.zeros(2, 1, 64, 64), centre_mask(2, 64))
    assert out.shape == (2, 1, 32, 32) and out.abs().max() <= 1
    # A different hole box: the prediction is stretched onto it.
    mask = torch.zeros(2, 1, 64, 64)
    mask[..., 10:30, 5:45] = 1
    assert net(torch.zeros(2, 1, 64, 64), mask).shape == (2, 1, 20, 40)


def test_discriminator_gives_one_logit_per_image():
    disc = network("discriminator", "context-discriminator", input_size=32, base_channels=8)
    assert disc(torch.randn(5, 1, 32, 32)).shape == (5, 1)


def test_the_paper_layout_up_conv_head_and_capped_channels():
    net = network("generator", "context-encoder", image_size=64, base_channels=8, max_channels=16)
    assert isinstance(net.to_image, torch.nn.ConvTranspose2d)  # the last doubling
    assert net.encoder(torch.zeros(1, 2, 64, 64)).shape == (1, 16, 4, 4)  # 8, 16, 16, 16
    disc = network("discriminator", "context-discriminator", input_size=64, base_channels=8,
                   max_channels=16)
    assert disc.features(torch.zeros(1, 1, 64, 64)).shape == (1, 16, 4, 4)
