"""A trained model on images and holes no recipe trains on, through `corefill inpaint`.

The images are 16-bit crops (64 to 512 px) of a shoulder MR (pydicom-data's
``MR2_UNCR.dcm``, 1024², 12 bits stored), a scan no corefill recipe trains on. Each crop
gets three holes, one at a time: the centred quarter of its area (a context encoder's
box), a small centred box (1/8 of the side) and a painted stroke (a polyline with round
joints, 2 px up to 1/16 of the side wide). The model fills them through the command a user
types (`corefill inpaint CROPS --masks MASKS`, its default strategy unless --strategy),
and its hole PSNR is set against the exact harmonic (membrane) fill and Telea on the same
16-bit pixels.

    python benchmarks/held_out_holes.py --checkpoint runs/knee/checkpoints/best.pt

prints, per hole and crop size, the model's and Telea's hole PSNR less the harmonic
fill's (dB), then the averages the docs quote, with a 95% bootstrap interval over the
crops.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import cv2
import numpy as np

HOLES = ("quarter box", "small box", "stroke")
SIZES = (64, 128, 256, 512)


def scan() -> np.ndarray:
    """The held-out scan as uint16 (H, W)."""
    from pydicom.data import get_testdata_file

    from corefill.datasets import io

    return np.round(io.read_dicom(get_testdata_file("MR2_UNCR.dcm")) * 65535).astype(np.uint16)


def crops(image: np.ndarray, size: int, count: int, rng: np.random.Generator) -> list[np.ndarray]:
    """``count`` crops of ``size`` with something to fill (mostly tissue, some contrast)."""
    found = []
    while len(found) < count:
        top, left = (int(rng.integers(0, n - size + 1)) for n in image.shape)
        crop = image[top:top + size, left:left + size]
        if crop.std() > 0.05 * 65535 and (crop > 3000).mean() > 0.5:
            found.append(crop.copy())
    return found


def box(size: int, fraction: float) -> np.ndarray:
    hole = np.zeros((size, size), bool)
    side = max(1, round(size * fraction))
    start = (size - side) // 2
    hole[start:start + side, start:start + side] = True
    return hole


def stroke(size: int, rng: np.random.Generator) -> np.ndarray:
    """A painted stroke: 3-5 segments from near the centre, turning by up to 70 degrees."""
    canvas = np.zeros((size, size), np.uint8)
    width = int(rng.integers(2, max(3, size // 16) + 1))
    points = [(int(rng.integers(size // 4, 3 * size // 4)),
               int(rng.integers(size // 4, 3 * size // 4)))]
    heading = rng.uniform(0, 2 * np.pi)
    for _ in range(int(rng.integers(3, 6))):
        heading += rng.uniform(-1.2, 1.2)
        length = rng.uniform(size / 10, size / 4)
        x = int(np.clip(points[-1][0] + length * np.cos(heading), 0, size - 1))
        y = int(np.clip(points[-1][1] + length * np.sin(heading), 0, size - 1))
        points.append((x, y))
    cv2.polylines(canvas, [np.array(points, np.int32)], False, 1, width)
    for point in points:
        cv2.circle(canvas, point, width // 2, 1, -1)
    return canvas > 0


def hole_for(kind: str, size: int, rng: np.random.Generator) -> np.ndarray:
    if kind == "quarter box":
        return box(size, 0.5)
    if kind == "small box":
        return box(size, 1 / 8)
    return stroke(size, rng)


def hole_psnr(result: np.ndarray, original: np.ndarray, hole: np.ndarray) -> float:
    error = (result[hole].astype(np.float64) - original[hole]) / 65535.0
    return float(10 * np.log10(1.0 / max(np.mean(error ** 2), 1e-12)))


def harmonic(original: np.ndarray, hole: np.ndarray) -> np.ndarray:
    from corefill.engine.inference.fill import harmonic as exact

    unit = original.astype(np.float32)[:, :, None] / 65535.0
    return np.round(exact(unit, hole)[:, :, 0] * 65535.0)


def telea(original: np.ndarray, hole: np.ndarray) -> np.ndarray:
    from corefill.serve.model import telea as opencv_telea

    return opencv_telea(original[:, :, None], hole)[:, :, 0]


def write_set(folder: Path, kind: str, cases: list[tuple[str, np.ndarray, np.ndarray]]) -> None:
    (folder / kind / "images").mkdir(parents=True)
    (folder / kind / "masks").mkdir(parents=True)
    for name, image, hole in cases:
        cv2.imwrite(str(folder / kind / "images" / f"{name}.png"), image)
        cv2.imwrite(str(folder / kind / "masks" / f"{name}.png"), hole.astype(np.uint8) * 255)


def cases(count: int, seed: int) -> dict[str, list[tuple[str, np.ndarray, np.ndarray]]]:
    rng = np.random.default_rng(seed)
    image = scan()
    by_kind: dict[str, list] = {kind: [] for kind in HOLES}
    for size in SIZES:
        for k, crop in enumerate(crops(image, size, count, rng)):
            for kind in HOLES:
                by_kind[kind].append((f"{size}-{k}", crop, hole_for(kind, size, rng)))
    return by_kind


def inpaint(model_args: list[str], folder: Path, strategy: str) -> None:
    command = [sys.executable, "-m", "corefill", "inpaint", *model_args, str(folder / "images"),
               "--masks", str(folder / "masks"), "--out", str(folder / "out"),
               "--strategy", strategy]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def scores(model_args: list[str], count: int, seed: int, strategy: str,
           work: Path) -> dict[tuple[str, int], list[tuple[float, float, float]]]:
    """(hole, size) -> [(model, harmonic, Telea) hole PSNR per crop]."""
    table: dict[tuple[str, int], list] = {}
    for kind, listed in cases(count, seed).items():
        write_set(work, kind, listed)
        inpaint(model_args, work / kind, strategy)
        for name, image, hole in listed:
            result = cv2.imread(str(work / kind / "out" / f"{name}_inpainted.png"),
                                cv2.IMREAD_UNCHANGED)
            row = (hole_psnr(result, image, hole), hole_psnr(harmonic(image, hole), image, hole),
                   hole_psnr(telea(image, hole), image, hole))
            table.setdefault((kind, int(name.split("-")[0])), []).append(row)
    return table


def interval(gains: np.ndarray, seed: int = 0, rounds: int = 2000) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    means = [gains[rng.integers(0, len(gains), len(gains))].mean() for _ in range(rounds)]
    return float(np.quantile(means, 0.025)), float(np.quantile(means, 0.975))


def report(table: dict[tuple[str, int], list]) -> None:
    print("hole PSNR less the exact harmonic fill's, dB (model / Telea)")
    print("| hole | " + " | ".join(f"{s} px" for s in SIZES) + " |")
    print("|---|" + "---|" * len(SIZES))
    for kind in HOLES:
        cells = []
        for size in SIZES:
            rows = np.array(table[(kind, size)])
            cells.append(f"{(rows[:, 0] - rows[:, 1]).mean():+.2f} / "
                         f"{(rows[:, 2] - rows[:, 1]).mean():+.2f}")
        print(f"| {kind} | " + " | ".join(cells) + " |")
    for label, kinds in (("all holes", HOLES), ("small boxes and strokes", HOLES[1:])):
        rows = np.concatenate([np.array(table[(k, s)]) for k in kinds for s in SIZES])
        gains = rows[:, 0] - rows[:, 1]
        low, high = interval(gains)
        group_means = [np.mean([r[0] - r[1] for r in table[(k, s)]]) for k in kinds for s in SIZES]
        print(f"{label}: model {gains.mean():+.2f} dB over harmonic (95% interval {low:+.2f} "
              f"to {high:+.2f}; mean of group means {np.mean(group_means):+.2f}), Telea "
              f"{(rows[:, 2] - rows[:, 1]).mean():+.2f}; groups where Telea beats the model: "
              f"{sum(np.mean([r[2] - r[0] for r in table[(k, s)]]) > 0 for k in kinds for s in SIZES)}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    model = parser.add_mutually_exclusive_group(required=True)
    model.add_argument("--checkpoint")
    model.add_argument("--model", help="a model written by corefill export")
    parser.add_argument("--crops", type=int, default=3, help="crops per size (default 3)")
    parser.add_argument("--seed", type=int, default=2028)
    parser.add_argument("--strategy", default="auto", choices=("auto", "crop", "resize"))
    args = parser.parse_args(argv)
    model_args = ["--checkpoint", args.checkpoint] if args.checkpoint else ["--model", args.model]
    with tempfile.TemporaryDirectory() as work:
        report(scores(model_args, args.crops, args.seed, args.strategy, Path(work)))


if __name__ == "__main__":
    main()
