"""pix2pix / DCGAN weight init: the statistics it promises."""
import torch
from torch import nn

from corefill.nn import init_weights


def test_init_statistics_and_untouched_layers():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(64, 128, 4), nn.BatchNorm2d(128),
                        nn.ConvTranspose2d(128, 64, 4), nn.Linear(8, 8))
    linear_before = net[3].weight.clone()
    net.apply(init_weights)
    for conv in (net[0], net[2]):
        assert abs(conv.weight.mean()) < 2e-3 and abs(conv.weight.std() - 0.02) < 2e-3
        assert torch.equal(conv.bias, torch.zeros_like(conv.bias))
    assert abs(net[1].weight.mean() - 1) < 0.01 and 0.01 < net[1].weight.std() < 0.03
    assert torch.equal(net[1].bias, torch.zeros(128))
    assert torch.equal(net[3].weight, linear_before)  # not a conv or norm: left alone


def test_std_is_a_parameter():
    conv = nn.Conv2d(32, 32, 3)
    init_weights(conv, std=0.1)
    assert abs(conv.weight.std() - 0.1) < 0.01
