"""Engine overhead: corefill's training loop vs a bare hand-written PyTorch loop.

Both run in this process on the SAME generator, the SAME DataLoader (same batches,
masks made in the same wrapper) and the same loss, interleaved round by round (the
order alternates) so machine noise hits both alike. Prints images/s for each, and the
engine's cost relative to the bare loop (target: under 3%).

    python benchmarks/engine_overhead.py [--rounds 7] [--size 64] [--batch 8]
        [--images 64] [--width 32] [--adversarial] [--device cpu] [--threads N]
"""
from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from pydantic import Field

from corefill.config import resolve
from corefill.engine.data import to_device
from corefill.engine.trainer import Trainer
from corefill.params import NoParams, Params  # noqa: F401 (NoParams is registered by path)
from corefill.registry import Registries


class BenchGenerator(nn.Module):
    def __init__(self, *, channels=3, width=32, depth=4):
        super().__init__()
        layers = [nn.Conv2d(channels + 1, width, 3, padding=1), nn.ReLU()]
        for _ in range(depth - 2):
            layers += [nn.Conv2d(width, width, 3, padding=1), nn.ReLU()]
        layers += [nn.Conv2d(width, channels, 3, padding=1), nn.Tanh()]
        self.net = nn.Sequential(*layers)

    def forward(self, input, mask):
        return self.net(torch.cat([input, mask], dim=1))


class BenchDiscriminator(nn.Module):
    def __init__(self, *, channels=3, width=32):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(channels, width, 4, stride=2, padding=1), nn.LeakyReLU(0.2),
            nn.Conv2d(width, width, 4, stride=2, padding=1), nn.LeakyReLU(0.2),
            nn.Conv2d(width, 1, 3, padding=1))

    def forward(self, x):
        return self.net(x)


class MemoryImages(torch.utils.data.Dataset):
    value_range, channels = (-1.0, 1.0), 3

    def __init__(self, *, split, count=64, size=64):
        generator = torch.Generator().manual_seed({"train": 0, "val": 1, "test": 2}[split])
        self.images = torch.rand(count, 3, size, size, generator=generator) * 2 - 1

    def __len__(self):
        return len(self.images)

    def __getitem__(self, index):
        return {"image": self.images[index], "name": str(index)}


class CenterBox:
    def __init__(self, *, fraction=0.25):
        self.fraction = fraction

    def __call__(self, height, width, *, rng, name=None):
        mask = torch.zeros(1, height, width)
        h, w = int(height * self.fraction ** 0.5), int(width * self.fraction ** 0.5)
        top, left = (height - h) // 2, (width - w) // 2
        mask[:, top:top + h, left:left + w] = 1
        return mask


class HoleL1:
    adversarial = False

    def __call__(self, output, target, mask):
        return ((output - target).abs() * mask).sum() / mask.sum().clamp_min(1)


class NonSaturating:
    adversarial = True

    def generator_loss(self, fake):
        return F.binary_cross_entropy_with_logits(fake, torch.ones_like(fake))

    def discriminator_loss(self, real, fake):
        return 0.5 * (F.binary_cross_entropy_with_logits(real, torch.ones_like(real))
                      + F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake)))


class DataParams(Params):
    """Random images in [-1, 1]."""

    count: int = Field(64, ge=1, description="images")
    size: int = Field(64, ge=8, description="side in pixels")


class GenParams(Params):
    """Plain conv generator; output in [-1, 1]."""

    channels: int = Field(3, ge=1, description="image channels")
    width: int = Field(32, ge=1, description="hidden channels")
    depth: int = Field(4, ge=2, description="conv layers")


class DiscParams(Params):
    """Strided conv PatchGAN-like discriminator; input in [-1, 1]."""

    channels: int = Field(3, ge=1, description="image channels")
    width: int = Field(32, ge=1, description="hidden channels")



def registries() -> Registries:
    regs = Registries()
    table = [("dataset", "mem", "MemoryImages", "DataParams"),
             ("masker", "center-box", "CenterBox", "NoParams"),
             ("generator", "bench-g", "BenchGenerator", "GenParams"),
             ("discriminator", "bench-d", "BenchDiscriminator", "DiscParams"),
             ("loss", "hole-l1", "HoleL1", "NoParams"), ("loss", "ns-gan", "NonSaturating", "NoParams")]
    for kind, name, target, params in table:
        regs[kind].register(name, target=f"__main__:{target}", params=f"__main__:{params}",
                            source="benchmark")
    return regs


