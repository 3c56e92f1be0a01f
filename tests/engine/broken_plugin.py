"""A third party's plugin whose author skipped the conformance kit: one component for each
mistake of issue 33's table, good components beside them, and two that fail only once
training runs. Registered with a ``corefill_register`` hookimpl, as an installed plugin is
(``add_to``), into the engine tests' toy registries (16x16 grey images in [-1, 1])."""
from __future__ import annotations

import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

from corefill.hookspecs import hookimpl

PLUGIN = "broken"


class Net(nn.Module):
    """A small conv generator, tanh output. ``head_first``: the output convolution is
    registered before the body (``declare``: and says so with ``output_layer``); ``scale``
    maps the output to [0, 255] instead; ``pool``: a half-size output; ``fail_at``: the
    n-th forward in training mode raises."""

    def __init__(self, *, channels=1, out_channels=1, head_first=False, declare=False,
                 byte_range=False, pool=False, fail_at=0):
        super().__init__()
        if head_first:
            self.head = nn.Conv2d(8, out_channels, 3, padding=1)
        self.body = nn.Sequential(nn.Conv2d(channels + 1, 8, 3, padding=1), nn.ReLU(),
                                  nn.Conv2d(8, 8, 3, padding=1), nn.ReLU())
        if not head_first:
            self.head = nn.Conv2d(8, out_channels, 3, padding=1)
        if declare:
            self.output_layer = "head"
        self.byte_range, self.pool, self.fail_at, self.calls = byte_range, pool, fail_at, 0

    def forward(self, input, mask):
        if self.training and self.fail_at:
            self.calls += 1
            if self.calls == self.fail_at:
                raise RuntimeError("CUDA error: an illegal memory access was encountered")
        out = torch.tanh(self.head(self.body(torch.cat([input, mask], dim=1))))
        if self.byte_range:
            out = (out + 1) * 127.5
        return F.avg_pool2d(out, 2) if self.pool else out


def _net(**options):
    def make(params, context):
        return Net(channels=context.input_channels or 1, **options)
    return make


rgb_out = _net(out_channels=3)
byte_range = _net(byte_range=True)
half_size = _net(pool=True)
head_first = _net(head_first=True)
declared_head_first = _net(head_first=True, declare=True)
flaky = _net(fail_at=5)
fails_first = _net(fail_at=1)


class Masker:
    """A random 6x6 box (1 = hole), or one of the mistakes: ``inverted`` (a 5x6 known box:
    88% hole), ``byte`` (0/255), ``flat`` ((H, W)), ``unseeded`` (ignores its rng),
    ``fails_on`` (an item name it raises on)."""

    def __init__(self, mistake: str = "", fails_on: str = ""):
        self.mistake, self.fails_on = mistake, fails_on

    def __call__(self, height, width, *, rng, name=None):
        if name == self.fails_on:
            raise ValueError(f"cannot draw strokes on {name}: polygon is empty")
        import numpy as np

        source = np.random.default_rng() if self.mistake == "unseeded" else rng
        top, left = int(source.integers(0, height - 5)), int(source.integers(0, width - 5))
        mask = torch.zeros(1, height, width)
        mask[:, top:top + 6, left:left + 6] = 1.0
        if self.mistake == "inverted":
            mask = torch.ones(1, height, width)
            mask[:, top:top + 5, left:left + 6] = 0.0
        if self.mistake == "byte":
            mask = mask * 255
        return mask[0] if self.mistake == "flat" else mask


def _masker(**options):
    def make(params, context):
        return Masker(**options)
    return make


good_box = _masker()
inverted = _masker(mistake="inverted")
byte_mask = _masker(mistake="byte")
flat_mask = _masker(mistake="flat")
unseeded = _masker(mistake="unseeded")
fails_on_item_5 = _masker(fails_on="train-5")

NO_PARAMS = "corefill.params:NoParams"
GENERATORS = ("rgb_out", "byte_range", "half_size", "head_first", "declared_head_first",
              "flaky", "fails_first")
MASKERS = ("good_box", "inverted", "byte_mask", "flat_mask", "unseeded", "fails_on_item_5")


@hookimpl
def corefill_register(registry):
    for kind, names in (("generator", GENERATORS), ("masker", MASKERS)):
        for name in names:
            registry.add(kind, name.replace("_", "-"), target=f"{__name__}:{name}",
                         params=NO_PARAMS)


def add_to(registries):
    """``registries`` plus this plugin, registered through pluggy's hook call."""
    from corefill.plugins import _Collector, new_manager

    manager = new_manager()
    manager.register(sys.modules[__name__], name=PLUGIN)
    manager.hook.corefill_register(registry=_Collector(
        registries, f"plugin {PLUGIN!r} (corefill-broken 0.1.0)", PLUGIN))
    return registries
