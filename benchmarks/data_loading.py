"""Data-loading throughput of the built-in datasets, with and without the in-memory cache.

Prints items/s of ``dataset[i]`` alone and through a DataLoader (batch 16, no workers:
the slowest case) for: an image folder of 256x256 PNGs resized to 128 with random 112 crops; random 256 crops
from the two pydicom-data radiographs (1760x1760, 1955x1841); MNI152 axial slices.

    python benchmarks/data_loading.py [--images 200] [--epochs 2] [--threads 1]

Collation (torch.stack) uses torch's intra-op threads; on a busy 2-core machine OpenMP
contention can make it 10x slower, so the load average is printed with the figures.
"""
from __future__ import annotations

import argparse
import importlib.util
import tempfile
import os
import time
from pathlib import Path

import cv2
import numpy as np
import torch
from torch.utils.data import DataLoader

from corefill.plugins import registries
from corefill.registry import build


def make_folder(root: Path, count: int) -> Path:
    rng = np.random.default_rng(0)
    for i in range(count):
        image = cv2.GaussianBlur(rng.integers(0, 256, (256, 256, 3), dtype=np.uint8), (7, 7), 2)
        cv2.imwrite(str(root / f"img{i:04d}.png"), image)
    return root


def dicom_folder(root: Path) -> Path:
    from pydicom.data import get_testdata_file

    for name in ("RG3_UNCR.dcm", "RG1_UNCR.dcm"):
        (root / name).symlink_to(get_testdata_file(name))
    return root


def measure(name: str, params: dict, epochs: int) -> dict[str, float]:
    start = time.perf_counter()
    dataset = build(registries().get("dataset", name), params, split="train")
    setup = time.perf_counter() - start
    start = time.perf_counter()
    for index in range(len(dataset)):
        dataset[index]
    items = len(dataset) / (time.perf_counter() - start)
    loader = DataLoader(dataset, batch_size=16, shuffle=True)
    count, start = 0, time.perf_counter()
    for epoch in range(epochs):
        if hasattr(dataset, "set_epoch"):
            dataset.set_epoch(epoch)
        for batch in loader:
            count += batch["image"].shape[0]
    loaded = count / (time.perf_counter() - start)
    return {"length": len(dataset), "setup": setup, "items": items, "loader": loaded}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=200)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads")
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores, "
          f"torch threads {torch.get_num_threads()}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cases = {
            "image-folder 256->128, crop 112": ("image-folder", {
                "root": str(make_folder(Path(tmp), args.images)), "size": 128, "crop": 112,
                "val_fraction": 0, "test_fraction": 0}),
        }
        if importlib.util.find_spec("pydicom") and importlib.util.find_spec("data_store"):
            (tmp / "dcm").mkdir()
            inner = {"name": "dicom-folder", "params": {
                "root": str(dicom_folder(tmp / "dcm")), "val_fraction": 0, "test_fraction": 0}}
            cases["random-crops 256 of 2 radiographs"] = ("random-crops", {
                "dataset": inner, "crop_size": 256, "crops_per_image": 64})
        spec = importlib.util.find_spec("nilearn")
        if spec is not None:
            mni = Path(spec.origin).parent / "datasets/data/mni_icbm152_t1_tal_nlin_sym_09a_converted.nii.gz"
            cases["nifti-slices MNI152 axial"] = ("nifti-slices", {"path": str(mni)})
        print(f"{'dataset':<36} {'cache':>5} {'items':>6} {'setup s':>8} "
              f"{'getitem/s':>10} {'loader/s':>9}")
        for label, (name, params) in cases.items():
            for cache in (True, False):
                if name == "random-crops":
                    inner = dict(params["dataset"], params={**params["dataset"]["params"], "cache": cache})
                    run = {**params, "dataset": inner}
                else:
                    run = {**params, "cache": cache}
                m = measure(name, run, args.epochs)
                print(f"{label:<36} {str(cache):>5} {m['length']:>6} {m['setup']:>8.2f} "
                      f"{m['items']:>10.0f} {m['loader']:>9.0f}")


if __name__ == "__main__":
    main()
