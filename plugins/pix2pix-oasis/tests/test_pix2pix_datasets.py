"""OASIS layout loader on a tiny tree built here, and the MNI152 embedded default."""
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from corefill.plugin import DataError
from corefill.testing import check_component, construct
from corefill_pix2pix.datasets.oasis import oasis_slices, scan_pairs

SPLITS = {"train": "train", "val": "validate", "test": "test"}


def _write_case(root: Path, suffix: str, case: int, slice_: int, labels: np.ndarray) -> None:
    image = (labels.astype(np.uint8) * 60 + 10)  # intensity 10, 70, 130, 190 per class
    image_dir = root / f"keras_png_slices_{suffix}"
    seg_dir = root / f"keras_png_slices_seg_{suffix}"
    image_dir.mkdir(exist_ok=True)
    seg_dir.mkdir(exist_ok=True)
    cv2.imwrite(str(image_dir / f"case_{case:03d}_slice_{slice_}.nii.png"), image)
    cv2.imwrite(str(seg_dir / f"seg_{case:03d}_slice_{slice_}.nii.png"), labels * 85)


@pytest.fixture
def oasis_root(tmp_path):
    rng = np.random.default_rng(0)
    for split, suffix in SPLITS.items():
        for case in (1, 2):
            for slice_ in (0, 1):
                labels = rng.integers(0, 4, size=(64, 64)).astype(np.uint8)
                labels[:8] = np.arange(64) % 4  # every class present
                _write_case(tmp_path, suffix, case, slice_, labels)
    return tmp_path


def test_oasis_pairs_by_case_and_slice_and_decodes_labels(oasis_root):
    pairs = scan_pairs(oasis_root, "val").pairs
    assert [(p.name, s.name) for p, s in pairs][:2] == [
        ("case_001_slice_0.nii.png", "seg_001_slice_0.nii.png"),
        ("case_001_slice_1.nii.png", "seg_001_slice_1.nii.png"),
    ]
    data = construct(oasis_slices, split="val", root=str(oasis_root), size=64)
    item = data[0]
    assert item["name"] == "case_001_slice_0"
    assert item["input"].shape == (4, 64, 64) and item["image"].shape == (1, 64, 64)
    labels = item["input"].argmax(0)
    seg = cv2.imread(str(pairs[0][1]), cv2.IMREAD_GRAYSCALE)
    assert torch.equal(labels, torch.from_numpy(seg // 85).long())
    # the test tree paints class k with 10 + 60k, scaled to [-1, 1]
    expected = (10 + 60 * labels.float()) / 127.5 - 1
    assert torch.allclose(item["image"][0], expected, atol=1e-6)


def test_oasis_scaled_encoding_matches_onehot_after_resize(oasis_root):
    scaled = construct(oasis_slices, split="test", root=str(oasis_root), size=32, input_encoding="scaled")
    onehot = construct(oasis_slices, split="test", root=str(oasis_root), size=32)
    item = scaled[1]
    assert item["input"].shape == (1, 32, 32) and item["image"].shape == (1, 32, 32)
    labels = (item["input"][0] + 1) * 1.5  # [-1, 1] back to 0..3
    assert torch.allclose(labels, labels.round(), atol=1e-5)
    assert torch.equal(labels.round().long(), onehot[1]["input"].argmax(0))
    assert len(scaled) == 4 and scaled.value_range == (-1.0, 1.0)


def test_oasis_errors_name_the_path(oasis_root, tmp_path):
    with pytest.raises(DataError, match="root: .*nowhere is not a folder"):
        construct(oasis_slices, split="train", root=str(tmp_path / "nowhere"))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DataError, match="expected one image folder ending in '_validate'"):
        construct(oasis_slices, split="val", root=str(empty))
    for path in (oasis_root / "keras_png_slices_seg_train").iterdir():
        path.write_bytes(b"")
    with pytest.raises(DataError, match="keras_png_slices_train: no usable slice pairs"):
        construct(oasis_slices, split="train", root=str(oasis_root))


def test_oasis_conforms(oasis_root):
    check_component("dataset", "oasis-slices", {"root": str(oasis_root), "size": 64},
                    split="train")


def test_mni152_default_splits_are_disjoint_with_four_classes():
    splits = {s: construct(oasis_slices, split=s, size=128) for s in SPLITS}
    names = {s: set(d.names) for s, d in splits.items()}
    assert not names["train"] & names["val"] and not names["train"] & names["test"]
    assert not names["val"] & names["test"]
    assert len(names["train"]) > 5 * len(names["test"]) > 0
    item = splits["test"][len(splits["test"]) // 2]  # a mid-brain slice
    labels = item["input"].argmax(0)
    counts = torch.bincount(labels.flatten(), minlength=4)
    assert (counts > 20).all(), counts  # background, CSF, grey and white matter all present
    image = item["image"][0]
    # white matter is the brightest tissue on T1, background the darkest
    assert image[labels == 3].mean() > image[labels == 2].mean() > image[labels == 0].mean()


def test_mni152_conforms():
    check_component("dataset", "oasis-slices", {"size": 128, "limit": 4}, split="val")
