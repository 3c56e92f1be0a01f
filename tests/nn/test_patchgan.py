"""PatchGAN: receptive field, output map, channel check, init."""
import pytest
import torch
from torch import nn

from corefill.nn import PatchGAN, receptive_field


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


def test_receptive_field_is_70_with_three_layers():
    disc = PatchGAN(in_channels=5, base_channels=4).eval()
    assert _influence_extent(disc, 256) == (70, 70) and receptive_field(3) == 70
    assert disc(torch.zeros(2, 5, 256, 256)).shape == (2, 1, 30, 30)


@pytest.mark.parametrize("layers", [1, 2, 4])
def test_receptive_field_formula_matches_the_network(layers):
    disc = PatchGAN(in_channels=1, base_channels=4, num_layers=layers).eval()
    assert _influence_extent(disc, 200)[0] == receptive_field(layers)


def test_channels_capped_at_8x_and_first_layer_unnormed():
    disc = PatchGAN(in_channels=2, base_channels=4, num_layers=5)
    convs = [m for m in disc.modules() if isinstance(m, nn.Conv2d)]
    assert [c.out_channels for c in convs] == [4, 8, 16, 32, 32, 32, 1]
    assert not isinstance(disc.net[0][1], nn.BatchNorm2d)
    assert abs(convs[2].weight.std() - 0.02) < 0.005  # pix2pix init


def test_wrong_channel_count_is_a_clear_error():
    with pytest.raises(ValueError, match="expects 5 channels"):
        PatchGAN(in_channels=5, base_channels=4)(torch.zeros(1, 4, 64, 64))
