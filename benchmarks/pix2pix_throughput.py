"""Training throughput of pix2pix (U-Net generator + 70×70 PatchGAN) on this machine.

Prints images/s of full training steps (D step + G step with BCE + 100·L1, Adam) at the
given side and batch size, on real MNI152 slices from the plugin's embedded default data.
Default: 256², unet_256, batch 1 — the setting of the paper (FACTS.md reference ≈ 0.7 img/s).

    python benchmarks/pix2pix_throughput.py [--size 256] [--batch 1] [--ngf 64] [--steps 8]
"""
from __future__ import annotations

import argparse
import time

import torch
from torch import nn
from torch.utils.data import DataLoader

from corefill_pix2pix.datasets.oasis import oasis_slices
from corefill_pix2pix.discriminators.patchgan import PatchDiscriminator
from corefill_pix2pix.generators.unet import build_unet


def train_step(generator, discriminator, opt_g, opt_d, batch, bce, l1) -> None:
    source, target = batch["input"], batch["image"]
    fake = generator(source, None)
    real_logits = discriminator(torch.cat([source, target], 1))
    fake_logits = discriminator(torch.cat([source, fake.detach()], 1))
    d_loss = 0.5 * (
        bce(real_logits, torch.ones_like(real_logits))
        + bce(fake_logits, torch.zeros_like(fake_logits))
    )
    opt_d.zero_grad(set_to_none=True)
    d_loss.backward()
    opt_d.step()
    fake_logits = discriminator(torch.cat([source, fake], 1))
    g_loss = bce(fake_logits, torch.ones_like(fake_logits)) + 100.0 * l1(fake, target)
    opt_g.zero_grad(set_to_none=True)
    g_loss.backward()
    opt_g.step()


def measure(size: int, batch_size: int, ngf: int, steps: int, warmup: int) -> float:
    architecture = "unet_256" if size % 256 == 0 else "unet_128"
    generator = build_unet(architecture=architecture, base_channels=ngf)
    discriminator = PatchDiscriminator(in_channels=5, base_channels=ngf)
    adam = dict(lr=2e-4, betas=(0.5, 0.999))
    opt_g = torch.optim.Adam(generator.parameters(), **adam)
    opt_d = torch.optim.Adam(discriminator.parameters(), **adam)
    data = oasis_slices(split="train", size=size)
    loader = DataLoader(data, batch_size=batch_size, shuffle=True, drop_last=True)
    batches = iter(loader)
    bce, l1 = nn.BCEWithLogitsLoss(), nn.L1Loss()
    for _ in range(warmup):
        train_step(generator, discriminator, opt_g, opt_d, next(batches), bce, l1)
    start = time.perf_counter()
    for _ in range(steps):
        train_step(generator, discriminator, opt_g, opt_d, next(batches), bce, l1)
    return steps * batch_size / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=256, help="image side (256 or 128)")
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--ngf", type=int, default=64, help="base width of G and D")
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=2)
    args = parser.parse_args()
    rate = measure(args.size, args.batch, args.ngf, args.steps, args.warmup)
    print(
        f"pix2pix training at {args.size}², batch {args.batch}, ngf {args.ngf}, "
        f"{torch.get_num_threads()} threads: {rate:.2f} img/s"
    )


if __name__ == "__main__":
    main()
