"""Knee radiographs in their published layouts, built from real pixels, read by the dataset
and by both shipped recipes through the real CLI.

- The Kaggle severity-graded set: ``train|val|test/<KL grade 0-4>/*.png``, 224² 8-bit grey
  (plus its ``auto_test/`` folder, which belongs to no split), with a 16-bit PNG, a JPEG,
  an odd-size image and four kinds of unreadable file mixed in.
- A flat folder of PNG/JPEG/DICOM, split by a hash of each name.

Pixels are crops of the lower-leg radiograph pydicom-data ships (RG3, MONOCHROME1), taken
where the border is soft tissue or air, as in a knee image.
"""
import json
import math
import re
from pathlib import Path

import cv2
import numpy as np
import pydicom
import pytest
from pydicom.data import get_testdata_file

from corefill.data import UnreadableFilesWarning, read_dicom, split_of
from corefill.testing import construct, run_cli
from corefill_knee_ce.datasets.knee import KneeRadiographs, _prepare_cached
from corefill_knee_ce.datasets.params import KneeRadiographsParams

RECIPES = Path(__file__).resolve().parents[3] / "recipes"
SOURCE = "RG3_UNCR.dcm"
SIDE, LEFT = 660, 530  # crop side and left edge (source pixels): the leg, not the collimator
# split -> [(grade, top row of the crop)], 8-bit 224² PNGs as the Kaggle set stores them
KAGGLE = {"train": [(0, 0), (1, 100), (2, 200), (3, 300), (4, 400), (0, 500)],
          "val": [(1, 600), (2, 700)], "test": [(3, 800), (4, 900)]}
KEPT = {"train": 9, "val": 2, "test": 2}  # + the 16-bit, the JPEG and the odd-size image
UNREADABLE = 4
FLAT_PNGS = 14


def crop(top: int, side: int = SIDE, left: int = LEFT) -> np.ndarray:
    """A crop of the real radiograph, float32 in [0, 1], bright = dense."""
    return read_dicom(get_testdata_file(SOURCE))[top:top + side, left:left + side]


def write(path: Path, image: np.ndarray, size=(224, 224), dtype=np.uint8) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    resized = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    scale = np.iinfo(dtype).max
    assert cv2.imwrite(str(path), np.round(resized * scale).astype(dtype))
    return path


def write_dicom_crop(path: Path, top: int) -> Path:
    """The real DICOM, header and stored values kept, cut down to one crop."""
    ds = pydicom.dcmread(get_testdata_file(SOURCE))
    pixels = np.ascontiguousarray(ds.pixel_array[top:top + SIDE, LEFT:LEFT + SIDE])
    ds.Rows, ds.Columns = pixels.shape
    ds.PixelData = pixels.tobytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    ds.save_as(str(path))
    return path


def break_files(folder: Path, names: list[str]) -> None:
    """A truncated PNG, a PNG with corrupt data, a zero-byte file, text named .png."""
    truncated, corrupt, empty, text = (folder / n for n in names)
    data = write(truncated, crop(0)).read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0xFF  # inside the image data: its checksum no longer holds
    corrupt.parent.mkdir(parents=True, exist_ok=True)
    corrupt.write_bytes(bytes(flipped))
    empty.parent.mkdir(parents=True, exist_ok=True)
    empty.write_bytes(b"")
    text.parent.mkdir(parents=True, exist_ok=True)
    text.write_text("<html>403 Forbidden</html>")


@pytest.fixture(scope="module")
def kaggle_tree(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("kneeKL224")
    for split, images in KAGGLE.items():
        for grade, top in images:
            write(root / split / str(grade) / f"{9000000 + top}L.png", crop(top))
    write(root / "train" / "2" / "9001000R.png", crop(1000), dtype=np.uint16)
    jpeg = root / "train" / "3" / "9001100R.jpg"
    jpeg.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(jpeg), np.round(cv2.resize(crop(1100), (224, 224)) * 255).astype(np.uint8))
    write(root / "train" / "1" / "odd.png", crop(50, 700, 500), size=(231, 197))
    write(root / "auto_test" / "0" / "9000000L.png", crop(0))  # in no split: never read
    break_files(root, ["train/0/truncated.png", "train/4/corrupt.png", "val/1/empty.png",
                       "test/2/notes.png"])
    return root


