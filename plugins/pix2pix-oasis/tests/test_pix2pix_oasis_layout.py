"""OASIS in its published layout, built from real MNI152 template pixels, read by the loader
and by both shipped recipes through the real CLI.

The Kaggle archive unpacks to ``keras_png_slices_data/`` holding
``keras_png_slices_{train,validate,test}/case_<case>_slice_<n>.nii.png`` beside
``keras_png_slices_seg_{...}/seg_<case>_slice_<n>.nii.png`` (labels 0..3 stored as
0/85/170/255). Slices here keep the template's own odd 233 x 197 plane, and each split
holds the kinds of broken entries a real download can have.
"""
import json
import math
import re
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from corefill.data import UnreadableFilesWarning
from corefill.testing import construct, run_cli
from corefill_pix2pix.datasets.mni152 import load_template, slice_labels
from corefill_pix2pix.datasets.oasis import oasis_slices, scan_pairs
from corefill_pix2pix.datasets.slices import resize_pair

RECIPES = Path(__file__).resolve().parents[3] / "recipes"
PAIRS = {"train": 6, "val": 2, "test": 2}
# split folder suffix -> (case, [axial indices z]); distinct cases per split, as in OASIS
CASES = {"train": (1, [60, 70, 80, 90, 100, 110]), "validate": (2, [75, 95]),
         "test": (3, [85, 105])}
# What each split's broken entries are, and so how many files its loader must skip.
SKIPPED = {"train": 2, "val": 1, "test": 1}


def axial(volume: np.ndarray, z: int) -> np.ndarray:
    return np.ascontiguousarray(volume[:, :, z].T[::-1])  # (233, 197), anterior up


def write_slice(folder: Path, suffix: str, case: int, slice_: int, z: int) -> tuple[Path, Path]:
    volumes = load_template()
    t1, gm, wm = (axial(volumes[k], z) for k in ("t1", "gm", "wm"))
    image_dir = folder / f"keras_png_slices_{suffix}"
    seg_dir = folder / f"keras_png_slices_seg_{suffix}"
    image_dir.mkdir(parents=True, exist_ok=True)
    seg_dir.mkdir(parents=True, exist_ok=True)
    image = image_dir / f"case_{case:03d}_slice_{slice_}.nii.png"
    seg = seg_dir / f"seg_{case:03d}_slice_{slice_}.nii.png"
    cv2.imwrite(str(image), np.rint(t1 * 255).astype(np.uint8))
    cv2.imwrite(str(seg), slice_labels(t1, gm, wm) * np.uint8(85))  # 0/85/170/255
    return image, seg


