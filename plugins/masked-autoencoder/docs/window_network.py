"""Does a network realise what linear_ceiling.py measures? A small CNN on the same windows.

Seven 3×3 convolutions (dilations 1, 2, 4, 8, 2, 1, 1; 32 channels), input the window with
the harmonic fill in the hole plus the mask, output a correction of the harmonic fill (the
last layer starts at zero, so step 0 is the harmonic fill), loss the log of each window's
hole MSE, Adam 1e-3 with a cosine schedule, batches of 128 random training windows turned
and mirrored. Prints the test windows' mean hole PSNR, harmonic and network, every
``--every`` steps (the README's figures).

    python plugins/masked-autoencoder/docs/window_network.py --radiographs --size 320 --hole 20 --ring 8 --steps 500
"""
from __future__ import annotations

import argparse
import importlib.util
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from corefill.nn.blend import harmonic_fill

_SPEC = importlib.util.spec_from_file_location("linear_ceiling", Path(__file__).with_name("linear_ceiling.py"))
ceiling = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(ceiling)


class WindowCorrection(nn.Module):
    def __init__(self, *, width: int = 32) -> None:
        super().__init__()
        layers, channels = [], 2
        for dilation in (1, 2, 4, 8, 2, 1):
            layers += [nn.Conv2d(channels, width, 3, padding=dilation, dilation=dilation), nn.ReLU()]
            channels = width
        self.body = nn.Sequential(*layers)
        self.head = nn.Conv2d(width, 1, 3, padding=1)
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def forward(self, prefilled: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return prefilled + mask * self.head(self.body(torch.cat([prefilled, mask], 1)))


def window_tensor(images: list, side: int, stride: int) -> torch.Tensor:
    return torch.from_numpy(np.concatenate([ceiling.windows(i, side, stride) for i in images])).float().unsqueeze(1)


def prefill(windows: torch.Tensor, hole: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    mask = hole.expand_as(windows)
    return harmonic_fill(windows * (1 - mask), mask), mask


def hole_mse(fill: torch.Tensor, truth: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    return ((fill - truth) ** 2 * mask).sum((1, 2, 3)) / mask.sum((1, 2, 3))


def mean_psnr(net: WindowCorrection, truth: torch.Tensor, prefilled: torch.Tensor,
              mask: torch.Tensor) -> tuple[float, float]:
    """(harmonic, network) mean hole PSNR, scored as linear_ceiling.py scores."""
    with torch.no_grad():
        fill = torch.cat([net(p, m).clamp(0, 1) for p, m in zip(prefilled.split(1024), mask.split(1024))])
    hole = mask[0, 0].bool().numpy()
    def hole_pixels(x: torch.Tensor):
        return x[:, 0].double().numpy()[:, hole]
    target = hole_pixels(truth)
    return (ceiling.mean_psnr(hole_pixels(prefilled), target),
            ceiling.mean_psnr(hole_pixels(fill), target))


def main(argv=None) -> list[tuple[int, float, float]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=160)
    parser.add_argument("--hole", type=int, default=20)
    parser.add_argument("--ring", type=int, default=8)
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--every", type=int, default=250, help="score the test windows every N steps")
    parser.add_argument("--scales", type=float, nargs="+", default=[0.8, 1.0, 1.25, 1.6])
    parser.add_argument("--radiographs", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    torch.manual_seed(args.seed)
    generator = np.random.default_rng(args.seed)
    side = args.hole + 2 * args.ring
    images = (ceiling.radiograph_splits(args.size, args.scales) if args.radiographs
              else ceiling.photo_splits(args.size, args.scales, args.seed))
    hole = torch.zeros(1, 1, side, side)
    hole[..., args.ring:side - args.ring, args.ring:side - args.ring] = 1
    train = window_tensor(images["train"], side, 1)
    test = window_tensor(images["test"], side, 3)
    test_prefilled, test_mask = prefill(test, hole)
    net = WindowCorrection()
    optimiser = torch.optim.Adam(net.parameters(), lr=1e-3)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, max(args.steps, 1))
    curve, start = [], time.perf_counter()
    for step in range(args.steps + 1):
        if step % args.every == 0 or step == args.steps:
            harmonic, network = mean_psnr(net, test, test_prefilled, test_mask)
            curve.append((step, harmonic, network))
            print(f"step {step} ({time.perf_counter() - start:.0f} s): test mean hole PSNR "
                  f"harmonic {harmonic:.2f}, network {network:.2f}", flush=True)
        if step == args.steps:
            break
        batch = train[torch.from_numpy(generator.integers(len(train), size=128))]
        batch = torch.rot90(batch, int(generator.integers(4)), (2, 3))
        batch = batch.flip(3) if generator.random() < 0.5 else batch
        prefilled, mask = prefill(batch, hole)
        loss = torch.log10(hole_mse(net(prefilled, mask), batch, mask) + 1e-5).mean()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
    return curve


if __name__ == "__main__":
    main()