@pytest.fixture(scope="module")
def flat_tree(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("flat")
    for k in range(FLAT_PNGS):
        write(root / f"{9001000 + k}L.png", crop(80 * k))
    write_dicom_crop(root / "scan.dcm", 550)
    write(root / "knee_jpeg.jpg", crop(650))
    readable = [p.name for p in root.iterdir()]
    splits = {split_of(name, 0.15, 0.15) for name in readable}
    assert splits == {"train", "val", "test"}, "rename files: a split would be empty"
    break_files(root, ["a.png", "b.png", "c.png", "d.png"])
    return root


@pytest.fixture(autouse=True)
def fresh_preprocessing():
    """Each test sees the one-time preprocessing (and its warning) happen."""
    _prepare_cached.cache_clear()


def params(root, **overrides):
    return KneeRadiographsParams(root=str(root), **{"size": 64, **overrides}).model_dump()


def test_kaggle_layout_keeps_grades_bit_depths_and_counts_broken_files(kaggle_tree, tmp_path):
    with pytest.warns(UnreadableFilesWarning, match=f"skipped {UNREADABLE} unreadable"):
        train = construct(KneeRadiographs, split="train", **params(kaggle_tree, augment="none"))
    test = construct(KneeRadiographs, split="test", **params(kaggle_tree))
    summary = train.prepared.summary()
    assert summary["kept"] == KEPT and summary["counts"]["unreadable"] == UNREADABLE
    assert summary["images_seen"] == sum(KEPT.values()) + UNREADABLE  # auto_test/ not read
    assert summary["counts"]["inverted"] == summary["counts"]["artifact"] == 0
    grades = {train[i]["name"]: train[i]["grade"] for i in range(len(train))}
    assert grades["train/2/9001000R.png"] == 2 and grades["train/3/9001100R.jpg"] == 3
    assert grades["train/1/odd.png"] == 1 and [test[i]["grade"] for i in range(2)] == [3, 4]
    # 16-bit pixels keep their precision: many more grey levels than an 8-bit file has
    deep = next(train[i]["image"] for i in range(len(train)) if "9001000R" in train[i]["name"])
    assert len(np.unique(deep.numpy())) > 256 and deep.shape == (1, 64, 64)
    listed = " ".join(summary["files"]["unreadable"])
    for name in ("truncated.png", "corrupt.png", "empty.png", "notes.png"):
        assert name in listed


def test_flat_folder_with_dicom_is_split_by_name(flat_tree):
    with pytest.warns(UnreadableFilesWarning, match=f"skipped {UNREADABLE} unreadable"):
        splits = {s: construct(KneeRadiographs, split=s, **params(flat_tree, augment="none"))
                  for s in ("train", "val", "test")}
    names = {s: [d[i]["name"] for i in range(len(d))] for s, d in splits.items()}
    assert sum(len(n) for n in names.values()) == FLAT_PNGS + 2  # + the DICOM and the JPEG
    dicom_split = split_of("scan.dcm", 0.15, 0.15)
    assert "scan.dcm" in names[dicom_split]
    summary = splits["train"].prepared.summary()
    # The DICOM header says MONOCHROME1: recorded as inverted, read bright = dense.
    assert summary["files"]["inverted"] == [str(flat_tree / "scan.dcm")]


def test_auto_augment_is_mirror_for_a_folder(kaggle_tree):
    with pytest.warns(UnreadableFilesWarning):
        auto = construct(KneeRadiographs, split="train", **params(kaggle_tree, augment="auto"))
    assert len(auto) == 2 * KEPT["train"]


def _run(recipe: str, root: Path, out: Path, *extra: str) -> None:
    with pytest.warns(UnreadableFilesWarning) as records:
        code = run_cli(
            "run", str(RECIPES / recipe), "--out", str(out), "-o", f"data.dataset.params.root={root}",
            "-o", "train.max_steps=2", "-o", "metrics=[psnr_hole, ssim_hole]", *extra)
    assert code == 0
    lines = [str(r.message) for r in records if issubclass(r.category, UnreadableFilesWarning)]
    assert len(lines) == 1 and re.search(rf"skipped {UNREADABLE} unreadable", lines[0]), lines


def _check_report(out: Path) -> dict:
    """The run scored the trained model and the baselines on the kept test images, and
    its preprocessing summary counts the broken files."""
    summary = json.loads((out / "preprocessing" / "summary.json").read_text())
    assert summary["counts"]["unreadable"] == UNREADABLE
    assert len((out / "preprocessing" / "unreadable.txt").read_text().splitlines()) == UNREADABLE
    report = json.loads((out / "report.json").read_text())
    assert report["images"] == summary["kept"]["test"] > 0
    assert set(report["models"]) == {"trained", "telea", "navier-stokes", "harmonic", "mean-fill"}
    for model in report["models"].values():
        assert all(math.isfinite(v) for v in model["metrics"].values()), model
    return summary


def test_demo_recipe_trains_and_scores_on_the_kaggle_layout(kaggle_tree, tmp_path):
    _run("knee.yaml", kaggle_tree, tmp_path / "run")
    assert _check_report(tmp_path / "run")["kept"] == KEPT


def test_full_recipe_trains_and_scores_on_a_flat_folder(flat_tree, tmp_path):
    _run("knee-full.yaml", flat_tree, tmp_path / "run")
    summary = _check_report(tmp_path / "run")
    assert sum(summary["kept"].values()) == FLAT_PNGS + 2