def build_oasis(folder: Path) -> Path:
    """Slices of every split plus, per split, the broken entries counted in ``SKIPPED``."""
    for suffix, (case, zs) in CASES.items():
        for slice_, z in enumerate(zs):
            write_slice(folder, suffix, case, slice_, z)
    # train: a truncated image (label fine), and an image whose label map is missing
    image, _ = write_slice(folder, "train", 1, 20, 65)
    image.write_bytes(image.read_bytes()[: image.stat().st_size // 2])
    _, seg = write_slice(folder, "train", 1, 21, 66)
    seg.unlink()
    # validate: text saved under an image name; test: a zero-byte label map
    image, _ = write_slice(folder, "validate", 2, 20, 85)
    image.write_text("<html>404 Not Found</html>")
    _, seg = write_slice(folder, "test", 3, 20, 95)
    seg.write_bytes(b"")
    return folder


@pytest.fixture(scope="session")
def oasis_tree(tmp_path_factory) -> Path:
    """``<root>/keras_png_slices_*`` (the layout the loader documents)."""
    return build_oasis(tmp_path_factory.mktemp("oasis"))


@pytest.fixture(scope="session")
def kaggle_download(tmp_path_factory) -> Path:
    """The folder the Kaggle archive was unpacked in: ``<dir>/keras_png_slices_data/...``."""
    parent = tmp_path_factory.mktemp("download")
    build_oasis(parent / "keras_png_slices_data")
    return parent


def test_scan_pairs_keeps_good_slices_and_counts_broken_ones(oasis_tree):
    for split, wanted in PAIRS.items():
        scan = scan_pairs(oasis_tree, split)
        assert len(scan.pairs) == wanted and len(scan.skipped) == SKIPPED[split], scan.skipped
    reasons = " | ".join(why for _, why in scan_pairs(oasis_tree, "train").skipped)
    assert "case_001_slice_20.nii.png: not a readable PNG" in reasons
    assert "case_001_slice_21.nii.png: no label map keras_png_slices_seg_train/seg_001_slice_21" \
        in reasons
    val = scan_pairs(oasis_tree, "val").skipped[0][1]
    assert "case_002_slice_20.nii.png: not a readable PNG" in val
    assert "seg_003_slice_20.nii.png: not a readable PNG" in scan_pairs(oasis_tree, "test").skipped[0][1]


def test_odd_size_slices_decode_labels_0_85_170_255(oasis_tree):
    data = construct(oasis_slices, split="val", root=str(oasis_tree), size=128)
    image_path, seg_path = data.pairs[0]
    seg = cv2.imread(str(seg_path), cv2.IMREAD_GRAYSCALE)
    assert seg.shape == (233, 197) and set(np.unique(seg)) == {0, 85, 170, 255}
    image = cv2.imread(str(image_path), cv2.IMREAD_GRAYSCALE)
    expected_image, expected_labels = resize_pair(image, seg // 85, 128)
    item = data[0]
    assert torch.equal(item["input"].argmax(0), torch.from_numpy(expected_labels).long())
    assert torch.allclose(item["image"][0], torch.from_numpy(expected_image / 127.5 - 1).float(),
                          atol=1e-6)
    labels = item["input"].argmax(0)
    # T1 contrast survives the trip: white matter brighter than grey matter than background
    assert item["image"][0][labels == 3].mean() > item["image"][0][labels == 2].mean() \
        > item["image"][0][labels == 0].mean()


def test_one_warning_line_per_split_says_how_many_were_skipped(oasis_tree):
    with pytest.warns(UnreadableFilesWarning, match=r"train .*skipped 2 of 8 slice files"):
        train = construct(oasis_slices, split="train", root=str(oasis_tree), size=64)
    assert len(train) == 6 and len(train.skipped) == 2


def test_kaggle_download_folder_is_found_one_level_down(kaggle_download, oasis_tree):
    with pytest.warns(UnreadableFilesWarning):
        nested = construct(oasis_slices, split="test", root=str(kaggle_download), size=64)
        flat = construct(oasis_slices, split="test", root=str(oasis_tree), size=64)
    assert nested.names == flat.names == ["case_003_slice_0", "case_003_slice_1"]


def _skipped_by_split(records) -> dict[str, int]:
    counts = {}
    for record in records:
        match = re.search(r"oasis-slices (\w+) .*skipped (\d+) of", str(record.message))
        if match and issubclass(record.category, UnreadableFilesWarning):
            counts[match[1]] = int(match[2])
    return counts


@pytest.mark.parametrize("recipe, tree", [
    ("pix2pix-oasis.yaml", "oasis_tree"),
    pytest.param("pix2pix-oasis-256.yaml", "kaggle_download", marks=pytest.mark.slow),  # ~15 s
])
def test_shipped_recipe_trains_and_scores_on_the_layout(recipe, tree, request, tmp_path):
    root = request.getfixturevalue(tree)
    out = tmp_path / "run"
    with pytest.warns(UnreadableFilesWarning) as records:
        code = run_cli(
            "run", str(RECIPES / recipe), "--out", str(out),
            "-o", f"data.dataset.params.root={root}", "-o", "train.max_steps=2",
            "-o", "metrics=[ssim_full, psnr_full]")  # FID's Inception is slow on CPU
    assert code == 0
    assert _skipped_by_split(records) == SKIPPED
    report = json.loads((out / "report.json").read_text())
    assert report["images"] == PAIRS["test"]
    assert set(report["models"]) == {"trained", "label-mean"}
    for model in report["models"].values():
        assert all(math.isfinite(v) for v in model["metrics"].values()), model
    outputs = sorted(p.stem for p in (out / "test_outputs").glob("*.png"))
    assert outputs == ["case_003_slice_0", "case_003_slice_1"]
