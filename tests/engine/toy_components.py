"""Tiny components for the engine tests, registered into a fresh Registries()."""
from __future__ import annotations

import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from corefill.registry import Registries


class TinyGenerator(nn.Module):
    def __init__(self, *, in_channels=1, out_channels=1, width=8, patch=0, dropout=0.0):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(in_channels + 1, width, 3, padding=1), nn.ReLU(),
            nn.Conv2d(width, width, 3, padding=1), nn.ReLU(),
            # draws from the global RNG in training, as pix2pix's U-Net does
            nn.Dropout(dropout) if dropout else nn.Identity(),
        )
        self.head = nn.Conv2d(width, out_channels, 3, padding=1)
        self.patch = patch
        if patch:
            self.output_region = "hole_box"

    def forward(self, input, mask):
        features = self.body(torch.cat([input, mask], dim=1))
        if self.patch:
            features = F.adaptive_avg_pool2d(features, self.patch)
        return torch.tanh(self.head(features))


class TinyDiscriminator(nn.Module):
    def __init__(self, *, in_channels=1, width=8):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(in_channels, width, 3, stride=2, padding=1), nn.LeakyReLU(0.2),
            nn.Conv2d(width, 1, 3, stride=2, padding=1),
        )

    def forward(self, x):
        return self.net(x)


class ToyDataset(torch.utils.data.Dataset):
    value_range = (-1.0, 1.0)

    def __init__(self, *, split, count=12, size=16, channels=1, paired=False, delay=0.0,
                 broken=-1):
        self.split, self.count, self.size = split, count, size
        self.channels, self.paired, self.delay, self.broken = channels, paired, delay, broken

    def __len__(self):
        return self.count

    def __getitem__(self, index):
        if self.delay:
            time.sleep(self.delay)
        if index == self.broken:
            raise OSError(f"{self.split}-{index}.png: image file is truncated")
        offset = {"train": 0, "val": 1000, "test": 2000}[self.split]
        g = torch.Generator().manual_seed(offset + index)
        phase, freq = torch.rand(2, generator=g) * torch.tensor([6.28, 0.5]) + torch.tensor([0, 0.2])
        ys, xs = torch.meshgrid(torch.arange(self.size), torch.arange(self.size), indexing="ij")
        base = torch.sin(freq * xs + phase) * torch.cos(freq * ys)
        image = base.expand(self.channels, -1, -1).clone().float()
        item = {"image": image, "name": f"{self.split}-{index}"}
        if self.paired:
            item["input"] = (image > 0).float() * 2 - 1  # a "segmentation" of the image
        return item


class BoxMasker:
    def __init__(self, *, box=6):
        self.box = box

    def __call__(self, height, width, *, rng, name=None):
        top = int(rng.integers(0, height - self.box + 1))
        left = int(rng.integers(0, width - self.box + 1))
        mask = torch.zeros(1, height, width)
        mask[:, top:top + self.box, left:left + self.box] = 1.0
        return mask


class L1Hole:
    adversarial = False

    def __call__(self, output, target, mask):
        return ((output - target).abs() * mask).sum() / mask.sum().clamp_min(1.0) / output.shape[1]


class BCEAdversarial:
    adversarial = True

    def generator_loss(self, fake_logits):
        return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))

    def discriminator_loss(self, real_logits, fake_logits):
        real = F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
        fake = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
        return 0.5 * (real + fake)


class MAEHole:
    """Per-sample mean absolute error inside the hole (images in [0, 1])."""

    name, higher_is_better, per_sample = "mae_hole", False, True

    def __call__(self, output, target, mask):
        diff = ((output - target).abs() * mask).flatten(1).sum(1)
        return diff / (mask.flatten(1).sum(1) * output.shape[1]).clamp_min(1.0)


class MeanPixel:
    """Dataset-level: mean |output - target| over all pixels of all images."""

    name, higher_is_better, per_sample = "mae_all", False, False

    def reset(self):
        self.total, self.count = 0.0, 0

    def update(self, output, target, mask):
        self.total += float((output - target).abs().sum())
        self.count += output.numel()

    def compute(self):
        return self.total / max(self.count, 1)


