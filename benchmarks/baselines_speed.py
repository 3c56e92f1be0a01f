"""Throughput of the classical baselines: RGB 256² images with a centred 64² hole.

Usage: python benchmarks/baselines_speed.py [--images 64] [--batch 8]
Prints img/s per baseline (and per cv2 dtype mode). Reference (FACTS.md): cv2.inpaint
≈ 190 img/s at 256² with a 64² hole on the 2-core dev machine.
"""
from __future__ import annotations

import argparse
import time

import torch

from corefill.plugins import registries
from corefill.registry import build

CASES = [
    ("telea", {}), ("telea", {"dtype": "uint8"}),
    ("navier-stokes", {}), ("navier-stokes", {"dtype": "uint8"}),
    ("mean-fill", {}), ("harmonic", {}),
]


def smooth_batch(batch: int, size: int = 256) -> torch.Tensor:
    coarse = torch.rand(batch, 3, 8, 8, generator=torch.Generator().manual_seed(0)) * 2 - 1
    return torch.nn.functional.interpolate(coarse, size=(size, size), mode="bilinear", align_corners=False)


def images_per_second(model, inputs: torch.Tensor, mask: torch.Tensor, total: int) -> float:
    model(inputs[:1], mask[:1])  # warm-up
    done, start = 0, time.perf_counter()
    while done < total:
        model(inputs, mask)
        done += inputs.shape[0]
    return done / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=64, help="images per measurement")
    parser.add_argument("--batch", type=int, default=8, help="batch size")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    image = smooth_batch(args.batch)
    mask = torch.zeros(args.batch, 1, 256, 256)
    mask[..., 96:160, 96:160] = 1
    inputs = image * (1 - mask)
    print(f"RGB 256x256, 64x64 hole, batch {args.batch}, {torch.get_num_threads()} torch threads")
    for name, params in CASES:
        model = build(registries().get("generator", name), params)
        rate = images_per_second(model, inputs, mask, args.images)
        label = name + (f" ({params['dtype']})" if params else "")
        print(f"{label:<24} {rate:8.1f} img/s")


if __name__ == "__main__":
    main()
