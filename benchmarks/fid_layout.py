"""FID's Inception features on CPU in the two memory layouts, side by side in one run.

``FIDMetric.features`` runs Inception in channels_last on CPU (``fid.inception_layout``);
this times the same images through it in both layouts, interleaved in rounds so machine
noise hits them alike, and prints img/s (best round and median), the ratio and the largest
feature difference (the layout must not change FID).

Usage: python benchmarks/fid_layout.py [--images 20] [--size 128] [--rounds 3]
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import torch

from corefill.metrics import fid

LAYOUTS = {"contiguous": torch.contiguous_format, "channels_last": torch.channels_last}


def timed_features(metric: fid.FIDMetric, images: torch.Tensor,
                   layout: torch.memory_format) -> tuple[float, np.ndarray]:
    chosen = fid.inception_layout
    fid.inception_layout = lambda device: layout
    try:
        start = time.perf_counter()
        features = metric.features(images)
        return time.perf_counter() - start, features
    finally:
        fid.inception_layout = chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--images", type=int, default=20, help="images per round (a test split's worth)")
    parser.add_argument("--size", type=int, default=128, help="image side before Inception's 299² resize")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    images = torch.rand(args.images, 3, args.size, args.size, generator=torch.Generator().manual_seed(0))
    metric = fid.FIDMetric(weights=None, batch_size=50)
    metric.features(images[:2])  # builds (or converts) the weights once, outside the timing
    seconds: dict[str, list[float]] = {name: [] for name in LAYOUTS}
    features: dict[str, np.ndarray] = {}
    for _ in range(args.rounds):
        for name, layout in LAYOUTS.items():
            elapsed, features[name] = timed_features(metric, images, layout)
            seconds[name].append(elapsed)
    print(f"FID Inception features, {args.images} images of {args.size}², CPU, "
          f"{torch.get_num_threads()} thread(s), {args.rounds} round(s)")
    print(f"  {'layout':<14} {'best img/s':>10} {'median img/s':>13}")
    rates = {}
    for name, times in seconds.items():
        rates[name] = (args.images / min(times), args.images / statistics.median(times))
        print(f"  {name:<14} {rates[name][0]:>10.1f} {rates[name][1]:>13.1f}")
    best, median = (rates["channels_last"][i] / rates["contiguous"][i] for i in (0, 1))
    difference = float(np.abs(features["channels_last"] - features["contiguous"]).max())
    print(f"channels_last / contiguous: {best:.2f}x best rounds, {median:.2f}x median")
    print(f"largest feature difference: {difference:.2g}")


if __name__ == "__main__":
    main()