class LazyNetMAE(MAEHole):
    """mae_hole, but like FID it builds (randomly initialises) a network on its first use in
    a process and keeps it: the global RNG moves in the first validation of each process."""

    name = "lazy_mae"
    _net = None

    def __call__(self, output, target, mask):
        if LazyNetMAE._net is None:
            LazyNetMAE._net = nn.Conv2d(1, 1, 3)
        return super().__call__(output, target, mask)


class MinImages(MeanPixel):
    """mae_all, but like FID it refuses to score fewer than ``min_images`` images."""

    name = "min_images_mae"

    def __init__(self, *, min_images=2):
        self.min_images = min_images

    def compute(self):
        images = self.count // 256  # 16x16 grey images
        if images < self.min_images:
            raise ValueError(f"min_images_mae: needs at least {self.min_images} images, "
                             f"got {images}")
        return super().compute()


class MeanFill:
    """Baseline: fills the hole with the mean training pixel value (needs fit)."""

    def __init__(self):
        self.value = None
        self.fit_calls = 0

    def fit(self, loader):
        total, count = 0.0, 0
        for batch in loader:
            total += float(batch["image"].sum())
            count += batch["image"].numel()
        self.value = total / count
        self.fit_calls += 1

    def __call__(self, input, mask):
        return torch.full_like(input, self.value)


class ZeroFill:
    """Baseline without fit: fills with 0 (mid-grey)."""

    def __call__(self, input, mask):
        return torch.zeros_like(input)


_PARAMS = "toy_params"
COMPONENTS = {
    ("dataset", "toy"): ("ToyDataset", "ToyDatasetParams"),
    ("masker", "box"): ("BoxMasker", "BoxMaskerParams"),
    ("masker", "none"): ("BoxMasker", "BoxMaskerParams"),
    ("generator", "tiny"): ("TinyGenerator", "TinyGeneratorParams"),
    ("generator", "mean-fill"): ("MeanFill", "NoParams"),
    ("generator", "zero-fill"): ("ZeroFill", "NoParams"),
    ("discriminator", "tiny-d"): ("TinyDiscriminator", "TinyDiscriminatorParams"),
    ("loss", "l1-hole"): ("L1Hole", "NoParams"),
    ("loss", "bce"): ("BCEAdversarial", "NoParams"),
    ("metric", "mae_hole"): ("MAEHole", "NoParams"),
    ("metric", "mae_all"): ("MeanPixel", "NoParams"),
    ("metric", "lazy_mae"): ("LazyNetMAE", "NoParams"),
    ("metric", "min_images_mae"): ("MinImages", "MinImagesParams"),
}


def toy_registries() -> Registries:
    registries = Registries()
    for (kind, name), (target, params) in COMPONENTS.items():
        registries[kind].register(name, target=f"toy_components:{target}",
                                  params=f"{_PARAMS}:{params}", source="engine tests")
    return registries


def toy_recipe_data(*overrides: str) -> dict:
    """The tiny recipe as YAML-plain data, ``overrides`` (dotted) applied."""
    from corefill.config import apply_overrides

    data = {
        "name": "toy", "seed": 3, "device": "cpu",
        "data": {"dataset": {"name": "toy", "params": {"count": 12}}, "batch_size": 4,
                 "splits": {"val": {"count": 6}, "test": {"count": 6}}},
        "masker": {"name": "box", "params": {"box": 6}},
        "generator": {"name": "tiny"},
        "losses": [{"name": "l1-hole", "weight": 1.0}],
        "metrics": ["mae_hole", "mae_all"],
        "baselines": ["mean-fill", "zero-fill"],
        "train": {"max_epochs": 3, "log_every": 2, "sample_count": 4,
                  "generator_optimizer": {"lr": 0.01, "betas": [0.9, 0.999]}},
    }
    return apply_overrides(data, overrides, "toy")


def toy_recipe(*overrides: str, registries=None):
    """A validated tiny recipe; ``overrides`` are dotted like ``train.max_epochs=3``;
    ``registries`` (default: the toy ones) resolve its component names."""
    from corefill.config import resolve

    return resolve(toy_recipe_data(*overrides), registries or toy_registries(), "toy")
