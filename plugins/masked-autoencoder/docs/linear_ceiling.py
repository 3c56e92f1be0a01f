"""How much a learned fill can gain over the harmonic fill on the demo's photos.

The harmonic fill is a linear function of the known pixels at the hole's border, so the
least-squares linear map from a ring of known pixels to the hole contains it: fitted on
the training photos' windows it can only do better there. Scored on the validation and
test photos, it says how much of what the training photos teach about a centred hole
carries to unseen ones (the README's "How much there is to learn").

    python plugins/masked-autoencoder/docs/linear_ceiling.py --size 160 --hole 20 --ring 8

Needs only what the plugin's demo needs (the bundled photos). Minutes at 160 px on 2 CPU
cores; the source's scale (--size 288 --hole 40 --ring 12 --stride 4) takes about 18.
``--radiographs`` fits and scores on the two computed radiographs pydicom-data ships (the
knee demo's data) instead, each cut into bands: train the top 60 %, test the bottom 20 %.
"""
from __future__ import annotations

import argparse

import numpy as np
import torch

from corefill.datasets.photos import load_photos, resolve_names, split_photos
from corefill.nn.blend import harmonic_fill


def windows(image: np.ndarray, side: int, stride: int) -> np.ndarray:
    """Every ``side``² window of a grey (H, W, 1) image at ``stride``, float64 (N, side, side)."""
    view = np.lib.stride_tricks.sliding_window_view(image[..., 0], (side, side))
    return view[::stride, ::stride].reshape(-1, side, side).astype(np.float64)


def dihedral(batch: np.ndarray):
    """The 8 turns and mirrors of a batch of square windows."""
    for turns in range(4):
        turned = np.rot90(batch, turns, axes=(1, 2))
        yield turned
        yield turned[:, :, ::-1]


class RingToHole:
    """Least squares from the ring (less its mean) to the hole (less the ring's mean):
    fill levels are relative to the surroundings, as the harmonic fill's are."""

    def __init__(self, side: int, ring: int) -> None:
        self.known = np.ones((side, side), bool)
        self.known[ring:side - ring, ring:side - ring] = False
        self.gram = self.cross = 0.0

    def features(self, batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        ring = batch[:, self.known]
        level = ring.mean(axis=1, keepdims=True)
        return ring - level, level

    def add(self, batch: np.ndarray) -> None:
        centred, level = self.features(batch)
        self.gram = self.gram + centred.T @ centred
        self.cross = self.cross + centred.T @ (batch[:, ~self.known] - level)

    def solve(self, ridge: float = 1.0) -> None:
        self.weights = np.linalg.solve(self.gram + ridge * np.eye(len(self.gram)), self.cross)

    def fill(self, batch: np.ndarray) -> np.ndarray:
        centred, level = self.features(batch)
        return np.clip(centred @ self.weights + level, 0.0, 1.0)


def photo_splits(size: int, scales: list[float], seed: int) -> dict[str, list]:
    """The demo's photo split: {"train": [photos at each scale], "val": [...], "test": [...]}."""
    names = resolve_names("all")
    split = {s: tuple(split_photos(names, s, 0.2, 0.2, seed)) for s in ("train", "val", "test")}
    train = [p for scale in scales for p in load_photos(split["train"], 1, round(size * scale))]
    return {"train": train, "val": list(load_photos(split["val"], 1, size)),
            "test": list(load_photos(split["test"], 1, size))}


def radiograph_splits(size: int, scales: list[float]) -> dict[str, list]:
    """Bands of pydicom-data's two computed radiographs, scaled to [0, 1] per file: train
    from the top 60 % at each scale, test from the bottom 20 % at ``size``."""
    import cv2
    import pydicom
    from pydicom.data import get_testdata_file

    def resized(pixels: np.ndarray, side: float) -> np.ndarray:
        factor = side / min(pixels.shape)
        shape = (round(pixels.shape[1] * factor), round(pixels.shape[0] * factor))
        return cv2.resize(pixels, shape, interpolation=cv2.INTER_AREA)[..., None]

    splits: dict[str, list] = {"train": [], "test": []}
    for name in ("RG3_UNCR.dcm", "RG1_UNCR.dcm"):
        pixels = pydicom.dcmread(get_testdata_file(name)).pixel_array.astype(np.float32)
        pixels = (pixels - pixels.min()) / (pixels.max() - pixels.min())
        for scale in scales:
            image = resized(pixels, size * scale)
            splits["train"].append(image[: int(image.shape[0] * 0.6)])
        image = resized(pixels, size)
        splits["test"].append(image[int(image.shape[0] * 0.8):])
    return splits


def harmonic_hole(batch: np.ndarray, hole_mask: np.ndarray) -> np.ndarray:
    image = torch.from_numpy(batch).float().unsqueeze(1)
    mask = torch.from_numpy(hole_mask).float().expand_as(image)
    return harmonic_fill(image * (1 - mask), mask)[:, 0].double().numpy()[:, hole_mask]


def mean_psnr(fill: np.ndarray, truth: np.ndarray) -> float:
    """Mean over windows of the hole PSNR (values in [0, 1]), as the demo's report scores."""
    mse = np.maximum(((fill - truth) ** 2).mean(axis=1), 1e-10)
    return float((10 * np.log10(1 / mse)).mean())


def main(argv=None) -> dict[str, tuple[float, float]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=160, help="photos' shorter side (px)")
    parser.add_argument("--hole", type=int, default=20, help="side of the centred hole")
    parser.add_argument("--ring", type=int, default=8, help="known pixels on each side")
    parser.add_argument("--stride", type=int, default=2, help="training windows' stride")
    parser.add_argument("--scales", type=float, nargs="+", default=[0.8, 1.0, 1.25, 1.6])
    parser.add_argument("--seed", type=int, default=0, help="the recipe's seed (photo split)")
    parser.add_argument("--radiographs", action="store_true",
                        help="pydicom-data's two radiographs instead of the bundled photos")
    args = parser.parse_args(argv)
    side = args.hole + 2 * args.ring
    images = (radiograph_splits(args.size, args.scales) if args.radiographs
              else photo_splits(args.size, args.scales, args.seed))
    model, count = RingToHole(side, args.ring), 0
    for image in images["train"]:
        for batch in dihedral(windows(image, side, args.stride)):
            model.add(batch)
            count += len(batch)
    model.solve()
    print(f"linear fill fitted on {count} windows of {len(images['train'])} training images")
    scores = {}
    for name in [s for s in ("val", "test") if s in images]:
        batch = np.concatenate([windows(image, side, 3) for image in images[name]])
        truth = batch[:, ~model.known]
        scores[name] = (mean_psnr(harmonic_hole(batch, ~model.known), truth),
                        mean_psnr(model.fill(batch), truth))
        print(f"{name}: {len(batch)} windows, mean hole PSNR harmonic {scores[name][0]:.2f}, "
              f"linear {scores[name][1]:.2f}")
    return scores


if __name__ == "__main__":
    main()