def bare_epoch(runner: Trainer, optimizer, loss_fn, d_opt=None, adv=None) -> int:
    """The hand-written loop: what anyone would write without an engine."""
    nets, images = runner.built.networks, 0
    g, d = nets["generator"], nets.get("discriminator")
    for batch in runner.built.train_loader:
        batch = to_device(batch, runner.device)
        image, mask = batch["image"], batch["mask"]
        fake = mask * g(batch["input"], mask) + (1 - mask) * image
        if d is not None:
            d_loss = adv.discriminator_loss(d(image), d(fake.detach()))
            d_opt.zero_grad(set_to_none=True)
            d_loss.backward()
            d_opt.step()
            d.requires_grad_(False)
            loss = loss_fn(fake, image, mask) + 0.01 * adv.generator_loss(d(fake))
        else:
            loss = loss_fn(fake, image, mask)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if d is not None:
            d.requires_grad_(True)
        images += image.shape[0]
    return images


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--images", type=int, default=64)
    parser.add_argument("--width", type=int, default=32)
    parser.add_argument("--adversarial", action="store_true")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: default)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    recipe = {
        "name": "bench", "device": args.device,
        "data": {"dataset": {"name": "mem", "params": {"count": args.images, "size": args.size}},
                 "batch_size": args.batch, "splits": {"val": {"count": 8}, "test": {"count": 8}}},
        "masker": "center-box", "generator": {"name": "bench-g", "params": {"width": args.width}},
        "losses": [{"name": "hole-l1"}], "train": {"max_epochs": 1000, "log_every": 10},
    }
    if args.adversarial:
        recipe["discriminator"] = {"name": "bench-d", "input": "image"}
        recipe["losses"].append({"name": "ns-gan", "weight": 0.01})
    regs = registries()
    with tempfile.TemporaryDirectory() as folder:
        runner = Trainer(resolve(recipe, regs, "benchmark"), out_dir=folder, registries=regs)
        runner.setup()
        runner.progress.stream = io.StringIO()  # keep the engine's printing, off screen
        runner.progress.rich = False
        nets = runner.built.networks
        optimizer = torch.optim.Adam(nets["generator"].parameters(), lr=2e-4, betas=(0.5, 0.999))
        d_opt = torch.optim.Adam(nets["discriminator"].parameters(), lr=2e-4) \
            if args.adversarial else None
        loss_fn, adv = HoleL1(), NonSaturating()
        engine_rates, bare_rates = [], []

        def time_engine():
            start, seen = time.perf_counter(), runner.state.images_seen
            runner.train_epoch()
            runner.state.epoch += 1
            runner.state.batch_in_epoch = 0
            engine_rates.append((runner.state.images_seen - seen) / (time.perf_counter() - start))

        def time_bare():
            start = time.perf_counter()
            images = bare_epoch(runner, optimizer, loss_fn, d_opt, adv)
            bare_rates.append(images / (time.perf_counter() - start))

        time_engine(), time_bare()  # warm-up (allocator, first-call costs)
        engine_rates.clear(), bare_rates.clear()
        for index in range(args.rounds):
            for timed in ((time_engine, time_bare) if index % 2 == 0 else (time_bare, time_engine)):
                timed()
        runner.close()
    engine, bare = statistics.median(engine_rates), statistics.median(bare_rates)
    ratios = [b / e for e, b in zip(engine_rates, bare_rates)]
    print(f"setup: {'adversarial' if args.adversarial else 'reconstruction'}, {args.images} "
          f"images of {args.size}px per epoch, batch {args.batch}, {args.rounds} rounds, "
          f"{torch.get_num_threads()} threads, device {runner.device}")
    print(f"bare loop : {bare:8.1f} images/s (median)")
    print(f"engine    : {engine:8.1f} images/s (median)")
    print(f"engine time / bare time: {statistics.median(ratios):.3f} (median of per-round "
          f"ratios; overhead {100 * (statistics.median(ratios) - 1):+.1f}%)")


if __name__ == "__main__":
    main()
