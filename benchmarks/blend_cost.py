"""Cost of `generator.blend: poisson` at the demos' shapes: one blend forward + backward
(what a training step adds), the direct solver (a hole shared by the batch) beside
conjugate gradients (any holes), interleaved round by round; and conjugate gradients on
kaggle-rgb-gan's stroke masks (a different hole per image: no direct solve).

    python benchmarks/blend_cost.py [--rounds 5] [--threads N]

Prints ms per batch for each solver and their ratio. The training step it is added to
takes, on an idle 2-core CPU, about 35 ms (knee, batch 32 at 64²), 112 ms (cifar-ce,
batch 64 at 32²) and 58 ms (kaggle-rgb-gan, batch 16 at 64²); a run reports its own.
"""
from __future__ import annotations

import argparse
import statistics
import time

import torch

import corefill.nn.blend as blend

# name: (batch, channels, side, hole side at the centre)
SHAPES = {
    "knee (32 x 1 x 64², 32² centre)": (32, 1, 64, 32),
    "cifar-ce (64 x 3 x 32², 16² centre)": (64, 3, 32, 16),
    "masked-autoencoder (16 x 1 x 128², 20² centre)": (16, 1, 128, 20),
}


def batch_for(batch: int, channels: int, side: int, hole: int):
    generator = torch.Generator().manual_seed(0)
    known = torch.rand(batch, channels, side, side, generator=generator)
    fill = torch.rand(batch, channels, side, side, generator=generator).requires_grad_()
    mask = torch.zeros(batch, 1, side, side)
    start = (side - hole) // 2
    mask[..., start:start + hole, start:start + hole] = 1
    return fill, known, mask


def milliseconds(fill, known, mask, direct_limit: int, repeats: int = 10) -> float:
    blend.DIRECT_LIMIT = direct_limit
    blend.poisson_blend(fill, known, mask).sum().backward()  # warm-up (and the factor)
    start = time.perf_counter()
    for _ in range(repeats):
        blend.poisson_blend(fill, known, mask).sum().backward()
    return (time.perf_counter() - start) / repeats * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    limit = blend.DIRECT_LIMIT
    for name, shape in SHAPES.items():
        tensors = batch_for(*shape)
        times = {"direct": [], "iterative": []}
        for round_ in range(args.rounds):
            order = ["direct", "iterative"] if round_ % 2 == 0 else ["iterative", "direct"]
            for solver in order:
                times[solver].append(milliseconds(*tensors, limit if solver == "direct" else 0))
        direct, iterative = (statistics.median(times[k]) for k in ("direct", "iterative"))
        print(f"{name}: direct {direct:.1f} ms, conjugate gradients {iterative:.1f} ms "
              f"per blend forward + backward ({iterative / direct:.1f}x)")
    blend.DIRECT_LIMIT = limit
    print(f"kaggle-rgb-gan (16 x 3 x 64², shapes masks): conjugate gradients "
          f"{statistics.median(stroke_milliseconds() for _ in range(args.rounds)):.1f} ms")


def stroke_milliseconds() -> float:
    import numpy as np

    from corefill.plugins import registries
    from corefill.registry import build

    masker = build(registries().get("masker", "shapes"), {"max_hole_fraction": 0.4})
    rng = np.random.default_rng(0)
    mask = torch.stack([masker(64, 64, rng=rng) for _ in range(16)]).float()
    fill, known, _ = batch_for(16, 3, 64, 0)
    return milliseconds(fill, known, mask, blend.DIRECT_LIMIT)


if __name__ == "__main__":
    main()
