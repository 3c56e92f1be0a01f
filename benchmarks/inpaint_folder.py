"""Images per second of `corefill inpaint` on a folder, per strategy, in one process.

    python benchmarks/inpaint_folder.py --checkpoint runs/knee/checkpoints/best.pt

Makes ``--images`` grey 16-bit photos (scikit-image's, 256² and 512²) with a painted stroke
and a small box each, loads the model once and fills the folder with each strategy, the
strategies interleaved over ``--rounds`` rounds (best and median round printed): ``resize``
(the whole image at the model's size), ``crop`` (each hole in its own windows, at the
image's resolution). Reading and writing the PNGs is included, start-up is not.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np


def make_folder(folder: Path, count: int) -> tuple[Path, Path]:
    from skimage import data

    photos = [data.camera(), data.moon(), data.coins(), data.brick(), data.grass(), data.gravel()]
    images, masks = folder / "images", folder / "masks"
    images.mkdir(), masks.mkdir()
    rng = np.random.default_rng(0)
    for index in range(count):
        side = 256 if index % 2 == 0 else 512
        photo = cv2.resize(photos[index % len(photos)], (side, side), interpolation=cv2.INTER_AREA)
        cv2.imwrite(str(images / f"{index:03d}.png"), photo.astype(np.uint16) * 257)
        hole = np.zeros((side, side), np.uint8)
        points = rng.integers(side // 8, 7 * side // 8, size=(4, 2)).astype(np.int32)
        cv2.polylines(hole, [points], False, 255, int(rng.integers(3, 12)))
        top, left = rng.integers(0, side - side // 8, size=2)
        hole[top:top + side // 8, left:left + side // 8] = 255
        cv2.imwrite(str(masks / f"{index:03d}.png"), hole)
    return images, masks


def timed(checkpoint: str, images: Path, masks: Path, out: Path, strategy: str) -> float:
    from corefill.engine.inference.run import expand_inputs, run_images
    from corefill.plugins import resolve_registries

    runner, recipe, spec = _loaded(checkpoint)
    paths = expand_inputs([images])
    start = time.perf_counter()
    run_images(runner, spec, paths, out_dir=out, seed=recipe.seed, source=Path(checkpoint),
               masks_dir=masks, device="cpu", registries=resolve_registries(None),
               warn=lambda line: None, strategy=strategy)
    return len(paths) / (time.perf_counter() - start)


_CACHE: dict[str, tuple] = {}


def _loaded(checkpoint: str) -> tuple:
    if checkpoint not in _CACHE:
        from corefill.engine.inference.run import load
        from corefill.plugins import resolve_registries

        _CACHE[checkpoint] = load(Path(checkpoint), "cpu", resolve_registries(None))
    return _CACHE[checkpoint]


def main(argv: list[str] | None = None) -> None:
    import torch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--images", type=int, default=24)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"{args.images} images (half 256², half 512²), a stroke and a small box each")
    with tempfile.TemporaryDirectory() as work:
        images, masks = make_folder(Path(work), args.images)
        rates: dict[str, list[float]] = {"resize": [], "crop": []}
        timed(args.checkpoint, images, masks, Path(work) / "warm", "crop")  # warm-up
        for _ in range(args.rounds):
            for strategy in rates:
                rates[strategy].append(timed(args.checkpoint, images, masks,
                                             Path(work) / strategy, strategy))
    for strategy, values in rates.items():
        print(f"{strategy:>6}: {max(values):.2f} images/s best, "
              f"{statistics.median(values):.2f} median")


if __name__ == "__main__":
    main()
