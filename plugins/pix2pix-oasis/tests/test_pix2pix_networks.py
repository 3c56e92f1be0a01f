"""U-Net depths and shapes, PatchGAN receptive field, and conformance of both networks."""
import pytest
import torch
from torch import nn

from corefill.testing import check_component
from corefill_pix2pix.discriminators.patchgan import PatchDiscriminator, receptive_field
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
        unet.ups[0].block[1].weight.zero_()
        a = unet(torch.zeros(1, 1, 128, 128), None)
        b = unet(torch.ones(1, 1, 128, 128), None)
    assert not torch.allclose(a, b)


def test_unet_rejects_wrong_side_and_channels():
    unet = build_unet(architecture="unet_256", in_channels=4, base_channels=4)
    with pytest.raises(ValueError, match="divisible by 256"):
        unet(torch.zeros(1, 4, 128, 128), None)
    with pytest.raises(ValueError, match="expects 4 input channels"):
        unet(torch.zeros(1, 1, 256, 256), None)


def _influence_extent(disc: nn.Module, side: int) -> tuple[int, int]:
    """Rows and columns of the input that change one central output logit."""
    x = torch.randn(1, disc.in_channels, side, side, requires_grad=True)
    logits = disc(x)
    h, w = logits.shape[-2:]
    logits[0, 0, h // 2, w // 2].backward()
    touched = x.grad.abs().sum(dim=(0, 1)) > 0
    rows = torch.nonzero(touched.any(dim=1)).flatten()
    cols = torch.nonzero(touched.any(dim=0)).flatten()
    return int(rows[-1] - rows[0] + 1), int(cols[-1] - cols[0] + 1)


def test_patchgan_receptive_field_is_70():
    disc = PatchDiscriminator(in_channels=5, base_channels=4).eval()
    assert _influence_extent(disc, 256) == (70, 70)
    assert receptive_field(3) == 70
    assert disc(torch.zeros(2, 5, 256, 256)).shape == (2, 1, 30, 30)


def test_patchgan_rejects_wrong_channel_count():
    with pytest.raises(ValueError, match="expects 5 channels"):
        PatchDiscriminator(in_channels=5, base_channels=4)(torch.zeros(1, 4, 64, 64))


def test_unet_conforms():
    check_component("generator", "unet",
                    {"architecture": "unet_128", "in_channels": 4, "base_channels": 4},
                    input_channels=4, target_channels=1, size=128)


def test_patchgan_conforms():
    check_component("discriminator", "patchgan", {"in_channels": 5, "base_channels": 8},
                    channels=5, size=64)
